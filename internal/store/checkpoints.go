package store

import (
	"context"
	"time"
	"unicode/utf8"
)

// Checkpoint is the resume position of one stream of a pair, written after
// the destination acknowledged a chunk. Streams are named by the syncer,
// e.g. "metadata:dataElements" or "data:dataset=X:ou=Y"; the cursor is
// opaque text (a page number, a period, a timestamp…).
type Checkpoint struct {
	Cursor    string
	PairKey   string
	RunID     *int64 // run that wrote it; nil once that run is deleted
	Stream    string
	UpdatedAt time.Time
}

const upsertCheckpointSQL = `INSERT INTO checkpoints (pair_key, stream, cursor, run_id, updated_at)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (pair_key, stream) DO UPDATE SET cursor = excluded.cursor, run_id = excluded.run_id, updated_at = excluded.updated_at`

// PutCheckpoint creates or replaces the checkpoint of (pair, stream).
// Call it in the same InTx as SetRunCounters so both commit together.
func (s *Store) PutCheckpoint(ctx context.Context, c Checkpoint) error {
	if c.PairKey == "" || c.Stream == "" {
		return invalid("PutCheckpoint", "pair key and stream are required")
	}
	_, err := s.q.ExecContext(ctx, upsertCheckpointSQL, c.PairKey, c.Stream, c.Cursor, nullID(c.RunID), s.clock())
	return wrap(err, "PutCheckpoint(%q, %q)", c.PairKey, c.Stream)
}

const checkpointCols = `pair_key, stream, cursor, run_id, updated_at`

func scanCheckpoint(r scanner) (*Checkpoint, error) {
	var c Checkpoint
	var run nullInt
	if err := r.Scan(&c.PairKey, &c.Stream, &c.Cursor, &run, &c.UpdatedAt); err != nil {
		return nil, err
	}
	c.RunID, c.UpdatedAt = run.ptr(), c.UpdatedAt.UTC()
	return &c, nil
}

const getCheckpointSQL = `SELECT ` + checkpointCols + ` FROM checkpoints WHERE pair_key = $1 AND stream = $2`

// GetCheckpoint returns the checkpoint of (pair, stream) or ErrNotFound
// (the stream starts from the beginning).
func (s *Store) GetCheckpoint(ctx context.Context, pairKey, stream string) (*Checkpoint, error) {
	c, err := scanCheckpoint(s.q.QueryRowContext(ctx, getCheckpointSQL, pairKey, stream))
	return c, wrap(err, "GetCheckpoint(%q, %q)", pairKey, stream)
}

const listCheckpointsSQL = `SELECT ` + checkpointCols + ` FROM checkpoints WHERE pair_key = $1 ORDER BY stream`

// ListCheckpoints returns every checkpoint of a pair ordered by stream.
func (s *Store) ListCheckpoints(ctx context.Context, pairKey string) ([]*Checkpoint, error) {
	rows, err := s.q.QueryContext(ctx, listCheckpointsSQL, pairKey)
	if err != nil {
		return nil, wrap(err, "ListCheckpoints(%q)", pairKey)
	}
	out, err := collect(rows, scanCheckpoint)
	return out, wrap(err, "ListCheckpoints(%q)", pairKey)
}

// substr and length count characters on both engines; the prefix length
// is passed from Go so no function has to guess a parameter type.
const deleteCheckpointsSQL = `DELETE FROM checkpoints WHERE pair_key = $1 AND substr(stream, 1, $2) = $3`

// DeleteCheckpoints removes the checkpoints of a pair whose stream starts
// with prefix ("" removes all of them, forcing a full re-sync) and returns
// how many were removed. The match is exact and case-sensitive (no LIKE
// wildcards).
func (s *Store) DeleteCheckpoints(ctx context.Context, pairKey, prefix string) (int64, error) {
	res, err := s.q.ExecContext(ctx, deleteCheckpointsSQL, pairKey, utf8.RuneCountInString(prefix), prefix)
	if err != nil {
		return 0, wrap(err, "DeleteCheckpoints(%q, %q)", pairKey, prefix)
	}
	n, err := res.RowsAffected()
	return n, wrap(err, "DeleteCheckpoints(%q, %q)", pairKey, prefix)
}
