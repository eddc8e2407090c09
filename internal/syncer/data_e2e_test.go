package syncer

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/d2sync/d2sync/internal/dhis2"
	"github.com/d2sync/d2sync/internal/emulator"
	"github.com/d2sync/d2sync/internal/emulator/emulatortest"
)

// TestDemoToBlankAll replicates the demo instance into a blank one of the
// same version with --scope all (metadata first, then ~250k data values,
// ~23k registrations, then 7k tracked entities, 5k enrollments, 34k
// events, 2k relationships), checks the run's own verification, a
// separate verify run, and that a second run posts no data value and no
// tracker object.
func TestDemoToBlankAll(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	t.Parallel()
	p := newDataPair(t, emulator.Options{Version: "2.40", Seed: "demo"}, emulator.Options{Version: "2.40"})
	rep := p.run(t, p.opts(ScopeAll))
	requireEqual(t, rep, ScopeData)
	requireEqual(t, rep, ScopeTracker)
	for _, c := range []struct {
		scope, prefix string
		min           int
	}{
		{ScopeData, "dataValues:", 200_000}, {ScopeData, "completeDataSetRegistrations:", 20_000},
		{ScopeTracker, "trackedEntities:", 5000}, {ScopeTracker, "enrollments:", 5000},
		{ScopeTracker, "events:", 30_000}, {ScopeTracker, "relationships:", 2000},
	} {
		tot := verifyTotal(rep, c.scope, c.prefix)
		t.Logf("%s %s %+v", c.scope, c.prefix, tot)
		if tot.Match < c.min || tot.Source != tot.Dest || tot.Match != tot.Source {
			t.Errorf("%s %s: %+v, want ≥ %d matching", c.scope, c.prefix, tot, c.min)
		}
	}
	if got, match := p.dst.WriteCounts().DataValues.Imported, verifyTotal(rep, ScopeData, "dataValues:").Match; got != int64(match) {
		t.Errorf("destination imported %d values, verification matched %d", got, match)
	}

	vrep, err := Verify(context.Background(), p.opts(ScopeData, ScopeTracker))
	if err != nil || vrep.Status != StatusSuccess {
		t.Fatalf("verify: %v, status %s", err, vrep.Status)
	}
	if tot := vrep.Verification.Totals(); tot.Missing+tot.Extra+tot.Differ != 0 || tot.Match < 300_000 {
		t.Errorf("verify totals %+v", tot)
	}

	// Second run: nothing posted.
	p.dst.ResetRequests()
	rep2 := p.run(t, p.opts(ScopeData, ScopeTracker))
	requireEqual(t, rep2, ScopeData)
	requireEqual(t, rep2, ScopeTracker)
	for _, path := range []string{"/dataValueSets", "/completeDataSetRegistrations", "/tracker"} {
		if n := countRequests(p.dst, "POST", path); n != 0 {
			t.Errorf("second run posted to %s %d times", path, n)
		}
	}
}

// sourceValues reads values of a data set from an emulator (all org
// units) with the syncer's own reader.
func sourceValues(t testing.TB, p *dataPair, ds string, n int) []dataValue {
	t.Helper()
	var roots []string
	tree, err := readOrgUnits(context.Background(), p.srcCl)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range tree.roots {
		roots = append(roots, r.ID)
	}
	q := url.Values{"dataSet": {ds}, "orgUnit": roots, "children": {"true"}, "startDate": {allStart}, "endDate": {allEnd}}
	rc, err := p.srcCl.Stream(context.Background(), "dataValueSets", q)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var out []dataValue
	err = readDataValueSet(rc, func(v *dataValue) error {
		if len(out) < n {
			out = append(out, *v)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// postValues imports values into an emulator as its admin.
func postValues(t testing.TB, s *emulatortest.Server, vs []dataValue, strategy string) {
	t.Helper()
	b := []byte(`{"dataValues":[`)
	for i := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendDataValue(b, &vs[i])
	}
	b = append(b, "]}"...)
	code, body := post(t, s, "/api/dataValueSets?importStrategy="+strategy, string(b))
	if code != 200 {
		t.Fatalf("post values: %d %s", code, body)
	}
}

// TestDataIncremental changes 10 values, deletes 3 and checks that the
// next run sends exactly those, from the source's lastUpdated cursor.
func TestDataIncremental(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	t.Parallel()
	p := newDataPair(t, emulator.Options{Version: "2.40", Seed: "demo"}, emulator.Options{Version: "2.40"})
	p.run(t, p.opts(ScopeMetadata))
	o := p.opts(ScopeData)
	o.Data.DataSets = []string{"gEDHxA5LlY0", "otbHGfz91nr"}
	requireEqual(t, p.run(t, o), ScopeData)

	changed := sourceValues(t, p, "gEDHxA5LlY0", 13)
	for i := range changed {
		if i < 10 {
			changed[i].Value = fmt.Sprint(1000 + i)
		}
		changed[i].Created, changed[i].LastUpdated = "", "" // the source stamps them now
	}
	postValues(t, p.src, changed[:10], "CREATE_AND_UPDATE")
	postValues(t, p.src, changed[10:], "DELETE")
	p.dst.ResetCounts()
	p.src.ResetRequests()
	rep := p.run(t, o)
	requireEqual(t, rep, ScopeData)
	if !rep.Incremental {
		t.Error("the second run is not incremental")
	}
	wc := p.dst.WriteCounts().DataValues
	if wc.Updated != 10 || wc.Imported != 0 || wc.Deleted != 3 || wc.Ignored != 0 {
		t.Errorf("destination writes %+v, want exactly 10 updated and 3 deleted", wc)
	}
	c := stageOf(rep, ScopeData).Counts["dataValues"]
	if c.Updated != 10 || c.Deleted != 3 || c.Created != 0 {
		t.Errorf("stage counts %+v", c)
	}
	for _, r := range p.src.Requests() {
		if r.Method == "GET" && strings.HasSuffix(r.Path, "/dataValueSets") && !strings.Contains(r.Query, "lastUpdated=") {
			t.Errorf("incremental run read the source in full: %s", r.Query)
		}
	}
	// A full run afterwards finds nothing to send.
	p.dst.ResetCounts()
	o.Full = true
	requireEqual(t, p.run(t, o), ScopeData)
	if wc := p.dst.WriteCounts().DataValues; wc.Updated+wc.Imported+wc.Deleted+wc.Ignored != 0 {
		t.Errorf("full run after the incremental one wrote %+v", wc)
	}
}

// TestDataAsyncAndTimeZones imports with async jobs (polled to their
// report) between instances in different time zones, then runs
// incrementally: values keep their timestamps and verify equal.
func TestDataAsyncAndTimeZones(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	t.Parallel()
	p := newDataPair(t, emulator.Options{Version: "2.39", Seed: "demo", TimeZone: "America/Bogota"},
		emulator.Options{Version: "2.40", TimeZone: "Asia/Kolkata"})
	p.run(t, p.opts(ScopeMetadata))
	o := p.opts(ScopeData)
	o.Data.DataSets = []string{"otbHGfz91nr"}
	o.Data.ChunkValues = 4000
	o.Data.AsyncValues = 1000
	rep := p.run(t, o)
	requireEqual(t, rep, ScopeData)
	async, polls := 0, 0
	for _, r := range p.dst.Requests() {
		if r.Method == "POST" && strings.HasSuffix(r.Path, "/dataValueSets") && strings.Contains(r.Query, "async=true") {
			async++
		}
		if r.Method == "GET" && strings.Contains(r.Path, "/system/task") {
			polls++
		}
	}
	if async == 0 || polls == 0 {
		t.Errorf("%d async imports, %d job polls", async, polls)
	}
	changed := sourceValues(t, p, "otbHGfz91nr", 4)
	for i := range changed {
		changed[i].Value = fmt.Sprint(7000 + i)
		changed[i].Created, changed[i].LastUpdated = "", ""
	}
	postValues(t, p.src, changed, "CREATE_AND_UPDATE")
	p.dst.ResetCounts()
	rep = p.run(t, o)
	requireEqual(t, rep, ScopeData)
	if wc := p.dst.WriteCounts().DataValues; wc.Updated != 4 || wc.Imported != 0 {
		t.Errorf("incremental run across time zones wrote %+v, want 4 updated", wc)
	}
}

// countValues counts the live values an emulator exports for a query.
func countValues(t testing.TB, c *dhis2.Client, q url.Values) int {
	t.Helper()
	rc, err := c.Stream(context.Background(), "dataValueSets", q)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	n := 0
	if err := readDataValueSet(rc, func(v *dataValue) error {
		if !v.Deleted {
			n++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestDataFilters restricts a run to an org unit subtree, a period range
// and one attribute option combo, and checks that exactly the selected
// values reach the destination.
func TestDataFilters(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	t.Parallel()
	p := newDataPair(t, emulator.Options{Version: "2.40", Seed: "demo"}, emulator.Options{Version: "2.40"})
	p.run(t, p.opts(ScopeMetadata))
	const ds = "otbHGfz91nr"
	region := firstRegions(t, p, 1)[0]
	aoc := sourceValues(t, p, ds, 1)[0].AOC
	for _, tc := range []struct {
		name string
		set  func(*DataOptions)
		q    url.Values
	}{
		{"subtree and dates", func(o *DataOptions) {
			o.OrgUnits = []string{region}
			o.StartDate, o.EndDate = "2024-01-01", "2024-06-30"
		},
			url.Values{"orgUnit": {region}, "startDate": {"2024-01-01"}, "endDate": {"2024-06-30"}}},
		{"periods and attribute option combo", func(o *DataOptions) {
			o.Periods = []string{"2024Q3", "2025Q1"}
			o.AttributeOptionCombos = []string{aoc}
		},
			url.Values{"period": {"2024Q3", "2025Q1"}, "attributeOptionCombo": {aoc}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := countValues(t, p.dstCl, url.Values{"dataSet": {ds}, "orgUnit": firstRoots(t, p), "children": {"true"}, "startDate": {allStart}, "endDate": {allEnd}})
			o := p.opts(ScopeData)
			o.Data.DataSets = []string{ds}
			tc.set(&o.Data)
			rep := p.run(t, o)
			requireEqual(t, rep, ScopeData)
			q := url.Values{"dataSet": {ds}, "children": {"true"}}
			for k, v := range tc.q {
				q[k] = v
			}
			if q.Get("orgUnit") == "" {
				q["orgUnit"] = firstRoots(t, p)
			}
			want := countValues(t, p.srcCl, q)
			got := verifyTotal(rep, ScopeData, "dataValues:")
			after := countValues(t, p.dstCl, url.Values{"dataSet": {ds}, "orgUnit": firstRoots(t, p), "children": {"true"}, "startDate": {allStart}, "endDate": {allEnd}})
			if want == 0 || got.Match != want || after-before != want {
				t.Errorf("selected %d values on the source; verified %+v; destination gained %d", want, got, after-before)
			}
		})
	}
}

func firstRoots(t *testing.T, p *dataPair) []string {
	t.Helper()
	tree, err := readOrgUnits(context.Background(), p.srcCl)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range tree.roots {
		out = append(out, r.ID)
	}
	return out
}
