package emulator

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"

	"github.com/d2sync/d2sync/internal/emulator/datavalue"
	"github.com/d2sync/d2sync/internal/emulator/metadata"
	"github.com/d2sync/d2sync/internal/emulator/system"
)

// maxUploadBody bounds a multipart upload (file resources, apps).
const maxUploadBody = 256 << 20

// multipartFile reads the multipart field "file" of r.
func multipartFile(w http.ResponseWriter, r *http.Request) (*multipart.FileHeader, []byte, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadBody)
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, nil, errStatus(http.StatusRequestEntityTooLarge, "Maximum upload size exceeded")
		}
		return nil, nil, errStatus(http.StatusBadRequest, "Current request is not a multipart request")
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return nil, nil, errStatus(http.StatusBadRequest, "Required request part 'file' is not present")
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		return nil, nil, fmt.Errorf("read uploaded file: %w", err)
	}
	return hdr, b, nil
}

// postFileResource serves POST /api/fileResources: multipart "file",
// ?domain= (default DATA_VALUE) and ?uid= (2.39+). It answers 202 with the
// FileResource, storageStatus PENDING.
func (e *Emulator) postFileResource(w http.ResponseWriter, r *http.Request) error {
	hdr, content, err := multipartFile(w, r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	e.sys.Files.Purge(e.fileReferences())
	fr, err := e.sys.Files.Upload(caller(r), system.Upload{Name: hdr.Filename, ContentType: hdr.Header.Get("Content-Type"),
		Content: content, Domain: q.Get("domain"), UID: q.Get("uid")})
	if err != nil {
		return sysErr(err)
	}
	e.countSystem(func(c *SystemCounts) { c.FilesUploaded++ })
	m := newWebMessage(http.StatusAccepted, "OK", "")
	m.Response = map[string]any{"responseType": "FileResource", "fileResource": e.renderFile(fr)}
	return writeWebMessage(w, m)
}

// renderFile renders a file resource; from 2.41 "assigned" also reflects
// references the stores do not flag (data values).
func (e *Emulator) renderFile(fr *system.FileResource) map[string]any {
	m := e.sys.Files.Render(fr)
	if _, ok := m["assigned"]; ok && !fr.Assigned && e.fileReferences()(fr.ID) {
		m["assigned"] = true
	}
	return m
}

// getFileResource serves GET /api/fileResources/{uid}. Reads and uploads
// first purge the unassigned files older than two hours (DHIS2's clean-up
// job, run on the emulator clock).
func (e *Emulator) getFileResource(w http.ResponseWriter, r *http.Request) error {
	e.sys.Files.Purge(e.fileReferences())
	fr, err := e.sys.Files.Get(r.PathValue("uid"))
	if err != nil {
		return sysErr(err)
	}
	return writeJSON(w, http.StatusOK, e.renderFile(fr))
}

// getFileResourceData serves GET /api/fileResources/{uid}/data. DATA_VALUE
// files are not served here (DHIS2 answers 401; use /api/dataValues/files).
func (e *Emulator) getFileResourceData(w http.ResponseWriter, r *http.Request) error {
	uid := r.PathValue("uid")
	e.sys.Files.Purge(e.fileReferences())
	fr, content, err := e.sys.Files.Content(uid)
	if err != nil {
		return sysErr(err)
	}
	if !e.sys.Files.Downloadable(fr, caller(r)) {
		return errStatus(http.StatusUnauthorized, "You don't have access to fileResource '%s' or this fileResource is not available from this endpoint", uid)
	}
	return writeFile(w, fr, content)
}

// writeFile streams a file resource's content with DHIS2's headers.
func writeFile(w http.ResponseWriter, fr *system.FileResource, content []byte) error {
	w.Header().Set("Content-Type", fr.ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(content)))
	w.Header().Set("Content-Disposition", "filename="+fr.Name)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(content)
	return err
}

// getDataValueFile serves GET /api/dataValues/files?de=&pe=&ou=&co=&cc=&cp=:
// the file of a FILE_RESOURCE or IMAGE data value.
func (e *Emulator) getDataValueFile(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	de, pe, ou := q.Get("de"), q.Get("pe"), q.Get("ou")
	info, ok := e.catalog().DataElement(de)
	if !ok {
		return errStatus(http.StatusConflict, "Illegal data element identifier: %s", de)
	}
	if !info.ValueType.IsFile() {
		return errStatus(http.StatusConflict, "DataElement must be of type file")
	}
	if !e.catalog().OrgUnitExists(ou) {
		return errStatus(http.StatusConflict, "Illegal organisation unit identifier: %s", ou)
	}
	coc := q.Get("co")
	if coc == "" {
		coc = datavalue.DefaultOptionCombo
	}
	aoc := q.Get("cp")
	if aoc == "" || q.Get("cc") == "" {
		aoc = datavalue.DefaultOptionCombo
	}
	dv, ok := e.values.Get(de, pe, ou, coc, aoc)
	if !ok || dv.Deleted {
		return errStatus(http.StatusConflict, "Data value does not exist")
	}
	fr, content, err := e.sys.Files.Content(dv.Value)
	if err != nil || fr.Domain != system.DomainDataValue {
		return errStatus(http.StatusNotFound, "A data value file resource with id %s does not exist.", dv.Value)
	}
	if e.sys.Files.Status(fr) != system.StatusStored {
		m := newWebMessage(http.StatusConflict, "ERROR", "The content is being processed and is not available yet. Try again later.")
		m.DevMessage = "The content requested is in transit to the file store and will be available at a later time."
		m.Response = map[string]any{"responseType": "FileResource", "fileResource": e.renderFile(fr)}
		return writeWebMessage(w, m)
	}
	return writeFile(w, fr, content)
}

// fileReferences returns a lookup of the file resources that metadata or
// data reference: values of FILE_RESOURCE/IMAGE data elements and internal
// documents. It is computed once, on first use.
func (e *Emulator) fileReferences() func(uid string) bool {
	var set map[string]bool
	return func(uid string) bool {
		if set == nil {
			set = e.referencedFiles()
		}
		return set[uid]
	}
}

func (e *Emulator) referencedFiles() map[string]bool {
	set := map[string]bool{}
	des := e.fileDataElements()
	if len(des) > 0 {
		e.values.Scan(datavalue.Query{DataElements: des}, func(dv *datavalue.DataValue) error {
			set[dv.Value] = true
			return nil
		})
	}
	if docs, err := e.meta.List("documents", metadataAll("id,url,external")); err == nil {
		for _, d := range docs.Objects {
			if ext, _ := d["external"].(bool); !ext {
				if u, ok := d["url"].(string); ok {
					set[u] = true
				}
			}
		}
	}
	return set
}

// fileDataElements lists the data elements of type FILE_RESOURCE or IMAGE.
func (e *Emulator) fileDataElements() []string {
	res, err := e.meta.List("dataElements", withFilter(metadataAll("id"), "valueType:in:[FILE_RESOURCE,IMAGE]"))
	if err != nil {
		return nil
	}
	out := make([]string, 0, len(res.Objects))
	for _, o := range res.Objects {
		if id, ok := o["id"].(string); ok {
			out = append(out, id)
		}
	}
	return out
}

// metadataAll lists every object of a type with the given fields.
func metadataAll(fields string) metadata.ListParams {
	return metadata.ListParams{Fields: fields, Paging: false}
}

func withFilter(lp metadata.ListParams, filters ...string) metadata.ListParams {
	lp.Filters = append(lp.Filters, filters...)
	return lp
}
