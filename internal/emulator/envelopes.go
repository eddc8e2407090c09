package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// Import-report messages of WebMessageUtils (2.38+ spelling).
const (
	msgReportErrors    = "One or more errors occurred, please see full details in import report."
	msgSummaryError    = "An error occurred, please check import summary."
	msgSummaryConflict = "One more conflicts encountered, please check import summary."
	msgSummaryOK       = "Import was successful."
)

// toMap turns a JSON-tagged struct into a generic object.
func toMap(v any) (map[string]any, error) {
	if m, ok := v.(map[string]any); ok {
		return m, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode report: %w", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("decode report: %w", err)
	}
	return m, nil
}

// writeImportReport answers a metadata import. Plain (≤2.37, or /api/NN/
// with NN < 38 on 2.38–2.41): the ImportReport itself, HTTP 200 whatever
// its status. Wrapped (2.38+): a WebMessage whose response is the report
// without importParams; a non-OK report gives HTTP 409 and WebMessage
// status WARNING while response.status keeps ERROR or WARNING
// (WebMessageUtils.importReport).
func (e *Emulator) writeImportReport(w http.ResponseWriter, r *http.Request, report any) error {
	m, err := toMap(report)
	if err != nil {
		return err
	}
	if e.plain(r) {
		if !e.prof.ImportParamsInRept {
			delete(m, "importParams")
		}
		delete(m, "responseType")
		return writeJSON(w, http.StatusOK, m)
	}
	return writeWebMessage(w, wrapImportReport(m))
}

// wrapImportReport builds the 2.38+ WebMessage of an import report.
func wrapImportReport(m map[string]any) *WebMessage {
	resp := map[string]any{"responseType": "ImportReport"}
	for _, k := range []string{"status", "stats", "typeReports"} {
		if v, ok := m[k]; ok {
			resp[k] = v
		}
	}
	if _, ok := resp["typeReports"]; !ok {
		resp["typeReports"] = []any{}
	}
	wm := newWebMessage(http.StatusOK, "OK", "")
	if m["status"] != "OK" {
		wm = newWebMessage(http.StatusConflict, "WARNING", msgReportErrors)
	}
	wm.Response = resp
	return wm
}

// writeImportSummary answers a data import (dataValueSets,
// completeDataSetRegistrations). Plain (≤2.37 or /api/NN/ NN < 38): the
// ImportSummary with HTTP 200. Wrapped (2.38+, WebMessageUtils.importSummary):
// ERROR → 409 + status ERROR; WARNING (conflicts) → 409 + status WARNING;
// SUCCESS → 200 OK.
func (e *Emulator) writeImportSummary(w http.ResponseWriter, r *http.Request, summary map[string]any) error {
	if e.plain(r) {
		return writeJSON(w, http.StatusOK, summary)
	}
	var wm *WebMessage
	switch summary["status"] {
	case "ERROR":
		wm = newWebMessage(http.StatusConflict, "ERROR", msgSummaryError)
	case "WARNING":
		wm = newWebMessage(http.StatusConflict, "WARNING", msgSummaryConflict)
	default:
		wm = newWebMessage(http.StatusOK, "OK", msgSummaryOK)
	}
	wm.Response = summary
	return writeWebMessage(w, wm)
}
