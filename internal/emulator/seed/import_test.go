package seed

import (
	"testing"

	"github.com/d2sync/d2sync/internal/dhis2"
	"github.com/d2sync/d2sync/internal/emulator/metadata"
	"github.com/d2sync/d2sync/internal/emulator/profile"
)

// TestDemoImportsIntoEmulator imports the demo metadata into the
// emulator's metadata engine at 2.42 and expects zero errors.
func TestDemoImportsIntoEmulator(t *testing.T) {
	t.Parallel()
	v, err := dhis2.ParseVersion("2.42.0")
	if err != nil {
		t.Fatal(err)
	}
	p, err := profile.For(v)
	if err != nil {
		t.Fatal(err)
	}
	store, err := metadata.New(metadata.Options{Profile: p})
	if err != nil {
		t.Fatal(err)
	}
	md := demo(t).Metadata
	report, err := store.ImportObjects(md, metadata.DefaultImportParams())
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	n := 0
	for _, tr := range report.TypeReports {
		for _, or := range tr.ObjectReports {
			for _, er := range or.ErrorReports {
				if n++; n <= 30 {
					t.Errorf("%s %s: %s %s", tr.Klass, or.UID, er.ErrorCode, er.Message)
				}
			}
		}
	}
	if report.Status != metadata.StatusOK || n > 0 {
		t.Fatalf("import status %s with %d errors", report.Status, n)
	}
	total := 0
	for _, objs := range md {
		total += len(objs)
	}
	if report.Stats.Created != total {
		t.Errorf("created %d objects, payload has %d", report.Stats.Created, total)
	}
}

// TestPropertiesKnownToSchemas checks every property of every object (and
// of embedded objects) against the DHIS2 2.42 schemas of the emulator's
// metadata engine (extracted from dhis2-core): unknown or read-only
// properties would be silently dropped by DHIS2.
func TestPropertiesKnownToSchemas(t *testing.T) {
	t.Parallel()
	v, _ := dhis2.ParseVersion("2.42.0")
	p, err := profile.For(v)
	if err != nil {
		t.Fatal(err)
	}
	schemas := metadata.SchemasFor(p)
	reported := map[string]bool{}
	var check func(where string, s *metadata.Schema, o map[string]any)
	check = func(where string, s *metadata.Schema, o map[string]any) {
		for k, val := range o {
			prop, ok := s.Property(k)
			key := s.Plural + "." + k
			switch {
			case !ok && !reported[key]:
				reported[key] = true
				t.Errorf("%s: property %q is not in the 2.42 %s schema", where, k, s.Singular)
			case ok && prop.ReadOnly && k != "created" && k != "lastUpdated" && !reported[key]:
				reported[key] = true
				t.Errorf("%s: property %q is read-only in 2.42 (ignored on import)", where, k)
			case ok && prop.Embedded:
				es, found := schemas.ByKlass(prop.RefKlass())
				if !found {
					continue
				}
				items := asList(val)
				if m, isMap := val.(map[string]any); isMap {
					items = []any{m}
				}
				for _, it := range items {
					if m, isMap := it.(map[string]any); isMap {
						check(where+"."+k, es, m)
					}
				}
			}
		}
	}
	for typ, objs := range demo(t).Metadata {
		s, ok := schemas.ByPlural(typ)
		if !ok {
			t.Errorf("type %s is unknown to the 2.42 schemas", typ)
			continue
		}
		for _, o := range objs {
			check(typ, s, o)
		}
	}
}
