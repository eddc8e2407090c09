package emulator

import (
	"cmp"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"

	"github.com/d2sync/d2sync/internal/emulator/metadata"
	"github.com/d2sync/d2sync/internal/emulator/system"
)

// externalizable lists the types whose schema has an EXTERNALIZE
// authority: only they may be made external (AclService.canMakeExternal).
var externalizable = map[string]bool{
	"chart": true, "dashboard": true, "document": true, "eventChart": true, "eventReport": true,
	"eventVisualization": true, "map": true, "report": true, "reportTable": true, "sqlView": true, "visualization": true,
}

// accessString is AccessStringHelper.isValid for a non-null string.
var accessString = regexp.MustCompile(`^[r-][w-][r-][w-]----$`)

// getSharing serves GET /api/sharing?type=&id=: a dataStore entry (2.38+)
// or a metadata object of a shareable type, in the legacy sharing-object
// format every version's SharingController uses.
func (e *Emulator) getSharing(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if q.Get("type") == "dataStore" && e.prof.DataStoreQueries {
		return e.getDataStoreSharing(w, r)
	}
	sc, sh, err := e.sharedObject(q.Get("type"), q.Get("id"))
	if err != nil {
		return err
	}
	c := caller(r)
	if !c.Superuser() && !sharingAllows(sh, c.ID, 0) {
		return errStatus(http.StatusForbidden, "You do not have manage access to this object.")
	}
	return writeJSON(w, http.StatusOK, e.renderSharing(sc, q.Get("id"), sh, c))
}

// renderSharing builds {"meta":{…},"object":{…}} (SharingController.getSharing).
func (e *Emulator) renderSharing(sc *metadata.Schema, id string, sh metadata.ObjectSharing, c system.Caller) map[string]any {
	legacyExternal := e.version.Minor <= 40 // Meta.allowExternalAccess and SharingObject.externalAccess are gone in 2.41
	obj := map[string]any{"id": id, "publicAccess": sh.Public, "user": map[string]any{}}
	if sh.Name != "" {
		obj["name"], obj["displayName"] = sh.Name, sh.Name
	}
	if sh.Public == "" {
		obj["publicAccess"] = "--------"
		if c.Superuser() { // canMakeClassPublic
			obj["publicAccess"] = "rw------"
		}
	}
	if legacyExternal {
		obj["externalAccess"] = sh.External
	}
	if sh.Owner != "" {
		u := map[string]any{"id": sh.Owner}
		if n, ok := e.sharingNames("user", sh.Owner); ok {
			u["name"] = n
		}
		obj["user"] = u
	}
	obj["userGroupAccesses"] = e.sharingAccesses("userGroup", sh.UserGroups)
	obj["userAccesses"] = e.sharingAccesses("user", sh.Users)
	meta := map[string]any{"allowPublicAccess": c.Superuser()}
	if legacyExternal {
		meta["allowExternalAccess"] = c.Superuser() && externalizable[sc.Singular]
	}
	return map[string]any{"meta": meta, "object": obj}
}

// sharingAccesses lists the accesses of the users or groups that exist,
// sorted by name (DHIS2 sorts the groups by name).
func (e *Emulator) sharingAccesses(kind string, m map[string]string) []any {
	type item struct{ id, name, access string }
	var items []item
	for id, access := range m {
		if n, ok := e.sharingNames(kind, id); ok {
			items = append(items, item{id, n, access})
		}
	}
	slices.SortFunc(items, func(a, b item) int { return cmp.Or(cmp.Compare(a.name, b.name), cmp.Compare(a.id, b.id)) })
	out := make([]any, 0, len(items))
	for _, it := range items {
		out = append(out, map[string]any{"id": it.id, "name": it.name, "displayName": it.name, "access": it.access})
	}
	return out
}

// postSharing serves POST and PUT /api/sharing?type=&id=
// (SharingController.postSharing).
func (e *Emulator) postSharing(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if q.Get("type") == "dataStore" && e.prof.DataStoreQueries {
		return e.postDataStoreSharing(w, r)
	}
	typ, id := q.Get("type"), q.Get("id")
	sc, sh, err := e.sharedObject(typ, id)
	if err != nil {
		return err
	}
	switch id {
	case metadata.DefaultCategoryComboUID, metadata.DefaultCategoryUID, metadata.DefaultCategoryOptionUID, metadata.DefaultCategoryOptionComboUID:
		return errStatus(http.StatusConflict, "Sharing settings of system default metadata object of type %s cannot be modified.", typ)
	}
	c := caller(r)
	if !c.Superuser() && sh.Owner != c.ID && !sharingAllows(sh, c.ID, 1) {
		return errStatus(http.StatusForbidden, "You do not have manage access to this object.")
	}
	body, err := readBody(r, maxSystemBody)
	if err != nil {
		return err
	}
	in, err := e.parseSharing(body, sc)
	if err != nil {
		return err
	}
	if c.Superuser() { // canMakePublic; canMakeExternal also needs an externalizable type
		sh.Public = in.Public
		if e.version.Minor <= 40 && externalizable[sc.Singular] {
			sh.External = in.External
		}
	}
	sh.Users, sh.UserGroups = in.Users, in.UserGroups
	if !e.meta.SetSharing(sc.Plural, id, sh, userOf(r).Username) {
		return errStatus(http.StatusNotFound, "Object of type %s with ID %s was not found.", typ, id)
	}
	e.countSystem(func(c *SystemCounts) { c.SharingSet++ })
	return writeMessage(w, http.StatusOK, "Access control set")
}

// sharedObject resolves the object of a metadata /api/sharing request.
func (e *Emulator) sharedObject(typ, id string) (*metadata.Schema, metadata.ObjectSharing, error) {
	sc, ok := e.meta.Schemas().BySingular(typ)
	if !ok || !sc.Shareable || !sc.Metadata {
		return nil, metadata.ObjectSharing{}, errStatus(http.StatusConflict, "Type %s is not supported.", typ)
	}
	sh, ok := e.meta.Sharing(sc.Plural, id)
	if !ok {
		return nil, metadata.ObjectSharing{}, errStatus(http.StatusNotFound, "Object of type %s with ID %s was not found.", typ, id)
	}
	return sc, sh, nil
}

// parseSharing reads a sharing-object body: a null publicAccess is valid
// (it clears the object's), invalid access strings are a 409 (public
// first, then groups, then users). Data access on a type that is not
// data-shareable is a 409 before 2.36 and is removed from 2.36.
func (e *Emulator) parseSharing(body []byte, sc *metadata.Schema) (metadata.ObjectSharing, error) {
	type access struct {
		ID     string `json:"id"`
		Access string `json:"access"`
	}
	var in struct {
		Object struct {
			PublicAccess      *string  `json:"publicAccess"`
			ExternalAccess    bool     `json:"externalAccess"`
			UserAccesses      []access `json:"userAccesses"`
			UserGroupAccesses []access `json:"userGroupAccesses"`
		} `json:"object"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return metadata.ObjectSharing{}, errStatus(http.StatusBadRequest, "Invalid sharing JSON: %v", err)
	}
	out := metadata.ObjectSharing{External: in.Object.ExternalAccess, Users: map[string]string{}, UserGroups: map[string]string{}}
	check := func(what, s string) (string, error) {
		if !accessString.MatchString(s) {
			return "", errStatus(http.StatusConflict, "Invalid %s access string: %s", what, s)
		}
		if sc.DataShareable || s[2:4] == "--" {
			return s, nil
		}
		if e.version.Minor <= 35 {
			return "", errStatus(http.StatusConflict, "Data sharing is not enabled for this object.")
		}
		return s[:2] + "--" + s[4:], nil
	}
	if p := in.Object.PublicAccess; p != nil {
		s, err := check("public", *p)
		if err != nil {
			return out, err
		}
		out.Public = s
	}
	for _, list := range []struct {
		what  string
		items []access
		dst   map[string]string
	}{{"user group", in.Object.UserGroupAccesses, out.UserGroups}, {"user", in.Object.UserAccesses, out.Users}} {
		for _, a := range list.items {
			s, err := check(list.what, a.Access)
			if err != nil {
				return out, err
			}
			list.dst[a.ID] = s
		}
	}
	return out, nil
}

// sharingAllows reports whether the sharing gives user the metadata
// access at position pos of the access string (0 read, 1 write) through
// ownership, public access or a user access. User group accesses are not
// followed (the emulator does not resolve group membership here).
func sharingAllows(sh metadata.ObjectSharing, user string, pos int) bool {
	has := func(s string) bool { return len(s) > pos && s[pos] != '-' }
	return user != "" && sh.Owner == user || has(sh.Public) || has(sh.Users[user])
}
