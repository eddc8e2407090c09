package system

import (
	"encoding/json"
	"regexp"

	"github.com/d2sync/d2sync/internal/emulator/profile"
)

// RenderMeta is GET /api/dataStore/{ns}/{key}/metaData: the entry without
// its value, with DHIS2's identifiable-object fields, the sharing in the
// version's shape and the caller's access.
func (d *DataStore) RenderMeta(e *Entry, c Caller) map[string]any {
	s := d.sys
	m := map[string]any{
		"id": e.ID, "namespace": e.Namespace, "key": e.Key,
		"created": s.FormatTime(e.Created), "lastUpdated": s.FormatTime(e.LastUpdated),
		"createdBy": e.CreatedBy.render(), "lastUpdatedBy": e.LastUpdatedBy.render(),
		"translations": []any{}, "attributeValues": []any{}, "favorites": []any{}, "favorite": false,
		"access": access(c, e.Sharing),
	}
	if s.prof.Sharing != profile.SharingLegacy {
		m["sharing"] = s.renderSharing(e.Sharing)
	}
	if s.prof.Version.Minor < 41 {
		m["user"] = e.CreatedBy.render()
	}
	s.renderLegacySharing(m, e.Sharing)
	return m
}

// SharingNames resolves the display names of users and user groups for
// the /api/sharing answer; ok false leaves the entry out, as DHIS2 does
// for users or groups it cannot find.
type SharingNames func(kind, id string) (name string, ok bool)

// RenderSharingObject is GET /api/sharing?type=dataStore&id=…: the legacy
// {"meta":{…},"object":{…}} format every version's sharing endpoint uses.
func (d *DataStore) RenderSharingObject(e *Entry, names SharingNames) map[string]any {
	label := e.Namespace + "/" + e.Key
	obj := map[string]any{"id": e.ID, "name": label, "displayName": label, "publicAccess": e.Sharing.Public,
		"externalAccess": e.Sharing.External, "userAccesses": []any{}, "userGroupAccesses": []any{}}
	if obj["publicAccess"] == "" {
		obj["publicAccess"] = "--------"
	}
	if owner := e.CreatedBy; owner.ID != "" {
		u := map[string]any{"id": owner.ID}
		if n, ok := names("user", owner.ID); ok {
			u["name"] = n
		}
		obj["user"] = u
	}
	list := func(kind string, m map[string]string) []any {
		out := []any{}
		for _, id := range sortedKeys(m) {
			n, ok := names(kind, id)
			if !ok {
				continue
			}
			out = append(out, map[string]any{"id": id, "name": n, "displayName": n, "access": m[id]})
		}
		return out
	}
	obj["userAccesses"] = list("user", e.Sharing.Users)
	obj["userGroupAccesses"] = list("userGroup", e.Sharing.UserGroups)
	return map[string]any{"meta": map[string]any{"allowPublicAccess": true, "allowExternalAccess": false}, "object": obj}
}

var accessPattern = regexp.MustCompile(`^[r-][w-][r-][w-]----$`)

// ParseSharingObject reads a POST /api/sharing body ({"object":{
// "publicAccess","externalAccess","user","userAccesses",
// "userGroupAccesses"}}) into a Sharing owned by owner unless the body
// names another user. Invalid access strings are a 409, as in DHIS2.
func (s *System) ParseSharingObject(body []byte, owner string) (Sharing, error) {
	var in struct {
		Object struct {
			PublicAccess   string `json:"publicAccess"`
			ExternalAccess bool   `json:"externalAccess"`
			User           *struct {
				ID string `json:"id"`
			} `json:"user"`
			UserAccesses []struct {
				ID     string `json:"id"`
				Access string `json:"access"`
			} `json:"userAccesses"`
			UserGroupAccesses []struct {
				ID     string `json:"id"`
				Access string `json:"access"`
			} `json:"userGroupAccesses"`
		} `json:"object"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return Sharing{}, badRequest("Invalid sharing JSON: %v", err)
	}
	o := in.Object
	if o.PublicAccess == "" {
		o.PublicAccess = "--------"
	}
	if !accessPattern.MatchString(o.PublicAccess) {
		return Sharing{}, s.conflict("Invalid public access string: %s", o.PublicAccess)
	}
	sh := Sharing{Owner: owner, Public: o.PublicAccess, External: o.ExternalAccess, Users: map[string]string{}, UserGroups: map[string]string{}}
	if o.User != nil && o.User.ID != "" {
		sh.Owner = o.User.ID
	}
	for _, ua := range o.UserAccesses {
		if !accessPattern.MatchString(ua.Access) {
			return Sharing{}, s.conflict("Invalid user access string: %s", ua.Access)
		}
		sh.Users[ua.ID] = ua.Access
	}
	for _, ga := range o.UserGroupAccesses {
		if !accessPattern.MatchString(ga.Access) {
			return Sharing{}, s.conflict("Invalid user group access string: %s", ga.Access)
		}
		sh.UserGroups[ga.ID] = ga.Access
	}
	return sh, nil
}
