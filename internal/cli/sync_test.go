package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator"
	"github.com/d2sync/d2sync/internal/emulator/emulatortest"
	"github.com/d2sync/d2sync/internal/syncer"
)

// syncBundle is a demo source, a blank destination and a database. The
// source loads the demo seed's metadata only (SeedMetadataOnly): these
// commands replicate metadata, and leaving out the data values and
// tracker data saves most of the emulator's start-up work.
type syncBundle struct {
	src, dst *emulatortest.Server
	env      map[string]string
	dir      string
}

func setupSync(t *testing.T, srcVersion, dstVersion string) *syncBundle {
	t.Helper()
	b := &syncBundle{
		src: emulatortest.Start(t, emulator.Options{Version: srcVersion, Seed: "demo", SeedMetadataOnly: true}),
		dst: emulatortest.Start(t, emulator.Options{Version: dstVersion}),
		dir: t.TempDir(),
	}
	b.env = map[string]string{
		"D2SYNC_SOURCE_USERNAME": b.src.Username, "D2SYNC_SOURCE_PASSWORD": b.src.Password,
		"D2SYNC_DEST_USERNAME": b.dst.Username, "D2SYNC_DEST_PASSWORD": b.dst.Password,
		"D2SYNC_DATABASE_URL": filepath.Join(b.dir, "d2sync.db"),
	}
	return b
}

// run runs d2sync with args and the bundle's environment.
func (b *syncBundle) run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Main(context.Background(), append([]string{"d2sync"}, args...), func(k string) string { return b.env[k] }, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestSyncCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	t.Parallel()
	b := setupSync(t, "2.40", "2.41")
	pair := []string{"--source", b.src.URL, "--dest", b.dst.URL}

	// A dry run writes nothing and says so.
	code, out, errOut := b.run(t, append([]string{"sync", "--dry-run"}, pair...)...)
	if code != ExitOK || !strings.Contains(out, "dry run: nothing written") || !strings.Contains(out, "would be created") {
		t.Fatalf("dry run: exit %d\n%s\n%s", code, out, errOut)
	}
	if n := b.dst.WriteCounts().Total(); n != 0 {
		t.Fatalf("dry run wrote %d times", n)
	}

	report := filepath.Join(b.dir, "run.json")
	code, out, errOut = b.run(t, append([]string{"sync", "--report", report}, pair...)...)
	if code != ExitOK {
		t.Fatalf("sync: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"metadata: SUCCESS", "Verification:", "TOTAL", "Status: SUCCESS", "listed only in the report file"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	st, err := os.Stat(report)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("report file: %v, mode %v", err, st.Mode())
	}
	var rep syncer.Report
	raw, _ := os.ReadFile(report)
	if err := json.Unmarshal(raw, &rep); err != nil || rep.Status != syncer.StatusSuccess || len(rep.Passwords) == 0 {
		t.Fatalf("report: %v, status %s, %d passwords", err, rep.Status, len(rep.Passwords))
	}
	for _, pw := range rep.Passwords {
		if strings.Contains(out+errOut, pw.Password) {
			t.Fatalf("generated password of %s printed", pw.Username)
		}
	}
	// The run is in the database, without the passwords.
	db, _ := os.ReadFile(b.env["D2SYNC_DATABASE_URL"])
	if !bytes.Contains(db, []byte(`"status":"SUCCESS"`)) && !bytes.Contains(db, []byte("succeeded")) {
		t.Error("the run was not recorded in the database")
	}
	if bytes.Contains(db, []byte(rep.Passwords[0].Password)) {
		t.Error("a generated password was stored in the database")
	}

	// The next run is incremental and changes nothing.
	code, out, _ = b.run(t, append([]string{"sync"}, pair...)...)
	if code != ExitOK || !strings.Contains(out, "(incremental)") || !strings.Contains(out, "0 created, 0 updated") {
		t.Errorf("second run: exit %d\n%s", code, out)
	}

	// verify agrees, then finds a change made on the destination.
	if code, out, _ = b.run(t, append([]string{"verify"}, pair...)...); code != ExitOK {
		t.Fatalf("verify: exit %d\n%s", code, out)
	}
	de := rep.Plan.Type("dataElements").Create[0].UID
	patch := `[{"op":"replace","path":"/name","value":"Changed on the destination"}]`
	req := b.dst.Request(t, http.MethodPatch, "/api/dataElements/"+de, strings.NewReader(patch))
	req.Header.Set("Content-Type", "application/json-patch+json")
	resp, err := b.dst.HTTP.Client().Do(req)
	if err != nil || resp.StatusCode >= 300 {
		t.Fatalf("patch: %v %v", err, resp.Status)
	}
	resp.Body.Close()
	code, out, _ = b.run(t, append([]string{"verify"}, pair...)...)
	if code != ExitPartial || !strings.Contains(out, "* metadata/dataElements "+de) || !strings.Contains(out, ": name") {
		t.Errorf("verify after a change: exit %d, want 3 and the differing property\n%s", code, out)
	}
}

func TestSyncCommandErrors(t *testing.T) {
	t.Parallel()
	src := emulatortest.Start(t, emulator.Options{Version: "2.40"})
	dst := emulatortest.Start(t, emulator.Options{Version: "2.40"})
	creds := map[string]string{
		"D2SYNC_SOURCE_USERNAME": "admin", "D2SYNC_SOURCE_PASSWORD": "district",
		"D2SYNC_DEST_USERNAME": "admin", "D2SYNC_DEST_PASSWORD": "district",
	}
	with := func(extra map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range creds {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	tests := []struct {
		name   string
		args   []string
		env    map[string]string
		code   int
		stderr []string
	}{
		{"missing destination", []string{"sync", "--source", src.URL}, creds, ExitUsage, []string{"--source and --dest are both required"}},
		{"unknown users policy", []string{"sync", "--source", src.URL, "--dest", dst.URL, "--users", "default-password"}, creds, ExitUsage, []string{"unknown users policy"}},
		{"unknown scope", []string{"verify", "--source", src.URL, "--dest", dst.URL, "--scope", "everything"}, creds, ExitUsage, []string{"unknown --scope"}},
		{"bad object", []string{"sync", "--source", src.URL, "--dest", dst.URL, "--objects", "dataSets"}, creds, ExitUsage, []string{"type>:<uid"}},
		{"plain http to a remote host", []string{"sync", "--source", "http://dhis2.example.org", "--dest", dst.URL}, creds, ExitUsage, []string{"plain http", "unencrypted"}},
		{"no credentials without a terminal", []string{"sync", "--source", src.URL, "--dest", dst.URL},
			map[string]string{"D2SYNC_SOURCE_USERNAME": "admin", "D2SYNC_SOURCE_PASSWORD": "district"}, ExitUsage, []string{"no credentials for the destination", "D2SYNC_DEST_TOKEN"}},
		{"wrong password", []string{"sync", "--source", src.URL, "--dest", dst.URL}, with(map[string]string{"D2SYNC_DEST_PASSWORD": "CANARY-wrong"}),
			ExitFailed, []string{`DHIS2 instance "destination"`, "rejected the credentials", "check the username/password"}},
		{"credentials as a flag", []string{"sync", "--source", src.URL, "--dest", dst.URL, "--password", "x"}, creds, ExitUsage, []string{"flag provided but not defined: -password"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{"D2SYNC_DATABASE_URL": filepath.Join(t.TempDir(), "d2sync.db")}
			for k, v := range tc.env {
				env[k] = v
			}
			var out, errOut bytes.Buffer
			code := Main(context.Background(), append([]string{"d2sync"}, tc.args...), func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out.String(), errOut.String())
			}
			for _, w := range tc.stderr {
				if !strings.Contains(errOut.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut.String())
				}
			}
			if strings.Contains(out.String()+errOut.String(), "CANARY-wrong") {
				t.Error("a password was printed")
			}
		})
	}
	if n := dst.WriteCounts().Total(); n != 0 {
		t.Errorf("failed commands wrote %d times to the destination", n)
	}
}

func TestSyncHelp(t *testing.T) {
	t.Parallel()
	for _, cmd := range []string{"sync", "verify"} {
		var out bytes.Buffer
		code := Main(context.Background(), []string{"d2sync", cmd, "--help"}, func(string) string { return "" }, strings.NewReader(""), &out, &out)
		if code != ExitOK {
			t.Fatalf("%s --help: exit %d", cmd, code)
		}
		for _, want := range []string{"Usage:", "Environment:", "D2SYNC_SOURCE_TOKEN", "Examples:", "-source", "-dest", "-report", "Exit codes"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%s --help lacks %q", cmd, want)
			}
		}
	}
}
