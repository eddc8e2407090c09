package transform

// Dashboard items and reports pointing at charts/report tables (≤2.33) or
// visualizations (2.34+), following DHIS2's 2.34 migration which repointed
// dashboarditem and report rows to the visualization of the same uid.

func dashboardItemVisualization() Transform {
	return Transform{
		Name: "dashboard-item-visualization",
		Gate: 34,
		Doc: "Dashboard items CHART/chart{id} and REPORT_TABLE/reportTable{id} (≤2.33) ↔ VISUALIZATION/visualization{id}; " +
			"on the way down the target's type (found in the payload) decides chart or report table.",
		Up:   func(c *Context, p Payload) error { c.liftDashboardItems(p); return nil },
		Down: func(c *Context, p Payload) error { c.lowerDashboardItems(p); return nil },
		Lossy: []Loss{{Type: "dashboards", Property: "dashboardItems",
			Reason: "an item pointing at a visualization missing from the payload is assumed to be a chart"}},
	}
}

// eachDashboardItem calls f for every item of every dashboard.
func eachDashboardItem(p Payload, f func(dash, item map[string]any)) {
	eachObject(p, "dashboards", func(d map[string]any) {
		for _, e := range asSlice(d["dashboardItems"]) {
			if item := asMap(e); item != nil {
				f(d, item)
			}
		}
	})
}

func (c *Context) liftDashboardItems(p Payload) {
	eachDashboardItem(p, func(_, item map[string]any) {
		for _, k := range []string{"chart", "reportTable"} {
			if v, ok := item[k]; ok {
				delete(item, k)
				if _, has := item["visualization"]; !has && v != nil {
					item["visualization"] = v
				}
			}
		}
		if t := str(item, "type"); t == "CHART" || t == "REPORT_TABLE" {
			item["type"] = "VISUALIZATION"
		}
	})
}

func (c *Context) lowerDashboardItems(p Payload) {
	pivot := map[string]bool{}
	known := map[string]bool{}
	for _, vis := range p["visualizations"] {
		known[objID(vis)] = true
		pivot[objID(vis)] = str(vis, "type") == "PIVOT_TABLE"
	}
	for _, rt := range p["reportTables"] {
		known[objID(rt)], pivot[objID(rt)] = true, true
	}
	for _, ch := range p["charts"] {
		known[objID(ch)] = true
	}
	eachDashboardItem(p, func(d, item map[string]any) {
		v, ok := item["visualization"]
		if !ok {
			return
		}
		delete(item, "visualization")
		id := refID(v)
		if !known[id] {
			c.Warn("dashboards", d, "dashboardItems", "visualization %s is not in the payload; item sent as a chart", id)
		}
		if pivot[id] {
			item["reportTable"], item["type"] = v, "REPORT_TABLE"
		} else {
			item["chart"], item["type"] = v, "CHART"
		}
	})
}

func reportVisualization() Transform {
	return Transform{
		Name:   "report-visualization",
		Gate:   34,
		Always: true,
		Doc:    "Reports: reportTable{id} and reportParams{paramReportingPeriod,…} (≤2.33) ↔ visualization{id} and reportParams{reportingPeriod,…}.",
		Up: func(c *Context, p Payload) error {
			eachObject(p, "reports", func(r map[string]any) { liftReport(r) })
			return nil
		},
		Down: func(c *Context, p Payload) error {
			eachObject(p, "reports", func(r map[string]any) { lowerReport(r) })
			return nil
		},
	}
}

func liftReport(r map[string]any) {
	move(r, "reportTable", "visualization")
	if rp := asMap(r["reportParams"]); rp != nil {
		r["reportParams"] = renameParams(rp, false)
	}
}

func lowerReport(r map[string]any) {
	move(r, "visualization", "reportTable")
	if rp := asMap(r["reportParams"]); rp != nil {
		r["reportParams"] = renameParams(rp, true)
	}
}
