// Package jobs holds d2sync's background-job plumbing on River
// (riverqueue/river): for now the driver setup for both databases and
// River's schema migrations; job arguments and workers come later.
//
// One client type serves both engines: riversqlite on SQLite and
// riverdatabasesql (with a pgx LISTEN connection) on PostgreSQL are both
// river drivers over *sql.Tx, so handlers enqueue inside the store's own
// transaction (Store.Tx) on either database.
package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"slices"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/d2sync/d2sync/internal/store"
)

// Client is the River client type of the whole application.
type Client = river.Client[*sql.Tx]

// NewDriver returns the River driver for the store's database, sharing its
// connection pool: riversqlite for SQLite, riverdatabasesql with a pgx
// listener (for LISTEN/NOTIFY) for PostgreSQL.
func NewDriver(st *store.Store) riverdriver.Driver[*sql.Tx] {
	if st.Dialect() == store.DialectPostgres {
		return riverdatabasesql.NewWithPgxListener(st.DB(), st.PgxPool())
	}
	return riversqlite.New(st.DB())
}

// MigrationResult describes what Migrate did to River's schema.
type MigrationResult struct {
	// Applied lists the River versions applied, in order.
	Applied []int
	// From is River's schema version before (0 on an empty database).
	From int
	// To is River's schema version after.
	To int
}

func newMigrator(st *store.Store, logger *slog.Logger) (*rivermigrate.Migrator[*sql.Tx], error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	m, err := rivermigrate.New(NewDriver(st), &rivermigrate.Config{Logger: logger})
	if err != nil {
		return nil, fmt.Errorf("create River migrator: %w", err)
	}
	return m, nil
}

// Migrate applies River's pending migrations (its tables live next to
// d2sync's; on PostgreSQL in the schema first on the search path). A
// second run is a no-op with an empty Applied list. Run it under
// Store.WithMigrationLock when several processes may start at once.
func Migrate(ctx context.Context, st *store.Store, logger *slog.Logger) (MigrationResult, error) {
	var res MigrationResult
	m, err := newMigrator(st, logger)
	if err != nil {
		return res, err
	}
	if res.From, _, err = versions(ctx, m); err != nil {
		return res, err
	}
	out, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return res, fmt.Errorf("apply River migrations: %w", err)
	}
	res.To = res.From
	for _, v := range out.Versions {
		res.Applied = append(res.Applied, v.Version)
		res.To = max(res.To, v.Version)
	}
	return res, nil
}

// SchemaVersion returns River's current schema version in the database
// and the latest version this binary ships.
func SchemaVersion(ctx context.Context, st *store.Store) (current, latest int, err error) {
	m, err := newMigrator(st, nil)
	if err != nil {
		return 0, 0, err
	}
	return versions(ctx, m)
}

// SchemaUpToDate reports whether every River migration has been applied.
func SchemaUpToDate(ctx context.Context, st *store.Store) (bool, error) {
	current, latest, err := SchemaVersion(ctx, st)
	if err != nil {
		return false, err
	}
	return current >= latest, nil
}

func versions(ctx context.Context, m *rivermigrate.Migrator[*sql.Tx]) (current, latest int, err error) {
	existing, err := m.ExistingVersions(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("read River schema version: %w", err)
	}
	for _, v := range existing {
		current = max(current, v.Version)
	}
	all := m.AllVersions()
	latest = slices.MaxFunc(all, func(a, b rivermigrate.Migration) int { return a.Version - b.Version }).Version
	return current, latest, nil
}
