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

// errChunkTooBig stops the read of a chunk that holds more values than
// the hard limit, so that it is split instead.
var errChunkTooBig = errors.New("chunk too big")

// maxSendRounds bounds the send → read back rounds of one chunk: a value
// still different after them is a failure, not a loop.
const maxSendRounds = 3

// readRetries is how often a chunk read is repeated after a transient
// failure (cut body, reset, timeout) before the run gives up.
const readRetries = 4

// chunkData is the source side of one chunk.
type chunkData struct {
	live  []*dataValue       // values to hold, mapped to destination UIDs
	tombs map[dvKey]bool     // values deleted on the source
	keys  map[dvKey]struct{} // every key read (live or deleted)
}

func (sr *streamRun) process(ctx context.Context, n *ouNode, children bool) error {
	return sr.processLimit(ctx, n, children, 2*sr.d.opts.ChunkValues)
}

// processUnbounded processes a single org unit whose values exceed the
// chunk limit (it cannot be split further).
func (sr *streamRun) processUnbounded(ctx context.Context, n *ouNode) error {
	sr.d.log(slog.LevelInfo, "data.chunk.large", fmt.Sprintf("org unit %s holds more than %d values of data set %s: read in one chunk",
		n.ID, 2*sr.d.opts.ChunkValues, sr.s.ds.ID))
	return sr.processLimit(ctx, n, false, 0)
}

// processLimit reads, compares, writes and verifies one chunk.
func (sr *streamRun) processLimit(ctx context.Context, n *ouNode, children bool, limit int) error {
	d := sr.d
	sr.chunk++
	src, err := d.readSource(ctx, sr.s.ds, d.sourceQuery(sr.s.ds, n, children), limit)
	if err != nil {
		return err
	}
	if !d.incremental {
		d.learn(sr.s.ds.ID, len(src.live), orgUnitsIn(n, children))
	}
	if d.incremental && len(src.keys) == 0 {
		return nil
	}
	sr.cc.deleted = src.tombs
	full := !d.incremental
	readDest := func() (map[dvKey]*dataValue, error) {
		if full {
			return d.readDest(ctx, d.destQuery(sr.s.ds, n, children))
		}
		return d.readDestKeys(ctx, sr.s.ds, n, children, src.keys)
	}
	dst, err := readDest()
	if err != nil {
		return err
	}
	t := &sr.cp.Tally
	toSend, unchanged := d.changes(sr.s.ds, src, dst)
	t.Writes.Unchanged += unchanged
	sr.collectDeletes(src.tombs, dst)
	if d.r.Opts.DryRun {
		for _, v := range toSend {
			if dst[v.dvKey()] == nil {
				t.Writes.Created++
			} else {
				t.Writes.Updated++
			}
		}
	}
	rejected := map[dvKey]bool{}
	var unknown error
	for round := 0; d.writes && len(toSend) > 0; round++ {
		if round == maxSendRounds {
			if unknown != nil {
				return fmt.Errorf("%d values: %w", len(toSend), unknown)
			}
			sr.stillDifferent(toSend)
			break
		}
		if unknown, err = sr.send(ctx, toSend, rejected); err != nil {
			return err
		}
		if dst, err = readDest(); err != nil {
			return err
		}
		toSend, _ = d.changes(sr.s.ds, src, dst)
		toSend = withoutRejected(toSend, rejected)
	}
	sr.cc.compare(src.live, dst, full, t)
	if err := sr.approvals(ctx, src.live); err != nil {
		return err
	}
	d.r.Opts.Progress.Step(ScopeData, int64(len(src.live)), -1, "values")
	return nil
}

func orgUnitsIn(n *ouNode, children bool) int {
	if children {
		return n.Size
	}
	return 1
}

func withoutRejected(vs []*dataValue, rejected map[dvKey]bool) []*dataValue {
	if len(rejected) == 0 {
		return vs
	}
	out := vs[:0]
	for _, v := range vs {
		if !rejected[v.dvKey()] {
			out = append(out, v)
		}
	}
	return out
}

// changes returns the source values the destination lacks or holds
// differently (zeros DHIS2 does not store are left out), and how many are
// already equal.
func (d *dataRun) changes(ds *dsInfo, src *chunkData, dst map[dvKey]*dataValue) (send []*dataValue, unchanged int) {
	for _, v := range src.live {
		cur := dst[v.dvKey()]
		if cur == nil {
			if !ds.elements[v.DE].dropsZero(v.Value) {
				send = append(send, v)
			}
			continue
		}
		if d.cmp.equal(v, cur) {
			unchanged++
			continue
		}
		send = append(send, v)
	}
	return send, unchanged
}

// stillDifferent records values that did not reach the destination after
// every round.
func (sr *streamRun) stillDifferent(vs []*dataValue) {
	for i, v := range vs {
		if i == 20 {
			sr.d.fail(Failure{Type: "dataValues", Message: fmt.Sprintf("… and %d more values of data set %s", len(vs)-i, sr.s.ds.ID)})
			break
		}
		sr.d.fail(Failure{Type: "dataValues", UID: v.dvKey().String(), Message: fmt.Sprintf(
			"%s: the destination reported the import without conflict but still holds another value after %d attempts", describeValue(v), maxSendRounds)})
	}
}

func describeValue(v *dataValue) string {
	return fmt.Sprintf("data element %s, org unit %s, period %s, category option combo %s, attribute option combo %s, value %s",
		v.DE, v.OU, v.PE, v.COC, v.AOC, quoteValue(v.Value))
}

// collectDeletes notes the values deleted on the source that the
// destination still holds; they are deleted at the end of the stage, if
// the guard allows.
func (sr *streamRun) collectDeletes(tombs map[dvKey]bool, dst map[dvKey]*dataValue) {
	for k := range tombs {
		if dst[k] == nil {
			continue
		}
		if len(sr.cp.Deletes) >= maxPendingDeletes {
			sr.d.mu.Lock()
			sr.d.overflow = true
			sr.d.mu.Unlock()
			return
		}
		sr.cp.Deletes = append(sr.cp.Deletes, pendingDelete{DataSet: sr.s.ds.ID, Key: k})
	}
}

// maxPendingDeletes bounds the deletions a stream remembers.
const maxPendingDeletes = 100_000

// send imports values into the destination and records what it refused.
// An import whose outcome is unknown (the answer was lost after the body
// was sent) is returned as unknown, not as an error: the caller reads the
// chunk back and sends again what is missing. Any other failure (after
// the client's retries) is an error.
func (sr *streamRun) send(ctx context.Context, vs []*dataValue, rejected map[dvKey]bool) (unknown, err error) {
	d := sr.d
	for _, v := range vs {
		if !sr.s.ds.elements[v.DE].isFile() {
			continue
		}
		if err := d.ensureFile(ctx, v); err != nil {
			return nil, err
		}
	}
	res, err := d.importValues(ctx, vs, nil)
	if err != nil {
		if isUnknown(err) {
			d.log(slog.LevelWarn, "data.import.unknown", fmt.Sprintf("%s: %d values, outcome unknown; reading the chunk back", sr.s.name, len(vs)))
			return err, nil
		}
		return nil, fmt.Errorf("destination: import %d values: %w", len(vs), err)
	}
	t := &sr.cp.Tally
	t.Writes.Created += res.Stats.Created
	t.Writes.Updated += res.Stats.Updated
	t.Writes.Ignored += res.Stats.Ignored
	t.Writes.Deleted += res.Stats.Deleted
	d.log(slog.LevelDebug, "data.chunk.imported", fmt.Sprintf("%s chunk %d: %d values sent, %s", sr.s.name, sr.chunk, len(vs), res.Summary()),
		slog.String("stream", sr.s.name), slog.Int("values", len(vs)))
	sr.conflicts(res, vs, rejected)
	return nil, nil
}

// conflicts records each value the destination refused, with DHIS2's code.
func (sr *streamRun) conflicts(res *dhis2.ImportResult, vs []*dataValue, rejected map[dvKey]bool) {
	d := sr.d
	t := &sr.cp.Tally
	if res.Status == dhis2.StatusError && len(res.Conflicts) == 0 {
		for _, v := range vs {
			rejected[v.dvKey()] = true
		}
		t.Writes.Failed += len(vs)
		d.fail(Failure{Type: "dataValues", Chunk: sr.s.name, Message: fmt.Sprintf("the destination refused %d values: %s", len(vs), res.Message)})
		return
	}
	unindexed := false
	for _, c := range res.Conflicts {
		if len(c.Indexes) == 0 {
			unindexed = true
			d.fail(Failure{Type: "dataValues", Chunk: sr.s.name, UID: c.Object, Code: c.Code, Message: c.Value})
			continue
		}
		for _, i := range c.Indexes {
			if i < 0 || i >= len(vs) {
				continue
			}
			v := vs[i]
			if !rejected[v.dvKey()] {
				t.Writes.Failed++
			}
			rejected[v.dvKey()] = true
			d.fail(Failure{Type: "dataValues", UID: v.dvKey().String(), Code: c.Code, Message: describeValue(v) + ": " + c.Value})
		}
	}
	if unindexed {
		// DHIS2 before 2.37 does not say which values it refused: retrying
		// the chunk would only repeat the conflicts.
		for _, v := range vs {
			rejected[v.dvKey()] = true
		}
	}
}

// importValues posts values (or, with strategy DELETE, deletions) to the
// destination: gzipped unless disabled, async above the configured size.
func (d *dataRun) importValues(ctx context.Context, vs []*dataValue, extra url.Values) (*dhis2.ImportResult, error) {
	p := newDVPayload(!d.opts.NoGzip)
	for _, v := range vs {
		p.add(v)
	}
	body := dhis2.BytesBody(p.bytes(), "application/json")
	body.Idempotent = true // UIDs and CREATE_AND_UPDATE: a replay changes nothing
	params := url.Values{"importStrategy": {"CREATE_AND_UPDATE"}}
	for k, v := range extra {
		params[k] = v
	}
	if d.opts.AsyncValues > 0 && len(vs) >= d.opts.AsyncValues {
		params.Set("async", "true")
	}
	d.count(1)
	return d.dst.ImportDataValues(ctx, body, params)
}

func (d *dataRun) count(requests int) {
	d.mu.Lock()
	d.requests += requests
	d.mu.Unlock()
}

// readSource reads a chunk from the source: live values mapped to the
// destination's UIDs, and deleted ones. With limit > 0 a chunk holding
// more values ends with errChunkTooBig.
func (d *dataRun) readSource(ctx context.Context, ds *dsInfo, q url.Values, limit int) (*chunkData, error) {
	var out *chunkData
	err := d.retryRead(ctx, "source", func() error {
		out = &chunkData{tombs: map[dvKey]bool{}, keys: map[dvKey]struct{}{}}
		return d.stream(ctx, d.src, q, func(v *dataValue) error {
			d.mapValue(v)
			d.fixTimes(v)
			if m, ok := d.ids[v.Value]; ok && ds.elements[v.DE].isFile() {
				v.Value = m // a file resource uploaded under another UID
			}
			k := v.dvKey()
			out.keys[k] = struct{}{}
			if v.Deleted {
				out.tombs[k] = true
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

// readDest reads a chunk from the destination, by key.
func (d *dataRun) readDest(ctx context.Context, q url.Values) (map[dvKey]*dataValue, error) {
	var out map[dvKey]*dataValue
	err := d.retryRead(ctx, "destination", func() error {
		out = map[dvKey]*dataValue{}
		return d.stream(ctx, d.dst, q, func(v *dataValue) error {
			if !v.Deleted {
				out[v.dvKey()] = v
			}
			return nil
		})
	})
	return out, err
}

// readDestKeys reads the destination's values of the org units and
// periods of keys (incremental chunks), or the whole chunk when they are
// too many to name in a URL.
func (d *dataRun) readDestKeys(ctx context.Context, ds *dsInfo, n *ouNode, children bool, keys map[dvKey]struct{}) (map[dvKey]*dataValue, error) {
	ous, pes := map[string]bool{}, map[string]bool{}
	for k := range keys {
		ous[k.OU], pes[k.PE] = true, true
	}
	if len(ous) > 100 || len(pes) > 50 {
		return d.readDest(ctx, d.destQuery(ds, n, children))
	}
	q := url.Values{"dataSet": {d.mapID(ds.ID)}, "orgUnit": sortedKeys(ous), "period": sortedKeys(pes)}
	return d.readDest(ctx, q)
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
	d.count(1)
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
	if errors.Is(err, errBadJSON) || errors.Is(err, io.ErrUnexpectedEOF) {
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
