package syncer

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/d2sync/d2sync/internal/dhis2"
)

// dataStage replicates aggregate data: data values, complete data set
// registrations, min-max values, lock exceptions and approvals. Data
// values travel in streams (data set × org unit subtree), each read in
// chunks that are compared with the destination's copy of the same chunk:
// only missing or changed values are sent, the chunk is read back and
// compared again (the verification), and only then is the stream's
// checkpoint committed.
type dataStage struct{}

// Name implements Stage.
func (dataStage) Name() string { return ScopeData }

// Run implements Stage.
func (dataStage) Run(ctx context.Context, r *Run) error {
	d := newDataRun(r)
	r.Report.Stages = append(r.Report.Stages, d.stage)
	err := d.run(ctx)
	d.finishReport()
	d.stage.FinishedAt = r.Opts.Now()
	if err != nil {
		d.stage.Status = StatusFailed
		d.stage.Note = err.Error()
		return fmt.Errorf("data: %w", err)
	}
	if r.Opts.DryRun && d.stage.Note == "" {
		d.stage.Note = dryRunNote
	}
	return nil
}

// dataRun is the state of one data stage.
type dataRun struct {
	r     *Run
	opts  DataOptions
	stage *StageReport
	src   *dhis2.Client
	dst   *dhis2.Client

	writes      bool // neither a dry run nor a verification
	incremental bool
	since       time.Time // lower bound of an incremental run (source clock)
	plan        string    // fingerprint of what this pass covers
	genStart    time.Time // source time when the pass began (first run of a resumed pass)

	sets []*dsInfo
	tree *ouTree
	ids  map[string]string // source UID → destination UID
	cmp  valueCompare

	mu          sync.Mutex
	tallies     map[string]*dataTally // by data set UID
	density     map[string][2]int64   // by data set: values, org units read
	failed      int                   // values and objects refused or not written
	deletes     []pendingDelete
	overflow    bool                     // more deletions than the guard allows
	companion   map[string]*verifyCounts // min-max, lock exceptions, approvals
	noApprovals bool                     // a side does not allow approvals
	startReq    [2]int64                 // client requests and retries when the stage began
	reReads     int                      // chunk reads repeated after a broken answer
	files       map[string]string        // file resources known on the destination: UID → destination UID
	emptySets   map[string]bool          // data sets the destination held no value of when the pass began
	absent      map[string]bool          // data sets a dry run's metadata stage plans to create: never read on the destination
	toCreate    map[string]bool          // objects (org units, workflows …: destination UIDs) a dry run's metadata stage plans to create: never asked about
}

// pendingDelete is a value deleted on the source, to delete on the
// destination once the transfer ended without errors.
type pendingDelete struct {
	DataSet string `json:"ds"`
	Key     dvKey  `json:"key"`
}

func newDataRun(r *Run) *dataRun {
	d := &dataRun{r: r, opts: r.Opts.Data, src: r.Opts.Source, dst: r.Opts.Dest,
		tallies: map[string]*dataTally{}, density: map[string][2]int64{}, companion: map[string]*verifyCounts{}}
	d.opts.withDefaults()
	d.writes = !r.VerifyOnly && !r.Opts.DryRun
	d.stage = &StageReport{Name: ScopeData, StartedAt: r.Opts.Now(), Counts: map[string]Counts{}}
	d.startReq = clientCounters(r)
	if r.Source != nil {
		d.src = r.Source.Client
	}
	if r.Dest != nil {
		d.dst = r.Dest.Client
	}
	return d
}

func (d *dataRun) log(level slog.Level, code, msg string, attrs ...slog.Attr) {
	d.r.Opts.Progress.Log(level, code, msg, attrs...)
}

func (d *dataRun) warn(code, msg string) {
	d.mu.Lock()
	d.r.Report.Warnings = append(d.r.Report.Warnings, Warning{Scope: ScopeData, Code: code, Message: msg})
	d.mu.Unlock()
	d.log(slog.LevelWarn, code, msg)
}

func (d *dataRun) fail(f Failure) {
	f.Scope = ScopeData
	d.mu.Lock()
	d.failed++
	if len(d.r.Report.Failures) < 10_000 {
		d.r.Report.Failures = append(d.r.Report.Failures, f)
	}
	d.mu.Unlock()
}

func (d *dataRun) run(ctx context.Context) error {
	if err := d.opts.Validate(); err != nil {
		return err
	}
	if d.writes && !d.r.Dest.Me.CanImportData() {
		return fmt.Errorf("destination: the user %q cannot import data values: give it the authority F_DATAVALUE_ADD (or ALL)", d.r.Dest.Me.Username)
	}
	if err := d.prepare(ctx); err != nil {
		return err
	}
	if len(d.sets) == 0 {
		d.stage.Note = "the source has no data set"
		return nil
	}
	if err := d.window(ctx); err != nil {
		return err
	}
	if err := d.runStreams(ctx); err != nil {
		return err
	}
	if err := d.runCompanions(ctx); err != nil {
		return err
	}
	if err := d.applyDeletes(ctx); err != nil {
		return err
	}
	return d.finish(ctx)
}

// prepare reads the data sets and the hierarchy, checks that the
// destination holds the data sets, and sets up ID mapping and comparison.
func (d *dataRun) prepare(ctx context.Context) error {
	var err error
	if d.sets, err = readDataSets(ctx, d.src, d.opts.DataSets); err != nil {
		return fmt.Errorf("source: %w", err)
	}
	ids := make([]string, len(d.sets))
	for i, s := range d.sets {
		ids[i] = s.ID
	}
	have, err := existingIDs(ctx, d.dst, "dataSets", ids)
	if err != nil {
		return fmt.Errorf("destination: %w", err)
	}
	var missing []lackedObject
	for _, s := range d.sets {
		if !have[s.ID] {
			missing = append(missing, lackedObject{s.ID, s.Name})
		}
	}
	// In a dry run, the data sets the metadata stage plans to create hold
	// no value on the destination: their data is planned as created, and
	// the destination is never read for them.
	d.absent, missing = d.r.plannedByMetadata("dataSets", missing)
	if len(missing) > 0 {
		return d.r.lacksError("dataSets", "data set(s)", ScopeData, missing)
	}
	if len(d.absent) > 0 {
		d.log(slog.LevelInfo, "data.dest.planned", fmt.Sprintf("%d data set(s) are not on the destination yet: the metadata stage of this dry run plans to create them, so all their data is planned as created", len(d.absent)))
	}
	if d.tree, err = readOrgUnits(ctx, d.src); err != nil {
		return fmt.Errorf("source: %w", err)
	}
	if d.ids, err = d.idMappings(ctx); err != nil {
		return err
	}
	d.toCreate = d.r.dryRunCreates()
	d.cmp = valueCompare{timestamps: keepsValueTimestamps(d.r.Dest.Version()), srcLoc: d.r.Source.Info.Location, dstLoc: d.r.Dest.Info.Location}
	if !d.cmp.timestamps {
		d.notReplicable("data value created/lastUpdated", "DHIS2 2.41 and later set them to the time of the import (DHIS2-8084)")
	}
	return nil
}

// keepsValueTimestamps reports whether a DHIS2 version keeps the created
// and lastUpdated of imported data values (up to 2.40).
func keepsValueTimestamps(v dhis2.Version) bool { return !v.AtLeast(41) }

func (d *dataRun) notReplicable(what, reason string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, n := range d.r.Report.NotReplicable {
		if n.What == what {
			return
		}
	}
	d.r.Report.NotReplicable = append(d.r.Report.NotReplicable, NotReplicable{What: what, Reason: reason})
}

// window decides between a full and an incremental pass, like the
// metadata stage: the cursor is in the source's clock, the bound is
// inclusive and the overlap absorbs late commits.
func (d *dataRun) window(ctx context.Context) error {
	o := d.r.Opts
	d.genStart = d.r.Start
	switch {
	case d.r.VerifyOnly || o.Full:
	case !o.Since.IsZero():
		d.since, d.incremental = o.Since, true
	case o.SinceText != "":
		t, err := dhis2.ParseTime(o.SinceText, d.r.Source.Info.Location)
		if err != nil {
			return fmt.Errorf("--since: %w", err)
		}
		d.since, d.incremental = t, true
	default:
		c, ok, err := o.State.Cursor(ctx, d.r.PairKey, d.cursorScope())
		if err != nil {
			return fmt.Errorf("read the incremental cursor: %w", err)
		}
		if ok {
			t, err := time.Parse(time.RFC3339Nano, c)
			if err != nil {
				return fmt.Errorf("the stored data cursor %q is not a valid time (run with --full to reset it): %w", c, err)
			}
			d.since, d.incremental = t.Add(-o.Overlap), true
		}
	}
	mode := "full"
	if d.incremental {
		d.r.Report.Incremental = true
		mode = "since " + d.since.UTC().Format(time.RFC3339Nano)
		d.log(slog.LevelInfo, "data.incremental", "incremental run: data values changed since "+dhis2.FormatTimeOffset(d.since.In(d.r.Source.Info.Location)))
	}
	d.plan = mode + "|" + d.opts.fingerprint()
	return nil
}

// destLacks reports whether an object (org unit, approval workflow) of
// the source is one a dry run's metadata stage plans to create: the
// destination holds no data of it yet.
func (d *dataRun) destLacks(id string) bool { return d.toCreate[d.mapID(id)] }

// runStreams processes every stream with a pool of workers.
func (d *dataRun) runStreams(ctx context.Context) error {
	streams, err := d.streams()
	if err != nil {
		return err
	}
	d.log(slog.LevelInfo, "data.plan", fmt.Sprintf("%d data sets, %d streams (data set × org unit subtree), %d workers",
		len(d.sets), len(streams), d.opts.Workers))
	d.probeEmpty(ctx)
	return runPool(ctx, d.opts.Workers, streams, func(s *dataStream) string { return s.name }, d.runStream)
}

// tally returns the tally of a data set (the caller holds d.mu).
func (d *dataRun) tallyOf(ds string) *dataTally {
	t := d.tallies[ds]
	if t == nil {
		t = &dataTally{}
		d.tallies[ds] = t
	}
	return t
}

// finish clears the checkpoints of a pass that went through and moves the
// cursor when nothing failed.
func (d *dataRun) finish(ctx context.Context) error {
	if !d.writes {
		return nil
	}
	if err := d.r.checkpoints().ClearCheckpoints(ctx, d.r.PairKey, ScopeData+":"); err != nil {
		return fmt.Errorf("clear the data checkpoints: %w", err)
	}
	if d.failed > 0 || !d.clean() {
		d.log(slog.LevelWarn, "data.cursor.kept", "the incremental cursor is not moved: the run had failures or differences")
		return nil
	}
	if err := d.r.Opts.State.SetCursor(ctx, d.r.PairKey, d.cursorScope(), d.genStart.UTC().Format(time.RFC3339Nano), d.r.Opts.RunID); err != nil {
		return fmt.Errorf("store the data cursor: %w", err)
	}
	return nil
}

// clean reports whether the verification found nothing missing, extra or
// different.
func (d *dataRun) clean() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, t := range d.tallies {
		for _, v := range []verifyCounts{t.Values, t.Buckets, t.Regs} {
			if v.Missing+v.Extra+v.Differ > 0 {
				return false
			}
		}
	}
	for _, v := range d.companion {
		if v.Missing+v.Extra+v.Differ > 0 {
			return false
		}
	}
	return true
}

// finishReport turns the tallies into the stage's counts and the run's
// verification items.
func (d *dataRun) finishReport() {
	d.mu.Lock()
	defer d.mu.Unlock()
	var items []VerifyItem
	var values, regs Counts
	ids := make([]string, 0, len(d.tallies))
	for id := range d.tallies {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	names := map[string]string{}
	for _, s := range d.sets {
		names[s.ID] = s.Name
	}
	for _, id := range ids {
		t := d.tallies[id]
		values.Add(t.Writes)
		regs.Add(t.RegWrites)
		label := id
		if n := names[id]; n != "" {
			label = id + " " + n
		}
		items = append(items,
			verifyItem("dataValues: "+label, t.Values, t.Details),
			verifyItem("dataValueBuckets: "+label, t.Buckets, nil),
			verifyItem("completeDataSetRegistrations: "+label, t.Regs, nil))
	}
	for _, name := range []string{"minMaxDataElements", "lockExceptions", "dataApprovals"} {
		if v := d.companion[name]; v != nil {
			items = append(items, verifyItem(name, *v, nil))
		}
	}
	d.stage.Counts["dataValues"] = values
	d.stage.Counts["completeDataSetRegistrations"] = regs
	now := clientCounters(d.r)
	d.stage.Requests = int(now[0] - d.startReq[0])
	d.stage.Retries = int(now[1]-d.startReq[1]) + d.reReads
	if d.stage.Status == "" {
		d.stage.Status = StatusSuccess
		if d.failed > 0 {
			d.stage.Status = StatusPartial
		}
	}
	if len(items) > 0 {
		d.r.addVerification(items)
	}
}

func verifyItem(typ string, v verifyCounts, details []VerifyDetail) VerifyItem {
	return VerifyItem{Scope: ScopeData, Type: typ, Source: v.Source, Dest: v.Dest, Match: v.Match, Differ: v.Differ,
		Missing: v.Missing, Extra: v.Extra, Documented: v.Documented, Details: details}
}

// cursorScope names the incremental cursor of the run's selection: a
// cursor moved by a run over some data sets or org units says nothing
// about the others.
func (d *dataRun) cursorScope() string { return selectionScope(ScopeData, d.opts.fingerprint()) }

// selectionScope is scope alone for an unrestricted selection, else scope
// and a short hash of the selection.
func selectionScope(scope, fingerprint string) string {
	if strings.Trim(fingerprint, "|") == "" {
		return scope
	}
	return fmt.Sprintf("%s:%x", scope, fnvString(fnvOffset, fingerprint))
}

// clientCounters returns the requests and retries both clients made so
// far (a stage reports the difference).
func clientCounters(r *Run) [2]int64 {
	var out [2]int64
	for _, c := range []*dhis2.Client{r.Opts.Source, r.Opts.Dest} {
		if c != nil {
			k := c.Counters()
			out[0] += k.Requests
			out[1] += k.Retries
		}
	}
	return out
}
