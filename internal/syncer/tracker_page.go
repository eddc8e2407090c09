package syncer

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"time"

	"github.com/d2sync/d2sync/internal/dhis2"
)

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
func (t *trackerRun) processPage(ctx context.Context, s *trkStream, items []map[string]any, cp *trkCheckpoint, ids *streamIDs) error {
	var live []map[string]any
	var uids, gone []string
	for _, it := range items {
		id := uidOfKind(s.kind, it)
		if id == "" {
			continue
		}
		if ids.src != nil && it["deleted"] != true {
			ids.src[id] = true
		}
		if ids.dst == nil || ids.dst[id] {
			uids = append(uids, id)
		}
		if it["deleted"] == true {
			gone = append(gone, id)
			continue
		}
		live = append(live, it)
	}
	if len(live)+len(gone) == 0 {
		return nil
	}
	dst := map[string]map[string]any{}
	if len(uids) > 0 {
		var err error
		if dst, err = t.fetchDest(ctx, s.kind, uids, ""); err != nil {
			return err
		}
	}
	for _, id := range gone {
		if dst[id] != nil && len(cp.Deletes) < maxTrackerDeletes && !slices.Contains(cp.Deletes, id) {
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
