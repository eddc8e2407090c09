package emulator

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/d2sync/d2sync/internal/emulator/system"
)

// getIcons serves GET /api/icons: before 2.41 the array of default icons
// (?keywords=), from 2.41 {"pager","icons"} with ?type=DEFAULT|CUSTOM|ALL,
// keywords, keys, search, fields and paging.
func (e *Emulator) getIcons(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	icons, err := e.sys.Icons.List(system.IconQuery{Type: q.Get("type"), Keywords: splitList(q["keywords"]), Keys: splitList(q["keys"]), Search: q.Get("search")})
	if err != nil {
		return sysErr(err)
	}
	items := make([]any, len(icons))
	for i, icon := range icons {
		m := e.sys.Icons.Render(icon, apiURL(r))
		if e.prof.CustomIcons {
			m = system.SelectFields(m, q.Get("fields"), "key,keywords,description,fileResource,createdBy,href")
		}
		items[i] = m
	}
	if !e.prof.CustomIcons {
		return writeJSON(w, http.StatusOK, items)
	}
	return writeJSON(w, http.StatusOK, pageOf(r, "icons", items))
}

// splitList accepts both repeated parameters and comma lists.
func splitList(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, s := range splitComma(v) {
			if s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

func splitComma(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == ',' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// getIconKeywords serves GET /api/icons/keywords (before 2.41).
func (e *Emulator) getIconKeywords(w http.ResponseWriter, _ *http.Request) error {
	return writeJSON(w, http.StatusOK, e.sys.Icons.Keywords())
}

// getIcon serves GET /api/icons/{key}.
func (e *Emulator) getIcon(w http.ResponseWriter, r *http.Request) error {
	icon, err := e.sys.Icons.Get(r.PathValue("key"))
	if err != nil {
		return sysErr(err)
	}
	return writeJSON(w, http.StatusOK, e.sys.Icons.Render(icon, apiURL(r)))
}

// getIconSVG serves GET /api/icons/{key}/icon.svg: the image before 2.41,
// a redirect to /icon from 2.41.
func (e *Emulator) getIconSVG(w http.ResponseWriter, r *http.Request) error {
	key := r.PathValue("key")
	if e.prof.CustomIcons {
		if _, err := e.sys.Icons.Get(key); err != nil {
			return sysErr(err)
		}
		http.Redirect(w, r, apiURL(r)+"/icons/"+key+"/icon", http.StatusFound)
		return nil
	}
	return e.getIconImage(w, r)
}

// getIconImage serves GET /api/icons/{key}/icon (2.41+): the image.
func (e *Emulator) getIconImage(w http.ResponseWriter, r *http.Request) error {
	b, ct, err := e.sys.Icons.Image(r.PathValue("key"))
	if err != nil {
		return sysErr(err)
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.Header().Set("Cache-Control", "max-age=31536000")
	_, err = w.Write(b)
	return err
}

// postIcon serves POST /api/icons (2.41+): {key, description, keywords,
// fileResourceId} after an ICON file resource upload; 201.
func (e *Emulator) postIcon(w http.ResponseWriter, r *http.Request) error {
	body, err := readBody(r, maxSystemBody)
	if err != nil {
		return err
	}
	var in system.AddIcon
	if err := json.Unmarshal(body, &in); err != nil {
		return errStatus(http.StatusBadRequest, "Invalid icon JSON: %v", err)
	}
	icon, err := e.sys.Icons.Add(caller(r), in)
	if err != nil {
		return sysErr(err)
	}
	e.countSystem(func(c *SystemCounts) { c.IconsCreated++ })
	return writeMessage(w, http.StatusCreated, "Icon created with key "+icon.Key)
}

// putIcon serves PUT /api/icons/{key} (2.41+): description and keywords.
func (e *Emulator) putIcon(w http.ResponseWriter, r *http.Request) error {
	body, err := readBody(r, maxSystemBody)
	if err != nil {
		return err
	}
	var in struct {
		Description string   `json:"description"`
		Keywords    []string `json:"keywords"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return errStatus(http.StatusBadRequest, "Invalid icon JSON: %v", err)
	}
	key := r.PathValue("key")
	if err := e.sys.Icons.Update(key, in.Description, in.Keywords); err != nil {
		return sysErr(err)
	}
	e.countSystem(func(c *SystemCounts) { c.IconsUpdated++ })
	return writeMessage(w, http.StatusOK, "Icon with key "+key+" updated")
}

// deleteIcon serves DELETE /api/icons/{key} (2.41+).
func (e *Emulator) deleteIcon(w http.ResponseWriter, r *http.Request) error {
	key := r.PathValue("key")
	if err := e.sys.Icons.Delete(key); err != nil {
		return sysErr(err)
	}
	e.countSystem(func(c *SystemCounts) { c.IconsDeleted++ })
	return writeMessage(w, http.StatusOK, "Icon with key "+key+" deleted")
}
