package e2e

import (
	"flag"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator"
	"github.com/d2sync/d2sync/internal/emulator/emulatortest"
)

// scopes is the --scope of every sync and verify in this package. When
// the data, tracker and system stages land, this becomes
// "metadata,data,tracker,system" and every test covers them.
const scopes = "metadata"

// binPath is the d2sync binary TestMain builds for the whole package.
var binPath string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "d2sync-e2e-bin-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: temp dir: %v\n", err)
		os.Exit(1)
	}
	binPath = filepath.Join(dir, "d2sync")
	if err := build(binPath); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: %v\n", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	shared.close()
	os.RemoveAll(dir)
	os.Exit(code)
}

// build compiles ./cmd/d2sync of this module into out.
func build(out string) error {
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	cmd := exec.Command("go", "build", "-o", out, "./cmd/d2sync")
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build ./cmd/d2sync: %w\n%s", err, b)
	}
	return nil
}

// moduleRoot walks up from the working directory to the directory that
// holds go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}

// sharedSources are read-only demo sources, one per DHIS2 version, shared
// by the tests that neither fault nor write to their source (a sync never
// writes to its source). Loading the demo seed takes about 2 s.
type sharedSources struct {
	mu   sync.Mutex
	byV  map[string]*sharedSource
	list []*sharedSource
}

type sharedSource struct {
	once sync.Once
	srv  *emulatortest.Server
	err  error
}

var shared = &sharedSources{byV: map[string]*sharedSource{}}

// demoSource returns the shared read-only demo source of version v. Tests
// must not add faults to it nor write to it: use newDemoSource for that.
func demoSource(t *testing.T, v string) *emulatortest.Server {
	t.Helper()
	shared.mu.Lock()
	s, ok := shared.byV[v]
	if !ok {
		s = &sharedSource{}
		shared.byV[v] = s
		shared.list = append(shared.list, s)
	}
	shared.mu.Unlock()
	s.once.Do(func() {
		e, err := emulator.New(demoOptions(emulator.Options{Version: v}))
		if err != nil {
			s.err = err
			return
		}
		hs := httptest.NewServer(e)
		user, pass := e.AdminCredentials()
		s.srv = &emulatortest.Server{Emulator: e, URL: hs.URL, Username: user, Password: pass, HTTP: hs}
	})
	if s.err != nil {
		t.Fatalf("shared demo source %s: %v", v, s.err)
	}
	return s.srv
}

func (s *sharedSources) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, src := range s.list {
		if src.srv != nil {
			src.srv.HTTP.CloseClientConnections()
			src.srv.HTTP.Close()
			src.srv.Emulator.Close()
		}
	}
}

// newDemoSource starts a private demo source that the test may fault.
func newDemoSource(t *testing.T, opts emulator.Options) *emulatortest.Server {
	t.Helper()
	return emulatortest.Start(t, demoOptions(opts))
}

// demoOptions selects the demo seed; while the tests replicate metadata
// only, without its data values and tracker data (a much faster start).
func demoOptions(o emulator.Options) emulator.Options {
	o.Seed = "demo"
	o.SeedMetadataOnly = scopes == "metadata"
	return o
}
