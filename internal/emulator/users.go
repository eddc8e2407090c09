package emulator

import (
	"fmt"
	"strings"

	"github.com/d2sync/d2sync/internal/emulator/profile"
)

// addUserObjects makes the configured extra users visible as DHIS2 user
// objects (with one user role per distinct authority set), in the
// version's user shape. Their passwords stay in the emulator's accounts.
func (e *Emulator) addUserObjects() error {
	if len(e.opts.Users) == 0 {
		return nil
	}
	roles := map[string]map[string]any{}
	var users []map[string]any
	for _, a := range e.accounts.list() {
		if a.ID == adminUserUID {
			continue
		}
		role := a.RoleIDs[0]
		if _, ok := roles[role]; !ok {
			name := "Emulator role " + role
			if len(a.Authorities) > 0 {
				name = "Emulator role (" + strings.Join(a.Authorities, ", ") + ")"
			}
			roles[role] = map[string]any{"id": role, "name": name, "authorities": toAny(a.Authorities)}
		}
		users = append(users, e.userObject(a))
	}
	payload := map[string][]map[string]any{"users": users}
	for _, r := range roles {
		payload["userRoles"] = append(payload["userRoles"], r)
	}
	if err := e.importTrusted(payload); err != nil {
		return fmt.Errorf("emulator users: %w", err)
	}
	return nil
}

// userObject is an account as a user object of the emulated version.
func (e *Emulator) userObject(a *account) map[string]any {
	roles := make([]any, len(a.RoleIDs))
	for i, id := range a.RoleIDs {
		roles[i] = map[string]any{"id": id}
	}
	u := map[string]any{"id": a.ID, "firstName": a.FirstName, "surname": a.Surname}
	if e.prof.Users == profile.UserNested {
		u["userCredentials"] = map[string]any{"id": uidFor("credentials:" + a.ID), "username": a.Username, "userRoles": roles}
		return u
	}
	u["username"] = a.Username
	u["userRoles"] = roles
	return u
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
