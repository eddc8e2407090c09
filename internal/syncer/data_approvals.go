package syncer

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"sort"

	"github.com/d2sync/d2sync/internal/dhis2"
)

// Approval states that d2sync replicates: approved (and accepted) at the
// org unit's own level. The others (UNAPPROVED_*, *_ELSEWHERE,
// UNAPPROVABLE) follow from those or from the destination's workflow.
const (
	approvedHere = "APPROVED_HERE"
	acceptedHere = "ACCEPTED_HERE"
)

// approvalStatus is one entry of GET /api/dataApprovals/approvals.
type approvalStatus struct {
	WF    string `json:"wf"`
	PE    string `json:"pe"`
	OU    string `json:"ou"`
	AOC   string `json:"aoc"`
	State string `json:"state"`
}

func (a *approvalStatus) key() string { return a.WF + "/" + a.PE + "/" + a.OU + "/" + a.AOC }

func rank(state string) int {
	switch state {
	case acceptedHere:
		return 2
	case approvedHere:
		return 1
	}
	return 0
}

// approvals replicates the approvals of a chunk's periods and org units
// for a data set with an approval workflow: approve, then accept, what
// the source approved (or accepted) at the org unit and the destination
// did not. The approver and the time become the destination's user and
// now: DHIS2 has no way to write them.
func (sr *streamRun) approvals(ctx context.Context, live []*dataValue) error {
	d := sr.d
	wf := sr.s.ds.Workflow
	if wf == "" || len(live) == 0 || d.approvalsOff() {
		return nil
	}
	pes, ous, aocs := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, v := range live {
		pes[v.PE], ous[v.OU], aocs[v.AOC] = true, true, true
	}
	for _, ouBatch := range batches(sortedKeys(ous), 50) {
		if err := sr.approvalBatch(ctx, wf, sortedKeys(pes), ouBatch, sortedKeys(aocs)); err != nil {
			return err
		}
	}
	return nil
}

func (sr *streamRun) approvalBatch(ctx context.Context, wf string, pes, ous, aocs []string) error {
	d := sr.d
	// live values are already mapped to destination UIDs: ask the source
	// with its own.
	q := url.Values{"wf": {wf}, "pe": pes, "ou": d.unmapIDs(ous), "aoc": d.unmapIDs(aocs)}
	src, err := d.readApprovals(ctx, d.src, q)
	if err != nil {
		return d.approvalsUnavailable("source", err)
	}
	var todo []*approvalStatus
	for _, a := range src {
		if rank(a.State) > 0 {
			todo = append(todo, a)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	// A workflow or org units a dry run's metadata stage plans to create
	// hold no approval on the destination (which refuses to be asked).
	known := slices.DeleteFunc(slices.Clone(ous), d.destLacks)
	dq := url.Values{"wf": {d.mapID(wf)}, "pe": pes, "ou": known, "aoc": aocs}
	var dst []*approvalStatus
	if len(known) > 0 && !d.destLacks(wf) {
		if dst, err = d.readApprovals(ctx, d.dst, dq); err != nil {
			return d.approvalsUnavailable("destination", err)
		}
	}
	d.notReplicable("data approval approvedBy/approvedAt, acceptedBy/acceptedAt", "DHIS2 records the user who calls the API and the time of the call")
	byKey := map[string]*approvalStatus{}
	for _, a := range dst {
		byKey[a.key()] = a
	}
	for _, step := range []struct {
		state, path string
	}{{approvedHere, "dataApprovals/approvals"}, {acceptedHere, "dataAcceptances/acceptances"}} {
		var need []*approvalStatus
		for _, a := range todo {
			m := approvalStatus{WF: d.mapID(a.WF), PE: a.PE, OU: d.mapID(a.OU), AOC: d.mapID(a.AOC)}
			cur := byKey[m.key()]
			if rank(a.State) >= rank(step.state) && (cur == nil || rank(cur.State) < rank(step.state)) {
				need = append(need, &m)
			}
		}
		if err := sr.postApprovals(ctx, step.path, need); err != nil {
			return err
		}
	}
	if d.writes {
		if dst, err = d.readApprovals(ctx, d.dst, dq); err != nil {
			return d.approvalsUnavailable("destination", err)
		}
		for _, a := range dst {
			byKey[a.key()] = a
		}
	}
	v := verifyCounts{}
	for _, a := range todo {
		v.Source++
		cur := byKey[approvalStatus{WF: d.mapID(a.WF), PE: a.PE, OU: d.mapID(a.OU), AOC: d.mapID(a.AOC)}.keyOf()]
		if cur == nil || rank(cur.State) == 0 {
			v.Missing++
			continue
		}
		v.Dest++
		if rank(cur.State) == rank(a.State) {
			v.Match++
		} else {
			v.Differ++
		}
	}
	d.mu.Lock()
	c := d.companion["dataApprovals"]
	if c == nil {
		c = &verifyCounts{}
		d.companion["dataApprovals"] = c
	}
	c.add(v)
	d.mu.Unlock()
	return nil
}

func (a approvalStatus) keyOf() string { return a.key() }

// unmapIDs turns destination UIDs back into source UIDs.
func (d *dataRun) unmapIDs(ids []string) []string {
	rev := map[string]string{}
	for s, t := range d.ids {
		rev[t] = s
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id
		if s, ok := rev[id]; ok {
			out[i] = s
		}
	}
	return out
}

// postApprovals sends one bulk approval (or acceptance) request per
// period and attribute option combo group.
func (sr *streamRun) postApprovals(ctx context.Context, path string, need []*approvalStatus) error {
	d := sr.d
	if len(need) == 0 || !d.writes {
		return nil
	}
	type group struct{ wf, pe string }
	groups := map[group][]map[string]string{}
	for _, a := range need {
		g := group{a.WF, a.PE}
		groups[g] = append(groups[g], map[string]string{"ou": a.OU, "aoc": a.AOC})
	}
	keys := make([]group, 0, len(groups))
	for g := range groups {
		keys = append(keys, g)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].pe < keys[j].pe })
	for _, g := range keys {
		body := dhis2.JSONBody(map[string]any{"wf": []string{g.wf}, "pe": []string{g.pe}, "approvals": groups[g]})
		if _, err := d.dst.Post(ctx, path, nil, body); err != nil {
			if isPermanentRefusal(err) {
				d.fail(Failure{Type: "dataApprovals", UID: g.wf + "/" + g.pe, Message: fmt.Sprintf("%s of %d org units: %v", path, len(groups[g]), err)})
				continue
			}
			if isUnknown(err) {
				continue // read back by the caller
			}
			return fmt.Errorf("destination: %w", err)
		}
	}
	return nil
}

func (d *dataRun) readApprovals(ctx context.Context, c *dhis2.Client, q url.Values) ([]*approvalStatus, error) {
	var out []*approvalStatus
	var raw json.RawMessage
	if err := c.GetJSON(ctx, "dataApprovals/approvals", q, &raw); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("read approvals: %w", err)
	}
	return out, nil
}

// approvalsUnavailable turns approvals off for the run when a side does
// not allow them (no workflow, no authority), with a warning; other
// errors stop the stream.
func (d *dataRun) approvalsUnavailable(side string, err error) error {
	if !isPermanentRefusal(err) && dhis2.KindOf(err) != dhis2.KindForbidden {
		return fmt.Errorf("%s: read approvals: %w", side, err)
	}
	d.mu.Lock()
	already := d.noApprovals
	d.noApprovals = true
	d.mu.Unlock()
	if !already {
		d.warn("data.approvals.skipped", fmt.Sprintf("approvals are not replicated: the %s does not allow them (%v)", side, err))
	}
	return nil
}

func (d *dataRun) approvalsOff() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.noApprovals
}
