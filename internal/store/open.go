package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/d2sync/d2sync/internal/config"
)

// sqliteParams are the connection options every SQLite connection gets:
// foreign keys on, WAL journal, a 10 s busy timeout, BEGIN IMMEDIATE for
// transactions (avoids the deferred-to-write upgrade deadlock) and a
// sortable UTC time format.
const sqliteParams = "_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_txlock=immediate&_time_format=sqlite"

// defaultPGConnectTimeout bounds a connection attempt when the URL does not
// set connect_timeout, so an unreachable host fails with a clear message.
const defaultPGConnectTimeout = 10 * time.Second

// Open connects to the database named by url and checks that it is usable.
// url is either a postgres:// or postgresql:// URL, or a SQLite file path
// (an optional "file:" or "sqlite:" prefix is accepted). For SQLite the
// parent directory is created (mode 0700) when missing, and the pool is
// limited to one connection, the safe choice River's SQLite driver
// recommends. Open does not migrate: call Migrate.
func Open(ctx context.Context, url string, opts ...Option) (*Store, error) {
	s := &Store{now: time.Now}
	for _, o := range opts {
		o(s)
	}
	var err error
	switch {
	case config.IsPostgresURL(url):
		err = s.openPostgres(ctx, url)
	case strings.Contains(url, "://"):
		scheme, _, _ := strings.Cut(url, "://")
		err = fmt.Errorf("open database: unsupported URL scheme %q; use a SQLite file path or a postgres:// URL", scheme)
	default:
		err = s.openSQLite(ctx, url)
	}
	if err != nil {
		return nil, err
	}
	s.q = s.db
	return s, nil
}

func (s *Store) openPostgres(ctx context.Context, url string) error {
	s.dialect, s.target = DialectPostgres, config.RedactURL(url)
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return fmt.Errorf("open PostgreSQL database: invalid URL %s: %w", s.target, err)
	}
	cc := cfg.ConnConfig
	if cc.ConnectTimeout == 0 {
		cc.ConnectTimeout = defaultPGConnectTimeout
	}
	if cc.RuntimeParams["application_name"] == "" {
		cc.RuntimeParams["application_name"] = "d2sync"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("open PostgreSQL database %s: %w", s.target, err)
	}
	db := stdlib.OpenDBFromPool(pool)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		pool.Close()
		return fmt.Errorf("cannot connect to PostgreSQL at %s:%d (database %q, user %q); check that the server is running and reachable and that the credentials are right: %w",
			cc.Host, cc.Port, cc.Database, cc.User, err)
	}
	s.db, s.pool = db, pool
	return nil
}

func (s *Store) openSQLite(ctx context.Context, url string) error {
	path := strings.TrimPrefix(strings.TrimPrefix(url, "file:"), "sqlite:")
	s.dialect, s.target = DialectSQLite, path
	switch {
	case strings.TrimSpace(path) == "":
		return errors.New("open SQLite database: empty path")
	case strings.ContainsAny(path, "?#"):
		return fmt.Errorf("open SQLite database %s: the path must not contain '?' or '#'", path)
	case path == ":memory:":
		return errors.New("open SQLite database: :memory: is not supported (each connection would see its own database); use a file path")
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("open SQLite database %s: cannot create directory %s: %w", path, dir, err)
	}
	// Create a new file owner-only: it holds sealed credentials, session
	// hashes and the audit trail (SQLite gives -wal/-shm the same mode).
	if f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600); err == nil {
		f.Close()
	} else if !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("open SQLite database %s: %w", path, err)
	}
	db, err := sql.Open("sqlite", path+"?"+sqliteParams)
	if err != nil {
		return fmt.Errorf("open SQLite database %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	// The first connection may switch a new file to WAL, which needs an
	// exclusive lock and does not wait on busy_timeout: serialise it with
	// other processes opening the same database at the same moment.
	unlock, err := lockDir(ctx, dir)
	if err != nil {
		db.Close()
		return fmt.Errorf("open SQLite database %s: %w", path, err)
	}
	err = checkWritable(ctx, db)
	unlock()
	if err != nil {
		db.Close()
		return fmt.Errorf("open SQLite database %s: %w; check that the file and its directory are writable by this user", path, err)
	}
	s.db, s.lock = db, dir
	return nil
}

// checkWritable connects and takes (then releases) the write lock, so a
// read-only file or directory fails at Open instead of at the first write.
func checkWritable(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil) // BEGIN IMMEDIATE (_txlock)
	if err != nil {
		return err
	}
	return tx.Rollback()
}
