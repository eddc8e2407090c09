package emulator_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/d2sync/d2sync/internal/emulator"
)

// fakeTime is a settable emulator clock.
type fakeTime struct{ t time.Time }

func (f *fakeTime) now() time.Time { return f.t }

func TestFileResourcesHTTP(t *testing.T) {
	t.Parallel()
	clk := &fakeTime{t: time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)}
	srv := start(t, emulator.Options{Version: "2.40", Clock: clk.now, FileStoreDelay: time.Second})
	code, b := upload(t, srv, "/api/fileResources?domain=DOCUMENT", "guide.pdf", "application/pdf", []byte("%PDF-1.4 guide"))
	var m map[string]any
	jsonUnmarshal(b, &m)
	resp, _ := m["response"].(map[string]any)
	fr, _ := resp["fileResource"].(map[string]any)
	if code != http.StatusAccepted || m["httpStatus"] != "Accepted" || resp["responseType"] != "FileResource" || fr["storageStatus"] != "PENDING" {
		t.Fatalf("upload = %d %s", code, b)
	}
	id := fr["id"].(string)
	_, got := callJSON(t, srv, "GET", "/api/fileResources/"+id, "", "")
	if got["storageStatus"] != "PENDING" || got["domain"] != "DOCUMENT" || got["contentMd5"] == nil {
		t.Errorf("metadata while pending = %v", got)
	}
	clk.t = clk.t.Add(time.Second)
	_, got = callJSON(t, srv, "GET", "/api/fileResources/"+id, "", "")
	if got["storageStatus"] != "STORED" {
		t.Errorf("status after the delay = %v", got["storageStatus"])
	}
	code, data := sysCall(t, srv, "GET", "/api/fileResources/"+id+"/data", "", "")
	if code != 200 || string(data) != "%PDF-1.4 guide" {
		t.Errorf("data = %d %q", code, data)
	}
	code, b = upload(t, srv, "/api/fileResources", "value.txt", "text/plain", []byte("v"))
	jsonUnmarshal(b, &m)
	dvID := m["response"].(map[string]any)["fileResource"].(map[string]any)["id"].(string)
	if code, _ := sysCall(t, srv, "GET", "/api/fileResources/"+dvID+"/data", "", ""); code != http.StatusUnauthorized {
		t.Errorf("DATA_VALUE file through /data = %d, want 401 as DHIS2", code)
	}
	if code, _ := upload(t, srv, "/api/fileResources", "x.exe", "application/octet-stream", []byte("MZ")); code != http.StatusConflict {
		t.Errorf("blocked file = %d", code)
	}
	if code, _ := sysCall(t, srv, "GET", "/api/fileResources/Nope1234567", "", ""); code != 404 {
		t.Errorf("missing = %d", code)
	}
	if n := srv.WriteCounts().System.FilesUploaded; n != 2 {
		t.Errorf("uploads counted = %d", n)
	}
}

func TestFileResourceUIDPerVersion(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		version string
		kept    bool
	}{{"2.38", false}, {"2.39", true}, {"2.42", true}} {
		srv := start(t, emulator.Options{Version: tt.version})
		code, b := upload(t, srv, "/api/fileResources?uid=Keep0000001", "a.txt", "text/plain", []byte("a"))
		if code != http.StatusAccepted {
			t.Fatalf("%s: upload = %d %s", tt.version, code, b)
		}
		if kept := strings.Contains(string(b), `"id":"Keep0000001"`); kept != tt.kept {
			t.Errorf("%s: uid kept = %v, want %v", tt.version, kept, tt.kept)
		}
		if tt.kept {
			code, b = upload(t, srv, "/api/fileResources?uid=Keep0000001", "a.txt", "text/plain", []byte("a"))
			if code != http.StatusConflict || !strings.Contains(string(b), "E1119") {
				t.Errorf("%s: second upload with the uid = %d %s", tt.version, code, b)
			}
		}
	}
	old := start(t, emulator.Options{Version: "2.30"})
	if code, _ := sysCall(t, old, "GET", "/api/fileResources/Keep0000001/data", "", ""); code != http.StatusNotFound {
		t.Errorf("2.30 has no /data: %d", code)
	}
}

func TestFileResourcePurgeHTTP(t *testing.T) {
	t.Parallel()
	clk := &fakeTime{t: time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)}
	srv := start(t, emulator.Options{Version: "2.41", Clock: clk.now, FileStoreDelay: -1})
	_, b := upload(t, srv, "/api/fileResources?uid=Orphan00001", "orphan.txt", "text/plain", []byte("o"))
	if !strings.Contains(string(b), `"assigned":false`) {
		t.Errorf("new upload = %s", b)
	}
	upload(t, srv, "/api/fileResources?uid=Kept0000001&domain=DOCUMENT", "kept.pdf", "application/pdf", []byte("%PDF"))
	sysCall(t, srv, "POST", "/api/metadata", "application/json", `{"documents":[{"id":"DocKept0001","name":"Kept","url":"Kept0000001","external":false}]}`)
	clk.t = clk.t.Add(2*time.Hour + time.Minute)
	if code, _ := sysCall(t, srv, "GET", "/api/fileResources/Orphan00001", "", ""); code != http.StatusNotFound {
		t.Errorf("unassigned file after two hours = %d, want purged", code)
	}
	if code, b := sysCall(t, srv, "GET", "/api/fileResources/Kept0000001", "", ""); code != 200 || !strings.Contains(string(b), `"assigned":true`) {
		t.Errorf("document file = %d %s", code, b)
	}
}
