package syncer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/d2sync/d2sync/internal/dhis2"
)

// dataStream is one resumable unit of the data stage: the values of a
// data set in an org unit subtree (or at a single org unit), read in
// chunks in depth-first order of the org unit paths. Its checkpoint holds
// the path up to which the destination acknowledged every chunk.
type dataStream struct {
	ds      *dsInfo
	root    *ouNode
	subtree bool
	name    string
	regs    []*ouNode // registration stream: the selected subtrees
}

// streams lists the streams of the run: per data set, each subtree below
// the selected (or top-level) org units, and those org units alone.
func (d *dataRun) streams() ([]*dataStream, error) {
	subtrees, singles, err := d.tree.streamRoots(d.opts.OrgUnits)
	if err != nil {
		return nil, err
	}
	var out []*dataStream
	for _, ds := range d.sets {
		// Registrations are few: one stream per data set.
		out = append(out, &dataStream{ds: ds, regs: singles, name: ScopeData + ":" + ds.ID + ":registrations"})
		for _, n := range singles {
			out = append(out, &dataStream{ds: ds, root: n, name: ScopeData + ":" + ds.ID + ":" + n.ID + ":node"})
		}
		for _, n := range subtrees {
			out = append(out, &dataStream{ds: ds, root: n, subtree: true, name: ScopeData + ":" + ds.ID + ":" + n.ID})
		}
	}
	// Largest first: the workers end together instead of one of them
	// finishing a big stream alone at the end.
	sort.SliceStable(out, func(i, j int) bool { return out[i].weight() > out[j].weight() })
	return out, nil
}

// weight is a stream's size at most (the cells its data set can fill in
// its org units over a year), to start the big streams first: values per
// org unit and period are the data set's elements; a registration stream
// counts one per org unit and period.
func (s *dataStream) weight() int {
	perOU := periodsPerYear(s.ds.PeriodType)
	if s.regs == nil {
		perOU *= max(len(s.ds.elements), 1)
	}
	ous := 0
	switch {
	case s.regs != nil:
		for _, n := range s.regs {
			ous += n.Size
		}
	case s.subtree:
		ous = s.root.Size
	default:
		ous = 1
	}
	return ous * perOU
}

// periodsPerYear is the number of periods of a DHIS2 period type in a
// year (1 for unknown types).
func periodsPerYear(periodType string) int {
	switch {
	case periodType == "Daily":
		return 365
	case strings.HasPrefix(periodType, "BiWeekly"):
		return 26
	case strings.HasPrefix(periodType, "Weekly"):
		return 52
	case periodType == "Monthly":
		return 12
	case periodType == "BiMonthly":
		return 6
	case strings.HasPrefix(periodType, "Quarterly"):
		return 4
	case strings.HasPrefix(periodType, "SixMonthly"):
		return 2
	}
	return 1
}

// dataCheckpoint is the JSON cursor of a data stream.
type dataCheckpoint struct {
	Plan     string          `json:"plan"`
	GenStart time.Time       `json:"genStart"`
	Last     string          `json:"last,omitempty"`
	Done     bool            `json:"done,omitempty"`
	Tally    dataTally       `json:"tally"`
	Deletes  []pendingDelete `json:"deletes,omitempty"`
}

// streamRun is the state of one stream while it runs.
type streamRun struct {
	d     *dataRun
	s     *dataStream
	cp    dataCheckpoint
	cc    chunkCompare
	chunk int
	empty bool // the destination held no value of the stream when it began
}

// runStream processes one stream from its checkpoint.
func (d *dataRun) runStream(ctx context.Context, s *dataStream) error {
	d.mu.Lock() // resumed moves genStart while other streams start
	genStart := d.genStart
	d.mu.Unlock()
	sr := &streamRun{d: d, s: s, cp: dataCheckpoint{Plan: d.plan, GenStart: genStart}}
	sr.cc = chunkCompare{cmp: &d.cmp, des: s.ds.elements}
	if d.writes {
		var cp dataCheckpoint
		ok, err := loadCheckpoint(ctx, d.r.checkpoints(), d.r.PairKey, s.name, &cp)
		if err != nil {
			return err
		}
		if ok && cp.Plan == d.plan {
			sr.cp = cp
			d.resumed(sr)
		}
	}
	if !sr.cp.Done {
		var err error
		if s.regs != nil {
			err = sr.registrations(ctx)
		} else {
			sr.empty = sr.streamEmpty(ctx)
			err = sr.walk(ctx, s.root, s.subtree)
		}
		if err != nil {
			return err
		}
		sr.cp.Done = true
		if err := sr.save(ctx); err != nil {
			return err
		}
	}
	d.mu.Lock()
	d.tallyOf(s.ds.ID).add(&sr.cp.Tally)
	d.deletes = append(d.deletes, sr.cp.Deletes...)
	d.mu.Unlock()
	return nil
}

// resumed takes over what an interrupted run of the same pass recorded.
func (d *dataRun) resumed(sr *streamRun) {
	d.mu.Lock()
	if sr.cp.GenStart.Before(d.genStart) {
		// The cursor moves to the start of the pass, not of this run:
		// chunks copied by the interrupted run may predate later changes.
		d.genStart = sr.cp.GenStart
	}
	d.mu.Unlock()
	state := "done"
	if !sr.cp.Done {
		state = "after " + sr.cp.Last
	}
	d.log(slog.LevelInfo, "data.stream.resumed", fmt.Sprintf("stream %s resumes from its checkpoint (%s; %d values already verified)",
		sr.s.name, state, sr.cp.Tally.Values.Source), slog.String("stream", sr.s.name))
}

// save commits the stream's checkpoint with the run's counters.
func (sr *streamRun) save(ctx context.Context) error {
	d := sr.d
	if !d.writes {
		return nil
	}
	raw, err := json.Marshal(&sr.cp)
	if err != nil {
		return err
	}
	counters, _ := json.Marshal(map[string]any{"stage": ScopeData, "stream": sr.s.name, "values": sr.cp.Tally.Writes})
	if err := d.r.checkpoints().PutCheckpoint(ctx, d.r.PairKey, sr.s.name, string(raw), d.r.Opts.RunID, counters); err != nil {
		return fmt.Errorf("commit the checkpoint of %s: %w", sr.s.name, err)
	}
	return nil
}

// chunkRange returns the path range a chunk covers: a single org unit, or
// its whole subtree ('~' sorts after every UID character and '/').
func chunkRange(n *ouNode, subtree bool) (lo, hi string) {
	if subtree && len(n.Children) > 0 {
		return n.Path, n.Path + "/~"
	}
	return n.Path, n.Path
}

// walk processes the chunks of a subtree in path order, skipping what the
// checkpoint covers and splitting subtrees expected (or found) to hold
// more values than a chunk should.
func (sr *streamRun) walk(ctx context.Context, n *ouNode, subtree bool) error {
	lo, hi := chunkRange(n, subtree)
	last := sr.cp.Last
	if last != "" && hi <= last {
		return nil // acknowledged by an earlier run
	}
	splittable := subtree && len(n.Children) > 0
	if splittable && ((last != "" && lo <= last) || sr.d.estimate(sr.s.ds.ID, n) > sr.d.opts.ChunkValues) {
		return sr.split(ctx, n)
	}
	err := sr.process(ctx, n, subtree && len(n.Children) > 0)
	if errors.Is(err, errChunkTooBig) {
		if splittable {
			return sr.split(ctx, n)
		}
		err = sr.processUnbounded(ctx, n)
	}
	if err != nil {
		return err
	}
	sr.cp.Last = hi
	return sr.save(ctx)
}

func (sr *streamRun) split(ctx context.Context, n *ouNode) error {
	if err := sr.walk(ctx, n, false); err != nil {
		return err
	}
	for _, c := range n.Children {
		if err := sr.walk(ctx, c, true); err != nil {
			return err
		}
	}
	return nil
}

// estimate guesses how many values a subtree holds from what the data
// set's chunks held so far (values per org unit); 0 when unknown.
func (d *dataRun) estimate(ds string, n *ouNode) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	x := d.density[ds]
	if x[1] == 0 {
		return 0
	}
	return int(float64(x[0]) / float64(x[1]) * float64(n.Size))
}

func (d *dataRun) learn(ds string, values, orgUnits int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	x := d.density[ds]
	d.density[ds] = [2]int64{x[0] + int64(values), x[1] + int64(orgUnits)}
}

// periodQuery adds the period selection of a full read.
func (d *dataRun) periodQuery(q url.Values) {
	switch {
	case len(d.opts.Periods) > 0:
		q["period"] = append([]string(nil), d.opts.Periods...)
	case d.opts.StartDate != "":
		q.Set("startDate", d.opts.StartDate)
		q.Set("endDate", d.opts.EndDate)
	default:
		q.Set("startDate", allStart)
		q.Set("endDate", allEnd)
	}
}

// The widest period window DHIS2 is asked for when no period filter is
// given: every period that starts and ends between these days.
const (
	allStart = "1900-01-01"
	allEnd   = "2099-12-31"
)

// sourceQuery selects a chunk on the source: everything in a full pass,
// what changed since the cursor (deletions included) in an incremental
// one.
func (d *dataRun) sourceQuery(ds *dsInfo, n *ouNode, children bool) url.Values {
	q := url.Values{"dataSet": {ds.ID}, "orgUnit": {n.ID}, "children": {fmt.Sprint(children)}}
	if d.incremental {
		q.Set("lastUpdated", dhis2.FormatTimeOffset(d.since.In(d.r.Source.Info.Location)))
		if len(d.opts.Periods) > 0 || d.opts.StartDate != "" {
			d.periodQuery(q)
		}
	} else {
		d.periodQuery(q)
	}
	if d.writes || d.r.Opts.DryRun {
		q.Set("includeDeleted", "true")
	}
	for _, aoc := range d.opts.AttributeOptionCombos {
		q.Add("attributeOptionCombo", aoc)
	}
	return q
}

// destQuery selects the same chunk on the destination, whole.
func (d *dataRun) destQuery(ds *dsInfo, n *ouNode, children bool) url.Values {
	q := url.Values{"dataSet": {d.mapID(ds.ID)}, "orgUnit": {d.mapID(n.ID)}, "children": {fmt.Sprint(children)}}
	d.periodQuery(q)
	for _, aoc := range d.opts.AttributeOptionCombos {
		q.Add("attributeOptionCombo", d.mapID(aoc))
	}
	return q
}

func (d *dataRun) mapID(id string) string {
	if m, ok := d.ids[id]; ok {
		return m
	}
	return id
}
