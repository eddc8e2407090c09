package metadata

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Import statuses.
const (
	StatusOK      = "OK"
	StatusWarning = "WARNING"
	StatusError   = "ERROR"
)

// Stats counts objects per outcome; Total = Created+Updated+Deleted+Ignored.
type Stats struct {
	Created int `json:"created"`
	Updated int `json:"updated"`
	Deleted int `json:"deleted"`
	Ignored int `json:"ignored"`
	Total   int `json:"total"`
}

func (s *Stats) add(o Stats) {
	s.Created += o.Created
	s.Updated += o.Updated
	s.Deleted += o.Deleted
	s.Ignored += o.Ignored
	s.fix()
}

func (s *Stats) fix() { s.Total = s.Created + s.Updated + s.Deleted + s.Ignored }

// ignoreAll moves every counted object to Ignored (TypeReport ignoreAll).
func (s *Stats) ignoreAll() {
	s.Ignored += s.Created + s.Updated + s.Deleted
	s.Created, s.Updated, s.Deleted = 0, 0, 0
	s.fix()
}

// ErrorReport is one validation or commit error, in DHIS2's JSON shape.
type ErrorReport struct {
	Message         string `json:"message"`
	MainKlass       string `json:"mainKlass"`
	MainID          string `json:"mainId,omitempty"`
	ErrorKlass      string `json:"errorKlass,omitempty"`
	ErrorProperty   string `json:"errorProperty,omitempty"`
	ErrorProperties []any  `json:"errorProperties,omitempty"`
	Value           any    `json:"value,omitempty"`
	ErrorCode       string `json:"errorCode"`
}

// ObjectReport groups the errors of one object of the payload.
type ObjectReport struct {
	Klass        string        `json:"klass"`
	Index        int           `json:"index"`
	UID          string        `json:"uid,omitempty"`
	DisplayName  string        `json:"displayName,omitempty"`
	ErrorReports []ErrorReport `json:"errorReports"`
}

// TypeReport holds the outcome for one type of the payload.
type TypeReport struct {
	Klass         string         `json:"klass"`
	Stats         Stats          `json:"stats"`
	ObjectReports []ObjectReport `json:"objectReports"`
}

// ImportReport is the version-neutral result of a metadata import (DHIS2's
// ImportReport). ImportParams is set only when the profile's plain reports
// carry it (see Response for the 2.38+ WebMessage body).
type ImportReport struct {
	ImportParams *ReportParams `json:"importParams,omitempty"`
	Status       string        `json:"status"`
	Stats        Stats         `json:"stats"`
	TypeReports  []TypeReport  `json:"typeReports"`

	// omitEmptyArrays reproduces ≤2.34, whose render service disabled
	// WRITE_EMPTY_JSON_ARRAYS: empty typeReports/objectReports/errorReports
	// are left out of the plain report.
	omitEmptyArrays bool
}

// MarshalJSON writes the report as the store's DHIS2 version does.
func (r ImportReport) MarshalJSON() ([]byte, error) {
	type plain ImportReport
	b, err := marshalJSON(plain(r))
	if err != nil || !r.omitEmptyArrays {
		return b, err
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, err
	}
	return marshalJSON(pruneEmptyArrays(v))
}

// pruneEmptyArrays drops members whose value is an empty array.
func pruneEmptyArrays(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if l, ok := val.([]any); ok && len(l) == 0 {
				delete(x, k)
				continue
			}
			x[k] = pruneEmptyArrays(val)
		}
	case []any:
		for i := range x {
			x[i] = pruneEmptyArrays(x[i])
		}
	}
	return v
}

// ImportReportResponse is the "response" member of the WebMessage that wraps
// an import report on 2.38+ (no importParams).
type ImportReportResponse struct {
	ResponseType string       `json:"responseType"`
	Status       string       `json:"status"`
	Stats        Stats        `json:"stats"`
	TypeReports  []TypeReport `json:"typeReports"`
}

// Response returns the body DHIS2 puts in WebMessage.response.
func (r *ImportReport) Response() ImportReportResponse {
	return ImportReportResponse{ResponseType: "ImportReport", Status: r.Status, Stats: r.Stats, TypeReports: r.TypeReports}
}

// ErrorCount returns the number of error reports in the report.
func (r *ImportReport) ErrorCount() int {
	n := 0
	for _, tr := range r.TypeReports {
		for _, or := range tr.ObjectReports {
			n += len(or.ErrorReports)
		}
	}
	return n
}

// ErrorCodes lists every error code in the report, in report order.
func (r *ImportReport) ErrorCodes() []string {
	var out []string
	for _, tr := range r.TypeReports {
		for _, or := range tr.ObjectReports {
			for _, er := range or.ErrorReports {
				out = append(out, er.ErrorCode)
			}
		}
	}
	return out
}

// ObjectReportResponse is the "response" member of single-object CRUD
// WebMessages: {"responseType":"ObjectReport","uid","klass","errorReports"}.
type ObjectReportResponse struct {
	ResponseType string        `json:"responseType"`
	UID          string        `json:"uid,omitempty"`
	Klass        string        `json:"klass"`
	ErrorReports []ErrorReport `json:"errorReports"`
}

// messageTemplates holds DHIS2's ErrorCode messages; each entry applies from
// its minor version on (trailing periods and wording changed in 2.37–2.41).
var messageTemplates = map[string][]struct {
	since int
	text  string
}{
	"E4000": {{30, "Missing required property `{0}`."}, {39, "Missing required property `{0}`"}},
	"E4001": {{30, "Maximum length of property `{0}`is {1}, but given length was {2}."}, {39, "Maximum length of property `{0}`is {1}, but given length was {2}"}},
	"E4003": {{30, "Property `{0}` requires a valid email address, was given `{1}`."}, {39, "Property `{0}` requires a valid email address, was given `{1}`"}},
	"E4004": {{30, "Property `{0}` requires a valid URL, was given `{1}`."}, {39, "Property `{0}` requires a valid URL, was given `{1}`"}},
	"E4005": {{30, "Property `{0}` requires a valid password, was given `{1}`."}, {39, "Property `{0}` requires a valid password, was given `{1}`"}, {41, "Property `{0}` requires a valid password, `{1}`"}},
	"E4006": {{30, "Property `{0}` requires a valid HEX color, was given `{1}`."}, {39, "Property `{0}` requires a valid HEX color, was given `{1}`"}},
	"E4009": {{30, "Attribute `{0}` is unique, and value `{1}` already exist."}, {39, "Attribute `{0}` is unique, and value `{1}` already exist"}},
	"E4011": {{30, "Attribute `{0}` is required, but no value was found."}, {39, "Attribute `{0}` is required, but no value was found"}},
	"E4014": {{30, "Invalid UID `{0}` for property `{1}`"}},
	"E4015": {{30, "Property `{0}` refers to an object that does not exist, could not find `{1}`"}},
	"E4016": {{30, "Object referenced by the `{0}` property is already associated with another object, value: `{1}`"}},
	"E4030": {{30, "Object could not be deleted because it is associated with another object: {0}"}},
	"E4049": {{37, "Property `{0}` requires a valid username, was given `{1}`."}, {39, "Property `{0}` requires a valid username, was given `{1}`"}},
	"E4053": {{35, "Program stage `{0}` must reference a program."}, {39, "Program stage `{0}` must reference a program"}},
	"E4054": {{38, "Property `{0}` already exists, was given `{1}`."}},
	"E4055": {{38, "An user needs to have at least one user role associated with it."}, {39, "User needs to have at least one user role associated with it"}},
	"E4056": {{38, "Property `{0}` can not be changed, was given `{1}`."}},
	"E4061": {{40, "DashboardItem `{0}` object reference `{1}` with id `{2}` not found or not accessible"}, {41, "DashboardItem `{0}` object reference `{1}` with id `{2}` not found"}},
	"E5000": {{30, "Found matching object for given reference, but import mode is CREATE. Identifier was {0}, and object was {1}."}, {37, "Found matching object for reference, but import mode is CREATE. Identifier was {0}, and object was {1}."}},
	"E5001": {{30, "No matching object for given reference. Identifier was {0}, and object was {1}."}, {37, "No matching object for reference. Identifier was {0}, and object was {1}."}},
	"E5002": {{30, "Invalid reference {0} on object {1} for association `{2}`."}, {39, "Invalid reference {0} on object {1} for association `{2}`"}},
	"E5003": {{30, "Property `{0}`\u00a0with value `{1}` on object {2}\u00a0already exists on object {3}."}, {39, "Property `{0}`\u00a0with value `{1}` on object {2}\u00a0already exists on object {3}"}, {40, "Property `{0}` with value `{1}` on object {2} already exists on object {3}"}},
	"E5004": {{30, "Id `{0}` for type `{1}` exists on more than 1 object in the payload, removing all but the first found."}, {39, "Id `{0}` for type `{1}` exists on more than 1 object in the payload, removing all but the first found"}},
	"E6001": {{30, "Program stage `{0}` has invalid next event scheduling property `{1}`This property need to be data element of value type date and belong the program stage"}},
	"E5007": {{38, "Duplicate reference {0} on object {1} for association `{2}`"}},
}

// errorMessage renders code's template of version minor with args.
func errorMessage(minor int, code string, args ...any) string {
	ts := messageTemplates[code]
	text := code
	for _, t := range ts {
		if t.since <= minor || text == code {
			text = t.text
		}
	}
	for i, a := range args {
		text = strings.ReplaceAll(text, fmt.Sprintf("{%d}", i), fmt.Sprint(a))
	}
	return text
}

// newError builds an ErrorReport with DHIS2's message and errorProperties.
func (im *importer) newError(mainKlass, code string, args ...any) ErrorReport {
	er := ErrorReport{Message: errorMessage(im.minor(), code, args...), MainKlass: mainKlass, ErrorCode: code}
	if im.store.prof.ErrorProperties {
		er.ErrorProperties = append([]any(nil), args...)
	}
	return er
}

// NotFoundError reports a missing object of a type (HTTP 404, E1005).
type NotFoundError struct {
	Type string // simple class name, e.g. "DataElement"
	UID  string
}

// Error returns DHIS2's NotFoundException message.
func (e *NotFoundError) Error() string {
	return fmt.Sprintf("%s with id %s could not be found.", e.Type, e.UID)
}

// ErrorCode is the WebMessage errorCode DHIS2 sends with a 404.
func (e *NotFoundError) ErrorCode() string { return "E1005" }

// BadRequestError reports input DHIS2 rejects before importing (HTTP 400 or
// 409 in the caller's envelope), e.g. malformed JSON or an unknown type.
type BadRequestError struct {
	Message string
}

// Error returns the message.
func (e *BadRequestError) Error() string { return e.Message }

func badRequest(format string, args ...any) error {
	return &BadRequestError{Message: fmt.Sprintf(format, args...)}
}
