package syncer

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"sort"
)

// streamIDs are the UIDs a full pass of a stream knows: the
// destination's at the start, the source's live ones as read (nil when
// the pass resumed mid-way and missed some).
type streamIDs struct {
	src, dst map[string]bool
}

// extras counts the destination's objects in the stream's scope that the
// source does not have (full passes only). The destination is listed
// again (it changed during the pass); the source too when the pass
// resumed from a checkpoint.
func (t *trackerRun) extras(ctx context.Context, s *trkStream, cp *trkCheckpoint, ids *streamIDs) error {
	if t.absentOnDest(s) {
		return nil // the destination holds none of the stream's objects
	}
	src := ids.src
	if src == nil {
		var err error
		if src, err = t.listUIDs(ctx, t.src, s); err != nil {
			return fmt.Errorf("source: %w", err)
		}
	}
	dst, err := t.listUIDs(ctx, t.dst, s)
	if err != nil {
		return fmt.Errorf("destination: %w", err)
	}
	var extra []string
	for id := range dst {
		if !src[id] && !slices.Contains(cp.Deletes, id) { // pending deletions are counted when applied or skipped
			extra = append(extra, id)
		}
	}
	sort.Strings(extra)
	for _, id := range extra {
		cp.Tally.Counts.Extra++
		cp.Tally.Counts.Dest++
		t.detail(cp, VerifyDetail{Kind: "extra", UID: id, Note: "on the destination, not on the source"})
	}
	return nil
}

// listUIDs lists the UIDs of a stream's objects on one side (live only).
func (t *trackerRun) listUIDs(ctx context.Context, a trkAPI, s *trkStream) (map[string]bool, error) {
	out := map[string]bool{}
	prog := ""
	if s.program != nil {
		prog = s.program.ID
	}
	const size = 5000
	for page := 1; ; page++ {
		q := url.Values{"fields": {a.uidField(s.kind)}}
		a.scope(q, s.kind, prog, s.tet, s.root.ID, s.subtree)
		var items []map[string]any
		err := retryTracker(ctx, func() error {
			var err error
			items, err = a.page(ctx, s.kind, q, page, size)
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			if id, _ := it[a.uidField(s.kind)].(string); id != "" {
				out[id] = true
			}
		}
		if len(items) < size {
			return out, nil
		}
	}
}
