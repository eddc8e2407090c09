package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/d2sync/d2sync/internal/config"
	"github.com/d2sync/d2sync/internal/store"
	"github.com/d2sync/d2sync/internal/store/storetest"
)

type cliResult struct {
	code           int
	stdout, stderr string
}

func runCLI(t *testing.T, env map[string]string, args ...string) cliResult {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Main(context.Background(), append([]string{"d2sync"}, args...), func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut)
	return cliResult{code, out.String(), errOut.String()}
}

func TestMigrateCommand(t *testing.T) {
	t.Parallel()
	engines := []struct {
		name string
		url  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "new", "d2sync.db") }},
		{"postgres", storetest.NewPostgresSchema},
	}
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			url := e.url(t)
			first := runCLI(t, map[string]string{"D2SYNC_DATABASE_URL": url}, "migrate")
			if first.code != ExitOK || !strings.HasPrefix(first.stdout, "applied 12 migrations (d2sync: 0→4, river: 0→8)") {
				t.Fatalf("first run: code %d\nstdout: %s\nstderr: %s", first.code, first.stdout, first.stderr)
			}
			second := runCLI(t, nil, "migrate", "--database-url", url)
			if second.code != ExitOK || strings.TrimSpace(second.stdout) != "database is up to date (d2sync: 4, river: 8)" {
				t.Fatalf("second run: code %d\nstdout: %s\nstderr: %s", second.code, second.stdout, second.stderr)
			}
			st, err := store.Open(context.Background(), url)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if err := checkSchema(context.Background(), st); err != nil {
				t.Fatalf("checkSchema after migrate: %v", err)
			}
		})
	}
}

func TestMigrateCommandErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "d2sync.conf")
	if err := os.WriteFile(conf, []byte("D2SYNC_DATABASE_URL="+filepath.Join(dir, "from-file.db")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	const canary = "CANARYpw42"
	tests := []struct {
		name     string
		env      map[string]string
		args     []string
		wantCode int
		want     []string
	}{
		{"unreachable postgres", nil, []string{"--database-url", "postgres://app:" + canary + "@127.0.0.1:1/d2?sslmode=disable&connect_timeout=2"},
			ExitFailed, []string{"cannot connect to PostgreSQL at 127.0.0.1:1", "--database-url, D2SYNC_DATABASE_URL"}},
		{"unwritable sqlite path", map[string]string{"D2SYNC_DATABASE_URL": filepath.Join(file, "d2sync.db")}, nil,
			ExitFailed, []string{"cannot create directory", "not a directory"}},
		{"invalid config", map[string]string{"D2SYNC_DATABASE_URL": "mysql://x", "D2SYNC_LOG_LEVEL": "loud"}, nil,
			ExitUsage, []string{"invalid configuration", `got scheme "mysql"`, "D2SYNC_LOG_LEVEL"}},
		{"bad flag", nil, []string{"--nope"}, ExitUsage, []string{"flag provided but not defined"}},
		{"extra argument", nil, []string{"now"}, ExitUsage, []string{`unexpected argument "now"`}},
		{"missing config file", nil, []string{"--config", filepath.Join(dir, "missing.conf")}, ExitUsage, []string{"read config file"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := runCLI(t, tt.env, append([]string{"migrate"}, tt.args...)...)
			if r.code != tt.wantCode {
				t.Fatalf("exit code %d, want %d\nstderr: %s", r.code, tt.wantCode, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			if strings.Contains(r.stderr+r.stdout, canary) {
				t.Errorf("output leaks the password:\n%s", r.stderr)
			}
		})
	}
	t.Run("config file", func(t *testing.T) {
		t.Parallel()
		r := runCLI(t, nil, "migrate", "--config", conf)
		if r.code != ExitOK {
			t.Fatalf("code %d: %s", r.code, r.stderr)
		}
		if _, err := os.Stat(filepath.Join(dir, "from-file.db")); err != nil {
			t.Fatalf("database from the config file was not created: %v", err)
		}
	})
}

func TestMigrateHelp(t *testing.T) {
	t.Parallel()
	r := runCLI(t, nil, "migrate", "--help")
	for _, w := range []string{"D2SYNC_DATABASE_URL", "D2SYNC_CONFIG_FILE", "--database-url", "postgres://", "d2sync migrate --database-url /var/lib"} {
		if r.code != ExitOK || !strings.Contains(r.stdout, w) {
			t.Fatalf("help (code %d) lacks %q:\n%s", r.code, w, r.stdout)
		}
	}
	if g := runCLI(t, nil, "--help"); !strings.Contains(g.stdout, "migrate") {
		t.Fatalf("global help lacks migrate:\n%s", g.stdout)
	}
}

func TestCheckSchemaOutdated(t *testing.T) {
	t.Parallel()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := checkSchema(context.Background(), st); !errors.Is(err, errSchemaOutdated) {
		t.Fatalf("checkSchema on empty = %v, want errSchemaOutdated", err)
	}
}

func TestOpenKeyring(t *testing.T) {
	t.Parallel()
	t.Run("configured key", func(t *testing.T) {
		t.Parallel()
		cfg := config.Default()
		cfg.SecretKey, cfg.DataDir = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=", t.TempDir()
		r, err := openKeyring(cfg, func(string) { t.Error("notice for a configured key") })
		if err != nil || r.PrimaryKeyID() != "9cb56a2e4e7d" {
			t.Fatalf("openKeyring = %v, %v", r, err)
		}
		if entries, _ := os.ReadDir(cfg.DataDir); len(entries) != 0 {
			t.Fatal("a key file was written although a key is configured")
		}
	})
	t.Run("generated key file", func(t *testing.T) {
		t.Parallel()
		cfg := config.Default()
		cfg.DataDir = filepath.Join(t.TempDir(), "data")
		var notices []string
		r1, err := openKeyring(cfg, func(m string) { notices = append(notices, m) })
		if err != nil {
			t.Fatal(err)
		}
		r2, err := openKeyring(cfg, func(m string) { notices = append(notices, m) })
		if err != nil || r1.PrimaryKeyID() != r2.PrimaryKeyID() {
			t.Fatalf("second open: %v (ids %s / %s)", err, r1.PrimaryKeyID(), r2.PrimaryKeyID())
		}
		if len(notices) != 1 || !strings.Contains(notices[0], "back it up") {
			t.Fatalf("notices = %q, want exactly one", notices)
		}
	})
}
