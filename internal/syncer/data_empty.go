package syncer

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
)

// A full pass reads, before writing each chunk, the destination's copy of
// it, to send only what is missing or different. On a destination that
// holds nothing yet (the first copy) those reads are all empty: one
// request per chunk for nothing. The probes below find out once, before
// the pass, which data sets (and, for the others, which streams) the
// destination holds no value of; their chunks skip the read before the
// write. The read after the write (the verification) is never skipped.
//
// The chunks of a stream cover disjoint org units, so writing one chunk
// does not fill the next one: a stream empty when the pass began stays
// empty for its unwritten chunks, as far as this run goes. A value another
// client writes meanwhile is overwritten (the import is an upsert) and the
// read-back shows the result.

// probeEmpty records the data sets the destination holds no value of in
// the run's selection. A failed probe counts as "holds values" (the
// per-chunk reads then run, and report the failure if it persists).
func (d *dataRun) probeEmpty(ctx context.Context) {
	d.emptySets = map[string]bool{}
	maps.Copy(d.emptySets, d.absent) // a dry run's data sets still to create: known empty, never read
	if d.incremental || !(d.writes || d.r.Opts.DryRun) {
		return
	}
	_, tops, err := d.tree.streamRoots(d.opts.OrgUnits)
	tops = slices.DeleteFunc(tops, func(n *ouNode) bool { return d.destLacks(n.ID) })
	if err != nil || len(tops) == 0 {
		return
	}
	var empty []string
	for _, ds := range d.sets {
		if d.emptySets[ds.ID] {
			continue
		}
		q := d.destQuery(ds, tops[0], true)
		for _, n := range tops[1:] {
			q.Add("orgUnit", d.mapID(n.ID))
		}
		holds, err := d.destHolds(ctx, q)
		if err != nil {
			d.log(slog.LevelDebug, "data.probe.failed", fmt.Sprintf("data set %s: %v", ds.ID, err))
			continue
		}
		if !holds {
			d.emptySets[ds.ID] = true
			empty = append(empty, ds.ID)
		}
	}
	if len(empty) > 0 {
		d.log(slog.LevelInfo, "data.dest.empty", fmt.Sprintf("the destination holds no value of %d of %d data sets (%s): their chunks are written without reading the destination first, then read back",
			len(empty), len(d.sets), strings.Join(empty, ", ")))
	}
}

// streamEmpty reports whether the destination held no value of a stream
// when it started: its data set is empty there, or a probe of a subtree
// stream found nothing. Single org units are not probed (their one chunk
// costs the same read).
func (sr *streamRun) streamEmpty(ctx context.Context) bool {
	d := sr.d
	if d.emptySets[sr.s.ds.ID] || d.destLacks(sr.s.root.ID) {
		return true
	}
	if d.incremental || !(d.writes || d.r.Opts.DryRun) || !sr.s.subtree || len(sr.s.root.Children) == 0 {
		return false
	}
	holds, err := d.destHolds(ctx, d.destQuery(sr.s.ds, sr.s.root, true))
	return err == nil && !holds
}

// noValues is the destination's copy of a chunk known to be empty.
func noValues() *destValues { return &destValues{} }
