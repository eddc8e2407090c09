package emulator_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator"
	"github.com/d2sync/d2sync/internal/emulator/emulatortest"
)

func systemID(t *testing.T, srv *emulatortest.Server) string {
	t.Helper()
	_, info := getJSON(t, srv, "/api/system/info")
	return info.(map[string]any)["systemId"].(string)
}

func TestPersistenceRoundTrip(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	first, err := emulator.New(emulator.Options{Version: "2.41", DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	srv1 := serve(t, first)
	_, key := createToken(t, srv1, "{}")
	id := systemID(t, srv1)
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "emulator-state.zip")); err != nil {
		t.Fatalf("no snapshot after Close: %v", err)
	}

	second, err := emulator.New(emulator.Options{Version: "2.41.2", DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	srv2 := serve(t, second)
	if got := systemID(t, srv2); got != id {
		t.Errorf("systemId %q after restart, want %q", got, id)
	}
	if got := tokenStatus(t, srv2, key); got != http.StatusOK {
		t.Errorf("token after restart: %d", got)
	}
}

// serve exposes an existing emulator on a test server.
func serve(t *testing.T, e *emulator.Emulator) *emulatortest.Server {
	t.Helper()
	return emulatortest.Serve(t, e)
}

func TestPersistenceErrors(t *testing.T) {
	t.Parallel()
	t.Run("corrupt snapshot", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "emulator-state.zip"), []byte("not a zip"), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := emulator.New(emulator.Options{DataDir: dir})
		if err == nil || !strings.Contains(err.Error(), "damaged") {
			t.Fatalf("err = %v, want a clear 'damaged' error", err)
		}
	})
	t.Run("other version", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		e, err := emulator.New(emulator.Options{Version: "2.39", DataDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		e.Close()
		_, err = emulator.New(emulator.Options{Version: "2.42", DataDir: dir})
		if err == nil || !strings.Contains(err.Error(), "--version 2.39") {
			t.Fatalf("err = %v, want a hint to use --version 2.39", err)
		}
	})
}

func TestOptionsValidation(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		opts emulator.Options
		want string
	}{
		{"version too old", emulator.Options{Version: "2.29"}, "2.30 to 2.42"},
		{"version garbage", emulator.Options{Version: "forty"}, "invalid DHIS2 version"},
		{"bad zone", emulator.Options{TimeZone: "Mars/Olympus"}, "IANA"},
		{"bad seed", emulator.Options{Seed: "huge"}, "none, demo or national"},
		{"bad faults", emulator.Options{Faults: "GET"}, "fault rule"},
		{"duplicate user", emulator.Options{Users: []emulator.UserSpec{{Username: "Admin", Password: "x"}}}, "used twice"},
		{"user without password", emulator.Options{Users: []emulator.UserSpec{{Username: "u"}}}, "required"},
		{"bad user id", emulator.Options{Users: []emulator.UserSpec{{Username: "u", Password: "p", ID: "1bad"}}}, "UID"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := emulator.New(c.opts)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to mention %q", err, c.want)
			}
		})
	}
}
