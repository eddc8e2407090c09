package dhis2

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

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
	obj, raw := top, body
	var wm webMessage
	if _, ok := top["httpStatusCode"]; ok || top["httpStatus"] != nil {
		if err := json.Unmarshal(body, &wm); err != nil {
			return nil, nil, fmt.Errorf("parse WebMessage: %w", err)
		}
		res.Wrapped = true
		res.Message = wm.Message
		obj, raw = nil, wm.Response
		if len(wm.Response) > 0 && wm.Response[0] == '{' {
			if err := json.Unmarshal(wm.Response, &obj); err != nil {
				return nil, nil, fmt.Errorf("parse WebMessage response: %w", err)
			}
		}
	}
	job, err := parseReport(res, obj, raw, &wm)
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
// WebMessage's response): obj holds its members, raw its JSON. A nil obj
// means a WebMessage without report.
func parseReport(res *ImportResult, obj map[string]json.RawMessage, raw []byte, wm *webMessage) (*jobRef, error) {
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
