package dhis2

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Wire shapes of import reports, summaries and job references. Fields that
// several shapes share are decoded from the same object in parseReport.

type statsJSON struct {
	Created int  `json:"created"`
	Updated int  `json:"updated"`
	Deleted int  `json:"deleted"`
	Ignored int  `json:"ignored"`
	Total   *int `json:"total"`
}

func (s *statsJSON) stats() ImportStats {
	if s == nil {
		return ImportStats{}
	}
	st := ImportStats{Created: s.Created, Updated: s.Updated, Deleted: s.Deleted, Ignored: s.Ignored}
	st.Total = st.Created + st.Updated + st.Deleted + st.Ignored
	if s.Total != nil {
		st.Total = *s.Total
	}
	return st
}

type importCountJSON struct {
	Imported int `json:"imported"`
	Updated  int `json:"updated"`
	Ignored  int `json:"ignored"`
	Deleted  int `json:"deleted"`
}

func (c *importCountJSON) stats() ImportStats {
	if c == nil {
		return ImportStats{}
	}
	return ImportStats{Created: c.Imported, Updated: c.Updated, Deleted: c.Deleted, Ignored: c.Ignored,
		Total: c.Imported + c.Updated + c.Deleted + c.Ignored}
}

type errorReportJSON struct {
	Message       string          `json:"message"`
	MainKlass     string          `json:"mainKlass"`
	MainID        string          `json:"mainId"`
	ErrorKlass    string          `json:"errorKlass"`
	ErrorProperty string          `json:"errorProperty"`
	ErrorCode     string          `json:"errorCode"`
	Value         json.RawMessage `json:"value"`
}

type objectReportJSON struct {
	Klass        string            `json:"klass"`
	Index        *int              `json:"index"`
	UID          string            `json:"uid"`
	ErrorReports []errorReportJSON `json:"errorReports"`
}

type typeReportJSON struct {
	Klass         string             `json:"klass"`
	Stats         *statsJSON         `json:"stats"`
	ObjectReports []objectReportJSON `json:"objectReports"`
}

type trackerErrorJSON struct {
	Message     string `json:"message"`
	ErrorCode   string `json:"errorCode"`
	TrackerType string `json:"trackerType"`
	UID         string `json:"uid"`
}

type validationReportJSON struct {
	ErrorReports   []trackerErrorJSON `json:"errorReports"`
	WarningReports []trackerErrorJSON `json:"warningReports"`
}

type bundleReportJSON struct {
	TypeReportMap map[string]struct {
		TrackerType   string     `json:"trackerType"`
		Stats         *statsJSON `json:"stats"`
		ObjectReports []struct {
			TrackerType  string             `json:"trackerType"`
			UID          string             `json:"uid"`
			Index        *int               `json:"index"`
			ErrorReports []trackerErrorJSON `json:"errorReports"`
		} `json:"objectReports"`
	} `json:"typeReportMap"`
}

type conflictJSON struct {
	Object    string            `json:"object"`
	Objects   map[string]string `json:"objects"`
	Value     string            `json:"value"`
	ErrorCode string            `json:"errorCode"`
	Property  string            `json:"property"`
	Indexes   []int             `json:"indexes"`
}

type summaryJSON struct {
	ResponseType    string           `json:"responseType"`
	Status          string           `json:"status"`
	Description     string           `json:"description"`
	Reference       string           `json:"reference"`
	ImportCount     *importCountJSON `json:"importCount"`
	Conflicts       []conflictJSON   `json:"conflicts"`
	RejectedIndexes []int            `json:"rejectedIndexes"`
	Enrollments     *summariesJSON   `json:"enrollments"`
	Events          *summariesJSON   `json:"events"`
	Relationships   *summariesJSON   `json:"relationships"`
}

type summariesJSON struct {
	Status          string        `json:"status"`
	Imported        int           `json:"imported"`
	Updated         int           `json:"updated"`
	Deleted         int           `json:"deleted"`
	Ignored         int           `json:"ignored"`
	Total           *int          `json:"total"`
	ImportSummaries []summaryJSON `json:"importSummaries"`
}

func (s *summariesJSON) stats() ImportStats {
	st := ImportStats{Created: s.Imported, Updated: s.Updated, Deleted: s.Deleted, Ignored: s.Ignored}
	st.Total = st.Created + st.Updated + st.Deleted + st.Ignored
	if s.Total != nil && *s.Total > st.Total {
		st.Total = *s.Total
	}
	return st
}

// reportJSON is the union of the fields that identify a report's shape.
type reportJSON struct {
	ResponseType string `json:"responseType"`
	Status       string `json:"status"`
	Message      string `json:"message"`
	Description  string `json:"description"`

	Stats       *statsJSON       `json:"stats"`
	TypeReports []typeReportJSON `json:"typeReports"`

	ValidationReport        *validationReportJSON `json:"validationReport"`
	TrackerValidationReport *validationReportJSON `json:"trackerValidationReport"`
	BundleReport            *bundleReportJSON     `json:"bundleReport"`

	ImportCount     *importCountJSON `json:"importCount"`
	ImportSummaries []summaryJSON    `json:"importSummaries"`

	Type         string `json:"type"`
	LastImported string `json:"lastImported"`

	UID          string            `json:"uid"`
	Klass        string            `json:"klass"`
	ErrorReports []errorReportJSON `json:"errorReports"`

	ID                       string `json:"id"`
	JobType                  string `json:"jobType"`
	RelativeNotifierEndpoint string `json:"relativeNotifierEndpoint"`
	Location                 string `json:"location"`
}

// jobRef references an async import job.
type jobRef struct {
	ID       string
	JobType  string // e.g. METADATA_IMPORT; empty for tracker jobs
	Tracker  bool   // a new-tracker job (/api/tracker/jobs/{id})
	Endpoint string // relativeNotifierEndpoint as sent
}

var errNotReport = errors.New("not an import report")

// ParseImportResult parses the body of an import response of any DHIS2
// version into an ImportResult. kind names what was imported (it selects
// type names for summaries); httpStatus is the response status. A body
// that is not an import report (including an async job reference) is an
// error.
func ParseImportResult(kind ImportKind, httpStatus int, body []byte) (*ImportResult, error) {
	res, job, err := parseImportBody(kind, httpStatus, body)
	if err != nil {
		return nil, err
	}
	if job != nil {
		return nil, fmt.Errorf("the body references async job %q, not an import result", job.ID)
	}
	return res, nil
}

// parseImportBody parses an import response: a result, or a job
// reference for async imports.
func parseImportBody(kind ImportKind, httpStatus int, body []byte) (*ImportResult, *jobRef, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		return nil, nil, fmt.Errorf("parse import response: %w", err)
	}
	res := &ImportResult{Kind: kind, HTTPStatus: httpStatus}
	obj := top
	var wm webMessage
	if _, ok := top["httpStatusCode"]; ok || top["httpStatus"] != nil {
		if err := json.Unmarshal(body, &wm); err != nil {
			return nil, nil, fmt.Errorf("parse WebMessage: %w", err)
		}
		res.Wrapped = true
		res.Message = wm.Message
		obj = nil
		if len(wm.Response) > 0 && wm.Response[0] == '{' {
			if err := json.Unmarshal(wm.Response, &obj); err != nil {
				return nil, nil, fmt.Errorf("parse WebMessage response: %w", err)
			}
		}
	}
	job, err := parseReport(res, obj, &wm)
	if err != nil {
		return nil, nil, err
	}
	if job != nil {
		return nil, job, nil
	}
	finishResult(res, &wm, body)
	return res, nil, nil
}

// parseReport fills res from a report object (the body, or the
// WebMessage's response). A nil obj means a WebMessage without report.
func parseReport(res *ImportResult, obj map[string]json.RawMessage, wm *webMessage) (*jobRef, error) {
	if obj == nil {
		if !res.Wrapped {
			return nil, errNotReport
		}
		res.ResponseType = "WebMessage"
		res.Status = normStatus(wm.Status)
		if res.Status == StatusError || wm.ErrorCode != "" {
			res.Errors = append(res.Errors, ImportError{Index: -1, Code: wm.ErrorCode, Message: wm.Message})
		}
		return nil, nil
	}
	raw, _ := json.Marshal(obj)
	var r reportJSON
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("parse import report: %w", err)
	}
	switch shapeOf(&r, obj) {
	case "JobConfiguration":
		return &jobRef{ID: r.ID, JobType: r.JobType, Endpoint: r.RelativeNotifierEndpoint}, nil
	case "TrackerJob":
		return &jobRef{ID: r.ID, Tracker: true, Endpoint: r.Location}, nil
	case "TrackerImportReport":
		parseTrackerReport(res, &r)
	case "ImportReport":
		parseMetadataReport(res, &r)
	case "ImportSummaries":
		var s summariesJSON
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, fmt.Errorf("parse ImportSummaries: %w", err)
		}
		parseSummaries(res, &s)
	case "ImportTypeSummary":
		parseTypeSummary(res, &r, raw)
	case "ImportSummary":
		var s summaryJSON
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, fmt.Errorf("parse ImportSummary: %w", err)
		}
		parseSummary(res, &s)
	case "ObjectReport":
		parseObjectReport(res, &r)
	default:
		return nil, fmt.Errorf("%w: unrecognised response (responseType %q)", errNotReport, r.ResponseType)
	}
	return nil, nil
}

// shapeOf recognises a report by its responseType or, when absent, by its
// fields.
func shapeOf(r *reportJSON, obj map[string]json.RawMessage) string {
	switch r.ResponseType {
	case "JobConfiguration", "TrackerJob", "ImportReport", "ImportSummaries", "ImportTypeSummary", "ImportSummary", "ObjectReport", "TrackerImportReport":
		return r.ResponseType
	}
	has := func(k string) bool { _, ok := obj[k]; return ok }
	switch {
	case has("relativeNotifierEndpoint") || (has("jobType") && r.ID != ""):
		return "JobConfiguration"
	case has("validationReport") || has("trackerValidationReport") || has("bundleReport"):
		return "TrackerImportReport"
	case has("location") && r.ID != "" && !has("status"):
		return "TrackerJob"
	case has("typeReports") || (has("stats") && has("status")):
		return "ImportReport"
	case has("importSummaries"):
		return "ImportSummaries"
	case has("importCount") && has("type"):
		return "ImportTypeSummary"
	case has("importCount"):
		return "ImportSummary"
	case has("klass") && (has("uid") || has("errorReports")):
		return "ObjectReport"
	}
	return ""
}

func parseMetadataReport(res *ImportResult, r *reportJSON) {
	res.ResponseType = "ImportReport"
	res.Status = normStatus(r.Status)
	var sum ImportStats
	for _, tr := range r.TypeReports {
		typ := simpleClass(tr.Klass)
		st := tr.Stats.stats()
		sum = sum.add(st)
		addTypeStats(res, typ, st)
		for _, or := range tr.ObjectReports {
			addErrorReports(res, or.ErrorReports, or.Klass, or.UID, or.Index, typ)
		}
	}
	if r.Stats != nil {
		res.Stats = r.Stats.stats()
	} else {
		res.Stats = sum
	}
}

func addErrorReports(res *ImportResult, reports []errorReportJSON, klass, uid string, index *int, fallbackType string) {
	for _, er := range reports {
		e := ImportError{Type: simpleClass(firstNonEmpty(klass, er.MainKlass)), UID: firstNonEmpty(uid, er.MainID), Index: -1,
			Code: er.ErrorCode, Message: er.Message, Property: er.ErrorProperty, Value: jsonText(er.Value)}
		if e.Type == "" {
			e.Type = fallbackType
		}
		if index != nil {
			e.Index = *index
		}
		res.Errors = append(res.Errors, e)
	}
}

func addTypeStats(res *ImportResult, typ string, st ImportStats) {
	if typ == "" {
		return
	}
	if res.TypeStats == nil {
		res.TypeStats = map[string]ImportStats{}
	}
	res.TypeStats[typ] = res.TypeStats[typ].add(st)
}

func parseTrackerReport(res *ImportResult, r *reportJSON) {
	res.ResponseType = "TrackerImportReport"
	res.Status = normStatus(r.Status)
	if res.Message == "" {
		res.Message = r.Message
	}
	vr := r.ValidationReport
	if vr == nil {
		vr = r.TrackerValidationReport
	}
	if vr != nil {
		for _, e := range vr.ErrorReports {
			res.Errors = append(res.Errors, trackerError(e, nil))
		}
		for _, e := range vr.WarningReports {
			res.Warnings = append(res.Warnings, trackerError(e, nil))
		}
	}
	var sum ImportStats
	if br := r.BundleReport; br != nil {
		for typ, tr := range br.TypeReportMap {
			typ = firstNonEmpty(tr.TrackerType, typ)
			st := tr.Stats.stats()
			sum = sum.add(st)
			addTypeStats(res, typ, st)
			for _, or := range tr.ObjectReports {
				for _, e := range or.ErrorReports {
					te := trackerError(e, or.Index)
					te.Type = firstNonEmpty(te.Type, or.TrackerType, typ)
					te.UID = firstNonEmpty(te.UID, or.UID)
					res.Errors = append(res.Errors, te)
				}
			}
		}
	}
	if r.Stats != nil {
		res.Stats = r.Stats.stats()
	} else {
		res.Stats = sum
	}
}

func trackerError(e trackerErrorJSON, index *int) ImportError {
	ie := ImportError{Type: e.TrackerType, UID: e.UID, Index: -1, Code: e.ErrorCode, Message: e.Message}
	if index != nil {
		ie.Index = *index
	}
	return ie
}

// parseSummaries handles old-tracker ImportSummaries: top-level counts are
// the result's Stats; nested enrollment/event summaries add to TypeStats.
func parseSummaries(res *ImportResult, s *summariesJSON) {
	res.ResponseType = "ImportSummaries"
	res.Status = normStatus(s.Status)
	res.Stats = s.stats()
	top := topTypeFor(res.Kind)
	addTypeStats(res, top, res.Stats)
	for i := range s.ImportSummaries {
		walkSummary(res, &s.ImportSummaries[i], top)
	}
}

// walkSummary collects errors and conflicts of one summary of type typ
// and recurses into its nested summaries.
func walkSummary(res *ImportResult, s *summaryJSON, typ string) {
	if normStatus(s.Status) == StatusError {
		msg := s.Description
		if msg == "" && len(s.Conflicts) > 0 {
			msg = s.Conflicts[0].Value
		}
		res.Errors = append(res.Errors, ImportError{Type: typ, UID: s.Reference, Index: -1, Message: msg})
	}
	for _, c := range s.Conflicts {
		res.Conflicts = append(res.Conflicts, conflict(c, typ, s.Reference))
	}
	res.RejectedIndexes = append(res.RejectedIndexes, s.RejectedIndexes...)
	nested := []struct {
		s   *summariesJSON
		typ string
	}{{s.Enrollments, "ENROLLMENT"}, {s.Events, "EVENT"}, {s.Relationships, "RELATIONSHIP"}}
	for _, n := range nested {
		if n.s == nil {
			continue
		}
		addTypeStats(res, n.typ, n.s.stats())
		for i := range n.s.ImportSummaries {
			walkSummary(res, &n.s.ImportSummaries[i], n.typ)
		}
	}
}

func conflict(c conflictJSON, typ, ref string) ImportConflict {
	return ImportConflict{Object: c.Object, Objects: c.Objects, Value: c.Value, Code: c.ErrorCode, Property: c.Property, Indexes: c.Indexes, Type: typ, Reference: ref}
}

// parseSummary handles a single ImportSummary (data values, complete
// registrations, one old-tracker object).
func parseSummary(res *ImportResult, s *summaryJSON) {
	res.ResponseType = "ImportSummary"
	res.Status = normStatus(s.Status)
	res.Stats = s.ImportCount.stats()
	res.Reference = s.Reference
	if res.Message == "" || res.Wrapped {
		res.Message = firstNonEmpty(s.Description, res.Message)
	}
	top := topTypeFor(res.Kind)
	addTypeStats(res, top, res.Stats)
	before := len(res.Conflicts)
	walkSummary(res, s, top)
	if res.Kind == ImportKindDataValues || res.Kind == ImportKindCompleteRegistrations {
		// Conflicts of aggregate imports are about values, not objects.
		for i := before; i < len(res.Conflicts); i++ {
			res.Conflicts[i].Type, res.Conflicts[i].Reference = "", ""
		}
	}
}

func parseTypeSummary(res *ImportResult, r *reportJSON, raw []byte) {
	res.ResponseType = "ImportTypeSummary"
	res.Status = normStatus(r.Status)
	res.Stats = r.ImportCount.stats()
	res.Reference = r.LastImported
	addTypeStats(res, r.Type, res.Stats)
	var s summaryJSON
	if json.Unmarshal(raw, &s) == nil {
		for _, c := range s.Conflicts {
			res.Conflicts = append(res.Conflicts, conflict(c, r.Type, ""))
		}
	}
}

func parseObjectReport(res *ImportResult, r *reportJSON) {
	res.ResponseType = "ObjectReport"
	res.Reference = r.UID
	addErrorReports(res, r.ErrorReports, r.Klass, r.UID, nil, simpleClass(r.Klass))
	typ := simpleClass(r.Klass)
	if len(r.ErrorReports) == 0 && res.HTTPStatus == 201 {
		res.Stats = ImportStats{Created: 1, Total: 1}
		addTypeStats(res, typ, res.Stats)
	}
}

// finishResult derives a missing status and keeps the raw body of
// unsuccessful results.
func finishResult(res *ImportResult, wm *webMessage, body []byte) {
	if res.Status == "" {
		switch {
		case len(res.Errors) > 0:
			res.Status = StatusError
		case normStatus(wm.Status) != "":
			res.Status = normStatus(wm.Status)
		case res.HTTPStatus >= 400:
			res.Status = StatusError
		default:
			res.Status = StatusOK
		}
	}
	if res.Status != StatusOK {
		res.Raw = append([]byte(nil), body[:min(len(body), RawCap)]...)
	}
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}
