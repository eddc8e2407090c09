package syncer

import (
	"errors"
	"testing"

	"github.com/d2sync/d2sync/internal/transform"
)

func selectionPayload() transform.Payload {
	return transform.Payload{
		"organisationUnits": {
			{"id": uid("root"), "path": "/" + uid("root")},
			{"id": uid("north"), "parent": ref(uid("root")), "path": "/" + uid("root") + "/" + uid("north")},
			{"id": uid("south"), "parent": ref(uid("root")), "path": "/" + uid("root") + "/" + uid("south")},
			{"id": uid("clinic"), "parent": ref(uid("north")), "path": "/" + uid("root") + "/" + uid("north") + "/" + uid("clinic")},
		},
		"categoryCombos": {{"id": "bjDvmb4bfuf", "name": "default"}},
		"dataElements":   {{"id": uid("de1"), "categoryCombo": ref("bjDvmb4bfuf")}, {"id": uid("de2"), "categoryCombo": ref("bjDvmb4bfuf")}},
		"dataSets": {
			{"id": uid("dsNorth"), "organisationUnits": refs(uid("clinic"), uid("south")), "dataSetElements": []any{map[string]any{"dataElement": ref(uid("de1"))}}},
			{"id": uid("dsSouth"), "organisationUnits": refs(uid("south")), "dataSetElements": []any{map[string]any{"dataElement": ref(uid("de2"))}}},
		},
	}
}

func uids(p transform.Payload) map[string]bool {
	out := map[string]bool{}
	for _, objs := range p {
		for _, o := range objs {
			out[uidOf(o)] = true
		}
	}
	return out
}

func TestSelection(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		sel  selection
		want []string
	}{
		{"type with dependencies", selection{types: []string{"dataElements"}}, []string{uid("de1"), uid("de2"), "bjDvmb4bfuf"}},
		{"object with dependencies", selection{objects: []ObjectRef{{"dataSets", uid("dsSouth")}}},
			[]string{uid("dsSouth"), uid("de2"), "bjDvmb4bfuf", uid("south"), uid("root")}},
		{"org unit subtree", selection{orgUnit: uid("north")},
			[]string{uid("north"), uid("clinic"), uid("root"), uid("dsNorth"), uid("de1"), "bjDvmb4bfuf"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, _, err := tc.sel.apply(selectionPayload())
			if err != nil {
				t.Fatal(err)
			}
			ids := uids(got)
			if len(ids) != len(tc.want) {
				t.Errorf("selected %v, want %v", ids, tc.want)
			}
			for _, w := range tc.want {
				if !ids[w] {
					t.Errorf("%s not selected (got %v)", w, ids)
				}
			}
		})
	}
	got, ws, err := selection{orgUnit: uid("north")}.apply(selectionPayload())
	if err != nil {
		t.Fatal(err)
	}
	ds := byUID(got["dataSets"])[uid("dsNorth")]
	if ous := ds["organisationUnits"].([]any); len(ous) != 1 || refID(ous[0]) != uid("clinic") {
		t.Errorf("org units outside the subtree kept: %v", ous)
	}
	if len(ws) != 1 {
		t.Errorf("warnings = %v", ws)
	}
	if _, _, err := (selection{objects: []ObjectRef{{"dataSets", uid("nothere")}}}).apply(selectionPayload()); err == nil {
		t.Error("an unknown object must be an error")
	}
}

func TestGuardDeletes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		n, total, max int
		pct           float64
		stop          bool
	}{
		{0, 0, 100, 10, false},
		{5, 2000, 100, 10, false},
		{101, 100000, 100, 10, true},
		{60, 100, 100, 10, true},
		{60, 100, -1, 80, false},
		{1, 100, 0, 10, true},
		{1, 100, 5, 0, true},
		{60, 100, 100, -1, false},
		{10, 100, 100, 10, false},
		{11, 100, 100, 10, true},
	}
	for _, tc := range tests {
		err := guardDeletes(tc.n, tc.total, tc.max, tc.pct)
		if (err != nil) != tc.stop || (err != nil && !errors.Is(err, ErrDeleteGuard)) {
			t.Errorf("guardDeletes(%d, %d, %d, %g) = %v, want stop=%v", tc.n, tc.total, tc.max, tc.pct, err, tc.stop)
		}
	}
}

func TestParseObjectRefs(t *testing.T) {
	t.Parallel()
	got, err := ParseObjectRefs("dataSets:BfMAe6Itzgt, programs:IpHINAT79UW")
	if err != nil || len(got) != 2 || got[1] != (ObjectRef{"programs", "IpHINAT79UW"}) {
		t.Fatalf("ParseObjectRefs = %v, %v", got, err)
	}
	for _, bad := range []string{"dataSets", "dataSets:short", ":BfMAe6Itzgt", "dataSets:1fMAe6Itzgt"} {
		if _, err := ParseObjectRefs(bad); err == nil {
			t.Errorf("ParseObjectRefs(%q) accepted", bad)
		}
	}
}
