package syncer

import (
	"testing"

	"github.com/d2sync/d2sync/internal/emulator"
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
