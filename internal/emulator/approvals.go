package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/d2sync/d2sync/internal/emulator/datavalue"
	"github.com/d2sync/d2sync/internal/period"
)

// Data approval states (DataApprovalState) the emulator uses. Approval
// levels are not modelled: a state is either unapproved, approved here or
// accepted here.
const (
	stateUnapprovedReady = "UNAPPROVED_READY"
	stateApprovedHere    = "APPROVED_HERE"
	stateAcceptedHere    = "ACCEPTED_HERE"
)

// approvalKey is the (workflow, period, org unit, aoc) of a request.
type approvalTarget struct{ wf, pe, ou, aoc string }

// approvalTargets reads wf, pe, ou and aoc (each may be a comma list).
func (e *Emulator) approvalTargets(q url.Values) ([]approvalTarget, error) {
	wfs, pes, ous := listParam(q, "wf"), listParam(q, "pe"), listParam(q, "ou")
	if len(wfs) == 0 || len(pes) == 0 || len(ous) == 0 {
		return nil, errStatus(http.StatusConflict, "Parameters wf, pe and ou are required")
	}
	aocs := listParam(q, "aoc")
	if len(aocs) == 0 {
		aocs = []string{datavalue.DefaultOptionCombo}
	}
	var out []approvalTarget
	for _, wf := range wfs {
		if !e.catalog().Exists("dataApprovalWorkflows", wf) {
			return nil, errStatus(http.StatusConflict, "Approval workflow does not exist: %s", wf)
		}
		for _, pe := range pes {
			if _, err := period.Parse(pe); err != nil {
				return nil, errStatus(http.StatusConflict, "Illegal period identifier: %s", pe)
			}
			for _, ou := range ous {
				if !e.catalog().OrgUnitExists(ou) {
					return nil, errStatus(http.StatusConflict, "Organisation unit does not exist: %s", ou)
				}
				for _, aoc := range aocs {
					out = append(out, approvalTarget{wf, pe, ou, aoc})
				}
			}
		}
	}
	return out, nil
}

func (e *Emulator) approvalState(t approvalTarget) datavalue.Approval {
	a, ok := e.values.Approvals.Get(t.wf, t.pe, t.ou, t.aoc)
	if !ok {
		return datavalue.Approval{Workflow: t.wf, Period: t.pe, OrgUnit: t.ou, AttributeOptionCombo: t.aoc, State: stateUnapprovedReady}
	}
	return a
}

// approvalJSON is the body of GET /api/dataApprovals.
func (e *Emulator) approvalJSON(a datavalue.Approval) map[string]any {
	m := map[string]any{
		"state":        a.State,
		"mayApprove":   a.State == stateUnapprovedReady,
		"mayUnapprove": a.State == stateApprovedHere,
		"mayAccept":    a.State == stateApprovedHere,
		"mayUnaccept":  a.State == stateAcceptedHere,
		"mayReadData":  true,
	}
	if a.ApprovedBy != "" {
		m["approvedBy"] = a.ApprovedBy
		m["approvedAt"] = e.formatTime(a.ApprovedAt)
	}
	if a.AcceptedBy != "" {
		m["acceptedBy"] = a.AcceptedBy
		m["acceptedAt"] = e.formatTime(a.AcceptedAt)
	}
	return m
}

// getApproval serves GET /api/dataApprovals?wf=&pe=&ou=[&aoc=].
func (e *Emulator) getApproval(w http.ResponseWriter, r *http.Request) error {
	ts, err := e.approvalTargets(r.URL.Query())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, e.approvalJSON(e.approvalState(ts[0])))
}

// getApprovalList serves GET /api/dataApprovals/approvals: one entry per
// workflow, period, org unit and attribute option combo.
func (e *Emulator) getApprovalList(w http.ResponseWriter, r *http.Request) error {
	ts, err := e.approvalTargets(r.URL.Query())
	if err != nil {
		return err
	}
	out := make([]map[string]any, 0, len(ts))
	for _, t := range ts {
		a := e.approvalState(t)
		p := e.approvalJSON(a)
		state := p["state"]
		delete(p, "state")
		out = append(out, map[string]any{"wf": t.wf, "pe": t.pe, "ou": t.ou, "aoc": t.aoc, "state": state, "permissions": p})
	}
	return writeJSON(w, http.StatusOK, out)
}

// transition moves every target from one state to another; 409 when a
// target is not in a state the action allows.
func (e *Emulator) transition(r *http.Request, ts []approvalTarget, action string) error {
	user, now := userOf(r).Username, e.now()
	next := make([]datavalue.Approval, len(ts))
	for i, t := range ts {
		n, err := nextApproval(e.approvalState(t), action, user, now)
		if err != nil {
			return err
		}
		next[i] = n
	}
	for i, t := range ts {
		if next[i].State == stateUnapprovedReady {
			e.values.Approvals.Delete(t.wf, t.pe, t.ou, t.aoc)
		} else if err := e.values.Approvals.Put(next[i]); err != nil {
			return errStatus(http.StatusConflict, "%v", err)
		}
	}
	e.counts.update(func(c *WriteCounts) { c.Approvals += int64(len(ts)) })
	e.markDirty()
	return nil
}

func nextApproval(a datavalue.Approval, action, user string, now time.Time) (datavalue.Approval, error) {
	switch {
	case action == "approve" && a.State == stateUnapprovedReady:
		a.State, a.ApprovedBy, a.ApprovedAt = stateApprovedHere, user, now
	case action == "unapprove" && a.State == stateApprovedHere:
		a.State, a.ApprovedBy, a.ApprovedAt = stateUnapprovedReady, "", time.Time{}
	case action == "accept" && a.State == stateApprovedHere:
		a.State, a.AcceptedBy, a.AcceptedAt = stateAcceptedHere, user, now
	case action == "unaccept" && a.State == stateAcceptedHere:
		a.State, a.AcceptedBy, a.AcceptedAt = stateApprovedHere, "", time.Time{}
	default:
		return a, errStatus(http.StatusConflict, "Data cannot be %s in state %s (org unit %s, period %s)", pastTense(action), a.State, a.OrgUnit, a.Period)
	}
	return a, nil
}

func pastTense(action string) string {
	if strings.HasSuffix(action, "e") {
		return action + "d"
	}
	return action + "ed"
}

// approvalAction serves the single-target POST/DELETE endpoints
// (/api/dataApprovals, /api/dataAcceptances): 204 No Content.
func (e *Emulator) approvalAction(action string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ts, err := e.approvalTargets(r.URL.Query())
		if err != nil {
			return err
		}
		if err := e.transition(r, ts, action); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

// approvalBulk serves the bulk endpoints (/api/dataApprovals/approvals,
// /unapprovals, /api/dataAcceptances/acceptances, /unacceptances) with a
// body {"wf":[…],"pe":[…],"approvals":[{"ou":…,"aoc":…}]}.
func (e *Emulator) approvalBulk(action string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var body struct {
			WF        []string `json:"wf"`
			PE        []string `json:"pe"`
			Approvals []struct {
				OU  string `json:"ou"`
				AOC string `json:"aoc"`
			} `json:"approvals"`
		}
		if err := json.NewDecoder(io.LimitReader(r.Body, 16<<20)).Decode(&body); err != nil {
			return errStatus(http.StatusBadRequest, "Invalid approvals JSON: %v", err)
		}
		var ts []approvalTarget
		for _, a := range body.Approvals {
			q := url.Values{"wf": body.WF, "pe": body.PE, "ou": {a.OU}}
			if a.AOC != "" {
				q.Set("aoc", a.AOC)
			}
			more, err := e.approvalTargets(q)
			if err != nil {
				return err
			}
			ts = append(ts, more...)
		}
		if err := e.transition(r, ts, action); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}
