package system

import (
	"slices"
	"testing"
	"time"
)

func TestInterpretationKindsPerVersion(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		version string
		has     []string
		hasNot  []string
	}{
		{"2.30", []string{"chart", "reportTable", "map", "dataSetReport"}, []string{"visualization", "eventVisualization"}},
		{"2.35", []string{"chart", "visualization"}, []string{"eventVisualization"}},
		{"2.37", []string{"visualization", "eventChart"}, []string{"chart", "reportTable", "eventVisualization"}},
		{"2.42", []string{"visualization", "eventVisualization", "eventReport"}, []string{"chart"}},
	} {
		kinds := setup(t, tt.version).sys.InterpretationKinds()
		for _, k := range tt.has {
			if !slices.Contains(kinds, k) {
				t.Errorf("%s lacks %s", tt.version, k)
			}
		}
		for _, k := range tt.hasNot {
			if slices.Contains(kinds, k) {
				t.Errorf("%s has %s", tt.version, k)
			}
		}
	}
}

func TestInterpretationLifecycle(t *testing.T) {
	t.Parallel()
	b := setup(t, "2.40")
	in := b.sys.Interpretations
	it, err := in.Create(alice, "visualization", "Vis00000001", "Malaria cases rise in the north", "", "")
	if err != nil {
		t.Fatal(err)
	}
	if it.CreatedBy.ID != alice.ID || !it.Created.Equal(b.clock.now()) {
		t.Errorf("author/time = %+v %v", it.CreatedBy, it.Created)
	}
	b.clock.advance(time.Minute)
	cm, err := in.AddComment(bob, it.ID, "Confirmed by the district")
	if err != nil || cm.CreatedBy.ID != bob.ID {
		t.Fatalf("comment = %+v, %v", cm, err)
	}
	if err := in.Like(bob, it.ID); err != nil {
		t.Fatal(err)
	}
	mustKind(t, in.Like(bob, it.ID), KindConflict, "Could not add like, user had already liked interpretation")
	mustKind(t, in.Unlike(alice, it.ID), KindConflict, "Could not remove like, user had not previously liked interpretation")
	mustKind(t, in.UpdateText(bob, it.ID, "x"), KindForbidden, "You are not allowed to update this interpretation.")
	mustKind(t, in.UpdateComment(alice, it.ID, cm.ID, "x"), KindForbidden, "You are not allowed to update this comment.")
	if err := in.UpdateText(admin, it.ID, "Edited"); err != nil {
		t.Fatal(err)
	}
	got, _ := in.Get(it.ID)
	m := in.Render(got, alice)
	if m["type"] != "VISUALIZATION" || m["text"] != "Edited" || m["likes"] != 1 || len(m["comments"].([]any)) != 1 ||
		m["visualization"].(map[string]any)["id"] != "Vis00000001" || m["user"] == nil || m["sharing"] == nil {
		t.Errorf("render = %v", m)
	}
	mustKind(t, in.Delete(bob, it.ID), KindForbidden, "")
	if err := in.Delete(alice, it.ID); err != nil {
		t.Fatal(err)
	}
	mustKind(t, in.Delete(alice, it.ID), KindNotFound, "Interpretation does not exist: "+it.ID)
	_, err = in.AddComment(alice, it.ID, "x")
	mustKind(t, err, KindConflict, "Interpretation does not exist: "+it.ID)
}

func TestInterpretationRenderEventVisualization(t *testing.T) {
	t.Parallel()
	in := setup(t, "2.42").sys.Interpretations
	it, _ := in.Create(admin, "eventReport", "EvRep000001", "x", "", "")
	m := in.Render(it, admin)
	if m["eventVisualization"] == nil || m["eventReport"] == nil || m["type"] != "EVENT_REPORT" || m["user"] != nil {
		t.Errorf("render = %v", m)
	}
	ds, _ := in.Create(admin, "dataSetReport", "DataSet0001", "x", "202401", "OrgUnit0001")
	m = in.Render(ds, admin)
	if m["dataSet"] == nil || m["period"].(map[string]any)["id"] != "202401" || m["organisationUnit"] == nil {
		t.Errorf("data set report = %v", m)
	}
}
