package emulator

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/d2sync/d2sync/internal/emulator/metadata"
)

// metadataRoutes registers the metadata endpoints. The generic
// /api/{plural} routes answer 404 for names that are not metadata types
// of the emulated version.
func (e *Emulator) metadataRoutes() {
	e.handle("GET /api/metadata", e.getMetadata, authMetadataExport)
	e.handle("GET /api/metadata.json.gz", e.getMetadata, authMetadataExport)
	e.handle("GET /api/metadata.json.zip", e.getMetadata, authMetadataExport)
	e.handle("POST /api/metadata", e.postMetadata, authMetadataImport)
	e.handle("GET /api/schemas", e.getSchemas)
	e.handle("GET /api/schemas/{name}", e.getSchema)
	e.handle("GET /api/deletedObjects", e.getDeletedObjects, authorityAll)

	e.handle("GET /api/{plural}", e.listObjects)
	e.handle("POST /api/{plural}", e.createObject)
	e.handle("GET /api/{plural}/{id}", e.getObject)
	e.handle("PUT /api/{plural}/{id}", e.replaceObject)
	e.handle("PATCH /api/{plural}/{id}", e.patchObject)
	e.handle("DELETE /api/{plural}/{id}", e.deleteObject)
	e.handle("POST /api/users/{id}/replica", e.replicateUser, authorityAll)
}

// metaError maps the metadata engine's errors to WebMessages.
func metaError(err error) error {
	var nf *metadata.NotFoundError
	var br *metadata.BadRequestError
	switch {
	case errors.As(err, &nf) && nf.UID == "":
		return errStatus(http.StatusNotFound, "No endpoint found for /api/%s", nf.Type)
	case errors.As(err, &nf):
		return errNotFound(nf.Type, nf.UID)
	case errors.As(err, &br):
		return errStatus(http.StatusBadRequest, "%s", br.Message)
	}
	return err
}

// metadataType checks that plural names a metadata type of the version.
func (e *Emulator) metadataType(plural string) (*metadata.Schema, error) {
	sc, ok := e.meta.Schemas().ByPlural(plural)
	if !ok || !sc.Metadata {
		return nil, errStatus(http.StatusNotFound, "No endpoint found for /api/%s", plural)
	}
	return sc, nil
}

// getMetadata streams GET /api/metadata (also .json.gz and .json.zip).
func (e *Emulator) getMetadata(w http.ResponseWriter, r *http.Request) error {
	ep := metadata.ParseExportParams(r.URL.Query(), e.meta.Schemas())
	ep.BaseURL = baseURL(r)
	ep.System = metadata.SystemHeader{ID: e.systemID, Rev: e.revision, Version: e.opts.Version, Date: e.formatTime(e.now())}
	var out io.Writer = w
	finish := func() error { return nil }
	switch {
	case strings.HasSuffix(r.URL.Path, ".gz"):
		w.Header().Set("Content-Type", "application/json+gzip")
		w.Header().Set("Content-Disposition", "attachment; filename=metadata.json.gz")
		zw := gzip.NewWriter(w)
		out, finish = zw, zw.Close
	case strings.HasSuffix(r.URL.Path, ".zip"):
		w.Header().Set("Content-Type", "application/json+zip")
		w.Header().Set("Content-Disposition", "attachment; filename=metadata.json.zip")
		zw := zip.NewWriter(w)
		f, _ := zw.Create("metadata.json")
		out, finish = f, zw.Close
	default:
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		if boolParam(r.URL.Query(), "download") {
			w.Header().Set("Content-Disposition", "attachment; filename=metadata.json")
		}
	}
	err := e.meta.Export(out, ep)
	if err == nil {
		err = finish()
	}
	if err != nil {
		e.log.Debug("metadata export stopped", slog.Any("error", err))
	}
	return nil
}

// postMetadata serves POST /api/metadata: synchronous or async
// (METADATA_IMPORT job), gzip or zip bodies sniffed.
func (e *Emulator) postMetadata(w http.ResponseWriter, r *http.Request) error {
	ip := metadata.ParseImportParams(r.URL.Query(), e.prof)
	ip.Username = userOf(r).Username
	body, err := importBody(r)
	if err != nil {
		return err
	}
	if boolParam(r.URL.Query(), "async") {
		data, err := io.ReadAll(body)
		if err != nil {
			return errStatus(http.StatusBadRequest, "Could not read the request body: %v", err)
		}
		return e.startJob(w, r, jobMetadataImport, "metadataImport", "("+ip.Username+") Import:Start", func() (any, string) {
			report, err := e.meta.Import(bytes.NewReader(data), ip)
			if err != nil {
				return map[string]any{"status": "ERROR", "message": err.Error()}, "(" + ip.Username + ") Import:Failed " + err.Error()
			}
			return report, "(" + ip.Username + ") Import:Done"
		})
	}
	report, err := e.meta.Import(body, ip)
	if err != nil {
		return metaError(err)
	}
	return e.writeMetadataReport(w, r, report)
}

// writeMetadataReport answers an import report plainly (≤2.37, or /api/NN/
// with NN < 38 on 2.38–2.41; HTTP 200 whatever the status) or wrapped
// (2.38+; non-OK → 409 with WebMessage status WARNING).
func (e *Emulator) writeMetadataReport(w http.ResponseWriter, r *http.Request, report *metadata.ImportReport) error {
	if e.plain(r) {
		return writeJSON(w, http.StatusOK, report)
	}
	wm := newWebMessage(http.StatusOK, "OK", "")
	if report.Status != metadata.StatusOK {
		wm = newWebMessage(http.StatusConflict, "WARNING", msgReportErrors)
	}
	wm.Response = report.Response()
	return writeWebMessage(w, wm)
}

// getSchemas serves /api/schemas (fields= honoured).
func (e *Emulator) getSchemas(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, e.meta.SchemasJSON(r.URL.Query().Get("fields"), baseURL(r)))
}

// getSchema serves /api/schemas/{name} by singular or plural name.
func (e *Emulator) getSchema(w http.ResponseWriter, r *http.Request) error {
	doc, ok := e.meta.SchemaJSON(r.PathValue("name"), r.URL.Query().Get("fields"), baseURL(r))
	if !ok {
		return errStatus(http.StatusNotFound, "Schema not found for type: %s", r.PathValue("name"))
	}
	return writeJSON(w, http.StatusOK, doc)
}
