package metadata

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/d2sync/d2sync/internal/emulator/profile"
)

// fixturesDir returns ../shared/fixtures relative to the module root, or
// skips the test when the folder is absent.
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
			t.Skip("go.mod not found above the test directory; cannot locate ../shared/fixtures")
		}
		dir = parent
	}
	fx := filepath.Join(dir, "..", "shared", "fixtures")
	if _, err := os.Stat(fx); err != nil {
		t.Skipf("fixtures folder %s is absent; skipping fixture-based test", fx)
	}
	return fx
}

const (
	coreIntegration = "dhis2__dhis2-core/dhis-2/dhis-test-integration/src/test/resources/"
	core235         = "dhis2__dhis2-core/dhis-2/dhis-services/dhis-service-dxf2/src/test/resources/"
)

// readFixture reads a fixture file (path relative to the fixtures folder).
func readFixture(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixturesDir(t), rel))
	if err != nil {
		t.Fatalf("read fixture %s: %v", rel, err)
	}
	return b
}

// fixedClock is a deterministic clock that advances one second per call.
func fixedClock() func() time.Time {
	t := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	return func() time.Time {
		t = t.Add(time.Second)
		return t
	}
}

// newStore builds a store for a version with a fixed clock.
func newStore(t testing.TB, version string) *Store {
	t.Helper()
	s, err := New(Options{Profile: profile.MustFor(version), Clock: fixedClock(), AdminPassword: "district"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// importJSON imports a JSON body with params given as key=value pairs.
func importJSON(t testing.TB, s *Store, body []byte, kv ...string) *ImportReport {
	t.Helper()
	ip := DefaultImportParams()
	for i := 0; i+1 < len(kv); i += 2 {
		switch kv[i] {
		case "importStrategy":
			ip.ImportStrategy = kv[i+1]
		case "atomicMode":
			ip.AtomicMode = kv[i+1]
		case "importMode":
			ip.ImportMode = kv[i+1]
		case "importReportMode":
			ip.ImportReportMode = kv[i+1]
		case "identifier":
			ip.Identifier = kv[i+1]
		case "mergeMode":
			ip.MergeMode = kv[i+1]
		case "skipSharing":
			ip.SkipSharing = kv[i+1] == "true"
		default:
			t.Fatalf("importJSON: unknown parameter %s", kv[i])
		}
	}
	rep, err := s.Import(bytes.NewReader(body), ip)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return rep
}

// errorSummary lists "CODE prop: message" for every error of a report.
func errorSummary(rep *ImportReport) string {
	var b strings.Builder
	for _, tr := range rep.TypeReports {
		for _, or := range tr.ObjectReports {
			for _, er := range or.ErrorReports {
				b.WriteString(er.ErrorCode + " " + tr.Klass + "[" + or.UID + "] " + er.Message + "\n")
			}
		}
	}
	return b.String()
}

// exportMap runs an export and decodes it.
func exportMap(t testing.TB, s *Store, ep ExportParams) map[string]any {
	t.Helper()
	var buf bytes.Buffer
	if err := s.Export(&buf, ep); err != nil {
		t.Fatalf("export: %v", err)
	}
	var m map[string]any
	dec := json.NewDecoder(&buf)
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("decode export: %v\n%s", err, buf.String())
	}
	return m
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
