package syncer

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

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

// codeLog records the codes of a run's events.
type codeLog struct {
	mu    sync.Mutex
	codes map[string]int
}

func (c *codeLog) Log(_ slog.Level, code, _ string, _ ...slog.Attr) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.codes == nil {
		c.codes = map[string]int{}
	}
	c.codes[code]++
}

func (c *codeLog) Step(string, int64, int64, string) {}

func (c *codeLog) count(code string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.codes[code]
}

// TestTrackerResume interrupts a tracker run after a few imports, then
// runs again: the streams resume from their checkpoints (pages already
// acknowledged are not read again) and the end state verifies equal.
func TestTrackerResume(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	t.Parallel()
	p := newDataPair(t, emulator.Options{Version: "2.40", Seed: "demo"}, emulator.Options{Version: "2.40"})
	p.run(t, p.opts(ScopeMetadata))
	o := p.opts(ScopeTracker)
	o.Tracker.PageSize = 100
	o.Tracker.OrgUnits = firstRegions(t, p, 2)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for countRequests(p.dst, "POST", "/tracker") < 12 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	rep, err := Sync(ctx, o)
	if err == nil || rep.Status != StatusFailed {
		t.Fatalf("interrupted run: %v, %s", err, rep.Status)
	}
	first := p.dst.WriteCounts().Tracker
	log := &codeLog{}
	o.Progress = log
	rep = p.run(t, o)
	requireEqual(t, rep, ScopeTracker)
	if log.count("tracker.stream.resumed") == 0 {
		t.Error("no stream resumed from a checkpoint")
	}
	if c := stageOf(rep, ScopeTracker).Total(); c.Created+c.Updated >= verifyTotal(rep, ScopeTracker, "").Source {
		t.Errorf("the second run wrote %+v: everything again", c)
	}
	t.Logf("first run wrote %+v before the interruption; %d streams resumed", first, log.count("tracker.stream.resumed"))
}

// TestTrackerDestinationFaults: 503 bursts and committed-then-reset
// imports on /api/tracker, cut list answers: the run retries and
// reconciles, and SUCCESS comes only with equality.
func TestTrackerDestinationFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	t.Parallel()
	p := newDataPair(t, emulator.Options{Version: "2.41", Seed: "demo"}, emulator.Options{Version: "2.41"})
	p.run(t, p.opts(ScopeMetadata))
	spec := "POST /api/tracker status=503 count=3; POST /api/tracker commit-then-reset after=5 count=2; GET /api/tracker/* truncate=700 after=3 count=3; GET /api/tracker/* status=429 retry-after=1 after=10 count=2"
	if err := p.dst.Faults().AddSpec(spec); err != nil {
		t.Fatal(err)
	}
	o := p.opts(ScopeTracker)
	o.Tracker.OrgUnits = firstRegions(t, p, 2)
	o.Tracker.PageSize = 100
	rep, _ := Sync(context.Background(), o)
	for _, f := range p.dst.Faults().Rules() {
		if f.Fired == 0 {
			t.Errorf("fault %q never fired", f.Spec)
		}
	}
	if rep.Status != StatusSuccess {
		t.Fatalf("status %s (%s)", rep.Status, rep.Error)
	}
	requireEqual(t, rep, ScopeTracker)
}

// firstRegions returns the first n level-2 org units of the source.
func firstRegions(t *testing.T, p *dataPair, n int) []string {
	t.Helper()
	tree, err := readOrgUnits(context.Background(), p.srcCl)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range tree.roots {
		for _, c := range r.Children {
			if len(out) < n {
				out = append(out, c.ID)
			}
		}
	}
	return out
}
