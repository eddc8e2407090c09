package emulator

import (
	"bytes"
	"net/http"
	"strings"
	"time"

	"github.com/d2sync/d2sync/internal/emulator/system"
)

// dataStoreFor returns the store a request addresses: the shared
// dataStore, or the userDataStore of the caller (or, for a superuser, of
// the user named by ?username=).
func (e *Emulator) dataStoreFor(r *http.Request, user bool) (*system.DataStore, error) {
	if !user {
		return e.sys.DataStore, nil
	}
	c := caller(r)
	if name := r.URL.Query().Get("username"); name != "" && name != c.Username {
		if !c.Superuser() {
			return nil, errStatus(http.StatusForbidden, "You are not allowed to access the user data store of %s", name)
		}
		a, ok := e.accounts.get(name)
		if !ok {
			return nil, errStatus(http.StatusNotFound, "User does not exist: %s", name)
		}
		return e.sys.UserDataStore.For(a.ID), nil
	}
	return e.sys.UserDataStore.For(c.ID), nil
}

// getNamespaces serves GET /api/dataStore: the namespace names.
func (e *Emulator) getNamespaces(user bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		d, err := e.dataStoreFor(r, user)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, d.Namespaces(caller(r)))
	}
}

// getNamespaceKeys serves GET /api/dataStore/{ns} (and /{ns}/keys): the
// key names (?lastUpdated= filters), or from 2.38 with ?fields= the query
// API {"pager":{"page","pageSize"},"entries":[…]} (headless: the array).
func (e *Emulator) getNamespaceKeys(user bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		d, err := e.dataStoreFor(r, user)
		if err != nil {
			return err
		}
		ns := r.PathValue("ns")
		q := r.URL.Query()
		if e.prof.DataStoreQueries && q.Has("fields") && !strings.HasSuffix(r.URL.Path, "/keys") {
			return e.queryNamespace(w, r, d, ns)
		}
		var since time.Time
		if s := q.Get("lastUpdated"); s != "" {
			t, ok := parseLenientDate(s, e.loc)
			if !ok {
				return errStatus(http.StatusBadRequest, "Value '%s' is not valid for parameter lastUpdated. It should be of type Date.", s)
			}
			since = t
		}
		keys, err := d.Keys(caller(r), ns, since)
		if err != nil {
			return sysErr(err)
		}
		return writeJSON(w, http.StatusOK, keys)
	}
}

func (e *Emulator) queryNamespace(w http.ResponseWriter, r *http.Request, d *system.DataStore, ns string) error {
	q, err := system.ParseQuery(r.URL.Query())
	if err != nil {
		return sysErr(err)
	}
	res, err := d.Query(caller(r), ns, q)
	if err != nil {
		return sysErr(err)
	}
	if q.Headless {
		return writeJSON(w, http.StatusOK, res.Entries)
	}
	return writeJSON(w, http.StatusOK, map[string]any{
		"pager":   map[string]int{"page": res.Page, "pageSize": res.PageSize},
		"entries": res.Entries,
	})
}

// parseLenientDate reads a date or date-time query parameter.
func parseLenientDate(s string, loc *time.Location) (time.Time, bool) {
	for _, layout := range []string{dateLayout, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02", "2006-01", "2006", time.RFC3339} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// deleteNamespace serves DELETE /api/dataStore/{ns}.
func (e *Emulator) deleteNamespace(user bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		d, err := e.dataStoreFor(r, user)
		if err != nil {
			return err
		}
		ns := r.PathValue("ns")
		n := 0
		if keys, err := d.Keys(caller(r), ns, time.Time{}); err == nil {
			n = len(keys)
		}
		msg, err := d.DeleteNamespace(caller(r), ns)
		if err != nil {
			return sysErr(err)
		}
		e.countSystem(func(c *SystemCounts) { c.DataStoreDeleted += int64(n) })
		return writeMessage(w, http.StatusOK, msg)
	}
}

// getDataStoreValue serves GET /api/dataStore/{ns}/{key}: the raw JSON.
func (e *Emulator) getDataStoreValue(user bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		d, err := e.dataStoreFor(r, user)
		if err != nil {
			return err
		}
		entry, err := d.Get(caller(r), r.PathValue("ns"), r.PathValue("key"))
		if err != nil {
			return sysErr(err)
		}
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.Header().Set("Cache-Control", "no-cache, private")
		_, err = w.Write(entry.Value)
		return err
	}
}

// getDataStoreMeta serves GET /api/dataStore/{ns}/{key}/metaData.
func (e *Emulator) getDataStoreMeta(user bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		d, err := e.dataStoreFor(r, user)
		if err != nil {
			return err
		}
		entry, err := d.Get(caller(r), r.PathValue("ns"), r.PathValue("key"))
		if err != nil {
			return sysErr(err)
		}
		return writeJSON(w, http.StatusOK, d.RenderMeta(entry, caller(r)))
	}
}

// jsonBody checks that a dataStore write is sent as JSON (DHIS2's
// consumes = application/json); a missing Content-Type is accepted.
func jsonBody(r *http.Request) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.Contains(ct, "json") {
		return errUnsupported(ct)
	}
	return nil
}

// postDataStoreValue serves POST /api/dataStore/{ns}/{key}: 201, 409 on a
// duplicate key.
func (e *Emulator) postDataStoreValue(user bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		d, err := e.dataStoreFor(r, user)
		if err != nil {
			return err
		}
		if err := jsonBody(r); err != nil {
			return err
		}
		body, err := readBody(r, maxSystemBody)
		if err != nil {
			return err
		}
		msg, err := d.Create(caller(r), r.PathValue("ns"), r.PathValue("key"), body, boolParam(r.URL.Query(), "encrypt"))
		if err != nil {
			return sysErr(err)
		}
		e.countSystem(func(c *SystemCounts) { c.DataStoreCreated++ })
		return writeMessage(w, http.StatusCreated, msg)
	}
}

// putDataStoreValue serves PUT /api/dataStore/{ns}/{key}: 200, or from
// 2.38 201 when the key did not exist.
func (e *Emulator) putDataStoreValue(user bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		d, err := e.dataStoreFor(r, user)
		if err != nil {
			return err
		}
		if err := jsonBody(r); err != nil {
			return err
		}
		body, err := readBody(r, maxSystemBody)
		if err != nil {
			return err
		}
		created, msg, err := d.Put(caller(r), r.PathValue("ns"), r.PathValue("key"), bytes.TrimSpace(body))
		if err != nil {
			return sysErr(err)
		}
		code := http.StatusOK
		if created {
			code = http.StatusCreated
			e.countSystem(func(c *SystemCounts) { c.DataStoreCreated++ })
		} else {
			e.countSystem(func(c *SystemCounts) { c.DataStoreUpdated++ })
			if user && !e.prof.DataStorePutCreates {
				code = http.StatusCreated // ≤2.37 userDataStore answered "created" to updates
			}
		}
		return writeMessage(w, code, msg)
	}
}

// deleteDataStoreValue serves DELETE /api/dataStore/{ns}/{key}.
func (e *Emulator) deleteDataStoreValue(user bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		d, err := e.dataStoreFor(r, user)
		if err != nil {
			return err
		}
		msg, err := d.Delete(caller(r), r.PathValue("ns"), r.PathValue("key"))
		if err != nil {
			return sysErr(err)
		}
		e.countSystem(func(c *SystemCounts) { c.DataStoreDeleted++ })
		return writeMessage(w, http.StatusOK, msg)
	}
}

// getProtections serves GET /api/dataStore/protections (2.42+), or one
// namespace's protection with ?namespace=.
func (e *Emulator) getProtections(w http.ResponseWriter, r *http.Request) error {
	list := e.sys.DataStore.Protections()
	if ns := r.URL.Query().Get("namespace"); ns != "" {
		for _, p := range list {
			if p.Namespace == ns {
				return writeJSON(w, http.StatusOK, p)
			}
		}
		return writeJSON(w, http.StatusOK, system.Protection{Namespace: ns, Reads: system.ProtectionNone, Writes: system.ProtectionNone,
			ReadAuthorities: []string{}, WriteAuthorities: []string{}})
	}
	return writeJSON(w, http.StatusOK, list)
}

// getDataStoreSharing serves GET /api/sharing?type=dataStore&id=<metaData.id>
// (2.38+) in the legacy sharing object format.
func (e *Emulator) getDataStoreSharing(w http.ResponseWriter, r *http.Request) error {
	entry, err := e.sharedEntry(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, e.sys.DataStore.RenderSharingObject(entry, e.sharingNames))
}

// postDataStoreSharing serves POST (and PUT) /api/sharing?type=dataStore&id=.
func (e *Emulator) postDataStoreSharing(w http.ResponseWriter, r *http.Request) error {
	entry, err := e.sharedEntry(r)
	if err != nil {
		return err
	}
	c := caller(r)
	if !c.Superuser() && entry.Sharing.Owner != c.ID && entry.CreatedBy.ID != c.ID {
		return errStatus(http.StatusForbidden, "You do not have manage access to this object.")
	}
	body, err := readBody(r, maxSystemBody)
	if err != nil {
		return err
	}
	owner := entry.Sharing.Owner
	if owner == "" {
		owner = entry.CreatedBy.ID
	}
	sh, err := e.sys.ParseSharingObject(body, owner)
	if err != nil {
		return sysErr(err)
	}
	e.sys.DataStore.SetSharing(entry.ID, sh)
	e.countSystem(func(c *SystemCounts) { c.SharingSet++ })
	return writeMessage(w, http.StatusOK, "Access control set")
}

// sharedEntry resolves the dataStore entry of an /api/sharing request
// (metadata types: sharing.go).
func (e *Emulator) sharedEntry(r *http.Request) (*system.Entry, error) {
	q := r.URL.Query()
	typ, id := q.Get("type"), q.Get("id")
	entry, ok := e.sys.DataStore.ByID(id)
	if !ok {
		return nil, errStatus(http.StatusNotFound, "Object of type %s with ID %s was not found.", typ, id)
	}
	return entry, nil
}

// sharingNames resolves user and user group names for the sharing object
// (accounts first, then the metadata store).
func (e *Emulator) sharingNames(kind, id string) (string, bool) {
	if kind == "user" {
		if a, ok := e.accounts.byID(id); ok {
			return a.displayName(), true
		}
	}
	plural := map[string]string{"user": "users", "userGroup": "userGroups"}[kind]
	obj, err := e.meta.Get(plural, id, "displayName,name", "")
	if err != nil {
		return "", false
	}
	for _, k := range []string{"displayName", "name"} {
		if s, ok := obj[k].(string); ok && s != "" {
			return s, true
		}
	}
	return id, true
}
