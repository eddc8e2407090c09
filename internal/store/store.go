// Package store is d2sync's only data-access layer: every SQL statement the
// application runs lives here, as a const string next to the method that
// runs it, and each statement is portable between SQLite (modernc.org/sqlite,
// the default) and PostgreSQL (pgx via database/sql): $N placeholders only,
// no dialect functions, timestamps passed from Go in UTC, JSON as TEXT.
//
// Open chooses the engine from the URL. Migrate applies the embedded goose
// migrations (one folder per dialect); SchemaUpToDate lets a server refuse
// to start on an old schema. InTx runs several methods atomically (for
// example a chunk's checkpoint together with the run counters).
//
// Missing rows are reported as ErrNotFound, unique-key clashes as
// ErrConflict, and refused state changes as ErrInvalidState; all errors are
// wrapped with the operation that failed.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Dialect names the SQL engine behind a Store. Queries are shared; the
// dialect matters only for DDL, locking and the rare unavoidable branch.
type Dialect string

// The supported dialects.
const (
	DialectPostgres Dialect = "postgres"
	DialectSQLite   Dialect = "sqlite"
)

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Sealer encrypts the DHIS2 credentials stored with instances. It is
// implemented by *secret.Keyring; context binds a ciphertext to its row and
// purpose (e.g. "instance:42:secret").
type Sealer interface {
	Seal(plaintext []byte, context string) (string, error)
	Open(envelope, context string) ([]byte, error)
	Rewrap(envelope, context string) (out string, changed bool, err error)
	PrimaryKeyID() string
}

// Store is a handle on the d2sync database. It is safe for concurrent use.
// A Store passed to an InTx callback is bound to that transaction and must
// not be used after the callback returns.
type Store struct {
	db      *sql.DB
	dialect Dialect
	lock    string // SQLite: directory flocked during migrations
	now     func() time.Time
	pool    *pgxpool.Pool // PostgreSQL only
	q       querier       // db, or tx inside InTx
	sealer  Sealer
	target  string // redacted URL or path, for messages
	tx      *sql.Tx
}

// Option configures a Store at Open.
type Option func(*Store)

// WithClock makes the store read the time from now instead of time.Now
// (tests). Times are converted to UTC and truncated to microseconds, the
// precision both engines keep.
func WithClock(now func() time.Time) Option {
	return func(s *Store) { s.now = now }
}

// WithSealer sets the sealer used for instance credentials. Without one,
// methods that store or reveal a credential fail with ErrNoSealer.
func WithSealer(sealer Sealer) Option {
	return func(s *Store) { s.sealer = sealer }
}

// UsingSealer returns a Store that shares this one's connections but seals
// and opens instance credentials with sealer (for example a keyring with a
// new primary key during rotation). Close only one of the two.
func (s *Store) UsingSealer(sealer Sealer) *Store {
	c := *s
	c.sealer = sealer
	return &c
}

// ErrNoSealer is returned by credential methods on a Store opened without
// WithSealer.
var ErrNoSealer = errors.New("store has no secret keyring configured")

// Close releases the database connections.
func (s *Store) Close() error {
	err := s.db.Close()
	if s.pool != nil {
		s.pool.Close()
	}
	if err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	return nil
}

// DB returns the underlying pool, for the River driver (package jobs).
// Application SQL belongs in this package, not on this handle.
func (s *Store) DB() *sql.DB { return s.db }

// PgxPool returns the pgx pool behind a PostgreSQL store (River's LISTEN
// connection needs it), or nil for SQLite.
func (s *Store) PgxPool() *pgxpool.Pool { return s.pool }

// Dialect reports the SQL engine.
func (s *Store) Dialect() Dialect { return s.dialect }

// Target returns the database path or URL with any password removed.
func (s *Store) Target() string { return s.target }

// Tx returns the transaction a Store handed to an InTx callback is bound
// to, or nil (for River's InsertTx in the same transaction).
func (s *Store) Tx() *sql.Tx { return s.tx }

// InTx runs fn in one transaction and commits when fn returns nil; it rolls
// back on error or panic. fn receives a Store bound to the transaction: use
// only that one inside fn (with SQLite the outer Store would wait for the
// single connection the transaction holds). Nested calls reuse the outer
// transaction. Keep transactions short: on SQLite they block every writer.
func (s *Store) InTx(ctx context.Context, fn func(tx *Store) error) (err error) {
	if s.tx != nil {
		return fn(s)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	txs := *s
	txs.q, txs.tx = tx, tx
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err = fn(&txs); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("commit transaction: %w", mapErr(err))
	}
	return nil
}

// clock returns the current time in UTC at microsecond precision.
func (s *Store) clock() time.Time {
	return normTime(s.now())
}

// normTime converts t to what both engines store: UTC, microseconds.
func normTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
