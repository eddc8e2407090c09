package transform

// Legend and series key. Up to 2.36 a visualization has legendSet,
// legendDisplayStrategy and legendDisplayStyle, and "legend" is the series
// key {label, hidden}. From 2.37 (the Android SDK switches DTOs at 2.37;
// DHIS2's column rename V2_39_3 legend → serieskey is guarded for
// backports) "legend" is {set, strategy, style, showKey} and the series key
// is seriesKey{label, hidden}.

func visualizationLegend() Transform {
	return Transform{
		Name: "visualization-legend",
		Gate: 37,
		Doc: "Visualization legendSet/legendDisplayStrategy/legendDisplayStyle + legend{label,hidden} (≤2.36) ↔ " +
			"legend{set,strategy,style,showKey} + seriesKey{label,hidden} (2.37+).",
		Up:   func(c *Context, p Payload) error { eachObject(p, "visualizations", liftLegend); return nil },
		Down: func(c *Context, p Payload) error { eachObject(p, "visualizations", c.lowerLegend); return nil },
		Lossy: []Loss{{Type: "visualizations", Property: "legend",
			Reason: "legend options other than set, strategy and style (showKey) are 2.37+"}},
	}
}

var legendNames = [][2]string{{"set", "legendSet"}, {"strategy", "legendDisplayStrategy"}, {"style", "legendDisplayStyle"}}

func liftLegend(vis map[string]any) {
	if old, ok := vis["legend"]; ok {
		delete(vis, "legend")
		if _, has := vis["seriesKey"]; !has && !isEmpty(old) {
			vis["seriesKey"] = old
		}
	}
	legend := map[string]any{}
	for _, n := range legendNames {
		if val, ok := vis[n[1]]; ok {
			delete(vis, n[1])
			if val != nil {
				legend[n[0]] = val
			}
		}
	}
	if len(legend) > 0 {
		vis["legend"] = legend
	}
}

func (c *Context) lowerLegend(vis map[string]any) {
	legend := asMap(vis["legend"])
	delete(vis, "legend")
	for _, n := range legendNames {
		if val, ok := legend[n[0]]; ok {
			vis[n[1]] = val
		}
	}
	if b, _ := legend["showKey"].(bool); b {
		c.Warn("visualizations", vis, "legend.showKey", "legend key display dropped: it needs 2.37+")
	}
	if sk, ok := vis["seriesKey"]; ok {
		delete(vis, "seriesKey")
		if !isEmpty(sk) {
			vis["legend"] = sk
		}
	}
}
