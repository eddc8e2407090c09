package syncer

import (
	"strings"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator"
)

// TestDataRunNeedsOnlyDataAuthority: a data run signs in on the
// destination as a user who may import data values but not metadata
// (F_DATAVALUE_ADD only) and completes; a metadata run as that user stops
// before any write, saying which authority is missing.
func TestDataRunNeedsOnlyDataAuthority(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	t.Parallel()
	clerk := emulator.UserSpec{Username: "clerk", Password: "Clerk#2024", Authorities: []string{"F_DATAVALUE_ADD"}}
	p := newDataPair(t, emulator.Options{Version: "2.40", Seed: "demo"}, emulator.Options{Version: "2.40", Users: []emulator.UserSpec{clerk}})
	if rep := p.run(t, p.opts(ScopeMetadata)); rep.Status == StatusFailed {
		t.Fatalf("metadata as the superuser: %s", rep.Error)
	}
	limited := newClient(t, "destination", p.dst.URL, clerk.Username, clerk.Password)

	o := p.opts(ScopeData)
	o.Dest = limited
	o.Data.DataSets = []string{"otbHGfz91nr"}
	rep := p.run(t, o)
	if rep.Status != StatusSuccess {
		t.Fatalf("data run as %s: status %s (%s)", clerk.Username, rep.Status, rep.Error)
	}
	requireEqual(t, rep, ScopeData)

	writes := p.dst.WriteCounts().Total()
	o = p.opts(ScopeMetadata)
	o.Dest = limited
	o.Full = true
	rep, _ = Sync(t.Context(), o)
	if rep.Status != StatusFailed || !strings.Contains(rep.Error, "F_METADATA_IMPORT") {
		t.Errorf("metadata run as %s: status %s, error %q; want FAILED naming F_METADATA_IMPORT", clerk.Username, rep.Status, rep.Error)
	}
	if n := p.dst.WriteCounts().Total(); n != writes {
		t.Errorf("the refused metadata run wrote %d times", n-writes)
	}
}
