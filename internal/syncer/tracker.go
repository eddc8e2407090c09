package syncer

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/d2sync/d2sync/internal/dhis2"
	"github.com/d2sync/d2sync/internal/transform"
)

// DefaultTrackerPageSize is the number of tracked entities (or
// enrollments, relationships' owners) per page; events go twice as many.
const DefaultTrackerPageSize = 500

// TrackerOptions select and tune the tracker scope. The zero value
// replicates every program's data in every org unit.
type TrackerOptions struct {
	// Programs restricts the run to these program UIDs (tracked entities
	// are then those of the programs' tracked entity types).
	Programs []string
	// OrgUnits restricts the run to the subtrees of these org unit UIDs.
	OrgUnits []string
	// PageSize is the page size of exports and the size of import
	// payloads; default DefaultTrackerPageSize.
	PageSize int
	// Workers is the number of streams processed in parallel; default
	// DefaultDataWorkers.
	Workers int
}

// trackerStage replicates tracker and event data: tracked entities,
// enrollments, events (with notes) and relationships, in that order,
// each in streams (program or tracked entity type × org unit subtree)
// read page by page. A page is compared with the destination's copies of
// the same objects (content hashes of a canonical projection) and only
// the missing or changed objects are sent, in the destination's shape,
// as a flat payload with atomicMode=OBJECT; the page is read back and
// verified before the stream's checkpoint moves.
type trackerStage struct{}

// Name implements Stage.
func (trackerStage) Name() string { return ScopeTracker }

// Run implements Stage.
func (trackerStage) Run(ctx context.Context, r *Run) error {
	t := newTrackerRun(r)
	r.Report.Stages = append(r.Report.Stages, t.stage)
	err := t.run(ctx)
	t.finishReport()
	t.stage.FinishedAt = r.Opts.Now()
	if err != nil {
		t.stage.Status = StatusFailed
		t.stage.Note = err.Error()
		return fmt.Errorf("tracker: %w", err)
	}
	if r.Opts.DryRun && t.stage.Note == "" {
		t.stage.Note = dryRunNote
	}
	return nil
}

// programInfo is what the tracker stage needs to know about a program.
type programInfo struct {
	ID, Name, Type, TET string
}

func (p *programInfo) registration() bool { return p.Type != "WITHOUT_REGISTRATION" }

// trackerRun is the state of one tracker stage.
type trackerRun struct {
	r       *Run
	opts    TrackerOptions
	stage   *StageReport
	src     trkAPI
	dst     trkAPI
	srcLoc  *time.Location
	dstLoc  *time.Location
	writes  bool
	incr    bool
	since   time.Time
	plan    string
	gen     time.Time
	prgs    []*programInfo
	tets    map[string]string // tracked entity type UID → name
	tree    *ouTree
	mu      sync.Mutex
	tallies map[string]*trackerTally // by verification line
	counts  map[string]Counts        // by plural kind
	failed  int
	deletes map[string][]string // kind → UIDs deleted on the source
	start   [2]int64            // client requests and retries when the stage began
	reReads int                 // page reads repeated after a broken answer
	absent  map[string]bool     // programs and tracked entity types a dry run's metadata stage plans to create
	creates map[string]bool     // objects (org units …) a dry run's metadata stage plans to create
}

// trackerTally is one verification line.
type trackerTally struct {
	Counts  verifyCounts   `json:"counts"`
	Details []VerifyDetail `json:"details,omitempty"`
}

func newTrackerRun(r *Run) *trackerRun {
	t := &trackerRun{r: r, opts: r.Opts.Tracker, tallies: map[string]*trackerTally{}, counts: map[string]Counts{}, deletes: map[string][]string{}}
	if t.opts.PageSize <= 0 {
		t.opts.PageSize = DefaultTrackerPageSize
	}
	if t.opts.Workers <= 0 {
		t.opts.Workers = DefaultDataWorkers
	}
	t.writes = !r.VerifyOnly && !r.Opts.DryRun
	t.stage = &StageReport{Name: ScopeTracker, StartedAt: r.Opts.Now(), Counts: map[string]Counts{}}
	t.start = clientCounters(r)
	return t
}

func (t *trackerRun) log(level slog.Level, code, msg string, attrs ...slog.Attr) {
	t.r.Opts.Progress.Log(level, code, msg, attrs...)
}

func (t *trackerRun) fail(f Failure) {
	f.Scope = ScopeTracker
	t.mu.Lock()
	defer t.mu.Unlock()
	t.failed++
	if len(t.r.Report.Failures) < 10_000 {
		t.r.Report.Failures = append(t.r.Report.Failures, f)
	}
}

func (t *trackerRun) run(ctx context.Context) error {
	t.src = trkAPI{c: t.r.Source.Client, v: t.r.Source.Version()}
	t.dst = trkAPI{c: t.r.Dest.Client, v: t.r.Dest.Version()}
	t.srcLoc, t.dstLoc = t.r.Source.Info.Location, t.r.Dest.Info.Location
	if err := t.prepare(ctx); err != nil {
		return err
	}
	if len(t.prgs) == 0 {
		t.stage.Note = "the source has no program"
		return nil
	}
	if err := t.window(ctx); err != nil {
		return err
	}
	t.notReplicable()
	for _, phase := range []string{transform.KindTrackedEntity, transform.KindEnrollment, transform.KindEvent, transform.KindRelationship} {
		if err := t.runPhase(ctx, phase); err != nil {
			return err
		}
	}
	if err := t.applyDeletes(ctx); err != nil {
		return err
	}
	return t.finish(ctx)
}

func (t *trackerRun) notReplicable() {
	for _, n := range []NotReplicable{
		{What: "tracker createdAt/updatedAt, createdBy/updatedBy, storedBy", Reason: "the destination's tracker importer sets them (the client-side createdAtClient/updatedAtClient are kept)"},
		{What: "tracked entity program owners (ownership transfers)", Reason: "the tracker import does not carry ownership; the destination assigns the enrolling org unit"},
	} {
		t.r.Report.NotReplicable = append(t.r.Report.NotReplicable, n)
	}
}

// prepare reads the programs and tracked entity types, checks that the
// destination has them, and reads the hierarchy.
func (t *trackerRun) prepare(ctx context.Context) error {
	q := url.Values{"fields": {"id,name,programType,trackedEntityType[id,name]"}, "paging": {"false"}}
	if len(t.opts.Programs) > 0 {
		q.Set("filter", "id:in:["+strings.Join(t.opts.Programs, ",")+"]")
	}
	var body struct {
		Programs []struct {
			ID, Name, ProgramType string
			TrackedEntityType     *struct{ ID, Name string } `json:"trackedEntityType"`
		} `json:"programs"`
	}
	if err := t.src.c.GetJSON(ctx, "programs", q, &body); err != nil {
		return fmt.Errorf("source: read the programs: %w", err)
	}
	t.tets = map[string]string{}
	var ids []string
	for _, p := range body.Programs {
		pi := &programInfo{ID: p.ID, Name: p.Name, Type: p.ProgramType}
		if p.TrackedEntityType != nil && pi.registration() {
			pi.TET = p.TrackedEntityType.ID
			t.tets[pi.TET] = p.TrackedEntityType.Name
		}
		t.prgs = append(t.prgs, pi)
		ids = append(ids, p.ID)
	}
	sort.Slice(t.prgs, func(i, j int) bool { return t.prgs[i].ID < t.prgs[j].ID })
	if len(t.opts.Programs) > 0 && len(t.prgs) != len(t.opts.Programs) {
		return fmt.Errorf("--programs: the source lacks some of %s", strings.Join(t.opts.Programs, ", "))
	}
	have, err := existingIDs(ctx, t.dst.c, "programs", ids)
	if err != nil {
		return fmt.Errorf("destination: %w", err)
	}
	var missing []lackedObject
	for _, p := range t.prgs {
		if !have[p.ID] {
			missing = append(missing, lackedObject{p.ID, p.Name})
		}
	}
	// In a dry run, the programs the metadata stage plans to create (and
	// their tracked entity types when it creates them too) hold nothing
	// on the destination: their objects are planned as created, and the
	// destination is never read for them.
	t.absent, missing = t.r.plannedByMetadata("programs", missing)
	if len(missing) > 0 {
		return t.r.lacksError("programs", "program(s)", ScopeTracker, missing)
	}
	if err := t.absentTETs(ctx); err != nil {
		return err
	}
	t.creates = t.r.dryRunCreates()
	if t.tree, err = readOrgUnits(ctx, t.src.c); err != nil {
		return fmt.Errorf("source: %w", err)
	}
	return nil
}

// window decides between a full and an incremental pass (see dataRun.window).
func (t *trackerRun) window(ctx context.Context) error {
	o := t.r.Opts
	t.gen = t.r.Start
	switch {
	case t.r.VerifyOnly || o.Full:
	case !o.Since.IsZero():
		t.since, t.incr = o.Since, true
	case o.SinceText != "":
		s, err := dhis2.ParseTime(o.SinceText, t.srcLoc)
		if err != nil {
			return fmt.Errorf("--since: %w", err)
		}
		t.since, t.incr = s, true
	default:
		c, ok, err := o.State.Cursor(ctx, t.r.PairKey, t.cursorScope())
		if err != nil {
			return fmt.Errorf("read the incremental cursor: %w", err)
		}
		if ok {
			s, err := time.Parse(time.RFC3339Nano, c)
			if err != nil {
				return fmt.Errorf("the stored tracker cursor %q is not a valid time (run with --full to reset it): %w", c, err)
			}
			t.since, t.incr = s.Add(-o.Overlap), true
		}
	}
	mode := "full"
	if t.incr {
		t.r.Report.Incremental = true
		mode = "since " + t.since.UTC().Format(time.RFC3339Nano)
		t.log(slog.LevelInfo, "tracker.incremental", "incremental run: tracker objects updated since "+dhis2.FormatTimeOffset(t.since.In(t.srcLoc)))
	}
	t.plan = mode + "|" + strings.Join(t.opts.Programs, ",") + "|" + strings.Join(t.opts.OrgUnits, ",")
	return nil
}

func (t *trackerRun) finish(ctx context.Context) error {
	if !t.writes {
		return nil
	}
	if err := t.r.checkpoints().ClearCheckpoints(ctx, t.r.PairKey, ScopeTracker+":"); err != nil {
		return fmt.Errorf("clear the tracker checkpoints: %w", err)
	}
	if t.failed > 0 || !t.clean() {
		t.log(slog.LevelWarn, "tracker.cursor.kept", "the incremental cursor is not moved: the run had failures or differences")
		return nil
	}
	return t.r.Opts.State.SetCursor(ctx, t.r.PairKey, t.cursorScope(), t.gen.UTC().Format(time.RFC3339Nano), t.r.Opts.RunID)
}

func (t *trackerRun) clean() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, v := range t.tallies {
		if v.Counts.Missing+v.Counts.Extra+v.Counts.Differ > 0 {
			return false
		}
	}
	return true
}

func (t *trackerRun) finishReport() {
	t.mu.Lock()
	defer t.mu.Unlock()
	var items []VerifyItem
	lines := make([]string, 0, len(t.tallies))
	for l := range t.tallies {
		lines = append(lines, l)
	}
	sort.Strings(lines)
	for _, l := range lines {
		v := t.tallies[l]
		items = append(items, VerifyItem{Scope: ScopeTracker, Type: l, Source: v.Counts.Source, Dest: v.Counts.Dest, Match: v.Counts.Match,
			Differ: v.Counts.Differ, Missing: v.Counts.Missing, Extra: v.Counts.Extra, Documented: v.Counts.Documented, Details: v.Details})
	}
	for k, c := range t.counts {
		t.stage.Counts[k] = c
	}
	now := clientCounters(t.r)
	t.stage.Requests = int(now[0] - t.start[0])
	t.stage.Retries = int(now[1]-t.start[1]) + t.reReads
	if t.stage.Status == "" {
		t.stage.Status = StatusSuccess
		if t.failed > 0 {
			t.stage.Status = StatusPartial
		}
	}
	if len(items) > 0 {
		t.r.addVerification(items)
	}
}

// cursorScope names the incremental cursor of the run's selection.
func (t *trackerRun) cursorScope() string {
	return selectionScope(ScopeTracker, strings.Join(t.opts.Programs, ",")+"|"+strings.Join(t.opts.OrgUnits, ","))
}
