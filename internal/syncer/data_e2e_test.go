package syncer

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator"
	"github.com/d2sync/d2sync/internal/emulator/emulatortest"
)

// TestDataDemoToBlank replicates the demo instance (metadata first, then
// ~250k data values and ~23k registrations) into a blank one of the same
// version and checks the verification, then that a second run posts no
// data value at all.
func TestDataDemoToBlank(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	t.Parallel()
	p := newDataPair(t, emulator.Options{Version: "2.40", Seed: "demo"}, emulator.Options{Version: "2.40"})
	rep := p.run(t, p.opts(ScopeMetadata, ScopeData))
	requireEqual(t, rep, ScopeData)
	values := verifyTotal(rep, ScopeData, "dataValues:")
	regs := verifyTotal(rep, ScopeData, "completeDataSetRegistrations:")
	t.Logf("values %+v", values)
	t.Logf("registrations %+v", regs)
	if values.Match < 200_000 || values.Source != values.Dest {
		t.Errorf("values: %+v, want > 200,000 matching", values)
	}
	if regs.Match < 20_000 {
		t.Errorf("registrations: %+v, want > 20,000 matching", regs)
	}
	if got := p.dst.WriteCounts().DataValues.Imported; got != int64(values.Match) {
		t.Errorf("destination imported %d values, verification matched %d", got, values.Match)
	}

	// Second run: nothing posted.
	p.dst.ResetRequests()
	rep2 := p.run(t, p.opts(ScopeData))
	requireEqual(t, rep2, ScopeData)
	if n := countRequests(p.dst, "POST", "/dataValueSets"); n != 0 {
		t.Errorf("second run posted %d data value sets", n)
	}
	if n := countRequests(p.dst, "POST", "/completeDataSetRegistrations"); n != 0 {
		t.Errorf("second run posted %d registration sets", n)
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
