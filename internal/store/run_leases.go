package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// RunLease is the exclusive right to run a sync of one source→destination
// pair (RELIABILITY.md R-19). Its holder renews it while the run works; a
// lease whose ExpiresAt has passed belongs to a holder that died and can
// be taken over.
type RunLease struct {
	AcquiredAt time.Time
	ExpiresAt  time.Time
	Holder     string // who holds it, e.g. "cli host:pid"
	PairKey    string
	RenewedAt  time.Time
	RunID      *int64 // the run it protects, if recorded
}

// LeaseHeldError is returned by AcquireRunLease when another holder's
// lease on the pair has not expired. It matches ErrConflict.
type LeaseHeldError struct {
	Lease RunLease
}

// Error describes the active lease.
func (e *LeaseHeldError) Error() string {
	run := ""
	if e.Lease.RunID != nil {
		run = fmt.Sprintf(" (run %d)", *e.Lease.RunID)
	}
	return fmt.Sprintf("another run of %s is active%s, held by %s since %s and renewed at %s; its lease expires at %s if it stops renewing",
		e.Lease.PairKey, run, e.Lease.Holder, e.Lease.AcquiredAt.Format(time.RFC3339), e.Lease.RenewedAt.Format(time.RFC3339), e.Lease.ExpiresAt.Format(time.RFC3339))
}

// Unwrap makes the error match ErrConflict.
func (e *LeaseHeldError) Unwrap() error { return ErrConflict }

const runLeaseCols = `pair_key, holder, run_id, acquired_at, renewed_at, expires_at`

func scanRunLease(r scanner) (*RunLease, error) {
	var l RunLease
	var run nullInt
	if err := r.Scan(&l.PairKey, &l.Holder, &run, &l.AcquiredAt, &l.RenewedAt, &l.ExpiresAt); err != nil {
		return nil, err
	}
	l.RunID = run.ptr()
	l.AcquiredAt, l.RenewedAt, l.ExpiresAt = l.AcquiredAt.UTC(), l.RenewedAt.UTC(), l.ExpiresAt.UTC()
	return &l, nil
}

const (
	deleteExpiredLeaseSQL = `DELETE FROM run_leases WHERE pair_key = $1 AND expires_at <= $2`
	insertLeaseSQL        = `INSERT INTO run_leases (` + runLeaseCols + `) VALUES ($1, $2, $3, $4, $4, $5)
ON CONFLICT (pair_key) DO NOTHING`
	getLeaseSQL = `SELECT ` + runLeaseCols + ` FROM run_leases WHERE pair_key = $1`
)

// AcquireRunLease takes the lease of a pair for holder, valid for ttl, and
// records the run it protects (runID 0: none). An expired lease is taken
// over. When another holder's lease is still valid it returns a
// *LeaseHeldError (matching ErrConflict) that describes it; acquiring a
// lease one already holds is also a conflict. Two concurrent callers
// cannot both succeed: the pair key is the table's primary key.
func (s *Store) AcquireRunLease(ctx context.Context, pairKey, holder string, runID int64, ttl time.Duration) (*RunLease, error) {
	op := fmt.Sprintf("AcquireRunLease(%q)", pairKey)
	if strings.TrimSpace(pairKey) == "" || strings.TrimSpace(holder) == "" || ttl <= 0 {
		return nil, invalid(op, "a pair key, a holder and a positive duration are required")
	}
	now := s.clock()
	var run sql.NullInt64
	if runID != 0 {
		run = sql.NullInt64{Int64: runID, Valid: true}
	}
	if _, err := s.q.ExecContext(ctx, deleteExpiredLeaseSQL, pairKey, now); err != nil {
		return nil, wrap(err, "%s", op)
	}
	res, err := s.q.ExecContext(ctx, insertLeaseSQL, pairKey, holder, run, now, normTime(now.Add(ttl)))
	if err != nil {
		return nil, wrap(err, "%s", op)
	}
	if err := checkAffected(res); err == nil {
		return &RunLease{PairKey: pairKey, Holder: holder, RunID: nullInt{run}.ptr(), AcquiredAt: now, RenewedAt: now, ExpiresAt: normTime(now.Add(ttl))}, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return nil, wrap(err, "%s", op)
	}
	cur, err := scanRunLease(s.q.QueryRowContext(ctx, getLeaseSQL, pairKey))
	if errors.Is(err, sql.ErrNoRows) {
		// Released between our insert and this read: the caller may retry.
		return nil, wrap(fmt.Errorf("%w: the lease changed hands during the attempt; try again", ErrConflict), "%s", op)
	}
	if err != nil {
		return nil, wrap(err, "%s", op)
	}
	return nil, fmt.Errorf("store.%s: %w", op, &LeaseHeldError{Lease: *cur})
}

const renewLeaseSQL = `UPDATE run_leases SET renewed_at = $1, expires_at = $2 WHERE pair_key = $3 AND holder = $4`

// RenewRunLease extends holder's lease on a pair to now + ttl (a
// heartbeat). It is ErrInvalidState when holder no longer holds the lease
// (it expired and another holder took it over, or it was released): the
// run must stop writing.
func (s *Store) RenewRunLease(ctx context.Context, pairKey, holder string, ttl time.Duration) error {
	op := fmt.Sprintf("RenewRunLease(%q)", pairKey)
	if ttl <= 0 {
		return invalid(op, "the duration must be positive")
	}
	now := s.clock()
	res, err := s.q.ExecContext(ctx, renewLeaseSQL, now, normTime(now.Add(ttl)), pairKey, holder)
	if err != nil {
		return wrap(err, "%s", op)
	}
	if err := checkAffected(res); errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store.%s: %w: %s no longer holds the lease of the pair", op, ErrInvalidState, holder)
	} else if err != nil {
		return wrap(err, "%s", op)
	}
	return nil
}

const releaseLeaseSQL = `DELETE FROM run_leases WHERE pair_key = $1 AND holder = $2`

// ReleaseRunLease gives up holder's lease on a pair. Releasing a lease one
// does not hold (any more) is not an error: it changes nothing.
func (s *Store) ReleaseRunLease(ctx context.Context, pairKey, holder string) error {
	_, err := s.q.ExecContext(ctx, releaseLeaseSQL, pairKey, holder)
	return wrap(err, "ReleaseRunLease(%q)", pairKey)
}

// GetRunLease returns the lease of a pair, expired or not, or ErrNotFound.
func (s *Store) GetRunLease(ctx context.Context, pairKey string) (*RunLease, error) {
	l, err := scanRunLease(s.q.QueryRowContext(ctx, getLeaseSQL, pairKey))
	return l, wrap(err, "GetRunLease(%q)", pairKey)
}
