package system

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// maxAppSize bounds an uploaded app archive and its unpacked content.
const maxAppSize = 256 << 20

// App is an installed (or bundled) app: its manifest.webapp, where it was
// installed from and its unpacked files.
type App struct {
	Key        string            `json:"key"`
	Manifest   map[string]any    `json:"manifest"`
	FolderName string            `json:"folderName"`
	Bundled    bool              `json:"bundled,omitempty"`
	Installed  time.Time         `json:"installed"`
	Files      map[string][]byte `json:"files,omitempty"` // path inside the app → content
}

func (a *App) str(key string) string {
	s, _ := a.Manifest[key].(string)
	return s
}

// Name is the manifest's name.
func (a *App) Name() string { return a.str("name") }

// Version is the manifest's version.
func (a *App) Version() string { return a.str("version") }

// Namespace is the dataStore namespace the manifest reserves
// (activities.dhis.namespace), "" when none.
func (a *App) Namespace() string {
	acts, _ := a.Manifest["activities"].(map[string]any)
	dhis, _ := acts["dhis"].(map[string]any)
	ns, _ := dhis["namespace"].(string)
	return ns
}

// Apps is /api/apps: installed apps and the bundled core apps.
type Apps struct {
	sys *System

	mu    sync.RWMutex
	byKey map[string]*App
}

// bundledApps are core apps every emulated instance lists (bundled:true);
// they cannot be deleted through the API.
var bundledApps = []struct{ key, name string }{
	{"app-management", "App Management"}, {"dashboard", "Dashboard"}, {"data-visualizer", "Data Visualizer"},
	{"import-export", "Import/Export"}, {"maintenance", "Maintenance"}, {"maps", "Maps"}, {"settings", "System Settings"},
}

func newApps(s *System) *Apps {
	a := &Apps{sys: s, byKey: map[string]*App{}}
	for _, b := range bundledApps {
		a.byKey[b.key] = &App{Key: b.key, Bundled: true, FolderName: "dhis-web-" + b.key,
			Manifest: map[string]any{"name": b.name, "short_name": b.key, "version": bundledVersion(s), "appType": "APP",
				"launch_path": "index.html", "default_locale": "en", "description": b.name + " (bundled with DHIS2)",
				"developer": map[string]any{"name": "DHIS2", "url": "https://dhis2.org"}, "icons": map[string]any{"48": "dhis2-app-icon.png"},
				"activities": map[string]any{"dhis": map[string]any{"href": "*"}}, "core_app": true}}
	}
	return a
}

// bundledVersion is a plausible core-app version for the DHIS2 version.
func bundledVersion(s *System) string {
	return "100." + strings.TrimPrefix(s.prof.Version.String(), "2.") + ".0"
}

var keyCleaner = regexp.MustCompile(`[^A-Za-z0-9\s-]`)
var spaces = regexp.MustCompile(`\s+`)

// appKey is App.getUrlFriendlyName: short_name (else name) without
// special characters, spaces as dashes.
func appKey(manifest map[string]any) string {
	n, _ := manifest["short_name"].(string)
	if n == "" {
		n, _ = manifest["name"].(string)
	}
	return spaces.ReplaceAllString(keyCleaner.ReplaceAllString(strings.TrimSpace(n), ""), "-")
}

// Install is POST /api/apps with a zip archive (HTTP 204). A newer upload
// of the same app replaces the installed one. The manifest's namespace
// becomes a protected dataStore namespace.
func (a *Apps) Install(filename string, archive []byte) (*App, error) {
	if len(archive) > maxAppSize {
		return nil, newError(KindTooLarge, "", "App archive larger than %d bytes", maxAppSize)
	}
	zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		return nil, a.sys.conflict("Zip file could not be read")
	}
	top := topLevelFolder(zr)
	files := map[string][]byte{}
	var total int64
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		name := strings.TrimPrefix(f.Name, top)
		clean := path.Clean("/" + name)
		if name == "" || strings.Contains(name, "..") || clean == "/" {
			return nil, a.sys.conflict("Zip file could not be read")
		}
		rc, err := f.Open()
		if err != nil {
			return nil, a.sys.conflict("Zip file could not be read")
		}
		b, err := io.ReadAll(io.LimitReader(rc, maxAppSize-total+1))
		rc.Close()
		total += int64(len(b))
		if err != nil || total > maxAppSize {
			return nil, a.sys.conflict("Zip file could not be read")
		}
		files[strings.TrimPrefix(clean, "/")] = b
	}
	raw, ok := files["manifest.webapp"]
	if !ok {
		return nil, a.sys.conflict("Manifest file missing from zip file")
	}
	var manifest map[string]any
	if err := json.Unmarshal(raw, &manifest); err != nil || manifest == nil {
		return nil, a.sys.conflict("Invalid JSON in app manifest file")
	}
	key := appKey(manifest)
	if key == "" {
		return nil, a.sys.conflict("Invalid JSON in app manifest file")
	}
	app := &App{Key: key, Manifest: manifest, Files: files, Installed: a.sys.now(),
		FolderName: "apps/" + strings.TrimSuffix(path.Base(filename), path.Ext(filename))}
	a.mu.Lock()
	defer a.mu.Unlock()
	if old, ok := a.byKey[key]; ok && old.Bundled {
		return nil, a.sys.conflict("Invalid bundled app override")
	}
	if ns := app.Namespace(); ns != "" {
		for _, other := range a.byKey {
			if other.Key != key && other.Namespace() == ns {
				return nil, a.sys.conflict("Namespace defined in manifest is already in use")
			}
		}
	}
	if old, ok := a.byKey[key]; ok && old.Namespace() != "" && old.Namespace() != app.Namespace() {
		a.sys.DataStore.Unprotect(old.Namespace())
	}
	a.byKey[key] = app
	a.protect(app)
	return app.clone(), nil
}

// protect reserves the app's namespace for app managers and the app's
// users (M_<app>), RESTRICTED as DHIS2 registers it.
func (a *Apps) protect(app *App) {
	ns := app.Namespace()
	if ns == "" {
		return
	}
	auths := []string{"M_dhis-web-app-management", app.SeeAuthority()}
	a.sys.DataStore.Protect(Protection{Namespace: ns, Reads: ProtectionRestricted, Writes: ProtectionRestricted,
		ReadAuthorities: auths, WriteAuthorities: auths})
}

// SeeAuthority is the authority that grants access to the app
// (App.getSeeAppAuthority).
func (a *App) SeeAuthority() string {
	if a.Bundled {
		return "M_dhis-web-" + a.Key
	}
	n, _ := a.Manifest["short_name"].(string)
	if n == "" {
		n = a.Name()
	}
	return "M_" + spaces.ReplaceAllString(regexp.MustCompile(`[^a-zA-Z0-9\s]`).ReplaceAllString(strings.TrimSpace(n), ""), "_")
}

// topLevelFolder returns the single folder every entry is in when the
// manifest is not at the root ("" otherwise).
func topLevelFolder(zr *zip.Reader) string {
	for _, f := range zr.File {
		if f.Name == "manifest.webapp" {
			return ""
		}
	}
	top := ""
	for _, f := range zr.File {
		first, _, found := strings.Cut(f.Name, "/")
		if !found {
			return ""
		}
		if top == "" {
			top = first
		} else if top != first {
			return ""
		}
	}
	if top == "" {
		return ""
	}
	return top + "/"
}

func (a *App) clone() *App {
	c := *a
	c.Manifest = cloneJSON(a.Manifest)
	c.Files = make(map[string][]byte, len(a.Files))
	for k, v := range a.Files {
		c.Files[k] = v // contents are never modified in place
	}
	return &c
}

func cloneJSON(m map[string]any) map[string]any {
	b, _ := json.Marshal(m)
	var out map[string]any
	json.Unmarshal(b, &out)
	return out
}

// Get returns the app with the given key.
func (a *Apps) Get(key string) (*App, bool) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	app, ok := a.byKey[key]
	if !ok {
		return nil, false
	}
	return app.clone(), true
}

// Delete is DELETE /api/apps/{key} (HTTP 204). With deleteAppData the
// app's dataStore namespace is emptied too.
func (a *Apps) Delete(key string, deleteAppData bool) error {
	a.mu.Lock()
	app, ok := a.byKey[key]
	if !ok {
		a.mu.Unlock()
		return a.sys.notFound("App does not exist: %s", key)
	}
	if app.Bundled {
		a.mu.Unlock()
		return a.sys.conflict("Bundled app cannot be deleted: %s", key)
	}
	delete(a.byKey, key)
	a.mu.Unlock()
	if ns := app.Namespace(); ns != "" {
		a.sys.DataStore.Unprotect(ns)
		if deleteAppData {
			a.sys.DataStore.deleteAll(ns)
		}
	}
	return nil
}

// List is GET /api/apps with filter=<prop>:<op>:<value> (appType:eq,
// name:eq|ilike, shortName:eq|ilike, bundled:eq, pluginType:eq),
// sorted by name. An invalid filter is a 409.
func (a *Apps) List(filters []string) ([]*App, error) {
	a.mu.RLock()
	var out []*App
	for _, app := range a.byKey {
		out = append(out, app.clone())
	}
	a.mu.RUnlock()
	for _, f := range filters {
		parts := strings.Split(f, ":")
		if len(parts) != 3 {
			return nil, a.sys.conflict("Invalid filter: %s", f)
		}
		prop, op, val := strings.ToLower(parts[0]), strings.ToLower(parts[1]), parts[2]
		if prop != "name" && prop != "shortname" && op != "eq" {
			return nil, a.sys.conflict("Invalid filter: %s", f)
		}
		out = slices.DeleteFunc(out, func(app *App) bool { return !app.matches(prop, op, val) })
	}
	slices.SortFunc(out, func(x, y *App) int { return strings.Compare(strings.ToLower(x.Name()), strings.ToLower(y.Name())) })
	return out, nil
}

func (a *App) matches(prop, op, val string) bool {
	text := func(s string) bool {
		if op == "ilike" {
			return strings.Contains(strings.ToLower(s), strings.ToLower(val))
		}
		return s == val
	}
	switch prop {
	case "apptype":
		t := a.str("appType")
		if t == "" {
			t = "APP"
		}
		return strings.EqualFold(t, val)
	case "name":
		return text(a.Name())
	case "shortname":
		return text(a.str("short_name"))
	case "bundled":
		return a.Bundled == strings.EqualFold(val, "true")
	case "plugintype":
		return a.str("plugin_type") == val
	}
	return true
}

// Render returns the App JSON of GET /api/apps for a server reached at
// contextPath (scheme://host[/context]).
func (a *Apps) Render(app *App, contextPath string) map[string]any {
	p := a.sys.prof
	m := cloneJSON(app.Manifest)
	delete(m, "files")
	base := contextPath + "/api/apps/" + app.Key
	if app.Bundled {
		base = contextPath + "/dhis-web-" + app.Key
	}
	if _, ok := m["appType"]; !ok {
		m["appType"] = "APP"
	}
	m["key"] = app.Key
	if _, ok := m["short_name"]; !ok {
		m["short_name"] = app.Name()
	}
	m["folderName"] = app.FolderName
	m["baseUrl"] = base
	m["appStorageSource"] = "JCLOUDS"
	m["appState"] = "OK"
	m["bundled"] = app.Bundled
	if _, ok := m["core_app"]; !ok {
		m["core_app"] = false
	}
	if _, ok := m["authorities"]; !ok {
		m["authorities"] = []any{}
	}
	if lp := app.str("launch_path"); lp != "" {
		m["launchUrl"] = base + "/" + strings.TrimLeft(lp, "/")
	}
	if p.Version.Minor >= 40 {
		if lp := app.str("plugin_launch_path"); lp != "" {
			m["pluginLaunchUrl"] = base + "/" + strings.TrimLeft(lp, "/")
		}
	} else {
		delete(m, "plugin_launch_path")
		delete(m, "plugin_type")
	}
	if p.Version.Minor >= 42 {
		m["basePath"] = strings.TrimPrefix(base, contextPath)
		m["displayName"] = app.Name()
		if d := app.str("description"); d != "" {
			m["displayDescription"] = d
		}
		if _, ok := m["shortcuts"]; !ok {
			m["shortcuts"] = []any{}
		}
	}
	return m
}

// File returns the content of path inside an installed app for GET
// /api/apps/{key}/{path}: "" or a directory gives index.html (redirect
// target), manifest.webapp the rendered App JSON, index.html with
// __DHIS2_BASE_URL__ and __DHIS2_APP_ROOT_URL__ replaced. The bool is
// false for a missing file.
func (a *Apps) File(app *App, name, contextPath string) ([]byte, string, bool) {
	name = strings.TrimPrefix(path.Clean("/"+name), "/")
	if name == "" || name == "." {
		name = "index.html"
	}
	if _, ok := app.Files[name]; !ok {
		if _, ok := app.Files[name+"/index.html"]; ok {
			name += "/index.html"
		}
	}
	if name == "manifest.webapp" {
		m := a.Render(app, contextPath)
		if acts, ok := m["activities"].(map[string]any); ok {
			if dhis, ok := acts["dhis"].(map[string]any); ok {
				dhis["href"] = contextPath
			}
		}
		b, _ := json.Marshal(m)
		return b, "application/x-web-app-manifest+json", true
	}
	b, ok := app.Files[name]
	if !ok {
		return nil, "", false
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	if path.Base(name) == "index.html" || path.Base(name) == "plugin.html" {
		base := contextPath + "/api/apps/" + app.Key
		b = bytes.ReplaceAll(bytes.ReplaceAll(b, []byte("__DHIS2_BASE_URL__"), []byte(contextPath)), []byte("__DHIS2_APP_ROOT_URL__"), []byte(base))
	}
	return b, ct, true
}

func (a *Apps) state() []*App {
	a.mu.RLock()
	defer a.mu.RUnlock()
	var out []*App
	for _, k := range sortedKeys(a.byKey) {
		if app := a.byKey[k]; !app.Bundled {
			out = append(out, app.clone())
		}
	}
	return out
}

func (a *Apps) restore(apps []*App) {
	a.mu.Lock()
	for k, app := range a.byKey {
		if !app.Bundled {
			delete(a.byKey, k)
		}
	}
	for _, app := range apps {
		a.byKey[app.Key] = app
	}
	a.mu.Unlock()
	for _, app := range apps {
		a.protect(app)
	}
}
