package syncer

import (
	"net/http"
	"testing"

	"github.com/d2sync/d2sync/internal/emulator"
)

// TestDryRunAllToBlank checks that a dry run of every scope against a
// blank destination plans the data values, registrations and tracker
// objects of the data sets and programs its metadata stage plans to
// create, writes nothing (and never asks the destination about those
// data sets and programs), and that its counts are what the real run
// then creates.
func TestDryRunAllToBlank(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	t.Parallel()
	p := newDataPair(t, emulator.Options{Version: "2.40", Seed: "demo"}, emulator.Options{Version: "2.41"})
	dry := p.opts(ScopeAll)
	dry.DryRun = true
	preview := p.run(t, dry)
	t.Logf("dry run: status %s, %d warnings, %d failures", preview.Status, len(preview.Warnings), len(preview.Failures))
	if n := p.dst.WriteCounts().Total(); n != 0 {
		t.Fatalf("dry run: destination write counter = %d, want 0", n)
	}
	for _, r := range p.dst.Requests() {
		if r.Method != http.MethodGet {
			t.Errorf("dry run sent %s %s", r.Method, r.Path)
		}
		if r.Status == http.StatusConflict || r.Status >= 500 {
			t.Errorf("dry run: destination answered %d to %s %s?%s", r.Status, r.Method, r.Path, r.Query)
		}
	}
	for _, f := range preview.Failures {
		t.Errorf("dry run failure: %+v", f)
	}
	if preview.Status == StatusFailed {
		t.Fatalf("dry run status %s: %s", preview.Status, preview.Error)
	}
	p.dst.ResetRequests()
	real := p.run(t, p.opts(ScopeAll))
	requireEqual(t, real, ScopeData)
	requireEqual(t, real, ScopeTracker)
	for _, c := range []struct {
		scope, typ string
		min        int
	}{
		{ScopeData, "dataValues", 200_000}, {ScopeData, "completeDataSetRegistrations", 20_000},
		{ScopeTracker, "trackedEntities", 5000}, {ScopeTracker, "enrollments", 5000},
		{ScopeTracker, "events", 30_000}, {ScopeTracker, "relationships", 2000},
	} {
		want, got := stageOf(preview, c.scope).Counts[c.typ], stageOf(real, c.scope).Counts[c.typ]
		t.Logf("%s %s: planned %+v, real %+v", c.scope, c.typ, want, got)
		if got.Created < c.min || want.Created != got.Created || want.Updated != got.Updated || want.Unchanged != got.Unchanged {
			t.Errorf("%s %s: the dry run planned %+v, the real run did %+v (want ≥ %d created)", c.scope, c.typ, want, got, c.min)
		}
	}
}
