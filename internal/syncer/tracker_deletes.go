package syncer

import (
	"context"
	"errors"
	"fmt"

	"github.com/d2sync/d2sync/internal/dhis2"
	"github.com/d2sync/d2sync/internal/transform"
)

// maxTrackerDeletes bounds the deletions a stream remembers.
const maxTrackerDeletes = 100_000

// applyDeletes deletes on the destination the tracker objects deleted on
// the source, after a transfer without failures and within the
// max-delete guard: relationships, events, enrollments, then tracked
// entities.
func (t *trackerRun) applyDeletes(ctx context.Context) error {
	n := 0
	for _, ids := range t.deletes {
		n += len(ids)
	}
	if n == 0 {
		return nil
	}
	reason := ""
	switch {
	case !t.writes:
		reason = "dry run"
	case t.failed > 0:
		reason = fmt.Sprintf("the run had %d failures", t.failed)
	case t.r.Opts.MaxDelete >= 0 && n > t.r.Opts.MaxDelete:
		reason = fmt.Sprintf("%d objects to delete exceed --max-delete %d", n, t.r.Opts.MaxDelete)
	}
	if reason != "" {
		t.r.Report.Warnings = append(t.r.Report.Warnings, Warning{Scope: ScopeTracker, Code: "tracker.deletes.skipped",
			Message: fmt.Sprintf("%d tracker objects deleted on the source were not deleted on the destination: %s", n, reason)})
		t.markExtra(reason)
		return nil
	}
	for _, kind := range []string{transform.KindRelationship, transform.KindEvent, transform.KindEnrollment, transform.KindTrackedEntity} {
		ids := t.deletes[kind]
		for _, batch := range batches(ids, t.opts.PageSize) {
			objs := make([]map[string]any, len(batch))
			for i, id := range batch {
				objs[i] = map[string]any{t.dst.uidField(kind): id}
			}
			res, err := t.dst.importObjects(ctx, kind, objs, "DELETE")
			if err != nil && !isUnknown(err) {
				return fmt.Errorf("destination: delete %d %s: %w", len(batch), trackerKindPlural(kind), err)
			}
			if res != nil {
				c := t.counts[trackerKindPlural(kind)]
				c.Deleted += res.Stats.Deleted
				t.counts[trackerKindPlural(kind)] = c
			}
			left, err := t.fetchDest(ctx, kind, batch, "")
			if err != nil && !errors.Is(err, dhis2.KindNotFound) {
				return err
			}
			for id := range left {
				t.fail(Failure{Type: trackerKindPlural(kind), UID: id, Message: "deleted on the source; the destination did not delete it"})
			}
		}
	}
	return nil
}

func (t *trackerRun) markExtra(reason string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for kind, ids := range t.deletes {
		line := trackerKindPlural(kind) + ": deleted on the source"
		tl := t.tallies[line]
		if tl == nil {
			tl = &trackerTally{}
			t.tallies[line] = tl
		}
		for _, id := range ids {
			tl.Counts.Extra++
			tl.Counts.Dest++
			if len(tl.Details) < maxDataDetails {
				tl.Details = append(tl.Details, VerifyDetail{Kind: "extra", UID: id, Note: "deleted on the source, not on the destination: " + reason})
			}
		}
	}
}
