package syncer

import (
	"fmt"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator"
)

// TestDataCompanions replicates min-max values, lock exceptions and
// approvals (approved, then accepted) and verifies them.
func TestDataCompanions(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	t.Parallel()
	p := newDataPair(t, emulator.Options{Version: "2.40", Seed: "demo"}, emulator.Options{Version: "2.40"})
	const ds = "otbHGfz91nr"
	vals := sourceValues(t, p, ds, 40)
	// An approval workflow on the quarterly data set, before the metadata
	// copy.
	meta := `{"dataApprovalLevels":[{"id":"aprLevel001","name":"Facility approval","level":4}],
	"dataApprovalWorkflows":[{"id":"aprWorkfl01","name":"HIV quarterly approval","periodType":"Quarterly","dataApprovalLevels":[{"id":"aprLevel001"}]}]}`
	if code, body := post(t, p.src, "/api/metadata", meta); code != 200 {
		t.Fatalf("workflow: %d %s", code, body)
	}
	if code, body := patchJSONTo(t, p, true, "/api/dataSets/"+ds, `[{"op":"add","path":"/workflow","value":{"id":"aprWorkfl01"}}]`); code >= 300 {
		t.Fatalf("data set workflow: %d %s", code, body)
	}
	p.run(t, p.opts(ScopeMetadata))
	for i, v := range vals[:5] {
		mm := fmt.Sprintf(`{"min":%d,"max":%d,"generated":false,"source":{"id":%q},"dataElement":{"id":%q},"optionCombo":{"id":%q}}`, i, 100+i, v.OU, v.DE, v.COC)
		if code, body := post(t, p.src, "/api/minMaxDataElements", mm); code >= 300 {
			t.Fatalf("min-max: %d %s", code, body)
		}
		if code, body := post(t, p.src, fmt.Sprintf("/api/lockExceptions?ds=%s&pe=%s&ou=%s", ds, v.PE, v.OU), ""); code >= 300 {
			t.Fatalf("lock exception: %d %s", code, body)
		}
	}
	approved := 0
	for i, v := range vals[:6] {
		q := fmt.Sprintf("?wf=aprWorkfl01&pe=%s&ou=%s&aoc=%s", v.PE, v.OU, v.AOC)
		if code, body := post(t, p.src, "/api/dataApprovals"+q, ""); code >= 300 {
			if code == 409 {
				continue // the same unit, period and combo twice
			}
			t.Fatalf("approve: %d %s", code, body)
		}
		approved++
		if i%2 == 0 {
			if code, body := post(t, p.src, "/api/dataAcceptances"+q, ""); code >= 300 {
				t.Fatalf("accept: %d %s", code, body)
			}
		}
	}
	o := p.opts(ScopeData)
	o.Data.DataSets = []string{ds}
	// A dry run writes nothing and plans what the real run does.
	p.dst.ResetCounts()
	dry := o
	dry.DryRun = true
	preview := p.run(t, dry)
	if wc := p.dst.WriteCounts(); wc.Total() != 0 {
		t.Errorf("dry run wrote %+v", wc)
	}
	rep := p.run(t, o)
	requireEqual(t, rep, ScopeData)
	for _, typ := range []string{"dataValues", "completeDataSetRegistrations", "minMaxDataElements", "lockExceptions"} {
		want, got := stageOf(preview, ScopeData).Counts[typ], stageOf(rep, ScopeData).Counts[typ]
		if got.Created == 0 || want.Created != got.Created || want.Updated != got.Updated || want.Unchanged != got.Unchanged {
			t.Errorf("%s: the dry run planned %+v, the real run did %+v", typ, want, got)
		}
	}
	for typ, want := range map[string]int{"minMaxDataElements": 5, "lockExceptions": 5, "dataApprovals": approved} {
		got := verifyTotal(rep, ScopeData, typ)
		if got.Match != want || got.Source != want {
			t.Errorf("%s: %+v, want %d matching", typ, got, want)
		}
	}
	wc := p.dst.WriteCounts()
	if wc.MinMax != 5 || wc.LockExceptions != 5 || wc.Approvals < int64(approved) {
		t.Errorf("destination writes %+v", wc)
	}
	// Nothing more on a second run.
	p.dst.ResetCounts()
	requireEqual(t, p.run(t, o), ScopeData)
	if wc := p.dst.WriteCounts(); wc.Total() != 0 {
		t.Errorf("second run wrote %+v", wc)
	}
}
