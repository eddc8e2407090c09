package emulator_test

import (
	"archive/zip"
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator"
)

func appZip(t *testing.T, version string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range map[string]string{
		"app/manifest.webapp": `{"name":"Bed Tracker","short_name":"bed-tracker","version":"` + version + `","launch_path":"index.html",` +
			`"activities":{"dhis":{"href":"*","namespace":"bed-tracker"}},"appType":"APP"}`,
		"app/index.html":         `<html><base href="__DHIS2_BASE_URL__"></html>`,
		"app/static/js/main.js":  "console.log('beds')",
		"app/static/config.json": `{"a":1}`,
	} {
		w, _ := zw.Create(name)
		w.Write([]byte(body))
	}
	zw.Close()
	return buf.Bytes()
}

func TestAppsHTTP(t *testing.T) {
	t.Parallel()
	srv := start(t, emulator.Options{Version: "2.40"})
	if code, b := upload(t, srv, "/api/apps", "bed-tracker-1.0.0.zip", "application/zip", appZip(t, "1.0.0")); code != http.StatusNoContent {
		t.Fatalf("install = %d %s", code, b)
	}
	code, list := getJSON(t, srv, "/api/apps?filter=bundled:eq:false")
	apps := list.([]any)
	if code != 200 || len(apps) != 1 {
		t.Fatalf("apps = %d %v", code, list)
	}
	app := apps[0].(map[string]any)
	if app["key"] != "bed-tracker" || app["version"] != "1.0.0" || app["baseUrl"] != srv.URL+"/api/apps/bed-tracker" || app["appType"] != "APP" {
		t.Errorf("app = %v", app)
	}
	if code, b := sysCall(t, srv, "GET", "/api/apps/bed-tracker/index.html", "", ""); code != 200 || !strings.Contains(string(b), srv.URL) {
		t.Errorf("index.html = %d %s", code, b)
	}
	if code, b := sysCall(t, srv, "GET", "/api/apps/bed-tracker/static/js/main.js", "", ""); code != 200 || string(b) != "console.log('beds')" {
		t.Errorf("main.js = %d %s", code, b)
	}
	if code, b := sysCall(t, srv, "GET", "/api/apps/bed-tracker/static/config.json", "", ""); code != 200 || string(b) != `{"a":1}` {
		t.Errorf("a .json app file = %d %s", code, b)
	}
	if code, _ := sysCall(t, srv, "GET", "/api/apps/bed-tracker/nope.js", "", ""); code != 404 {
		t.Errorf("missing file = %d", code)
	}
	if code, _ := sysCall(t, srv, "GET", "/api/apps/bed-tracker", "", ""); code != http.StatusFound {
		t.Errorf("app root = %d", code)
	}
	upload(t, srv, "/api/apps", "bed-tracker-1.1.0.zip", "application/zip", appZip(t, "1.1.0"))
	_, list = getJSON(t, srv, "/api/apps?filter=name:ilike:bed")
	if apps := list.([]any); len(apps) != 1 || apps[0].(map[string]any)["version"] != "1.1.0" {
		t.Errorf("after upgrade = %v", list)
	}
	code, b := upload(t, srv, "/api/apps", "broken.zip", "application/zip", []byte("not a zip"))
	if code != http.StatusConflict || !strings.Contains(string(b), "Zip file could not be read") {
		t.Errorf("bad zip = %d %s", code, b)
	}
	if code, _ := sysCall(t, srv, "DELETE", "/api/apps/bed-tracker", "", ""); code != http.StatusNoContent {
		t.Errorf("delete = %d", code)
	}
	if code, _ := sysCall(t, srv, "DELETE", "/api/apps/bed-tracker", "", ""); code != http.StatusNotFound {
		t.Errorf("second delete = %d", code)
	}
	_, list = getJSON(t, srv, "/api/apps?filter=bundled:eq:true")
	if len(list.([]any)) == 0 || list.([]any)[0].(map[string]any)["bundled"] != true {
		t.Errorf("bundled apps = %v", list)
	}
	c := srv.WriteCounts().System
	if c.AppsInstalled != 2 || c.AppsDeleted != 1 {
		t.Errorf("counts = %+v", c)
	}
}
