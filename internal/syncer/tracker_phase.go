package syncer

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/d2sync/d2sync/internal/transform"
)

// trkStream is one resumable unit: one kind of object of a program (or
// tracked entity type) in an org unit subtree (or at one org unit).
type trkStream struct {
	kind    string
	program *programInfo // nil for tracked entities and relationships
	tet     string
	root    *ouNode
	subtree bool
	name    string
	line    string // verification line
}

func (t *trackerRun) streams(kind string) ([]*trkStream, error) {
	subtrees, singles, err := t.tree.streamRoots(t.opts.OrgUnits)
	if err != nil {
		return nil, err
	}
	type owner struct {
		p    *programInfo
		tet  string
		line string
	}
	var owners []owner
	plural := trackerKindPlural(kind)
	switch kind {
	case transform.KindTrackedEntity, transform.KindRelationship:
		tets := make([]string, 0, len(t.tets))
		for id := range t.tets {
			tets = append(tets, id)
		}
		sort.Strings(tets)
		for _, id := range tets {
			owners = append(owners, owner{tet: id, line: plural + ": " + t.tets[id]})
		}
	default:
		for _, p := range t.prgs {
			if kind == transform.KindEnrollment && !p.registration() {
				continue
			}
			owners = append(owners, owner{p: p, line: plural + ": " + p.Name})
		}
	}
	var out []*trkStream
	for _, o := range owners {
		id := o.tet
		if o.p != nil {
			id = o.p.ID
		}
		for _, n := range singles {
			out = append(out, &trkStream{kind: kind, program: o.p, tet: o.tet, root: n, name: ScopeTracker + ":" + plural + ":" + id + ":" + n.ID + ":node", line: o.line})
		}
		for _, n := range subtrees {
			out = append(out, &trkStream{kind: kind, program: o.p, tet: o.tet, root: n, subtree: true, name: ScopeTracker + ":" + plural + ":" + id + ":" + n.ID, line: o.line})
		}
	}
	return out, nil
}

// runPhase processes the streams of one kind with a pool of workers; the
// next kind starts when every stream of this one is done (enrollments
// need their tracked entities, relationships both ends).
func (t *trackerRun) runPhase(ctx context.Context, kind string) error {
	streams, err := t.streams(kind)
	if err != nil {
		return err
	}
	return runPool(ctx, t.opts.Workers, streams, func(s *trkStream) string { return s.name }, t.runStream)
}

// trkCheckpoint is the JSON cursor of a tracker stream.
type trkCheckpoint struct {
	Plan    string       `json:"plan"`
	Gen     time.Time    `json:"genStart"`
	Page    int          `json:"page"`
	Done    bool         `json:"done,omitempty"`
	Tally   trackerTally `json:"tally"`
	Writes  Counts       `json:"writes"`
	Deletes []string     `json:"deletes,omitempty"`
	Read    int          `json:"read"`
}

// merge adds a stream's results to the run.
func (t *trackerRun) merge(s *trkStream, cp *trkCheckpoint) {
	t.mu.Lock()
	defer t.mu.Unlock()
	tl := t.tallies[s.line]
	if tl == nil {
		tl = &trackerTally{}
		t.tallies[s.line] = tl
	}
	tl.Counts.add(cp.Tally.Counts)
	for _, d := range cp.Tally.Details {
		if len(tl.Details) < maxDataDetails {
			tl.Details = append(tl.Details, d)
		}
	}
	c := t.counts[trackerKindPlural(s.kind)]
	c.Add(cp.Writes)
	t.counts[trackerKindPlural(s.kind)] = c
	t.deletes[s.kind] = append(t.deletes[s.kind], cp.Deletes...)
}

func (t *trackerRun) saveCheckpoint(ctx context.Context, s *trkStream, cp *trkCheckpoint) error {
	if !t.writes {
		return nil
	}
	raw, err := json.Marshal(cp)
	if err != nil {
		return err
	}
	counters, _ := json.Marshal(map[string]any{"stage": ScopeTracker, "stream": s.name, "writes": cp.Writes})
	if err := t.r.checkpoints().PutCheckpoint(ctx, t.r.PairKey, s.name, string(raw), t.r.Opts.RunID, counters); err != nil {
		return fmt.Errorf("commit the checkpoint of %s: %w", s.name, err)
	}
	return nil
}
