package system

import "slices"

// Caller is the authenticated user of a request, as the stores need it
// for authorship, sharing and protected-namespace checks.
type Caller struct {
	ID          string
	Username    string
	Name        string   // display name
	Authorities []string // "ALL" passes every check
	Groups      []string // user group UIDs, for sharing
}

// Superuser reports whether the caller holds ALL.
func (c Caller) Superuser() bool { return slices.Contains(c.Authorities, "ALL") }

// Has reports whether the caller holds ALL or one of the authorities.
func (c Caller) Has(anyOf ...string) bool {
	if c.Superuser() {
		return true
	}
	for _, a := range anyOf {
		if slices.Contains(c.Authorities, a) {
			return true
		}
	}
	return false
}

// UserRef identifies a user in rendered objects (createdBy, user).
type UserRef struct {
	ID       string `json:"id"`
	Username string `json:"username,omitempty"`
	Name     string `json:"name,omitempty"`
}

func (c Caller) ref() UserRef { return UserRef{ID: c.ID, Username: c.Username, Name: c.Name} }

// render is the JSON form DHIS2 gives an embedded user reference.
func (u UserRef) render() map[string]any {
	m := map[string]any{"id": u.ID}
	if u.Name != "" {
		m["name"], m["displayName"] = u.Name, u.Name
	}
	if u.Username != "" {
		m["username"] = u.Username
	}
	return m
}

// Sharing is an object's sharing in DHIS2's 2.36+ form: owner, public
// access string and per-user and per-group access strings (8 characters,
// "rw------").
type Sharing struct {
	Owner      string            `json:"owner,omitempty"`
	Public     string            `json:"public"`
	External   bool              `json:"external,omitempty"`
	Users      map[string]string `json:"users,omitempty"`
	UserGroups map[string]string `json:"userGroups,omitempty"`
}

// canRead and canWrite evaluate the sharing for c (owner, public, user and
// group accesses; superusers pass).
func (sh Sharing) canRead(c Caller) bool  { return sh.allows(c, 0) }
func (sh Sharing) canWrite(c Caller) bool { return sh.allows(c, 1) }

func (sh Sharing) allows(c Caller, pos int) bool {
	if c.Superuser() || c.ID != "" && c.ID == sh.Owner || sh.Owner == "" {
		return true
	}
	ok := func(access string) bool { return len(access) > pos && access[pos] != '-' }
	if ok(sh.Public) || ok(sh.Users[c.ID]) {
		return true
	}
	for _, g := range c.Groups {
		if ok(sh.UserGroups[g]) {
			return true
		}
	}
	return false
}

func (sh Sharing) clone() Sharing {
	out := sh
	out.Users = cloneMap(sh.Users)
	out.UserGroups = cloneMap(sh.UserGroups)
	return out
}

func cloneMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Render returns the sharing object in the shape of the emulated version
// (2.41+ without "external").
func (s *System) renderSharing(sh Sharing) map[string]any {
	users, groups := map[string]any{}, map[string]any{}
	for id, a := range sh.Users {
		users[id] = map[string]any{"id": id, "access": a}
	}
	for id, a := range sh.UserGroups {
		groups[id] = map[string]any{"id": id, "access": a}
	}
	m := map[string]any{"public": sh.Public, "users": users, "userGroups": groups}
	if sh.Owner != "" {
		m["owner"] = sh.Owner
	}
	if s.prof.Version.Minor < 41 {
		m["external"] = sh.External
	}
	return m
}

// renderLegacySharing adds the ≤2.40 sharing fields (publicAccess,
// externalAccess, user, userAccesses, userGroupAccesses) to m.
func (s *System) renderLegacySharing(m map[string]any, sh Sharing) {
	if s.prof.Version.Minor >= 41 {
		return
	}
	ua, ga := []any{}, []any{}
	for _, id := range sortedKeys(sh.Users) {
		ua = append(ua, map[string]any{"id": id, "userUid": id, "access": sh.Users[id]})
	}
	for _, id := range sortedKeys(sh.UserGroups) {
		ga = append(ga, map[string]any{"id": id, "userGroupUid": id, "access": sh.UserGroups[id]})
	}
	m["publicAccess"] = sh.Public
	m["externalAccess"] = sh.External
	m["userAccesses"] = ua
	m["userGroupAccesses"] = ga
	if sh.Owner != "" {
		m["user"] = map[string]any{"id": sh.Owner}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// access renders DHIS2's computed access object for c on an object with
// the given sharing.
func access(c Caller, sh Sharing) map[string]any {
	r, w := sh.canRead(c), sh.canWrite(c)
	return map[string]any{"manage": w, "externalize": false, "write": w, "read": r, "update": w, "delete": w}
}
