package emulator

import (
	"net/http"

	"github.com/d2sync/d2sync/internal/emulator/system"
)

// documentFiles is the metadata engine's view of the file store
// (metadata.FileStore): the file resources internal documents point at.
type documentFiles struct{ f *system.Files }

// FileResource implements metadata.FileStore.
func (d documentFiles) FileResource(uid string) (exists, assigned bool) {
	fr, err := d.f.Get(uid)
	if err != nil {
		return false, false
	}
	return true, fr.Assigned
}

// AssignDocument implements metadata.FileStore.
func (d documentFiles) AssignDocument(uid string) { d.f.AssignDocument(uid) }

// releaseDocumentFile unassigns the file resource of an internal document
// deleted through DELETE /api/documents/{id} (2.41+:
// DefaultDocumentService.deleteDocument), so that the clean-up job may
// purge it. doc is the document as read before the deletion.
func (e *Emulator) releaseDocumentFile(doc map[string]any) {
	if ext, _ := doc["external"].(bool); ext || e.version.Minor < 41 {
		return
	}
	if url, _ := doc["url"].(string); url != "" {
		e.sys.Files.SetAssigned(url, false)
	}
}

// getDocumentData serves GET /api/documents/{id}/data: the uploaded file
// of an internal document (url = a DOCUMENT file resource UID) or a
// redirect to an external document's URL.
func (e *Emulator) getDocumentData(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	doc, err := e.meta.Get("documents", id, "id,url,external,attachment,contentType", "")
	if err != nil {
		return errStatus(http.StatusNotFound, "Document not found for uid: %s", id)
	}
	url, _ := doc["url"].(string)
	if ext, _ := doc["external"].(bool); ext {
		http.Redirect(w, r, url, http.StatusFound)
		return nil
	}
	fr, content, err := e.sys.Files.Content(url)
	if err != nil {
		return &apiError{code: http.StatusInternalServerError, message: "Failed fetching the file from storage"}
	}
	return writeFile(w, fr, content)
}
