package transform

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestRelativePeriodsFixtures lifts DHIS2's own favourites (a 2.35 payload
// and a master one, both with full RelativePeriods objects) to rawPeriods
// and lowers them again on both sides of the 2.40 gate.
func TestRelativePeriodsFixtures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file, from, typ string
		want            map[string][]string // uid → rawPeriods after the lift
	}{
		{core35 + "favorites/metadata_with_visualization_periods.json", "2.38", "visualizations", map[string][]string{
			"gyYXi0rXAIc": {"LAST_12_MONTHS"}, "qD72aBqsHvt": {"LAST_12_MONTHS"}, "z3zvnIJYQ4J": {"LAST_12_MONTHS"}, "ziCoxdcXRQz": nil}},
		{coreInt + "favorites/event_visualizations.json", "2.42", "eventVisualizations", map[string][]string{
			"gyYXi0rXAIc": {"LAST_12_MONTHS"}, "qD72aBqsHvt": {"LAST_12_MONTHS"}, "z3zvnIJYQ4J": {"LAST_12_MONTHS"}}},
	}
	for _, tt := range tests {
		t.Run(tt.from+" "+tt.typ, func(t *testing.T) {
			t.Parallel()
			p := fixturePayload(t, tt.file)
			if _, err := ToCanonical(p, v(tt.from)); err != nil {
				t.Fatal(err)
			}
			for id, want := range tt.want {
				o := find(t, p, tt.typ, id)
				if _, ok := o["relativePeriods"]; ok {
					t.Errorf("%s: relativePeriods kept in the canonical shape", id)
				}
				if got := strings.Join(strs(o["rawPeriods"]), ","); got != strings.Join(want, ",") {
					t.Errorf("%s: rawPeriods = %q, want %q", id, got, strings.Join(want, ","))
				}
			}
			// 2.41 keeps rawPeriods; 2.39 gets the flags back.
			newer, older := Clone(p), Clone(p)
			if _, err := FromCanonical(newer, v("2.41")); err != nil {
				t.Fatal(err)
			}
			if _, err := FromCanonical(older, v("2.39")); err != nil {
				t.Fatal(err)
			}
			for id, want := range tt.want {
				n, o := find(t, newer, tt.typ, id), find(t, older, tt.typ, id)
				if got := strings.Join(strs(n["rawPeriods"]), ","); got != strings.Join(want, ",") {
					t.Errorf("2.41 %s: rawPeriods = %q, want %q", id, got, strings.Join(want, ","))
				}
				if _, ok := o["rawPeriods"]; ok {
					t.Errorf("2.39 %s: rawPeriods sent", id)
				}
				flags := asMap(o["relativePeriods"])
				if len(want) == 0 && flags != nil || len(want) > 0 && (len(flags) != 1 || flags["last12Months"] != true) {
					t.Errorf("2.39 %s: relativePeriods = %v, want last12Months only when the lift found it", id, flags)
				}
			}
		})
	}
}

// TestRelativePeriodsDown checks the lowering of a rawPeriods list with ISO
// periods and a relative period the destination does not have, on a
// top-level visualization and a map view inside a map.
func TestRelativePeriodsDown(t *testing.T) {
	t.Parallel()
	raw := func() []any { return []any{"LAST_10_YEARS", "2023Q1", "LAST_12_MONTHS", "THIS_MONTH"} }
	tests := []struct {
		to        string
		wantFlags []string
		dropped   bool
	}{
		{"2.36", []string{"last12Months", "thisMonth"}, true}, // last10Years is 2.37+
		{"2.39", []string{"last10Years", "last12Months", "thisMonth"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.to, func(t *testing.T) {
			t.Parallel()
			p := Payload{
				"visualizations": {{"id": "visAAAAAAA1", "type": "COLUMN", "rawPeriods": raw(), "periods": []any{ref("2023Q1")}}},
				"maps": {{"id": "mapAAAAAAA1", "mapViews": []any{
					map[string]any{"id": "mvAAAAAAAA1", "layer": "thematic", "rawPeriods": raw()},
				}}},
			}
			rep, err := FromCanonical(p, v(tt.to))
			if err != nil {
				t.Fatal(err)
			}
			vis := find(t, p, "visualizations", "visAAAAAAA1")
			mv := asMap(asSlice(find(t, p, "maps", "mapAAAAAAA1")["mapViews"])[0])
			for name, o := range map[string]map[string]any{"visualization": vis, "map view": mv} {
				if _, ok := o["rawPeriods"]; ok {
					t.Errorf("%s: rawPeriods sent to %s", name, tt.to)
				}
				var flags []string
				for k, val := range asMap(o["relativePeriods"]) {
					if val == true {
						flags = append(flags, k)
					}
				}
				slices.Sort(flags)
				if !slices.Equal(flags, tt.wantFlags) {
					t.Errorf("%s: flags %v, want %v", name, flags, tt.wantFlags)
				}
				if got := fmt.Sprint(asSlice(o["periods"])); got != "[map[id:2023Q1]]" {
					t.Errorf("%s: periods = %s, want the ISO period once", name, got)
				}
			}
			warned := slices.ContainsFunc(rep.Warnings, func(w Warning) bool {
				return w.Transform == "relative-periods" && strings.Contains(w.Message, "LAST_10_YEARS")
			})
			if warned != tt.dropped {
				t.Errorf("warning for LAST_10_YEARS = %v, want %v (%v)", warned, tt.dropped, rep.Warnings)
			}
		})
	}
}

// TestRelativePeriodsUpMerges checks that a 2.40+ object read with both
// lists (fields=*: relativePeriods is computed from rawPeriods) keeps
// rawPeriods' order and gains no duplicates.
func TestRelativePeriodsUpMerges(t *testing.T) {
	t.Parallel()
	p := Payload{"eventVisualizations": {{"id": "evAAAAAAAA1", "type": "LINE_LIST",
		"rawPeriods":      []any{"202401", "LAST_3_MONTHS"},
		"relativePeriods": map[string]any{"last3Months": true, "thisYear": true, "lastWeek": false},
	}}}
	if _, err := ToCanonical(p, v("2.41")); err != nil {
		t.Fatal(err)
	}
	o := p["eventVisualizations"][0]
	if got := strs(o["rawPeriods"]); !slices.Equal(got, []string{"202401", "LAST_3_MONTHS", "THIS_YEAR"}) {
		t.Errorf("rawPeriods = %v", got)
	}
	if _, ok := o["relativePeriods"]; ok {
		t.Error("relativePeriods kept")
	}
}

func TestRelativePeriodNames(t *testing.T) {
	t.Parallel()
	if n := len(RelativePeriods(30)); n != 39 {
		t.Errorf("2.30 has %d relative periods, want 39", n)
	}
	if n := len(RelativePeriods(42)); n != 45 {
		t.Errorf("2.42 has %d relative periods, want 45", n)
	}
	for _, s := range []string{"LAST_12_MONTHS", "TODAY", "LAST_52_WEEKS"} {
		if !IsRelativePeriod(s) || IsISOPeriod(s) {
			t.Errorf("%s: relative %v, ISO %v", s, IsRelativePeriod(s), IsISOPeriod(s))
		}
	}
	for _, s := range []string{"202401", "2024Q1", "2024W3", "2024AprilS2"} {
		if IsRelativePeriod(s) || !IsISOPeriod(s) {
			t.Errorf("%s: relative %v, ISO %v", s, IsRelativePeriod(s), IsISOPeriod(s))
		}
	}
}

// strs returns the strings of a JSON array.
func strs(v any) []string {
	var out []string
	for _, e := range asSlice(v) {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func TestUnownedStoredProperties(t *testing.T) {
	t.Parallel()
	tests := []struct {
		version, typ string
		want         bool
	}{
		{"2.38", "visualizations", false}, // owned RelativePeriods row
		{"2.39", "visualizations", true},
		{"2.39", "eventVisualizations", true},
		{"2.39", "dataElements", false},
		{"2.40", "visualizations", false}, // rawPeriods is owned
		{"2.40", "reports", true},
		{"2.42", "reports", true},
		{"2.38", "reports", false},
	}
	for _, tt := range tests {
		got := UnownedStoredProperties(v(tt.version), tt.typ)
		if (len(got) == 1 && got[0] == "relativePeriods") != tt.want {
			t.Errorf("UnownedStoredProperties(%s, %s) = %v, want relativePeriods: %v", tt.version, tt.typ, got, tt.want)
		}
	}
}
