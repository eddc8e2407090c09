package syncer

import (
	"context"
	"fmt"
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
		{"verify", []string{ScopeMetadata, ScopeData}, false, nil, nil,
			[]string{"lacks 3 data set(s)", "ccccccccccc (C); replicate the metadata first (d2sync sync --scope metadata,data)"}},
		{"dry run", []string{ScopeMetadata, ScopeData}, true, nil, []string{"aaaaaaaaaaa"},
			[]string{"lacks 2 data set(s)", "ccccccccccc (C); the metadata stage of this run does not plan to create them", "bbbbbbbbbbb (B); the destination's validation of the metadata refused them"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := &Run{Opts: Options{Scopes: c.scopes, DryRun: c.dryRun, Types: c.types}, Report: &Report{Plan: plan, Failures: failures}, VerifyOnly: c.name == "verify"}
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
			if len(c.scopes) > 1 && !r.VerifyOnly && strings.Contains(msg, "--scope metadata,data") {
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

// TestDryRunAllNewOrgUnits checks a dry run of every scope after org
// units were added on the source (one a new region, so a data and
// tracker stream of its own) and given data: the destination, which
// does not know them yet, is never asked about them (DHIS2 answers E2006
// for the values of unknown org units), and the plan is what the real
// run then does.
func TestDryRunAllNewOrgUnits(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	t.Parallel()
	p := newDataPair(t, emulator.Options{Version: "2.40", Seed: "demo"}, emulator.Options{Version: "2.41"})
	p.run(t, p.opts(ScopeAll))

	const ds = "otbHGfz91nr"
	tree, err := readOrgUnits(context.Background(), p.srcCl)
	if err != nil {
		t.Fatal(err)
	}
	root := tree.roots[0]
	region := root.Children[0]
	meta := fmt.Sprintf(`{"organisationUnits":[
	{"id":"newRegion01","name":"New region","shortName":"New region","openingDate":"2020-01-01T00:00:00.000","parent":{"id":%q}},
	{"id":"newClinic01","name":"New clinic","shortName":"New clinic","openingDate":"2020-01-01T00:00:00.000","parent":{"id":"newRegion01"}},
	{"id":"newClinic02","name":"New clinic 2","shortName":"New clinic 2","openingDate":"2020-01-01T00:00:00.000","parent":{"id":%q}}]}`, root.ID, region.ID)
	if code, body := post(t, p.src, "/api/metadata", meta); code != 200 {
		t.Fatalf("org units: %d %s", code, body)
	}
	if code, body := patchJSONTo(t, p, true, "/api/dataSets/"+ds, `[{"op":"add","path":"/organisationUnits/-","value":{"id":"newClinic01"}},
		{"op":"add","path":"/organisationUnits/-","value":{"id":"newClinic02"}}]`); code >= 300 {
		t.Fatalf("data set org units: %d %s", code, body)
	}
	var rows []string
	seen := map[string]bool{}
	for _, v := range sourceValues(t, p, ds, 200) {
		if seen[v.DE+v.PE+v.COC+v.AOC] {
			continue // one value per cell at the new org units
		}
		seen[v.DE+v.PE+v.COC+v.AOC] = true
		for _, ou := range []string{"newClinic01", "newClinic02"} {
			rows = append(rows, fmt.Sprintf(`{"dataElement":%q,"period":%q,"orgUnit":%q,"categoryOptionCombo":%q,"attributeOptionCombo":%q,"value":%q}`,
				v.DE, v.PE, ou, v.COC, v.AOC, v.Value))
		}
	}
	if code, body := post(t, p.src, "/api/dataValueSets", `{"dataValues":[`+strings.Join(rows, ",")+`]}`); code != 200 {
		t.Fatalf("values: %d %s", code, body)
	}

	p.dst.ResetCounts()
	p.dst.ResetRequests()
	dry := p.opts(ScopeAll)
	dry.DryRun = true
	// A full pass first (its chunks and probes name the new org units),
	// then the incremental one the real run compares with (it reads the
	// destination's copies of the changed values by org unit).
	full := dry
	full.Full = true
	var preview *Report
	for _, o := range []Options{full, dry} {
		preview = p.run(t, o)
		if n := p.dst.WriteCounts().Total(); n != 0 {
			t.Fatalf("dry run (full %v): destination write counter = %d, want 0", o.Full, n)
		}
		for _, r := range p.dst.Requests() {
			if r.Method != http.MethodGet || r.Status == http.StatusConflict || r.Status >= 500 {
				t.Errorf("dry run (full %v): %s %s?%s answered %d", o.Full, r.Method, r.Path, r.Query, r.Status)
			}
		}
		if preview.Status != StatusSuccess {
			t.Fatalf("dry run (full %v) status %s: %s", o.Full, preview.Status, preview.Error)
		}
		if got := stageOf(preview, ScopeData).Counts["dataValues"].Created; got != len(rows) || got < 10 {
			t.Errorf("dry run (full %v): %d values to create, want %d", o.Full, got, len(rows))
		}
		p.dst.ResetRequests()
	}
	real := p.run(t, p.opts(ScopeAll))
	requireEqual(t, real, ScopeData)
	requireEqual(t, real, ScopeTracker)
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
	if got := stageOf(preview, ScopeMetadata).Counts["organisationUnits"].Created; got != 3 {
		t.Errorf("the dry run plans %d org units, want 3", got)
	}
}
