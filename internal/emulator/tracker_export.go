package emulator

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/d2sync/d2sync/internal/emulator/profile"
	"github.com/d2sync/d2sync/internal/emulator/tracker"
)

// trackerKind describes one tracker collection endpoint.
type trackerKind struct {
	kind     tracker.Kind
	path     string // URL segment and list key
	typeName string // for 404 messages
	fields   string // default field filter
}

var newTrackerKinds = []trackerKind{
	{tracker.KindTrackedEntity, "trackedEntities", "TrackedEntity", "*,!relationships,!enrollments,!events,!programOwners"},
	{tracker.KindEnrollment, "enrollments", "Enrollment", "*,!relationships,!events,!attributes"},
	{tracker.KindEvent, "events", "Event", "*,!relationships"},
	{tracker.KindRelationship, "relationships", "Relationship", "*"},
}

// trackerParams reads the query parameters of one version: 2.41+ names
// first, then the 2.36–2.40 names (orgUnit/ou, ouMode, skipPaging,
// trackedEntityInstance, event=a;b), which 2.41 still accepts and 2.42
// ignores.
type trackerParams struct {
	q      url.Values
	legacy bool // 2.36–2.41 names accepted
	modern bool // 2.41+ names accepted
}

func (e *Emulator) trackerParams(r *http.Request) trackerParams {
	m := e.prof.Version.Minor
	return trackerParams{q: r.URL.Query(), legacy: m <= 41, modern: m >= 41}
}

// first returns the first non-empty value of the names.
func (p trackerParams) first(names ...string) string {
	for _, n := range names {
		if v := p.q.Get(n); v != "" {
			return v
		}
	}
	return ""
}

// list splits a parameter list: comma for 2.41+ names, semicolon (and
// comma) for the old ones.
func (p trackerParams) list(modern string, legacyNames ...string) []string {
	var raw string
	if p.modern {
		raw = p.q.Get(modern)
	}
	if raw == "" && p.legacy {
		raw = p.first(legacyNames...)
	}
	return splitIDs(raw)
}

func splitIDs(raw string) []string {
	return strings.FieldsFunc(raw, func(c rune) bool { return c == ',' || c == ';' })
}

func (p trackerParams) date(loc *time.Location, names ...string) (*time.Time, error) {
	v := p.first(names...)
	if v == "" {
		return nil, nil
	}
	t, err := tracker.ParseTime(v, loc)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// query builds the engine query of a new-tracker list request.
func (e *Emulator) trackerQuery(k trackerKind, p trackerParams) (tracker.Query, error) {
	q := tracker.Query{Kind: k.kind, Program: p.q.Get("program"), ProgramStage: p.q.Get("programStage"),
		TrackedEntityType: p.q.Get("trackedEntityType"), IncludeDeleted: p.q.Get("includeDeleted") == "true",
		Order: tracker.ParseOrder(strings.Join(p.q["order"], ",")), Page: atoi(p.q.Get("page")), PageSize: atoi(p.q.Get("pageSize"))}
	q.OrgUnits = p.list("orgUnits", "orgUnit", "ou")
	if k.kind == tracker.KindEvent && len(q.OrgUnits) == 0 {
		q.OrgUnits = splitIDs(p.q.Get("orgUnit"))
	}
	q.OrgUnitMode = p.first("orgUnitMode")
	if q.OrgUnitMode == "" && p.legacy {
		q.OrgUnitMode = p.first("ouMode")
	}
	switch k.kind {
	case tracker.KindTrackedEntity:
		q.UIDs = p.list("trackedEntities", "trackedEntity", "trackedEntityInstance")
		q.ProgramStatus = p.first("enrollmentStatus", "programStatus")
	case tracker.KindEnrollment:
		q.UIDs = p.list("enrollments", "enrollment")
		q.TrackedEntity = p.first("trackedEntity", "trackedEntityInstance")
		q.Status = p.first("status", "programStatus")
	case tracker.KindEvent:
		q.UIDs = p.list("events", "event")
		q.TrackedEntity = p.first("trackedEntity", "trackedEntityInstance")
		q.Status = p.first("status")
	}
	var err error
	if q.UpdatedAfter, err = p.date(e.loc, "updatedAfter", "lastUpdatedStartDate"); err != nil {
		return q, err
	}
	if q.UpdatedBefore, err = p.date(e.loc, "updatedBefore", "lastUpdatedEndDate"); err != nil {
		return q, err
	}
	if q.OccurredAfter, err = p.date(e.loc, "occurredAfter", "enrolledAfter", "startDate"); err != nil {
		return q, err
	}
	if q.OccurredBefore, err = p.date(e.loc, "occurredBefore", "enrolledBefore", "endDate"); err != nil {
		return q, err
	}
	if d := p.first("updatedWithin", "lastUpdatedDuration"); d != "" && q.UpdatedAfter == nil {
		if dur, ok := parseISODuration(d); ok {
			t := e.now().Add(-dur)
			q.UpdatedAfter = &t
		}
	}
	q.NoPaging = (p.modern && p.q.Get("paging") == "false") || (p.legacy && p.q.Get("skipPaging") == "true")
	return q, nil
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// parseISODuration reads DHIS2's durations: ISO-8601 (PT5H, P2D) or the
// old 5d/3h/10m/30s form.
func parseISODuration(s string) (time.Duration, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if s == "" {
		return 0, false
	}
	if !strings.HasPrefix(s, "P") {
		units := map[byte]time.Duration{'D': 24 * time.Hour, 'H': time.Hour, 'M': time.Minute, 'S': time.Second}
		u, ok := units[s[len(s)-1]]
		n, err := strconv.Atoi(s[:len(s)-1])
		return time.Duration(n) * u, ok && err == nil
	}
	var total time.Duration
	inTime := false
	num := ""
	for _, c := range s[1:] {
		switch {
		case c == 'T':
			inTime = true
		case c >= '0' && c <= '9':
			num += string(c)
		default:
			n, err := strconv.Atoi(num)
			if err != nil {
				return 0, false
			}
			num = ""
			switch {
			case c == 'D':
				total += time.Duration(n) * 24 * time.Hour
			case c == 'W':
				total += time.Duration(n) * 7 * 24 * time.Hour
			case c == 'H':
				total += time.Duration(n) * time.Hour
			case c == 'M' && inTime:
				total += time.Duration(n) * time.Minute
			case c == 'S':
				total += time.Duration(n) * time.Second
			default:
				return 0, false
			}
		}
	}
	return total, true
}

// badTrackerQuery is DHIS2's answer to an invalid tracker query: 400 on
// 2.41+ (BadRequestException), 409 before (IllegalQueryException).
func (e *Emulator) badTrackerQuery(format string, args ...any) error {
	code := http.StatusConflict
	if e.prof.Version.Minor >= 41 {
		code = http.StatusBadRequest
	}
	return errStatus(code, format, args...)
}

// checkTEScope enforces DHIS2's tracked-entity query rules: not both a
// program and a tracked entity type; one of them (unless explicit UIDs)
// from 2.37; an org unit unless the mode needs none (2.41+ default
// ACCESSIBLE without org units).
func (e *Emulator) checkTEScope(q *tracker.Query, modern bool) error {
	if q.Program != "" && q.TrackedEntityType != "" {
		return e.badTrackerQuery("Program and tracked entity cannot be specified simultaneously")
	}
	// DHIS2 2.37 added the program-or-type requirement (TrackedEntityQueryParams validation).
	if q.Program == "" && q.TrackedEntityType == "" && len(q.UIDs) == 0 && e.prof.Version.Minor >= 37 {
		if modern {
			return e.badTrackerQuery("Either `program`, `trackedEntityType` or `trackedEntities` should be specified")
		}
		return e.badTrackerQuery("Either Program or Tracked entity type should be specified")
	}
	mode := strings.ToUpper(q.OrgUnitMode)
	needsUnit := mode == "" || mode == tracker.OUSelected || mode == tracker.OUChildren || mode == tracker.OUDescendants
	if modern && mode == "" {
		needsUnit = false
	}
	if len(q.OrgUnits) == 0 && needsUnit && len(q.UIDs) == 0 {
		return e.badTrackerQuery("At least one organisation unit must be specified")
	}
	return nil
}

// listTracker serves GET /api/tracker/{trackedEntities,enrollments,events,relationships}.
func (e *Emulator) listTracker(k trackerKind) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p := e.trackerParams(r)
		q, err := e.trackerQuery(k, p)
		if err != nil {
			return e.badTrackerQuery("%v", err)
		}
		switch k.kind {
		case tracker.KindTrackedEntity:
			if err := e.checkTEScope(&q, p.modern); err != nil {
				return err
			}
		case tracker.KindRelationship:
			n := 0
			for _, name := range []string{"trackedEntity", "enrollment", "event", "tei", "trackedEntityInstance"} {
				if v := p.q.Get(name); v != "" {
					q.Related, n = v, n+1
				}
			}
			if n != 1 {
				return e.badTrackerQuery("Missing required parameter 'trackedEntity', 'enrollment' or 'event'.")
			}
		}
		res, err := e.state.tracker.store.Find(q, e.state.tracker.catalog(), tracker.ShapeNew, tracker.ParseFields(fieldsOr(p.q, k.fields)))
		if err != nil {
			return e.badTrackerQuery("%v", err)
		}
		return writeRendered(w, http.StatusOK, e.trackerEnvelope(r, k.path, res, q.NoPaging, p.q.Get("totalPages") == "true"))
	}
}

// writeRendered writes rendered tracker objects with the tracker
// package's fast JSON encoder.
func writeRendered(w http.ResponseWriter, code int, v any) error {
	b := tracker.AppendJSON(make([]byte, 0, 4096), v)
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Header().Set("Cache-Control", "no-cache, private")
	w.WriteHeader(code)
	_, err := w.Write(b)
	return err
}

func fieldsOr(q url.Values, def string) string {
	if f := strings.Join(q["fields"], ","); f != "" {
		return f
	}
	return def
}

// trackerEnvelope wraps a result in the version's list envelope
// (profile.TrackerList): {"instances",page,pageSize,total?} on 2.36–2.40,
// pager plus the deprecated flat fields on 2.41, pager only on 2.42+;
// totals only with totalPages=true; no paging fields with paging off.
func (e *Emulator) trackerEnvelope(r *http.Request, key string, res *tracker.Result, noPaging, totals bool) map[string]any {
	items := make([]any, len(res.Items))
	for i, it := range res.Items {
		items[i] = it
	}
	if e.prof.TrackerList == profile.TrackerInstances {
		out := map[string]any{"instances": items}
		if !noPaging {
			out["page"], out["pageSize"] = res.Page, res.PageSize
			if totals {
				out["total"], out["pageCount"] = res.Total, pageCount(res)
			}
		}
		return out
	}
	out := map[string]any{key: items}
	if noPaging {
		return out
	}
	pager := map[string]any{"page": res.Page, "pageSize": res.PageSize}
	if totals {
		pager["total"], pager["pageCount"] = res.Total, pageCount(res)
	}
	link := func(page int) string {
		u := *r.URL
		v := u.Query()
		v.Set("page", strconv.Itoa(page))
		u.RawQuery = v.Encode()
		return baseURL(r) + u.RequestURI()
	}
	if res.HasNext {
		pager["nextPage"] = link(res.Page + 1)
	}
	if res.Page > 1 {
		pager["prevPage"] = link(res.Page - 1)
	}
	out["pager"] = pager
	if e.prof.TrackerList == profile.TrackerPagerFlat {
		for _, f := range []string{"page", "pageSize", "total", "pageCount"} {
			if v, ok := pager[f]; ok {
				out[f] = v
			}
		}
	}
	return out
}

func pageCount(res *tracker.Result) int {
	if res.PageSize <= 0 {
		return 1
	}
	return max(1, (res.Total+res.PageSize-1)/res.PageSize)
}

// getTracker serves GET /api/tracker/{type}/{uid}.
func (e *Emulator) getTracker(k trackerKind) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		q := r.URL.Query()
		uid := r.PathValue("uid")
		obj, ok := e.state.tracker.store.Get(k.kind, uid, e.state.tracker.catalog(), tracker.ShapeNew,
			tracker.ParseFields(fieldsOr(q, k.fields)), q.Get("includeDeleted") == "true")
		if !ok {
			return errNotFound(k.typeName, uid)
		}
		return writeRendered(w, http.StatusOK, obj)
	}
}
