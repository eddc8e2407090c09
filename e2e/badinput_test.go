package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBadInputNeverCrashes drives the binary with bad flags, bad URLs,
// missing or broken credentials, unknown scopes, unusable report paths and
// databases, unreachable instances and bad emulator options. Each run must
// exit 1 or 2 with an actionable message on stderr (its first line names
// the problem), never a panic or a stack trace, never a hang (each run is
// killed after badInputTimeout), and never print a secret it was given.
func TestBadInputNeverCrashes(t *testing.T) {
	t.Parallel()
	src := blankDest(t, "2.40")
	dst := blankDest(t, "2.41")
	pair := []string{"--source", src.URL, "--dest", dst.URL}
	creds := map[string]string{
		"D2SYNC_SOURCE_USERNAME": "admin", "D2SYNC_SOURCE_PASSWORD": "district",
		"D2SYNC_DEST_USERNAME": "admin", "D2SYNC_DEST_PASSWORD": "district",
	}
	noDest := map[string]string{"D2SYNC_SOURCE_USERNAME": "admin", "D2SYNC_SOURCE_PASSWORD": "district"}
	secretInURL := "CANARY-pw-in-url"
	badConfig := filepath.Join(t.TempDir(), "bad.conf")
	if err := os.WriteFile(badConfig, []byte("D2SYNC_LOG_LEVEL=info\njust some words\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	with := func(extra map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range creds {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	sync := func(extra ...string) []string { return append(append([]string{"sync"}, pair...), extra...) }
	tests := []struct {
		name string
		env  map[string]string // nil: creds
		args []string
		code int    // 1 or 2
		want string // in stderr (case-insensitive)
	}{
		{"no command", nil, nil, 2, "usage"},
		{"unknown command", nil, []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"unknown flag", nil, sync("--bogus"), 2, "flag provided but not defined: -bogus"},
		{"credentials as a flag", nil, sync("--password", "x"), 2, "not defined: -password"},
		{"stray argument", nil, sync("district"), 2, "unexpected argument"},
		{"missing destination", nil, []string{"sync", "--source", src.URL}, 2, "--dest"},
		{"empty URLs", nil, []string{"sync", "--source", " ", "--dest", ""}, 2, "--source and --dest are both required"},
		{"URL without scheme", nil, []string{"sync", "--source", "dhis2.example.org", "--dest", dst.URL}, 2, "no scheme"},
		{"URL with another scheme", nil, []string{"sync", "--source", "ftp://dhis2.example.org", "--dest", dst.URL}, 2, "scheme"},
		{"URL with credentials", nil, []string{"sync", "--source", "https://admin:" + secretInURL + "@dhis2.example.org", "--dest", dst.URL}, 2, "contains credentials"},
		{"malformed URL", nil, []string{"sync", "--source", "http://[::1", "--dest", dst.URL}, 2, "invalid"},
		{"URL with a query", nil, []string{"sync", "--source", src.URL + "/?x=1", "--dest", dst.URL}, 2, "query"},
		{"same instance twice", nil, []string{"sync", "--source", src.URL, "--dest", src.URL + "/"}, 2, "same instance"},
		{"unknown scope", nil, sync("--scope", "everything"), 2, "unknown --scope"},
		{"empty scope item", nil, sync("--scope", "metadata,,metadata"), 2, "--scope"},
		{"bad since", nil, sync("--since", "yesterday"), 2, "--since"},
		{"since and full", nil, sync("--since", "2026-01-01", "--full"), 2, "exclude each other"},
		{"negative max-delete", nil, sync("--max-delete", "-5"), 2, "--max-delete"},
		{"too big max-delete-percent", nil, sync("--max-delete-percent", "250"), 2, "--max-delete-percent"},
		{"tiny request size", nil, sync("--max-request-bytes", "10"), 2, "--max-request-bytes"},
		{"bad timeout", nil, sync("--timeout", "soon"), 2, "invalid value"},
		{"negative timeout", nil, sync("--timeout", "-1s"), 2, "--timeout"},
		{"bad object", nil, sync("--objects", "dataSets"), 2, "<plural type>:<uid>"},
		{"bad atomic mode", nil, sync("--atomic-mode", "maybe"), 2, "atomic mode"},
		{"bad users policy", nil, sync("--users", "clone"), 2, "users policy"},
		{"validate without dry run", nil, sync("--validate"), 2, "--validate"},
		{"no credentials", noDest, sync(), 2, "no credentials for the destination"},
		{"password file missing", with(map[string]string{"D2SYNC_DEST_PASSWORD": "", "D2SYNC_DEST_PASSWORD_FILE": "/nonexistent/pw"}), sync(), 2, "D2SYNC_DEST_PASSWORD_FILE"},
		{"config file missing", with(map[string]string{"D2SYNC_CONFIG_FILE": "/nonexistent/d2sync.conf"}), sync(), 2, "config file"},
		{"config file bad line", nil, sync("--config", badConfig), 2, "line 2"},
		{"password and token", with(map[string]string{"D2SYNC_DEST_TOKEN": "d2pat_x"}), sync(), 2, "both set"},
		{"not a token", with(map[string]string{"D2SYNC_DEST_USERNAME": "", "D2SYNC_DEST_PASSWORD": "", "D2SYNC_DEST_TOKEN": "CANARY-not-a-token"}), sync(), 1, "rejected the credentials"},
		{"wrong password", with(map[string]string{"D2SYNC_DEST_PASSWORD": "CANARY-wrong"}), sync(), 1, "rejected the credentials"},
		{"unwritable report", nil, sync("--report", "/nonexistent-dir/run.json"), 2, "/nonexistent-dir/run.json"},
		{"report is a directory", nil, sync("--report", t.TempDir()), 2, "report"},
		{"database on another scheme", with(map[string]string{"D2SYNC_DATABASE_URL": "mysql://u@h/db"}), sync(), 2, "D2SYNC_DATABASE_URL"},
		{"unreachable PostgreSQL", with(map[string]string{"D2SYNC_DATABASE_URL": "postgres://postgres@127.0.0.1:1/d2sync?sslmode=disable"}), sync(), 1, "database"},
		{"unwritable SQLite path", with(map[string]string{"D2SYNC_DATABASE_URL": "/proc/d2sync/d2sync.db"}), sync(), 1, "/proc/d2sync"},
		// Retried with backoff (up to ~30 s), each retry announced.
		{"connection refused", nil, []string{"sync", "--source", "http://127.0.0.1:1", "--dest", dst.URL}, 1, "attempt 1); retrying in"},
		{"unknown host", nil, []string{"sync", "--source", "https://dhis2.invalid", "--dest", dst.URL}, 1, "dhis2.invalid"},
		{"not DHIS2", nil, []string{"probe", "--url", src.URL + "/nothing-here"}, 1, "DHIS2"},
		{"verify with a sync flag", nil, append([]string{"verify", "--dry-run"}, pair...), 2, "not defined: -dry-run"},
		{"probe without URL", nil, []string{"probe"}, 2, "--url is required"},
		{"probe bad URL", nil, []string{"probe", "--url", "::"}, 2, "URL"},
		{"emulate bad version", nil, []string{"emulate", "--version", "9.99"}, 2, "version"},
		{"emulate bad seed", nil, []string{"emulate", "--seed", "galaxy"}, 2, "seed"},
		{"emulate bad faults", nil, []string{"emulate", "--faults", "GET /api/x explode"}, 2, "fault"},
		{"emulate bad address", nil, []string{"emulate", "--addr", "256.0.0.1:99999"}, 1, "listen"},
		{"migrate unreachable database", with(map[string]string{"D2SYNC_DATABASE_URL": "postgres://postgres@127.0.0.1:1/d2sync?sslmode=disable"}), []string{"migrate"}, 1, "database"},
		{"version with arguments", nil, []string{"version", "--bogus"}, 2, "not defined"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if testing.Short() && tc.name == "connection refused" {
				t.Skip("waits for the whole retry schedule: skipped with -short")
			}
			t.Parallel()
			r := newRunner(t)
			r.timeout = badInputTimeout
			env := tc.env
			if env == nil {
				env = creds
			}
			for k, v := range env {
				r.env[k] = v
			}
			if _, ok := r.env["D2SYNC_DATABASE_URL"]; !ok {
				r.env["D2SYNC_DATABASE_URL"] = filepath.Join(r.dir, "data", "d2sync.db")
			}
			res := r.run(t, tc.args...)
			if res.code != tc.code {
				t.Errorf("exit %d, want %d\n%s", res.code, tc.code, res)
			}
			first := firstLine(res.stderr)
			if first == "" || len(first) > 400 {
				t.Errorf("the first line of stderr is not a short message: %q\n%s", first, res)
			}
			if !strings.Contains(strings.ToLower(res.stderr), strings.ToLower(tc.want)) {
				t.Errorf("stderr lacks %q\n%s", tc.want, res)
			}
			for _, secret := range []string{secretInURL, "CANARY-not-a-token", "CANARY-wrong", "district"} {
				if strings.Contains(res.stdout+res.stderr, secret) {
					t.Errorf("a secret (%s) was printed\n%s", secret, res)
				}
			}
		})
	}
	t.Cleanup(func() {
		if n := dst.WriteCounts().Total(); n != 0 {
			t.Errorf("bad invocations wrote %d times to the destination", n)
		}
	})
}

// badInputTimeout is how long a bad invocation may take before it counts
// as a hang: it must fail fast, not wait for a long retry schedule.
const badInputTimeout = 45 * time.Second

func firstLine(s string) string {
	for _, line := range strings.Split(s, "\n") {
		if strings.TrimSpace(line) != "" {
			return strings.TrimSpace(line)
		}
	}
	return ""
}
