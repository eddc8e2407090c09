// Package storetest is the conformance suite of package store: Exercise
// runs every store method against a database engine, so SQLite and
// PostgreSQL are held to the same behaviour by one set of cases. It also
// hands out fresh, migrated stores (NewSQLite, NewPostgres) to other
// packages' tests.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver for schema setup

	"github.com/d2sync/d2sync/internal/store"
)

// PostgresURLEnv names the variable that enables PostgreSQL tests.
const PostgresURLEnv = "D2SYNC_TEST_POSTGRES_URL"

// NewStoreFunc opens a fresh, migrated, empty store with the given options.
type NewStoreFunc func(t *testing.T, opts ...store.Option) *store.Store

// NewSQLite returns a migrated store on a new SQLite file in t.TempDir(),
// closed at cleanup.
func NewSQLite(t *testing.T, opts ...store.Option) *store.Store {
	t.Helper()
	path := filepath.Join(t.TempDir(), "d2sync.db")
	return openMigrated(t, path, opts...)
}

// PostgresURL returns the base URL of the test PostgreSQL server, or skips
// the test with instructions when D2SYNC_TEST_POSTGRES_URL is unset.
func PostgresURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv(PostgresURLEnv)
	if u == "" {
		t.Skipf("PostgreSQL tests skipped: set %s (e.g. postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable) to run them", PostgresURLEnv)
	}
	return u
}

// NewPostgres returns a migrated store in a new schema t_<random> of the
// test PostgreSQL server (the schema is selected with search_path in the
// connection URL) and drops the schema at cleanup. It skips the test when
// D2SYNC_TEST_POSTGRES_URL is unset.
func NewPostgres(t *testing.T, opts ...store.Option) *store.Store {
	t.Helper()
	return openMigrated(t, NewPostgresSchema(t), opts...)
}

// NewPostgresSchema creates an empty schema t_<random> on the test server,
// registers its removal at cleanup and returns a URL that uses it.
func NewPostgresSchema(t *testing.T) string {
	t.Helper()
	base := PostgresURL(t)
	schema := "t_" + randomHex(8)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open PostgreSQL: %v", err)
	}
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		t.Fatalf("create schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", PostgresURLEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func openMigrated(t *testing.T, dbURL string, opts ...store.Option) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dbURL, opts...)
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return st
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Clock is a settable clock for store.WithClock. The zero value starts at
// 2026-03-01 10:00:00.123456789 in a non-UTC zone, to check that the store
// normalises times.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the current fake time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.now.IsZero() {
		c.now = time.Date(2026, 3, 1, 10, 0, 0, 123456789, time.FixedZone("WAT", 3600))
	}
	return c.now
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.Now()
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// Exercise runs the whole conformance suite. newStore must return a fresh,
// migrated, empty store each time it is called; cases run in parallel.
func Exercise(t *testing.T, newStore NewStoreFunc) {
	t.Helper()
	groups := []struct {
		name string
		run  func(*testing.T, NewStoreFunc)
	}{
		{"Migrations", exerciseMigrations},
		{"Instances", exerciseInstances},
		{"InstanceSecrets", exerciseInstanceSecrets},
		{"Runs", exerciseRuns},
		{"RunEvents", exerciseRunEvents},
		{"Checkpoints", exerciseCheckpoints},
		{"SyncCursors", exerciseCursors},
		{"IDMappings", exerciseIDMappings},
		{"InTx", exerciseInTx},
		{"Users", exerciseUsers},
		{"Sessions", exerciseSessions},
		{"Audit", exerciseAudit},
		{"RunLeases", exerciseRunLeases},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			t.Parallel()
			g.run(t, newStore)
		})
	}
}
