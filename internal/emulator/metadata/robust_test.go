package metadata

import (
	"bytes"
	"net/url"
	"sync"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator/profile"
)

// TestSchemaGatesAgreeWithProfiles checks, for every emulated version, that
// the schema table's shape gates match the profile's version gates.
func TestSchemaGatesAgreeWithProfiles(t *testing.T) {
	t.Parallel()
	for minor := profile.MinMinor; minor <= profile.MaxMinor; minor++ {
		p := profile.MustFor("2." + itoa(minor))
		ss := SchemasFor(p)
		de, _ := ss.ByPlural("dataElements")
		user, _ := ss.ByPlural("users")
		ou, _ := ss.ByPlural("organisationUnits")
		has := func(sc *Schema, name string) bool { _, ok := sc.Property(name); return ok }
		persisted := func(sc *Schema, name string) bool { pr, ok := sc.Property(name); return ok && pr.Persisted }
		checks := []struct {
			what      string
			got, want bool
		}{
			{"sharing{} persisted", persisted(de, "sharing"), p.Sharing != profile.SharingLegacy},
			{"legacy publicAccess property", has(de, "publicAccess"), p.Sharing != profile.SharingObject},
			{"legacy publicAccess persisted", persisted(de, "publicAccess"), p.Sharing == profile.SharingLegacy},
			{"userCredentials property", has(user, "userCredentials"), p.Users != profile.UserFlat},
			{"userCredentials persisted", persisted(user, "userCredentials"), p.Users == profile.UserNested},
			{"flat username", persisted(user, "username"), p.Users != profile.UserNested},
			{"geometry", persisted(ou, "geometry"), p.Geometry == profile.GeometryGeoJSON},
			{"coordinates", persisted(ou, "coordinates"), p.Geometry == profile.GeometryCoordinates},
			{"charts type", func() bool { _, ok := ss.ByPlural("charts"); return ok }(), p.Charts},
			{"visualizations type", func() bool { _, ok := ss.ByPlural("visualizations"); return ok }(), p.Visualizations},
			{"eventVisualizations type", func() bool { _, ok := ss.ByPlural("eventVisualizations"); return ok }(), p.EventVisualizns},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("2.%d: %s = %v, profile says %v", minor, c.what, c.got, c.want)
			}
		}
	}
}

func FuzzFieldsAndFilters(f *testing.F) {
	for _, s := range []string{"id,name", "a[b,c[d]]", "!x,*", ":owner,name~rename(n)", "a~pluck(id)[", "[[[", "!", "a(b,c)~size"} {
		f.Add(s, "name:eq:x")
	}
	s, _ := New(Options{Profile: profile.MustFor("2.42")})
	f.Fuzz(func(t *testing.T, fields, filter string) {
		_, _ = s.List("dataElements", ListParams{Fields: fields, Filters: []string{filter}, Paging: true, PageSize: 1})
		_, _ = s.Get("users", AdminUserUID, fields, "http://x")
		_ = s.SchemasJSON(fields, "")
	})
}

func FuzzImport(f *testing.F) {
	for _, s := range []string{`{}`, `[]`, `null`, `{"dataElements":[{"id":1}]}`, `{"dataElements":{}}`,
		`{"users":[{"userCredentials":"x","userGroups":"y","sharing":[]}]}`,
		`{"organisationUnits":[{"id":"abcdefghijk","parent":{"id":"abcdefghijk"}}]}`,
		`{"dataSets":[{"dataSetElements":[1,{"dataElement":"x"}],"organisationUnits":[{"code":"c"}]}]}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		for _, v := range []string{"2.30", "2.38", "2.42"} {
			s, _ := New(Options{Profile: profile.MustFor(v)})
			q, _ := url.ParseQuery("atomicMode=NONE&identifier=CODE")
			_, _ = s.Import(bytes.NewReader([]byte(body)), ParseImportParams(q, s.Profile()))
			var buf bytes.Buffer
			if err := s.Export(&buf, ExportParams{}); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// TestConcurrentUse runs imports, lists, exports and catalog lookups at the
// same time (meaningful under -race).
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	s := newStore(t, "2.42")
	payload := demoPayload(400)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Go(func() {
			if rep, err := s.ImportObjects(payload, DefaultImportParams()); err != nil || rep.Status != StatusOK {
				t.Errorf("import: %v", err)
			}
		})
		wg.Go(func() {
			if _, err := s.List("dataElements", ListParams{Fields: "*", Filters: []string{"dataElementGroups.id:!null"}}); err != nil {
				t.Error(err)
			}
			s.DataElement("deB00000001")
			s.OrgUnitDescendants("ouB00000000")
			var buf bytes.Buffer
			if err := s.Export(&buf, ExportParams{}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if s.Count("dataElements") != len(payload["dataElements"]) {
		t.Errorf("data elements %d", s.Count("dataElements"))
	}
}
