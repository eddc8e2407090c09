package cli

import (
	"flag"
	"fmt"
	"runtime/debug"

	"github.com/d2sync/d2sync/internal/syncer"
)

// dataFlags are the flags of the data and tracker scopes, shared by sync
// and verify.
type dataFlags struct {
	dataSets, orgUnits, periods, aocs string
	startDate, endDate                string
	chunkValues, workers, asyncValues int
	noGzip                            bool
	programs                          string
	trackerPageSize                   int
}

func (f *dataFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.dataSets, "data-sets", "", "data scope: only these data set `UIDs` (comma-separated)")
	fs.StringVar(&f.orgUnits, "org-units", "", "data scope: only the subtrees of these org unit `UIDs` (comma-separated)")
	fs.StringVar(&f.periods, "periods", "", "data scope: only these `periods` (comma-separated ISO periods, e.g. 202401,2024Q1)")
	fs.StringVar(&f.startDate, "start-date", "", "data scope: only periods starting on or after this `day` (2024-01-01; with --end-date)")
	fs.StringVar(&f.endDate, "end-date", "", "data scope: only periods ending on or before this `day` (2024-12-31; with --start-date)")
	fs.StringVar(&f.aocs, "attribute-option-combos", "", "data scope: only these attribute option combo `UIDs` (comma-separated)")
	fs.IntVar(&f.chunkValues, "chunk-values", syncer.DefaultChunkValues, "data scope: target `number` of data values per chunk (subtrees are split to stay near it)")
	fs.IntVar(&f.workers, "workers", syncer.DefaultDataWorkers, "data scope: `number` of streams processed in parallel")
	fs.IntVar(&f.asyncValues, "async-values", syncer.DefaultAsyncValues, "data scope: import chunks of at least this `number` of values as async jobs (0: never)")
	fs.BoolVar(&f.noGzip, "no-gzip", false, "data scope: send import bodies uncompressed")
	fs.StringVar(&f.programs, "programs", "", "tracker scope: only these program `UIDs` (comma-separated; --org-units applies too)")
	fs.IntVar(&f.trackerPageSize, "tracker-page-size", syncer.DefaultTrackerPageSize, "tracker scope: tracked entities per page and import (events: twice as many)")
}

// options returns the data options the flags describe.
func (f *dataFlags) options() syncer.DataOptions {
	return syncer.DataOptions{
		DataSets: syncer.SplitList(f.dataSets), OrgUnits: syncer.SplitList(f.orgUnits), Periods: syncer.SplitList(f.periods),
		StartDate: f.startDate, EndDate: f.endDate, AttributeOptionCombos: syncer.SplitList(f.aocs),
		ChunkValues: f.chunkValues, Workers: f.workers, NoGzip: f.noGzip, AsyncValues: f.asyncValues,
	}
}

// check validates the flags (exit 2 on error).
func (f *dataFlags) check() error {
	o := f.options()
	if err := o.Validate(); err != nil {
		return err
	}
	for _, p := range syncer.SplitList(f.programs) {
		if !syncer.ValidUID(p) {
			return fmt.Errorf("--programs: %q is not a DHIS2 UID", p)
		}
	}
	if f.trackerPageSize < 0 || f.trackerPageSize > 10000 {
		return fmt.Errorf("--tracker-page-size must be between 1 and 10000, got %d", f.trackerPageSize)
	}
	return nil
}

// apply puts the data options into the run options and tunes the
// garbage collector for the data scopes.
func (f *dataFlags) apply(o *syncer.Options, getenv func(string) string) {
	o.Data = f.options()
	o.Tracker = syncer.TrackerOptions{Programs: syncer.SplitList(f.programs), OrgUnits: syncer.SplitList(f.orgUnits),
		PageSize: f.trackerPageSize, Workers: f.workers}
	for _, s := range o.Scopes {
		if s == syncer.ScopeData || s == syncer.ScopeTracker || s == syncer.ScopeAll {
			tuneGC(getenv)
			return
		}
	}
}

// tuneGC trades memory the data scopes can spare for less collector
// work: unless GOGC or GOMEMLIMIT is set, the collector runs at GOGC=400
// under a 150 MiB soft limit, which keeps the process within 200 MB.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetGCPercent(400)
	debug.SetMemoryLimit(150 << 20)
}
