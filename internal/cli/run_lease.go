package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/d2sync/d2sync/internal/store"
	"github.com/d2sync/d2sync/internal/syncer"
)

// runLeaseTTL is how long a sync's lease on its source→destination pair
// lasts without renewal: a run whose process died blocks the pair for at
// most this long. The heartbeat renews it every runLeaseTTL/4.
const runLeaseTTL = 2 * time.Minute

// errLeaseLost ends a run whose lease was taken over (its heartbeats could
// not be written for longer than runLeaseTTL).
var errLeaseLost = errors.New("this run lost its lease on the pair (heartbeats failed for too long) and stopped so that two runs never write at once")

// holdPairLease makes a sync the only one of its pair (RELIABILITY.md
// it takes the pair's lease in the database and renews it until
// release is called. The returned context is cancelled if the lease is
// lost. Dry runs, verifications and runs without a database take no
// lease (they write nothing, or share no state).
func (p *pairEnv) holdPairLease(ctx context.Context, runID int64, readOnly bool) (context.Context, func(), error) {
	if p.store == nil || readOnly {
		return ctx, func() {}, nil
	}
	host, _ := os.Hostname()
	holder := leaseHolder(host, os.Getpid())
	pair := store.PairKey(p.source.BaseURL(), p.dest.BaseURL())
	if _, err := p.store.AcquireRunLease(ctx, pair, holder, runID, runLeaseTTL); err != nil {
		// A run killed on this machine (kill -9, power cut) leaves its lease
		// until it expires; when its process is provably gone, take over at
		// once so the restarted run resumes from its checkpoints.
		var held *store.LeaseHeldError
		if !errors.As(err, &held) || !deadLocalHolder(held.Lease.Holder, host) {
			return ctx, nil, err
		}
		if rerr := p.store.ReleaseRunLease(ctx, pair, held.Lease.Holder); rerr != nil {
			return ctx, nil, err
		}
		if _, err := p.store.AcquireRunLease(ctx, pair, holder, runID, runLeaseTTL); err != nil {
			return ctx, nil, err
		}
	}
	ctx, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(runLeaseTTL / 4)
		defer tick.Stop()
		lastOK := time.Now()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			err := p.store.RenewRunLease(ctx, pair, holder, runLeaseTTL)
			switch {
			case err == nil:
				lastOK = time.Now()
			case errors.Is(err, store.ErrInvalidState) || time.Since(lastOK) >= runLeaseTTL:
				cancel(errLeaseLost)
				return
			}
		}
	}()
	release := func() {
		close(done)
		<-stopped
		cancel(nil)
		_ = p.store.ReleaseRunLease(context.WithoutCancel(ctx), pair, holder)
	}
	return ctx, release, nil
}

// leaseHolder names the process holding a lease: host and pid.
func leaseHolder(host string, pid int) string {
	return fmt.Sprintf("d2sync %s pid %d", host, pid)
}

// deadLocalHolder reports whether holder names a process of this host
// that no longer exists.
func deadLocalHolder(holder, host string) bool {
	var h string
	var pid int
	if n, err := fmt.Sscanf(holder, "d2sync %s pid %d", &h, &pid); err != nil || n != 2 {
		return false
	}
	return h == host && pid != os.Getpid() && processGone(pid)
}

// refuseRun records a run that did not start because another run of the
// pair holds the lease: the run ends cancelled with the reason, the report
// file (if asked for) says FAILED with that reason, an audit event says
// who was refused, and the command exits with ExitFailed.
func (p *pairEnv) refuseRun(ctx context.Context, env *Env, f *pairFlags, runID int64, cause error) int {
	msg := fmt.Sprintf("this sync did not start: %v. Wait for that run to finish and start again", cause)
	fmt.Fprintf(env.Stderr, "d2sync sync: %s\n", msg)
	if f.report != "" {
		now := time.Now()
		rep := &syncer.Report{RunID: runID, Scopes: f.scopes(), Status: syncer.StatusFailed, Error: msg, StartedAt: now, FinishedAt: now,
			Source: syncer.Endpoint{Name: syncer.RoleSource, URL: p.source.BaseURL()}, Dest: syncer.Endpoint{Name: syncer.RoleDest, URL: p.dest.BaseURL()}}
		if err := writeReportFile(f.report, rep); err != nil {
			fmt.Fprintf(env.Stderr, "d2sync: %v\n", err)
		}
	}
	if p.store == nil {
		return ExitFailed
	}
	if err := p.store.FinishRun(ctx, runID, store.RunCancelled, msg); err != nil {
		fmt.Fprintf(env.Stderr, "warning: %v\n", err)
	}
	details := map[string]any{"run": runID}
	var held *store.LeaseHeldError
	if errors.As(cause, &held) && held.Lease.RunID != nil {
		details["activeRun"] = *held.Lease.RunID
	}
	raw, _ := json.Marshal(details) // a map of numbers always marshals
	pair := store.PairKey(p.source.BaseURL(), p.dest.BaseURL())
	if _, err := p.store.AppendAudit(ctx, store.AuditEvent{Action: "sync.refused", Actor: "cli", Target: "pair:" + pair, Outcome: "denied", Details: raw}); err != nil {
		fmt.Fprintf(env.Stderr, "warning: audit: %v\n", err)
	}
	return ExitFailed
}
