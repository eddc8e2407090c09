package syncer

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/d2sync/d2sync/internal/dhis2"
)

// registration is a complete data set registration as DHIS2 exports it
// (note "organisationUnit", not "orgUnit").
type registration struct {
	DataSet              string `json:"dataSet"`
	Period               string `json:"period"`
	OrgUnit              string `json:"organisationUnit"`
	AttributeOptionCombo string `json:"attributeOptionCombo"`
	Date                 string `json:"date,omitempty"`
	StoredBy             string `json:"storedBy,omitempty"`
	Completed            *bool  `json:"completed,omitempty"`
}

type regKey struct{ DS, PE, OU, AOC string }

func (r *registration) key() regKey {
	return regKey{r.DataSet, r.Period, r.OrgUnit, r.AttributeOptionCombo}
}

func (r *registration) completed() bool { return r.Completed == nil || *r.Completed }

// day is the registration's date as yyyy-MM-dd.
func (r *registration) day() string {
	if len(r.Date) >= 10 {
		return r.Date[:10]
	}
	return r.Date
}

// sameRegistration compares what the destination keeps of a registration.
func sameRegistration(s, d *registration) bool {
	return s.completed() == d.completed() && s.day() == d.day() && (s.StoredBy == "" || s.StoredBy == d.StoredBy)
}

// registrations replicates and verifies the complete data set
// registrations of a data set in the selected subtrees (they are few: one
// per data set, period, org unit and attribute option combo).
func (sr *streamRun) registrations(ctx context.Context) error {
	for _, n := range sr.s.regs {
		if err := sr.registrationsUnder(ctx, n); err != nil {
			return err
		}
	}
	return nil
}

func (sr *streamRun) registrationsUnder(ctx context.Context, n *ouNode) error {
	d := sr.d
	ds := sr.s.ds
	q := url.Values{"dataSet": {ds.ID}, "orgUnit": {n.ID}, "children": {"true"}}
	d.periodQuery(q)
	src, err := d.readRegistrations(ctx, d.src, q, true)
	if err != nil {
		return fmt.Errorf("source: %w", err)
	}
	dq := url.Values{"dataSet": {d.mapID(ds.ID)}, "orgUnit": {d.mapID(n.ID)}, "children": {"true"}}
	d.periodQuery(dq)
	dst, err := d.readRegistrationMap(ctx, d.dst, dq)
	if err != nil {
		return fmt.Errorf("destination: %w", err)
	}
	t := &sr.cp.Tally
	send := regChanges(src, dst)
	t.RegWrites.Unchanged += len(src) - len(send)
	if d.writes && len(send) > 0 {
		if err := sr.sendRegistrations(ctx, send); err != nil {
			return err
		}
		if dst, err = d.readRegistrationMap(ctx, d.dst, dq); err != nil {
			return fmt.Errorf("destination: %w", err)
		}
	}
	compareRegistrations(src, dst, &t.Regs)
	return nil
}

func regChanges(src []*registration, dst map[regKey]*registration) []*registration {
	var out []*registration
	for _, s := range src {
		if d := dst[s.key()]; d == nil || !sameRegistration(s, d) {
			out = append(out, s)
		}
	}
	return out
}

func compareRegistrations(src []*registration, dst map[regKey]*registration, v *verifyCounts) {
	seen := map[regKey]bool{}
	for _, s := range src {
		seen[s.key()] = true
		v.Source++
		d := dst[s.key()]
		switch {
		case d == nil:
			v.Missing++
		case sameRegistration(s, d):
			v.Dest++
			v.Match++
		default:
			v.Dest++
			v.Differ++
		}
	}
	for k := range dst {
		if !seen[k] {
			v.Dest++
			v.Extra++
		}
	}
}

// readRegistrations reads registrations, mapped to destination UIDs when
// they come from the source.
func (d *dataRun) readRegistrations(ctx context.Context, c *dhis2.Client, q url.Values, source bool) ([]*registration, error) {
	var body struct {
		Registrations []*registration `json:"completeDataSetRegistrations"`
	}
	d.count(1)
	if err := c.GetJSON(ctx, "completeDataSetRegistrations", q, &body); err != nil {
		return nil, err
	}
	if source {
		for _, r := range body.Registrations {
			r.DataSet, r.OrgUnit, r.AttributeOptionCombo = d.mapID(r.DataSet), d.mapID(r.OrgUnit), d.mapID(r.AttributeOptionCombo)
		}
	}
	return body.Registrations, nil
}

func (d *dataRun) readRegistrationMap(ctx context.Context, c *dhis2.Client, q url.Values) (map[regKey]*registration, error) {
	list, err := d.readRegistrations(ctx, c, q, false)
	if err != nil {
		return nil, err
	}
	out := make(map[regKey]*registration, len(list))
	for _, r := range list {
		out[r.key()] = r
	}
	return out, nil
}

func (sr *streamRun) sendRegistrations(ctx context.Context, regs []*registration) error {
	d := sr.d
	body := dhis2.JSONBody(map[string]any{"completeDataSetRegistrations": regs})
	body.Idempotent = true
	d.count(1)
	res, err := d.dst.ImportCompleteRegistrations(ctx, body, url.Values{"importStrategy": {"CREATE_AND_UPDATE"}})
	if err != nil {
		if isUnknown(err) {
			return nil // read back by the caller
		}
		return fmt.Errorf("destination: import %d registrations: %w", len(regs), err)
	}
	t := &sr.cp.Tally
	t.RegWrites.Created += res.Stats.Created
	t.RegWrites.Updated += res.Stats.Updated
	t.RegWrites.Ignored += res.Stats.Ignored
	for _, c := range res.Conflicts {
		t.RegWrites.Failed++
		d.fail(Failure{Type: "completeDataSetRegistrations", UID: c.Object, Code: c.Code, Message: c.Value, Chunk: sr.s.name})
	}
	if res.Status == dhis2.StatusError && len(res.Conflicts) == 0 {
		d.fail(Failure{Type: "completeDataSetRegistrations", Chunk: sr.s.name, Message: "the destination refused the registrations: " + res.Message})
	}
	return nil
}

// idMappings returns source UID → destination UID: the pair's stored
// mappings (discovered by the metadata stage or configured) and the
// default category option combo of each side, matched by name.
func (d *dataRun) idMappings(ctx context.Context) (map[string]string, error) {
	m, err := d.r.Opts.State.IDMap(ctx, d.r.PairKey)
	if err != nil {
		return nil, fmt.Errorf("read the ID mappings: %w", err)
	}
	out := m.Flat()
	src, err := defaultCOC(ctx, d.src)
	if err != nil {
		return nil, fmt.Errorf("source: %w", err)
	}
	dst, err := defaultCOC(ctx, d.dst)
	if err != nil {
		return nil, fmt.Errorf("destination: %w", err)
	}
	if src != "" && dst != "" && src != dst {
		out[src] = dst
	}
	return out, nil
}

// defaultCOC returns the UID of the instance's default category option
// combo.
func defaultCOC(ctx context.Context, c *dhis2.Client) (string, error) {
	var body struct {
		COCs []struct {
			ID string `json:"id"`
		} `json:"categoryOptionCombos"`
	}
	q := url.Values{"fields": {"id"}, "filter": {"name:eq:default"}, "paging": {"false"}}
	if err := c.GetJSON(ctx, "categoryOptionCombos", q, &body); err != nil {
		return "", fmt.Errorf("read the default category option combo: %w", err)
	}
	for _, c := range body.COCs {
		if c.ID == DefaultUIDs["categoryOptionCombos"] {
			return c.ID, nil
		}
	}
	if len(body.COCs) > 0 {
		return body.COCs[0].ID, nil
	}
	return "", nil
}

// isUnknown reports whether a write failed with an unknown outcome (it
// may have been applied).
func isUnknown(err error) bool {
	return errors.Is(err, dhis2.ErrUnknownOutcome)
}

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
			dst, err := d.readDest(ctx, url.Values{"dataSet": {ds.ID}, "orgUnit": ouBatch, "period": peBatch})
			if err != nil {
				return err
			}
			for k := range dst {
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
