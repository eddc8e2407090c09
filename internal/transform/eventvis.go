package transform

// Event charts and event reports (≤2.37; deprecated but still served from
// 2.38) ↔ event visualizations (2.38+). DHIS2's migration
// V2_38_12__Migrate_Data_Into_Event_Visualization_Tables keeps the uids,
// copies the chart type, and types event reports LINE_LIST when dataType is
// EVENTS and PIVOT_TABLE when it is AGGREGATED_VALUES. Both old objects
// already use columnDimensions/rowDimensions/filterDimensions.

func eventVisualizations() Transform {
	return Transform{
		Name:   "event-visualizations",
		Gate:   38,
		Always: true,
		Doc: "eventCharts + eventReports (≤2.37) ↔ eventVisualizations (type = chart type, or LINE_LIST/PIVOT_TABLE from " +
			"dataType); dashboard items EVENT_CHART/EVENT_REPORT ↔ EVENT_VISUALIZATION. Down splits by type.",
		Up: func(c *Context, p Payload) error {
			c.liftEventCharts(p)
			c.liftEventDashboardItems(p)
			return nil
		},
		Down: func(c *Context, p Payload) error {
			c.lowerEventDashboardItems(p)
			c.lowerEventVisualizations(p)
			return nil
		},
		Lossy: append(append(append(
			keyLosses("eventVisualizations", eventVisualizationOnlyKeys, "event visualization option that eventCharts/eventReports (before 2.38) do not have"),
			keyLosses("eventVisualizations", eventPivotKeys, "table option an event chart (before 2.38) does not have")...),
			keyLosses("eventVisualizations", eventChartKeys, "chart option an event report (before 2.38) does not have")...),
			Loss{Type: "eventVisualizations", Property: "type", Reason: "chart types without an event chart equivalent fall back to COLUMN before 2.38"}),
	}
}

// eventVisualizationOnlyKeys exist on event visualizations only.
var eventVisualizationOnlyKeys = []string{
	"legacy", "sorting", "repetitions", "simpleDimensions", "trackedEntityType", "programDimensions",
	"legend", "axes", "fixColumnHeaders", "fixRowHeaders", "fontStyle", "seriesKey", "icons",
}

// eventPivotKeys are event report (table) properties event charts lack.
var eventPivotKeys = []string{
	"rowTotals", "colTotals", "rowSubTotals", "colSubTotals", "showHierarchy", "displayDensity",
	"fontSize", "dataType", "showDimensionLabels", "hideEmptyColumns",
}

// eventChartKeys are event chart properties event reports lack.
var eventChartKeys = []string{
	"regressionType", "targetLineValue", "targetLineLabel", "baseLineValue", "baseLineLabel",
	"rangeAxisMaxValue", "rangeAxisMinValue", "rangeAxisSteps", "rangeAxisDecimals", "domainAxisLabel",
	"rangeAxisLabel", "hideLegend", "noSpaceBetweenColumns", "percentStackedValues", "cumulativeValues",
	"showData", "hideEmptyRowItems", "colorSet",
}

func isEventTable(t string) bool { return t == "LINE_LIST" || t == "PIVOT_TABLE" }

func (c *Context) liftEventCharts(p Payload) {
	have := map[string]bool{}
	for _, ev := range p["eventVisualizations"] {
		have[objID(ev)] = true
	}
	add := func(typ string, obj map[string]any) {
		if id := objID(obj); id != "" && have[id] {
			c.Warn(typ, obj, "", "dropped: an event visualization with the same uid is in the payload")
			return
		}
		have[objID(obj)] = true
		p["eventVisualizations"] = append(p["eventVisualizations"], obj)
	}
	for _, ch := range p["eventCharts"] {
		add("eventCharts", ch)
	}
	for _, r := range p["eventReports"] {
		if !isEventTable(str(r, "type")) {
			if str(r, "dataType") == "EVENTS" {
				r["type"] = "LINE_LIST"
			} else {
				r["type"] = "PIVOT_TABLE"
			}
		}
		add("eventReports", r)
	}
	delete(p, "eventCharts")
	delete(p, "eventReports")
}

func (c *Context) lowerEventVisualizations(p Payload) {
	const typ = "eventVisualizations"
	for _, ev := range p["eventVisualizations"] {
		c.dropKeys(typ, ev, eventVisualizationOnlyKeys, "does not exist before 2.38")
		t := str(ev, "type")
		if isEventTable(t) {
			delete(ev, "type")
			if t == "LINE_LIST" {
				ev["dataType"] = "EVENTS"
			} else {
				ev["dataType"] = "AGGREGATED_VALUES"
			}
			c.dropKeys(typ, ev, eventChartKeys, "is an event chart property")
			p["eventReports"] = append(p["eventReports"], ev)
			continue
		}
		if t == "SCATTER" || t == "BUBBLE" || t == "STACKED_AREA" {
			c.Warn(typ, ev, "type", "type %q has no event chart equivalent before 2.38; using COLUMN", t)
			ev["type"] = "COLUMN"
		}
		c.dropKeys(typ, ev, eventPivotKeys, "is an event report property")
		p["eventCharts"] = append(p["eventCharts"], ev)
	}
	delete(p, "eventVisualizations")
}

func (c *Context) liftEventDashboardItems(p Payload) {
	eachDashboardItem(p, func(_, item map[string]any) {
		for _, k := range []string{"eventChart", "eventReport"} {
			if v, ok := item[k]; ok {
				delete(item, k)
				if _, has := item["eventVisualization"]; !has && v != nil {
					item["eventVisualization"] = v
				}
			}
		}
		if t := str(item, "type"); t == "EVENT_CHART" || t == "EVENT_REPORT" {
			item["type"] = "EVENT_VISUALIZATION"
		}
	})
}

func (c *Context) lowerEventDashboardItems(p Payload) {
	table := map[string]bool{}
	known := map[string]bool{}
	for _, ev := range p["eventVisualizations"] {
		known[objID(ev)] = true
		table[objID(ev)] = isEventTable(str(ev, "type"))
	}
	eachDashboardItem(p, func(d, item map[string]any) {
		v, ok := item["eventVisualization"]
		if !ok {
			return
		}
		delete(item, "eventVisualization")
		id := refID(v)
		if !known[id] {
			c.Warn("dashboards", d, "dashboardItems", "event visualization %s is not in the payload; item sent as an event chart", id)
		}
		if table[id] {
			item["eventReport"], item["type"] = v, "EVENT_REPORT"
		} else {
			item["eventChart"], item["type"] = v, "EVENT_CHART"
		}
	})
}
