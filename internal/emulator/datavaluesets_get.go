package emulator

import (
	"archive/zip"
	"compress/gzip"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/d2sync/d2sync/internal/emulator/datavalue"
	"github.com/d2sync/d2sync/internal/period"
)

// illegalQuery is DHIS2's IllegalQueryException: 409 with an error code.
func illegalQuery(code, format string, args ...any) *apiError {
	return &apiError{code: http.StatusConflict, message: fmt.Sprintf(format, args...), errorCode: code}
}

// listParam returns the values of a repeatable parameter, also split on
// commas (Spring binds both forms).
func listParam(q url.Values, name string) []string {
	var out []string
	for _, v := range q[name] {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

func boolParam(q url.Values, name string) bool {
	b, _ := strconv.ParseBool(q.Get(name))
	return b
}

// scheme returns the id scheme of a property: the specific parameter,
// else the general one, else UID. Only UID and CODE are distinguished;
// other schemes (NAME, ATTRIBUTE:…) are served as UID.
func scheme(q url.Values, specific, general string) string {
	s := q.Get(specific)
	if s == "" {
		s = q.Get(general)
	}
	if strings.EqualFold(s, "CODE") {
		return "CODE"
	}
	return "UID"
}

// resolveIDs maps request identifiers to UIDs under an input scheme,
// dropping unknown ones as DHIS2 does.
func (e *Emulator) resolveIDs(ids []string, plural, scheme string) []string {
	cat := e.catalog()
	var out []string
	for _, id := range ids {
		if scheme == "CODE" {
			if uid, ok := cat.UIDByCode(plural, id); ok {
				out = append(out, uid)
			}
			continue
		}
		if cat.Exists(plural, id) {
			out = append(out, id)
		}
	}
	return out
}

// dataValueQuery turns GET /api/dataValueSets parameters into a store
// query, with DHIS2's validation (E2001–E2009).
func (e *Emulator) dataValueQuery(q url.Values) (datavalue.Query, error) {
	var dq datavalue.Query
	cat := e.catalog()
	in := func(specific string) string { return scheme(q, specific, "inputIdScheme") }
	des := map[string]bool{}
	for _, ds := range e.resolveIDs(listParam(q, "dataSet"), "dataSets", in("inputDataSetIdScheme")) {
		members, _ := cat.DataSetElements(ds)
		for _, de := range members {
			des[de] = true
		}
	}
	for _, g := range e.resolveIDs(listParam(q, "dataElementGroup"), "dataElementGroups", in("inputDataElementGroupIdScheme")) {
		members, _ := cat.DataElementGroupMembers(g)
		for _, de := range members {
			des[de] = true
		}
	}
	if e.prof.DataElementFilter {
		for _, de := range e.resolveIDs(listParam(q, "dataElement"), "dataElements", in("inputDataElementIdScheme")) {
			des[de] = true
		}
	}
	if len(des) == 0 {
		return dq, illegalQuery("E2001", "At least one valid data set or data element group must be specified")
	}
	for de := range des {
		dq.DataElements = append(dq.DataElements, de)
	}
	if err := e.periodParams(q, &dq); err != nil {
		return dq, err
	}
	if err := e.orgUnitParams(q, &dq); err != nil {
		return dq, err
	}
	dq.AttributeOptionCombos = listParam(q, "attributeOptionCombo")
	dq.IncludeDeleted = boolParam(q, "includeDeleted")
	return dq, limitParam(q, &dq)
}

// limitParam reads limit (E2009 when negative or not a number).
func limitParam(q url.Values, dq *datavalue.Query) error {
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return illegalQuery("E2009", "Limit cannot be less than zero: `%s`", s)
		}
		dq.Limit = n
	}
	return nil
}

func (e *Emulator) periodParams(q url.Values, dq *datavalue.Query) error {
	for _, id := range listParam(q, "period") {
		if _, err := period.Parse(id); err == nil {
			dq.Periods = append(dq.Periods, id)
		}
	}
	start, end := q.Get("startDate"), q.Get("endDate")
	if start != "" && end != "" {
		s, err1 := parseDate(start, e.loc)
		en, err2 := parseDate(end, e.loc)
		if err1 != nil || err2 != nil {
			return illegalQuery("E2002", "At least one valid period, start/end dates, last updated or last updated duration must be specified")
		}
		if s.After(en) {
			return illegalQuery("E2004", "Start date must be before end date")
		}
		if len(dq.Periods) > 0 {
			return illegalQuery("E2003", "Both periods and start/end date cannot be specified")
		}
		dq.StartDate, dq.EndDate = s, en
	}
	if s := q.Get("lastUpdated"); s != "" {
		t, err := parseDate(s, e.loc)
		if err != nil {
			return illegalQuery("E2002", "At least one valid period, start/end dates, last updated or last updated duration must be specified")
		}
		dq.LastUpdated = t
	}
	if s := q.Get("lastUpdatedDuration"); s != "" {
		d, err := parseDHIS2Duration(s)
		if err != nil {
			return illegalQuery("E2005", "Duration is not valid: `%s`", s)
		}
		dq.LastUpdated = e.now().Add(-d)
	}
	if len(dq.Periods) == 0 && dq.StartDate.IsZero() && dq.LastUpdated.IsZero() {
		return illegalQuery("E2002", "At least one valid period, start/end dates, last updated or last updated duration must be specified")
	}
	return nil
}

func (e *Emulator) orgUnitParams(q url.Values, dq *datavalue.Query) error {
	cat := e.catalog()
	ous := e.resolveIDs(listParam(q, "orgUnit"), "organisationUnits", scheme(q, "inputOrgUnitIdScheme", "inputIdScheme"))
	groups := e.resolveIDs(listParam(q, "orgUnitGroup"), "organisationUnitGroups", "UID")
	children := boolParam(q, "children")
	if len(ous) == 0 && len(groups) == 0 {
		return illegalQuery("E2006", "At least one valid organisation unit or organisation unit group must be specified")
	}
	seen := map[string]bool{}
	add := func(ids []string) {
		for _, id := range ids {
			if !seen[id] {
				seen[id] = true
				dq.OrgUnits = append(dq.OrgUnits, id)
			}
		}
	}
	for _, ou := range ous {
		if !children {
			add([]string{ou})
			continue
		}
		desc, _ := cat.OrgUnitDescendants(ou)
		add(desc)
	}
	for _, g := range groups {
		members, _ := cat.OrgUnitGroupMembers(g)
		add(members)
	}
	return nil
}

// parseDate accepts DHIS2's lenient date forms: 2024-01-31, with a time,
// with millis, with a zone. Zoneless values are in the server zone.
func parseDate(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.000Z0700", "2006-01-02T15:04:05Z0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	for _, layout := range []string{"2006-01-02T15:04:05.000", "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02", "2006-01", "2006"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid date %q", s)
}

// parseDHIS2Duration parses lastUpdatedDuration: a number and a unit d,
// h, m or s (e.g. 10d, 2h).
func parseDHIS2Duration(s string) (time.Duration, error) {
	if len(s) < 2 {
		return 0, fmt.Errorf("invalid duration %q", s)
	}
	n, err := strconv.Atoi(s[:len(s)-1])
	if err != nil || n < 0 {
		return 0, fmt.Errorf("invalid duration %q", s)
	}
	unit := map[byte]time.Duration{'d': 24 * time.Hour, 'h': time.Hour, 'm': time.Minute, 's': time.Second}[s[len(s)-1]]
	if unit == 0 {
		return 0, fmt.Errorf("invalid duration %q", s)
	}
	return time.Duration(n) * unit, nil
}

// getDataValueSets streams GET /api/dataValueSets as JSON, optionally
// compressed (compression=gzip|zip, 2.39+). Dates are written the way
// DHIS2's streaming writer does (UTC with +0000). A request for exactly one
// data set, period and org unit gets DHIS2's header (dataSet, period,
// orgUnit, completeDate when registered).
func (e *Emulator) getDataValueSets(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	dq, err := e.dataValueQuery(q)
	if err != nil {
		return err
	}
	out, finish := e.exportWriter(w, q)
	jw := datavalue.NewJSONWriter(out, datavalue.WriteOptions{})
	if h, ok := e.exportHeader(q); ok {
		jw.WriteHeader(h)
	}
	write := e.outputSchemes(q, jw.Write)
	err = e.values.Scan(dq, write)
	if err == nil {
		err = jw.Close()
	}
	if err == nil {
		err = finish()
	}
	if err != nil {
		// The answer has started: the client sees a cut body.
		e.log.Debug("dataValueSets export stopped", slog.Any("error", err))
	}
	return nil
}

// exportHeader is the data value set header DHIS2 writes when the request
// names exactly one data set, one period and one org unit.
func (e *Emulator) exportHeader(q url.Values) (datavalue.Header, bool) {
	ds, pe, ou := listParam(q, "dataSet"), listParam(q, "period"), listParam(q, "orgUnit")
	if len(ds) != 1 || len(pe) != 1 || len(ou) != 1 || boolParam(q, "children") {
		return datavalue.Header{}, false
	}
	h := datavalue.Header{DataSet: ds[0], Period: pe[0], OrgUnit: ou[0]}
	if reg, ok := e.values.Registrations.Get(ds[0], pe[0], ou[0], datavalue.DefaultOptionCombo); ok && reg.Completed {
		h.CompleteDate = reg.Date.In(e.loc).Format("2006-01-02")
	}
	return h, true
}

// exportWriter sets the headers and returns the body writer and its
// finisher, compressed when asked on a version that supports it.
func (e *Emulator) exportWriter(w http.ResponseWriter, q url.Values) (io.Writer, func() error) {
	comp := strings.ToLower(q.Get("compression"))
	if !e.prof.DataValueSetsCompression {
		comp = ""
	}
	switch comp {
	case "gzip":
		w.Header().Set("Content-Type", "application/gzip")
		w.Header().Set("Content-Disposition", "attachment; filename=dataValues.json.gz")
		zw, _ := gzip.NewWriterLevel(w, gzip.BestSpeed)
		return zw, zw.Close
	case "zip":
		w.Header().Set("Content-Type", "application/zip")
		w.Header().Set("Content-Disposition", "attachment; filename=dataValues.json.zip")
		zw := zip.NewWriter(w)
		f, _ := zw.Create("dataValues.json")
		return f, zw.Close
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	if a := q.Get("attachment"); a != "" {
		w.Header().Set("Content-Disposition", "attachment; filename="+strconv.Quote(a))
	}
	return w, func() error { return nil }
}

// outputSchemes wraps write with the CODE mappers asked for by the id
// scheme parameters; codes fall back to the UID when an object has none.
func (e *Emulator) outputSchemes(q url.Values, write func(*datavalue.DataValue) error) func(*datavalue.DataValue) error {
	cat := e.catalog()
	mapper := func(specific, plural string) func(string) string {
		if scheme(q, specific, "idScheme") != "CODE" {
			return nil
		}
		return func(uid string) string {
			if c, ok := cat.Code(plural, uid); ok && c != "" {
				return c
			}
			return uid
		}
	}
	de := mapper("dataElementIdScheme", "dataElements")
	ou := mapper("orgUnitIdScheme", "organisationUnits")
	coc := mapper("categoryOptionComboIdScheme", "categoryOptionCombos")
	aoc := mapper("attributeOptionComboIdScheme", "categoryOptionCombos")
	if de == nil && ou == nil && coc == nil && aoc == nil {
		return write
	}
	apply := func(m func(string) string, s *string) {
		if m != nil {
			*s = m(*s)
		}
	}
	return func(dv *datavalue.DataValue) error {
		apply(de, &dv.DataElement)
		apply(ou, &dv.OrgUnit)
		apply(coc, &dv.CategoryOptionCombo)
		apply(aoc, &dv.AttributeOptionCombo)
		return write(dv)
	}
}
