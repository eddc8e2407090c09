package syncer

import (
	"testing"

	"github.com/d2sync/d2sync/internal/emulator"
)

// trackerTotals sums the tracker verification lines of one kind.
func trackerTotals(rep *Report, plural string) VerifyItem { return verifyTotal(rep, ScopeTracker, plural+":") }

func TestTrackerSameVersion(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	t.Parallel()
	p := newDataPair(t, emulator.Options{Version: "2.40", Seed: "demo"}, emulator.Options{Version: "2.40"})
	p.run(t, p.opts(ScopeMetadata))
	rep := p.run(t, p.opts(ScopeTracker))
	for _, k := range []string{"trackedEntities", "enrollments", "events", "relationships"} {
		t.Logf("%s %+v", k, trackerTotals(rep, k))
	}
	requireEqual(t, rep, ScopeTracker)
}
