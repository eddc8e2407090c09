package syncer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/d2sync/d2sync/internal/dhis2"
)

// readRetries is how often a chunk read is repeated after a transient
// failure (cut body, reset, timeout) before the run gives up.
const readRetries = 4

// readSource reads a chunk from the source: live values mapped to the
// destination's UIDs, and deleted ones. With limit > 0 a chunk holding
// more values ends with errChunkTooBig.
func (d *dataRun) readSource(ctx context.Context, ds *dsInfo, q url.Values, limit int) (*chunkData, error) {
	var out *chunkData
	err := d.retryRead(ctx, "source", func() error {
		out = &chunkData{tombs: map[dvKey]bool{}}
		if d.incremental {
			out.keys = map[dvKey]struct{}{}
		}
		return d.stream(ctx, d.src, q, func(v *dataValue) error {
			d.mapValue(v)
			d.fixTimes(v)
			if m, ok := d.ids[v.Value]; ok && ds.elements[v.DE].isFile() {
				v.Value = m // a file resource uploaded under another UID
			}
			if out.keys != nil {
				out.keys[v.dvKey()] = struct{}{}
			}
			if v.Deleted {
				out.tombs[v.dvKey()] = true
				return nil
			}
			out.live = append(out.live, v)
			if limit > 0 && len(out.live) > limit {
				return errChunkTooBig
			}
			return nil
		})
	})
	return out, err
}

// readDest reads a chunk from the destination. sizeHint is the number of
// values expected (the source's), to size the list once.
func (d *dataRun) readDest(ctx context.Context, q url.Values, sizeHint int) (*destValues, error) {
	var out *destValues
	err := d.retryRead(ctx, "destination", func() error {
		out = &destValues{list: make([]*dataValue, 0, sizeHint)}
		return d.stream(ctx, d.dst, q, func(v *dataValue) error {
			if !v.Deleted {
				out.list = append(out.list, v)
			}
			return nil
		})
	})
	return out, err
}

// destValues is the destination's copy of a chunk: its live values in
// export order, indexed by key when first needed. Keys are unique in an
// export (DHIS2's unique constraint), so a chunk whose values come in the
// order of the source's is matched by position, without the index.
type destValues struct {
	list  []*dataValue
	byKey map[dvKey]*dataValue
}

// get returns the value of a key, or nil.
func (dv *destValues) get(k dvKey) *dataValue {
	if len(dv.list) == 0 {
		return nil
	}
	if dv.byKey == nil {
		dv.byKey = make(map[dvKey]*dataValue, len(dv.list))
		for _, v := range dv.list {
			dv.byKey[v.dvKey()] = v
		}
	}
	return dv.byKey[k]
}

// values returns every value once per key (the index's when built).
func (dv *destValues) values() []*dataValue {
	if dv.byKey == nil || len(dv.byKey) == len(dv.list) {
		return dv.list
	}
	out := make([]*dataValue, 0, len(dv.byKey))
	for _, v := range dv.byKey {
		out = append(out, v)
	}
	return out
}

// errProbeHit stops an emptiness probe at the first value it reads.
var errProbeHit = errors.New("the destination holds a value")

// destHolds reports whether the destination holds any live value that q
// selects. It asks for one value (limit=1) and stops reading at the first
// one, so that a version ignoring limit costs no more than that value.
func (d *dataRun) destHolds(ctx context.Context, q url.Values) (bool, error) {
	q.Set("limit", "1")
	found := false
	err := d.retryRead(ctx, "destination", func() error {
		found = false
		err := d.stream(ctx, d.dst, q, func(v *dataValue) error {
			if v.Deleted {
				return nil
			}
			found = true
			return errProbeHit
		})
		if errors.Is(err, errProbeHit) {
			return nil
		}
		return err
	})
	return found, err
}

// readDestKeys reads the destination's values of the org units and
// periods of keys (incremental chunks), or the whole chunk when they are
// too many to name in a URL.
func (d *dataRun) readDestKeys(ctx context.Context, ds *dsInfo, n *ouNode, children bool, keys map[dvKey]struct{}) (*destValues, error) {
	ous, pes := map[string]bool{}, map[string]bool{}
	for k := range keys {
		if !d.toCreate[k.OU] { // an org unit a dry run's metadata stage plans to create holds nothing
			ous[k.OU], pes[k.PE] = true, true
		}
	}
	if len(ous) == 0 {
		return noValues(), nil
	}
	if len(ous) > 100 || len(pes) > 50 {
		return d.readDest(ctx, d.destQuery(ds, n, children), len(keys))
	}
	q := url.Values{"dataSet": {d.mapID(ds.ID)}, "orgUnit": sortedKeys(ous), "period": sortedKeys(pes)}
	return d.readDest(ctx, q, len(keys))
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// mapValue rewrites the value's references to the destination's UIDs.
func (d *dataRun) mapValue(v *dataValue) {
	if len(d.ids) == 0 {
		return
	}
	for _, p := range []*string{&v.DE, &v.OU, &v.COC, &v.AOC} {
		if m, ok := d.ids[*p]; ok {
			*p = m
		}
	}
}

// fixTimes gives timestamps written without an offset in the source's
// zone an explicit offset when the destination is in another zone, so
// that both read them as the same instant.
func (d *dataRun) fixTimes(v *dataValue) {
	if d.cmp.srcLoc == d.cmp.dstLoc || d.cmp.srcLoc.String() == d.cmp.dstLoc.String() {
		return
	}
	for _, p := range []*string{&v.Created, &v.LastUpdated} {
		if *p == "" || hasZone(*p) {
			continue
		}
		if ms, ok := timeMillis(*p, d.cmp.srcLoc); ok {
			*p = dhis2.FormatTimeOffset(time.UnixMilli(ms).In(d.cmp.srcLoc))
		}
	}
}

// hasZone reports whether a timestamp carries an offset or Z.
func hasZone(s string) bool {
	if len(s) <= 19 {
		return false
	}
	tail := s[19:]
	return strings.ContainsAny(tail, "Z+") || strings.Contains(tail[1:], "-")
}

// stream reads one dataValueSets export with the fast reader.
func (d *dataRun) stream(ctx context.Context, c *dhis2.Client, q url.Values, fn func(*dataValue) error) error {
	rc, err := c.Stream(ctx, "dataValueSets", q)
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := readDataValueSet(rc, fn); err != nil {
		return err
	}
	return nil
}

// retryRead repeats a chunk read after transient failures: a cut or
// malformed body, a reset, a timeout. Permanent refusals (4xx) and
// errChunkTooBig are returned at once.
func (d *dataRun) retryRead(ctx context.Context, side string, read func() error) error {
	var err error
	for attempt := 0; attempt <= readRetries; attempt++ {
		if attempt > 0 {
			d.mu.Lock()
			d.reReads++
			d.mu.Unlock()
			d.log(slog.LevelWarn, "data.read.retry", fmt.Sprintf("%s read failed (%v); reading the chunk again", side, err))
			if serr := sleepCtx(ctx, time.Duration(attempt*attempt)*100*time.Millisecond); serr != nil {
				return serr
			}
		}
		if err = read(); err == nil || !retryableRead(err) {
			break
		}
	}
	if err != nil && !errors.Is(err, errChunkTooBig) {
		return fmt.Errorf("%s: %w", side, err)
	}
	return err
}

func retryableRead(err error) bool {
	if errors.Is(err, errChunkTooBig) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if errors.Is(err, errBadJSON) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, errNoPager) {
		return true
	}
	var e *dhis2.Error
	if errors.As(err, &e) {
		return e.Kind.Transient() || e.Kind == dhis2.KindBadResponse || e.HTTPStatus >= http.StatusInternalServerError
	}
	return true
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// joinIDs lists UIDs for a message.
func joinIDs(ids []string) string { return strings.Join(ids, ", ") }
