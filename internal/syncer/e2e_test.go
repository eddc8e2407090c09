package syncer

import (
	"context"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/d2sync/d2sync/internal/dhis2"
	"github.com/d2sync/d2sync/internal/emulator"
	"github.com/d2sync/d2sync/internal/emulator/emulatortest"
)

// pair is a source and a destination emulator with clients and state.
type pair struct {
	src, dst     *emulatortest.Server
	srcCl, dstCl *dhis2.Client
	state        *MemoryState
}

func newPair(t testing.TB, srcOpts, dstOpts emulator.Options) *pair {
	t.Helper()
	p := &pair{src: emulatortest.Start(t, srcOpts), dst: emulatortest.Start(t, dstOpts), state: NewMemoryState()}
	p.srcCl = newClient(t, "source", p.src.URL, p.src.Username, p.src.Password)
	p.dstCl = newClient(t, "destination", p.dst.URL, p.dst.Username, p.dst.Password)
	return p
}

// sharedDemo holds one demo emulator per version, shared by the tests that
// only read their source. It holds the demo metadata only
// (SeedMetadataOnly): the syncer replicates metadata, and loading the
// demo's data values and tracker data would cost seconds per instance.
var sharedDemo struct {
	mu      sync.Mutex
	servers map[string]*emulatortest.Server
}

// demoPair pairs the shared, read-only demo source of a version with a
// fresh, blank destination. Tests that write to the source or inspect its
// request log use newPair instead.
func demoPair(t testing.TB, srcVersion string, dstOpts emulator.Options) *pair {
	t.Helper()
	sharedDemo.mu.Lock()
	src, ok := sharedDemo.servers[srcVersion]
	if !ok {
		e, err := emulator.New(emulator.Options{Version: srcVersion, Seed: "demo", SeedMetadataOnly: true})
		if err != nil {
			sharedDemo.mu.Unlock()
			t.Fatal(err)
		}
		hs := httptest.NewServer(e)
		user, pass := e.AdminCredentials()
		src = &emulatortest.Server{Emulator: e, URL: hs.URL, Username: user, Password: pass, HTTP: hs}
		if sharedDemo.servers == nil {
			sharedDemo.servers = map[string]*emulatortest.Server{}
		}
		sharedDemo.servers[srcVersion] = src
	}
	sharedDemo.mu.Unlock()
	p := &pair{src: src, dst: emulatortest.Start(t, dstOpts), state: NewMemoryState()}
	p.srcCl = newClient(t, "source", p.src.URL, p.src.Username, p.src.Password)
	p.dstCl = newClient(t, "destination", p.dst.URL, p.dst.Username, p.dst.Password)
	return p
}

// TestMain closes the shared emulators.
func TestMain(m *testing.M) {
	code := m.Run()
	for _, s := range sharedDemo.servers {
		s.HTTP.Close()
		s.Emulator.Close()
	}
	os.Exit(code)
}

// noSleep makes client retries instant.
func noSleep(ctx context.Context, _ time.Duration) error { return ctx.Err() }

func newClient(t testing.TB, name, url, user, pass string) *dhis2.Client {
	t.Helper()
	c, err := dhis2.New(dhis2.Config{Name: name, BaseURL: url, Username: user, Password: pass,
		Timeout: 30 * time.Second, Sleep: noSleep, Retry: dhis2.RetryPolicy{MaxAttempts: 3}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (p *pair) options() Options {
	return Options{Source: p.srcCl, Dest: p.dstCl, State: p.state, MaxDelete: DefaultMaxDelete, MaxDeletePercent: DefaultMaxDeletePercent}
}

// sync runs a sync and fails the test on a run error.
func (p *pair) sync(t testing.TB, o Options) *Report {
	t.Helper()
	rep, err := Sync(context.Background(), o)
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	return rep
}

// requireVerified fails unless verification found nothing missing, extra
// or different in any type (documented differences are allowed).
func requireVerified(t testing.TB, rep *Report) {
	t.Helper()
	if rep.Verification == nil {
		t.Fatal("no verification in the report")
	}
	for _, it := range rep.Verification.Items {
		if it.Missing+it.Extra+it.Differ == 0 {
			continue
		}
		t.Errorf("%s: %d missing, %d extra, %d differ", it.Type, it.Missing, it.Extra, it.Differ)
		for i, d := range it.Details {
			if d.Kind != "documented" && i < 10 {
				t.Errorf("   %s %s %s %v", d.Kind, d.UID, d.Name, d.Paths)
			}
		}
	}
	for i, f := range rep.Failures {
		if i < 10 {
			t.Errorf("failure: %+v", f)
		}
	}
}

func totals(rep *Report) Counts {
	var c Counts
	for _, s := range rep.Stages {
		c.Add(s.Total())
	}
	return c
}

func TestSyncDemoSameVersion(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	t.Parallel()
	p := demoPair(t, "2.39", emulator.Options{Version: "2.39"})
	rep := p.sync(t, p.options())
	if rep.Status != StatusSuccess {
		t.Errorf("status = %s, want SUCCESS (%s)", rep.Status, rep.Error)
	}
	requireVerified(t, rep)
	tot := rep.Verification.Totals()
	if tot.Match < 1000 || tot.Source != tot.Dest {
		t.Errorf("verification totals %+v: want > 1000 matching objects and equal counts", tot)
	}
	if c := totals(rep); c.Created < 1000 || c.Failed != 0 {
		t.Errorf("counts = %+v", c)
	}
	// The emulators' own full exports agree, compared without d2sync's
	// reader: every object of every type, by projection.
	if diffs := compareExports(t, p); len(diffs) > 0 {
		t.Errorf("the emulators' exports disagree on %d objects: %v", len(diffs), diffs[:min(10, len(diffs))])
	}
	// A separate verify run agrees.
	vrep, err := Verify(context.Background(), p.options())
	if err != nil || vrep.Status != StatusSuccess {
		t.Fatalf("verify: %v, status %s", err, vrep.Status)
	}
	if p.dst.WriteCounts().Total() != int64(totals(rep).Created+totals(rep).Updated) {
		t.Errorf("verify wrote to the destination: %d writes after a sync of %d", p.dst.WriteCounts().Total(), totals(rep).Created)
	}
}

func TestSyncAcrossVersions(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	t.Parallel()
	for _, tc := range []struct{ from, to string }{
		{"2.33", "2.40"}, {"2.41", "2.38"}, {"2.35", "2.42"}, {"2.30", "2.41"},
	} {
		t.Run(tc.from+"→"+tc.to, func(t *testing.T) {
			t.Parallel()
			p := demoPair(t, tc.from, emulator.Options{Version: tc.to})
			rep := p.sync(t, p.options())
			requireVerified(t, rep)
			if len(rep.Failures) > 0 || rep.Error != "" {
				t.Errorf("status = %s (%s)", rep.Status, rep.Error)
			}
			tot := rep.Verification.Totals()
			t.Logf("%s → %s: %d objects, %d match, %d documented", tc.from, tc.to, tot.Source, tot.Match, tot.Documented)
			for _, it := range rep.Verification.Items {
				for _, d := range it.Details {
					if d.Kind == "documented" && d.Note == "" {
						t.Errorf("%s %s: documented difference without an explanation", it.Type, d.UID)
					}
				}
			}
			// A second run finds nothing to do.
			rep2 := p.sync(t, p.options())
			requireVerified(t, rep2)
			if c := totals(rep2); c.Created != 0 || c.Updated != 0 || c.Failed != 0 {
				t.Errorf("second run counts = %+v, want nothing created or updated", c)
			}
		})
	}
}

func TestSecondRunAndIncremental(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	t.Parallel()
	p := newPair(t, emulator.Options{Version: "2.40", Seed: "demo", SeedMetadataOnly: true}, emulator.Options{Version: "2.40"})
	first := p.sync(t, p.options())
	requireVerified(t, first)
	writes := p.dst.WriteCounts().Total()

	// A full second run: everything unchanged, nothing written.
	full := p.options()
	full.Full = true
	second := p.sync(t, full)
	if c := totals(second); c.Created != 0 || c.Updated != 0 || c.Unchanged < 1000 {
		t.Errorf("second full run counts = %+v, want 0 created, 0 updated", c)
	}
	if n := p.dst.WriteCounts().Total(); n != writes {
		t.Errorf("second run wrote %d times", n-writes)
	}

	// An incremental run (from the cursor) requests no full export.
	p.src.ResetRequests()
	p.dst.ResetRequests()
	inc := p.sync(t, p.options())
	if !inc.Incremental {
		t.Fatal("the run after a successful one is not incremental")
	}
	if c := totals(inc); c.Created != 0 || c.Updated != 0 {
		t.Errorf("incremental run counts = %+v", c)
	}
	for name, s := range map[string]*emulatortest.Server{"source": p.src, "destination": p.dst} {
		exports := 0
		for _, r := range s.Requests() {
			if r.Method == "GET" && strings.HasSuffix(r.Path, "/metadata") {
				exports++
				if !strings.Contains(r.Query, "filter=") {
					t.Errorf("%s: full export requested in incremental mode: %s?%s", name, r.Path, r.Query)
				}
			}
		}
		if exports == 0 && name == "source" {
			t.Errorf("%s: no export at all", name)
		}
	}
	if n := p.dst.WriteCounts().Total(); n != writes {
		t.Errorf("incremental run without change wrote %d times", n-writes)
	}
}

// TestSyncKeepsRelativePeriods checks that the relative periods of
// visualizations, event visualizations and map views survive a sync across
// the 2.40 gate (flags before, rawPeriods from 2.40) in both directions,
// and to and from 2.39, whose :owner export leaves them out (the export
// and the property filter add transform.UnownedStoredProperties).
// The periods are read back through the API on both sides, not through
// d2sync.
func TestSyncKeepsRelativePeriods(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	t.Parallel()
	for _, tc := range []struct{ from, to string }{{"2.38", "2.41"}, {"2.41", "2.38"}, {"2.39", "2.41"}, {"2.41", "2.39"}, {"2.39", "2.39"}} {
		t.Run(tc.from+"→"+tc.to, func(t *testing.T) {
			t.Parallel()
			p := demoPair(t, tc.from, emulator.Options{Version: tc.to})
			rep := p.sync(t, p.options())
			requireVerified(t, rep)
			src, dst := relativePeriodsOf(t, p.srcCl), relativePeriodsOf(t, p.dstCl)
			set := 0
			for key, want := range src {
				if want != "" {
					set++
				}
				if got := dst[key]; got != want {
					t.Errorf("%s: relative periods %q on the destination, %q on the source", key, got, want)
				}
			}
			if set < 5 {
				t.Errorf("only %d source objects have relative periods: %v", set, src)
			}
		})
	}
}

// relativePeriodsOf reads the true relative period flags of every
// visualization, event visualization and map view of an instance, keyed by
// type and uid.
func relativePeriodsOf(t *testing.T, c *dhis2.Client) map[string]string {
	t.Helper()
	out := map[string]string{}
	flags := func(v any) string {
		m, _ := v.(map[string]any)
		var on []string
		for k, b := range m {
			if b == true {
				on = append(on, k)
			}
		}
		slices.Sort(on)
		return strings.Join(on, ",")
	}
	for _, q := range []struct{ key, fields string }{
		{"visualizations", "id,relativePeriods"},
		{"eventVisualizations", "id,relativePeriods"},
		{"maps", "id,mapViews[id,relativePeriods]"},
	} {
		var doc map[string][]map[string]any
		query := url.Values{"paging": {"false"}, "fields": {q.fields}}
		if err := c.GetJSON(context.Background(), q.key, query, &doc); err != nil {
			t.Fatalf("%s: %v", q.key, err)
		}
		for _, o := range doc[q.key] {
			if q.key != "maps" {
				out[q.key+" "+uidOf(o)] = flags(o["relativePeriods"])
				continue
			}
			views, _ := o["mapViews"].([]any)
			for _, v := range views {
				mv, _ := v.(map[string]any)
				out["mapViews "+uidOf(mv)] = flags(mv["relativePeriods"])
			}
		}
	}
	return out
}
