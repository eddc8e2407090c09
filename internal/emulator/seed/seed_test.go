package seed

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
)

func TestGenerateNames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		wantErr string
	}{
		{name: "none"},
		{name: "demo"},
		{name: "", wantErr: `unknown seed name, valid names are demo, national, none`},
		{name: "Demo", wantErr: `unknown seed name`},
		{name: "sierra-leone", wantErr: `generate seed "sierra-leone"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			inst, err := Generate(tc.name)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Generate(%q) error = %v, want it to contain %q", tc.name, err, tc.wantErr)
				}
				if inst != nil {
					t.Fatalf("Generate(%q) returned an instance with an error", tc.name)
				}
				return
			}
			if err != nil {
				t.Fatalf("Generate(%q): %v", tc.name, err)
			}
			if inst.Name != tc.name {
				t.Errorf("Name = %q, want %q", inst.Name, tc.name)
			}
		})
	}
}

func TestNoneIsEmpty(t *testing.T) {
	t.Parallel()
	inst, err := Generate(None)
	if err != nil {
		t.Fatal(err)
	}
	if len(inst.Metadata) != 0 || inst.Stats.MetadataObjects != 0 || inst.Stats.DataValues != 0 {
		t.Errorf("none instance is not empty: %s", inst.Stats)
	}
	n := 0
	for range inst.DataValues {
		n++
	}
	for range inst.CompleteRegistrations {
		n++
	}
	for range inst.TrackedEntities {
		n++
	}
	for range inst.Events {
		n++
	}
	for range inst.Relationships {
		n++
	}
	if n != 0 {
		t.Errorf("none instance yielded %d items", n)
	}
}

// digest hashes the metadata JSON and the first and last n items of each
// iterator.
func digest(t *testing.T, inst *Instance, n int, full bool) map[string]string {
	t.Helper()
	out := map[string]string{}
	raw, err := json.Marshal(inst.Metadata)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(raw)
	out["metadata"] = hex.EncodeToString(sum[:])
	out["dataValues"] = hashSeq(inst.DataValues, n, full)
	out["registrations"] = hashSeq(inst.CompleteRegistrations, n, full)
	out["trackedEntities"] = hashSeq(inst.TrackedEntities, n, full)
	out["events"] = hashSeq(inst.Events, n, full)
	out["relationships"] = hashSeq(inst.Relationships, n, full)
	return out
}

// hashSeq hashes the first n items and, when full, the last n items too.
func hashSeq[T any](seq func(func(T) bool), n int, full bool) string {
	h := sha256.New()
	ring := make([]string, 0, n)
	i := 0
	for v := range seq {
		raw := itemBytes(v)
		if i < n {
			h.Write(raw)
		}
		i++
		if !full {
			if i >= n {
				break
			}
			continue
		}
		if len(ring) < n {
			ring = append(ring, string(raw))
		} else {
			ring[i%n] = string(raw)
		}
	}
	for _, s := range ring {
		h.Write([]byte(s))
	}
	fmt.Fprintf(h, "|%d", i)
	return hex.EncodeToString(h.Sum(nil))
}

// itemBytes serialises one iterator item (cheaply for the aggregate types).
func itemBytes(v any) []byte {
	switch x := v.(type) {
	case DataValue:
		return fmt.Appendf(nil, "%s|%s|%s|%s|%s|%s|%s|%s|%d|%d|%t", x.DataElement, x.Period, x.OrgUnit,
			x.CategoryOptionCombo, x.AttributeOptionCombo, x.Value, x.StoredBy, x.Comment,
			x.Created.UnixNano(), x.LastUpdated.UnixNano(), x.FollowUp)
	case Registration:
		return fmt.Appendf(nil, "%s|%s|%s|%s|%s|%d|%t", x.DataSet, x.Period, x.OrgUnit, x.AttributeOptionCombo,
			x.StoredBy, x.Date.UnixNano(), x.Completed)
	}
	raw, _ := json.Marshal(v)
	return raw
}

func TestDeterminism(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		full bool // also hash the last items (iterates everything)
	}{
		{"demo", true},
		{"national", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if tc.name == National && testing.Short() {
				t.Skip("national seed skipped in -short mode")
			}
			var digests [2]map[string]string
			for i := range digests {
				inst, err := Generate(tc.name)
				if i == 0 && tc.name == Demo {
					inst = demo(t) // shared instance: also proves it was not modified by other tests
				}
				if err != nil {
					t.Fatal(err)
				}
				digests[i] = digest(t, inst, 2000, tc.full)
			}
			for k, v := range digests[0] {
				if digests[1][k] != v {
					t.Errorf("%s: %s differs between two generations", tc.name, k)
				}
			}
		})
	}
}

// TestIteratorsRestartAndStop checks that every range starts over, that a
// break stops generation cleanly and that concurrent ranges agree.
func TestIteratorsRestartAndStop(t *testing.T) {
	t.Parallel()
	inst := demo(t)
	first := func() DataValue {
		for dv := range inst.DataValues {
			return dv
		}
		return DataValue{}
	}
	a, b := first(), first()
	if a != b || a.DataElement == "" {
		t.Fatalf("two ranges start differently: %+v vs %+v", a, b)
	}
	var wg sync.WaitGroup
	hashes := make([]string, 4)
	for i := range hashes {
		wg.Go(func() { hashes[i] = hashSeq(inst.DataValues, 5000, false) })
	}
	wg.Wait()
	for i := range hashes {
		if hashes[i] != hashes[0] {
			t.Fatalf("concurrent range %d differs", i)
		}
	}
}

func TestStatsMatchIterators(t *testing.T) {
	t.Parallel()
	inst := demo(t)
	count := func(seq func(func(DataValue) bool)) int {
		n := 0
		for range seq {
			n++
		}
		return n
	}
	if got := count(inst.DataValues); got != inst.Stats.DataValues {
		t.Errorf("DataValues yields %d, Stats says %d", got, inst.Stats.DataValues)
	}
	regs := 0
	for range inst.CompleteRegistrations {
		regs++
	}
	if regs != inst.Stats.CompleteRegistrations {
		t.Errorf("CompleteRegistrations yields %d, Stats says %d", regs, inst.Stats.CompleteRegistrations)
	}
	for typ, objs := range inst.Metadata {
		if inst.Stats.Metadata[typ] != len(objs) {
			t.Errorf("Stats.Metadata[%s] = %d, want %d", typ, inst.Stats.Metadata[typ], len(objs))
		}
	}
}

func TestCounts(t *testing.T) {
	t.Parallel()
	type bounds struct{ lo, hi int }
	tests := []struct {
		seed string
		want map[string]bounds
	}{
		{"demo", map[string]bounds{
			"organisationUnits": {990, 1010}, "organisationUnitLevels": {4, 4}, "dataElements": {85, 110},
			"dataSets": {5, 5}, "indicators": {20, 30}, "users": {12, 20}, "programs": {2, 2},
			"categoryOptionCombos": {10, 30}, "visualizations": {8, 15}, "maps": {2, 5}, "eventVisualizations": {2, 5},
			"dashboards": {3, 6}, "validationRules": {8, 20}, "predictors": {1, 4}, "programRules": {5, 15},
			"programIndicators": {5, 15}, "relationshipTypes": {1, 2}, "userRoles": {3, 8}, "userGroups": {3, 6},
			"constants": {1, 3}, "sqlViews": {1, 3}, "optionSets": {5, 15}, "legendSets": {2, 6},
			"dataValues": {200000, 280000}, "registrations": {15000, 40000},
		}},
		{"national", map[string]bounds{
			"organisationUnits": {10000, 12000}, "dataElements": {85, 110},
			"dataValues": {2000000, 3000000},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.seed, func(t *testing.T) {
			t.Parallel()
			inst := demo(t)
			if tc.seed != Demo {
				if testing.Short() {
					t.Skip("national seed skipped in -short mode")
				}
				var err error
				if inst, err = Generate(tc.seed); err != nil {
					t.Fatal(err)
				}
			}
			for key, b := range tc.want {
				got := inst.Stats.Metadata[key]
				switch key {
				case "dataValues":
					got = inst.Stats.DataValues
				case "registrations":
					got = inst.Stats.CompleteRegistrations
				}
				if got < b.lo || got > b.hi {
					t.Errorf("%s: %s = %d, want %d..%d", tc.seed, key, got, b.lo, b.hi)
				}
			}
		})
	}
}

// TestKnownTypes checks that only DHIS2 2.42 metadata types are used and
// that the legacy analytics types are absent.
func TestKnownTypes(t *testing.T) {
	t.Parallel()
	known := strings.Fields(`attributes userRoles users userGroups expressionDimensionItems sqlViews constants options
		optionSets optionGroups optionGroupSets legendSets organisationUnits organisationUnitLevels organisationUnitGroups
		organisationUnitGroupSets categoryOptions categoryOptionGroups categoryOptionGroupSets categories categoryCombos
		categoryOptionCombos dataElements dataElementGroups dataElementGroupSets indicatorTypes indicators indicatorGroups
		indicatorGroupSets dataEntryForms dataSets dataSetNotificationTemplates sections dataApprovalLevels
		dataApprovalWorkflows validationRules validationRuleGroups validationNotificationTemplates trackedEntityAttributes
		trackedEntityTypes programNotificationTemplates programStageSections programStages programs programSections
		programIndicators programIndicatorGroups programRuleVariables relationshipTypes programRuleActions programRules
		mapViews documents eventVisualizations maps reports visualizations predictors predictorGroups dashboards`)
	ok := map[string]bool{}
	for _, k := range known {
		ok[k] = true
	}
	for typ := range demo(t).Metadata {
		if !ok[typ] {
			t.Errorf("type %q is not a DHIS2 2.42 metadata type (or is a legacy one)", typ)
		}
	}
}
