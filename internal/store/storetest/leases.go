package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/d2sync/d2sync/internal/store"
)

func exerciseRunLeases(t *testing.T, newStore NewStoreFunc) {
	ctx := context.Background()
	pair := store.PairKey("https://src.example.org", "https://dst.example.org")
	t.Run("acquire renew release", func(t *testing.T) {
		t.Parallel()
		clock := &Clock{}
		st := newStore(t, store.WithClock(clock.Now))
		run := newRun(t, st)
		l, err := st.AcquireRunLease(ctx, pair, "host-a:1", run.ID, time.Minute)
		must(t, err)
		if l.Holder != "host-a:1" || l.RunID == nil || *l.RunID != run.ID || !l.ExpiresAt.Equal(us(clock.Now().Add(time.Minute))) {
			t.Fatalf("acquired = %+v", l)
		}
		// Another holder, and the same holder again, are refused while it is valid.
		for _, holder := range []string{"host-b:2", "host-a:1"} {
			_, err = st.AcquireRunLease(ctx, pair, holder, 0, time.Minute)
			var held *store.LeaseHeldError
			if !errors.As(err, &held) || !errors.Is(err, store.ErrConflict) || held.Lease.Holder != "host-a:1" || held.Lease.RunID == nil || *held.Lease.RunID != run.ID {
				t.Fatalf("second acquire by %s: %v", holder, err)
			}
		}
		// Other pairs are independent.
		_, err = st.AcquireRunLease(ctx, store.PairKey("https://src.example.org", "https://other.example.org"), "host-b:2", 0, time.Minute)
		must(t, err)
		// Heartbeats keep it alive past the first expiry.
		clock.Advance(50 * time.Second)
		must(t, st.RenewRunLease(ctx, pair, "host-a:1", time.Minute))
		clock.Advance(50 * time.Second)
		_, err = st.AcquireRunLease(ctx, pair, "host-b:2", 0, time.Minute)
		wantErr(t, err, store.ErrConflict)
		wantErr(t, st.RenewRunLease(ctx, pair, "host-b:2", time.Minute), store.ErrInvalidState)
		got, err := st.GetRunLease(ctx, pair)
		must(t, err)
		if got.Holder != "host-a:1" || !got.RenewedAt.Equal(us(clock.Now().Add(-50*time.Second))) || !got.AcquiredAt.Equal(l.AcquiredAt) {
			t.Fatalf("GetRunLease = %+v", got)
		}
		// Released by its holder only.
		must(t, st.ReleaseRunLease(ctx, pair, "host-b:2"))
		_, err = st.GetRunLease(ctx, pair)
		must(t, err)
		must(t, st.ReleaseRunLease(ctx, pair, "host-a:1"))
		_, err = st.GetRunLease(ctx, pair)
		wantErr(t, err, store.ErrNotFound)
		wantErr(t, st.RenewRunLease(ctx, pair, "host-a:1", time.Minute), store.ErrInvalidState)
		_, err = st.AcquireRunLease(ctx, pair, "host-b:2", 0, time.Minute)
		must(t, err)
		_, err = st.AcquireRunLease(ctx, pair, "", 0, time.Minute)
		wantErr(t, err, store.ErrInvalidArgument)
		_, err = st.AcquireRunLease(ctx, pair, "x", 0, 0)
		wantErr(t, err, store.ErrInvalidArgument)
	})
	t.Run("expired lease is taken over", func(t *testing.T) {
		t.Parallel()
		clock := &Clock{}
		st := newStore(t, store.WithClock(clock.Now))
		_, err := st.AcquireRunLease(ctx, pair, "dead:1", 0, time.Minute)
		must(t, err)
		clock.Advance(time.Minute) // expires_at reached: the holder stopped renewing
		l, err := st.AcquireRunLease(ctx, pair, "alive:2", 0, time.Minute)
		must(t, err)
		if l.Holder != "alive:2" {
			t.Fatalf("takeover = %+v", l)
		}
		// The old holder learns it lost the lease and cannot release the new one.
		wantErr(t, st.RenewRunLease(ctx, pair, "dead:1", time.Minute), store.ErrInvalidState)
		must(t, st.ReleaseRunLease(ctx, pair, "dead:1"))
		got, err := st.GetRunLease(ctx, pair)
		must(t, err)
		if got.Holder != "alive:2" {
			t.Fatalf("after the old holder's release: %+v", got)
		}
	})
	t.Run("concurrent acquire", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		const n = 8
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				_, errs[i] = st.AcquireRunLease(ctx, pair, "worker-"+string(rune('a'+i)), 0, time.Minute)
			})
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, store.ErrConflict):
				t.Errorf("acquire: %v", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d concurrent acquisitions succeeded, want exactly 1", won)
		}
	})
}
