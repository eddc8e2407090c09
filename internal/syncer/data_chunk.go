package syncer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
)

// errChunkTooBig stops the read of a chunk that holds more values than
// the hard limit, so that it is split instead.
var errChunkTooBig = errors.New("chunk too big")

// maxSendRounds bounds the send → read back rounds of one chunk: a value
// still different after them is a failure, not a loop.
const maxSendRounds = 3

// chunkData is the source side of one chunk.
type chunkData struct {
	live  []*dataValue       // values to hold, mapped to destination UIDs
	tombs map[dvKey]bool     // values deleted on the source
	keys  map[dvKey]struct{} // every key read (live or deleted); incremental passes only
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
	readDest := func() (*destValues, error) {
		if full {
			return d.readDest(ctx, d.destQuery(sr.s.ds, n, children), len(src.live))
		}
		return d.readDestKeys(ctx, sr.s.ds, n, children, src.keys)
	}
	dst := noValues()
	if !sr.empty && !d.destLacks(n.ID) { // only full passes probe; a dry run's data sets and org units still to create are empty in any pass
		var err error
		if dst, err = readDest(); err != nil {
			return err
		}
	}
	t := &sr.cp.Tally
	match := matchDest(src.live, dst)
	toSend, unchanged := d.changes(sr.s.ds, src.live, match)
	t.Writes.Unchanged += unchanged
	if d.r.Opts.DryRun {
		for _, v := range toSend {
			if dst.get(v.dvKey()) == nil {
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
		match = matchDest(src.live, dst)
		toSend, _ = d.changes(sr.s.ds, src.live, match)
		toSend = withoutRejected(toSend, rejected)
	}
	sr.collectDeletes(src.tombs, dst)
	sr.cc.compare(src.live, match, dst, full, t)
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

// matchDest returns, for each source value, the destination's value of
// the same key (nil if none), so that the comparisons after a read look
// each key up once. Values at the same position with the same key match
// without a look-up (both sides export in the same order when they hold
// the same values).
func matchDest(live []*dataValue, dst *destValues) []*dataValue {
	match := make([]*dataValue, len(live))
	if len(dst.list) == 0 {
		return match
	}
	for i, v := range live {
		if dst.byKey == nil && i < len(dst.list) && sameKey(dst.list[i], v) {
			match[i] = dst.list[i]
			continue
		}
		match[i] = dst.get(v.dvKey())
	}
	return match
}

func sameKey(a, b *dataValue) bool {
	return a.DE == b.DE && a.PE == b.PE && a.OU == b.OU && a.COC == b.COC && a.AOC == b.AOC
}

// changes returns the source values the destination lacks or holds
// differently (zeros DHIS2 does not store are left out), and how many are
// already equal. match holds the destination's values (matchDest).
func (d *dataRun) changes(ds *dsInfo, live, match []*dataValue) (send []*dataValue, unchanged int) {
	for i, v := range live {
		cur := match[i]
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
func (sr *streamRun) collectDeletes(tombs map[dvKey]bool, dst *destValues) {
	for k := range tombs {
		if dst.get(k) == nil {
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
