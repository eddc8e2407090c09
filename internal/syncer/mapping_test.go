package syncer

import (
	"testing"

	"github.com/d2sync/d2sync/internal/transform"
)

func TestRewriteUIDs(t *testing.T) {
	t.Parallel()
	oldCOC, newCOC := uid("oldCoc"), "HllvX50cXC0"
	oldUser, newUser := uid("oldUsr"), uid("newUsr")
	p := transform.Payload{
		"indicators": {{"id": uid("ind"), "numerator": "#{" + uid("de") + "." + oldCOC + "}+#{" + uid("de") + "}", "name": oldCOC + " kept in names"}},
		"dataSets": {{"id": uid("ds"), "categoryCombo": ref(oldCOC), "sharing": map[string]any{
			"owner": oldUser, "users": map[string]any{oldUser: map[string]any{"id": oldUser, "access": "rw------"}}}}},
		"users": {{"id": oldUser, "username": "admin"}},
	}
	n := rewriteUIDs(p, map[string]string{oldCOC: newCOC, oldUser: newUser})
	ind := p["indicators"][0]
	if want := "#{" + uid("de") + "." + newCOC + "}+#{" + uid("de") + "}"; ind["numerator"] != want {
		t.Errorf("numerator = %v, want %v", ind["numerator"], want)
	}
	if ind["name"] != oldCOC+" kept in names" {
		t.Errorf("names must not be rewritten: %v", ind["name"])
	}
	ds := p["dataSets"][0]
	if refID(ds["categoryCombo"]) != newCOC {
		t.Errorf("reference not rewritten: %v", ds["categoryCombo"])
	}
	sh := ds["sharing"].(map[string]any)
	users := sh["users"].(map[string]any)
	if sh["owner"] != newUser || users[newUser] == nil || users[oldUser] != nil || refID(users[newUser]) != newUser {
		t.Errorf("sharing not rewritten: %v", sh)
	}
	if uidOf(p["users"][0]) != newUser {
		t.Errorf("object id not rewritten")
	}
	if n != 6 {
		t.Errorf("rewriteUIDs changed %d values, want 6", n)
	}
}

func TestMapDefaultsAndUsers(t *testing.T) {
	t.Parallel()
	src := transform.Payload{
		"categoryCombos":       {{"id": uid("oldCC"), "name": "default"}, {"id": uid("sex"), "name": "Sexe"}},
		"categoryOptionCombos": {{"id": "HllvX50cXC0", "name": "default"}},
		"users":                {{"id": uid("srcAdm"), "username": "admin"}, {"id": uid("bob"), "username": "bob"}},
	}
	dst := transform.Payload{
		"categoryCombos":       {{"id": "bjDvmb4bfuf", "name": "default"}},
		"categoryOptionCombos": {{"id": "HllvX50cXC0", "name": "default"}},
		"users":                {{"id": "M5zQapPyTZI", "username": "admin"}},
	}
	m := IDMap{}
	mapDefaults(m, src, dst)
	mapUsersByUsername(m, src, dst)
	want := map[string]string{uid("oldCC"): "bjDvmb4bfuf", uid("srcAdm"): "M5zQapPyTZI"}
	got := m.Flat()
	if len(got) != len(want) {
		t.Fatalf("mappings = %v, want %v", got, want)
	}
	for s, d := range want {
		if got[s] != d {
			t.Errorf("%s → %s, want %s", s, got[s], d)
		}
	}
}
