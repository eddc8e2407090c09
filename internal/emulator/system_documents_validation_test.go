package emulator_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator"
)

// TestDocumentFileResourcesHTTP: importing an internal document needs its
// uploaded file resource (E4015), which must not be assigned yet (E4016,
// also when the same document is imported again); the import assigns it
// and makes it a DOCUMENT file. From 2.41, DELETE /api/documents/{id}
// unassigns it again.
func TestDocumentFileResourcesHTTP(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"2.39", "2.41"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			srv := start(t, emulator.Options{Version: version, FileStoreDelay: -1})
			files := srv.System().Files
			if code, b := upload(t, srv, "/api/fileResources?domain=DATA_VALUE&uid=DocFile0001", "plan.pdf", "application/pdf", []byte("%PDF-1.4 plan")); code != http.StatusAccepted {
				t.Fatalf("upload = %d %s", code, b)
			}
			doc := func(id, url string) string {
				return `{"documents":[{"id":"` + id + `","name":"Plan ` + id + `","url":"` + url + `","external":false}]}`
			}
			post := func(body string) (int, string) {
				code, b := sysCall(t, srv, "POST", "/api/metadata", "application/json", body)
				return code, string(b)
			}
			if code, b := post(doc("DocMissing1", "NoSuchFile1")); code != http.StatusConflict || !strings.Contains(b, `"errorCode":"E4015"`) ||
				!strings.Contains(b, "Property `url` refers to an object that does not exist, could not find `NoSuchFile1`") {
				t.Errorf("missing file = %d %s", code, b)
			}
			if code, b := post(doc("DocIntern01", "DocFile0001")); code != http.StatusOK {
				t.Fatalf("document = %d %s", code, b)
			}
			if fr, err := files.Get("DocFile0001"); err != nil || !fr.Assigned || fr.Domain != "DOCUMENT" {
				t.Fatalf("file after the import = %+v %v, want assigned DOCUMENT", fr, err)
			}
			for _, id := range []string{"DocOther001", "DocIntern01"} {
				if code, b := post(doc(id, "DocFile0001")); code != http.StatusConflict || !strings.Contains(b, `"errorCode":"E4016"`) {
					t.Errorf("%s on an assigned file = %d %s", id, code, b)
				}
			}
			if code, b := post(`{"documents":[{"id":"DocExtern01","name":"WHO","url":"who.int","external":true}]}`); code != http.StatusConflict || !strings.Contains(b, `"errorCode":"E4004"`) {
				t.Errorf("bad external url = %d %s", code, b)
			}
			if code, b := sysCall(t, srv, "DELETE", "/api/documents/DocIntern01", "", ""); code != http.StatusOK {
				t.Fatalf("delete = %d %s", code, b)
			}
			fr, err := files.Get("DocFile0001")
			if err != nil || fr.Assigned != (version < "2.41") {
				t.Errorf("file after the delete = %+v %v, want assigned %v", fr, err, version < "2.41")
			}
		})
	}
}
