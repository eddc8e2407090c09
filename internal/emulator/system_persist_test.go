package emulator_test

import (
	"archive/zip"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator"
	"github.com/d2sync/d2sync/internal/emulator/emulatortest"
)

// TestSystemPersistence writes system content, closes the emulator and
// reads it back from --data-dir; a snapshot without the system section
// (older emulator) still loads.
func TestSystemPersistence(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	first, err := emulator.New(emulator.Options{Version: "2.41", DataDir: dir, FileStoreDelay: -1})
	if err != nil {
		t.Fatal(err)
	}
	srv := emulatortest.Serve(t, first)
	sysCall(t, srv, "POST", "/api/systemSettings/applicationTitle?value=Persisted", "", "")
	sysCall(t, srv, "POST", "/api/dataStore/ns/key", "application/json", `{"v":1}`)
	code, _ := upload(t, srv, "/api/fileResources?domain=DOCUMENT&uid=Persist0001", "p.pdf", "application/pdf", []byte("%PDF-1.4 p"))
	if code != http.StatusAccepted {
		t.Fatalf("upload = %d", code)
	}
	upload(t, srv, "/api/apps", "bed.zip", "application/zip", appZip(t, "2.0.0"))
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}

	second, err := emulator.New(emulator.Options{Version: "2.41", DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	srv2 := emulatortest.Serve(t, second)
	if _, m := callJSON(t, srv2, "GET", "/api/systemSettings/applicationTitle", "", ""); m["applicationTitle"] != "Persisted" {
		t.Errorf("setting after restart = %v", m)
	}
	if code, b := sysCall(t, srv2, "GET", "/api/dataStore/ns/key", "", ""); code != 200 || string(b) != `{"v":1}` {
		t.Errorf("dataStore after restart = %d %s", code, b)
	}
	if code, b := sysCall(t, srv2, "GET", "/api/fileResources/Persist0001/data", "", ""); code != 200 || string(b) != "%PDF-1.4 p" {
		t.Errorf("file after restart = %d %s", code, b)
	}
	if code, _ := sysCall(t, srv2, "GET", "/api/apps/bed-tracker/index.html", "", ""); code != 200 {
		t.Errorf("app after restart = %d", code)
	}
	if err := second.Close(); err != nil {
		t.Fatal(err)
	}

	// Drop the system section, as a snapshot of an older emulator lacks it.
	path := filepath.Join(dir, "emulator-state.zip")
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := os.Create(path + ".new")
	zw := zip.NewWriter(out)
	for _, f := range zr.File {
		if f.Name == "system.json" {
			continue
		}
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	zr.Close()
	zw.Close()
	out.Close()
	if err := os.Rename(path+".new", path); err != nil {
		t.Fatal(err)
	}
	third, err := emulator.New(emulator.Options{Version: "2.41", DataDir: dir})
	if err != nil {
		t.Fatalf("snapshot without system section: %v", err)
	}
	third.Close()
}
