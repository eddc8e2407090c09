package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/d2sync/d2sync/internal/store"
	"github.com/d2sync/d2sync/internal/store/storetest"
)

func TestOpenErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "plain-file")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	const canary = "CANARYpw9"
	tests := []struct {
		name    string
		url     string
		want    []string
		notWant string
	}{
		{"unsupported scheme", "mysql://u:" + canary + "@h/db", []string{`unsupported URL scheme "mysql"`}, canary},
		{"empty path", "", []string{"empty path"}, ""},
		{"memory", ":memory:", []string{":memory: is not supported"}, ""},
		{"query in path", filepath.Join(dir, "x.db?mode=ro"), []string{"must not contain '?'"}, ""},
		{"parent is a file", filepath.Join(file, "sub", "d2sync.db"), []string{"cannot create directory", "not a directory"}, ""},
		{"path is a directory", dir, []string{"open SQLite database " + dir, "writable"}, ""},
		{"unreachable postgres", "postgres://app:" + canary + "@127.0.0.1:1/d2sync?sslmode=disable&connect_timeout=2",
			[]string{"cannot connect to PostgreSQL at 127.0.0.1:1", `database "d2sync"`, `user "app"`}, canary},
		{"malformed postgres url", "postgres://app:" + canary + "@127.0.0.1:notaport/db", []string{"invalid URL"}, canary},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st, err := store.Open(context.Background(), tt.url)
			if err == nil {
				st.Close()
				t.Fatal("Open succeeded")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if tt.notWant != "" && strings.Contains(err.Error(), tt.notWant) {
				t.Errorf("error leaks the password: %v", err)
			}
		})
	}
}

func TestOpenSQLiteCreatesDirectory(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "a", "b", "d2sync.db")
	st, err := store.Open(context.Background(), "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	info, err := os.Stat(filepath.Dir(path))
	if err != nil || info.Mode().Perm() != 0o700 {
		t.Fatalf("directory: %v, mode %v; want 0700", err, info.Mode().Perm())
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("database file: %v, want mode 0600", err)
	}
	if st.Dialect() != store.DialectSQLite || st.Target() != path || st.PgxPool() != nil {
		t.Fatalf("dialect %s target %s", st.Dialect(), st.Target())
	}
}

// TestMigrateFromEmpty checks the first and second run on an empty SQLite
// file and an empty PostgreSQL schema.
func TestMigrateFromEmpty(t *testing.T) {
	t.Parallel()
	engines := []struct {
		name string
		url  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "d2sync.db") }},
		{"postgres", storetest.NewPostgresSchema},
	}
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			st, err := store.Open(ctx, e.url(t))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if ok, err := st.SchemaUpToDate(ctx); err != nil || ok {
				t.Fatalf("SchemaUpToDate on empty = %v, %v", ok, err)
			}
			res, err := st.Migrate(ctx)
			if err != nil {
				t.Fatal(err)
			}
			_, latest, err := st.SchemaVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			want := make([]int64, latest)
			for i := range want {
				want[i] = int64(i + 1)
			}
			if res.From != 0 || res.To != latest || latest < 4 || !slices.Equal(res.Applied, want) {
				t.Fatalf("first Migrate = %+v (latest %d)", res, latest)
			}
			again, err := st.Migrate(ctx)
			if err != nil || len(again.Applied) != 0 || again.From != latest || again.To != latest {
				t.Fatalf("second Migrate = %+v, %v", again, err)
			}
		})
	}
}

// TestConcurrentMigrate starts several "processes" (separate Stores on one
// database) migrating at once under the migration lock.
func TestConcurrentMigrate(t *testing.T) {
	t.Parallel()
	engines := []struct {
		name string
		url  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "d2sync.db") }},
		{"postgres", storetest.NewPostgresSchema},
	}
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			url := e.url(t)
			var wg sync.WaitGroup
			applied := make([]int, 4)
			errs := make([]error, 4)
			for i := range 4 {
				wg.Go(func() {
					st, err := store.Open(ctx, url)
					if err != nil {
						errs[i] = err
						return
					}
					defer st.Close()
					errs[i] = st.WithMigrationLock(ctx, func(ctx context.Context) error {
						res, err := st.Migrate(ctx)
						applied[i] = len(res.Applied)
						return err
					})
				})
			}
			wg.Wait()
			total := 0
			for i, err := range errs {
				if err != nil {
					t.Fatalf("process %d: %v", i, err)
				}
				total += applied[i]
			}
			st, err := store.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			_, latest, err := st.SchemaVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if total != int(latest) {
				t.Fatalf("migrations applied in total = %d (%v), want each of the %d exactly once", total, applied, latest)
			}
		})
	}
}

func TestSchemaTooNew(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.NewSQLite(t)
	if _, err := st.DB().ExecContext(ctx, "INSERT INTO goose_db_version (version_id, is_applied) VALUES (99, TRUE)"); err != nil {
		t.Fatal(err)
	}
	ok, err := st.SchemaUpToDate(ctx)
	if ok || !errors.Is(err, store.ErrSchemaTooNew) || !strings.Contains(err.Error(), "upgrade d2sync") {
		t.Fatalf("SchemaUpToDate = %v, %v; want ErrSchemaTooNew", ok, err)
	}
}

func TestPairKey(t *testing.T) {
	t.Parallel()
	tests := []struct{ src, dst, want string }{
		{"https://a.org/dhis", "https://b.org", "https://a.org/dhis -> https://b.org"},
		{"HTTPS://A.org/dhis/", " https://b.org// ", "https://a.org/dhis -> https://b.org"},
		{"https://admin:pw@a.org", "https://b.org:8443/x", "https://a.org -> https://b.org:8443/x"},
		{"not a url", "also not", "not a url -> also not"},
	}
	for _, tt := range tests {
		if got := store.PairKey(tt.src, tt.dst); got != tt.want {
			t.Errorf("PairKey(%q, %q) = %q, want %q", tt.src, tt.dst, got, tt.want)
		}
	}
}
