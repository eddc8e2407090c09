package emulator

import (
	"net/http"
)

// Import-report messages of WebMessageUtils (2.38+ spelling).
const (
	msgReportErrors    = "One or more errors occurred, please see full details in import report."
	msgSummaryError    = "An error occurred, please check import summary."
	msgSummaryConflict = "One more conflicts encountered, please check import summary."
	msgSummaryOK       = "Import was successful."
)

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
