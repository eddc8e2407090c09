package syncer

import (
	"context"
	"net/http"
	"strings"
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
	if preview.Status != StatusSuccess {
		t.Fatalf("dry run status %s: %s", preview.Status, preview.Error)
	}
	for _, s := range preview.Stages {
		t.Logf("dry run: stage %s %s %s", s.Name, s.Status, s.Note)
		if s.Status != StatusSuccess {
			t.Errorf("dry run: stage %s: %s (%s)", s.Name, s.Status, s.Note)
		}
	}
	p.dst.ResetRequests()
	real := p.run(t, p.opts(ScopeAll))
	requireEqual(t, real, ScopeData)
	requireEqual(t, real, ScopeTracker)
	// Every stage's counts, metadata and system included, are what the
	// dry run planned.
	if len(real.Stages) != len(preview.Stages) {
		t.Fatalf("the dry run has %d stages, the real run %d", len(preview.Stages), len(real.Stages))
	}
	for i, s := range real.Stages {
		for typ, got := range s.Counts {
			want := preview.Stages[i].Counts[typ]
			if got.Created != want.Created || got.Updated != want.Updated || got.Deleted != want.Deleted || got.Unchanged != want.Unchanged {
				t.Errorf("%s %s: real run %+v, dry run planned %+v", s.Name, typ, got, want)
			}
		}
	}
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

// TestLacksErrorSaysWhy checks the wording of the error of a data or
// tracker stage whose data sets or programs the destination lacks.
func TestLacksErrorSaysWhy(t *testing.T) {
	plan := &Plan{Types: []*TypePlan{{Type: "dataSets", Create: []PlanItem{{UID: "aaaaaaaaaaa"}, {UID: "bbbbbbbbbbb"}}}}}
	lacked := []lackedObject{{"aaaaaaaaaaa", "A"}, {"bbbbbbbbbbb", "B"}, {"ccccccccccc", "C"}}
	failures := []Failure{{Scope: ScopeMetadata, Type: "dataSets", UID: "bbbbbbbbbbb"}}
	for _, c := range []struct {
		name    string
		scopes  []string
		dryRun  bool
		types   []string
		planned []string
		want    []string
	}{
		{"no metadata scope", []string{ScopeData}, false, nil, nil,
			[]string{"lacks 3 data set(s)", "aaaaaaaaaaa (A), bbbbbbbbbbb (B), ccccccccccc (C); replicate the metadata first (--scope metadata,data)"}},
		{"real run", []string{ScopeMetadata, ScopeData}, false, []string{"dataElements"}, nil,
			[]string{"ccccccccccc (C); the metadata stage of this run does not cover them: its selection (--types", "bbbbbbbbbbb (B); the metadata stage of this run failed to create them",
				"aaaaaaaaaaa (A); the metadata stage of this run reported them created"}},
		{"dry run", []string{ScopeMetadata, ScopeData}, true, nil, []string{"aaaaaaaaaaa"},
			[]string{"lacks 2 data set(s)", "ccccccccccc (C); the metadata stage of this run does not plan to create them", "bbbbbbbbbbb (B); the destination's validation of the metadata refused them"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := &Run{Opts: Options{Scopes: c.scopes, DryRun: c.dryRun, Types: c.types}, Report: &Report{Plan: plan, Failures: failures}}
			planned, left := r.plannedByMetadata("dataSets", lacked)
			if len(planned) != len(c.planned) {
				t.Errorf("planned %v, want %v", planned, c.planned)
			}
			for _, id := range c.planned {
				if !planned[id] {
					t.Errorf("planned %v, want %v", planned, c.planned)
				}
			}
			msg := r.lacksError("dataSets", "data set(s)", ScopeData, left).Error()
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q\nlacks %q", msg, w)
				}
			}
			if len(c.scopes) > 1 && strings.Contains(msg, "--scope metadata,data") {
				t.Errorf("error %q tells a run with the metadata scope to add it", msg)
			}
		})
	}
}

// TestDryRunWithoutTheDataSetsMetadataFails checks that a dry run whose
// metadata stage leaves the data sets (or programs) out still stops with
// an error saying so.
func TestDryRunWithoutTheDataSetsMetadataFails(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	t.Parallel()
	p := newDataPair(t, emulator.Options{Version: "2.40", Seed: "demo"}, emulator.Options{Version: "2.41"})
	for _, c := range []struct {
		scope, want string
	}{
		{ScopeData, "data: the destination lacks"}, {ScopeTracker, "tracker: the destination lacks"},
	} {
		o := p.opts(ScopeMetadata, c.scope)
		o.DryRun = true
		o.Types = []string{"organisationUnits"}
		rep, err := Sync(context.Background(), o)
		t.Logf("%s: %v", c.scope, err)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "the metadata stage of this run does not cover them: its selection") {
			t.Errorf("%s: error %v, want the destination's lack explained", c.scope, err)
		} else if rep.Status != StatusFailed {
			t.Errorf("%s: status %s", c.scope, rep.Status)
		}
	}
	if n := p.dst.WriteCounts().Total(); n != 0 {
		t.Errorf("destination write counter = %d, want 0", n)
	}
}
