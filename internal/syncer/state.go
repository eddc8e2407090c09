package syncer

import (
	"context"
	"errors"
	"sync"

	"github.com/d2sync/d2sync/internal/store"
)

// MemoryState is a State kept in memory (tests, one-off runs without a
// database). It is safe for concurrent use.
type MemoryState struct {
	mu          sync.Mutex
	cursors     map[string]string
	maps        map[string]IDMap
	checkpoints map[string]string // see checkpoint.go
}

// NewMemoryState returns an empty MemoryState.
func NewMemoryState() *MemoryState {
	return &MemoryState{cursors: map[string]string{}, maps: map[string]IDMap{}, checkpoints: map[string]string{}}
}

// Cursor implements State.
func (s *MemoryState) Cursor(_ context.Context, pairKey, scope string) (string, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.cursors[pairKey+"\x00"+scope]
	return c, ok, nil
}

// SetCursor implements State.
func (s *MemoryState) SetCursor(_ context.Context, pairKey, scope, highWater string, _ int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cursors[pairKey+"\x00"+scope] = highWater
	return nil
}

// IDMap implements State.
func (s *MemoryState) IDMap(_ context.Context, pairKey string) (IDMap, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := IDMap{}
	for typ, m := range s.maps[pairKey] {
		for src, dst := range m {
			out.Set(typ, src, dst)
		}
	}
	return out, nil
}

// SaveIDMap implements State.
func (s *MemoryState) SaveIDMap(_ context.Context, pairKey string, m IDMap) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.maps[pairKey] == nil {
		s.maps[pairKey] = IDMap{}
	}
	for typ, mm := range m {
		for src, dst := range mm {
			s.maps[pairKey].Set(typ, src, dst)
		}
	}
	return nil
}

// StoreState is the State of a d2sync database (internal/store): cursors
// in sync_cursors, mappings in id_mappings.
type StoreState struct {
	Store *store.Store
}

// Cursor implements State.
func (s StoreState) Cursor(ctx context.Context, pairKey, scope string) (string, bool, error) {
	c, err := s.Store.GetSyncCursor(ctx, pairKey, scope)
	if errors.Is(err, store.ErrNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return c.HighWater, true, nil
}

// SetCursor implements State.
func (s StoreState) SetCursor(ctx context.Context, pairKey, scope, highWater string, runID int64) error {
	c := store.SyncCursor{PairKey: pairKey, Scope: scope, HighWater: highWater}
	if runID > 0 {
		c.RunID = &runID
	}
	return s.Store.PutSyncCursor(ctx, c)
}

// IDMap implements State.
func (s StoreState) IDMap(ctx context.Context, pairKey string) (IDMap, error) {
	rows, err := s.Store.ListIDMappings(ctx, pairKey, "")
	if err != nil {
		return nil, err
	}
	out := IDMap{}
	for _, m := range rows {
		out.Set(m.ObjectType, m.SourceUID, m.DestUID)
	}
	return out, nil
}

// SaveIDMap implements State.
func (s StoreState) SaveIDMap(ctx context.Context, pairKey string, m IDMap) error {
	for typ, mm := range m {
		for src, dst := range mm {
			if err := s.Store.PutIDMapping(ctx, store.IDMapping{PairKey: pairKey, ObjectType: typ, SourceUID: src, DestUID: dst}); err != nil {
				return err
			}
		}
	}
	return nil
}
