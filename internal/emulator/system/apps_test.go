package system

import (
	"strings"
	"testing"
)

const manifest = `{"name":"Stock Monitor","short_name":"stock-monitor","version":"1.2.0","description":"Stock levels",
"launch_path":"index.html","default_locale":"en","developer":{"name":"HISP"},"icons":{"48":"icon.png"},
"activities":{"dhis":{"href":"*","namespace":"stock-monitor"}},"appType":"APP"}`

func TestAppInstallAndServe(t *testing.T) {
	t.Parallel()
	s := setup(t, "2.40").sys
	archive := zipOf(t, "stock-monitor/manifest.webapp", manifest,
		"stock-monitor/index.html", `<base href="__DHIS2_BASE_URL__"><script src="__DHIS2_APP_ROOT_URL__/app.js"></script>`,
		"stock-monitor/js/app.js", "console.log(1)")
	app, err := s.Apps.Install("stock-monitor-1.2.0.zip", archive)
	if err != nil {
		t.Fatal(err)
	}
	if app.Key != "stock-monitor" || app.FolderName != "apps/stock-monitor-1.2.0" || len(app.Files) != 3 {
		t.Fatalf("app = %+v", app)
	}
	m := s.Apps.Render(app, "http://h/dhis")
	if m["baseUrl"] != "http://h/dhis/api/apps/stock-monitor" || m["launchUrl"] != "http://h/dhis/api/apps/stock-monitor/index.html" ||
		m["bundled"] != false || m["appState"] != "OK" || m["version"] != "1.2.0" || m["key"] != "stock-monitor" {
		t.Errorf("render = %v", m)
	}
	b, ct, ok := s.Apps.File(app, "index.html", "http://h/dhis")
	if !ok || !strings.Contains(string(b), `href="http://h/dhis"`) || !strings.Contains(string(b), "http://h/dhis/api/apps/stock-monitor/app.js") || !strings.HasPrefix(ct, "text/html") {
		t.Errorf("index.html = %q %q %v", b, ct, ok)
	}
	if b, _, ok := s.Apps.File(app, "", "http://h"); !ok || !strings.Contains(string(b), "<base") {
		t.Error("empty path does not serve index.html")
	}
	if b, _, ok := s.Apps.File(app, "js/app.js", "http://h"); !ok || string(b) != "console.log(1)" {
		t.Errorf("app.js = %q", b)
	}
	if b, _, ok := s.Apps.File(app, "manifest.webapp", "http://h"); !ok || !strings.Contains(string(b), `"href":"http://h"`) {
		t.Errorf("manifest = %s", b)
	}
	if _, _, ok := s.Apps.File(app, "../../etc/passwd", "http://h"); ok {
		t.Error("path escape served")
	}
	if p := s.DataStore.Protections(); len(p) != 1 || p[0].Namespace != "stock-monitor" || p[0].Reads != ProtectionRestricted {
		t.Errorf("protections = %+v", p)
	}
	_, err = s.DataStore.Create(bob, "stock-monitor", "k", []byte(`1`), false)
	mustKind(t, err, KindForbidden, "Namespace 'stock-monitor' is protected, access denied")
	if _, err := s.DataStore.Create(Caller{ID: "u", Authorities: []string{"M_stockmonitor"}}, "stock-monitor", "k", []byte(`1`), false); err != nil {
		t.Errorf("app user: %v", err)
	}

	// A newer version replaces the old one.
	v2 := strings.Replace(manifest, "1.2.0", "1.3.0", 1)
	if _, err := s.Apps.Install("stock-monitor-1.3.0.zip", zipOf(t, "manifest.webapp", v2, "index.html", "v2")); err != nil {
		t.Fatal(err)
	}
	apps, _ := s.Apps.List([]string{"bundled:eq:false"})
	if len(apps) != 1 || apps[0].Version() != "1.3.0" {
		t.Errorf("installed apps = %v", apps)
	}
	if err := s.Apps.Delete("stock-monitor", true); err != nil {
		t.Fatal(err)
	}
	if len(s.DataStore.Protections()) != 0 || s.DataStore.Len() != 0 {
		t.Error("app deletion kept the namespace protection or data")
	}
	err = s.Apps.Delete("stock-monitor", false)
	mustKind(t, err, KindNotFound, "App does not exist: stock-monitor")
	err = s.Apps.Delete("dashboard", false)
	mustKind(t, err, KindConflict, "")
}

func TestAppInstallErrors(t *testing.T) {
	t.Parallel()
	s := setup(t, "2.42").sys
	for _, tt := range []struct {
		name    string
		archive []byte
		msg     string
	}{
		{"not a zip", []byte("hello"), "Zip file could not be read"},
		{"no manifest", zipOf(t, "index.html", "x"), "Manifest file missing from zip file"},
		{"bad manifest", zipOf(t, "manifest.webapp", "{nope"), "Invalid JSON in app manifest file"},
	} {
		_, err := s.Apps.Install("x.zip", tt.archive)
		mustKind(t, err, KindConflict, tt.msg)
	}
	if _, err := s.Apps.Install("a.zip", zipOf(t, "manifest.webapp", manifest)); err != nil {
		t.Fatal(err)
	}
	other := strings.Replace(manifest, `"short_name":"stock-monitor"`, `"short_name":"other"`, 1)
	_, err := s.Apps.Install("b.zip", zipOf(t, "manifest.webapp", other))
	mustKind(t, err, KindConflict, "Namespace defined in manifest is already in use")
}

func TestAppListFilters(t *testing.T) {
	t.Parallel()
	s := setup(t, "2.41").sys
	s.Apps.Install("a.zip", zipOf(t, "manifest.webapp", manifest))
	for _, tt := range []struct {
		filter []string
		want   int
	}{
		{nil, len(bundledApps) + 1},
		{[]string{"appType:eq:APP"}, len(bundledApps) + 1},
		{[]string{"bundled:eq:true"}, len(bundledApps)},
		{[]string{"name:ilike:stock"}, 1},
		{[]string{"name:eq:Stock Monitor", "bundled:eq:false"}, 1},
	} {
		apps, err := s.Apps.List(tt.filter)
		if err != nil || len(apps) != tt.want {
			t.Errorf("%v: %d apps, %v; want %d", tt.filter, len(apps), err, tt.want)
		}
	}
	_, err := s.Apps.List([]string{"appType:like:X"})
	mustKind(t, err, KindConflict, "Invalid filter: appType:like:X")
	_, err = s.Apps.List([]string{"junk"})
	mustKind(t, err, KindConflict, "Invalid filter: junk")
}
