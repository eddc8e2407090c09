package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/d2sync/d2sync/internal/store"
)

func appendN(t *testing.T, st *store.Store, n int) []*store.AuditEvent {
	t.Helper()
	var out []*store.AuditEvent
	for i := range n {
		ev, err := st.AppendAudit(context.Background(), store.AuditEvent{
			Actor: "awa", Action: "instance.update", Target: fmt.Sprintf("instance:%d", i), Outcome: "success",
			IP: "10.0.0.1", RequestID: fmt.Sprintf("req-%d", i), Details: json.RawMessage(`{"field":"name"}`),
		})
		must(t, err)
		out = append(out, ev)
	}
	return out
}

func verify(t *testing.T, st *store.Store) store.AuditVerification {
	t.Helper()
	v, err := st.VerifyAuditChain(context.Background())
	must(t, err)
	return v
}

// disableAuditTriggers lets a test play an attacker with full database
// access, who can bypass the append-only triggers.
func disableAuditTriggers(t *testing.T, st *store.Store) {
	t.Helper()
	if st.Dialect() == store.DialectPostgres {
		exec(t, st, "ALTER TABLE audit_events DISABLE TRIGGER USER")
		return
	}
	exec(t, st, "DROP TRIGGER audit_events_no_update")
	exec(t, st, "DROP TRIGGER audit_events_no_delete")
}

func exerciseAudit(t *testing.T, newStore NewStoreFunc) {
	ctx := context.Background()
	t.Run("append list verify", func(t *testing.T) {
		t.Parallel()
		clock := &Clock{}
		st := newStore(t, store.WithClock(clock.Now))
		if v := verify(t, st); !v.OK || v.Rows != 0 {
			t.Fatalf("empty chain = %+v", v)
		}
		evs := appendN(t, st, 5)
		if evs[0].PrevHash != "" || evs[1].PrevHash != evs[0].Hash || len(evs[4].Hash) != 64 || !evs[0].At.Equal(us(clock.Now())) {
			t.Fatalf("chain links: %+v", evs[:2])
		}
		_, err := st.AppendAudit(ctx, store.AuditEvent{Actor: "cli", Action: "login", Outcome: "failure"})
		must(t, err)
		if v := verify(t, st); !v.OK || v.Rows != 6 {
			t.Fatalf("VerifyAuditChain = %+v", v)
		}
		list, err := st.ListAudit(ctx, store.AuditFilter{Actor: "awa", Limit: 2})
		must(t, err)
		if len(list) != 2 || list[0].ID != evs[4].ID || list[0].Hash != evs[4].Hash || !jsonEqual(list[0].Details, `{"field":"name"}`) {
			t.Fatalf("ListAudit = %+v", list)
		}
		more, err := st.ListAudit(ctx, store.AuditFilter{Action: "instance.update", BeforeID: list[1].ID})
		must(t, err)
		if len(more) != 3 {
			t.Fatalf("next page = %d rows, want 3", len(more))
		}
		_, err = st.AppendAudit(ctx, store.AuditEvent{Action: "x", Outcome: "y"})
		wantErr(t, err, store.ErrInvalidArgument)
		_, err = st.AppendAudit(ctx, store.AuditEvent{Actor: "a", Action: "x", Outcome: "y", Details: json.RawMessage("{")})
		wantErr(t, err, store.ErrInvalidArgument)
	})
	t.Run("append-only", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		appendN(t, st, 2)
		for _, q := range []string{"UPDATE audit_events SET actor = 'mallory'", "DELETE FROM audit_events"} {
			_, err := st.DB().ExecContext(ctx, q)
			if err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: err = %v, want the append-only trigger to refuse", q, err)
			}
		}
		if v := verify(t, st); !v.OK || v.Rows != 2 {
			t.Fatalf("after refused tampering: %+v", v)
		}
	})
	t.Run("modified row", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		evs := appendN(t, st, 5)
		disableAuditTriggers(t, st)
		exec(t, st, "UPDATE audit_events SET outcome = 'failure' WHERE id = $1", evs[2].ID)
		v := verify(t, st)
		if v.OK || v.FirstBadID != evs[2].ID || !strings.Contains(v.Problem, "modified") || v.Rows != 3 {
			t.Fatalf("VerifyAuditChain = %+v, want row %d modified", v, evs[2].ID)
		}
	})
	t.Run("deleted row", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		evs := appendN(t, st, 5)
		disableAuditTriggers(t, st)
		exec(t, st, "DELETE FROM audit_events WHERE id = $1", evs[1].ID)
		v := verify(t, st)
		if v.OK || v.FirstBadID != evs[2].ID || !strings.Contains(v.Problem, "deleted") {
			t.Fatalf("VerifyAuditChain = %+v, want row %d reported", v, evs[2].ID)
		}
	})
	t.Run("forged rows", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		evs := appendN(t, st, 3)
		const ins = `INSERT INTO audit_events (at, actor, action, target, outcome, ip, request_id, details, prev_hash, hash)
			SELECT at, 'mallory', action, target, outcome, ip, request_id, details, $1, $2 FROM audit_events WHERE id = $3`
		// A forger who links correctly but cannot compute the hash.
		exec(t, st, ins, evs[2].Hash, strings.Repeat("0", 64), evs[0].ID)
		v := verify(t, st)
		if v.OK || v.FirstBadID <= evs[2].ID || !strings.Contains(v.Problem, "modified") {
			t.Fatalf("VerifyAuditChain = %+v, want the forged row", v)
		}
		// Appending after a forged head still works and keeps linking.
		_, err := st.AppendAudit(ctx, store.AuditEvent{Actor: "a", Action: "b", Outcome: "c"})
		must(t, err)
	})
	t.Run("concurrent appends keep one chain", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		var wg sync.WaitGroup
		errs := make(chan error, 40)
		for w := range 8 {
			wg.Go(func() {
				for i := range 5 {
					_, err := st.AppendAudit(ctx, store.AuditEvent{Actor: fmt.Sprint("w", w), Action: "tick", Target: fmt.Sprint(i), Outcome: "success"})
					if err != nil {
						errs <- err
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("concurrent AppendAudit: %v", err)
		}
		if v := verify(t, st); !v.OK || v.Rows != 40 {
			t.Fatalf("VerifyAuditChain = %+v, want 40 rows OK", v)
		}
	})
}
