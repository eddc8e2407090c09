package dhis2

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// ImportKind says what an import wrote; it selects the endpoint of the
// Import* helpers and the type names used in ImportResult.TypeStats.
type ImportKind string

// Import kinds. The four old-tracker kinds are the endpoint names of the
// ≤2.41 tracker API.
const (
	ImportKindMetadata               ImportKind = "metadata"
	ImportKindDataValues             ImportKind = "dataValueSets"
	ImportKindCompleteRegistrations  ImportKind = "completeDataSetRegistrations"
	ImportKindTracker                ImportKind = "tracker"
	ImportKindEvents                 ImportKind = "events"
	ImportKindTrackedEntityInstances ImportKind = "trackedEntityInstances"
	ImportKindEnrollments            ImportKind = "enrollments"
	ImportKindRelationships          ImportKind = "relationships"
	ImportKindObject                 ImportKind = "object" // single-object CRUD (/api/<plural>)
)

// ImportStatus is the normalized outcome of an import.
type ImportStatus string

// Import statuses. DHIS2's SUCCESS (ImportSummary) is normalized to OK.
const (
	StatusOK      ImportStatus = "OK"
	StatusWarning ImportStatus = "WARNING"
	StatusError   ImportStatus = "ERROR"
)

// ImportStats counts imported objects. Total is Created + Updated +
// Deleted + Ignored unless the server reported another total.
type ImportStats struct {
	Created int `json:"created"`
	Updated int `json:"updated"`
	Deleted int `json:"deleted"`
	Ignored int `json:"ignored"`
	Total   int `json:"total"`
}

func (s ImportStats) add(o ImportStats) ImportStats {
	return ImportStats{s.Created + o.Created, s.Updated + o.Updated, s.Deleted + o.Deleted, s.Ignored + o.Ignored, s.Total + o.Total}
}

// ImportError is one object-level error (metadata ErrorReport, tracker
// validation error, or a failed old-tracker ImportSummary).
type ImportError struct {
	Type     string `json:"type"`               // simple class name ("DataElement") or tracker type ("EVENT")
	UID      string `json:"uid,omitempty"`      // the object's UID, when known
	Index    int    `json:"index"`              // position in the submitted list of its type; -1 when unknown
	Code     string `json:"code,omitempty"`     // DHIS2 error code, e.g. E5002, E1033
	Message  string `json:"message"`            // DHIS2's message
	Property string `json:"property,omitempty"` // offending property, e.g. "dataElement"
	Value    string `json:"value,omitempty"`    // offending value, when reported
}

// ImportConflict is one ImportSummary conflict (data values, complete
// registrations, old tracker).
type ImportConflict struct {
	Object    string            `json:"object"`              // what the conflict is about (a UID or a description)
	Objects   map[string]string `json:"objects,omitempty"`   // 2.37+: property → UID of the objects involved
	Value     string            `json:"value"`               // DHIS2's message
	Code      string            `json:"code,omitempty"`      // 2.37+: E7600–E7645 for data values
	Property  string            `json:"property,omitempty"`  // 2.37+
	Indexes   []int             `json:"indexes,omitempty"`   // 2.37+: positions of the values in the payload
	Type      string            `json:"type,omitempty"`      // old tracker: type of the object ("EVENT")
	Reference string            `json:"reference,omitempty"` // old tracker: UID of the object
}

// ImportResult is the outcome of an import, the same for every DHIS2
// version and endpoint: plain ImportReports (≤2.37), WebMessage-wrapped
// reports (2.38+, HTTP 409 on errors), ImportSummary / ImportSummaries
// (data values, old tracker), new-tracker reports and the obsolete 2.2x
// ImportTypeSummary. A result with Status ERROR is not a Go error: the
// server processed the request and said what it rejected.
type ImportResult struct {
	Kind            ImportKind             `json:"kind"`
	ResponseType    string                 `json:"responseType"` // ImportReport, ImportSummary, ImportSummaries, TrackerImportReport, ImportTypeSummary, ObjectReport or WebMessage
	Status          ImportStatus           `json:"status"`
	HTTPStatus      int                    `json:"httpStatus"`
	Wrapped         bool                   `json:"wrapped"` // the report came inside a WebMessage
	Message         string                 `json:"message,omitempty"`
	Stats           ImportStats            `json:"stats"`
	TypeStats       map[string]ImportStats `json:"typeStats,omitempty"` // by simple class name or tracker type
	Errors          []ImportError          `json:"errors,omitempty"`
	Warnings        []ImportError          `json:"warnings,omitempty"`
	Conflicts       []ImportConflict       `json:"conflicts,omitempty"`
	RejectedIndexes []int                  `json:"rejectedIndexes,omitempty"`
	Reference       string                 `json:"reference,omitempty"` // UID of a single imported object, when reported
	Async           bool                   `json:"async,omitempty"`     // the import ran as a server job
	JobID           string                 `json:"jobId,omitempty"`
	Attempts        int                    `json:"attempts"` // HTTP attempts of the submitting request
	// Raw is the start of the response body (at most RawCap bytes), kept
	// only when Status is not OK, for diagnostics. It may contain data
	// values or tracker data: do not log it at info level.
	Raw []byte `json:"-"`
}

// RawCap bounds ImportResult.Raw.
const RawCap = 4096

// OK reports whether the import fully succeeded.
func (r *ImportResult) OK() bool { return r.Status == StatusOK }

// Summary is a one-line human description, e.g.
// "WARNING: 3 created, 0 updated, 0 deleted, 1 ignored (1 conflict)".
func (r *ImportResult) Summary() string {
	s := fmt.Sprintf("%s: %d created, %d updated, %d deleted, %d ignored", r.Status, r.Stats.Created, r.Stats.Updated, r.Stats.Deleted, r.Stats.Ignored)
	var extra []string
	if n := len(r.Errors); n > 0 {
		extra = append(extra, plural(n, "error"))
	}
	if n := len(r.Conflicts); n > 0 {
		extra = append(extra, plural(n, "conflict"))
	}
	if len(extra) > 0 {
		s += " (" + strings.Join(extra, ", ") + ")"
	}
	return s
}

func plural(n int, w string) string {
	if n == 1 {
		return "1 " + w
	}
	return fmt.Sprintf("%d %ss", n, w)
}

// normStatus maps DHIS2 statuses to ImportStatus ("" when absent or
// unknown).
func normStatus(s string) ImportStatus {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "OK", "SUCCESS":
		return StatusOK
	case "WARNING":
		return StatusWarning
	case "ERROR":
		return StatusError
	}
	return ""
}

// simpleClass returns the simple name of a Java class
// ("org.hisp.dhis.dataelement.DataElement" → "DataElement").
func simpleClass(klass string) string {
	if i := strings.LastIndexByte(klass, '.'); i >= 0 {
		return klass[i+1:]
	}
	return klass
}

// jsonText renders a raw JSON value as text: strings unquoted, anything
// else as compact JSON.
func jsonText(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if raw[0] == '"' && json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

// topTypeFor names the object type counted at the top of a summary.
func topTypeFor(kind ImportKind) string {
	switch kind {
	case ImportKindDataValues:
		return "DATA_VALUE"
	case ImportKindCompleteRegistrations:
		return "COMPLETE_DATA_SET_REGISTRATION"
	case ImportKindEvents:
		return "EVENT"
	case ImportKindTrackedEntityInstances:
		return "TRACKED_ENTITY"
	case ImportKindEnrollments:
		return "ENROLLMENT"
	case ImportKindRelationships:
		return "RELATIONSHIP"
	}
	return strings.ToUpper(string(kind))
}
