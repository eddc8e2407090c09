package transform

import (
	"encoding/json"
	"testing"
)

func TestGeometryFixtures(t *testing.T) {
	t.Parallel()
	old := fixtureObject(t, sdkRes+"organisationunit/organisation_unit_with_feature_type_and_coordinates.json")
	p := Payload{"organisationUnits": {old}}
	if _, err := ToCanonical(p, v("2.31")); err != nil {
		t.Fatal(err)
	}
	got := p["organisationUnits"][0]
	want := map[string]any{"type": "Point", "coordinates": []any{json.Number("-11.6677"), json.Number("8.4165")}}
	assertLooseEqual(t, want, got["geometry"])
	for _, k := range []string{"featureType", "coordinates"} {
		if _, ok := got[k]; ok {
			t.Errorf("%s kept", k)
		}
	}
	// Same unit in the 2.32+ shape: same geometry type.
	newer := fixtureObject(t, sdkRes+"organisationunit/organisation_unit.json")
	if str(asMap(newer["geometry"]), "type") != "Point" {
		t.Fatalf("fixture changed: %v", newer["geometry"])
	}

	// Down then Up returns the canonical unit exactly. The SDK fixture
	// still has the ≤2.40 externalAccess flag: canonicalise it first.
	canon := Payload{"organisationUnits": {newer}}
	if _, err := ToCanonical(canon, v("2.40")); err != nil {
		t.Fatal(err)
	}
	q := Clone(canon)
	if _, err := FromCanonical(q, v("2.31")); err != nil {
		t.Fatal(err)
	}
	down := q["organisationUnits"][0]
	if down["featureType"] != "POINT" || down["coordinates"] != "[9.0,9.0]" {
		t.Errorf("down = featureType %v coordinates %v", down["featureType"], down["coordinates"])
	}
	if _, err := ToCanonical(q, v("2.31")); err != nil {
		t.Fatal(err)
	}
	assertLooseEqual(t, canon, q)
}

func TestGeometryShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, feature, coords string
		wantType              string
		warnings              int
	}{
		{"point", "POINT", "[-11.4,8.1]", "Point", 0},
		{"symbol", "SYMBOL", "[-11.4,8.1]", "Point", 1},
		{"polygon", "POLYGON", "[[[0,0],[1,0],[1,1],[0,0]]]", "Polygon", 0},
		{"multipolygon", "MULTI_POLYGON", "[[[[0,0],[1,0],[1,1],[0,0]]],[[[2,2],[3,2],[3,3],[2,2]]]]", "MultiPolygon", 0},
		{"polygon stored with multipolygon nesting", "POLYGON", "[[[[0,0],[1,0],[1,1],[0,0]]]]", "MultiPolygon", 1},
		{"none", "NONE", "", "", 0},
		{"garbage", "POINT", "[1,", "", 1},
		{"line", "POINT", "[[0,0],[1,1]]", "", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ou := map[string]any{"id": "ouAAAAAAAAA", "featureType": tc.feature}
			if tc.coords != "" {
				ou["coordinates"] = tc.coords
			}
			p := Payload{"organisationUnits": {ou}}
			rep, err := ToCanonical(p, v("2.30"))
			if err != nil {
				t.Fatal(err)
			}
			g := asMap(ou["geometry"])
			if str(g, "type") != tc.wantType {
				t.Errorf("geometry = %v, want type %q", g, tc.wantType)
			}
			if len(rep.Warnings) != tc.warnings {
				t.Errorf("warnings = %v, want %d", rep.Warnings, tc.warnings)
			}
			if tc.wantType == "" {
				return
			}
			if _, err := FromCanonical(p, v("2.30")); err != nil {
				t.Fatal(err)
			}
			if ou["coordinates"] != tc.coords {
				t.Errorf("round trip coordinates = %v, want %s", ou["coordinates"], tc.coords)
			}
		})
	}
}

func TestGeometryDownUnsupportedType(t *testing.T) {
	t.Parallel()
	p := Payload{"organisationUnits": {{"id": "ouAAAAAAAAA", "geometry": map[string]any{"type": "LineString", "coordinates": []any{}}}}}
	rep, err := FromCanonical(p, v("2.31"))
	if err != nil {
		t.Fatal(err)
	}
	ou := p["organisationUnits"][0]
	if ou["featureType"] != "NONE" || ou["geometry"] != nil || len(rep.Warnings) != 1 {
		t.Errorf("ou = %v, warnings = %v", ou, rep.Warnings)
	}
	// 2.32+ destinations are untouched.
	q := Payload{"organisationUnits": {{"id": "ouAAAAAAAAA", "geometry": map[string]any{"type": "Point", "coordinates": []any{1.5, 2.0}}}}}
	if _, err := FromCanonical(q, v("2.32")); err != nil {
		t.Fatal(err)
	}
	if q["organisationUnits"][0]["geometry"] == nil {
		t.Error("geometry removed for 2.32")
	}
}
