package store

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Error categories. Methods wrap them with the operation and arguments;
// callers match with errors.Is and map them to HTTP codes (404, 409, 409).
var (
	// ErrNotFound means the requested row (or a row it references) does
	// not exist.
	ErrNotFound = errors.New("not found")

	// ErrConflict means a unique key is already taken (an instance name, a
	// username) or a concurrent writer won a race.
	ErrConflict = errors.New("already exists")

	// ErrInvalidState means a state change is not allowed from the row's
	// current state (for example finishing a run that already finished).
	ErrInvalidState = errors.New("invalid state transition")

	// ErrInvalidArgument means the caller passed a value the store refuses
	// before running any SQL (unknown role, malformed JSON, empty key).
	ErrInvalidArgument = errors.New("invalid argument")
)

// mapErr turns driver errors into the categories above, keeping the
// original error in the chain.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	for _, known := range []error{ErrNotFound, ErrConflict, ErrInvalidState, ErrInvalidArgument, ErrNoSealer} {
		if errors.Is(err, known) {
			return err // already categorised by an inner call
		}
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505": // unique_violation
			return fmt.Errorf("%w: %w", ErrConflict, err)
		case "23503": // foreign_key_violation
			return fmt.Errorf("%w (referenced row): %w", ErrNotFound, err)
		}
		return err
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		switch liteErr.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%w: %w", ErrConflict, err)
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return fmt.Errorf("%w (referenced row): %w", ErrNotFound, err)
		}
	}
	return err
}

// wrap adds the operation to a mapped error: "store.GetInstance(42): not
// found: sql: no rows in result set".
func wrap(err error, op string, args ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("store.%s: %w", fmt.Sprintf(op, args...), mapErr(err))
}

// invalid builds an ErrInvalidArgument error for op.
func invalid(op, format string, args ...any) error {
	return fmt.Errorf("store.%s: %w: %s", op, ErrInvalidArgument, fmt.Sprintf(format, args...))
}

// checkAffected turns "0 rows updated" into ErrNotFound.
func checkAffected(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return sql.ErrNoRows
	}
	return nil
}
