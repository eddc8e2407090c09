package emulator_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator"
)

func TestDocumentDataHTTP(t *testing.T) {
	t.Parallel()
	srv := start(t, emulator.Options{Version: "2.39", FileStoreDelay: -1})
	code, b := upload(t, srv, "/api/fileResources?domain=DOCUMENT&uid=DocFile0001", "plan.pdf", "application/pdf", []byte("%PDF-1.4 plan"))
	if code != http.StatusAccepted {
		t.Fatalf("upload = %d %s", code, b)
	}
	payload := `{"documents":[{"id":"DocIntern01","name":"Plan","url":"DocFile0001","external":false},
		{"id":"DocExtern01","name":"WHO","url":"https://www.who.int/report","external":true}]}`
	if code, b := sysCall(t, srv, "POST", "/api/metadata", "application/json", payload); code != 200 {
		t.Fatalf("documents = %d %s", code, b)
	}
	if code, b := sysCall(t, srv, "GET", "/api/documents/DocIntern01/data", "", ""); code != 200 || string(b) != "%PDF-1.4 plan" {
		t.Errorf("internal document = %d %q", code, b)
	}
	req := srv.Request(t, "GET", "/api/documents/DocExtern01/data", nil)
	resp, err := noRedirect(srv).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "https://www.who.int/report" {
		t.Errorf("external document = %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if code, b := sysCall(t, srv, "GET", "/api/documents/Nope0000001/data", "", ""); code != 404 || !strings.Contains(string(b), "Document not found") {
		t.Errorf("missing = %d %s", code, b)
	}
}
