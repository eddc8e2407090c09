package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"

	"github.com/d2sync/d2sync/internal/store"
)

// acquireLease takes the pair's lease; a lease held by a d2sync process
// of this host that no longer exists (killed, crashed) is released first,
// so that a restart after kill -9 resumes at once instead of waiting for
// the lease to expire. A holder on another host, or a live process, keeps
// its lease.
func (p *pairEnv) acquireLease(ctx context.Context, pair, holder string, runID int64) error {
	_, err := p.store.AcquireRunLease(ctx, pair, holder, runID, runLeaseTTL)
	var held *store.LeaseHeldError
	if !errors.As(err, &held) || !staleHolder(held.Lease.Holder) {
		return err
	}
	if err := p.store.ReleaseRunLease(ctx, pair, held.Lease.Holder); err != nil {
		return fmt.Errorf("release the lease of the dead run (%s): %w", held.Lease.Holder, err)
	}
	_, err = p.store.AcquireRunLease(ctx, pair, holder, runID, runLeaseTTL)
	return err
}

// staleHolder reports whether a lease holder ("d2sync <host> pid <pid>")
// is a process of this host that has ended.
func staleHolder(holder string) bool {
	host, _ := os.Hostname()
	rest, ok := strings.CutPrefix(holder, "d2sync "+host+" pid ")
	if !ok {
		return false
	}
	pid, err := strconv.Atoi(rest)
	if err != nil || pid <= 0 || pid == os.Getpid() {
		return false
	}
	return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}
