package system

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestDataStoreMessagesPerVersion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		version                                  string
		created, exists, updated, deleted, nsGon string
		keyMissing, nsMissing                    string
		putMissingCreates                        bool
	}{
		{"2.36", "Key 'config' created.", "The key 'config' already exists on the namespace 'android'.", "Key 'config' updated.",
			"Key 'config' deleted from namespace 'android'.", "Namespace 'android' deleted.",
			"The key 'config' was not found in the namespace 'android'.", "The namespace 'android' was not found.", false},
		{"2.37", "Key created: 'config'", "Key 'config' already exists in namespace 'android'", "Key updated: 'config'",
			"Key 'config' deleted from namespace 'android'", "Namespace deleted: 'android'",
			"Key 'config' not found in namespace 'android'", "Namespace not found: 'android'", false},
		{"2.41", "Key created: 'config'", "Key 'config' already exists in namespace 'android'", "Key updated: 'config'",
			"Key 'config' deleted from namespace 'android'", "Namespace deleted: 'android'",
			"Key 'config' not found in namespace 'android'", "Namespace not found: 'android'", true},
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			t.Parallel()
			d := setup(t, tt.version).sys.DataStore
			msg, err := d.Create(admin, "android", "config", []byte(`{"a":1}`), false)
			if err != nil || msg != tt.created {
				t.Fatalf("Create = %q, %v", msg, err)
			}
			_, err = d.Create(admin, "android", "config", []byte(`{}`), false)
			mustKind(t, err, KindConflict, tt.exists)
			if _, msg, err := d.Put(admin, "android", "config", []byte(`[1, 2]`)); err != nil || msg != tt.updated {
				t.Fatalf("Put = %q, %v", msg, err)
			}
			if e, _ := d.Get(admin, "android", "config"); string(e.Value) != "[1,2]" {
				t.Errorf("value = %s", e.Value)
			}
			created, _, err := d.Put(admin, "android", "other", []byte(`1`))
			if tt.putMissingCreates {
				if err != nil || !created {
					t.Errorf("Put missing = %v, %v; want created", created, err)
				}
				d.Delete(admin, "android", "other")
			} else {
				mustKind(t, err, KindNotFound, strings.ReplaceAll(tt.keyMissing, "config", "other"))
			}
			if msg, err := d.Delete(admin, "android", "config"); err != nil || msg != tt.deleted {
				t.Fatalf("Delete = %q, %v", msg, err)
			}
			_, err = d.Delete(admin, "android", "config")
			mustKind(t, err, KindNotFound, tt.keyMissing)
			_, err = d.Keys(admin, "android", time.Time{})
			mustKind(t, err, KindNotFound, tt.nsMissing)
			d.Create(admin, "android", "x", []byte(`true`), false)
			if msg, err := d.DeleteNamespace(admin, "android"); err != nil || msg != tt.nsGon {
				t.Fatalf("DeleteNamespace = %q, %v", msg, err)
			}
			if ns := d.Namespaces(admin); len(ns) != 0 {
				t.Errorf("namespaces after delete: %v", ns)
			}
		})
	}
}

func TestDataStoreErrorCodes(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ version, code string }{{"2.39", ""}, {"2.40", "E1004"}} {
		d := setup(t, tt.version).sys.DataStore
		d.Create(admin, "ns", "k", []byte(`1`), false)
		_, err := d.Create(admin, "ns", "k", []byte(`1`), false)
		if e := err.(*Error); e.Code != tt.code {
			t.Errorf("%s: conflict code %q, want %q", tt.version, e.Code, tt.code)
		}
	}
}

func TestDataStoreValidation(t *testing.T) {
	t.Parallel()
	d := setup(t, "2.42").sys.DataStore
	_, err := d.Create(admin, "pets", "cat", []byte(`/not JSON/`), false)
	mustKind(t, err, KindBadRequest, "Invalid JSON value for key 'cat'")
	if _, err := d.Create(alice, "pets", "cat", []byte(` {"x": [1,2,3]} `), false); err != nil {
		t.Fatal(err)
	}
	e, err := d.Get(admin, "pets", "cat")
	if err != nil || string(e.Value) != `{"x":[1,2,3]}` || e.CreatedBy.ID != alice.ID || e.ID == "" {
		t.Fatalf("entry = %+v, %v", e, err)
	}
	if got, ok := d.ByID(e.ID); !ok || got.Key != "cat" {
		t.Errorf("ByID = %v, %v", got, ok)
	}
}

func TestDataStoreKeysSince(t *testing.T) {
	t.Parallel()
	b := setup(t, "2.40")
	d := b.sys.DataStore
	d.Create(admin, "ns", "old", []byte(`1`), false)
	b.clock.advance(time.Hour)
	cut := b.clock.now()
	d.Create(admin, "ns", "new", []byte(`2`), false)
	keys, err := d.Keys(admin, "ns", cut)
	if err != nil || strings.Join(keys, ",") != "new" {
		t.Fatalf("Keys since = %v, %v", keys, err)
	}
	keys, _ = d.Keys(admin, "ns", time.Time{})
	if strings.Join(keys, ",") != "new,old" {
		t.Errorf("Keys = %v", keys)
	}
}

func TestDataStoreProtectionAndSharing(t *testing.T) {
	t.Parallel()
	d := setup(t, "2.42").sys.DataStore
	d.Protect(Protection{Namespace: "hidden", Reads: ProtectionHidden, Writes: ProtectionHidden, ReadAuthorities: []string{"pets-admin"}, WriteAuthorities: []string{"pets-admin"}})
	d.Protect(Protection{Namespace: "restricted", Reads: ProtectionRestricted, Writes: ProtectionRestricted, ReadAuthorities: []string{"pets-admin"}, WriteAuthorities: []string{"pets-admin"}})
	petsAdmin := Caller{ID: "petsAdmin01", Authorities: []string{"pets-admin"}}
	for _, ns := range []string{"hidden", "restricted"} {
		if _, err := d.Create(admin, ns, "cat", []byte(`{}`), false); err != nil {
			t.Fatal(err)
		}
	}
	_, err := d.Get(bob, "hidden", "cat")
	mustKind(t, err, KindNotFound, "Key 'cat' not found in namespace 'hidden'")
	_, err = d.Get(bob, "restricted", "cat")
	mustKind(t, err, KindForbidden, "Namespace 'restricted' is protected, access denied")
	if _, err := d.Get(petsAdmin, "restricted", "cat"); err != nil {
		t.Errorf("pets admin: %v", err)
	}
	if ns := d.Namespaces(bob); strings.Join(ns, ",") != "restricted" {
		t.Errorf("namespaces for bob = %v", ns)
	}
	if _, err := d.Create(bob, "hidden", "dog", []byte(`{}`), false); err != nil {
		t.Errorf("writes to a hidden namespace are accepted: %v", err)
	}

	d.Create(alice, "open", "note", []byte(`"hi"`), false)
	e, _ := d.Get(admin, "open", "note")
	d.SetSharing(e.ID, Sharing{Owner: alice.ID, Public: "r-------"})
	if _, err := d.Get(bob, "open", "note"); err != nil {
		t.Errorf("public read: %v", err)
	}
	_, err = d.Delete(bob, "open", "note")
	mustKind(t, err, KindForbidden, "Access denied for key 'note' in namespace 'open'")
	_, err = d.DeleteNamespace(bob, "open")
	mustKind(t, err, KindForbidden, "Access denied for key 'note' in namespace 'open'")
	d.SetSharing(e.ID, Sharing{Owner: alice.ID, Public: "--------", Users: map[string]string{bob.ID: "rw------"}})
	if _, err := d.Delete(bob, "open", "note"); err != nil {
		t.Errorf("user access rw: %v", err)
	}
	if got := d.Protections(); len(got) != 2 || got[0].Namespace != "hidden" {
		t.Errorf("protections = %+v", got)
	}
}

func TestUserDataStoreIsPerUser(t *testing.T) {
	t.Parallel()
	u := setup(t, "2.39").sys.UserDataStore
	msg, err := u.For(alice.ID).Create(alice, "dashboard", "controlBarRows", []byte(`1`), false)
	if err != nil || msg != "Key 'controlBarRows' in namespace 'dashboard' created." {
		t.Fatalf("Create = %q, %v", msg, err)
	}
	_, err = u.For(bob.ID).Get(bob, "dashboard", "controlBarRows")
	mustKind(t, err, KindNotFound, "The key 'controlBarRows' was not found in the namespace 'dashboard'.")
	_, err = u.For(alice.ID).Create(alice, "dashboard", "controlBarRows", []byte(`2`), false)
	mustKind(t, err, KindConflict, "The key 'controlBarRows' already exists in the namespace 'dashboard'.")
}

// petStore fills a namespace like DHIS2's DatastoreFieldsControllerTest.
func petStore(t *testing.T) *DataStore {
	t.Helper()
	d := setup(t, "2.42").sys.DataStore
	for k, v := range map[string]string{"dog": `false`, "bat": `true`, "pidgin": `42`, "horse": `"Fury"`, "snake": `null`,
		"cat":     `{"name":"Miao","age":9,"cute":true,"eats":[{"name":"tuna"},{"name":"mice"},{"name":"birds"}]}`,
		"cow":     `{"name":"Muuhh","age":5,"cute":true,"eats":[{"name":"gras"}]}`,
		"hamster": `{"name":"Speedy","age":2,"cute":true,"eats":[{"name":"veggies"}]}`,
		"pig":     `{"name":"Oink","age":6,"cute":false,"eats":[{"name":"carrots"},{"name":"potatoes"}]}`} {
		if _, err := d.Create(admin, "pets", k, []byte(v), false); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

func TestDataStoreQuery(t *testing.T) {
	t.Parallel()
	d := petStore(t)
	tests := []struct {
		query string
		want  string
	}{
		{"fields=&filter=_:eq:cat", `[{"key":"cat"}]`},
		{"fields=.&filter=_:eq:dog", `[{"key":"dog","value":false}]`},
		{"fields=.&filter=_:eq:snake", `[{"key":"snake","value":null}]`},
		{"fields=.~hoist(name)&filter=_:eq:horse", `[{"key":"horse","name":"Fury"}]`},
		{"fields=age&filter=_:eq:cat", `[{"key":"cat","age":9}]`},
		{"fields=name", `[{"key":"cat","name":"Miao"},{"key":"cow","name":"Muuhh"},{"key":"hamster","name":"Speedy"},{"key":"pig","name":"Oink"}]`},
		{"fields=eats[0~hoist(food)]&filter=_:eq:cow", `[{"key":"cow","food":{"name":"gras"}}]`},
		{"fields=name,eats(0(name~hoist(food)))&filter=_:eq:pig", `[{"key":"pig","name":"Oink","food":"carrots"}]`},
		{"fields=eats.0.name&filter=_:eq:pig", `[{"key":"pig","eats":{"0":{"name":"carrots"}}}]`},
		{"fields=name&includeAll=true&filter=_:in:[cat,dog]", `[{"key":"cat","name":"Miao"},{"key":"dog","name":null}]`},
		{"fields=name&filter=age:gt:5", `[{"key":"cat","name":"Miao"},{"key":"pig","name":"Oink"}]`},
		{"fields=name&filter=name:ilike:m&filter=cute:eq:true", `[{"key":"cat","name":"Miao"},{"key":"cow","name":"Muuhh"}]`},
		{"fields=name&filter=name:$like:M,name:like$:k&rootJunction=OR", `[{"key":"cat","name":"Miao"},{"key":"cow","name":"Muuhh"},{"key":"pig","name":"Oink"}]`},
		{"fields=name&order=age:nasc", `[{"key":"hamster","name":"Speedy"},{"key":"cow","name":"Muuhh"},{"key":"pig","name":"Oink"},{"key":"cat","name":"Miao"}]`},
		{"fields=name&order=name:desc&pageSize=2&page=2", `[{"key":"cow","name":"Muuhh"},{"key":"cat","name":"Miao"}]`},
		{"fields=.&filter=.:null", `[{"key":"snake","value":null}]`},
		{"fields=&filter=eats:!empty&filter=name:!eq:Oink", `[{"key":"cat"},{"key":"cow"},{"key":"hamster"}]`},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			t.Parallel()
			v, _ := url.ParseQuery(tt.query)
			q, err := ParseQuery(v)
			if err != nil {
				t.Fatal(err)
			}
			res, err := d.Query(admin, "pets", q)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := json.Marshal(res.Entries)
			if string(got) != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestDataStoreQueryErrors(t *testing.T) {
	t.Parallel()
	d := petStore(t)
	for _, tt := range []struct {
		query string
		kind  Kind
		msg   string
	}{
		{"fields=illegal'", KindConflict, "Illegal fields expression, expected `,`, `[` or `]` at position 7 but found `'`"},
		{"fields=a&filter=name", KindConflict, "Illegal filter expression `name`: expected expression of pattern: <property>:<operator>[:<value>]"},
		{"fields=a&filter=name:foo:x", KindConflict, "Unknown operator: `FOO`"},
		{"fields=a&order=x:sideways", KindBadRequest, ""},
	} {
		v, _ := url.ParseQuery(tt.query)
		_, err := ParseQuery(v)
		mustKind(t, err, tt.kind, tt.msg)
	}
	v, _ := url.ParseQuery("fields=name&order=name:nasc")
	q, _ := ParseQuery(v)
	_, err := d.Query(admin, "pets", q)
	mustKind(t, err, KindBadRequest, "")
	q, _ = ParseQuery(url.Values{"fields": {"name"}, "paging": {"false"}})
	res, _ := d.Query(admin, "pets", q)
	if len(res.Entries) != 4 {
		t.Errorf("paging=false: %d entries", len(res.Entries))
	}
}
