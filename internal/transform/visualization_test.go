package transform

import (
	"testing"
)

// TestChartsUpMatchDHIS2Visualizations converts DHIS2's 2.35-branch chart
// fixtures and compares them with its visualization fixtures of the same
// uids. The visualization fixtures were hand-written by DHIS2 with a few
// extra style fields and without the series string, which the 2.34
// migration maps to columns; those are the only differences allowed.
func TestChartsUpMatchDHIS2Visualizations(t *testing.T) {
	t.Parallel()
	fixtureOnly := map[string]bool{ // present only in DHIS2's visualization fixture
		"baseLineValue": true, "colorSet": true, "fontStyle": true, "rangeAxisMaxValue": true,
		"rangeAxisMinValue": true, "series": true, "targetLineValue": true,
	}
	pairs := [][2]string{
		{"favorites/metadata_with_charts1.json", "favorites/metadata_with_visualization.json"},
		{"favorites/metadata_with_chart_periods1.json", "favorites/metadata_with_visualization_periods.json"},
		{"favorites/metadata_chart_with_accesses.json", "favorites/metadata_visualization_with_accesses.json"},
	}
	for _, pair := range pairs {
		t.Run(pair[0], func(t *testing.T) {
			t.Parallel()
			charts := fixturePayload(t, core35+pair[0])
			want := fixturePayload(t, core35+pair[1])
			if _, err := ToCanonical(charts, v("2.33")); err != nil {
				t.Fatal(err)
			}
			if _, err := ToCanonical(want, v("2.35")); err != nil {
				t.Fatal(err)
			}
			if _, ok := charts["charts"]; ok {
				t.Fatal("charts type kept")
			}
			if len(want["visualizations"]) == 0 {
				t.Fatal("fixture has no visualizations")
			}
			for _, w := range want["visualizations"] {
				got := find(t, charts, "visualizations", objID(w))
				if cd := asSlice(got["columnDimensions"]); len(cd) != 1 || cd[0] != "dx" {
					t.Errorf("%s columnDimensions = %v, want [dx] (chart series)", objID(w), cd)
				}
				for _, d := range DiffObjects("visualizations", w, got) {
					switch {
					case d.Kind == DiffMissing && fixtureOnly[d.Path]:
					case d.Kind == DiffExtra && d.Path == "columnDimensions":
					default:
						t.Errorf("%s: unexpected difference %s", objID(w), d)
					}
				}
			}
		})
	}
}

// TestChartsAndReportTablesRoundTrip lifts ≤2.33 charts and report tables
// and lowers them again to 2.33: the original objects come back.
func TestChartsAndReportTablesRoundTrip(t *testing.T) {
	t.Parallel()
	for _, f := range []string{"favorites/metadata_with_charts1.json", "favorites/metadata_with_chart_periods1.json", "favorites/metadata_with_rt1.json"} {
		t.Run(f, func(t *testing.T) {
			t.Parallel()
			orig := fixturePayload(t, core35+f)
			p := Clone(orig)
			if _, err := ToCanonical(p, v("2.33")); err != nil {
				t.Fatal(err)
			}
			for _, typ := range []string{"charts", "reportTables"} {
				for _, o := range orig[typ] {
					vis := find(t, p, "visualizations", objID(o))
					if typ == "reportTables" {
						checkReportTableLift(t, vis)
					}
				}
			}
			rep, err := FromCanonical(p, v("2.33"))
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Warnings) != 0 {
				t.Errorf("unexpected warnings: %v", rep.Warnings)
			}
			for _, typ := range []string{"charts", "reportTables"} {
				assertLooseEqual(t, map[string]any{typ: asSlice(orig[typ])}, map[string]any{typ: asSlice(p[typ])})
			}
		})
	}
}

func checkReportTableLift(t *testing.T, vis map[string]any) {
	t.Helper()
	if vis["type"] != "PIVOT_TABLE" {
		t.Errorf("type = %v, want PIVOT_TABLE", vis["type"])
	}
	rp := asMap(vis["reportingParams"])
	for _, k := range []string{"reportingPeriod", "organisationUnit", "parentOrganisationUnit", "grandParentOrganisationUnit"} {
		if _, ok := rp[k]; !ok {
			t.Errorf("reportingParams.%s missing: %v", k, rp)
		}
	}
	if _, ok := vis["reportParams"]; ok {
		t.Error("reportParams kept on a visualization")
	}
	if _, ok := vis["cumulativeValues"]; !ok {
		t.Error("cumulative not renamed to cumulativeValues")
	}
	assertLooseEqual(t, []any{"dx"}, vis["columnDimensions"])
	assertLooseEqual(t, []any{"pe"}, vis["rowDimensions"])
}

func TestVisualizationDownFallbacks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, to, visType string
		cols              []any
		wantType          string
		wantSeries        any
		warnings          int
	}{
		{"plain column", "2.33", "COLUMN", []any{"dx"}, "COLUMN", "dx", 0},
		{"two series dims", "2.33", "BAR", []any{"dx", "ou"}, "BAR", "dx", 1},
		{"scatter has no chart", "2.33", "SCATTER", []any{"dx"}, "COLUMN", "dx", 1},
		{"year over year on 2.30", "2.30", "YEAR_OVER_YEAR_LINE", []any{"dx"}, "LINE", "dx", 1},
		{"year over year on 2.31", "2.31", "YEAR_OVER_YEAR_LINE", []any{"dx"}, "YEAR_OVER_YEAR_LINE", "dx", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := Payload{"visualizations": {{"id": "visAAAAAAAA", "type": tc.visType, "columnDimensions": tc.cols,
				"rowDimensions": []any{"pe"}, "filterDimensions": []any{"ou"}, "rowTotals": false}}}
			rep, err := FromCanonical(p, v(tc.to))
			if err != nil {
				t.Fatal(err)
			}
			ch := find(t, p, "charts", "visAAAAAAAA")
			if ch["type"] != tc.wantType || ch["series"] != tc.wantSeries || ch["category"] != "pe" {
				t.Errorf("chart = %v", ch)
			}
			for _, k := range []string{"columnDimensions", "rowDimensions", "rowTotals"} {
				if _, ok := ch[k]; ok {
					t.Errorf("%s kept on a ≤2.33 chart", k)
				}
			}
			if len(rep.Warnings) != tc.warnings {
				t.Errorf("warnings = %v, want %d", rep.Warnings, tc.warnings)
			}
		})
	}
}

func TestDashboardItemsAndReports(t *testing.T) {
	t.Parallel()
	old := func() Payload {
		return Payload{
			"charts":       {{"id": "chartAAAAAA", "type": "COLUMN", "series": "dx", "category": "pe"}},
			"reportTables": {{"id": "rtAAAAAAAAA", "columnDimensions": []any{"dx"}, "rowDimensions": []any{"ou"}}},
			"dashboards": {{"id": "dashAAAAAAA", "dashboardItems": []any{
				map[string]any{"id": "item1AAAAAA", "type": "CHART", "chart": ref("chartAAAAAA")},
				map[string]any{"id": "item2AAAAAA", "type": "REPORT_TABLE", "reportTable": ref("rtAAAAAAAAA")},
				map[string]any{"id": "item3AAAAAA", "type": "MAP", "map": ref("mapAAAAAAAA")},
			}}},
			"reports": {{"id": "repAAAAAAAA", "type": "JASPER_REPORT_TABLE", "reportTable": ref("rtAAAAAAAAA"),
				"reportParams": map[string]any{"paramReportingPeriod": true, "paramOrganisationUnit": false,
					"paramParentOrganisationUnit": true, "paramGrandParentOrganisationUnit": false}}},
		}
	}
	p := old()
	if _, err := ToCanonical(p, v("2.33")); err != nil {
		t.Fatal(err)
	}
	items := asSlice(p["dashboards"][0]["dashboardItems"])
	for i, want := range []string{"chartAAAAAA", "rtAAAAAAAAA"} {
		it := asMap(items[i])
		if it["type"] != "VISUALIZATION" || refID(it["visualization"]) != want || it["chart"] != nil || it["reportTable"] != nil {
			t.Errorf("item %d = %v", i, it)
		}
	}
	wantReport := map[string]any{"id": "repAAAAAAAA", "type": "JASPER_REPORT_TABLE", "visualization": ref("rtAAAAAAAAA"),
		"reportParams": map[string]any{"reportingPeriod": true, "organisationUnit": false, "parentOrganisationUnit": true, "grandParentOrganisationUnit": false}}
	assertLooseEqual(t, wantReport, p["reports"][0])

	if _, err := FromCanonical(p, v("2.33")); err != nil {
		t.Fatal(err)
	}
	want := old()
	for _, typ := range []string{"dashboards", "reports"} {
		assertLooseEqual(t, map[string]any{typ: asSlice(want[typ])}, map[string]any{typ: asSlice(p[typ])})
	}
}

func TestDashboardItemUnknownVisualizationWarns(t *testing.T) {
	t.Parallel()
	p := fixturePayload(t, "dhis2__dhis2-core/dhis-2/dhis-test-web-api/src/test/resources/dashboard/create_dashboard.json")
	known := Clone(p)
	rep, err := FromCanonical(known, v("2.33"))
	if err != nil {
		t.Fatal(err)
	}
	if len(known["charts"])+len(known["reportTables"]) != 1 {
		t.Errorf("visualization not lowered: %v", sortedKeys(known))
	}
	for _, w := range rep.Warnings {
		if w.Type == "dashboards" {
			t.Errorf("unexpected dashboard warning %v", w)
		}
	}
	delete(p, "visualizations") // dashboard pointing outside the payload
	rep, err = FromCanonical(p, v("2.33"))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, w := range rep.Warnings {
		found = found || (w.Type == "dashboards" && w.Property == "dashboardItems")
	}
	if !found {
		t.Errorf("no warning for an item whose visualization is not in the payload: %v", rep.Warnings)
	}
}

func TestVisualizationLegendSDK36(t *testing.T) {
	t.Parallel()
	old := fixtureObject(t, sdkRes+"visualization/visualization_api_36.json")
	newer := fixtureObject(t, sdkRes+"visualization/visualization.json")
	p := Payload{"visualizations": {Clone(old)}}
	if _, err := ToCanonical(p, v("2.36")); err != nil {
		t.Fatal(err)
	}
	got := p["visualizations"][0]
	for _, k := range []string{"legendSet", "legendDisplayStrategy", "legendDisplayStyle"} {
		if _, ok := got[k]; ok {
			t.Errorf("%s kept", k)
		}
	}
	nl := asMap(newer["legend"])
	want := map[string]any{"set": nl["set"], "strategy": nl["strategy"], "style": nl["style"]}
	assertLooseEqual(t, want, got["legend"])
	assertLooseEqual(t, old["legend"], got["seriesKey"])

	if _, err := FromCanonical(p, v("2.36")); err != nil {
		t.Fatal(err)
	}
	assertLooseEqual(t, old, p["visualizations"][0])
}

func TestVisualizationLegendShowKeyLost(t *testing.T) {
	t.Parallel()
	p := Payload{"visualizations": {{"id": "visAAAAAAAA", "type": "PIVOT_TABLE",
		"legend": map[string]any{"set": ref("lsAAAAAAAAA"), "showKey": true}}}}
	rep, err := FromCanonical(p, v("2.36"))
	if err != nil {
		t.Fatal(err)
	}
	vis := p["visualizations"][0]
	if refID(vis["legendSet"]) != "lsAAAAAAAAA" || vis["legend"] != nil {
		t.Errorf("vis = %v", vis)
	}
	if len(rep.Warnings) != 1 || rep.Warnings[0].Property != "legend.showKey" {
		t.Errorf("warnings = %v", rep.Warnings)
	}
}
