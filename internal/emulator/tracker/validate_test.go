package tracker

import (
	"slices"
	"testing"
)

// TestValidationCodes imports one faulty payload per DHIS2 tracker error
// code after a valid base payload and checks the exact code.
func TestValidationCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		payload string
		params  ImportParams
		want    string
	}{
		{"E1002 TE exists on CREATE", `{"trackedEntities":[{"trackedEntity":"TeAlice0001","trackedEntityType":"TetPerson01","orgUnit":"OuChild0001"}]}`,
			ImportParams{Strategy: StrategyCreate}, "E1002"},
		{"E1063 TE missing on UPDATE", `{"trackedEntities":[{"trackedEntity":"TeMissing01","trackedEntityType":"TetPerson01","orgUnit":"OuChild0001"}]}`,
			ImportParams{Strategy: StrategyUpdate}, "E1063"},
		{"E1005 TET not found", `{"trackedEntities":[{"trackedEntity":"TeNew000001","trackedEntityType":"TetMissing1","orgUnit":"OuChild0001"}]}`, ImportParams{}, "E1005"},
		{"E1006 attribute not found", `{"trackedEntities":[{"trackedEntity":"TeNew000001","trackedEntityType":"TetPerson01","orgUnit":"OuChild0001",
			"attributes":[{"attribute":"AttrMissing","value":"x"}]}]}`, ImportParams{}, "E1006"},
		{"E1007 value type", `{"trackedEntities":[{"trackedEntity":"TeNew000001","trackedEntityType":"TetPerson01","orgUnit":"OuChild0001",
			"attributes":[{"attribute":"AttrAge0001","value":"-3"}]}]}`, ImportParams{}, "E1007"},
		{"E1125 option", `{"trackedEntities":[{"trackedEntity":"TeNew000001","trackedEntityType":"TetPerson01","orgUnit":"OuChild0001",
			"attributes":[{"attribute":"AttrSex0001","value":"X"}]}]}`, ImportParams{}, "E1125"},
		{"E1064 unique attribute", `{"trackedEntities":[{"trackedEntity":"TeNew000001","trackedEntityType":"TetPerson01","orgUnit":"OuChild0001",
			"attributes":[{"attribute":"AttrNatId01","value":"N-1"}]}]}`, ImportParams{}, "E1064"},
		{"E1048 invalid uid", `{"trackedEntities":[{"trackedEntity":"bad_uid","trackedEntityType":"TetPerson01","orgUnit":"OuChild0001"}]}`, ImportParams{}, "E1048"},
		{"E1049 TE org unit missing", `{"trackedEntities":[{"trackedEntity":"TeNew000001","trackedEntityType":"TetPerson01","orgUnit":"OuMissing01"}]}`, ImportParams{}, "E1049"},
		{"E1080 enrollment exists", `{"enrollments":[{"enrollment":"EnAlice0001","trackedEntity":"TeAlice0001","program":"ProgTrack01","orgUnit":"OuChild0001","enrolledAt":"2024-01-10"}]}`,
			ImportParams{Strategy: StrategyCreate}, "E1080"},
		{"E1081 enrollment missing", `{"enrollments":[{"enrollment":"EnMissing01","trackedEntity":"TeAlice0001","program":"ProgTrack01","orgUnit":"OuChild0001","enrolledAt":"2024-01-10"}]}`,
			ImportParams{Strategy: StrategyUpdate}, "E1081"},
		{"E1015 active enrollment exists", `{"enrollments":[{"enrollment":"EnNew000001","trackedEntity":"TeAlice0001","program":"ProgTrack01","orgUnit":"OuChild0001","enrolledAt":"2024-02-10"}]}`,
			ImportParams{}, "E1015"},
		{"E1025 enrolledAt null", `{"enrollments":[{"enrollment":"EnNew000001","trackedEntity":"TeBob000001","program":"ProgTrack01","orgUnit":"OuChild0001"}]}`, ImportParams{}, "E1025"},
		{"E1020 future enrolledAt", `{"enrollments":[{"enrollment":"EnNew000001","trackedEntity":"TeBob000001","program":"ProgTrack01","orgUnit":"OuChild0001","enrolledAt":"2030-01-01"}]}`, ImportParams{}, "E1020"},
		{"E1041 program not in org unit", `{"enrollments":[{"enrollment":"EnNew000001","trackedEntity":"TeBob000001","program":"ProgTrack01","orgUnit":"OuChild0002","enrolledAt":"2024-01-01"}]}`, ImportParams{}, "E1041"},
		{"E1068 TE of enrollment missing", `{"enrollments":[{"enrollment":"EnNew000001","trackedEntity":"TeMissing01","program":"ProgTrack01","orgUnit":"OuChild0001","enrolledAt":"2024-01-01"}]}`, ImportParams{}, "E1068"},
		{"E1014 enrollment in event program", `{"enrollments":[{"enrollment":"EnNew000001","trackedEntity":"TeBob000001","program":"ProgEvent01","orgUnit":"OuChild0001","enrolledAt":"2024-01-01"}]}`, ImportParams{}, "E1014"},
		{"E1019 non-program attribute", `{"enrollments":[{"enrollment":"EnNew000001","trackedEntity":"TeBob000001","program":"ProgTrack01","orgUnit":"OuChild0001","enrolledAt":"2024-01-01",
			"attributes":[{"attribute":"AttrName001","value":"Bob"}]}]}`, ImportParams{}, "E1019"},
		{"E1030 event exists", `{"events":[{"event":"EvAlice0001","programStage":"StageOnce01","enrollment":"EnAlice0001","orgUnit":"OuChild0001","occurredAt":"2024-01-11"}]}`,
			ImportParams{Strategy: StrategyCreate}, "E1030"},
		{"E1032 event missing", `{"events":[{"event":"EvMissing01","programStage":"StageOnce01","enrollment":"EnAlice0001","orgUnit":"OuChild0001","occurredAt":"2024-01-11"}]}`,
			ImportParams{Strategy: StrategyUpdate}, "E1032"},
		{"E1011 event org unit missing", `{"events":[{"event":"EvNew000001","programStage":"StageEvt001","orgUnit":"OuMissing01","occurredAt":"2024-01-11"}]}`, ImportParams{}, "E1011"},
		{"E1013 stage missing", `{"events":[{"event":"EvNew000001","programStage":"StageMissin","orgUnit":"OuChild0001","occurredAt":"2024-01-11"}]}`, ImportParams{}, "E1013"},
		{"E1089 stage not in program", `{"events":[{"event":"EvNew000001","program":"ProgEvent01","programStage":"StageRep001","orgUnit":"OuChild0001","occurredAt":"2024-01-11"}]}`, ImportParams{}, "E1089"},
		{"E1031 occurredAt missing", `{"events":[{"event":"EvNew000001","programStage":"StageEvt001","orgUnit":"OuChild0001"}]}`, ImportParams{}, "E1031"},
		{"E1033 enrollment missing for tracker event", `{"events":[{"event":"EvNew000001","programStage":"StageRep001","orgUnit":"OuChild0001","occurredAt":"2024-01-11"}]}`, ImportParams{}, "E1033"},
		{"E1039 non-repeatable stage", `{"events":[{"event":"EvNew000001","programStage":"StageOnce01","enrollment":"EnAlice0001","orgUnit":"OuChild0001","occurredAt":"2024-01-12"}]}`, ImportParams{}, "E1039"},
		{"E1029 event org unit not in program", `{"events":[{"event":"EvNew000001","programStage":"StageEvt001","orgUnit":"OuLeaf00001","occurredAt":"2024-01-11"}]}`, ImportParams{}, "E1029"},
		{"E1305 data element not in stage", `{"events":[{"event":"EvNew000001","programStage":"StageEvt001","orgUnit":"OuChild0001","occurredAt":"2024-01-11",
			"dataValues":[{"dataElement":"DeOther0001","value":"x"}]}]}`, ImportParams{}, "E1305"},
		{"E1302 data value type", `{"events":[{"event":"EvNew000001","programStage":"StageRep001","enrollment":"EnAlice0001","orgUnit":"OuChild0001","occurredAt":"2024-01-11",
			"dataValues":[{"dataElement":"DeWeight001","value":"heavy"}]}]}`, ImportParams{}, "E1302"},
		{"E4006 relationship type missing", `{"relationships":[{"relationship":"RelNew00001","relationshipType":"RelMissing1",
			"from":{"trackedEntity":{"trackedEntity":"TeAlice0001"}},"to":{"trackedEntity":{"trackedEntity":"TeBob000001"}}}]}`, ImportParams{}, "E4006"},
		{"E4000 self link", `{"relationships":[{"relationship":"RelNew00001","relationshipType":"RelTeTe0001",
			"from":{"trackedEntity":{"trackedEntity":"TeAlice0001"}},"to":{"trackedEntity":{"trackedEntity":"TeAlice0001"}}}]}`, ImportParams{}, "E4000"},
		{"E4012 missing item", `{"relationships":[{"relationship":"RelNew00001","relationshipType":"RelTeTe0001",
			"from":{"trackedEntity":{"trackedEntity":"TeAlice0001"}},"to":{"trackedEntity":{"trackedEntity":"TeMissing01"}}}]}`, ImportParams{}, "E4012"},
		{"E4010 constraint kind", `{"relationships":[{"relationship":"RelNew00001","relationshipType":"RelTeTe0001",
			"from":{"trackedEntity":{"trackedEntity":"TeAlice0001"}},"to":{"event":{"event":"EvAlice0001"}}}]}`, ImportParams{}, "E4010"},
		{"E4001 invalid item", `{"relationships":[{"relationship":"RelNew00001","relationshipType":"RelTeTe0001",
			"from":{"trackedEntity":{"trackedEntity":"TeAlice0001"},"event":{"event":"EvAlice0001"}},"to":{"trackedEntity":{"trackedEntity":"TeBob000001"}}}]}`, ImportParams{}, "E4001"},
		{"E5000 child of rejected parent", `{"trackedEntities":[{"trackedEntity":"TeNew000001","trackedEntityType":"TetMissing1","orgUnit":"OuChild0001",
			"enrollments":[{"enrollment":"EnNew000001","program":"ProgTrack01","orgUnit":"OuChild0001","enrolledAt":"2024-01-01"}]}]}`,
			ImportParams{AtomicMode: AtomicObject}, "E5000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.mustOK(t, basePayload)
			before := b.s.Count()
			r := b.imp(t, tt.payload, tt.params)
			if !slices.Contains(codes(r), tt.want) {
				t.Fatalf("codes = %v, want %s", codes(r), tt.want)
			}
			for _, e := range r.ValidationReport.ErrorReports {
				if e.ErrorCode == Code(tt.want) && (e.Message == "" || e.Message == tt.want) {
					t.Errorf("%s has no message template", tt.want)
				}
			}
			if tt.params.AtomicMode != AtomicObject {
				if r.Status != "ERROR" || r.BundleReport != nil || r.Stats.Ignored != r.Stats.Total {
					t.Errorf("atomic ALL error report: status %s, bundle %v, stats %+v", r.Status, r.BundleReport != nil, r.Stats)
				}
				if after := b.s.Count(); after != before {
					t.Errorf("rejected import changed the store: %+v → %+v", before, after)
				}
			}
		})
	}
}

// TestDeletedObjectsCannotBeReused checks E1082/E1113/E1114 after soft
// deletes, and that DELETE cascades.
func TestDeletedObjectsCannotBeReused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.mustOK(t, basePayload)
	r := b.imp(t, `{"trackedEntities":[{"trackedEntity":"TeAlice0001"}]}`, ImportParams{Strategy: StrategyDelete})
	if r.Status != "OK" || r.Stats.Deleted != 1 {
		t.Fatalf("delete: %s %+v %v", r.Status, r.Stats, codes(r))
	}
	for _, tc := range []struct{ payload, want string }{
		{`{"trackedEntities":[{"trackedEntity":"TeAlice0001","trackedEntityType":"TetPerson01","orgUnit":"OuChild0001"}]}`, "E1114"},
		{`{"enrollments":[{"enrollment":"EnAlice0001","trackedEntity":"TeBob000001","program":"ProgTrack01","orgUnit":"OuChild0001","enrolledAt":"2024-01-10"}]}`, "E1113"},
		{`{"events":[{"event":"EvAlice0001","programStage":"StageEvt001","orgUnit":"OuChild0001","occurredAt":"2024-01-11"}]}`, "E1082"},
	} {
		if got := codes(b.imp(t, tc.payload, ImportParams{})); !slices.Contains(got, tc.want) {
			t.Errorf("codes = %v, want %s", got, tc.want)
		}
	}
}

// TestAtomicObjectCommitsValidOnes checks atomicMode=OBJECT: valid
// objects are committed, invalid ones ignored, status OK.
func TestAtomicObjectCommitsValidOnes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.imp(t, `{"trackedEntities":[{"trackedEntity":"TeGood00001","trackedEntityType":"TetPerson01","orgUnit":"OuChild0001"},
		{"trackedEntity":"TeBad000001","trackedEntityType":"TetMissing1","orgUnit":"OuChild0001"}]}`, ImportParams{AtomicMode: AtomicObject})
	if r.Status != "OK" || r.Stats.Created != 1 || r.Stats.Ignored != 1 || r.Stats.Total != 2 {
		t.Fatalf("report %s %+v", r.Status, r.Stats)
	}
	if c := b.s.Count(); c.TrackedEntities != 1 {
		t.Errorf("stored %d TEs, want 1", c.TrackedEntities)
	}
}

// TestValidateModeWritesNothing checks importMode=VALIDATE.
func TestValidateModeWritesNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.imp(t, basePayload, ImportParams{ImportMode: ModeValidate})
	if r.Status != "OK" || r.HasErrors() || r.Stats.Created != 0 {
		t.Fatalf("report %s %+v %v", r.Status, r.Stats, codes(r))
	}
	if c := b.s.Count(); c != (Counts{}) {
		t.Errorf("VALIDATE stored %+v", c)
	}
}

// TestRelationshipNotUpdated checks that an existing relationship sent
// again (CREATE_AND_UPDATE or UPDATE) is ignored with warning E4015, and
// refused with error E4015 on CREATE.
func TestRelationshipNotUpdated(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.mustOK(t, basePayload)
	rel := `{"relationships":[{"relationship":"RelAB000001","relationshipType":"RelTeTe0001",
		"from":{"trackedEntity":{"trackedEntity":"TeAlice0001"}},"to":{"trackedEntity":{"trackedEntity":"TeBob000001"}}}]}`
	b.mustOK(t, rel)
	for _, s := range []string{StrategyCreateAndUpdate, StrategyUpdate} {
		r := b.imp(t, rel, ImportParams{Strategy: s, ReportMode: ReportFull})
		if r.Status != "OK" || r.HasErrors() || len(r.ValidationReport.WarningReports) != 1 ||
			r.ValidationReport.WarningReports[0].ErrorCode != "E4015" || r.Stats.Ignored != 1 || r.Stats.Created != 0 {
			t.Errorf("%s: status %s stats %+v warnings %+v", s, r.Status, r.Stats, r.ValidationReport.WarningReports)
		}
	}
	if c := b.s.Count(); c.Relationships != 1 {
		t.Errorf("%d relationships stored, want 1", c.Relationships)
	}
	if got := codes(b.imp(t, rel, ImportParams{Strategy: StrategyCreate})); !slices.Contains(got, "E4015") {
		t.Errorf("CREATE codes = %v, want E4015", got)
	}
}

// TestMessageWording checks both wordings of a template.
func TestMessageWording(t *testing.T) {
	t.Parallel()
	if got := message(false, "E1063", "abc"); got != "TrackedEntityInstance: `abc`, does not exist." {
		t.Errorf("old wording = %q", got)
	}
	if got := message(true, "E1063", "abc"); got != "TrackedEntity: `abc`, does not exist." {
		t.Errorf("modern wording = %q", got)
	}
	if got := message(true, "E1048", "EVENT", "x"); got != "Object: `EVENT`, uid: `x`, has an invalid uid format." {
		t.Errorf("fallback to old wording = %q", got)
	}
}

// TestUserRestrictions checks capture scope (E1000) and the cascade
// delete authorities (E1100, E1103) of a non-superuser.
func TestUserRestrictions(t *testing.T) {
	t.Parallel()
	clerk := User{UID: "UserClerk01", Username: "clerk"}
	tests := []struct {
		name    string
		payload string
		p       ImportParams
		want    string
	}{
		{"E1000 outside scope", `{"trackedEntities":[{"trackedEntity":"TeNew000001","trackedEntityType":"TetPerson01","orgUnit":"OuChild0002"}]}`,
			ImportParams{User: clerk, CaptureScope: []string{"OuChild0001"}}, "E1000"},
		{"E1100 TE with enrollments", `{"trackedEntities":[{"trackedEntity":"TeAlice0001"}]}`,
			ImportParams{User: clerk, Strategy: StrategyDelete}, "E1100"},
		{"E1103 enrollment with events", `{"enrollments":[{"enrollment":"EnAlice0001"}]}`,
			ImportParams{User: clerk, Strategy: StrategyDelete}, "E1103"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.mustOK(t, basePayload)
			if got := codes(b.imp(t, tt.payload, tt.p)); !slices.Contains(got, tt.want) {
				t.Errorf("codes = %v, want %s", got, tt.want)
			}
		})
	}
	// Inside the scope (a descendant of a scope unit) is fine.
	b := setup(t)
	r := b.imp(t, `{"trackedEntities":[{"trackedEntity":"TeNew000001","trackedEntityType":"TetPerson01","orgUnit":"OuLeaf00001"}]}`,
		ImportParams{User: clerk, CaptureScope: []string{"OuChild0001"}})
	if r.Status != "OK" || r.HasErrors() {
		t.Errorf("inside scope: %s %v", r.Status, codes(r))
	}
}
