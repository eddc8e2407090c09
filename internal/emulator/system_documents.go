package emulator

import (
	"net/http"
)

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
