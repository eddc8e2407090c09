package emulator

import (
	"encoding/json"
	"io"
	"net/http"

	"github.com/d2sync/d2sync/internal/emulator/metadata"
	"github.com/d2sync/d2sync/internal/emulator/profile"
)

// maxObjectBody bounds single-object request bodies.
const maxObjectBody = 64 << 20

// listObjects serves GET /api/{plural}: paging, fields, filters, order.
func (e *Emulator) listObjects(w http.ResponseWriter, r *http.Request) error {
	plural := r.PathValue("plural")
	if _, err := e.metadataType(plural); err != nil {
		return err
	}
	lp := metadata.ParseListParams(r.URL.Query(), baseURL(r))
	res, err := e.meta.List(plural, lp)
	if err != nil {
		return metaError(err)
	}
	return writeJSON(w, http.StatusOK, res)
}

// getObject serves GET /api/{plural}/{id}: every field unless fields= is
// given; unknown uid → 404 with E1005.
func (e *Emulator) getObject(w http.ResponseWriter, r *http.Request) error {
	plural := r.PathValue("plural")
	if _, err := e.metadataType(plural); err != nil {
		return err
	}
	o, err := e.meta.Get(plural, r.PathValue("id"), r.URL.Query().Get("fields"), baseURL(r))
	if err != nil {
		return metaError(err)
	}
	return writeJSON(w, http.StatusOK, o)
}

// writeAllowed is the authority check of single-object writes: ALL or
// F_METADATA_IMPORT (DHIS2 checks per-type authorities; the emulator
// simplifies to the import authority).
func writeAllowed(r *http.Request) error {
	if !userOf(r).has(authMetadataImport) {
		return forbidden([]string{authorityAll, authMetadataImport})
	}
	return nil
}

func (e *Emulator) objectParams(r *http.Request) metadata.ImportParams {
	ip := metadata.ParseImportParams(r.URL.Query(), e.prof)
	ip.Username = userOf(r).Username
	return ip
}

// writeObjectResult answers a single-object write: the given status with
// an ObjectReport WebMessage when it succeeded, 409 with the errors
// otherwise.
func writeObjectResult(w http.ResponseWriter, res *metadata.ObjectResult, okCode int) error {
	if res.Status != metadata.StatusOK {
		wm := newWebMessage(http.StatusConflict, "ERROR", msgReportErrors)
		wm.Response = res.Response()
		return writeWebMessage(w, wm)
	}
	wm := newWebMessage(okCode, "OK", "")
	wm.Response = res.Response()
	return writeWebMessage(w, wm)
}

// createObject serves POST /api/{plural}: 201 + Location.
func (e *Emulator) createObject(w http.ResponseWriter, r *http.Request) error {
	plural := r.PathValue("plural")
	sc, err := e.metadataType(plural)
	if err != nil {
		return err
	}
	if err := writeAllowed(r); err != nil {
		return err
	}
	o, err := metadata.DecodeObject(io.LimitReader(r.Body, maxObjectBody))
	if err != nil {
		return metaError(err)
	}
	res, err := e.meta.CreateObject(plural, o, e.objectParams(r))
	if err != nil {
		return metaError(err)
	}
	if res.Status == metadata.StatusOK {
		w.Header().Set("Location", baseURL(r)+"/api"+sc.RelativeAPIEndpoint+"/"+res.UID)
	}
	return writeObjectResult(w, res, http.StatusCreated)
}

// replaceObject serves PUT /api/{plural}/{id}.
func (e *Emulator) replaceObject(w http.ResponseWriter, r *http.Request) error {
	plural := r.PathValue("plural")
	if _, err := e.metadataType(plural); err != nil {
		return err
	}
	if err := writeAllowed(r); err != nil {
		return err
	}
	o, err := metadata.DecodeObject(io.LimitReader(r.Body, maxObjectBody))
	if err != nil {
		return metaError(err)
	}
	res, err := e.meta.ReplaceObject(plural, r.PathValue("id"), o, e.objectParams(r))
	if err != nil {
		return metaError(err)
	}
	return writeObjectResult(w, res, http.StatusOK)
}

// patchObject serves PATCH /api/{plural}/{id} with a JSON Patch body.
func (e *Emulator) patchObject(w http.ResponseWriter, r *http.Request) error {
	plural := r.PathValue("plural")
	if _, err := e.metadataType(plural); err != nil {
		return err
	}
	if err := writeAllowed(r); err != nil {
		return err
	}
	patch, err := io.ReadAll(io.LimitReader(r.Body, maxObjectBody))
	if err != nil {
		return errStatus(http.StatusBadRequest, "Could not read the request body: %v", err)
	}
	res, err := e.meta.PatchObject(plural, r.PathValue("id"), patch, e.objectParams(r))
	if err != nil {
		return metaError(err)
	}
	return writeObjectResult(w, res, http.StatusOK)
}

// deleteObject serves DELETE /api/{plural}/{id}: 200 with an ObjectReport
// (DHIS2's code; its docs say 204), 404 when missing, 409 when others
// depend on the object (E4030).
func (e *Emulator) deleteObject(w http.ResponseWriter, r *http.Request) error {
	plural := r.PathValue("plural")
	if _, err := e.metadataType(plural); err != nil {
		return err
	}
	if err := writeAllowed(r); err != nil {
		return err
	}
	var doc map[string]any
	if plural == "documents" {
		doc, _ = e.meta.Get(plural, r.PathValue("id"), "url,external", "")
	}
	res, err := e.meta.DeleteObject(plural, r.PathValue("id"), e.objectParams(r))
	if err != nil {
		return metaError(err)
	}
	if doc != nil && res.Status == "OK" {
		e.releaseDocumentFile(doc)
	}
	return writeObjectResult(w, res, http.StatusOK)
}

// getDeletedObjects serves GET /api/deletedObjects (ALL authority):
// klass, uid, code, deletedAt filters, paging.
func (e *Emulator) getDeletedObjects(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	dq := metadata.DeletedObjectsQuery{
		Klass: listParam(q, "klass"), UID: listParam(q, "uid"), Code: listParam(q, "code"),
		Paging:  q.Get("paging") != "false" && q.Get("skipPaging") != "true",
		Page:    intParam(q, "page", 1),
		BaseURL: baseURL(r) + "/api/deletedObjects", Query: q.Encode(),
	}
	dq.PageSize = intParam(q, "pageSize", defaultPageSize)
	if s := q.Get("deletedAt"); s != "" {
		t, err := parseDate(s, e.loc)
		if err != nil {
			return errStatus(http.StatusBadRequest, "Invalid deletedAt date: %s", s)
		}
		dq.DeletedAt = t
	}
	list, pager := e.meta.DeletedObjects(dq)
	if list == nil {
		list = []metadata.DeletedObject{}
	}
	out := map[string]any{"deletedObjects": list}
	if pager != nil {
		out["pager"] = pager
	}
	return writeJSON(w, http.StatusOK, out)
}

// replicateUser serves POST /api/users/{id}/replica {"username","password"}
// (ALL authority): a copy of the user with a new uid and username.
func (e *Emulator) replicateUser(w http.ResponseWriter, r *http.Request) error {
	var body struct{ Username, Password string }
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&body); err != nil || body.Username == "" || body.Password == "" {
		return errStatus(http.StatusConflict, "Username and password must be specified")
	}
	src, err := e.meta.Get("users", r.PathValue("id"), ":owner", "")
	if err != nil {
		return metaError(err)
	}
	u := cloneMap(src)
	u["id"] = newUID()
	delete(u, "code")
	if uc, ok := u["userCredentials"].(map[string]any); ok {
		uc = cloneMap(uc)
		uc["username"], uc["password"] = body.Username, body.Password
		delete(uc, "id")
		u["userCredentials"] = uc
	}
	if _, ok := u["userCredentials"]; !ok || e.prof.Users != profile.UserNested {
		u["username"], u["password"] = body.Username, body.Password
	}
	ip := e.objectParams(r)
	ip.ImportStrategy = "CREATE"
	report, err := e.meta.ImportObjects(map[string][]map[string]any{"users": {u}}, ip)
	if err != nil {
		return metaError(err)
	}
	if report.Status != metadata.StatusOK {
		return errStatus(http.StatusConflict, "User replica could not be created: %s", firstErrors(report, 3))
	}
	w.Header().Set("Location", baseURL(r)+"/api/users/"+u["id"].(string))
	return writeWebMessage(w, newWebMessage(http.StatusCreated, "OK", "User replica created"))
}

func cloneMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
