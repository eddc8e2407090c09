package transform

import "testing"

func TestEventReportsFixtureRoundTrip(t *testing.T) {
	t.Parallel()
	orig := fixturePayload(t, coreInt+"eventreport_with_program_indicator.json")
	p := Clone(orig)
	if _, err := ToCanonical(p, v("2.37")); err != nil {
		t.Fatal(err)
	}
	if _, ok := p["eventReports"]; ok {
		t.Fatal("eventReports kept")
	}
	ev := find(t, p, "eventVisualizations", "pCSijMNjMcJ")
	if ev["type"] != "LINE_LIST" {
		t.Errorf("type = %v, want LINE_LIST (dataType EVENTS)", ev["type"])
	}
	if _, err := FromCanonical(p, v("2.37")); err != nil {
		t.Fatal(err)
	}
	if _, ok := p["eventVisualizations"]; ok {
		t.Fatal("eventVisualizations sent to 2.37")
	}
	assertLooseEqual(t, map[string]any{"r": asSlice(orig["eventReports"])}, map[string]any{"r": asSlice(p["eventReports"])})
}

func TestEventVisualizationsFixtureDown(t *testing.T) {
	t.Parallel()
	canon := fixturePayload(t, coreInt+"favorites/event_visualizations.json")
	if _, err := ToCanonical(canon, v("2.42")); err != nil { // relativePeriods → rawPeriods
		t.Fatal(err)
	}
	p := Clone(canon)
	rep, err := FromCanonical(p, v("2.37"))
	if err != nil {
		t.Fatal(err)
	}
	if len(p["eventCharts"]) != len(canon["eventVisualizations"]) || len(p["eventReports"]) != 0 {
		t.Fatalf("split = %d charts / %d reports, want all %d as charts (type COLUMN)",
			len(p["eventCharts"]), len(p["eventReports"]), len(canon["eventVisualizations"]))
	}
	dropped := false
	for _, w := range rep.Warnings {
		dropped = dropped || w.Type == "eventVisualizations"
	}
	if !dropped {
		t.Error("no warning for the 2.38+ options (axes, fontStyle, legend) dropped")
	}
	if _, err := ToCanonical(p, v("2.37")); err != nil {
		t.Fatal(err)
	}
	compareCanonical(t, "event_visualizations@2.37", canon, p, LossesBetween(v("2.37"), v("2.37")))
}

func TestEventVisualizationSplitByType(t *testing.T) {
	t.Parallel()
	mk := func() Payload {
		return Payload{
			"eventVisualizations": {
				{"id": "evLineAAAAA", "type": "LINE_LIST", "rowTotals": true},
				{"id": "evPivotAAAA", "type": "PIVOT_TABLE"},
				{"id": "evBarAAAAAA", "type": "BAR", "rowTotals": true, "targetLineValue": 3},
			},
			"dashboards": {{"id": "dashAAAAAAA", "dashboardItems": []any{
				map[string]any{"type": "EVENT_VISUALIZATION", "eventVisualization": ref("evLineAAAAA")},
				map[string]any{"type": "EVENT_VISUALIZATION", "eventVisualization": ref("evBarAAAAAA")},
			}}},
		}
	}
	p := mk()
	rep, err := FromCanonical(p, v("2.37"))
	if err != nil {
		t.Fatal(err)
	}
	line := find(t, p, "eventReports", "evLineAAAAA")
	pivot := find(t, p, "eventReports", "evPivotAAAA")
	bar := find(t, p, "eventCharts", "evBarAAAAAA")
	if line["dataType"] != "EVENTS" || pivot["dataType"] != "AGGREGATED_VALUES" || line["type"] != nil {
		t.Errorf("reports = %v / %v", line, pivot)
	}
	if bar["type"] != "BAR" || bar["rowTotals"] != nil || bar["targetLineValue"] == nil {
		t.Errorf("chart = %v", bar)
	}
	items := asSlice(p["dashboards"][0]["dashboardItems"])
	if it := asMap(items[0]); it["type"] != "EVENT_REPORT" || refID(it["eventReport"]) != "evLineAAAAA" {
		t.Errorf("item 0 = %v", it)
	}
	if it := asMap(items[1]); it["type"] != "EVENT_CHART" || refID(it["eventChart"]) != "evBarAAAAAA" {
		t.Errorf("item 1 = %v", it)
	}
	if len(rep.Warnings) != 1 || rep.Warnings[0].Property != "rowTotals" {
		t.Errorf("warnings = %v, want one for rowTotals on the chart", rep.Warnings)
	}
	if _, err := ToCanonical(p, v("2.37")); err != nil {
		t.Fatal(err)
	}
	want := mk()
	delete(want["eventVisualizations"][2], "rowTotals") // documented loss
	want["eventVisualizations"][0]["dataType"] = "EVENTS"
	want["eventVisualizations"][1]["dataType"] = "AGGREGATED_VALUES"
	if _, documented := compareCanonical(t, "split", want, p, nil); documented != 0 {
		t.Errorf("%d differences", documented)
	}
}
