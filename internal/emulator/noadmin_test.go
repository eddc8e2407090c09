package emulator_test

import (
	"strings"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator"
)

// adminAndSuperuser is what DHIS2's test payloads bring: their own "admin"
// user (another uid than M5zQapPyTZI) and a "Superuser" role.
const adminAndSuperuser = `{"userRoles":[{"id":"tHEWGwIMsJk","name":"Superuser","authorities":["ALL"]}],
 "users":[{"id":"enHApD3I6Ho","firstName":"admin","surname":"admin","username":"admin",
   "userRoles":[{"id":"tHEWGwIMsJk"}]}]}`

func TestNoAdmin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		noAdmin bool
		// roles and users are the Superuser roles and admin users expected
		// after importing adminAndSuperuser.
		wantStatus   int
		roles, users int
	}{
		{"built-in admin: the payload's Superuser role clashes", false, 409, 1, 0},
		{"no admin: the payload's admin and Superuser import", true, 200, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := start(t, emulator.Options{Version: "2.42", NoAdmin: tt.noAdmin, AdminUsername: "d2sync"})
			_, before := getJSON(t, srv, "/api/users?fields=id&paging=false")
			hasBuiltin := strings.Contains(mustJSON(before), "M5zQapPyTZI")
			if hasBuiltin == tt.noAdmin {
				t.Errorf("built-in admin user listed = %v with NoAdmin = %v", hasBuiltin, tt.noAdmin)
			}
			// The admin account still signs requests in and is a superuser.
			code, me := getJSON(t, srv, "/api/me")
			if code != 200 || me.(map[string]any)["id"] != "M5zQapPyTZI" || !strings.Contains(mustJSON(me), `"ALL"`) {
				t.Fatalf("/api/me = %d %v", code, me)
			}
			code, rep := post(t, srv, "/api/metadata", adminAndSuperuser)
			if code != tt.wantStatus {
				t.Fatalf("import status %d, want %d: %v", code, tt.wantStatus, rep)
			}
			_, roles := getJSON(t, srv, "/api/userRoles?filter=name:eq:Superuser&fields=id&paging=false")
			_, users := getJSON(t, srv, "/api/users?filter=username:eq:admin&fields=id&paging=false")
			if n := len(roles.(map[string]any)["userRoles"].([]any)); n != tt.roles {
				t.Errorf("%d Superuser roles, want %d", n, tt.roles)
			}
			if n := len(users.(map[string]any)["users"].([]any)); n != tt.users {
				t.Errorf("%d admin users, want %d", n, tt.users)
			}
		})
	}
}

func TestNoAdminNeedsEmptySeed(t *testing.T) {
	t.Parallel()
	_, err := emulator.New(emulator.Options{Version: "2.42", NoAdmin: true, Seed: "demo"})
	if err == nil || !strings.Contains(err.Error(), `Seed "none"`) {
		t.Fatalf("err = %v, want NoAdmin with a seed refused", err)
	}
}
