package syncer

import (
	"fmt"
	"strings"
	"time"

	"github.com/d2sync/d2sync/internal/period"
)

// Defaults of the data scope.
const (
	// DefaultChunkValues is the target number of data values per chunk:
	// an org unit subtree expected to hold more is split into its
	// children, and one that comes back with more than twice as many is
	// split when it can be. 20,000 values are about 5 MB of JSON, 0.5 MB
	// gzipped, under any proxy's body limit.
	DefaultChunkValues = 20_000
	// DefaultDataWorkers is the number of streams processed in parallel.
	DefaultDataWorkers = 3
	// DefaultAsyncValues is the size from which a chunk is imported as an
	// async job: only chunks that could not be split reach it.
	DefaultAsyncValues = 50_000
)

// DataOptions select and tune the aggregate data scope. The zero value
// replicates every data set of the source, for every org unit, period and
// attribute option combo.
type DataOptions struct {
	// DataSets restricts the run to these data set UIDs.
	DataSets []string
	// OrgUnits restricts the run to the subtrees of these org unit UIDs.
	OrgUnits []string
	// Periods restricts the run to these ISO periods (e.g. 202401, 2024Q1);
	// it excludes StartDate/EndDate.
	Periods []string
	// StartDate and EndDate restrict the run to the periods between them,
	// with DHIS2's meaning: periods that start on or after StartDate and
	// end on or before EndDate (both are days, "2024-01-31").
	StartDate, EndDate string
	// AttributeOptionCombos restricts the run to these attribute option
	// combo UIDs (source UIDs).
	AttributeOptionCombos []string
	// ChunkValues is the target number of values per chunk; default
	// DefaultChunkValues.
	ChunkValues int
	// Workers is the number of streams processed in parallel; default
	// DefaultDataWorkers.
	Workers int
	// NoGzip sends import bodies uncompressed (DHIS2 detects gzip by its
	// magic bytes; compression keeps bodies under proxy limits).
	NoGzip bool
	// AsyncValues is the number of values from which an import is sent
	// with async=true and its job polled (so that a proxy's timeout cannot
	// cut it); 0 means never. The CLI passes DefaultAsyncValues.
	AsyncValues int
}

func (o *DataOptions) withDefaults() {
	if o.ChunkValues <= 0 {
		o.ChunkValues = DefaultChunkValues
	}
	if o.Workers <= 0 {
		o.Workers = DefaultDataWorkers
	}
}

// Validate checks the filters, one message per problem.
func (o *DataOptions) Validate() error {
	for _, list := range []struct {
		name string
		ids  []string
	}{{"--data-sets", o.DataSets}, {"--org-units", o.OrgUnits}, {"--attribute-option-combos", o.AttributeOptionCombos}} {
		for _, id := range list.ids {
			if !validUID(id) {
				return fmt.Errorf("%s: %q is not a DHIS2 UID (11 characters: a letter, then letters or digits)", list.name, id)
			}
		}
	}
	for _, p := range o.Periods {
		if _, err := period.Parse(p); err != nil {
			return fmt.Errorf("--periods: %q is not a DHIS2 period (e.g. 202401, 2024W3, 2024Q1, 2024): %w", p, err)
		}
	}
	if len(o.Periods) > 0 && (o.StartDate != "" || o.EndDate != "") {
		return fmt.Errorf("--periods and --start-date/--end-date exclude each other")
	}
	if o.ChunkValues < 0 || o.Workers < 0 || o.AsyncValues < 0 {
		return fmt.Errorf("--chunk-values, --workers and --async-values must not be negative")
	}
	if (o.StartDate == "") != (o.EndDate == "") {
		return fmt.Errorf("--start-date and --end-date go together")
	}
	if o.StartDate != "" {
		s, err1 := time.Parse(time.DateOnly, o.StartDate)
		e, err2 := time.Parse(time.DateOnly, o.EndDate)
		if err1 != nil || err2 != nil {
			return fmt.Errorf("--start-date and --end-date are days written 2024-01-31, got %q and %q", o.StartDate, o.EndDate)
		}
		if e.Before(s) {
			return fmt.Errorf("--end-date %s is before --start-date %s", o.EndDate, o.StartDate)
		}
	}
	return nil
}

// fingerprint names the selection, so that a checkpoint written for one
// selection is not used by a run with another.
func (o *DataOptions) fingerprint() string {
	return strings.Join([]string{strings.Join(o.DataSets, ","), strings.Join(o.OrgUnits, ","), strings.Join(o.Periods, ","),
		o.StartDate, o.EndDate, strings.Join(o.AttributeOptionCombos, ",")}, "|")
}

// SplitList splits a comma-separated flag value, trimming blanks.
func SplitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
