package syncer

import (
	"strings"
	"testing"

	"github.com/d2sync/d2sync/internal/transform"
)

func TestGeneratePassword(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, username := range []string{"alice", "ADMIN", "x", strings.Repeat("abc", 10)} {
		for range 50 {
			pw, err := GeneratePassword(username)
			if err != nil {
				t.Fatal(err)
			}
			if len(pw) != passwordLength || !passwordAcceptable(pw, username) {
				t.Fatalf("password %q breaks DHIS2's rules", pw)
			}
			if seen[pw] {
				t.Fatalf("password %q generated twice", pw)
			}
			seen[pw] = true
		}
	}
}

func TestPasswordAcceptable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pw, user string
		ok       bool
	}{
		{"Abcdefgh1!xyzXYZ23456789", "bob", true},
		{"abcdefgh1!xyzxyz23456789", "bob", false}, // no upper case
		{"ABCDEFGH1!XYZXYZ23456789", "bob", false}, // no lower case
		{"Abcdefghi!xyzXYZqwertyui", "bob", false}, // no digit
		{"Abcdefgh12xyzXYZ23456789", "bob", false}, // no special
		{"Abcdefgh1!xyzXYZbob45678", "bob", false}, // contains the username
		{"Abcdefgh1!xyzXYZAdmin678", "bob", false}, // dictionary word
	}
	for _, tc := range tests {
		if got := passwordAcceptable(tc.pw, tc.user); got != tc.ok {
			t.Errorf("passwordAcceptable(%q, %q) = %v, want %v", tc.pw, tc.user, got, tc.ok)
		}
	}
}

func TestParseUsersPolicy(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]UsersPolicy{"": UsersCreateDisabled, "skip": UsersSkip, "create-disabled": UsersCreateDisabled} {
		got, err := ParseUsersPolicy(in)
		if err != nil || got != want {
			t.Errorf("ParseUsersPolicy(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseUsersPolicy("default-password"); err == nil {
		t.Error("unknown policy accepted")
	}
}

func TestSkipUsers(t *testing.T) {
	t.Parallel()
	known, gone := uid("known"), uid("gone")
	p := transform.Payload{
		"users":      {{"id": known}, {"id": gone}},
		"userGroups": {{"id": uid("grp"), "users": refs(known, gone)}},
		"dataSets": {{"id": uid("ds"), "createdBy": ref(gone), "sharing": map[string]any{
			"owner": gone, "public": "rw------",
			"users": map[string]any{known: map[string]any{"id": known, "access": "r-------"}, gone: map[string]any{"id": gone, "access": "r-------"}},
		}}},
	}
	ws := skipUsers(p, map[string]bool{known: true})
	if _, ok := p["users"]; ok {
		t.Fatal("users were not removed")
	}
	if got := p["userGroups"][0]["users"].([]any); len(got) != 1 || refID(got[0]) != known {
		t.Errorf("group members = %v, want only %s", got, known)
	}
	ds := p["dataSets"][0]
	sh := ds["sharing"].(map[string]any)
	if _, ok := ds["createdBy"]; ok {
		t.Error("createdBy to an absent user kept")
	}
	if _, ok := sh["owner"]; ok {
		t.Error("sharing owner absent from the destination kept")
	}
	if users := sh["users"].(map[string]any); len(users) != 1 || users[known] == nil {
		t.Errorf("sharing users = %v", users)
	}
	if len(ws) != 4 {
		t.Errorf("warnings = %v, want one per kind of removal (4)", ws)
	}
}

func TestUsersDisabledByPolicy(t *testing.T) {
	t.Parallel()
	src := map[string]any{"id": uid("u"), "username": "alice"}
	dst := map[string]any{"id": uid("u"), "username": "alice", "disabled": true}
	if !usersDisabledByPolicy(src, dst) {
		t.Error("a destination user disabled by the policy is not recognised")
	}
	if usersDisabledByPolicy(dst, src) {
		t.Error("an enabled destination copy of a disabled source user must be a difference")
	}
	c := comparer{policy: UsersCreateDisabled}
	if !c.equal("users", src, dst) {
		t.Error("create-disabled: enabled source user and disabled destination user must compare equal")
	}
	if (comparer{policy: UsersSkip}).equal("users", src, dst) {
		t.Error("without the policy the disabled flag is a difference")
	}
}
