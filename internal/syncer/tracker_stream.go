package syncer

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"github.com/d2sync/d2sync/internal/dhis2"
	"github.com/d2sync/d2sync/internal/transform"
)

// runStream processes one tracker stream from its checkpoint.
func (t *trackerRun) runStream(ctx context.Context, s *trkStream) error {
	cp := &trkCheckpoint{Plan: t.plan, Gen: t.gen}
	if t.writes {
		var saved trkCheckpoint
		ok, err := loadCheckpoint(ctx, t.r.checkpoints(), t.r.PairKey, s.name, &saved)
		if err != nil {
			return err
		}
		if ok && saved.Plan == t.plan {
			cp = &saved
			t.mu.Lock()
			if cp.Gen.Before(t.gen) {
				t.gen = cp.Gen
			}
			t.mu.Unlock()
			t.log(slog.LevelInfo, "tracker.stream.resumed", fmt.Sprintf("stream %s resumes after page %d", s.name, cp.Page), slog.String("stream", s.name))
		}
	}
	if !cp.Done {
		size := t.opts.PageSize
		if s.kind == transform.KindEvent {
			size *= 2
		}
		ids := &streamIDs{}
		if t.absentOnDest(s) {
			ids.dst = map[string]bool{} // nothing there yet, and nothing to ask
		} else if !t.incr && s.kind != transform.KindRelationship {
			// One light listing of what the destination holds spares the
			// per-page reads of objects it does not have (all of them on
			// a first copy) and gives the extras.
			var err error
			if ids.dst, err = t.listUIDs(ctx, t.dst, s); err != nil {
				return fmt.Errorf("destination: %w", err)
			}
			if cp.Page == 0 {
				ids.src = map[string]bool{}
			}
		}
		for page := cp.Page + 1; ; page++ {
			items, err := t.readPage(ctx, s, page, size)
			if err != nil {
				return err
			}
			cp.Read += len(items)
			if s.kind == transform.KindRelationship {
				err = t.relationshipsPage(ctx, s, items, cp)
			} else {
				err = t.processPage(ctx, s, items, cp, ids)
			}
			if err != nil {
				return err
			}
			cp.Page = page
			if err := t.saveCheckpoint(ctx, s, cp); err != nil {
				return err
			}
			if len(items) < size {
				break
			}
		}
		if !t.incr && s.kind != transform.KindRelationship {
			if err := t.extras(ctx, s, cp, ids); err != nil {
				return err
			}
		}
		cp.Done = true
		if err := t.saveCheckpoint(ctx, s, cp); err != nil {
			return err
		}
		t.audit(s, cp.Read)
	}
	t.merge(s, cp)
	return nil
}

// audit records the export of personal data: what, where, how many.
func (t *trackerRun) audit(s *trkStream, n int) {
	what := "tracked entity type " + s.tet
	if s.program != nil {
		what = "program " + s.program.ID + " (" + s.program.Name + ")"
	}
	mode := "and its descendants"
	if !s.subtree {
		mode = "only"
	}
	t.log(slog.LevelInfo, "tracker.export", fmt.Sprintf("read %d %s of %s at org unit %s %s from the source (personal data)",
		n, trackerKindPlural(s.kind), what, s.root.ID, mode),
		slog.String("kind", s.kind), slog.String("orgUnit", s.root.ID), slog.Int("count", n))
}

// readPage reads one page of a stream from the source, retrying
// transient failures (a cut or malformed answer included).
func (t *trackerRun) readPage(ctx context.Context, s *trkStream, page, size int) ([]map[string]any, error) {
	kind := s.kind
	q := url.Values{}
	prog := ""
	if s.program != nil {
		prog = s.program.ID
	}
	if kind == transform.KindRelationship {
		kind = transform.KindTrackedEntity
		q.Set("fields", t.src.uidField(kind)+",relationships")
	} else if f := t.src.fields(kind); f != "" {
		q.Set("fields", f)
	}
	t.src.scope(q, kind, prog, s.tet, s.root.ID, s.subtree)
	if t.writes || t.r.Opts.DryRun {
		q.Set("includeDeleted", "true")
	}
	if t.incr {
		t.src.updatedAfter(q, dhis2.FormatTimeOffset(t.since.In(t.srcLoc)))
	}
	var items []map[string]any
	attempts := 0
	err := retryTracker(ctx, func() error {
		var err error
		attempts++
		items, err = t.src.page(ctx, kind, q, page, size)
		return err
	})
	if attempts > 1 {
		t.mu.Lock()
		t.reReads += attempts - 1
		t.mu.Unlock()
	}
	if err != nil {
		return nil, fmt.Errorf("source: read %s page %d: %w", trackerKindPlural(kind), page, err)
	}
	for _, it := range items {
		if err := trackerCanonical(kind, it, t.src.v); err != nil {
			return nil, fmt.Errorf("source: %w", err)
		}
	}
	return items, nil
}

// retryTracker repeats a read after transient failures.
func retryTracker(ctx context.Context, read func() error) error {
	var err error
	for attempt := 0; attempt <= readRetries; attempt++ {
		if attempt > 0 {
			if serr := sleepCtx(ctx, time.Duration(attempt*attempt)*100*time.Millisecond); serr != nil {
				return serr
			}
		}
		if err = read(); err == nil || !retryableRead(err) {
			return err
		}
	}
	return err
}
