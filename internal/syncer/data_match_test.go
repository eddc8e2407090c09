package syncer

import "testing"

// TestMatchDest checks that matching by position and by key agree: same
// order, another order, values missing or added on the destination.
func TestMatchDest(t *testing.T) {
	t.Parallel()
	val := func(ou, value string) *dataValue {
		return &dataValue{DE: "de", PE: "202401", OU: ou, COC: "coc", AOC: "aoc", Value: value}
	}
	live := []*dataValue{val("a", "1"), val("b", "2"), val("c", "3")}
	for name, dst := range map[string][]*dataValue{
		"same order":    {val("a", "1"), val("b", "2"), val("c", "3")},
		"other order":   {val("c", "3"), val("a", "1"), val("b", "2")},
		"one missing":   {val("a", "1"), val("c", "3")},
		"one more":      {val("a", "1"), val("x", "9"), val("b", "2"), val("c", "3")},
		"more at end":   {val("a", "1"), val("b", "2"), val("c", "3"), val("x", "9")},
		"empty":         nil,
		"only the last": {val("c", "3")},
	} {
		dv := &destValues{list: dst}
		match := matchDest(live, dv)
		for i, v := range live {
			var want *dataValue
			for _, d := range dst {
				if d.dvKey() == v.dvKey() {
					want = d
				}
			}
			if match[i] != want {
				t.Errorf("%s: value %d matched %v, want %v", name, i, match[i], want)
			}
		}
		if got := len((&destValues{list: dst}).values()); got != len(dst) {
			t.Errorf("%s: values() lists %d, want %d", name, got, len(dst))
		}
	}
	dup := &destValues{list: []*dataValue{val("a", "1"), val("a", "2")}}
	if dup.get(live[0].dvKey()).Value != "2" || len(dup.values()) != 1 {
		t.Errorf("a repeated key keeps the last value, once")
	}
}
