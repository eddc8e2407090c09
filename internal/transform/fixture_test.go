package transform

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/d2sync/d2sync/internal/dhis2"
)

// fixtureRoot returns /work/shared/fixtures (the directory ../shared/fixtures
// next to the module root), skipping the test when it is absent.
func fixtureRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("getwd: %v", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("fixtures: go.mod not found above the test directory")
		}
		dir = parent
	}
	root := filepath.Join(dir, "..", "shared", "fixtures")
	if _, err := os.Stat(root); err != nil {
		t.Skipf("fixtures: %s is absent; these tests need the shared DHIS2 fixtures", root)
	}
	return root
}

// Fixture path prefixes.
const (
	core35   = "dhis2__dhis2-core/dhis-2/dhis-services/dhis-service-dxf2/src/test/resources/dxf2/"
	coreInt  = "dhis2__dhis2-core/dhis-2/dhis-test-integration/src/test/resources/dxf2/"
	sdkRes   = "dhis2__dhis2-android-sdk/core/src/sharedTest/resources/"
	sdkAsset = "dhis2__dhis2-android-sdk/core/src/androidTest/assets/"
)

// readFixture decodes a fixture file with UseNumber, as d2sync does.
func readFixture(t testing.TB, rel string) any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureRoot(t), rel))
	if err != nil {
		t.Fatalf("read fixture %s: %v", rel, err)
	}
	v, err := decodeJSON(b)
	if err != nil {
		t.Fatalf("decode fixture %s: %v", rel, err)
	}
	return v
}

func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

// fixtureObject reads a fixture holding one JSON object.
func fixtureObject(t testing.TB, rel string) map[string]any {
	t.Helper()
	m := asMap(readFixture(t, rel))
	if m == nil {
		t.Fatalf("fixture %s is not a JSON object", rel)
	}
	return m
}

// fixturePayload reads a /api/metadata-shaped fixture: every top-level
// array of objects becomes a payload type; other keys (system, date) are
// skipped.
func fixturePayload(t testing.TB, rel string) Payload {
	t.Helper()
	return toPayload(fixtureObject(t, rel))
}

func toPayload(doc map[string]any) Payload {
	p := Payload{}
	for k, v := range doc {
		arr, ok := v.([]any)
		if !ok {
			continue
		}
		objs := make([]map[string]any, 0, len(arr))
		for _, e := range arr {
			if m, ok := e.(map[string]any); ok {
				objs = append(objs, m)
			}
		}
		if len(objs) == len(arr) && len(objs) > 0 {
			p[k] = objs
		}
	}
	return p
}

// find returns the object of type typ with the given id, failing the test
// when it is missing.
func find(t testing.TB, p Payload, typ, id string) map[string]any {
	t.Helper()
	for _, o := range p[typ] {
		if objID(o) == id {
			return o
		}
	}
	t.Fatalf("%s %s not found in payload (types: %v)", typ, id, sortedKeys(p))
	return nil
}

func v(s string) dhis2.Version { return dhis2.MustParseVersion(s) }

// mustJSON renders a value for failure messages.
func mustJSON(x any) string {
	b, err := json.Marshal(x)
	if err != nil {
		return err.Error()
	}
	return string(b)
}
