package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/d2sync/d2sync/internal/config"
	"github.com/d2sync/d2sync/internal/jobs"
	"github.com/d2sync/d2sync/internal/store"
)

const migrateHelp = `
Create or upgrade the d2sync database: apply the pending d2sync schema
migrations and River's job-queue migrations, then print what was applied.
Running it on an up-to-date database changes nothing and says so. Several
processes may run it at once: a lock makes them take turns.

With SQLite (the default) the file and its directory are created when
missing. With PostgreSQL the database must exist; tables are created in
the first schema of the search path.

Usage:
  d2sync migrate [flags]

Environment:
  D2SYNC_DATABASE_URL   SQLite file path (default ./d2sync-data/d2sync.db) or
                        postgres://user:password@host:5432/dbname?sslmode=require
  D2SYNC_DATABASE_URL_FILE
                        file holding the URL instead (keeps the password out
                        of the environment)
  D2SYNC_CONFIG_FILE    KEY=VALUE file read before the environment (the
                        environment and flags override it)

Examples:
  d2sync migrate
  d2sync migrate --database-url /var/lib/d2sync/d2sync.db
  D2SYNC_DATABASE_URL='postgres://d2sync@db.example.org:5432/d2sync?sslmode=require' d2sync migrate
  d2sync migrate --config /etc/d2sync/d2sync.conf
`

func runMigrate(ctx context.Context, env *Env, args []string) int {
	fs := newFlagSet(env, "migrate", migrateHelp)
	databaseURL := fs.String("database-url", "", "database `URL` or SQLite path (overrides D2SYNC_DATABASE_URL)")
	configFile := fs.String("config", "", "configuration `file` (overrides D2SYNC_CONFIG_FILE)")
	if code := parseFlags(fs, env, args); code >= 0 {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "d2sync migrate: unexpected argument %q\n", fs.Arg(0))
		return ExitUsage
	}
	cfg, err := loadConfig(env, *configFile, func(c *config.Config) {
		if *databaseURL != "" {
			c.SetDatabaseURL(*databaseURL)
		}
	})
	if err != nil {
		fmt.Fprintf(env.Stderr, "d2sync migrate: %v\n", err)
		return ExitUsage
	}
	msg, err := migrate(ctx, cfg)
	if err != nil {
		fmt.Fprintf(env.Stderr, "d2sync migrate: %v\n", err)
		return ExitFailed
	}
	fmt.Fprintln(env.Stdout, msg)
	return ExitOK
}

// migrate applies River's then d2sync's migrations under the migration
// lock and describes the outcome in one line.
func migrate(ctx context.Context, cfg *config.Config) (string, error) {
	st, err := openStore(ctx, cfg)
	if err != nil {
		return "", err
	}
	defer st.Close()
	var river jobs.MigrationResult
	var own store.MigrationResult
	err = st.WithMigrationLock(ctx, func(ctx context.Context) error {
		var err error
		if river, err = jobs.Migrate(ctx, st, nil); err != nil {
			return err
		}
		own, err = st.Migrate(ctx)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("migrate %s: %w", st.Target(), err)
	}
	return describeMigration(own, river), nil
}

func describeMigration(own store.MigrationResult, river jobs.MigrationResult) string {
	n := len(own.Applied) + len(river.Applied)
	if n == 0 {
		return fmt.Sprintf("database is up to date (d2sync: %d, river: %d)", own.To, river.To)
	}
	noun := "migrations"
	if n == 1 {
		noun = "migration"
	}
	return fmt.Sprintf("applied %d %s (d2sync: %d→%d, river: %d→%d)", n, noun, own.From, own.To, river.From, river.To)
}

// errSchemaOutdated is what a server reports when it must not migrate by
// itself and the schema is behind.
var errSchemaOutdated = errors.New("the database schema is out of date; run: d2sync migrate")

// checkSchema returns errSchemaOutdated unless both the d2sync and the
// River schema are fully migrated (for `serve` in PostgreSQL mode).
func checkSchema(ctx context.Context, st *store.Store) error {
	own, err := st.SchemaUpToDate(ctx)
	if err != nil {
		return err
	}
	river, err := jobs.SchemaUpToDate(ctx, st)
	if err != nil {
		return err
	}
	if !own || !river {
		return errSchemaOutdated
	}
	return nil
}
