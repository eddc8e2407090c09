package syncer

import (
	"os"
	"path/filepath"
	"testing"
)

// fixturesDir returns ../shared/fixtures relative to the repository root
// (the directory holding go.mod), or skips the test when it is absent.
func fixturesDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("go.mod not found above the test directory")
		}
		dir = parent
	}
	fx := filepath.Join(dir, "..", "shared", "fixtures")
	if _, err := os.Stat(fx); err != nil {
		t.Skipf("shared fixtures not found at %s: the DHIS2 fixture tests need them", fx)
	}
	return fx
}
