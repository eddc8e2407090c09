package transform

import (
	"slices"

	"github.com/d2sync/d2sync/internal/dhis2"
	"github.com/d2sync/d2sync/internal/period"
)

// Relative periods of analytical objects. Up to 2.39 they are a
// RelativePeriods object of booleans, relativePeriods {"last12Months":
// true, …}; 2.40 replaced it by rawPeriods, a list of RelativePeriodEnum
// names and ISO periods (BaseAnalyticalObject.getRawPeriods), and its
// upgrade migration V2_40_30 copied each object's true flags into the list
// (visualizations, event visualizations, map views; reports keep their
// list unserialised, behind relativePeriods, so they need no conversion). From 2.40
// relativePeriods is only computed from rawPeriods, not owned, so a
// :owner export carries rawPeriods alone; 2.39 already kept the flags in a
// column behind relativePeriods (rawRelativePeriods, not serialised), so
// its :owner export carries neither (see ExportFields).

// RelativePeriod is one of DHIS2's relative periods.
type RelativePeriod struct {
	// Enum is its RelativePeriodEnum name, the 2.40+ rawPeriods entry,
	// e.g. "LAST_12_MONTHS".
	Enum string
	// Flag is its boolean in the RelativePeriods object, e.g.
	// "last12Months".
	Flag string
	// Since is the first minor version that has it.
	Since int
}

// relativePeriods is RelativePeriods.getRelativePeriodEnums, in its order.
var relativePeriods = []RelativePeriod{
	{"TODAY", "thisDay", 30}, {"YESTERDAY", "yesterday", 30}, {"LAST_3_DAYS", "last3Days", 30},
	{"LAST_7_DAYS", "last7Days", 30}, {"LAST_14_DAYS", "last14Days", 30}, {"LAST_30_DAYS", "last30Days", 35},
	{"LAST_60_DAYS", "last60Days", 35}, {"LAST_90_DAYS", "last90Days", 35}, {"LAST_180_DAYS", "last180Days", 35},
	{"THIS_MONTH", "thisMonth", 30}, {"LAST_MONTH", "lastMonth", 30}, {"THIS_BIMONTH", "thisBimonth", 30},
	{"LAST_BIMONTH", "lastBimonth", 30}, {"THIS_QUARTER", "thisQuarter", 30}, {"LAST_QUARTER", "lastQuarter", 30},
	{"THIS_SIX_MONTH", "thisSixMonth", 30}, {"LAST_SIX_MONTH", "lastSixMonth", 30},
	{"WEEKS_THIS_YEAR", "weeksThisYear", 30}, {"MONTHS_THIS_YEAR", "monthsThisYear", 30},
	{"BIMONTHS_THIS_YEAR", "biMonthsThisYear", 30}, {"QUARTERS_THIS_YEAR", "quartersThisYear", 30},
	{"THIS_YEAR", "thisYear", 30}, {"MONTHS_LAST_YEAR", "monthsLastYear", 30},
	{"QUARTERS_LAST_YEAR", "quartersLastYear", 30}, {"LAST_YEAR", "lastYear", 30}, {"LAST_5_YEARS", "last5Years", 30},
	{"LAST_10_YEARS", "last10Years", 37}, {"LAST_12_MONTHS", "last12Months", 30}, {"LAST_6_MONTHS", "last6Months", 30},
	{"LAST_3_MONTHS", "last3Months", 30}, {"LAST_6_BIMONTHS", "last6BiMonths", 30},
	{"LAST_4_QUARTERS", "last4Quarters", 30}, {"LAST_2_SIXMONTHS", "last2SixMonths", 30},
	{"THIS_FINANCIAL_YEAR", "thisFinancialYear", 30}, {"LAST_FINANCIAL_YEAR", "lastFinancialYear", 30},
	{"LAST_5_FINANCIAL_YEARS", "last5FinancialYears", 30}, {"LAST_10_FINANCIAL_YEARS", "last10FinancialYears", 37},
	{"THIS_WEEK", "thisWeek", 30}, {"LAST_WEEK", "lastWeek", 30}, {"THIS_BIWEEK", "thisBiWeek", 30},
	{"LAST_BIWEEK", "lastBiWeek", 30}, {"LAST_4_WEEKS", "last4Weeks", 30}, {"LAST_4_BIWEEKS", "last4BiWeeks", 30},
	{"LAST_12_WEEKS", "last12Weeks", 30}, {"LAST_52_WEEKS", "last52Weeks", 30},
}

// RelativePeriods returns the relative periods DHIS2 2.minor has, in the
// order of RelativePeriods.getRelativePeriodEnums (the order DHIS2 lists
// the flags of a RelativePeriods object in rawPeriods).
func RelativePeriods(minor int) []RelativePeriod {
	var out []RelativePeriod
	for _, rp := range relativePeriods {
		if rp.Since <= minor {
			out = append(out, rp)
		}
	}
	return out
}

// IsRelativePeriod reports whether s is a RelativePeriodEnum name.
func IsRelativePeriod(s string) bool {
	return slices.ContainsFunc(relativePeriods, func(rp RelativePeriod) bool { return rp.Enum == s })
}

// IsISOPeriod reports whether s is an ISO period identifier DHIS2 parses
// (PeriodType.getPeriodFromIsoString), e.g. "202401", "2024Q1".
func IsISOPeriod(s string) bool {
	_, err := period.Parse(s)
	return err == nil
}

// rawPeriodTypes are the canonical types whose objects carry rawPeriods;
// map views also inside maps.
var rawPeriodTypes = []string{"visualizations", "eventVisualizations", "mapViews"}

func relativePeriodsList() Transform {
	return Transform{
		Name:   "relative-periods",
		Gate:   40,
		Always: true, // 2.40+ still accept relativePeriods (DHIS2's own test payloads use it) and echo it with fields=*
		Doc: "relativePeriods {flag: true…} (≤2.39) ↔ rawPeriods [RelativePeriodEnum names, ISO periods] (2.40+) on " +
			"visualizations, event visualizations and map views (V2_40_30). Down moves ISO entries to periods.",
		Up: func(c *Context, p Payload) error {
			eachPeriodObject(p, c.liftRelativePeriods)
			return nil
		},
		Down: func(c *Context, p Payload) error {
			eachPeriodObject(p, c.lowerRawPeriods)
			return nil
		},
		Lossy: []Loss{
			{Type: "visualizations", Property: "rawPeriods", Reason: relPeriodsLoss},
			{Type: "eventVisualizations", Property: "rawPeriods", Reason: relPeriodsLoss},
			{Type: "maps", Property: "mapViews.rawPeriods", Reason: relPeriodsLoss},
			{Type: "mapViews", Property: "rawPeriods", Reason: relPeriodsLoss},
		},
	}
}

const relPeriodsLoss = "before 2.40 relative periods are flags, listed in DHIS2's fixed order, and fixed periods " +
	"live in periods only; relative periods a version does not have are dropped"

// eachPeriodObject visits the objects that carry relative periods: top-level
// visualizations, event visualizations and map views, and map views
// embedded in maps.
func eachPeriodObject(p Payload, f func(typ string, obj map[string]any)) {
	for _, typ := range rawPeriodTypes {
		eachObject(p, typ, func(o map[string]any) { f(typ, o) })
	}
	eachObject(p, "maps", func(m map[string]any) {
		for _, mv := range asSlice(m["mapViews"]) {
			if o := asMap(mv); o != nil && !isRef(o) {
				f("maps", o)
			}
		}
	})
}

// liftRelativePeriods turns the flags into rawPeriods entries: the true
// flags, in the order of RelativePeriods.getRelativePeriodEnums (the order a
// 2.40+ import of a relativePeriods object gives them,
// DefaultAnalyticalObjectImportHandler.handleRelativePeriods; V2_40_30
// follows a hash map's order), after the entries rawPeriods may hold.
func (c *Context) liftRelativePeriods(typ string, o map[string]any) {
	rp, ok := o["relativePeriods"]
	if !ok {
		return
	}
	delete(o, "relativePeriods")
	flags := asMap(rp)
	raw := asSlice(o["rawPeriods"])
	for _, r := range relativePeriods {
		if b, _ := flags[r.Flag].(bool); b && !slices.Contains(raw, any(r.Enum)) {
			raw = append(raw, r.Enum)
		}
	}
	if len(raw) > 0 {
		o["rawPeriods"] = raw
	}
}

// lowerRawPeriods turns rawPeriods into the flags of the destination's
// version and moves ISO periods to periods.
func (c *Context) lowerRawPeriods(typ string, o map[string]any) {
	raw, ok := o["rawPeriods"]
	if !ok {
		return
	}
	delete(o, "rawPeriods")
	entries := asSlice(raw)
	if len(entries) == 0 {
		return
	}
	known := map[string]string{}
	for _, r := range RelativePeriods(c.To.Minor) {
		known[r.Enum] = r.Flag
	}
	flags := map[string]any{}
	var dropped []string
	for _, e := range entries {
		s, _ := e.(string)
		switch {
		case known[s] != "":
			flags[known[s]] = true
		case IsISOPeriod(s):
			c.addFixedPeriod(o, s)
		default:
			dropped = append(dropped, s)
		}
	}
	if len(flags) > 0 {
		o["relativePeriods"] = flags
	}
	if len(dropped) > 0 {
		c.Warn(typ, o, "rawPeriods", "relative periods %v do not exist on %s: dropped", dropped, c.To)
	}
}

// addFixedPeriod adds the ISO period s to o's periods unless it is there.
func (c *Context) addFixedPeriod(o map[string]any, s string) {
	periods := asSlice(o["periods"])
	for _, p := range periods {
		if refID(p) == s {
			return
		}
	}
	o["periods"] = append(periods, ref(s))
}

// analyticalTypes239 are the 2.39 types whose relativePeriods is stored in
// a rawRelativePeriods column (BaseAnalyticalObject).
var analyticalTypes239 = []string{"visualizations", "eventVisualizations", "eventCharts", "eventReports", "mapViews"}

// UnownedStoredProperties returns the properties of typ (plural) that a
// DHIS2 instance of version v stores through their setter although its
// schema does not mark them owned and persisted, so that a fields=:owner
// export leaves them out and a filter on owned properties drops them:
// relativePeriods of 2.39's analytical objects (kept in a
// rawRelativePeriods column the schema does not show) and of reports from
// 2.39 (kept in a rawPeriods column that is not serialised). Reading them
// needs fields=:owner,<property>; writing them needs them kept. Map views
// embedded in maps have the same property on 2.39 (mapViews[…] in the
// fields of maps).
func UnownedStoredProperties(v dhis2.Version, typ string) []string {
	switch {
	case typ == "reports" && v.AtLeast(39):
		return []string{"relativePeriods"}
	case v.AtLeast(39) && !v.AtLeast(40) && slices.Contains(analyticalTypes239, typ):
		return []string{"relativePeriods"}
	}
	return nil
}
