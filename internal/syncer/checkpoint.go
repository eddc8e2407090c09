package syncer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/d2sync/d2sync/internal/store"
)

// CheckpointState is implemented by States that keep the resume position
// of streams (data and tracker). A checkpoint is written only after the
// destination acknowledged the chunk it covers, in one transaction with
// the run's counters, so that a crash re-sends at most one chunk per
// stream.
type CheckpointState interface {
	// Checkpoint returns the cursor of a stream, false when the stream
	// starts from the beginning.
	Checkpoint(ctx context.Context, pairKey, stream string) (string, bool, error)
	// PutCheckpoint records a stream's cursor and, when runID > 0, the
	// run's counters, atomically.
	PutCheckpoint(ctx context.Context, pairKey, stream, cursor string, runID int64, counters json.RawMessage) error
	// ClearCheckpoints removes the checkpoints of the streams whose name
	// starts with prefix.
	ClearCheckpoints(ctx context.Context, pairKey, prefix string) error
}

func checkpointKey(pairKey, stream string) string { return pairKey + "\x00" + stream }

// Checkpoint implements CheckpointState.
func (s *MemoryState) Checkpoint(_ context.Context, pairKey, stream string) (string, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.checkpoints[checkpointKey(pairKey, stream)]
	return c, ok, nil
}

// PutCheckpoint implements CheckpointState (counters are not kept).
func (s *MemoryState) PutCheckpoint(_ context.Context, pairKey, stream, cursor string, _ int64, _ json.RawMessage) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.checkpoints == nil {
		s.checkpoints = map[string]string{}
	}
	s.checkpoints[checkpointKey(pairKey, stream)] = cursor
	return nil
}

// ClearCheckpoints implements CheckpointState.
func (s *MemoryState) ClearCheckpoints(_ context.Context, pairKey, prefix string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k := range s.checkpoints {
		if strings.HasPrefix(k, checkpointKey(pairKey, prefix)) {
			delete(s.checkpoints, k)
		}
	}
	return nil
}

// Checkpoint implements CheckpointState.
func (s StoreState) Checkpoint(ctx context.Context, pairKey, stream string) (string, bool, error) {
	c, err := s.Store.GetCheckpoint(ctx, pairKey, stream)
	if errors.Is(err, store.ErrNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return c.Cursor, true, nil
}

// PutCheckpoint implements CheckpointState: the checkpoint and the run's
// counters commit in one transaction.
func (s StoreState) PutCheckpoint(ctx context.Context, pairKey, stream, cursor string, runID int64, counters json.RawMessage) error {
	return s.Store.InTx(ctx, func(tx *store.Store) error {
		c := store.Checkpoint{PairKey: pairKey, Stream: stream, Cursor: cursor}
		if runID > 0 {
			c.RunID = &runID
		}
		if err := tx.PutCheckpoint(ctx, c); err != nil {
			return err
		}
		if runID > 0 && len(counters) > 0 {
			return tx.SetRunCounters(ctx, runID, counters)
		}
		return nil
	})
}

// ClearCheckpoints implements CheckpointState.
func (s StoreState) ClearCheckpoints(ctx context.Context, pairKey, prefix string) error {
	_, err := s.Store.DeleteCheckpoints(ctx, pairKey, prefix)
	return err
}

// checkpoints returns the run's checkpoint state: the configured State
// when it keeps checkpoints, else an in-memory one (no resume across
// processes).
func (r *Run) checkpoints() CheckpointState {
	if cs, ok := r.Opts.State.(CheckpointState); ok {
		return cs
	}
	if r.memCheckpoints == nil {
		r.memCheckpoints = NewMemoryState()
	}
	return r.memCheckpoints
}

// loadCheckpoint decodes a stream's JSON checkpoint into v; false when
// there is none. A checkpoint that does not decode is ignored (the stream
// starts again, which is safe: writes are idempotent).
func loadCheckpoint(ctx context.Context, cs CheckpointState, pairKey, stream string, v any) (bool, error) {
	raw, ok, err := cs.Checkpoint(ctx, pairKey, stream)
	if err != nil {
		return false, fmt.Errorf("read the checkpoint of %s: %w", stream, err)
	}
	if !ok || raw == "" {
		return false, nil
	}
	if json.Unmarshal([]byte(raw), v) != nil {
		return false, nil
	}
	return true, nil
}
