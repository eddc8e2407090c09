package metadata

import (
	"fmt"
	"strings"
	"testing"
)

// periodsPayload is a visualization with relative periods set as flags and
// named in its columns (a relative and an ISO period), and a map whose
// view names its period in its filters.
const periodsPayload = `{"visualizations":[{"id":"perVisual01","name":"Periods","type":"COLUMN",
  "relativePeriods":{"last4Quarters":true,"thisYear":false},
  "columns":[{"dimension":"pe","items":[{"id":"LAST_MONTH"},{"id":"202401"}]}]}],
 "maps":[{"id":"perMapAaa01","name":"Map","mapViews":[{"id":"perMapView1","layer":"thematic","renderingStrategy":"SINGLE",
  "filters":[{"dimension":"pe","items":[{"id":"LAST_3_MONTHS"}]}]}]}]}`

// TestRelativePeriodsStorage follows relative periods through an import
// and the exports of each version (periods.go).
func TestRelativePeriodsStorage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		version string
		// owner is the visualization's period property in a :owner export
		// (relativePeriods true flags, or rawPeriods), "" when absent.
		owner string
		// all is relativePeriods' true flags with fields=* ("" = absent).
		all string
		// mapView is the map view's periods in the map's :owner export.
		mapView string
	}{
		{"2.38", "relativePeriods=last4Quarters", "last4Quarters", ""},
		{"2.39", "", "lastMonth,last4Quarters", ""},
		{"2.40", "rawPeriods=LAST_MONTH,202401,LAST_4_QUARTERS", "lastMonth,last4Quarters", "LAST_3_MONTHS"},
		{"2.42", "rawPeriods=LAST_MONTH,202401,LAST_4_QUARTERS", "lastMonth,last4Quarters", "LAST_3_MONTHS"},
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			t.Parallel()
			s := newBareStore(t, tt.version)
			if rep := importJSON(t, s, []byte(periodsPayload)); rep.Status != StatusOK {
				t.Fatalf("import: %s", errorSummary(rep))
			}
			owner := exportMap(t, s, ExportParams{Fields: ":owner"})
			vis := owner["visualizations"].([]any)[0].(map[string]any)
			if got := periodsOf(vis); got != tt.owner {
				t.Errorf(":owner export: %q, want %q", got, tt.owner)
			}
			if rp, ok := vis["relativePeriods"].(map[string]any); ok && len(rp) != len(flagsObject(nil, s.schemas.minor)) {
				t.Errorf("relativePeriods has %d flags, want every flag of the version", len(rp))
			}
			all := get(t, s, "visualizations", "perVisual01", "*")
			if got := trueFlagList(all["relativePeriods"]); got != tt.all {
				t.Errorf("fields=* relativePeriods: %q, want %q", got, tt.all)
			}
			mv := owner["maps"].([]any)[0].(map[string]any)["mapViews"].([]any)[0].(map[string]any)
			if got := strings.Join(stringList(mv["rawPeriods"]), ","); got != tt.mapView {
				t.Errorf("map view rawPeriods %q, want %q", got, tt.mapView)
			}
		})
	}
}

// TestRawPeriodsImport checks that a 2.40+ payload's rawPeriods keeps its
// relative periods only (getRelatives() derives the flags from it; its ISO
// entries are not kept) and that relativePeriods wins over it.
func TestRawPeriodsImport(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, body, want string }{
		{"raw list", `"rawPeriods":["202401","LAST_12_MONTHS","THIS_YEAR"]`, "LAST_12_MONTHS,THIS_YEAR"},
		{"flags win", `"rawPeriods":["LAST_12_MONTHS"],"relativePeriods":{"thisMonth":true}`, "THIS_MONTH"},
		{"nothing", `"periods":[{"id":"202401"}]`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newBareStore(t, "2.41")
			body := `{"visualizations":[{"id":"perVisual02","name":"Raw","type":"COLUMN",` + tt.body + `}]}`
			if rep := importJSON(t, s, []byte(body)); rep.Status != StatusOK {
				t.Fatalf("import: %s", errorSummary(rep))
			}
			vis := get(t, s, "visualizations", "perVisual02", ":owner")
			if got := strings.Join(stringList(vis["rawPeriods"]), ","); got != tt.want {
				t.Errorf("rawPeriods = %q, want %q", got, tt.want)
			}
		})
	}
}

func periodsOf(o map[string]any) string {
	if rp, ok := o["relativePeriods"]; ok {
		return "relativePeriods=" + trueFlagList(rp)
	}
	if raw := stringList(o["rawPeriods"]); len(raw) > 0 {
		return "rawPeriods=" + strings.Join(raw, ",")
	}
	return ""
}

// trueFlagList lists the true flags of a RelativePeriods object in DHIS2's
// order ("" when v is not an object).
func trueFlagList(v any) string {
	m, ok := v.(map[string]any)
	if !ok {
		return ""
	}
	var out []string
	for _, r := range []string{"thisDay", "thisMonth", "lastMonth", "last3Months", "last12Months", "last4Quarters", "thisYear"} {
		if m[r] == true {
			out = append(out, r)
		}
	}
	for k, val := range m {
		if val != true && val != false {
			out = append(out, fmt.Sprintf("%s=%v?", k, val))
		}
	}
	return strings.Join(out, ",")
}

func stringList(v any) []string {
	var out []string
	for _, e := range asList(v) {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
