package syncer

import (
	"net/http"
	"strings"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator"
	"github.com/d2sync/d2sync/internal/transform"
)

// patchSource changes one property of an object on the source.
func patchSource(t *testing.T, p *pair, typ, uid, prop, value string) {
	t.Helper()
	body := `[{"op":"replace","path":"/` + prop + `","value":"` + value + `"}]`
	req := p.src.Request(t, http.MethodPatch, "/api/"+typ+"/"+uid, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json-patch+json")
	resp, err := p.src.HTTP.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		t.Fatalf("patch %s %s: HTTP %d", typ, uid, resp.StatusCode)
	}
}

func TestIncrementalCarriesChangesAndSkipsDeletesAfterErrors(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	t.Parallel()
	p := newPair(t, emulator.Options{Version: "2.40", Seed: "demo", SeedMetadataOnly: true}, emulator.Options{Version: "2.39"})
	first := p.sync(t, p.options())
	requireVerified(t, first)
	des := first.Plan.Type("dataElements").Create
	consts := first.Plan.Type("constants").Create

	patchSource(t, p, "dataElements", des[0].UID, "name", "Renamed on the source")
	deleteOnSource(t, p, "constants", []string{consts[0].UID})
	// The destination refuses every import of this run: the update fails,
	// so the pending deletion must not be applied.
	if err := p.dst.Faults().AddSpec("POST /api/metadata status=503 count=3"); err != nil {
		t.Fatal(err)
	}
	failed := p.sync(t, p.options())
	if !failed.Incremental || failed.Status == StatusSuccess {
		t.Fatalf("status %s, incremental %v: want a failed incremental run", failed.Status, failed.Incremental)
	}
	if c := p.dst.WriteCounts().Metadata["constants"]; c.Deleted != 0 {
		t.Fatalf("a deletion was applied in a run with errors")
	}
	skipped := false
	for _, w := range failed.Warnings {
		skipped = skipped || w.Code == "metadata.deletions.skipped"
	}
	if !skipped {
		t.Error("the skipped deletions are not reported")
	}

	// The next run (same cursor) applies both.
	rep := p.sync(t, p.options())
	requireVerified(t, rep)
	if rep.Status != StatusSuccess || !rep.Incremental {
		t.Fatalf("status %s: %v", rep.Status, rep.Failures)
	}
	c := rep.Stages[0].Counts
	if c["dataElements"].Updated != 1 || c["constants"].Deleted != 1 {
		t.Errorf("counts: dataElements %+v, constants %+v", c["dataElements"], c["constants"])
	}
	if tot := totals(rep); tot.Created != 0 || tot.Updated != 1 {
		t.Errorf("incremental run touched more than the change: %+v", tot)
	}
}

func TestSelectiveRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	t.Parallel()
	// The demo's data sets and their dependencies, and nothing else.
	p := demoPair(t, "2.41", emulator.Options{Version: "2.41"})
	o := p.options()
	o.Types = []string{"dataSets"}
	rep := p.sync(t, o)
	requireVerified(t, rep)
	if rep.Status != StatusSuccess {
		t.Fatalf("status %s: %v", rep.Status, rep.Failures)
	}
	w := p.dst.WriteCounts().Metadata
	if w["dataSets"].Created == 0 || w["dataElements"].Created == 0 || w["categoryCombos"].Created == 0 {
		t.Errorf("data sets or their dependencies missing: %+v", w)
	}
	for _, typ := range []string{"programs", "dashboards", "visualizations", "predictors"} {
		if w[typ].Created != 0 {
			t.Errorf("%s copied by a data set selection", typ)
		}
	}

	// One program with its dependencies.
	p2 := demoPair(t, "2.41", emulator.Options{Version: "2.41"})
	all := p2.sync(t, Options{Source: p2.srcCl, Dest: p2.dstCl, DryRun: true})
	prog := all.Plan.Type("programs").Create[0].UID
	o2 := p2.options()
	o2.Objects = []ObjectRef{{Type: "programs", UID: prog}}
	rep2 := p2.sync(t, o2)
	requireVerified(t, rep2)
	if got := p2.dst.WriteCounts().Metadata["programs"].Created; got != 1 {
		t.Errorf("%d programs created, want 1", got)
	}

	// An org unit subtree: the region, its districts and facilities, and
	// the objects assigned to them, with references outside removed.
	p3 := demoPair(t, "2.41", emulator.Options{Version: "2.41"})
	src, err := exportTypes(t.Context(), mustConnect(t, p3), exportRequest{Types: []string{"organisationUnits"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	region := ""
	for _, ou := range src["organisationUnits"] {
		if path, _ := ou["path"].(string); strings.Count(path, "/") == 2 {
			region = uidOf(ou)
			break
		}
	}
	o3 := p3.options()
	o3.OrgUnit = region
	rep3 := p3.sync(t, o3)
	requireVerified(t, rep3)
	created := p3.dst.WriteCounts().Metadata["organisationUnits"].Created
	if created < 10 || created > int64(len(src["organisationUnits"]))/2 {
		t.Errorf("%d org units created for one region of %d", created, len(src["organisationUnits"]))
	}
	_ = transform.Payload{}
}

func mustConnect(t *testing.T, p *pair) *Instance {
	t.Helper()
	in, err := Connect(t.Context(), RoleSource, p.srcCl, false, true)
	if err != nil {
		t.Fatal(err)
	}
	return in
}
