package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/d2sync/d2sync/internal/syncer"
)

// TestVerifierCatchesCorruption is R-18: after a clean sync, four
// corruptions made through the destination's API (a changed field, a
// deleted object, a stray org unit, a flipped sharing access) are each
// found by d2sync verify — exactly differ=2, missing=1, extra=1, exit 3 —
// while an unmutated twin destination verifies clean with exit 0.
func TestVerifierCatchesCorruption(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	t.Parallel()
	src := demoSource(t, "2.40")
	mutated := newPair(t, src, blankDest(t, "2.41"))
	twin := newPair(t, src, blankDest(t, "2.41"))
	var plan *syncer.Plan
	for _, p := range []*pair{mutated, twin} {
		res, rep := p.sync(t)
		requireSynced(t, res, rep)
		plan = rep.Plan
	}

	de := firstCreated(t, plan, "dataElements")
	view := firstCreated(t, plan, "sqlViews")
	ds := firstCreated(t, plan, "dataSets")
	stray := "zzStrayOU01"
	d := mutated.dst
	apiOK(t, d, http.MethodPatch, "/api/dataElements/"+de, `[{"op":"replace","path":"/name","value":"Corrupted on the destination"}]`)
	apiOK(t, d, http.MethodDelete, "/api/sqlViews/"+view, "")
	root := rootOrgUnit(t, mutated)
	apiOK(t, d, http.MethodPost, "/api/organisationUnits",
		fmt.Sprintf(`{"id":%q,"name":"Stray unit","shortName":"Stray unit","openingDate":"2020-01-01","parent":{"id":%q}}`, stray, root))
	flipPublicSharing(t, mutated, ds)

	res, rep := mutated.verify(t)
	if res.code != 3 || rep == nil || rep.Status != syncer.StatusPartial {
		t.Fatalf("verify after corruption: want exit 3 and PARTIAL\n%s", res)
	}
	tot := rep.Verification.Totals()
	if tot.Differ != 2 || tot.Missing != 1 || tot.Extra != 1 {
		t.Errorf("verify totals: differ=%d missing=%d extra=%d, want 2, 1, 1\n%s", tot.Differ, tot.Missing, tot.Extra, res.stdout)
	}
	want := map[string]string{"differ " + de: "dataElements", "missing " + view: "sqlViews", "extra " + stray: "organisationUnits", "differ " + ds: "dataSets"}
	for _, it := range rep.Verification.Items {
		for _, det := range it.Details {
			if det.Kind == "documented" {
				continue
			}
			key := det.Kind + " " + det.UID
			if want[key] != it.Type {
				t.Errorf("unexpected finding %s %s/%s %v", det.Kind, it.Scope, it.Type, det.Paths)
			}
			delete(want, key)
		}
	}
	for k, typ := range want {
		t.Errorf("verify did not report %s (%s)", k, typ)
	}
	for _, line := range []string{"* metadata/dataElements " + de, "+ metadata/sqlViews " + view, "- metadata/organisationUnits " + stray, "* metadata/dataSets " + ds} {
		if !strings.Contains(res.stdout, line) {
			t.Errorf("verify output lacks %q", line)
		}
	}

	res, rep = twin.verify(t)
	if res.code != 0 || rep.Status != syncer.StatusSuccess {
		t.Fatalf("unmutated twin: want exit 0\n%s", res)
	}
	if tot := rep.Verification.Totals(); tot.Differ+tot.Missing+tot.Extra != 0 || tot.Match == 0 {
		t.Errorf("unmutated twin: false positives %+v", tot)
	}
}

// firstCreated returns the first UID of a type the plan created.
func firstCreated(t *testing.T, plan *syncer.Plan, typ string) string {
	t.Helper()
	tp := plan.Type(typ)
	if len(tp.Create) == 0 {
		t.Fatalf("the sync created no %s", typ)
	}
	return tp.Create[0].UID
}

// rootOrgUnit returns the UID of a level-1 org unit of the destination.
func rootOrgUnit(t *testing.T, p *pair) string {
	t.Helper()
	body := apiOK(t, p.dst, http.MethodGet, "/api/organisationUnits?filter=level:eq:1&fields=id&paging=false", "")
	var list struct {
		OrganisationUnits []struct{ ID string } `json:"organisationUnits"`
	}
	if err := json.Unmarshal(body, &list); err != nil || len(list.OrganisationUnits) == 0 {
		t.Fatalf("no root org unit on the destination (%v): %s", err, tail(string(body), 300))
	}
	return list.OrganisationUnits[0].ID
}

// flipPublicSharing changes the public access of a destination data set:
// rw------ becomes r------- and anything else becomes rw------.
func flipPublicSharing(t *testing.T, p *pair, uid string) {
	t.Helper()
	body := apiOK(t, p.dst, http.MethodGet, "/api/dataSets/"+uid+"?fields=sharing", "")
	var obj struct {
		Sharing struct {
			Public string `json:"public"`
		} `json:"sharing"`
	}
	if err := json.Unmarshal(body, &obj); err != nil {
		t.Fatalf("data set sharing: %v", err)
	}
	next := "rw------"
	if obj.Sharing.Public == next {
		next = "r-------"
	}
	apiOK(t, p.dst, http.MethodPatch, "/api/dataSets/"+uid, fmt.Sprintf(`[{"op":"replace","path":"/sharing/public","value":%q}]`, next))
}
