package system

import (
	"archive/zip"
	"bytes"
	"sync"
	"testing"
	"time"

	"github.com/d2sync/d2sync/internal/emulator/profile"
)

// fakeClock is a settable clock for storage status and purge tests.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type bundle struct {
	sys   *System
	clock *fakeClock
}

// setup builds a System of the given version on a fake clock.
func setup(t *testing.T, version string) *bundle {
	t.Helper()
	clk := &fakeClock{t: time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)}
	return &bundle{sys: New(Options{Profile: setupProfile(version), Clock: clk.now}), clock: clk}
}

var (
	admin = Caller{ID: "M5zQapPyTZI", Username: "admin", Name: "John Traore", Authorities: []string{"ALL"}}
	alice = Caller{ID: "aliceUser01", Username: "alice", Name: "Alice Kone"}
	bob   = Caller{ID: "bobUser0001", Username: "bob", Name: "Bob Diallo"}
)

// zipOf builds a zip archive from name/content pairs.
func zipOf(t *testing.T, files ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i+1 < len(files); i += 2 {
		w, err := zw.Create(files[i])
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(files[i+1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func mustKind(t *testing.T, err error, k Kind, msg string) {
	t.Helper()
	e, ok := err.(*Error)
	if !ok {
		t.Fatalf("error %v (%T), want *Error kind %d %q", err, err, k, msg)
	}
	if e.Kind != k || msg != "" && e.Message != msg {
		t.Fatalf("error kind %d %q, want kind %d %q", e.Kind, e.Message, k, msg)
	}
}

func setupProfile(version string) profile.Profile { return profile.MustFor(version) }
