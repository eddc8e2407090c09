package store

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"log/slog"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// migrationFiles holds the goose migrations, one folder per dialect:
// migrations/sqlite/NNNNN_name.sql and migrations/postgres/NNNNN_name.sql,
// with the same version numbers in both.
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFiles embed.FS

// MigrationResult describes what Migrate did.
type MigrationResult struct {
	// Applied lists the versions applied, in order; empty when the schema
	// was already up to date.
	Applied []int64
	// From is the schema version before the run (0 for an empty database).
	From int64
	// To is the schema version after the run.
	To int64
}

// provider builds the goose provider for this store's dialect. On
// PostgreSQL it takes a session-level advisory lock (per database and
// schema) so several processes starting at once apply each migration once.
func (s *Store) provider(ctx context.Context) (*goose.Provider, error) {
	sub, err := fs.Sub(migrationFiles, "migrations/"+string(s.dialect))
	if err != nil {
		return nil, err
	}
	opts := []goose.ProviderOption{
		goose.WithDisableGlobalRegistry(true),
		goose.WithSlog(slog.New(slog.DiscardHandler)),
	}
	dialect := goose.DialectSQLite3
	if s.dialect == DialectPostgres {
		dialect = goose.DialectPostgres
		id, err := s.advisoryLockID(ctx, "goose")
		if err != nil {
			return nil, err
		}
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(id), lock.WithLockTimeout(1, 600))
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(dialect, s.db, sub, opts...)
}

// Migrate applies every pending d2sync migration. Running it on an up to
// date schema is a no-op that returns an empty Applied list.
func (s *Store) Migrate(ctx context.Context) (res MigrationResult, err error) {
	p, err := s.provider(ctx)
	if err != nil {
		return res, wrap(err, "Migrate")
	}
	if res.From, err = p.GetDBVersion(ctx); err != nil {
		return res, wrap(err, "Migrate: read schema version")
	}
	results, err := p.Up(ctx)
	if err != nil {
		return res, wrap(err, "Migrate")
	}
	res.To = res.From
	for _, r := range results {
		res.Applied = append(res.Applied, r.Source.Version)
		res.To = r.Source.Version
	}
	return res, nil
}

// SchemaVersion returns the schema version of the database and the latest
// version this binary knows. Like every goose call it creates goose's
// (empty) version table when it is missing.
func (s *Store) SchemaVersion(ctx context.Context) (current, latest int64, err error) {
	p, err := s.provider(ctx)
	if err != nil {
		return 0, 0, wrap(err, "SchemaVersion")
	}
	current, latest, err = p.GetVersions(ctx)
	if err != nil {
		return 0, 0, wrap(err, "SchemaVersion")
	}
	return current, latest, nil
}

// ErrSchemaTooNew means the database was migrated by a newer d2sync.
var ErrSchemaTooNew = errors.New("database schema is newer than this d2sync")

// SchemaUpToDate reports whether every d2sync migration has been applied.
// A server calls it at start and refuses to run on an old schema unless it
// may migrate. A schema newer than this binary is an error wrapping
// ErrSchemaTooNew.
func (s *Store) SchemaUpToDate(ctx context.Context) (bool, error) {
	current, latest, err := s.SchemaVersion(ctx)
	if err != nil {
		return false, err
	}
	if current > latest {
		return false, fmt.Errorf("store.SchemaUpToDate: %w (version %d, this binary knows up to %d); upgrade d2sync", ErrSchemaTooNew, current, latest)
	}
	return current == latest, nil
}

// WithMigrationLock runs fn while holding the database-wide migration
// lock, so that `migrate` runs of several processes (d2sync schema and
// River schema together) do not interleave. On PostgreSQL it is a
// session-level advisory lock keyed by database and schema; on SQLite an
// flock on the database directory.
func (s *Store) WithMigrationLock(ctx context.Context, fn func(ctx context.Context) error) error {
	if s.dialect == DialectSQLite {
		unlock, err := lockDir(ctx, s.lock)
		if err != nil {
			return wrap(err, "WithMigrationLock")
		}
		defer unlock()
		return fn(ctx)
	}
	id, err := s.advisoryLockID(ctx, "migrate")
	if err != nil {
		return wrap(err, "WithMigrationLock")
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return wrap(err, "WithMigrationLock")
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", id); err != nil {
		return wrap(err, "WithMigrationLock: wait for the lock")
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", id) //nolint:errcheck // closing the session releases it anyway
	return fn(ctx)
}

// advisoryLockID derives a PostgreSQL advisory lock key from purpose, the
// current database and the first schema on the search path, so that
// separate schemas (one per test) do not wait for each other.
func (s *Store) advisoryLockID(ctx context.Context, purpose string) (int64, error) {
	const q = `SELECT current_database(), COALESCE(current_schema(), '')`
	var db, schema string
	if err := s.db.QueryRowContext(ctx, q).Scan(&db, &schema); err != nil {
		return 0, fmt.Errorf("read current schema: %w", err)
	}
	h := fnv.New64a()
	fmt.Fprintf(h, "d2sync:%s:%s:%s", purpose, db, schema)
	return int64(h.Sum64()), nil
}
