package seed

import (
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
)

var (
	demoOnce sync.Once
	demoInst *Instance
	demoErr  error
)

// demo returns the demo instance, generated once per test binary. Tests
// must not modify it.
func demo(t testing.TB) *Instance {
	t.Helper()
	demoOnce.Do(func() { demoInst, demoErr = Generate(Demo) })
	if demoErr != nil {
		t.Fatalf("Generate(demo): %v", demoErr)
	}
	return demoInst
}

var uidPattern = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9]{10}$`)

// builtins are the objects every DHIS2 instance has.
var builtins = map[string]string{
	DefaultCategoryCombo:       "categoryCombos",
	DefaultCategory:            "categories",
	DefaultCategoryOption:      "categoryOptions",
	DefaultCategoryOptionCombo: "categoryOptionCombos",
	AdminUser:                  "users",
	SuperuserRole:              "userRoles",
}

// walk calls fn for every map nested in v (v included), with the property
// path that leads to it.
func walk(v any, path []string, fn func(path []string, m map[string]any)) {
	switch x := v.(type) {
	case map[string]any:
		fn(path, x)
		for k, c := range x {
			walk(c, append(path[:len(path):len(path)], k), fn)
		}
	case []any:
		for _, c := range x {
			walk(c, path, fn)
		}
	}
}

// walkStrings calls fn for every string nested in v with its path.
func walkStrings(v any, path []string, fn func(path []string, s string)) {
	switch x := v.(type) {
	case string:
		fn(path, x)
	case map[string]any:
		for k, c := range x {
			walkStrings(c, append(path[:len(path):len(path)], k), fn)
		}
	case []any:
		for _, c := range x {
			walkStrings(c, path, fn)
		}
	}
}

// fixturesDir returns ../shared/fixtures relative to the module root, or
// skips the test when it is absent.
func fixturesDir(t *testing.T) string {
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
			t.Skip("go.mod not found above the test directory: cannot locate ../shared/fixtures")
		}
		dir = parent
	}
	fx := filepath.Join(dir, "..", "shared", "fixtures")
	if _, err := os.Stat(fx); err != nil {
		t.Skipf("DHIS2 fixtures not available at %s: skipping the shape comparison", fx)
	}
	return fx
}
