package syncer

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/d2sync/d2sync/internal/dhis2"
	"github.com/d2sync/d2sync/internal/transform"
)

// testInstance builds an Instance of the given version whose schemas know
// the given properties per type.
func testInstance(t *testing.T, version string, props map[string][]string) *Instance {
	t.Helper()
	var list []map[string]any
	for typ, keys := range props {
		var ps []map[string]any
		for _, k := range keys {
			ps = append(ps, map[string]any{"name": k, "propertyType": "TEXT", "owner": true, "persisted": true})
		}
		list = append(list, map[string]any{"klass": "x." + typ, "plural": typ, "singular": strings.TrimSuffix(typ, "s"),
			"metadata": true, "persisted": true, "relativeApiEndpoint": "/" + typ, "properties": ps})
	}
	body, _ := json.Marshal(map[string]any{"schemas": list})
	ss, err := ParseSchemas(strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	return &Instance{Role: RoleDest, Info: &dhis2.SystemInfo{Version: dhis2.MustParseVersion(version), VersionString: version}, Schemas: ss}
}

func TestPlanAndVerifyAcrossVersions(t *testing.T) {
	t.Parallel()
	de := func(id, name string, external bool) map[string]any {
		return map[string]any{"id": id, "name": name, "shortName": name, "valueType": "NUMBER", "newIn242": "x",
			"sharing": map[string]any{"public": "rw------", "external": external, "owner": "M5zQapPyTZI"}}
	}
	baseline := transform.Payload{"dataElements": {de(uid("de1"), "ANC 1", true), de(uid("de2"), "ANC 2", false)}}
	dest := testInstance(t, "2.41.1", map[string][]string{"dataElements": {"name", "shortName", "valueType", "sharing"}})
	conv, err := convertForDest(baseline, dest)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := conv.destShape["dataElements"][0]["newIn242"]; ok {
		t.Error("a property unknown to the destination was not dropped")
	}
	if len(conv.warnings) == 0 {
		t.Error("dropping an unknown property must warn")
	}
	if ext := conv.destShape["dataElements"][0]["sharing"].(map[string]any)["external"]; ext != nil {
		t.Errorf("sharing.external sent to 2.41: %v", ext)
	}
	// What a 2.41 destination holds after a first sync of de1 (no external,
	// no unknown property), plus an object the source does not have.
	held := func(id, name string) map[string]any {
		return map[string]any{"id": id, "name": name, "shortName": name, "valueType": "NUMBER",
			"sharing": map[string]any{"public": "rw------", "owner": "M5zQapPyTZI"}, "lastUpdated": "2026-01-01T00:00:00.000"}
	}
	destNow := transform.Payload{"dataElements": {held(uid("de1"), "ANC 1"), held(uid("de3"), "Stray")}}
	cmp := comparer{policy: UsersCreateDisabled}
	plan := buildPlan([]string{"dataElements"}, conv.expected, destNow, cmp)
	tp := plan.Type("dataElements")
	if len(tp.Create) != 1 || tp.Create[0].UID != uid("de2") || len(tp.Unchanged) != 1 || len(tp.Update) != 0 {
		t.Fatalf("plan = %+v, want de2 created and de1 unchanged", tp)
	}
	items := verifyMetadata(verifyInput{types: []string{"dataElements"}, baseline: baseline, expected: conv.expected, dest: destNow,
		full: true, cmp: cmp, losses: transform.LossesBetween(dhis2.MustParseVersion("2.39"), dest.Version())})
	it := items[0]
	if it.Documented != 1 || it.Missing != 1 || it.Extra != 1 || it.Differ != 0 || it.Match != 0 || it.Source != 2 || it.Dest != 2 {
		t.Fatalf("verification = %+v", it)
	}
	for _, d := range it.Details {
		if d.Kind == "documented" && !strings.Contains(d.Note, "sharing.external") {
			t.Errorf("documented note %q does not name sharing.external", d.Note)
		}
	}
	// A real difference on the destination is an update and a "differ".
	destNow["dataElements"][0]["name"] = "ANC 1 (edited)"
	plan = buildPlan([]string{"dataElements"}, conv.expected, destNow, cmp)
	if tp := plan.Type("dataElements"); len(tp.Update) != 1 || tp.Update[0].SrcHash == tp.Update[0].DestHash {
		t.Fatalf("plan = %+v, want one update with different hashes", tp)
	}
	items = verifyMetadata(verifyInput{types: []string{"dataElements"}, baseline: baseline, expected: conv.expected, dest: destNow, full: true, cmp: cmp})
	if it := items[0]; it.Differ != 1 || it.Details[0].Kind != "differ" || !contains(it.Details[0].Paths, "name") {
		t.Fatalf("verification = %+v, want one differ on name", it)
	}
}

func TestPlanProtectedObjects(t *testing.T) {
	t.Parallel()
	me := "M5zQapPyTZI"
	expected := transform.Payload{"users": {{"id": me, "username": "admin", "firstName": "Source"}}}
	dest := transform.Payload{"users": {{"id": me, "username": "admin", "firstName": "Destination"}}}
	cmp := comparer{protected: map[string]bool{me: true}}
	if tp := buildPlan([]string{"users"}, expected, dest, cmp).Type("users"); len(tp.Update) != 0 || len(tp.Unchanged) != 1 {
		t.Fatalf("the destination's own user must never be updated: %+v", tp)
	}
	items := verifyMetadata(verifyInput{types: []string{"users"}, baseline: expected, expected: expected, dest: dest, full: true, cmp: cmp})
	if items[0].Documented != 1 || items[0].Differ != 0 {
		t.Fatalf("verification = %+v", items[0])
	}
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// TestPlanCreatedDiffers checks that a creation date differing on the
// destination is an update and, left unfixed, a "differ": DHIS2 applies
// the payload's created on update as on create, so nothing excuses it.
func TestPlanCreatedDiffers(t *testing.T) {
	t.Parallel()
	obj := func(created string) map[string]any {
		return map[string]any{"id": uid("de1"), "name": "ANC 1", "shortName": "ANC 1", "created": created}
	}
	expected := transform.Payload{"dataElements": {obj("2019-05-06T07:08:09.123")}}
	dest := transform.Payload{"dataElements": {obj("2026-01-01T00:00:00.000")}}
	cmp := comparer{policy: UsersCreateDisabled}
	if tp := buildPlan([]string{"dataElements"}, expected, dest, cmp).Type("dataElements"); len(tp.Update) != 1 {
		t.Fatalf("plan = %+v, want one update carrying the source's created", tp)
	}
	items := verifyMetadata(verifyInput{types: []string{"dataElements"}, baseline: expected, expected: expected, dest: dest, full: true, cmp: cmp})
	if it := items[0]; it.Differ != 1 || it.Documented != 0 || !contains(it.Details[0].Paths, "created") {
		t.Fatalf("verification = %+v, want one differ on created", it)
	}
}
