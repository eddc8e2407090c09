package tracker

import (
	"strings"
	"sync"
	"testing"
	"time"
)

// testMeta is a small self-consistent tracker metadata set.
func testMeta() map[string][]map[string]any {
	ref := func(id string) map[string]any { return map[string]any{"id": id} }
	refs := func(ids ...string) []any {
		out := []any{}
		for _, id := range ids {
			out = append(out, ref(id))
		}
		return out
	}
	return map[string][]map[string]any{
		"organisationUnits": {{"id": "OuRoot00001"}, {"id": "OuChild0001", "parent": ref("OuRoot00001")},
			{"id": "OuChild0002", "parent": ref("OuRoot00001")}, {"id": "OuLeaf00001", "parent": ref("OuChild0001")}},
		"trackedEntityAttributes": {{"id": "AttrName001", "valueType": "TEXT"}, {"id": "AttrAge0001", "valueType": "INTEGER_ZERO_OR_POSITIVE"},
			{"id": "AttrNatId01", "valueType": "TEXT", "unique": true}, {"id": "AttrSex0001", "valueType": "TEXT", "optionSet": ref("OptSetSex01")}},
		"options":    {{"id": "OptMale0001", "code": "M", "optionSet": ref("OptSetSex01")}, {"id": "OptFemale01", "code": "F", "optionSet": ref("OptSetSex01")}},
		"optionSets": {{"id": "OptSetSex01", "options": refs("OptMale0001", "OptFemale01")}},
		"dataElements": {{"id": "DeWeight001", "valueType": "NUMBER"}, {"id": "DeNote00001", "valueType": "TEXT"},
			{"id": "DeOther0001", "valueType": "TEXT"}},
		"categoryOptionCombos": {{"id": "HllvX50cXC0"}},
		"trackedEntityTypes": {{"id": "TetPerson01", "trackedEntityTypeAttributes": []any{
			map[string]any{"trackedEntityAttribute": ref("AttrName001")}, map[string]any{"trackedEntityAttribute": ref("AttrNatId01")}}},
			{"id": "TetOther001"}},
		"programs": {
			{"id": "ProgTrack01", "programType": "WITH_REGISTRATION", "trackedEntityType": ref("TetPerson01"),
				"organisationUnits": refs("OuChild0001", "OuLeaf00001"), "programStages": refs("StageRep001", "StageOnce01"),
				"programTrackedEntityAttributes": []any{map[string]any{"trackedEntityAttribute": ref("AttrAge0001")},
					map[string]any{"trackedEntityAttribute": ref("AttrSex0001")}}},
			{"id": "ProgOnce001", "programType": "WITH_REGISTRATION", "trackedEntityType": ref("TetPerson01"), "onlyEnrollOnce": true,
				"organisationUnits": refs("OuChild0001")},
			{"id": "ProgEvent01", "programType": "WITHOUT_REGISTRATION", "organisationUnits": refs("OuChild0001", "OuChild0002"),
				"programStages": refs("StageEvt001")},
		},
		"programStages": {
			{"id": "StageRep001", "program": ref("ProgTrack01"), "repeatable": true,
				"programStageDataElements": []any{map[string]any{"dataElement": ref("DeWeight001")}}},
			{"id": "StageOnce01", "program": ref("ProgTrack01"), "repeatable": false,
				"programStageDataElements": []any{map[string]any{"dataElement": ref("DeNote00001")}}},
			{"id": "StageEvt001", "program": ref("ProgEvent01"),
				"programStageDataElements": []any{map[string]any{"dataElement": ref("DeNote00001")}}},
		},
		"relationshipTypes": {
			{"id": "RelTeTe0001", "fromConstraint": map[string]any{"relationshipEntity": "TRACKED_ENTITY_INSTANCE", "trackedEntityType": ref("TetPerson01")},
				"toConstraint": map[string]any{"relationshipEntity": "TRACKED_ENTITY_INSTANCE", "trackedEntityType": ref("TetPerson01")}},
			{"id": "RelTeEv0001", "fromConstraint": map[string]any{"relationshipEntity": "TRACKED_ENTITY_INSTANCE"},
				"toConstraint": map[string]any{"relationshipEntity": "PROGRAM_STAGE_INSTANCE", "programStage": ref("StageEvt001")}},
		},
	}
}

// fakeClock is a settable clock for deterministic timestamps.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type bundleT struct {
	s     *Store
	cat   *Index
	clock *fakeClock
}

func setup(t *testing.T) *bundleT {
	t.Helper()
	clock := &fakeClock{t: time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)}
	return &bundleT{s: New(Options{Clock: clock.now}), cat: NewIndex(testMeta()), clock: clock}
}

// imp decodes and imports a JSON payload.
func (b *bundleT) imp(t *testing.T, payload string, p ImportParams) *Report {
	t.Helper()
	bundle, err := DecodeBundle(strings.NewReader(payload), time.UTC)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if p.User.Username == "" { // the superuser
		p.User = User{UID: "UserAdmin01", Username: "admin"}
		p.CascadeDeleteTE, p.CascadeDeleteEnrollment = true, true
	}
	return b.s.Import(bundle, b.cat, p)
}

// mustOK imports and fails unless the report is OK without errors.
func (b *bundleT) mustOK(t *testing.T, payload string) *Report {
	t.Helper()
	r := b.imp(t, payload, ImportParams{})
	if r.Status != "OK" || r.HasErrors() {
		t.Fatalf("import not OK: %s %+v", r.Status, r.ValidationReport.ErrorReports)
	}
	return r
}

func codes(r *Report) []string {
	var out []string
	for _, e := range r.ValidationReport.ErrorReports {
		out = append(out, string(e.ErrorCode))
	}
	return out
}

// basePayload creates a TE with an enrollment and an event.
const basePayload = `{"trackedEntities":[{"trackedEntity":"TeAlice0001","trackedEntityType":"TetPerson01","orgUnit":"OuChild0001",
 "attributes":[{"attribute":"AttrName001","value":"Alice"},{"attribute":"AttrNatId01","value":"N-1"}],
 "enrollments":[{"enrollment":"EnAlice0001","program":"ProgTrack01","orgUnit":"OuChild0001","enrolledAt":"2024-01-10",
   "attributes":[{"attribute":"AttrAge0001","value":"31"}],
   "events":[{"event":"EvAlice0001","programStage":"StageOnce01","orgUnit":"OuChild0001","occurredAt":"2024-01-11",
     "dataValues":[{"dataElement":"DeNote00001","value":"first"}]}]}]},
 {"trackedEntity":"TeBob000001","trackedEntityType":"TetPerson01","orgUnit":"OuChild0002"}]}`
