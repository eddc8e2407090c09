package system

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func TestSnapshotRoundTrip(t *testing.T) {
	t.Parallel()
	b := setup(t, "2.41")
	s := b.sys
	s.Settings.Set("applicationTitle", "SNIS", "")
	s.Settings.Set("applicationTitle", "HMIS", "en")
	s.DataStore.Create(alice, "ns", "k", []byte(`{"a":[1,2]}`), false)
	s.UserDataStore.For(bob.ID).Create(bob, "dash", "rows", []byte(`3`), false)
	fr, _ := s.Files.Upload(alice, Upload{Name: "a.png", ContentType: "image/png", Content: []byte("png"), Domain: DomainIcon})
	b.clock.advance(DefaultStoreDelay)
	s.Icons.Add(alice, AddIcon{Key: "mine", FileResourceID: fr.ID})
	s.Apps.Install("a.zip", zipOf(t, "manifest.webapp", manifest, "index.html", "hi"))
	it, _ := s.Interpretations.Create(alice, "map", "Map00000001", "t", "", "")
	s.Interpretations.AddComment(bob, it.ID, "c")

	var buf bytes.Buffer
	if err := s.Snapshot(&buf); err != nil {
		t.Fatal(err)
	}
	r := setup(t, "2.41").sys
	r.clock = s.clock
	if err := r.Restore(bytes.NewReader(buf.Bytes())); err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	r.Snapshot(&again)
	if again.String() != buf.String() {
		t.Errorf("snapshot differs after restore:\n%s\n%s", buf.String()[:200], again.String()[:200])
	}
	if v, _ := r.Settings.Get("applicationTitle", "", false); v != "SNIS" {
		t.Errorf("setting = %v", v)
	}
	if e, err := r.DataStore.Get(admin, "ns", "k"); err != nil || string(e.Value) != `{"a":[1,2]}` {
		t.Errorf("entry = %v %v", e, err)
	}
	if _, err := r.UserDataStore.For(bob.ID).Get(bob, "dash", "rows"); err != nil {
		t.Error(err)
	}
	if _, c, err := r.Files.Content(fr.ID); err != nil || string(c) != "png" {
		t.Errorf("file = %q %v", c, err)
	}
	if icon, err := r.Icons.Get("mine"); err != nil || !icon.Custom {
		t.Errorf("icon = %v %v", icon, err)
	}
	if app, ok := r.Apps.Get("stock-monitor"); !ok || string(app.Files["index.html"]) != "hi" {
		t.Error("app not restored")
	}
	if len(r.DataStore.Protections()) != 1 {
		t.Error("app namespace protection not restored")
	}
	got, _ := r.Interpretations.Get(it.ID)
	if got == nil || len(got.Comments) != 1 || !reflect.DeepEqual(got.CreatedBy, alice.ref()) {
		t.Errorf("interpretation = %+v", got)
	}
	if err := r.Restore(strings.NewReader(`{"format":9}`)); err == nil {
		t.Error("unknown format accepted")
	}
	if err := r.Restore(strings.NewReader(`{`)); err == nil {
		t.Error("damaged snapshot accepted")
	}
}

func TestSelectFieldsAndFilter(t *testing.T) {
	t.Parallel()
	obj := map[string]any{"id": "abc", "text": "t", "type": "MAP", "map": map[string]any{"id": "m1"},
		"comments": []any{map[string]any{"id": "c1", "text": "x", "createdBy": map[string]any{"id": "u1"}}}}
	got := SelectFields(obj, "id,comments[id,createdBy[id]]", "id")
	want := map[string]any{"id": "abc", "comments": []any{map[string]any{"id": "c1", "createdBy": map[string]any{"id": "u1"}}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("SelectFields = %v", got)
	}
	if got := SelectFields(obj, "*,!comments", ""); len(got) != 4 {
		t.Errorf("exclusion = %v", got)
	}
	if got := SelectFields(obj, "", "id"); !reflect.DeepEqual(got, map[string]any{"id": "abc"}) {
		t.Errorf("default = %v", got)
	}
	for _, tt := range []struct {
		expr string
		want bool
	}{
		{"type:eq:MAP", true}, {"map.id:eq:m1", true}, {"map.id:in:[x,m1]", true}, {"comments.createdBy.id:eq:u1", true},
		{"text:ilike:T", true}, {"type:!eq:MAP", false}, {"visualization:null", true}, {"map:!null", true},
	} {
		ok, err := MatchFilter(obj, tt.expr)
		if err != nil || ok != tt.want {
			t.Errorf("%s = %v, %v", tt.expr, ok, err)
		}
	}
	if _, err := MatchFilter(obj, "type:zz:1"); err == nil {
		t.Error("unknown operator accepted")
	}
}
