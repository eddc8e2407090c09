package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/d2sync/d2sync/internal/store"
)

func exerciseCheckpoints(t *testing.T, newStore NewStoreFunc) {
	ctx := context.Background()
	clock := &Clock{}
	st := newStore(t, store.WithClock(clock.Now))
	r := newRun(t, st)
	const pair, other = "https://a -> https://b", "https://a -> https://c"
	put := func(pairKey, stream, cursor string) {
		t.Helper()
		must(t, st.PutCheckpoint(ctx, store.Checkpoint{PairKey: pairKey, Stream: stream, Cursor: cursor, RunID: &r.ID}))
	}
	_, err := st.GetCheckpoint(ctx, pair, "metadata")
	wantErr(t, err, store.ErrNotFound)
	put(pair, "data:dataset=X:ou=Y", "2024-01")
	put(pair, "data:dataset=X:ou=Z", "2024-02")
	put(pair, "data_x", "1")         // '_' must not act as a wildcard
	put(pair, "DATA:dataset=X", "1") // prefix match is case-sensitive
	put(pair, "metadata", "page=3")
	put(other, "data:dataset=X:ou=Y", "2023-12")
	clock.Advance(time.Minute)
	put(pair, "metadata", "page=4") // upsert

	c, err := st.GetCheckpoint(ctx, pair, "metadata")
	must(t, err)
	if c.Cursor != "page=4" || c.RunID == nil || *c.RunID != r.ID || !c.UpdatedAt.Equal(us(clock.Now())) {
		t.Fatalf("GetCheckpoint = %+v", c)
	}
	list, err := st.ListCheckpoints(ctx, pair)
	must(t, err)
	if len(list) != 5 || list[0].Stream != "DATA:dataset=X" || list[4].Stream != "metadata" {
		t.Fatalf("ListCheckpoints = %d rows, first %q", len(list), list[0].Stream)
	}
	n, err := st.DeleteCheckpoints(ctx, pair, "data:")
	must(t, err)
	if n != 2 {
		t.Fatalf("DeleteCheckpoints(data:) removed %d, want 2", n)
	}
	n, err = st.DeleteCheckpoints(ctx, pair, "data%")
	must(t, err)
	if n != 0 {
		t.Fatalf("DeleteCheckpoints(data%%) removed %d, want 0 (no LIKE wildcards)", n)
	}
	if _, err := st.GetCheckpoint(ctx, other, "data:dataset=X:ou=Y"); err != nil {
		t.Fatalf("other pair's checkpoint was removed: %v", err)
	}
	n, err = st.DeleteCheckpoints(ctx, pair, "")
	must(t, err)
	if n != 3 {
		t.Fatalf("DeleteCheckpoints(all) removed %d, want 3", n)
	}
	wantErr(t, st.PutCheckpoint(ctx, store.Checkpoint{PairKey: pair}), store.ErrInvalidArgument)
}

func exerciseCursors(t *testing.T, newStore NewStoreFunc) {
	ctx := context.Background()
	st := newStore(t)
	r := newRun(t, st)
	pair := store.PairKey("https://a", "https://b")
	_, err := st.GetSyncCursor(ctx, pair, "metadata")
	wantErr(t, err, store.ErrNotFound)
	must(t, st.PutSyncCursor(ctx, store.SyncCursor{PairKey: pair, Scope: "metadata", HighWater: "2024-05-01T10:00:00.000", RunID: &r.ID}))
	must(t, st.PutSyncCursor(ctx, store.SyncCursor{PairKey: pair, Scope: "data", HighWater: "2024-05-01T09:00:00.000"}))
	must(t, st.PutSyncCursor(ctx, store.SyncCursor{PairKey: pair, Scope: "metadata", HighWater: "2024-05-02T10:00:00.000"}))
	c, err := st.GetSyncCursor(ctx, pair, "metadata")
	must(t, err)
	if c.HighWater != "2024-05-02T10:00:00.000" || c.RunID != nil {
		t.Fatalf("GetSyncCursor = %+v", c)
	}
	list, err := st.ListSyncCursors(ctx, pair)
	must(t, err)
	if len(list) != 2 || list[0].Scope != "data" {
		t.Fatalf("ListSyncCursors = %+v", list)
	}
	n, err := st.DeleteSyncCursors(ctx, pair)
	if err != nil || n != 2 {
		t.Fatalf("DeleteSyncCursors = %d, %v", n, err)
	}
	wantErr(t, st.PutSyncCursor(ctx, store.SyncCursor{PairKey: pair, Scope: "data"}), store.ErrInvalidArgument)
}

func exerciseIDMappings(t *testing.T, newStore NewStoreFunc) {
	ctx := context.Background()
	st := newStore(t)
	const pair = "https://a -> https://b"
	put := func(typ, src, dst string) {
		t.Helper()
		must(t, st.PutIDMapping(ctx, store.IDMapping{PairKey: pair, ObjectType: typ, SourceUID: src, DestUID: dst}))
	}
	put("dataElement", "fbfJHSPpUQD", "AAAAAAAAAA1")
	put("dataElement", "cYeuwXTCPkU", "AAAAAAAAAA2")
	put("orgUnit", "ImspTQPwCqd", "BBBBBBBBBB1")
	put("dataElement", "fbfJHSPpUQD", "AAAAAAAAAA9") // upsert
	m, err := st.GetIDMapping(ctx, pair, "dataElement", "fbfJHSPpUQD")
	must(t, err)
	if m.DestUID != "AAAAAAAAAA9" {
		t.Fatalf("GetIDMapping = %+v", m)
	}
	des, err := st.ListIDMappings(ctx, pair, "dataElement")
	must(t, err)
	all, err := st.ListIDMappings(ctx, pair, "")
	must(t, err)
	if len(des) != 2 || des[0].SourceUID != "cYeuwXTCPkU" || len(all) != 3 {
		t.Fatalf("ListIDMappings = %d / %d", len(des), len(all))
	}
	must(t, st.DeleteIDMapping(ctx, pair, "orgUnit", "ImspTQPwCqd"))
	wantErr(t, st.DeleteIDMapping(ctx, pair, "orgUnit", "ImspTQPwCqd"), store.ErrNotFound)
	_, err = st.GetIDMapping(ctx, pair, "orgUnit", "ImspTQPwCqd")
	wantErr(t, err, store.ErrNotFound)
	wantErr(t, st.PutIDMapping(ctx, store.IDMapping{PairKey: pair}), store.ErrInvalidArgument)
}

func exerciseInTx(t *testing.T, newStore NewStoreFunc) {
	ctx := context.Background()
	chunk := func(tx *store.Store, runID int64, cursor string, done int) error {
		if err := tx.PutCheckpoint(ctx, store.Checkpoint{PairKey: "p", Stream: "s", Cursor: cursor, RunID: &runID}); err != nil {
			return err
		}
		return tx.SetRunCounters(ctx, runID, json.RawMessage(`{"done":`+itoa(done)+`}`))
	}
	t.Run("commit together", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		r := newRun(t, st)
		must(t, st.StartRun(ctx, r.ID))
		must(t, st.InTx(ctx, func(tx *store.Store) error {
			if tx.Tx() == nil {
				t.Error("tx.Tx() is nil inside InTx")
			}
			return chunk(tx, r.ID, "page=1", 100)
		}))
		assertChunk(t, st, r.ID, "page=1", `{"done":100}`)
		if st.Tx() != nil {
			t.Fatal("outer store reports a transaction")
		}
	})
	t.Run("roll back together", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		r := newRun(t, st)
		must(t, st.StartRun(ctx, r.ID))
		must(t, st.InTx(ctx, func(tx *store.Store) error { return chunk(tx, r.ID, "page=1", 100) }))
		boom := errors.New("destination did not acknowledge")
		err := st.InTx(ctx, func(tx *store.Store) error {
			if err := chunk(tx, r.ID, "page=2", 200); err != nil {
				return err
			}
			return boom
		})
		wantErr(t, err, boom)
		assertChunk(t, st, r.ID, "page=1", `{"done":100}`)
		// A failing statement inside the transaction rolls back the earlier one.
		err = st.InTx(ctx, func(tx *store.Store) error {
			if err := tx.PutCheckpoint(ctx, store.Checkpoint{PairKey: "p", Stream: "s", Cursor: "page=3"}); err != nil {
				return err
			}
			return tx.SetRunCounters(ctx, 9999, nil)
		})
		wantErr(t, err, store.ErrNotFound)
		assertChunk(t, st, r.ID, "page=1", `{"done":100}`)
	})
	t.Run("panic rolls back", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		r := newRun(t, st)
		must(t, st.StartRun(ctx, r.ID))
		func() {
			defer func() {
				if recover() == nil {
					t.Error("panic was swallowed")
				}
			}()
			_ = st.InTx(ctx, func(tx *store.Store) error {
				_ = chunk(tx, r.ID, "page=9", 900)
				panic("boom")
			})
		}()
		_, err := st.GetCheckpoint(ctx, "p", "s")
		wantErr(t, err, store.ErrNotFound)
		// The store is still usable (the connection was released).
		must(t, st.InTx(ctx, func(tx *store.Store) error { return chunk(tx, r.ID, "page=1", 1) }))
	})
	t.Run("nested reuses the transaction", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		r := newRun(t, st)
		must(t, st.StartRun(ctx, r.ID))
		err := st.InTx(ctx, func(tx *store.Store) error {
			if err := tx.InTx(ctx, func(inner *store.Store) error { return chunk(inner, r.ID, "page=5", 5) }); err != nil {
				return err
			}
			return errors.New("outer fails")
		})
		if err == nil {
			t.Fatal("outer error lost")
		}
		_, err = st.GetCheckpoint(ctx, "p", "s")
		wantErr(t, err, store.ErrNotFound)
	})
}

func assertChunk(t *testing.T, st *store.Store, runID int64, cursor, counters string) {
	t.Helper()
	ctx := context.Background()
	c, err := st.GetCheckpoint(ctx, "p", "s")
	must(t, err)
	r, err := st.GetRun(ctx, runID)
	must(t, err)
	if c.Cursor != cursor || !jsonEqual(r.Counters, counters) {
		t.Fatalf("checkpoint %q counters %s; want %q %s", c.Cursor, r.Counters, cursor, counters)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
