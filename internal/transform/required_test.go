package transform

import (
	"strings"
	"testing"
)

// TestRequiredFills checks each fill at its gate: nothing below it, the
// upgrade migration's value from it on, and existing values left alone.
func TestRequiredFills(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("Couverture vaccinale ", 3) // 63 characters
	tests := []struct {
		name      string
		in        Payload
		below, at string // versions just below and at the gate
		typ, prop string
		want      []any // values of prop per object at the gate (nil = absent)
	}{
		{"relationship type names", Payload{"relationshipTypes": {
			{"id": "relTypeAAA1", "name": "Mother of"},
			{"id": "relTypeAAA2", "name": "Sibling", "fromToName": "Sibling of"},
		}}, "2.31", "2.32", "relationshipTypes", "fromToName", []any{"Mother of", "Sibling of"}},
		{"category short names, cut and numbered", Payload{"categories": {
			{"id": "catAAAAAAA1", "name": long},
			{"id": "catAAAAAAA2", "name": long + "bis"},
			{"id": "catAAAAAAA3", "name": "Sexe", "shortName": "Sexe"},
		}}, "2.35", "2.36", "categories", "shortName", []any{long[:50], long[:49] + "1", "Sexe"}},
		{"group set short names", Payload{"categoryOptionGroupSets": {{"id": "cogsAAAAAA1", "name": "Partenaires"}}},
			"2.37", "2.38", "categoryOptionGroupSets", "shortName", []any{"Partenaires"}},
		{"predictor descendants", Payload{"predictors": {
			{"id": "predAAAAAA1", "name": "P1", "shortName": "P1"},
			{"id": "predAAAAAA2", "name": "P2", "shortName": "P2", "organisationUnitDescendants": "SELECTED"},
		}}, "2.37", "2.38", "predictors", "organisationUnitDescendants", []any{"DESCENDANTS", "SELECTED"}},
		{"predictor short names", Payload{"predictors": {{"id": "predAAAAAA1", "name": "Prévision ANC", "organisationUnitDescendants": "DESCENDANTS"}}},
			"2.38", "2.39", "predictors", "shortName", []any{"Prévision ANC"}},
		{"data set short names: missing and duplicate", Payload{"dataSets": {
			{"id": "dsAAAAAAAA1", "name": "Mensuel PEV", "shortName": "PEV"},
			{"id": "dsAAAAAAAA2", "name": "Mensuel PEV bis", "shortName": "PEV"},
			{"id": "dsAAAAAAAA3", "name": "Trimestriel"},
		}}, "2.39", "2.40", "dataSets", "shortName", []any{"PEV", "Mensuel PEV bis", "Trimestriel"}},
		{"tracked entity type short names", Payload{"trackedEntityTypes": {{"id": "tetAAAAAAA1", "name": "Personne"}}},
			"2.41", "2.42", "trackedEntityTypes", "shortName", []any{"Personne"}},
		{"program indicator combos", Payload{"programIndicators": {
			{"id": "piAAAAAAAA1", "name": "PI", "shortName": "PI"},
			{"id": "piAAAAAAAA2", "name": "PI 2", "shortName": "PI 2", "categoryCombo": ref("ccAAAAAAAA1")},
		}}, "2.41", "2.42", "programIndicators", "categoryCombo", []any{defaultCategoryCombo, "ccAAAAAAAA1"}},
		{"approval workflow combo from its data set", Payload{
			"dataApprovalWorkflows": {{"id": "wfAAAAAAAA1", "name": "W1"}, {"id": "wfAAAAAAAA2", "name": "W2"}},
			"dataSets":              {{"id": "dsAAAAAAAA1", "name": "DS", "shortName": "DS", "workflow": ref("wfAAAAAAAA1"), "categoryCombo": ref("ccAAAAAAAA1")}},
		}, "2.41", "2.42", "dataApprovalWorkflows", "categoryCombo", []any{"ccAAAAAAAA1", defaultCategoryCombo}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			before := Clone(tt.in)
			if _, err := FromCanonical(before, v(tt.below)); err != nil {
				t.Fatal(err)
			}
			for i, o := range before[tt.typ] {
				if _, has := tt.in[tt.typ][i][tt.prop]; !has && o[tt.prop] != nil {
					t.Errorf("%s: %s filled below the gate: %v", tt.below, tt.prop, o[tt.prop])
				}
			}
			at := Clone(tt.in)
			rep, err := FromCanonical(at, v(tt.at))
			if err != nil {
				t.Fatal(err)
			}
			for i, o := range at[tt.typ] {
				got := o[tt.prop]
				if id := refID(got); id != "" {
					got = id
				}
				if got != tt.want[i] {
					t.Errorf("%s: object %d %s = %v, want %v", tt.at, i, tt.prop, got, tt.want[i])
				}
			}
			if len(rep.Warnings) == 0 {
				t.Errorf("%s: no warning for the filled values", tt.at)
			}
			losses := LossesBetween(v(tt.below), v(tt.at))
			if _, ok := Documented(PropertyDiff{Type: tt.typ, Path: tt.prop, Kind: DiffExtra}, filterLosses(losses, tt.typ)); !ok {
				t.Errorf("the fill of %s.%s is not among LossesBetween(%s, %s)", tt.typ, tt.prop, tt.below, tt.at)
			}
		})
	}
}

// filterLosses keeps the losses of one type.
func filterLosses(ls []Loss, typ string) []Loss {
	var out []Loss
	for _, l := range ls {
		if l.Type == typ {
			out = append(out, l)
		}
	}
	return out
}

// TestUniqueValue follows UniqueValueUtils.addValue.
func TestUniqueValue(t *testing.T) {
	t.Parallel()
	taken := map[string]bool{"ANC": true, "ANC1": true, "abcde": true}
	tests := []struct{ in, want string }{
		{"BCG", "BCG"},
		{"ANC", "ANC2"},
		{"abcdefgh", "abcd1"}, // cut to 5, taken, then cut to make room for the number
		{"abcdefgh", "abcd2"}, // next number
		{"éèàùç€", "éèàùç"},   // characters, not bytes
	}
	for _, tt := range tests {
		if got := uniqueValue(tt.in, 5, taken); got != tt.want {
			t.Errorf("uniqueValue(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestRequiredFillsOnFixtures uses real payloads that lack the values a
// newer version requires: the 2.35 favourites fixture's category (no short
// name on 2.35) and the Android SDK's relationship types.
func TestRequiredFillsOnFixtures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file, from, to, typ, prop string
	}{
		{"dhis2__dhis2-core/dhis-2/dhis-services/dhis-service-dxf2/src/test/resources/dxf2/favorites/metadata_with_visualization_periods.json",
			"2.35", "2.36", "categories", "shortName"},
		{"dhis2__dhis2-android-sdk/core/src/sharedTest/resources/relationship/relationship_types.json",
			"2.31", "2.32", "relationshipTypes", "fromToName"},
	}
	for _, tt := range tests {
		t.Run(tt.typ, func(t *testing.T) {
			t.Parallel()
			p := fixturePayload(t, tt.file)
			if _, err := ToCanonical(p, v(tt.from)); err != nil {
				t.Fatal(err)
			}
			missing := 0
			for _, o := range p[tt.typ] {
				if isEmpty(o[tt.prop]) {
					missing++
				}
			}
			if missing == 0 {
				t.Fatalf("the fixture's %s all have %s; it no longer tests the fill", tt.typ, tt.prop)
			}
			if _, err := FromCanonical(p, v(tt.to)); err != nil {
				t.Fatal(err)
			}
			for _, o := range p[tt.typ] {
				if s, _ := o[tt.prop].(string); s == "" || len([]rune(s)) > 255 {
					t.Errorf("%s %s: %s = %v after lowering to %s", tt.typ, objID(o), tt.prop, o[tt.prop], tt.to)
				}
			}
		})
	}
}
