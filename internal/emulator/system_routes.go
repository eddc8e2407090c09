package emulator

// Authorities of the system endpoints.
const (
	authSystemSetting = "F_SYSTEM_SETTING"
	authAppManagement = "M_dhis-web-app-management"
)

// systemRoutes registers the "rest of DHIS2": system settings, dataStore,
// userDataStore, sharing (/api/sharing), file resources, document content, apps,
// icons, interpretations and data value files.
func (e *Emulator) systemRoutes() {
	p := e.prof

	e.handle("GET /api/systemSettings", e.getSystemSettings)
	e.handle("GET /api/systemSettings/{key}", e.getSystemSetting)
	e.handle("POST /api/systemSettings", e.postSystemSettings, authSystemSetting)
	e.handle("POST /api/systemSettings/{key}", e.postSystemSetting, authSystemSetting)
	e.handle("DELETE /api/systemSettings/{key}", e.deleteSystemSetting, authSystemSetting)

	for _, user := range []bool{false, true} {
		base := "/api/dataStore"
		if user {
			base = "/api/userDataStore"
		}
		e.handle("GET "+base, e.getNamespaces(user))
		e.handle("GET "+base+"/{ns}", e.getNamespaceKeys(user))
		e.handleIf(p.DataStoreQueries, "GET "+base+"/{ns}/keys", e.getNamespaceKeys(user))
		e.handle("DELETE "+base+"/{ns}", e.deleteNamespace(user))
		e.handle("GET "+base+"/{ns}/{key}", e.getDataStoreValue(user))
		e.handle("GET "+base+"/{ns}/{key}/metaData", e.getDataStoreMeta(user))
		e.handle("POST "+base+"/{ns}/{key}", e.postDataStoreValue(user))
		e.handle("PUT "+base+"/{ns}/{key}", e.putDataStoreValue(user))
		e.handle("DELETE "+base+"/{ns}/{key}", e.deleteDataStoreValue(user))
	}
	e.handleIf(p.DataStoreProtections, "GET /api/dataStore/protections", e.getProtections, authAppManagement)
	e.handle("GET /api/sharing", e.getSharing) // metadata types, and dataStore entries 2.38+
	e.handle("POST /api/sharing", e.postSharing)
	e.handle("PUT /api/sharing", e.postSharing)

	e.handle("POST /api/fileResources", e.postFileResource)
	e.handle("GET /api/fileResources/{uid}", e.getFileResource)
	e.handleIf(p.FileResourceData, "GET /api/fileResources/{uid}/data", e.getFileResourceData)
	e.handle("GET /api/dataValues/files", e.getDataValueFile)
	e.handle("GET /api/documents/{id}/data", e.getDocumentData)

	e.handle("GET /api/apps", e.getApps)
	e.handle("POST /api/apps", e.postApp, authAppManagement)
	e.handle("PUT /api/apps", e.reloadApps, authAppManagement)
	e.handle("DELETE /api/apps/{key}", e.deleteApp, authAppManagement)
	e.handle("GET /api/apps/{key}", e.redirectApp)
	e.handle("GET /api/apps/{key}/{path...}", e.getAppFile)

	e.handle("GET /api/icons", e.getIcons)
	e.handleIf(!p.CustomIcons, "GET /api/icons/keywords", e.getIconKeywords)
	e.handle("GET /api/icons/{key}", e.getIcon)
	e.handle("GET /api/icons/{key}/icon.svg", e.getIconSVG)
	e.handleIf(p.CustomIcons, "GET /api/icons/{key}/icon", e.getIconImage)
	e.handleIf(p.CustomIcons, "POST /api/icons", e.postIcon)
	e.handleIf(p.CustomIcons, "PUT /api/icons/{key}", e.putIcon)
	e.handleIf(p.CustomIcons, "DELETE /api/icons/{key}", e.deleteIcon)

	e.handle("GET /api/interpretations", e.listInterpretations)
	e.handle("GET /api/interpretations/{id}", e.getInterpretation)
	e.handle("POST /api/interpretations/{kind}/{uid}", e.postInterpretation)
	e.handle("PUT /api/interpretations/{id}", e.putInterpretation)
	e.handle("DELETE /api/interpretations/{id}", e.deleteInterpretation)
	e.handle("POST /api/interpretations/{id}/comments", e.postComment)
	e.handle("PUT /api/interpretations/{id}/comments/{cid}", e.putComment)
	e.handle("DELETE /api/interpretations/{id}/comments/{cid}", e.deleteComment)
	e.handle("POST /api/interpretations/{id}/like", e.likeInterpretation(true))
	e.handle("DELETE /api/interpretations/{id}/like", e.likeInterpretation(false))
}
