package transform

import (
	"encoding/json"
	"testing"
)

func TestCanonicalJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   any
		want string
	}{
		{map[string]any{"b": json.Number("1.0"), "a": []any{true, nil, "x"}}, `{"a":[true,null,"x"],"b":1}`},
		{map[string]any{"n": 1.0, "m": json.Number("1"), "f": 0.1, "g": json.Number("0.10"), "e": json.Number("1e3")}, `{"e":1000,"f":0.1,"g":0.1,"m":1,"n":1}`},
		{[]map[string]any{{"z": "é<&>"}}, `[{"z":"\u00e9\u003c\u0026\u003e"}]`},
		{Payload{"dataElements": {{"id": "a"}}}, `{"dataElements":[{"id":"a"}]}`},
	}
	for _, tc := range tests {
		got := string(CanonicalJSON(tc.in))
		if tc.want == `[{"z":"\u00e9\u003c\u0026\u003e"}]` {
			// encoding/json escapes <, > and & but not é: compare decoded.
			var a, b any
			_ = json.Unmarshal([]byte(got), &a)
			_ = json.Unmarshal([]byte(tc.want), &b)
			if mustJSON(a) != mustJSON(b) {
				t.Errorf("CanonicalJSON(%v) = %s", tc.in, got)
			}
			continue
		}
		if got != tc.want {
			t.Errorf("CanonicalJSON(%v) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// TestHashUnmutatedCopiesEqual hashes the projection of every object of
// every metadata fixture twice (a deep copy, and a float64-decoded copy
// with shuffled reference arrays): the hashes must agree.
func TestHashUnmutatedCopiesEqual(t *testing.T) {
	t.Parallel()
	n := 0
	for _, f := range metadataFixtures(t) {
		for typ, objs := range f.payload {
			for _, o := range objs {
				a := Hash(Project(typ, o))
				b := Hash(Project(typ, Clone(o)))
				var floats map[string]any
				if err := json.Unmarshal(CanonicalJSON(o), &floats); err != nil {
					t.Fatal(err)
				}
				reverseRefArrays(floats)
				c := Hash(Project(typ, floats))
				if a != b || a != c {
					t.Fatalf("%s %s %s: hashes differ for equal copies\n%s\n%s", f.rel, typ, objID(o),
						CanonicalJSON(Project(typ, o)), CanonicalJSON(Project(typ, floats)))
				}
				n++
			}
		}
	}
	t.Logf("%d fixture objects hashed", n)
}

// reverseRefArrays reverses every array made only of references (DHIS2
// sets, exported in storage order) anywhere in v.
func reverseRefArrays(v any) {
	switch x := v.(type) {
	case map[string]any:
		for _, e := range x {
			reverseRefArrays(e)
		}
	case []any:
		all := len(x) > 0
		for _, e := range x {
			if m := asMap(e); m == nil || !isRef(m) {
				all = false
			}
			reverseRefArrays(e)
		}
		if all {
			for i, j := 0, len(x)-1; i < j; i, j = i+1, j-1 {
				x[i], x[j] = x[j], x[i]
			}
		}
	}
}

// dataSetFixture returns a real data set (DHIS2 test fixture) with a
// category combo reference and a user group access added, so that every
// rule has something to act on.
func dataSetFixture(t *testing.T) map[string]any {
	t.Helper()
	p := fixturePayload(t, coreInt+"dataset_with_accesses_update.json")
	ds := find(t, p, "dataSets", "em8Bg4LCr5k")
	ds["categoryCombo"] = map[string]any{"id": "bjDvmb4bfuf"}
	sh := asMap(ds["sharing"])
	if sh == nil {
		t.Fatal("fixture data set has no sharing")
	}
	sh["userGroups"] = map[string]any{"fvz8d3u6jFd": map[string]any{"id": "fvz8d3u6jFd", "access": "rwrw----"}}
	return ds
}

func TestProjectIgnoresDestinationRewrites(t *testing.T) {
	t.Parallel()
	ds := dataSetFixture(t)
	base := Hash(Project("dataSets", ds))
	rewrites := []struct {
		name   string
		mutate func(o map[string]any)
	}{
		{"lastUpdated", func(o map[string]any) { o["lastUpdated"] = "2030-01-01T00:00:00.000" }},
		{"lastUpdatedBy", func(o map[string]any) { o["lastUpdatedBy"] = ref("someoneAAAA") }},
		{"href", func(o map[string]any) { o["href"] = "https://dest/api/dataSets/em8Bg4LCr5k" }},
		{"access", func(o map[string]any) { o["access"] = map[string]any{"read": true} }},
		{"displayName", func(o map[string]any) { o["displayName"], o["displayShortName"] = "x", "y" }},
		{"creator", func(o map[string]any) { o["user"], o["createdBy"] = ref("importerAAA"), ref("importerAAA") }},
		{"favorites", func(o map[string]any) { o["favorite"], o["favorites"] = true, []any{"u"} }},
		{"nested ref names", func(o map[string]any) {
			asMap(o["categoryCombo"])["name"] = "Gender"
			asMap(o["categoryCombo"])["displayName"] = "Gender"
		}},
		{"empty arrays and nulls", func(o map[string]any) { o["indicators"], o["code"] = []any{}, nil }},
		{"false booleans absent", func(o map[string]any) { delete(o, "mobile"); delete(o, "renderAsTabs") }},
		{"sharing entry names", func(o map[string]any) {
			for _, e := range asMap(asMap(o["sharing"])["userGroups"]) {
				asMap(e)["displayName"] = "Group"
			}
		}},
		{"sharing external false dropped", func(o map[string]any) { delete(asMap(o["sharing"]), "external") }},
		{"number representation", func(o map[string]any) { o["version"] = 4.0 }},
		{"reference set order", func(o map[string]any) {
			o["organisationUnits"] = []any{ref("zzzzzzzzzzz"), ref("x3gVvpbVgqy")}
		}},
	}
	// The last case changes the set: compare against the same set in
	// another order.
	for _, rw := range rewrites {
		t.Run(rw.name, func(t *testing.T) {
			t.Parallel()
			o := Clone(ds)
			rw.mutate(o)
			want := base
			if rw.name == "reference set order" {
				ref := Clone(ds)
				ref["organisationUnits"] = []any{ref2("x3gVvpbVgqy"), ref2("zzzzzzzzzzz")}
				want = Hash(Project("dataSets", ref))
			}
			if got := Hash(Project("dataSets", o)); got != want {
				t.Errorf("hash changed; diff: %v", Diff(Project("dataSets", ds), Project("dataSets", o)))
			}
		})
	}
}

func ref2(id string) map[string]any { return map[string]any{"id": id, "name": "n"} }

func TestDiffDetectsRealChangesWithPath(t *testing.T) {
	t.Parallel()
	ds := dataSetFixture(t)
	groupID := ""
	for id := range asMap(asMap(ds["sharing"])["userGroups"]) {
		groupID = id
	}
	if groupID == "" {
		t.Fatal("fixture data set has no user group sharing")
	}
	tests := []struct {
		name     string
		typ      string
		obj      map[string]any
		mutate   func(o map[string]any)
		wantPath string
		wantKind DiffKind
	}{
		{"changed value", "dataSets", ds, func(o map[string]any) { o["timelyDays"] = json.Number("16") }, "timelyDays", DiffChanged},
		{"sharing access", "dataSets", ds, func(o map[string]any) {
			asMap(asMap(asMap(o["sharing"])["userGroups"])[groupID])["access"] = "r-------"
		}, "sharing.userGroups." + groupID + ".access", DiffChanged},
		{"deleted element", "dataSets", ds, func(o map[string]any) { o["organisationUnits"] = []any{} }, "organisationUnits", DiffMissing},
		{"deleted one of two", "dataSets", withOrgUnits(ds, "x3gVvpbVgqy", "yyyyyyyyyyy"), func(o map[string]any) {
			o["organisationUnits"] = []any{ref("yyyyyyyyyyy")}
		}, "organisationUnits[x3gVvpbVgqy]", DiffMissing},
		{"stray property", "dataSets", ds, func(o map[string]any) { o["strayProperty"] = "x" }, "strayProperty", DiffExtra},
		{"true boolean dropped", "dataSets", ds, func(o map[string]any) { o["mobile"] = true }, "mobile", DiffExtra},
		{"true-default boolean set false", "programStages", map[string]any{"id": "s"}, func(o map[string]any) {
			o["autoGenerateEvent"] = false
		}, "autoGenerateEvent", DiffExtra},
		{"ordered list order", "visualizations", map[string]any{"id": "v", "columnDimensions": []any{"dx", "pe"}},
			func(o map[string]any) { o["columnDimensions"] = []any{"dx", "ou"} }, "columnDimensions[1]", DiffChanged},
		{"data set element removed", "dataSets", ds, func(o map[string]any) {
			o["dataSetElements"] = asSlice(o["dataSetElements"])[:1]
		}, "dataSetElements[", DiffMissing},
		{"owner changed", "dataSets", ds, func(o map[string]any) { asMap(o["sharing"])["owner"] = "otherAAAAAA" }, "sharing.owner", DiffChanged},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := Clone(tc.obj)
			b := Clone(tc.obj)
			tc.mutate(b)
			if Hash(Project(tc.typ, a)) == Hash(Project(tc.typ, b)) {
				t.Fatal("hash did not change")
			}
			ds := DiffObjects(tc.typ, a, b)
			if tc.name == "ordered list order" {
				// Swapping order is a difference too (two positions change).
				swapped := Clone(a)
				swapped["columnDimensions"] = []any{"pe", "dx"}
				if Hash(Project(tc.typ, a)) == Hash(Project(tc.typ, swapped)) {
					t.Error("order of an ordered list ignored")
				}
			}
			if len(ds) != 1 {
				t.Fatalf("diffs = %v, want exactly one", ds)
			}
			d := ds[0]
			if d.Type != tc.typ || d.Kind != tc.wantKind || (d.Path != tc.wantPath && !(tc.wantPath[len(tc.wantPath)-1] == '[' && len(d.Path) > len(tc.wantPath) && d.Path[:len(tc.wantPath)] == tc.wantPath)) {
				t.Errorf("diff = %+v, want %s at %s", d, tc.wantKind, tc.wantPath)
			}
		})
	}
}

func withOrgUnits(o map[string]any, ids ...string) map[string]any {
	c := Clone(o)
	var refs []any
	for _, id := range ids {
		refs = append(refs, ref(id))
	}
	c["organisationUnits"] = refs
	return c
}

func TestDocumented(t *testing.T) {
	t.Parallel()
	losses := LossesBetween(v("2.40"), v("2.42"))
	tests := []struct {
		d    PropertyDiff
		want bool
	}{
		{PropertyDiff{Type: "dataSets", Path: "sharing.external", Kind: DiffMissing}, true},
		{PropertyDiff{Type: "dataSets", Path: "sharing.public", Kind: DiffChanged}, false},
		{PropertyDiff{Type: "dataSets", Path: "sharing", Kind: DiffMissing}, false},
		{PropertyDiff{Type: "users", Path: "userCredentials.id", Kind: DiffMissing}, false}, // 2.40 → 2.42 loses no credentials
	}
	for _, tc := range tests {
		if _, got := Documented(tc.d, losses); got != tc.want {
			t.Errorf("Documented(%v) = %v, want %v", tc.d, got, tc.want)
		}
	}
	old := LossesBetween(v("2.35"), v("2.42"))
	if l, ok := Documented(PropertyDiff{Type: "visualizations", Path: "legend.showKey"}, LossesBetween(v("2.42"), v("2.36"))); !ok || l.Property != "legend" {
		t.Errorf("legend.showKey not documented by the 2.37 legend loss: %v", l)
	}
	if _, ok := Documented(PropertyDiff{Type: "users", Path: "userCredentials.id"}, old); !ok {
		t.Error("userCredentials.id not documented for 2.35 → 2.42")
	}
	if _, ok := Documented(PropertyDiff{Type: "visualizations", Path: "legend.showKey"}, old); !ok {
		t.Error("legend loss not documented for 2.35 → 2.42")
	}
}

func TestProjectTracker(t *testing.T) {
	t.Parallel()
	te := map[string]any{
		"trackedEntity": "teAAAAAAAAA", "orgUnit": "ouAAAAAAAAA", "createdAt": "2020", "updatedAt": "2021",
		"attributes": []any{
			map[string]any{"attribute": "bbbbbbbbbbb", "value": "2", "createdAt": "x", "displayName": "B", "valueType": "TEXT"},
			map[string]any{"attribute": "aaaaaaaaaaa", "value": "1"},
		},
		"enrollments": []any{map[string]any{"enrollment": "enAAAAAAAAA", "updatedAt": "2022", "notes": []any{
			map[string]any{"note": "n2", "value": "b", "storedAt": "t"}, map[string]any{"note": "n1", "value": "a"},
		}}},
	}
	other := Clone(te)
	other["createdAt"], other["updatedAt"] = "2025", "2026"
	attrs := asSlice(other["attributes"])
	attrs[0], attrs[1] = attrs[1], attrs[0]
	asMap(asSlice(other["enrollments"])[0])["updatedAt"] = "2027"
	if Hash(Project("trackedEntities", te)) != Hash(Project("trackedEntities", other)) {
		t.Errorf("tracker projection differs: %v", DiffObjects("trackedEntities", te, other))
	}
	asMap(attrs[0])["value"] = "9"
	ds := DiffObjects("trackedEntities", te, other)
	if len(ds) != 1 || ds[0].Path != "attributes[aaaaaaaaaaa].value" {
		t.Errorf("diffs = %v", ds)
	}
}
