package syncer

import (
	"context"
	"fmt"
	"net/url"
)

// applyDeletes deletes on the destination the values deleted on the
// source, after a transfer without failures and within the max-delete
// guard (the count and the share of the values read).
func (d *dataRun) applyDeletes(ctx context.Context) error {
	if len(d.deletes) == 0 && !d.overflow {
		return nil
	}
	n := len(d.deletes)
	reason := ""
	total := 0
	for _, t := range d.tallies {
		total += t.Values.Source
	}
	switch {
	case !d.writes:
		reason = "dry run"
	case d.failed > 0:
		reason = fmt.Sprintf("the run had %d failures (deletions only follow a clean transfer)", d.failed)
	case d.overflow:
		reason = fmt.Sprintf("more than %d values to delete in one stream", maxPendingDeletes)
	case d.r.Opts.MaxDelete >= 0 && n > d.r.Opts.MaxDelete:
		reason = fmt.Sprintf("%d values to delete exceed --max-delete %d", n, d.r.Opts.MaxDelete)
	case !d.incremental && d.r.Opts.MaxDeletePercent >= 0 && total > 0 && float64(n)*100/float64(total) > d.r.Opts.MaxDeletePercent:
		// The share is measured on a full pass only: an incremental one
		// reads the changed values, not the data set.
		reason = fmt.Sprintf("%d values to delete are more than %g%% of the %d values", n, d.r.Opts.MaxDeletePercent, total)
	}
	if reason != "" {
		d.warn("data.deletes.skipped", fmt.Sprintf("%d data values deleted on the source were not deleted on the destination: %s", n, reason))
		d.markDeletesExtra(reason)
		return nil
	}
	return d.deleteValues(ctx)
}

// markDeletesExtra counts the undeleted values as extra on the
// destination, so that the run is not reported as equal.
func (d *dataRun) markDeletesExtra(reason string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, p := range d.deletes {
		t := d.tallyOf(p.DataSet)
		t.Values.Extra++
		t.Values.Dest++
		t.detail(VerifyDetail{Kind: "extra", UID: p.Key.String(), Note: "deleted on the source, not deleted on the destination: " + reason})
	}
}

// deleteValues sends the pending deletions (strategy DELETE) and checks
// that the destination no longer holds them.
func (d *dataRun) deleteValues(ctx context.Context) error {
	bySet := map[string][]*dataValue{}
	for _, p := range d.deletes {
		k := p.Key
		bySet[p.DataSet] = append(bySet[p.DataSet], &dataValue{DE: k.DE, PE: k.PE, OU: k.OU, COC: k.COC, AOC: k.AOC})
	}
	for dsID, vs := range bySet {
		for start := 0; start < len(vs); start += d.opts.ChunkValues {
			batch := vs[start:min(start+d.opts.ChunkValues, len(vs))]
			res, err := d.importValues(ctx, batch, url.Values{"importStrategy": {"DELETE"}})
			if err != nil && !isUnknown(err) {
				return fmt.Errorf("destination: delete %d data values: %w", len(batch), err)
			}
			if res != nil {
				d.mu.Lock()
				d.tallyOf(dsID).Writes.Deleted += res.Stats.Deleted
				d.mu.Unlock()
			}
			if err := d.checkDeleted(ctx, dsID, batch); err != nil {
				return err
			}
		}
	}
	d.log(0, "data.deletes.applied", fmt.Sprintf("%d data values deleted on the source were deleted on the destination", len(d.deletes)))
	return nil
}

// checkDeleted reads the deleted values back; those still present are
// extra.
func (d *dataRun) checkDeleted(ctx context.Context, dsID string, batch []*dataValue) error {
	keys := map[dvKey]struct{}{}
	for _, v := range batch {
		keys[v.dvKey()] = struct{}{}
	}
	var ds *dsInfo
	for _, s := range d.sets {
		if s.ID == dsID {
			ds = s
		}
	}
	if ds == nil {
		return nil
	}
	ous, pes := map[string]bool{}, map[string]bool{}
	for k := range keys {
		ous[k.OU], pes[k.PE] = true, true
	}
	left := 0
	for _, ouBatch := range batches(sortedKeys(ous), 100) {
		for _, peBatch := range batches(sortedKeys(pes), 50) {
			dst, err := d.readDest(ctx, url.Values{"dataSet": {ds.ID}, "orgUnit": ouBatch, "period": peBatch}, 0)
			if err != nil {
				return err
			}
			for _, v := range dst.values() {
				k := v.dvKey()
				if _, ok := keys[k]; ok {
					left++
					d.mu.Lock()
					t := d.tallyOf(dsID)
					t.Values.Extra++
					t.Values.Dest++
					t.detail(VerifyDetail{Kind: "extra", UID: k.String(), Note: "deleted on the source; the destination did not delete it"})
					d.mu.Unlock()
				}
			}
		}
	}
	if left > 0 {
		d.fail(Failure{Type: "dataValues", Message: fmt.Sprintf("%d of %d deleted values are still on the destination", left, len(batch))})
	}
	return nil
}

func batches(s []string, n int) [][]string {
	var out [][]string
	for start := 0; start < len(s); start += n {
		out = append(out, s[start:min(start+n, len(s))])
	}
	return out
}
