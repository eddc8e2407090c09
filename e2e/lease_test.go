package e2e

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/d2sync/d2sync/internal/emulator"
	"github.com/d2sync/d2sync/internal/emulator/emulatortest"
	"github.com/d2sync/d2sync/internal/store"
	"github.com/d2sync/d2sync/internal/store/storetest"
	"github.com/d2sync/d2sync/internal/syncer"
)

// TestOneRunPerPair is R-19 with two processes on one store (SQLite, and
// PostgreSQL when D2SYNC_TEST_POSTGRES_URL is set): while a slowed-down
// sync of a pair is importing, a second sync of the same pair is refused
// at once with a clear message, sends the destination nothing, is recorded
// as a cancelled run with an audit event and a FAILED report; the first
// run succeeds, releases the pair, and the next run goes ahead.
func TestOneRunPerPair(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	t.Parallel()
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			dst := emulatortest.Start(t, emulator.Options{Version: "2.41"})
			p := newPair(t, demoSource(t, "2.40"), dst)
			if engine == "postgres" {
				p.env["D2SYNC_DATABASE_URL"] = storetest.NewPostgresSchema(t) // skips without the variable
			}
			// Each import of the first run takes a while: the second run
			// starts while the first one is writing.
			addFaults(t, dst.Emulator, "POST /api/metadata latency=800ms")
			reportA := filepath.Join(p.dir, "a.json")
			a := p.start(t, nil, append([]string{"sync", "--report", reportA, "--max-request-bytes", "200000"}, p.flags()...)...)
			waitFor(t, time.Minute, "the first run's first import", func() bool {
				return countPosts(dst) > 0
			})
			postsBefore := countPosts(dst)
			resB, repB := p.sync(t)
			if resB.code != 1 || !strings.Contains(resB.stderr, "another run of") || !strings.Contains(resB.stderr, "did not start") {
				t.Errorf("second run: want exit 1 and a message naming the active run\n%s", resB)
			}
			if repB == nil || repB.Status != syncer.StatusFailed || !strings.Contains(repB.Error, "another run") {
				t.Errorf("second run's report: %+v", repB)
			}
			resA := a.wait(t)
			requireNoCrash(t, resA)
			repA := readReport(t, reportA)
			requireSynced(t, resA, repA)
			attempted := 0
			for _, s := range repA.Stages {
				attempted += len(s.Chunks)
			}
			if posts := countPosts(dst); posts != attempted || postsBefore == 0 {
				t.Errorf("%d imports reached the destination for the first run's %d chunks: the refused run wrote", posts, attempted)
			}

			st, err := store.Open(context.Background(), p.env["D2SYNC_DATABASE_URL"])
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			ctx := context.Background()
			pairKey := store.PairKey(p.src.URL, p.dst.URL)
			runs, err := st.ListRuns(ctx, store.RunFilter{PairKey: pairKey})
			if err != nil {
				t.Fatal(err)
			}
			states := map[string]int{}
			for _, r := range runs {
				states[r.State]++
				if r.State == store.RunCancelled && !strings.Contains(r.Error, "another run") {
					t.Errorf("cancelled run %d without the reason: %q", r.ID, r.Error)
				}
			}
			if states[store.RunSucceeded] != 1 || states[store.RunCancelled] != 1 || len(runs) != 2 {
				t.Errorf("run history %v, want one succeeded and one cancelled", states)
			}
			audit, err := st.ListAudit(ctx, store.AuditFilter{Action: "sync.refused"})
			if err != nil || len(audit) != 1 || audit[0].Target != "pair:"+pairKey || audit[0].Outcome != "denied" {
				t.Errorf("audit of the refusal: %v %+v", err, audit)
			}
			if _, err := st.GetRunLease(ctx, pairKey); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("the lease is still held after the run: %v", err)
			}

			dst.Faults().Clear()
			resC, repC := p.sync(t)
			requireSynced(t, resC, repC)
		})
	}
}

// countPosts counts the metadata imports (POST /api/metadata) an emulator
// received.
func countPosts(s *emulatortest.Server) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Method == http.MethodPost && r.Path == "/api/metadata" {
			n++
		}
	}
	return n
}

// waitFor polls cond until it holds, failing the test after limit.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
