package emulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/d2sync/d2sync/internal/emulator/tracker"
)

// jobEventImport is the JobType of async old event imports.
const jobEventImport = "EVENT_IMPORT"

var oldTrackerKinds = []trackerKind{
	{tracker.KindTrackedEntity, "trackedEntityInstances", "TrackedEntityInstance", "*,!relationships,!enrollments,!events,!programOwners"},
	{tracker.KindEnrollment, "enrollments", "Enrollment", "*,!relationships"},
	{tracker.KindEvent, "events", "Event", "*,!relationships"},
	{tracker.KindRelationship, "relationships", "Relationship", "*"},
}

// oldQuery builds the engine query of an old-API list request (§5.2).
func (e *Emulator) oldQuery(k trackerKind, r *http.Request) (tracker.Query, error) {
	p := trackerParams{q: r.URL.Query(), legacy: true}
	q, err := e.trackerQuery(trackerKind{kind: k.kind}, p)
	if err != nil {
		return q, err
	}
	switch k.kind {
	case tracker.KindTrackedEntity:
		q.UIDs = splitIDs(p.first("trackedEntityInstance"))
		if q.TrackedEntityType == "" {
			q.TrackedEntityType = p.q.Get("trackedEntity")
		}
	case tracker.KindEnrollment:
		q.UIDs = nil
	case tracker.KindEvent:
		q.UIDs = splitIDs(p.q.Get("event"))
	}
	return q, nil
}

// listOldTracker serves GET /api/trackedEntityInstances, /api/enrollments,
// /api/events and /api/relationships (the last needs tei, enrollment or
// event and answers a bare array).
func (e *Emulator) listOldTracker(k trackerKind) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		q, err := e.oldQuery(k, r)
		if err != nil {
			return errStatus(http.StatusConflict, "%v", err)
		}
		qs := r.URL.Query()
		switch k.kind {
		case tracker.KindTrackedEntity:
			if err := e.checkTEScope(&q, false); err != nil {
				return errStatus(http.StatusConflict, "%s", err.(*apiError).message)
			}
		case tracker.KindRelationship:
			q.Related = firstNonEmpty(qs.Get("tei"), qs.Get("trackedEntityInstance"), qs.Get("enrollment"), qs.Get("event"))
			if q.Related == "" {
				return errStatus(http.StatusConflict, "Missing required input parameter: 'tei', 'enrollment' or 'event'")
			}
			q.NoPaging = true
		}
		res, err := e.state.tracker.store.Find(q, e.state.tracker.catalog(), tracker.ShapeOld, tracker.ParseFields(fieldsOr(qs, k.fields)))
		if err != nil {
			return errStatus(http.StatusConflict, "%v", err)
		}
		items := make([]any, len(res.Items))
		for i, it := range res.Items {
			items[i] = it
		}
		if k.kind == tracker.KindRelationship {
			return writeRendered(w, http.StatusOK, items)
		}
		out := map[string]any{k.path: items}
		if !q.NoPaging {
			pager := map[string]any{"page": res.Page, "pageSize": res.PageSize}
			if k.kind == tracker.KindEvent || qs.Get("totalPages") == "true" {
				pager["total"], pager["pageCount"] = res.Total, pageCount(res)
			}
			out["pager"] = pager
		}
		return writeRendered(w, http.StatusOK, out)
	}
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// getOldTracker serves GET /api/<old collection>/{uid}.
func (e *Emulator) getOldTracker(k trackerKind) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		q := r.URL.Query()
		uid := strings.TrimSuffix(r.PathValue("uid"), ".json")
		fields := "*"
		if k.kind == tracker.KindTrackedEntity {
			fields = "*,!relationships,!programOwners"
		}
		obj, ok := e.state.tracker.store.Get(k.kind, uid, e.state.tracker.catalog(), tracker.ShapeOld,
			tracker.ParseFields(fieldsOr(q, fields)), q.Get("includeDeleted") == "true")
		if !ok {
			return errNotFound(k.typeName, uid)
		}
		return writeRendered(w, http.StatusOK, obj)
	}
}

// oldImportParams maps the old API's parameters: strategy/importStrategy
// (CREATE_AND_UPDATE default), dryRun → VALIDATE; objects are imported one
// by one (atomicMode OBJECT), as the old importer does.
func oldImportParams(r *http.Request) tracker.ImportParams {
	q := r.URL.Query()
	p := tracker.ParseImportParams(q.Get)
	p.AtomicMode = tracker.AtomicObject
	p.ReportMode = tracker.ReportFull
	p.ImportMode = tracker.ModeCommit
	if q.Get("dryRun") == "true" {
		p.ImportMode = tracker.ModeValidate
	}
	trackerAccess(r, &p)
	return p
}

// postOldTracker serves POST /api/<old collection>: an ImportSummaries
// WebMessage, HTTP 409 on ERROR and on WARNING. Old events accept
// async=true (an EVENT_IMPORT job under /api/system/tasks).
func (e *Emulator) postOldTracker(k trackerKind) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		data, err := readAllBody(r)
		if err != nil {
			return err
		}
		p := oldImportParams(r)
		run := func() (map[string]any, error) { return e.importOld(k, data, p, baseURL(r)+"/api/"+k.path) }
		if k.kind == tracker.KindEvent && r.URL.Query().Get("async") == "true" {
			return e.startJob(w, r, jobEventImport, "eventImport", "Process started", func() (any, string) {
				sum, err := run()
				if err != nil {
					return map[string]any{"responseType": "ImportSummaries", "status": "ERROR", "importSummaries": []any{}}, "Import failed: " + err.Error()
				}
				return sum, "Import done"
			})
		}
		sum, err := run()
		if err != nil {
			return errStatus(http.StatusBadRequest, "Invalid %s payload: %v", k.path, err)
		}
		addImportOptions(sum, oldImportOptions(r, p))
		return writeOldSummaries(w, sum)
	}
}

// importOld decodes an old-shape body and imports it.
func (e *Emulator) importOld(k trackerKind, data []byte, p tracker.ImportParams, href string) (map[string]any, error) {
	b, tops, err := tracker.DecodeOldBundle(bytes.NewReader(data), k.kind, e.loc)
	if err != nil {
		return nil, err
	}
	b.FillStages(e.state.tracker.catalog())
	report := e.trackerImport(b, p)
	return report.ImportSummaries(b, k.kind, tops, href), nil
}

// oldImportOptions is the ImportOptions object the old importer echoes in
// its summaries.
func oldImportOptions(r *http.Request, p tracker.ImportParams) map[string]any {
	q := r.URL.Query()
	strategy := firstNonEmpty(q.Get("strategy"), q.Get("importStrategy"), "CREATE_AND_UPDATE")
	opts := map[string]any{"idSchemes": map[string]any{}, "dryRun": p.ImportMode == tracker.ModeValidate,
		"async": q.Get("async") == "true", "importStrategy": strings.ToUpper(strategy), "mergeMode": "REPLACE",
		"reportMode": "FULL", "skipExistingCheck": false, "sharing": false, "skipNotifications": q.Get("skipNotifications") == "true",
		"skipAudit": false, "datasetAllowsPeriods": false, "strictPeriods": false, "strictDataElements": false,
		"strictCategoryOptionCombos": false, "strictAttributeOptionCombos": false, "strictOrganisationUnits": false,
		"requireCategoryOptionCombo": false, "requireAttributeOptionCombo": false, "skipPatternValidation": false,
		"ignoreEmptyCollection": false, "force": false, "firstRowIsHeader": true, "skipLastUpdated": false,
		"mergeDataValues": false, "skipCache": false}
	return opts
}

// addImportOptions puts importOptions on the summaries and each summary.
func addImportOptions(sum map[string]any, opts map[string]any) {
	sum["importOptions"] = opts
	for _, s := range asMaps(sum["importSummaries"]) {
		s["importOptions"] = opts
	}
}

func asMaps(v any) []map[string]any {
	list, _ := v.([]any)
	out := make([]map[string]any, 0, len(list))
	for _, e := range list {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// writeOldSummaries wraps ImportSummaries in a WebMessage: 409 on ERROR
// and WARNING (WebMessageUtils.importSummaries), 200 otherwise.
func writeOldSummaries(w http.ResponseWriter, sum map[string]any) error {
	var m *WebMessage
	switch sum["status"] {
	case "ERROR":
		m = newWebMessage(http.StatusConflict, "ERROR", msgSummaryError)
	case "WARNING":
		m = newWebMessage(http.StatusConflict, "WARNING", msgSummaryConflict)
	default:
		m = newWebMessage(http.StatusOK, "OK", msgSummaryOK)
	}
	m.Response = sum
	return writeWebMessage(w, m)
}

// writeOldSummary answers single-object writes (PUT, DELETE) with the
// one ImportSummary.
func writeOldSummary(w http.ResponseWriter, sum map[string]any) error {
	list, _ := sum["importSummaries"].([]any)
	if len(list) != 1 {
		return writeOldSummaries(w, sum)
	}
	one := list[0].(map[string]any)
	var m *WebMessage
	if one["status"] == "ERROR" {
		m = newWebMessage(http.StatusConflict, "ERROR", msgSummaryError)
	} else {
		m = newWebMessage(http.StatusOK, "OK", msgSummaryOK)
	}
	m.Response = one
	return writeWebMessage(w, m)
}

// putOldTracker serves PUT /api/<old collection>/{uid}: an update of one
// object (strategy UPDATE).
func (e *Emulator) putOldTracker(k trackerKind) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		data, err := readAllBody(r)
		if err != nil {
			return err
		}
		var obj map[string]any
		if err := json.Unmarshal(data, &obj); err != nil {
			return errStatus(http.StatusBadRequest, "Invalid %s payload: %v", k.path, err)
		}
		uidKey := map[tracker.Kind]string{tracker.KindTrackedEntity: "trackedEntityInstance", tracker.KindEnrollment: "enrollment",
			tracker.KindEvent: "event", tracker.KindRelationship: "relationship"}[k.kind]
		obj[uidKey] = r.PathValue("uid")
		body, _ := json.Marshal(obj)
		p := oldImportParams(r)
		p.Strategy = tracker.StrategyUpdate
		sum, err := e.importOld(k, body, p, "")
		if err != nil {
			return errStatus(http.StatusBadRequest, "Invalid %s payload: %v", k.path, err)
		}
		return writeOldSummary(w, sum)
	}
}

// deleteOldTracker serves DELETE /api/<old collection>/{uid}: a soft
// delete with DHIS2's cascade; unknown UIDs give 404.
func (e *Emulator) deleteOldTracker(k trackerKind) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		uid := r.PathValue("uid")
		if _, ok := e.state.tracker.store.Get(k.kind, uid, e.state.tracker.catalog(), tracker.ShapeOld, tracker.ParseFields("event"), false); !ok {
			return errNotFound(k.typeName, uid)
		}
		uidKey := map[tracker.Kind]string{tracker.KindTrackedEntity: "trackedEntityInstance", tracker.KindEnrollment: "enrollment",
			tracker.KindEvent: "event", tracker.KindRelationship: "relationship"}[k.kind]
		body, _ := json.Marshal(map[string]any{uidKey: uid})
		p := oldImportParams(r)
		p.Strategy = tracker.StrategyDelete
		sum, err := e.importOld(k, body, p, "")
		if err != nil {
			return err
		}
		return writeOldSummary(w, sum)
	}
}
