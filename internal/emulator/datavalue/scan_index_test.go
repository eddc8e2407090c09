package datavalue

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// TestScanIndexMatchesFullScan checks that queries filtered on data
// elements or org units (served from the posting lists) return the same
// values, in the same order, as a filter over every stored value.
func TestScanIndexMatchesFullScan(t *testing.T) {
	t.Parallel()
	s := New()
	rng := rand.New(rand.NewPCG(1, 2))
	des := []string{"deA", "deB", "deC", "deD"}
	ous := []string{"ou1", "ou2", "ou3", "ou4", "ou5"}
	pes := []string{"202401", "202402", "202403", "2024Q1"}
	var all []DataValue
	for i := 0; i < 600; i++ {
		dv := DataValue{DataElement: des[rng.IntN(len(des))], Period: pes[rng.IntN(len(pes))], OrgUnit: ous[rng.IntN(len(ous))],
			CategoryOptionCombo: fmt.Sprint("coc", rng.IntN(3)), AttributeOptionCombo: fmt.Sprint("aoc", rng.IntN(2)),
			Value: fmt.Sprint(i), LastUpdated: time.UnixMilli(int64(i)), Deleted: rng.IntN(10) == 0}
		if err := s.Put(dv); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Scan(Query{IncludeDeleted: true}, func(dv *DataValue) error { all = append(all, *dv); return nil }); err != nil {
		t.Fatal(err)
	}
	for _, q := range []Query{
		{DataElements: []string{"deA"}},
		{DataElements: []string{"deA", "deC", "deA"}, OrgUnits: []string{"ou2"}},
		{OrgUnits: []string{"ou1", "ou4", "ou1"}, IncludeDeleted: true},
		{DataElements: des, OrgUnits: ous, Periods: []string{"202402"}, Limit: 7},
		{DataElements: []string{"nope"}},
		{OrgUnits: []string{"nope", "ou3"}, AttributeOptionCombos: []string{"aoc1"}, LastUpdated: time.UnixMilli(300)},
	} {
		var got, want []DataValue
		if err := s.Scan(q, func(dv *DataValue) error { got = append(got, *dv); return nil }); err != nil {
			t.Fatal(err)
		}
		for _, dv := range all {
			if (dv.Deleted && !q.IncludeDeleted) || dv.LastUpdated.Before(q.LastUpdated) ||
				(q.DataElements != nil && !slices.Contains(q.DataElements, dv.DataElement)) ||
				(q.OrgUnits != nil && !slices.Contains(q.OrgUnits, dv.OrgUnit)) ||
				(q.Periods != nil && !slices.Contains(q.Periods, dv.Period)) ||
				(q.AttributeOptionCombos != nil && !slices.Contains(q.AttributeOptionCombos, dv.AttributeOptionCombo)) {
				continue
			}
			want = append(want, dv)
		}
		if q.Limit > 0 && len(want) > q.Limit {
			want = want[:q.Limit]
		}
		if len(got) == 0 && len(want) == 0 {
			continue
		}
		if !slices.Equal(got, want) {
			t.Errorf("%+v: got %d values, want %d (or another order)", q, len(got), len(want))
		}
	}
}
