package emulator_test

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator"
	"github.com/d2sync/d2sync/internal/emulator/emulatortest"
)

// fixturesDir returns ../shared/fixtures relative to the module root, or
// skips the test when it is absent.
func fixturesDir(t *testing.T) string {
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
			t.Skip("go.mod not found; cannot locate ../shared/fixtures")
		}
		dir = parent
	}
	fx := filepath.Join(dir, "..", "shared", "fixtures")
	if _, err := os.Stat(fx); err != nil {
		t.Skipf("shared fixtures not available at %s (they are read-only test inputs outside the repo)", fx)
	}
	return fx
}

// readFixture decodes a fixture file.
func readFixture(t *testing.T, rel string) any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixturesDir(t), rel))
	if err != nil {
		t.Skipf("fixture %s not available: %v", rel, err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("fixture %s: %v", rel, err)
	}
	return v
}

// kind names the JSON kind of v.
func kind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case float64, json.Number:
		return "number"
	case bool:
		return "boolean"
	case nil:
		return "null"
	}
	return "?"
}

// shapeDiff compares got with the recorded want structurally: every key
// of want must be in got with the same JSON kind, recursively (arrays are
// compared through their first elements when both have one). Keys listed
// in optional (dotted paths) may be missing. It returns the differences.
func shapeDiff(want, got any, optional ...string) []string {
	opt := map[string]bool{}
	for _, o := range optional {
		opt[o] = true
	}
	var out []string
	var walk func(path string, w, g any)
	walk = func(path string, w, g any) {
		if kind(w) != kind(g) {
			out = append(out, path+": recorded "+kind(w)+", got "+kind(g))
			return
		}
		switch wv := w.(type) {
		case map[string]any:
			gv := g.(map[string]any)
			keys := make([]string, 0, len(wv))
			for k := range wv {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				p := strings.TrimPrefix(path+"."+k, ".")
				gk, ok := gv[k]
				if !ok {
					if !opt[p] {
						out = append(out, p+": missing")
					}
					continue
				}
				walk(p, wv[k], gk)
			}
		case []any:
			gv := g.([]any)
			if len(wv) > 0 && len(gv) > 0 {
				walk(path+"[]", wv[0], gv[0])
			}
		}
	}
	walk("", want, got)
	return out
}

// start is emulatortest.Start with a terser name.
func start(t *testing.T, opts emulator.Options) *emulatortest.Server {
	t.Helper()
	return emulatortest.Start(t, opts)
}

// decode reads a JSON response body and closes it.
func decode(t *testing.T, resp *http.Response) any {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("body is not JSON (%v): %.300s", err, b)
	}
	return v
}

// getJSON GETs path as the superuser and decodes the JSON answer.
func getJSON(t *testing.T, srv *emulatortest.Server, path string) (int, any) {
	t.Helper()
	resp := srv.Do(t, http.MethodGet, path, nil)
	return resp.StatusCode, decode(t, resp)
}

// mustJSON renders v for substring checks.
func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
