package syncer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sort"
	"time"

	"github.com/d2sync/d2sync/internal/dhis2"
	"github.com/d2sync/d2sync/internal/transform"
)

// maxTrackerDeletes bounds the deletions a stream remembers.
const maxTrackerDeletes = 100_000

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
		for page := cp.Page + 1; ; page++ {
			items, err := t.readPage(ctx, s, page, size)
			if err != nil {
				return err
			}
			cp.Read += len(items)
			if s.kind == transform.KindRelationship {
				err = t.relationshipsPage(ctx, s, items, cp)
			} else {
				err = t.processPage(ctx, s, items, cp)
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
			if err := t.extras(ctx, s, cp); err != nil {
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
	err := retryTracker(ctx, func() error {
		var err error
		items, err = t.src.page(ctx, kind, q, page, size)
		return err
	})
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

// fetchDest reads the destination's copies of objects, by UID, as
// canonical objects.
func (t *trackerRun) fetchDest(ctx context.Context, kind string, uids []string, fields string) (map[string]map[string]any, error) {
	out := map[string]map[string]any{}
	for _, batch := range batches(uids, 200) {
		q := url.Values{}
		if fields == "" {
			fields = t.dst.fields(kind)
		}
		if fields != "" {
			q.Set("fields", fields)
		}
		var items []map[string]any
		if !t.dst.uids(q, kind, batch) {
			for _, id := range batch {
				obj, err := t.dst.get(ctx, kind, id)
				if err != nil {
					return nil, fmt.Errorf("destination: read %s %s: %w", kind, id, err)
				}
				if obj != nil {
					items = append(items, obj)
				}
			}
		} else {
			t.dst.unpaged(q)
			err := retryTracker(ctx, func() error {
				var err error
				items, err = t.dst.list(ctx, kind, q)
				return err
			})
			if err != nil {
				return nil, fmt.Errorf("destination: read %s: %w", trackerKindPlural(kind), err)
			}
		}
		for _, it := range items {
			if err := trackerCanonical(kind, it, t.dst.v); err != nil {
				return nil, fmt.Errorf("destination: %w", err)
			}
			if id := uidOfKind(kind, it); id != "" && it["deleted"] != true {
				out[id] = it
			}
		}
	}
	return out, nil
}

// processPage compares a page of source objects with the destination's
// copies, sends what is missing or different, reads it back and tallies
// the verification.
func (t *trackerRun) processPage(ctx context.Context, s *trkStream, items []map[string]any, cp *trkCheckpoint) error {
	var live []map[string]any
	var uids, gone []string
	for _, it := range items {
		id := uidOfKind(s.kind, it)
		if id == "" {
			continue
		}
		uids = append(uids, id)
		if it["deleted"] == true {
			gone = append(gone, id)
			continue
		}
		live = append(live, it)
	}
	if len(uids) == 0 {
		return nil
	}
	dst, err := t.fetchDest(ctx, s.kind, uids, "")
	if err != nil {
		return err
	}
	for _, id := range gone {
		if dst[id] != nil && len(cp.Deletes) < maxTrackerDeletes {
			cp.Deletes = append(cp.Deletes, id)
		}
	}
	h := t.newHasher(s.kind)
	send, err := t.changed(s.kind, live, dst, cp, h)
	if err != nil {
		return err
	}
	if t.writes && len(send) > 0 {
		if err := t.send(ctx, s, send, cp); err != nil {
			return err
		}
		ids := make([]string, len(send))
		for i, o := range send {
			ids[i] = uidOfKind(s.kind, o)
		}
		back, err := t.fetchDest(ctx, s.kind, ids, "")
		if err != nil {
			return err
		}
		for id, o := range back {
			dst[id] = o
			delete(h.dst, id)
		}
	}
	t.tally(s.kind, live, dst, cp, h)
	return nil
}

// hasher caches the projection hashes of a page's objects.
type hasher struct {
	t        *trackerRun
	kind     string
	src, dst map[string]string
}

func (t *trackerRun) newHasher(kind string) *hasher {
	return &hasher{t: t, kind: kind, src: map[string]string{}, dst: map[string]string{}}
}

func (h *hasher) of(side map[string]string, o map[string]any, loc *time.Location) string {
	id := uidOfKind(h.kind, o)
	if x, ok := side[id]; ok {
		return x
	}
	x := projHash(projection(h.kind, o, loc))
	side[id] = x
	return x
}

func (h *hasher) equal(s, d map[string]any) bool {
	return h.of(h.src, s, h.t.srcLoc) == h.of(h.dst, d, h.t.dstLoc)
}

// changed returns the live source objects the destination lacks or holds
// differently, counting the equal ones.
func (t *trackerRun) changed(kind string, live []map[string]any, dst map[string]map[string]any, cp *trkCheckpoint, h *hasher) ([]map[string]any, error) {
	var send []map[string]any
	for _, o := range live {
		d := dst[uidOfKind(kind, o)]
		if d != nil && h.equal(o, d) {
			cp.Writes.Unchanged++
			continue
		}
		if t.r.Opts.DryRun {
			if d == nil {
				cp.Writes.Created++
			} else {
				cp.Writes.Updated++
			}
		}
		send = append(send, o)
	}
	return send, nil
}

// send imports objects into the destination in its shape; objects it
// refuses are failures with DHIS2's code. An unknown outcome is left to
// the read-back.
func (t *trackerRun) send(ctx context.Context, s *trkStream, objs []map[string]any, cp *trkCheckpoint) error {
	payload := make([]map[string]any, 0, len(objs))
	for _, o := range objs {
		p, err := forDest(s.kind, o, t.dst.v)
		if err != nil {
			return err
		}
		payload = append(payload, p)
	}
	res, err := t.dst.importObjects(ctx, s.kind, payload, "CREATE_AND_UPDATE")
	if err != nil {
		if isUnknown(err) {
			t.log(slog.LevelWarn, "tracker.import.unknown", fmt.Sprintf("%s: %d objects, outcome unknown; reading them back", s.name, len(objs)))
			return nil
		}
		return fmt.Errorf("destination: import %d %s: %w", len(objs), trackerKindPlural(s.kind), err)
	}
	cp.Writes.Created += res.Stats.Created
	cp.Writes.Updated += res.Stats.Updated
	cp.Writes.Ignored += res.Stats.Ignored
	for _, e := range res.Errors {
		cp.Writes.Failed++
		t.fail(Failure{Type: trackerKindPlural(s.kind), UID: e.UID, Code: e.Code, Message: e.Message, Chunk: s.name})
	}
	for _, c := range res.Conflicts {
		cp.Writes.Failed++
		t.fail(Failure{Type: trackerKindPlural(s.kind), UID: firstNonEmptyString(c.Reference, c.Object), Code: c.Code, Message: c.Value, Chunk: s.name})
	}
	if res.Status == dhis2.StatusError && len(res.Errors)+len(res.Conflicts) == 0 {
		t.fail(Failure{Type: trackerKindPlural(s.kind), Chunk: s.name, Message: "the destination refused the page: " + res.Message})
	}
	return nil
}

func firstNonEmptyString(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// tally compares live source objects with the destination's copies.
func (t *trackerRun) tally(kind string, live []map[string]any, dst map[string]map[string]any, cp *trkCheckpoint, h *hasher) {
	v := &cp.Tally.Counts
	for _, o := range live {
		id := uidOfKind(kind, o)
		v.Source++
		d := dst[id]
		if d == nil {
			v.Missing++
			t.detail(cp, VerifyDetail{Kind: "missing", UID: id})
			continue
		}
		v.Dest++
		if h.equal(o, d) {
			v.Match++
			continue
		}
		v.Differ++
		t.detail(cp, VerifyDetail{Kind: "differ", UID: id, Paths: projDiff(projection(kind, o, t.srcLoc), projection(kind, d, t.dstLoc))})
	}
}

func (t *trackerRun) detail(cp *trkCheckpoint, d VerifyDetail) {
	if len(cp.Tally.Details) < maxDataDetails {
		cp.Tally.Details = append(cp.Tally.Details, d)
	}
}

// extras counts the destination's objects in the stream's scope that the
// source does not have (full passes only): both sides' UIDs are listed.
func (t *trackerRun) extras(ctx context.Context, s *trkStream, cp *trkCheckpoint) error {
	src, err := t.listUIDs(ctx, t.src, s)
	if err != nil {
		return fmt.Errorf("source: %w", err)
	}
	dst, err := t.listUIDs(ctx, t.dst, s)
	if err != nil {
		return fmt.Errorf("destination: %w", err)
	}
	var extra []string
	for id := range dst {
		if !src[id] {
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

// relationshipsPage replicates the relationships of a page of tracked
// entities: each relationship is handled with its "from" tracked entity
// (or its "to" one when "from" is not a tracked entity), once.
func (t *trackerRun) relationshipsPage(ctx context.Context, s *trkStream, tes []map[string]any, cp *trkCheckpoint) error {
	var owners []string
	var rels []map[string]any
	seen := map[string]bool{}
	for _, te := range tes {
		id := uidOfKind(transform.KindTrackedEntity, te)
		list, _ := te["relationships"].([]any)
		for _, r := range list {
			rel, ok := r.(map[string]any)
			if !ok || !ownsRelationship(id, rel) {
				continue
			}
			rid := uidOfKind(transform.KindRelationship, rel)
			if rid == "" || seen[rid] || rel["deleted"] == true {
				continue
			}
			seen[rid] = true
			rels = append(rels, rel)
			owners = append(owners, id)
		}
	}
	if len(rels) == 0 {
		return nil
	}
	fields := t.dst.uidField(transform.KindTrackedEntity) + ",relationships"
	read := func() (map[string]map[string]any, error) {
		tes, err := t.fetchDest(ctx, transform.KindTrackedEntity, uniqueStrings(owners), fields)
		if err != nil {
			return nil, err
		}
		out := map[string]map[string]any{}
		for _, te := range tes {
			list, _ := te["relationships"].([]any)
			for _, r := range list {
				if rel, ok := r.(map[string]any); ok && rel["deleted"] != true {
					out[uidOfKind(transform.KindRelationship, rel)] = rel
				}
			}
		}
		return out, nil
	}
	dst, err := read()
	if err != nil {
		return err
	}
	h := t.newHasher(transform.KindRelationship)
	send, err := t.changed(transform.KindRelationship, rels, dst, cp, h)
	if err != nil {
		return err
	}
	if t.writes && len(send) > 0 {
		if err := t.send(ctx, s, send, cp); err != nil {
			return err
		}
		if dst, err = read(); err != nil {
			return err
		}
		h.dst = map[string]string{}
	}
	t.tally(transform.KindRelationship, rels, dst, cp, h)
	return nil
}

// ownsRelationship reports whether the tracked entity te carries the
// relationship's replication.
func ownsRelationship(te string, rel map[string]any) bool {
	from := itemTE(rel["from"])
	if from != "" {
		return from == te
	}
	return itemTE(rel["to"]) == te
}

// itemTE returns the tracked entity of a canonical relationship item.
func itemTE(item any) string {
	m, _ := item.(map[string]any)
	switch x := m["trackedEntity"].(type) {
	case string:
		return x
	case map[string]any:
		s, _ := x["trackedEntity"].(string)
		return s
	}
	return ""
}

func uniqueStrings(s []string) []string {
	seen := map[string]bool{}
	out := s[:0:0]
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

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
