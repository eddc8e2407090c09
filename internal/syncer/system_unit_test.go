package syncer

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/d2sync/d2sync/internal/dhis2"
)

func TestPrivateSettingReason(t *testing.T) {
	t.Parallel()
	tests := []struct {
		key     string
		private bool
	}{
		{"keyEmailHostName", true},
		{"keyEmailPassword", true},
		{"keyLastSuccessfulAnalyticsTablesUpdate", true},
		{"keyLastSuccessfulFancyNewJob", true},
		{"keyRemoteInstanceUrl", true},
		{"keyGoogleMapsApiKey", true},
		{"keySystemMetadataVersion", true},
		{"applicationTitle", false},
		{"keyUiLocale", false},
		{"keyCalendar", false},
		{"keyApplicationIntro", false},
		{"credentialsExpires", false},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			t.Parallel()
			reason, private := PrivateSettingReason(tt.key)
			if private != tt.private {
				t.Fatalf("PrivateSettingReason(%q) = %v, want %v", tt.key, private, tt.private)
			}
			if private && reason == "" {
				t.Fatalf("no reason given for %q", tt.key)
			}
		})
	}
	if got := PrivateSettings(); !slices.IsSorted(got) || !slices.Contains(got, "keyLastSuccessful*") {
		t.Fatalf("PrivateSettings() = %v: want a sorted list with the prefixes", got)
	}
}

func TestSameSetting(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		same bool
	}{
		{`true`, `"true"`, true},
		{`2`, `2.0`, true},
		{`"DHIS 2"`, `"DHIS 2"`, true},
		{`"DHIS 2"`, `"DHIS2"`, false},
		{`false`, `true`, false},
		{`{"a":1, "b":[1,2]}`, `{"a":1,"b":[1,2]}`, true},
		{`7`, `"7"`, true},
		{`7`, `8`, false},
	}
	for _, tt := range tests {
		if got := sameSetting(json.RawMessage(tt.a), json.RawMessage(tt.b)); got != tt.same {
			t.Errorf("sameSetting(%s, %s) = %v, want %v", tt.a, tt.b, got, tt.same)
		}
	}
}

func TestPlanSettings(t *testing.T) {
	t.Parallel()
	src := map[string]json.RawMessage{
		"applicationTitle": json.RawMessage(`"Sénégal"`), "keyUiLocale": json.RawMessage(`"fr"`),
		"keyEmailHostName": json.RawMessage(`"smtp.source.org"`), "keyLastMonitoringRun": json.RawMessage(`"2026-01-01T00:00:00.000"`),
		"keyCacheability": json.RawMessage(`"PUBLIC"`),
	}
	dst := map[string]json.RawMessage{"applicationTitle": json.RawMessage(`"DHIS 2"`), "keyCacheability": json.RawMessage(`"PUBLIC"`)}
	for _, include := range []bool{false, true} {
		s := &sysRun{opts: SystemOptions{IncludePrivateSettings: include}}
		p := s.planSettings(src, dst)
		wantChanged := []string{"applicationTitle", "keyUiLocale"}
		wantPrivate := []string{"keyEmailHostName", "keyLastMonitoringRun"}
		if include {
			wantChanged = []string{"applicationTitle", "keyEmailHostName", "keyLastMonitoringRun", "keyUiLocale"}
			wantPrivate = nil
		}
		if !slices.Equal(p.changed, wantChanged) || !slices.Equal(p.private, wantPrivate) {
			t.Errorf("include=%v: changed %v private %v, want %v and %v", include, p.changed, p.private, wantChanged, wantPrivate)
		}
		it := verifySettings(p.want, dst, map[string]string{"keyUiLocale": "unknown to the destination"}, nil)
		if it.Match != 1 || it.Differ != 1 || it.Documented != 1 || it.Missing != len(p.want)-3 {
			t.Errorf("include=%v: verification %+v", include, it)
		}
	}
}

func TestDataStoreMerge(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, dst, src, want string
		covers               bool
	}{
		{"objects", `{"a":1,"b":2}`, `{"b":3,"c":4}`, `{"a":1,"b":3,"c":4}`, false},
		{"source not an object", `{"a":1}`, `[1,2]`, `[1,2]`, false},
		{"destination not an object", `"x"`, `{"a":1}`, `{"a":1}`, false},
		{"already covered", `{"a":1,"b":2,"local":true}`, `{"a":1,"b":2}`, `{"a":1,"b":2,"local":true}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := mergeJSON(json.RawMessage(tt.dst), json.RawMessage(tt.src))
			if !sameJSON(got, json.RawMessage(tt.want)) {
				t.Fatalf("mergeJSON = %s, want %s", got, tt.want)
			}
			if c := mergeCovers(json.RawMessage(tt.src), json.RawMessage(tt.dst)); c != tt.covers {
				t.Fatalf("mergeCovers = %v, want %v", c, tt.covers)
			}
			if !mergeCovers(json.RawMessage(tt.src), got) && strings.HasPrefix(tt.src, "{") && strings.HasPrefix(tt.dst, "{") {
				t.Fatalf("a merged value must cover the source")
			}
		})
	}
	if _, err := ParseDataStorePolicy("overwrite"); err == nil {
		t.Fatal("ParseDataStorePolicy accepted an unknown policy")
	}
	if p, err := ParseDataStorePolicy(" Merge "); err != nil || p != DataStoreMerge {
		t.Fatalf("ParseDataStorePolicy(Merge) = %q, %v", p, err)
	}
}

func TestSharingCompareAndRender(t *testing.T) {
	t.Parallel()
	a := &sharing{Owner: "u1", Public: "r-------", Users: map[string]sharingAccess{"u2": {ID: "u2", Access: "rw------"}}}
	b := &sharing{Owner: "other", Public: "r-------", Users: map[string]sharingAccess{"u2": {ID: "u2", Access: "rw------"}}}
	if !sameSharing(a, b) {
		t.Fatal("sharing that differs only by owner must compare equal")
	}
	b.UserGroups = map[string]sharingAccess{"g1": {ID: "g1", Access: "r-------"}}
	if sameSharing(a, b) {
		t.Fatal("an extra group access must make sharing differ")
	}
	if !sameSharing(nil, &sharing{}) || sameSharing(nil, a) {
		t.Fatal("nil sharing must equal empty sharing only")
	}
	obj := legacySharing(a)
	raw, _ := json.Marshal(obj)
	want := `{"externalAccess":false,"publicAccess":"r-------","user":{"id":"u1"},"userAccesses":[{"access":"rw------","id":"u2"}],"userGroupAccesses":[]}`
	if string(raw) != want {
		t.Fatalf("legacySharing = %s, want %s", raw, want)
	}
}

func TestCompareVersionsAndAppDecision(t *testing.T) {
	t.Parallel()
	versions := []struct {
		a, b string
		want int
	}{
		{"1.2.10", "1.2.9", 1}, {"1.0.0", "1.0.0", 0}, {"v2.0", "2.0.0", 0}, {"1.0.0-beta", "1.0.0-alpha", 1}, {"0.9", "1.0", -1},
	}
	for _, tt := range versions {
		if got := compareVersions(tt.a, tt.b); got != tt.want {
			t.Errorf("compareVersions(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
	decisions := []struct {
		name     string
		src, dst *app
		action   string
	}{
		{"missing", &app{Key: "a", Version: "1.0"}, nil, "install"},
		{"older on destination", &app{Key: "a", Version: "1.1"}, &app{Key: "a", Version: "1.0"}, "upgrade"},
		{"same", &app{Key: "a", Version: "1.1"}, &app{Key: "a", Version: "1.1"}, "skipped"},
		{"newer on destination", &app{Key: "a", Version: "1.1"}, &app{Key: "a", Version: "2.0"}, "skipped"},
		{"bundled", &app{Key: "dashboard", Version: "100.0", Bundled: true}, nil, "skipped"},
	}
	for _, tt := range decisions {
		if got, reason := appDecision(tt.src, tt.dst); got != tt.action || reason == "" {
			t.Errorf("%s: appDecision = %q (%q), want %q", tt.name, got, reason, tt.action)
		}
	}
}

func TestFileRefs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file, data string
		want             []string
	}{
		{"html", "index.html", `<script src="./static/js/main.1a2b.js"></script><link href="css/app.css" rel="stylesheet"><a href="https://dhis2.org/x.js">`, []string{"css/app.css", "static/js/main.1a2b.js"}},
		{"css", "static/css/app.css", `body{background:url("../img/bg.png")} @font-face{src:url(fonts/a.woff2)}`, []string{"static/css/fonts/a.woff2", "static/img/bg.png"}},
		{"js", "static/js/main.js", `import("./chunk.42.js");const l="locales/fr.json";fetch("/api/me.json")`, []string{"api/me.json", "static/js/chunk.42.js", "static/js/locales/fr.json"}},
		{"asset manifest", "asset-manifest.json", `{"files":{"main.js":"./static/js/main.js","x":"/static/css/a.css"},"entrypoints":["static/js/main.js"]}`, []string{"main.js", "static/css/a.css", "static/js/main.js"}},
		{"escapes", "a/b.js", `"../../etc/passwd.txt" "data:x.png" "${x}.js"`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := fileRefs(tt.file, []byte(tt.data))
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Fatalf("fileRefs = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestUntemplateHTML(t *testing.T) {
	t.Parallel()
	served := `<html><head><meta name="dhis2-base-url" content="http://src:8080/dhis" /><script>var b="http://src:8080/dhis/api/apps/demo-app/x";var c="http://src:8080/dhis";</script></head></html>`
	got := string(untemplateHTML([]byte(served), "http://src:8080/dhis", "http://src:8080/dhis/api/apps/demo-app"))
	want := `<html><head><script>var b="__DHIS2_APP_ROOT_URL__/x";var c="__DHIS2_BASE_URL__";</script></head></html>`
	if got != want {
		t.Fatalf("untemplateHTML =\n%s\nwant\n%s", got, want)
	}
}

func TestUploadedAndCreatedID(t *testing.T) {
	t.Parallel()
	if id := uploadedID([]byte(`{"httpStatus":"Accepted","response":{"responseType":"FileResource","fileResource":{"id":"abcdefghijk","storageStatus":"PENDING"}}}`)); id != "abcdefghijk" {
		t.Fatalf("uploadedID(WebMessage) = %q", id)
	}
	if id := uploadedID([]byte(`{"id":"bcdefghijkl"}`)); id != "bcdefghijkl" {
		t.Fatalf("uploadedID(bare) = %q", id)
	}
	resp := &dhis2.Response{Header: http.Header{"Location": {"http://h/api/interpretations/Xyz1234567a"}}}
	if id := createdID(resp); id != "Xyz1234567a" {
		t.Fatalf("createdID(Location) = %q", id)
	}
	resp = &dhis2.Response{Header: http.Header{}, Body: []byte(`{"response":{"uid":"Xyz1234567b"}}`)}
	if id := createdID(resp); id != "Xyz1234567b" {
		t.Fatalf("createdID(body) = %q", id)
	}
}

// appServer serves one app the way DHIS2 does: files under
// /api/apps/{key}/…, HTML pages with the base URL substituted.
func appServer(t *testing.T, files map[string]string) *httptest.Server {
	t.Helper()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, ok := strings.CutPrefix(r.URL.Path, "/api/apps/demo-app/")
		body, found := files[name]
		if !ok || !found {
			http.NotFound(w, r)
			return
		}
		if strings.HasSuffix(name, ".html") {
			w.Header().Set("Content-Type", "text/html")
			body = strings.ReplaceAll(body, "__DHIS2_BASE_URL__", srv.URL)
			body = strings.Replace(body, "<head>", `<head><meta name="dhis2-base-url" content="`+srv.URL+`" />`, 1)
		}
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestDownloadAppAndZip(t *testing.T) {
	t.Parallel()
	files := map[string]string{
		"manifest.webapp":          `{"name":"Demo","version":"1.2.0","launch_path":"index.html","icons":{"48":"img/icon.png"}}`,
		"index.html":               `<html><head><script>window.base="__DHIS2_BASE_URL__"</script><script src="static/js/main.js"></script></head></html>`,
		"static/js/main.js":        `const chunk = "static/js/" + id + ".chunk.js"; const s = "./style.css";`,
		"static/js/style.css":      `.x{background:url(../../img/bg.png)}`,
		"img/icon.png":             "PNG",
		"img/bg.png":               "PNG2",
		"asset-manifest.json":      `{"files":{"chunk":"./static/js/7.chunk.js"}}`,
		"static/js/7.chunk.js":     `console.log(7)`,
		"unreferenced/secret.json": `{}`,
	}
	srv := appServer(t, files)
	cl, err := dhis2.New(dhis2.Config{Name: "source", BaseURL: srv.URL, Username: "u", Password: "p", Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	s := &sysRun{r: &Run{Source: &Instance{Client: cl}}, stage: &StageReport{Counts: map[string]Counts{}}}
	got, err := s.downloadApp(context.Background(), &app{Key: "demo-app", Version: "1.2.0", BaseURL: srv.URL + "/api/apps/demo-app"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for n := range got {
		names = append(names, n)
	}
	slices.Sort(names)
	want := []string{"asset-manifest.json", "img/bg.png", "img/icon.png", "index.html", "manifest.webapp", "static/js/7.chunk.js", "static/js/main.js", "static/js/style.css"}
	if !slices.Equal(names, want) {
		t.Fatalf("files = %v, want %v", names, want)
	}
	if string(got["index.html"]) != files["index.html"] {
		t.Fatalf("index.html not restored to its original:\n%s", got["index.html"])
	}
	zipped, size, err := zipFiles(got)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(zipped), int64(len(zipped)))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != len(want) || size <= 0 {
		t.Fatalf("zip has %d files (%d bytes), want %d", len(zr.File), size, len(want))
	}
}

func TestDownloadAppWithoutManifest(t *testing.T) {
	t.Parallel()
	srv := appServer(t, map[string]string{"index.html": "<html></html>"})
	cl, err := dhis2.New(dhis2.Config{Name: "source", BaseURL: srv.URL, Username: "u", Password: "p", Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	s := &sysRun{r: &Run{Source: &Instance{Client: cl}}, stage: &StageReport{Counts: map[string]Counts{}}}
	if _, err := s.downloadApp(context.Background(), &app{Key: "demo-app"}); err == nil || !strings.Contains(err.Error(), "manifest") {
		t.Fatalf("err = %v, want one naming the missing manifest", err)
	}
}

func TestPairInterpretations(t *testing.T) {
	t.Parallel()
	s := &sysRun{}
	s.idmap = IDMap{}
	s.idmap.Set(partInterpretations, "srcMapped01", "dstMapped01")
	s.idOnce.Do(func() {})
	viz := func(id, text, target string) *interpretation {
		return &interpretation{ID: id, Text: text, refs: map[string]idRef{"visualization": {ID: target}}}
	}
	src := []*interpretation{
		viz("srcMapped01", "edited text", "vizAAAAAAAA"),
		viz("srcByText01", "same text", "vizAAAAAAAA"),
		viz("srcByText02", "same text", "vizAAAAAAAA"),
		viz("srcMissing1", "new", "vizBBBBBBBBB"),
	}
	dst := []*interpretation{
		viz("dstMapped01", "old text", "vizAAAAAAAA"),
		viz("dstText0001", "same text", "vizAAAAAAAA"),
		viz("dstExtra001", "written on the mirror", "vizAAAAAAAA"),
	}
	p := s.pairInterpretations(context.Background(), src, dst)
	if p.pairs["srcMapped01"].ID != "dstMapped01" || p.pairs["srcByText01"].ID != "dstText0001" {
		t.Fatalf("pairs = %v", p.pairs)
	}
	if len(p.unpaired) != 2 || p.unpaired[0].ID != "srcByText02" || p.unpaired[1].ID != "srcMissing1" {
		t.Fatalf("unpaired = %v", p.unpaired)
	}
	if len(p.extra) != 1 || p.extra[0].ID != "dstExtra001" {
		t.Fatalf("extra = %v", p.extra)
	}
	items := s.verifyInterpretations(context.Background(), src, p)
	if it := items[0]; it.Match != 1 || it.Differ != 1 || it.Missing != 2 || it.Extra != 1 {
		t.Fatalf("verification = %+v", it)
	}
}

func TestCopyStaticContent(t *testing.T) {
	t.Parallel()
	png := []byte("\x89PNG\r\n\x1a\nlogo")
	src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/staticContent/logo_front" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "image/png")
		w.Write(png)
	}))
	defer src.Close()
	var got []byte
	dst := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, _, err := r.FormFile("file")
		if r.Method != http.MethodPost || r.URL.Path != "/api/staticContent/logo_front" || err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		got, _ = io.ReadAll(f)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer dst.Close()
	client := func(u string) *dhis2.Client {
		c, err := dhis2.New(dhis2.Config{Name: "x", BaseURL: u, Username: "u", Password: "p", Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	s := &sysRun{r: &Run{Opts: Options{Progress: NopProgress{}}, Report: &Report{}, Source: &Instance{Client: client(src.URL)}, Dest: &Instance{Client: client(dst.URL)}}, stage: &StageReport{Counts: map[string]Counts{}}}
	p := &settingsPlan{want: map[string]json.RawMessage{"keyUseCustomLogoFront": json.RawMessage(`true`), "keyUseCustomLogoBanner": json.RawMessage(`true`)},
		changed: []string{"keyUseCustomLogoBanner", "keyUseCustomLogoFront"}}
	s.copyLogos(context.Background(), p)
	if !bytes.Equal(got, png) {
		t.Fatalf("destination received %q, want the logo", got)
	}
	if !slices.Equal(p.changed, []string{"keyUseCustomLogoFront"}) || p.skipped["keyUseCustomLogoBanner"] == "" {
		t.Fatalf("changed %v skipped %v: the banner (404 on the source) must be skipped, the front logo kept", p.changed, p.skipped)
	}
}
