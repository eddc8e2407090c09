package emulator

import (
	"net/http"
	"path"
	"strconv"
	"strings"
)

// getApps serves GET /api/apps (?key=, ?filter=appType:eq:APP,
// name:ilike:…, bundled:eq:true).
func (e *Emulator) getApps(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	ctx := baseURL(r)
	if key := q.Get("key"); key != "" {
		app, ok := e.sys.Apps.Get(key)
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			return nil
		}
		return writeJSON(w, http.StatusOK, []any{e.sys.Apps.Render(app, ctx)})
	}
	apps, err := e.sys.Apps.List(q["filter"])
	if err != nil {
		return sysErr(err)
	}
	out := make([]any, len(apps))
	for i, app := range apps {
		out[i] = e.sys.Apps.Render(app, ctx)
	}
	return writeJSON(w, http.StatusOK, out)
}

// postApp serves POST /api/apps: a multipart "file" zip (204).
func (e *Emulator) postApp(w http.ResponseWriter, r *http.Request) error {
	hdr, content, err := multipartFile(w, r)
	if err != nil {
		return err
	}
	if _, err := e.sys.Apps.Install(hdr.Filename, content); err != nil {
		return sysErr(err)
	}
	e.countSystem(func(c *SystemCounts) { c.AppsInstalled++ })
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// reloadApps serves PUT /api/apps (204; the emulator's apps are always
// loaded).
func (e *Emulator) reloadApps(w http.ResponseWriter, _ *http.Request) error {
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// deleteApp serves DELETE /api/apps/{key}[?deleteAppData=true] (204).
func (e *Emulator) deleteApp(w http.ResponseWriter, r *http.Request) error {
	if err := e.sys.Apps.Delete(r.PathValue("key"), boolParam(r.URL.Query(), "deleteAppData")); err != nil {
		return sysErr(err)
	}
	e.countSystem(func(c *SystemCounts) { c.AppsDeleted++ })
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// redirectApp serves GET /api/apps/{key}: a redirect to the app's root.
func (e *Emulator) redirectApp(w http.ResponseWriter, r *http.Request) error {
	if _, ok := e.sys.Apps.Get(r.PathValue("key")); !ok {
		return errStatus(http.StatusNotFound, "App '%s' not found.", r.PathValue("key"))
	}
	http.Redirect(w, r, r.URL.Path+"/", http.StatusFound)
	return nil
}

// getAppFile serves GET /api/apps/{key}/{path}: one file of an installed
// app (DHIS2 offers no zip download and no file listing). Bundled apps
// redirect to their /dhis-web-<key>/ location.
func (e *Emulator) getAppFile(w http.ResponseWriter, r *http.Request) error {
	key := r.PathValue("key")
	app, ok := e.sys.Apps.Get(key)
	if !ok {
		return errStatus(http.StatusNotFound, "App '%s' not found.", key)
	}
	if app.Bundled {
		http.Redirect(w, r, baseURL(r)+"/dhis-web-"+key+"/"+r.PathValue("path"), http.StatusFound)
		return nil
	}
	name := r.PathValue("path")
	if name != "" && !strings.HasSuffix(name, "/") && path.Ext(name) == "" {
		if _, _, ok := e.sys.Apps.File(app, name, baseURL(r)); !ok {
			if _, _, dir := e.sys.Apps.File(app, name+"/index.html", baseURL(r)); dir {
				http.Redirect(w, r, r.URL.Path+"/", http.StatusFound)
				return nil
			}
		}
	}
	b, ct, ok := e.sys.Apps.File(app, name, baseURL(r))
	if !ok {
		http.NotFound(w, r)
		return nil
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, err := w.Write(b)
	return err
}
