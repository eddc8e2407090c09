package emulator_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

func TestPersistenceRoundTripContent(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	first, err := emulator.New(emulator.Options{Version: "2.40", DataDir: dir, PersistInterval: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	srv1 := serve(t, first)
	post(t, srv1, "/api/metadata", smallWorld)
	post(t, srv1, "/api/dataValueSets", goodValues)
	post(t, srv1, "/api/lockExceptions?ds=DSaaaaaaaaa&pe=202401&ou=OUchild0001", "")
	post(t, srv1, "/api/dataElements",
		`{"id":"DEgone00001","name":"Temp","shortName":"Temp","valueType":"TEXT","aggregationType":"NONE","domainType":"AGGREGATE"}`)
	resp := srv1.Do(t, http.MethodDelete, "/api/dataElements/DEgone00001", nil)
	resp.Body.Close()
	// The debounced snapshot appears without Close.
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(filepath.Join(dir, "emulator-state.zip")); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no debounced snapshot after writes")
		}
		time.Sleep(5 * time.Millisecond)
	}
	_, wantMeta := getJSON(t, srv1, "/api/metadata?dataElements=true&dataSets=true&organisationUnits=true")
	_, wantValues := getJSON(t, srv1, "/api/dataValueSets?dataSet=DSaaaaaaaaa&orgUnit=OUroot00001&children=true&period=202401")
	_, wantLocks := getJSON(t, srv1, "/api/lockExceptions")
	_, wantDeleted := getJSON(t, srv1, "/api/deletedObjects")
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}

	second, err := emulator.New(emulator.Options{Version: "2.40", DataDir: dir, Seed: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	srv2 := serve(t, second)
	if !strings.Contains(second.SeedSummary(), "seed not applied") {
		t.Errorf("seed summary %q", second.SeedSummary())
	}
	_, gotMeta := getJSON(t, srv2, "/api/metadata?dataElements=true&dataSets=true&organisationUnits=true")
	_, gotValues := getJSON(t, srv2, "/api/dataValueSets?dataSet=DSaaaaaaaaa&orgUnit=OUroot00001&children=true&period=202401")
	_, gotLocks := getJSON(t, srv2, "/api/lockExceptions")
	_, gotDeleted := getJSON(t, srv2, "/api/deletedObjects")
	delete(wantMeta.(map[string]any), "system")
	delete(gotMeta.(map[string]any), "system")
	for name, pair := range map[string][2]any{"metadata": {wantMeta, gotMeta}, "values": {wantValues, gotValues}, "locks": {wantLocks, gotLocks}, "deleted": {wantDeleted, gotDeleted}} {
		if a, b := mustJSON(pair[0]), mustJSON(pair[1]); a != b {
			t.Errorf("%s differ after restart:\n%s\n%s", name, a, b)
		}
	}
	if n := len(gotValues.(map[string]any)["dataValues"].([]any)); n != 1 {
		t.Errorf("%d values after restart, want 1", n)
	}
	if !strings.Contains(mustJSON(gotDeleted), "DEgone00001") {
		t.Errorf("deletedObjects lost: %s", mustJSON(gotDeleted))
	}
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
