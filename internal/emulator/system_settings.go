package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// getSystemSettings serves GET /api/systemSettings: the flat object of
// every non-confidential setting, or the ?key= selection.
func (e *Emulator) getSystemSettings(w http.ResponseWriter, r *http.Request) error {
	if keys := r.URL.Query()["key"]; len(keys) > 0 {
		sel, err := e.sys.Settings.Select(keys)
		if err != nil {
			return sysErr(err)
		}
		return writeJSON(w, http.StatusOK, sel)
	}
	return writeJSON(w, http.StatusOK, e.sys.Settings.All())
}

// getSystemSetting serves GET /api/systemSettings/{key}: {"key": value}
// as JSON, or the bare value when the client asks for text/plain.
func (e *Emulator) getSystemSetting(w http.ResponseWriter, r *http.Request) error {
	key := r.PathValue("key")
	v, err := e.sys.Settings.Get(key, r.URL.Query().Get("locale"), caller(r).Superuser())
	if err != nil {
		return sysErr(err)
	}
	if wantsText(r) {
		w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
		w.Header().Set("Cache-Control", "no-cache, private")
		_, err := fmt.Fprint(w, v)
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{key: v})
}

// wantsText reports whether the Accept header prefers text/plain.
func wantsText(r *http.Request) bool {
	a := r.Header.Get("Accept")
	return strings.Contains(a, "text/plain") && !strings.Contains(a, "json")
}

// postSystemSetting serves POST /api/systemSettings/{key}?value= (or a
// text or JSON body), with ?locale= for translations.
func (e *Emulator) postSystemSetting(w http.ResponseWriter, r *http.Request) error {
	key := r.PathValue("key")
	q := r.URL.Query()
	value, has := q.Get("value"), q.Has("value")
	if !has {
		body, err := readBody(r, maxSystemBody)
		if err != nil {
			return err
		}
		if len(body) == 0 {
			if e.prof.SettingsV2 {
				return errStatus(http.StatusBadRequest, "Value must be specified as query param or as payload")
			}
			return errStatus(http.StatusConflict, "Value must be specified as query param or as payload")
		}
		value = string(body)
		if strings.Contains(r.Header.Get("Content-Type"), "json") {
			var v any
			if json.Unmarshal(body, &v) == nil {
				if s, ok := v.(string); ok {
					value = s
				} else if v != nil {
					b, _ := json.Marshal(v)
					value = strings.Trim(string(b), `"`)
				}
			}
		}
	}
	msg, err := e.sys.Settings.Set(key, value, q.Get("locale"))
	if err != nil {
		return sysErr(err)
	}
	e.countSystem(func(c *SystemCounts) { c.SettingsSet++ })
	return writeMessage(w, http.StatusOK, msg)
}

// postSystemSettings serves the bulk POST /api/systemSettings with a JSON
// object of settings.
func (e *Emulator) postSystemSettings(w http.ResponseWriter, r *http.Request) error {
	body, err := readBody(r, maxSystemBody)
	if err != nil {
		return err
	}
	var in map[string]any
	if err := json.Unmarshal(body, &in); err != nil {
		return errStatus(http.StatusBadRequest, "Invalid JSON: expected an object of settings (%v)", err)
	}
	msg, err := e.sys.Settings.SetMany(in)
	if err != nil {
		return sysErr(err)
	}
	e.countSystem(func(c *SystemCounts) { c.SettingsSet += int64(len(in)) })
	return writeMessage(w, http.StatusOK, msg)
}

// deleteSystemSetting serves DELETE /api/systemSettings/{key} (204).
func (e *Emulator) deleteSystemSetting(w http.ResponseWriter, r *http.Request) error {
	if err := e.sys.Settings.Delete(r.PathValue("key"), r.URL.Query().Get("locale")); err != nil {
		return sysErr(err)
	}
	e.countSystem(func(c *SystemCounts) { c.SettingsSet++ })
	w.WriteHeader(http.StatusNoContent)
	return nil
}
