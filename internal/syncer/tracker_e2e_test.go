package syncer

import (
	"strings"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator"
)

// trackerTotals sums the tracker verification lines of one kind.
func trackerTotals(rep *Report, plural string) VerifyItem {
	return verifyTotal(rep, ScopeTracker, plural+":")
}

// TestTrackerAcrossVersions replicates tracker data from the old API to
// the new one (2.35 → 2.40) and from 2.41 (both APIs) to 2.42 (new only).
func TestTrackerAcrossVersions(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	t.Parallel()
	for _, tc := range []struct{ from, to string }{{"2.35", "2.40"}, {"2.41", "2.42"}} {
		t.Run(tc.from+"→"+tc.to, func(t *testing.T) {
			t.Parallel()
			p := newDataPair(t, emulator.Options{Version: tc.from, Seed: "demo"}, emulator.Options{Version: tc.to})
			p.run(t, p.opts(ScopeMetadata))
			rep := p.run(t, p.opts(ScopeTracker))
			for _, k := range []string{"trackedEntities", "enrollments", "events", "relationships"} {
				tot := trackerTotals(rep, k)
				t.Logf("%s %+v", k, tot)
				if tot.Match == 0 || tot.Match != tot.Source {
					t.Errorf("%s: %+v", k, tot)
				}
			}
			requireEqual(t, rep, ScopeTracker)
			old := 0
			for _, r := range p.src.Requests() {
				if r.Method == "GET" && (strings.HasSuffix(r.Path, "/trackedEntityInstances") || strings.HasSuffix(r.Path, "/events")) && !strings.Contains(r.Path, "/tracker/") {
					old++
				}
			}
			if tc.from == "2.35" && old == 0 {
				t.Error("the 2.35 source was not read through the old API")
			}
			if tc.from != "2.35" && old != 0 {
				t.Errorf("the %s source was read through the old API %d times", tc.from, old)
			}
		})
	}
}
