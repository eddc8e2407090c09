package emulator

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestTrackerCatalogFromMetadata checks that the tracker's view of the
// metadata store carries what validation needs.
func TestTrackerCatalogFromMetadata(t *testing.T) {
	t.Parallel()
	e, err := New(Options{Version: "2.42"})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	payload := map[string][]map[string]any{
		"organisationUnits": {{"id": "ImspTQPwCqd", "name": "SL", "shortName": "SL", "openingDate": "1970-01-01"},
			{"id": "O6uvpzGd5pu", "name": "Bo", "shortName": "Bo", "openingDate": "1970-01-01", "parent": map[string]any{"id": "ImspTQPwCqd"}}},
		"trackedEntityAttributes": {{"id": "dIVt4l5vIOa", "name": "First name", "shortName": "First name", "valueType": "TEXT", "aggregationType": "NONE", "unique": true}},
		"trackedEntityTypes": {{"id": "Q9GufDoplCL", "name": "Person", "shortName": "Person", "trackedEntityTypeAttributes": []any{
			map[string]any{"trackedEntityAttribute": map[string]any{"id": "dIVt4l5vIOa"}}}}},
		"programs": {{"id": "f1AyMswryyQ", "name": "P", "shortName": "P", "programType": "WITH_REGISTRATION",
			"trackedEntityType": map[string]any{"id": "Q9GufDoplCL"}, "organisationUnits": []any{map[string]any{"id": "O6uvpzGd5pu"}},
			"programTrackedEntityAttributes": []any{map[string]any{"id": "k45TmK2PnUx", "trackedEntityAttribute": map[string]any{"id": "dIVt4l5vIOa"}}},
			"programStages":                  []any{map[string]any{"id": "nlXNK4b7LVr"}}}},
		"programStages": {{"id": "nlXNK4b7LVr", "name": "S", "shortName": "S", "program": map[string]any{"id": "f1AyMswryyQ"}, "repeatable": true}},
	}
	if err := e.importTrusted(payload); err != nil {
		t.Fatal(err)
	}
	cat := e.state.tracker.catalog()
	p, ok := cat.Program("f1AyMswryyQ")
	if !ok || !p.WithRegistration || p.TrackedEntityType != "Q9GufDoplCL" || !p.OrgUnits["O6uvpzGd5pu"] ||
		len(p.Stages) != 1 {
		t.Errorf("program = %+v, %v", p, ok)
	}
	if st, ok := cat.ProgramStage("nlXNK4b7LVr"); !ok || st.Program != "f1AyMswryyQ" || !st.Repeatable {
		t.Errorf("stage = %+v, %v", st, ok)
	}
	if a, ok := cat.Attribute("dIVt4l5vIOa"); !ok || !a.Unique || a.ValueType != "TEXT" {
		t.Errorf("attribute = %+v, %v", a, ok)
	}
	if ou, ok := cat.OrgUnit("O6uvpzGd5pu"); !ok || ou.Path != "/ImspTQPwCqd/O6uvpzGd5pu" {
		t.Errorf("org unit = %+v, %v", ou, ok)
	}
	if tt, ok := cat.TrackedEntityType("Q9GufDoplCL"); !ok || len(tt.Attributes) != 1 {
		t.Errorf("tracked entity type = %+v, %v", tt, ok)
	}
}

// TestSnapshotWithoutTrackerSection opens a data dir whose snapshot was
// written before the tracker section existed: it loads, with no tracker
// data.
func TestSnapshotWithoutTrackerSection(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	e, err := New(Options{Version: "2.41", DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, snapshotFile)
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if f.Name == "tracker.json" {
			continue
		}
		w, _ := zw.Create(f.Name)
		r, _ := f.Open()
		io.Copy(w, r)
		r.Close()
	}
	zw.Close()
	zr.Close()
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	e2, err := New(Options{Version: "2.41", DataDir: dir})
	if err != nil {
		t.Fatalf("snapshot without tracker.json: %v", err)
	}
	defer e2.Close()
	if st := e2.Stats().Tracker; st != (TrackerStats{}) {
		t.Errorf("tracker stats = %+v", st)
	}
}
