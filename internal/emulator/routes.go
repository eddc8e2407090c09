package emulator

import "net/http"

// Authorities checked at registration (DHIS2's names).
const (
	authMetadataImport = "F_METADATA_IMPORT"
	authMetadataExport = "F_METADATA_EXPORT"
	authDataValueAdd   = "F_DATAVALUE_ADD"
	authApproveData    = "F_APPROVE_DATA"
	authMinMaxAdd      = "F_MINMAX_DATAELEMENT_ADD"
)

// routes registers the API: one table, the required authority visible at
// each line. Version gates come from the profile only.
func (e *Emulator) routes() {
	e.api = http.NewServeMux()
	p := e.prof

	// Basics every client touches.
	e.handle("GET /api/system/info", e.getSystemInfo)
	e.handle("GET /api/system/ping", e.getPing)
	e.handle("GET /api/system/id", e.getSystemID)
	e.handle("GET /api/system/uid", e.getSystemID)
	e.handle("GET /api/system/context", e.getSystemContext)
	e.handle("GET /api/me", e.getMe)
	e.handle("GET /api/me/authorization", e.getMeAuthorization)
	e.handle("GET /api/me/authorization/{auth}", e.getMeHasAuthority)
	e.handle("GET /api/system/tasks/{type}", e.getTasksOfType)
	e.handle("GET /api/system/tasks/{type}/{id}", e.getTask)
	e.handle("GET /api/system/taskSummaries/{type}/{id}", e.getTaskSummary)

	// Personal access tokens (2.37+).
	e.handleIf(p.PATv1, "POST /api/apiToken", e.postAPIToken)
	e.handleIf(p.PATv1, "GET /api/apiToken", e.listAPITokens)
	e.handleIf(p.PATv1, "DELETE /api/apiToken/{uid}", e.deleteAPIToken)

	e.dataRoutes()
	e.metadataRoutes()
	e.trackerRoutes()
	e.systemRoutes()

	e.handle("/api/", e.notFoundAPI)
	e.handle("/api", e.notFoundAPI)
}
