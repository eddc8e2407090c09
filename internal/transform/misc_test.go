package transform

import (
	"slices"
	"testing"
)

func TestMapViewsFixtures(t *testing.T) {
	t.Parallel()
	for _, f := range []string{
		"dhis2__dhis2-core/dhis-2/dhis-test-web-api/src/test/resources/metadata/metadata_map_mapview.json",
		coreInt + "map_new.json",
	} {
		t.Run(f, func(t *testing.T) {
			t.Parallel()
			canon := fixturePayload(t, f)
			p := Clone(canon)
			if _, err := FromCanonical(p, v("2.31")); err != nil {
				t.Fatal(err)
			}
			m := p["maps"][0]
			for _, e := range asSlice(m["mapViews"]) {
				if !isRef(asMap(e)) {
					t.Errorf("map view embedded for 2.31: %v", e)
				}
				find(t, p, "mapViews", refID(e))
			}
			if _, err := ToCanonical(p, v("2.31")); err != nil {
				t.Fatal(err)
			}
			assertLooseEqual(t, canon, p)
		})
	}
}

func TestMapViewsDuplicatesDropped(t *testing.T) {
	t.Parallel()
	full := map[string]any{"id": "mvAAAAAAAAA", "layer": "thematic", "opacity": 0.8}
	p := Payload{
		"maps":     {{"id": "mapAAAAAAAA", "mapViews": []any{Clone(full)}}},
		"mapViews": {Clone(full), {"id": "mvOrphanAAA", "layer": "boundary"}},
	}
	if _, err := ToCanonical(p, v("2.40")); err != nil {
		t.Fatal(err)
	}
	if len(p["mapViews"]) != 1 || objID(p["mapViews"][0]) != "mvOrphanAAA" {
		t.Errorf("top-level mapViews = %v, want only the orphan", p["mapViews"])
	}
	// A ≤2.31 payload: references resolved from top level.
	q := Payload{
		"maps":     {{"id": "mapAAAAAAAA", "mapViews": []any{ref("mvAAAAAAAAA"), ref("mvMissingAA")}}},
		"mapViews": {Clone(full)},
	}
	rep, err := ToCanonical(q, v("2.31"))
	if err != nil {
		t.Fatal(err)
	}
	views := asSlice(q["maps"][0]["mapViews"])
	assertLooseEqual(t, full, views[0])
	if _, ok := q["mapViews"]; ok || len(rep.Warnings) != 1 {
		t.Errorf("mapViews = %v, warnings = %v", q["mapViews"], rep.Warnings)
	}
}

func TestProgramsSDK229(t *testing.T) {
	t.Parallel()
	orig := fixturePayload(t, sdkAsset+"programs.json")
	p := Clone(orig)
	if _, err := ToCanonical(p, v("2.30")); err != nil {
		t.Fatal(err)
	}
	var stages int
	for _, prog := range p["programs"] {
		if _, ok := prog["captureCoordinates"]; ok {
			t.Errorf("program %s: captureCoordinates kept", objID(prog))
		}
		if ft := prog["featureType"]; ft != "NONE" && ft != "POINT" {
			t.Errorf("program %s: featureType = %v", objID(prog), ft)
		}
		for _, s := range asSlice(prog["programStages"]) {
			stage := asMap(s)
			stages++
			if vs := stage["validationStrategy"]; vs != "ON_COMPLETE" && vs != "ON_UPDATE_AND_INSERT" {
				t.Errorf("stage %s: validationStrategy = %v", objID(stage), vs)
			}
		}
	}
	if stages == 0 {
		t.Fatal("no nested program stages in the fixture")
	}
	if _, err := FromCanonical(p, v("2.30")); err != nil {
		t.Fatal(err)
	}
	assertLooseEqual(t, orig, p)
}

func TestProgramFeatureTypeDown(t *testing.T) {
	t.Parallel()
	tests := []struct {
		featureType string
		want        bool
		warnings    int
	}{{"NONE", false, 0}, {"POINT", true, 0}, {"POLYGON", true, 1}}
	for _, tc := range tests {
		p := Payload{
			"programs":      {{"id": "progAAAAAAA", "featureType": tc.featureType}},
			"programStages": {{"id": "stageAAAAAA", "validationStrategy": "ON_COMPLETE", "featureType": "POINT"}},
		}
		rep, err := FromCanonical(p, v("2.30"))
		if err != nil {
			t.Fatal(err)
		}
		prog, stage := p["programs"][0], p["programStages"][0]
		if prog["captureCoordinates"] != tc.want || prog["featureType"] != nil || len(rep.Warnings) != tc.warnings {
			t.Errorf("%s: program = %v, warnings %v", tc.featureType, prog, rep.Warnings)
		}
		if stage["validCompleteOnly"] != true || stage["featureType"] != "POINT" {
			t.Errorf("stage = %v (stage featureType exists on 2.30 and must stay)", stage)
		}
	}
}

func TestTranslationsDeduplicated(t *testing.T) {
	t.Parallel()
	tr := func(prop, loc, val string) map[string]any {
		return map[string]any{"property": prop, "locale": loc, "value": val}
	}
	p := Payload{"dataElements": {{
		"id":           "deAAAAAAAAA",
		"translations": []any{tr("NAME", "fr", "Poids"), tr("NAME", "fr", "Masse"), tr("NAME", "en", "Weight"), tr("SHORT_NAME", "fr", "Poids")},
	}}, "programs": {{"id": "progAAAAAAA", "programStages": []any{map[string]any{
		"id": "stageAAAAAA", "name": "S", "translations": []any{tr("NAME", "fr", "A"), tr("NAME", "fr", "B")},
	}}}}}
	for _, ver := range []string{"2.35", "2.42"} {
		q := Clone(p)
		rep, err := ToCanonical(q, v(ver))
		if err != nil {
			t.Fatal(err)
		}
		got := asSlice(q["dataElements"][0]["translations"])
		want := []any{tr("NAME", "fr", "Poids"), tr("NAME", "en", "Weight"), tr("SHORT_NAME", "fr", "Poids")}
		assertLooseEqual(t, want, got)
		nested := asSlice(asMap(asSlice(q["programs"][0]["programStages"])[0])["translations"])
		if len(nested) != 1 {
			t.Errorf("%s: nested translations = %v", ver, nested)
		}
		var props []string
		for _, w := range rep.Warnings {
			props = append(props, w.Property)
		}
		if !slices.Equal(props, []string{"translations", "programStages[0].translations"}) {
			t.Errorf("%s: warning properties = %v", ver, props)
		}
	}
}

func TestRegistryOrderAndApplied(t *testing.T) {
	t.Parallel()
	reg := Registry()
	names := map[string]bool{}
	for i, tr := range reg {
		if tr.Name == "" || tr.Doc == "" || tr.Gate < 30 {
			t.Errorf("transform %d incomplete: %+v", i, tr)
		}
		if names[tr.Name] {
			t.Errorf("duplicate transform name %s", tr.Name)
		}
		names[tr.Name] = true
		if i > 0 && reg[i-1].Gate > tr.Gate {
			t.Errorf("registry not sorted by gate at %s", tr.Name)
		}
	}
	up, err := ToCanonical(Payload{}, v("2.37"))
	if err != nil {
		t.Fatal(err)
	}
	down, err := FromCanonical(Payload{}, v("2.37"))
	if err != nil {
		t.Fatal(err)
	}
	// 2.37 is below the gates 38, 40, 41 and 42 only; of those, the 2.38
	// and 2.40 transforms have a Down (2.41/2.42 Ups repair, their Downs
	// are no-ops).
	wantDown := []string{"down:relative-periods", "down:event-visualizations", "down:user-credentials"}
	if !slices.Equal(down.Applied, wantDown) {
		t.Errorf("down applied = %v, want %v", down.Applied, wantDown)
	}
	if !slices.Contains(up.Applied, "up:user-credentials") || slices.Contains(up.Applied, "up:visualization-legend") {
		t.Errorf("up applied = %v", up.Applied)
	}
	// Between two 2.42 instances only the prunes and fills count: the
	// sharing.external prune and the properties 2.42 requires.
	var want []Loss
	for _, tr := range reg {
		if tr.Prune != nil || tr.Fill != nil {
			want = append(want, tr.Lossy...)
		}
	}
	if got := LossesBetween(v("2.42"), v("2.42")); !slices.Equal(got, want) || !slices.ContainsFunc(got, func(l Loss) bool { return l.Property == "sharing.external" }) {
		t.Errorf("LossesBetween(2.42, 2.42) = %v, want the prune and fill losses %v", got, want)
	}
}

// TestTranslationsDuplicatesInRealFixture uses a DHIS2 2.28 data element
// that really stored duplicate translations (BLSQ fixture, play.dhis2.org).
func TestTranslationsDuplicatesInRealFixture(t *testing.T) {
	t.Parallel()
	de := fixtureObject(t, "BLSQ__dhis2/spec/fixtures/2.28/find/data_elements.json")
	before := len(asSlice(de["translations"]))
	p := Payload{"dataElements": {de}}
	rep, err := ToCanonical(p, v("2.30"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[[2]string]bool{}
	for _, e := range asSlice(de["translations"]) {
		m := asMap(e)
		k := [2]string{str(m, "property"), str(m, "locale")}
		if seen[k] {
			t.Errorf("duplicate %v kept", k)
		}
		seen[k] = true
	}
	after := len(asSlice(de["translations"]))
	if after >= before || len(rep.Warnings) < before-after {
		t.Errorf("translations %d → %d with %d warnings", before, after, len(rep.Warnings))
	}
	// Lowering keeps the deduplicated list as is.
	q := Clone(p)
	if _, err := FromCanonical(q, v("2.30")); err != nil {
		t.Fatal(err)
	}
	assertLooseEqual(t, de["translations"], q["dataElements"][0]["translations"])
}

// TestReportFixture228 lifts a real 2.28 report pointing at a report table.
func TestReportFixture228(t *testing.T) {
	t.Parallel()
	orig := fixtureObject(t, "BLSQ__dhis2/spec/fixtures/2.28/find/reports.json")
	p := Payload{"reports": {Clone(orig)}}
	if _, err := ToCanonical(p, v("2.30")); err != nil {
		t.Fatal(err)
	}
	r := p["reports"][0]
	if refID(r["visualization"]) != "tWg9OiyV7mu" || r["reportTable"] != nil {
		t.Errorf("report = %v", r)
	}
	rp := asMap(r["reportParams"])
	if _, ok := rp["reportingPeriod"]; !ok || rp["paramReportingPeriod"] != nil {
		t.Errorf("reportParams = %v", rp)
	}
	if _, err := FromCanonical(p, v("2.30")); err != nil {
		t.Fatal(err)
	}
	want := Clone(orig)
	canon := Payload{"reports": {want}}
	// The legacy sharing fields round-trip through sharing{}; compare the
	// report-specific properties exactly.
	for _, k := range []string{"reportTable", "reportParams", "type", "relativePeriods"} {
		assertLooseEqual(t, map[string]any{k: canon["reports"][0][k]}, map[string]any{k: p["reports"][0][k]})
	}
}
