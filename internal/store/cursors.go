package store

import (
	"context"
	"time"
)

// SyncCursor is the high-water mark of the last successful incremental run
// of a pair for one scope, in SOURCE time: the source's own timestamp text
// (for example the largest lastUpdated received, or the source server time
// when the query started), so no clock conversion can shift it. The next
// run queries from HighWater minus an overlap.
//
// Cursors are kept apart from checkpoints: a checkpoint is a resume
// position inside one run and is cleared when the run completes, a cursor
// only moves when a whole run for the scope succeeded.
type SyncCursor struct {
	HighWater string
	PairKey   string
	RunID     *int64
	Scope     string // e.g. "metadata", "data", "tracker:program=X"
	UpdatedAt time.Time
}

const upsertCursorSQL = `INSERT INTO sync_cursors (pair_key, scope, high_water, run_id, updated_at)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (pair_key, scope) DO UPDATE SET high_water = excluded.high_water, run_id = excluded.run_id, updated_at = excluded.updated_at`

// PutSyncCursor creates or replaces the cursor of (pair, scope).
func (s *Store) PutSyncCursor(ctx context.Context, c SyncCursor) error {
	if c.PairKey == "" || c.Scope == "" || c.HighWater == "" {
		return invalid("PutSyncCursor", "pair key, scope and high-water mark are required")
	}
	_, err := s.q.ExecContext(ctx, upsertCursorSQL, c.PairKey, c.Scope, c.HighWater, nullID(c.RunID), s.clock())
	return wrap(err, "PutSyncCursor(%q, %q)", c.PairKey, c.Scope)
}

const cursorCols = `pair_key, scope, high_water, run_id, updated_at`

func scanCursor(r scanner) (*SyncCursor, error) {
	var c SyncCursor
	var run nullInt
	if err := r.Scan(&c.PairKey, &c.Scope, &c.HighWater, &run, &c.UpdatedAt); err != nil {
		return nil, err
	}
	c.RunID, c.UpdatedAt = run.ptr(), c.UpdatedAt.UTC()
	return &c, nil
}

const getCursorSQL = `SELECT ` + cursorCols + ` FROM sync_cursors WHERE pair_key = $1 AND scope = $2`

// GetSyncCursor returns the cursor of (pair, scope) or ErrNotFound (no
// successful run yet: do a full sync).
func (s *Store) GetSyncCursor(ctx context.Context, pairKey, scope string) (*SyncCursor, error) {
	c, err := scanCursor(s.q.QueryRowContext(ctx, getCursorSQL, pairKey, scope))
	return c, wrap(err, "GetSyncCursor(%q, %q)", pairKey, scope)
}

const listCursorsSQL = `SELECT ` + cursorCols + ` FROM sync_cursors WHERE pair_key = $1 ORDER BY scope`

// ListSyncCursors returns every cursor of a pair ordered by scope.
func (s *Store) ListSyncCursors(ctx context.Context, pairKey string) ([]*SyncCursor, error) {
	rows, err := s.q.QueryContext(ctx, listCursorsSQL, pairKey)
	if err != nil {
		return nil, wrap(err, "ListSyncCursors(%q)", pairKey)
	}
	out, err := collect(rows, scanCursor)
	return out, wrap(err, "ListSyncCursors(%q)", pairKey)
}

const deleteCursorsSQL = `DELETE FROM sync_cursors WHERE pair_key = $1`

// DeleteSyncCursors forgets every cursor of a pair (the next run is full).
func (s *Store) DeleteSyncCursors(ctx context.Context, pairKey string) (int64, error) {
	res, err := s.q.ExecContext(ctx, deleteCursorsSQL, pairKey)
	if err != nil {
		return 0, wrap(err, "DeleteSyncCursors(%q)", pairKey)
	}
	n, err := res.RowsAffected()
	return n, wrap(err, "DeleteSyncCursors(%q)", pairKey)
}
