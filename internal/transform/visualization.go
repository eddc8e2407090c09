package transform

import "strings"

// Charts and report tables (≤2.33, deprecated until 2.36, removed in 2.37)
// ↔ visualizations (2.34+). The mapping follows DHIS2's own migration
// V2_34_13__Migrate_Data_Into_Visualization_Tables (same uids; chart series
// → columns, category → rows; report table type PIVOT_TABLE, cumulative →
// cumulativeValues, paramReportingMonth… → reportingParams; chart series
// items → optionalAxes; dashboard items and reports repointed to the
// visualization).

func chartsToVisualizations() Transform {
	return Transform{
		Name: "charts-to-visualizations",
		Gate: 34,
		Doc: "charts and reportTables (≤2.33) ↔ visualizations: series/category ↔ columnDimensions/rowDimensions, " +
			"seriesItems ↔ optionalAxes, reportParams ↔ reportingParams, cumulative ↔ cumulativeValues, PIVOT_TABLE ↔ report table.",
		Up:   func(c *Context, p Payload) error { c.liftCharts(p); return nil },
		Down: func(c *Context, p Payload) error { c.lowerVisualizations(p); return nil },
		Lossy: append(append(append([]Loss{
			{Type: "visualizations", Property: "columnDimensions", Reason: "a ≤2.33 chart has a single series dimension"},
			{Type: "visualizations", Property: "rowDimensions", Reason: "a ≤2.33 chart has a single category dimension"},
			{Type: "visualizations", Property: "type", Reason: "visualization types without a ≤2.33 chart type fall back to the closest one"},
		},
			keyLosses("visualizations", visualizationOnlyKeys, "visualization option that ≤2.33 charts and report tables do not have")...),
			keyLosses("visualizations", pivotOnlyKeys, "pivot-table option a ≤2.33 chart does not have")...),
			keyLosses("visualizations", chartOnlyKeys, "chart option a ≤2.33 report table does not have")...),
	}
}

func chartsRemoved() Transform {
	return Transform{
		Name:   "charts-removed",
		Gate:   37,
		Always: true,
		Doc: "2.34–2.36 may still export charts, reportTables and CHART/REPORT_TABLE dashboard items: they are converted " +
			"(or dropped when a visualization with the same uid exists). 2.34–2.36 accept visualizations, so nothing is added on write.",
		Up: func(c *Context, p Payload) error {
			c.liftCharts(p)
			c.liftDashboardItems(p)
			return nil
		},
	}
}

func (c *Context) liftCharts(p Payload) {
	for _, vis := range p["visualizations"] {
		c.repairVisualization(vis)
	}
	if len(p["charts"]) == 0 && len(p["reportTables"]) == 0 {
		delete(p, "charts")
		delete(p, "reportTables")
		return
	}
	have := map[string]bool{}
	for _, vis := range p["visualizations"] {
		have[objID(vis)] = true
	}
	add := func(typ string, obj map[string]any, lift func(map[string]any)) {
		if id := objID(obj); id != "" && have[id] {
			c.Warn(typ, obj, "", "dropped: a visualization with the same uid is in the payload")
			return
		}
		lift(obj)
		have[objID(obj)] = true
		p["visualizations"] = append(p["visualizations"], obj)
	}
	for _, ch := range p["charts"] {
		add("charts", ch, c.chartToVisualization)
	}
	for _, rt := range p["reportTables"] {
		add("reportTables", rt, c.reportTableToVisualization)
	}
	delete(p, "charts")
	delete(p, "reportTables")
}

func (c *Context) chartToVisualization(ch map[string]any) {
	if s, ok := ch["series"].(string); ok {
		delete(ch, "series")
		if s != "" {
			ch["columnDimensions"] = []any{s}
		}
	}
	if s, ok := ch["category"].(string); ok {
		delete(ch, "category")
		if s != "" {
			ch["rowDimensions"] = []any{s}
		}
	}
	if items, ok := ch["seriesItems"]; ok {
		delete(ch, "seriesItems")
		var axes []any
		for _, e := range asSlice(items) {
			m := asMap(e)
			axis := map[string]any{"dimensionalItem": m["series"]}
			if a, ok := m["axis"]; ok {
				axis["axis"] = a
			}
			axes = append(axes, axis)
		}
		if len(axes) > 0 {
			ch["optionalAxes"] = axes
		}
	}
	if cs, ok := ch["colorSet"].(map[string]any); ok {
		delete(ch, "colorSet")
		c.Warn("charts", ch, "colorSet", "color set %s dropped: 2.34+ visualizations name their palette instead", refID(cs))
	}
}

// repairVisualization converts chart leftovers on a visualization (a
// series or category STRING, as in DHIS2's own 2.34 test payloads) to
// column/row dimensions when those are absent, and drops them otherwise.
func (c *Context) repairVisualization(vis map[string]any) {
	for _, f := range [][2]string{{"series", "columnDimensions"}, {"category", "rowDimensions"}} {
		s, ok := vis[f[0]].(string)
		if !ok {
			continue
		}
		delete(vis, f[0])
		if _, has := vis[f[1]]; !has && s != "" {
			vis[f[1]] = []any{s}
		}
	}
}

func (c *Context) reportTableToVisualization(rt map[string]any) {
	rt["type"] = "PIVOT_TABLE"
	move(rt, "cumulative", "cumulativeValues")
	if rp, ok := rt["reportParams"]; ok {
		delete(rt, "reportParams")
		rt["reportingParams"] = renameParams(asMap(rp), false)
	}
}

// reportParamNames pairs the 2.34+ reportingParams names with the ≤2.33
// reportParams names.
var reportParamNames = [][2]string{
	{"reportingPeriod", "paramReportingPeriod"},
	{"organisationUnit", "paramOrganisationUnit"},
	{"parentOrganisationUnit", "paramParentOrganisationUnit"},
	{"grandParentOrganisationUnit", "paramGrandParentOrganisationUnit"},
}

// renameParams converts report parameters between the ≤2.33 param* names
// (toOld) and the 2.34+ names. Unknown keys are copied.
func renameParams(in map[string]any, toOld bool) map[string]any {
	out := map[string]any{}
	for k, val := range in {
		out[k] = val
	}
	if !toOld {
		move(out, "paramReportingMonth", "reportingPeriod")
	}
	for _, n := range reportParamNames {
		if toOld {
			move(out, n[0], n[1])
		} else {
			move(out, n[1], n[0])
		}
	}
	return out
}

// visualizationOnlyKeys exist on visualizations but on neither ≤2.33 charts
// nor report tables.
var visualizationOnlyKeys = []string{
	"series", "fontStyle", "seriesKey", "legend", "colorSet", "sorting", "icons", "outlierAnalysis",
	"axes", "visualizationPeriodName", "fixColumnHeaders", "fixRowHeaders",
}

// pivotOnlyKeys are report-table properties a ≤2.33 chart does not have.
var pivotOnlyKeys = []string{
	"reportingParams", "rowTotals", "colTotals", "rowSubTotals", "colSubTotals", "hideEmptyColumns",
	"showHierarchy", "showDimensionLabels", "displayDensity", "fontSize", "measureCriteria", "numberType",
	"skipRounding", "legendDisplayStyle",
}

// chartOnlyKeys are chart properties a ≤2.33 report table does not have.
var chartOnlyKeys = []string{
	"domainAxisLabel", "rangeAxisLabel", "targetLineValue", "targetLineLabel", "baseLineValue", "baseLineLabel",
	"rangeAxisMaxValue", "rangeAxisMinValue", "rangeAxisSteps", "rangeAxisDecimals", "regressionType",
	"hideLegend", "noSpaceBetweenColumns", "percentStackedValues", "showData", "hideEmptyRowItems",
	"yearlySeries", "optionalAxes",
}

func (c *Context) lowerVisualizations(p Payload) {
	for _, vis := range p["visualizations"] {
		if str(vis, "type") == "PIVOT_TABLE" {
			c.visualizationToReportTable(vis)
			p["reportTables"] = append(p["reportTables"], vis)
		} else {
			c.visualizationToChart(vis)
			p["charts"] = append(p["charts"], vis)
		}
	}
	delete(p, "visualizations")
}

func (c *Context) visualizationToChart(vis map[string]any) {
	const typ = "visualizations"
	c.dropKeys(typ, vis, visualizationOnlyKeys, "does not exist on ≤2.33 charts")
	if dims := asSlice(vis["columnDimensions"]); len(dims) > 0 {
		vis["series"] = dims[0]
		if len(dims) > 1 {
			c.Warn(typ, vis, "columnDimensions", "only the first column dimension (%v) becomes the chart series", dims[0])
		}
	}
	if dims := asSlice(vis["rowDimensions"]); len(dims) > 0 {
		vis["category"] = dims[0]
		if len(dims) > 1 {
			c.Warn(typ, vis, "rowDimensions", "only the first row dimension (%v) becomes the chart category", dims[0])
		}
	}
	delete(vis, "columnDimensions")
	delete(vis, "rowDimensions")
	if axes := asSlice(vis["optionalAxes"]); len(axes) > 0 && c.To.AtLeast(32) {
		items := make([]any, 0, len(axes))
		for _, e := range axes {
			m := asMap(e)
			item := map[string]any{"series": m["dimensionalItem"]}
			if a, ok := m["axis"]; ok {
				item["axis"] = a
			}
			items = append(items, item)
		}
		vis["seriesItems"] = items
		delete(vis, "optionalAxes")
	}
	c.dropKeys(typ, vis, []string{"optionalAxes"}, "series axes need 2.32+")
	c.dropKeys(typ, vis, pivotOnlyKeys, "is a pivot-table property")
	vis["type"] = c.chartType(vis, str(vis, "type"))
}

// chartType maps a visualization type to a chart type the destination
// knows, warning on fallbacks.
func (c *Context) chartType(vis map[string]any, t string) string {
	known := map[string]bool{
		"COLUMN": true, "STACKED_COLUMN": true, "BAR": true, "STACKED_BAR": true, "LINE": true,
		"AREA": true, "PIE": true, "RADAR": true, "GAUGE": true,
	}
	if c.To.AtLeast(31) {
		known["YEAR_OVER_YEAR_LINE"], known["YEAR_OVER_YEAR_COLUMN"] = true, true
	}
	if c.To.AtLeast(33) {
		known["SINGLE_VALUE"] = true
	}
	if known[t] {
		return t
	}
	fallback := map[string]string{
		"YEAR_OVER_YEAR_LINE": "LINE", "YEAR_OVER_YEAR_COLUMN": "COLUMN", "STACKED_AREA": "AREA",
	}[t]
	if fallback == "" {
		fallback = "COLUMN"
	}
	c.Warn("visualizations", vis, "type", "type %q does not exist for charts on %s; using %s", t, c.To, fallback)
	return fallback
}

func (c *Context) visualizationToReportTable(vis map[string]any) {
	const typ = "visualizations"
	delete(vis, "type")
	move(vis, "cumulativeValues", "cumulative")
	if rp, ok := vis["reportingParams"]; ok {
		delete(vis, "reportingParams")
		vis["reportParams"] = renameParams(asMap(rp), true)
	}
	c.dropKeys(typ, vis, visualizationOnlyKeys, "does not exist on ≤2.33 report tables")
	c.dropKeys(typ, vis, chartOnlyKeys, "is a chart property")
}

// dropKeys deletes keys from obj, warning once with the list of those that
// held a non-default value.
func (c *Context) dropKeys(typ string, obj map[string]any, keys []string, why string) {
	var lost []string
	for _, k := range keys {
		val, ok := obj[k]
		if !ok {
			continue
		}
		delete(obj, k)
		if !isDefault(val) && !isDefaultEnum(val) {
			lost = append(lost, k)
		}
	}
	if len(lost) > 0 {
		c.Warn(typ, obj, strings.Join(lost, ","), "dropped: %s", why)
	}
}

// isDefaultEnum reports whether v is an enum value DHIS2 uses as "not set".
func isDefaultEnum(v any) bool {
	s, ok := v.(string)
	return ok && (s == "NONE" || s == "NORMAL" || s == "DEFAULT")
}
