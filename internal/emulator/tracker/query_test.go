package tracker

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
)

// manyTEs imports n TEs, one clock tick apart.
func (b *bundleT) manyTEs(t *testing.T, n int) {
	t.Helper()
	for i := range n {
		b.mustOK(t, fmt.Sprintf(`{"trackedEntities":[{"trackedEntity":"TeMany%05d","trackedEntityType":"TetPerson01","orgUnit":"OuLeaf00001"}]}`, i))
		b.clock.advance(time.Minute)
	}
}

func uids(res *Result, key string) []string {
	var out []string
	for _, it := range res.Items {
		out = append(out, it[key].(string))
	}
	return out
}

func TestQueryPagingAndOrder(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.manyTEs(t, 7)
	tests := []struct {
		name    string
		q       Query
		want    []string
		total   int
		hasNext bool
	}{
		{"newest first, page 1", Query{Kind: KindTrackedEntity, PageSize: 3}, []string{"TeMany00006", "TeMany00005", "TeMany00004"}, 7, true},
		{"page 3", Query{Kind: KindTrackedEntity, PageSize: 3, Page: 3}, []string{"TeMany00000"}, 7, false},
		{"past the end", Query{Kind: KindTrackedEntity, PageSize: 3, Page: 9}, nil, 7, false},
		{"order createdAt asc", Query{Kind: KindTrackedEntity, PageSize: 2, Order: ParseOrder("createdAt:asc")}, []string{"TeMany00000", "TeMany00001"}, 7, true},
		{"no paging", Query{Kind: KindTrackedEntity, NoPaging: true, UIDs: []string{"TeMany00002", "TeMany00003"}}, []string{"TeMany00003", "TeMany00002"}, 2, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := b.s.Find(tt.q, b.cat, ShapeNew, ParseFields("trackedEntity"))
			if err != nil {
				t.Fatal(err)
			}
			if got := uids(res, "trackedEntity"); strings.Join(got, ",") != strings.Join(tt.want, ",") || res.Total != tt.total || res.HasNext != tt.hasNext {
				t.Errorf("got %v total %d next %v, want %v total %d next %v", got, res.Total, res.HasNext, tt.want, tt.total, tt.hasNext)
			}
		})
	}
}

func TestQueryUpdatedAfterAndDeleted(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.mustOK(t, basePayload)
	b.clock.advance(time.Hour)
	mark := b.clock.now()
	b.clock.advance(time.Minute)
	// A new event on Alice's enrollment bubbles up to Alice's updatedAt.
	b.mustOK(t, `{"events":[{"event":"EvAlice0002","programStage":"StageRep001","enrollment":"EnAlice0001","orgUnit":"OuChild0001","occurredAt":"2024-02-01"}]}`)
	res, err := b.s.Find(Query{Kind: KindTrackedEntity, UpdatedAfter: &mark}, b.cat, ShapeNew, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := uids(res, "trackedEntity"); len(got) != 1 || got[0] != "TeAlice0001" {
		t.Fatalf("updatedAfter = %v, want [TeAlice0001] (updatedAt bubbles up)", got)
	}
	b.imp(t, `{"trackedEntities":[{"trackedEntity":"TeBob000001"}]}`, ImportParams{Strategy: StrategyDelete})
	for _, tc := range []struct {
		deleted bool
		want    int
	}{{false, 1}, {true, 2}} {
		res, _ := b.s.Find(Query{Kind: KindTrackedEntity, IncludeDeleted: tc.deleted}, b.cat, ShapeNew, nil)
		if res.Total != tc.want {
			t.Errorf("includeDeleted=%v: %d TEs, want %d", tc.deleted, res.Total, tc.want)
		}
	}
	if _, ok := b.s.Get(KindTrackedEntity, "TeBob000001", b.cat, ShapeNew, nil, false); ok {
		t.Error("deleted TE visible without includeDeleted")
	}
	got, ok := b.s.Get(KindTrackedEntity, "TeBob000001", b.cat, ShapeNew, nil, true)
	if !ok || got["deleted"] != true {
		t.Errorf("deleted TE with includeDeleted = %v, %v", got, ok)
	}
}

func TestQueryOrgUnitModes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.mustOK(t, basePayload)
	b.manyTEs(t, 1) // in OuLeaf00001 under OuChild0001
	for _, tc := range []struct {
		mode string
		ou   string
		want int
	}{
		{OUSelected, "OuChild0001", 1}, {OUChildren, "OuChild0001", 2}, {OUDescendants, "OuRoot00001", 3},
		{OUSelected, "OuRoot00001", 0}, {OUAll, "", 3},
	} {
		q := Query{Kind: KindTrackedEntity, OrgUnitMode: tc.mode}
		if tc.ou != "" {
			q.OrgUnits = []string{tc.ou}
		}
		res, err := b.s.Find(q, b.cat, ShapeNew, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != tc.want {
			t.Errorf("%s %s: %d TEs, want %d", tc.mode, tc.ou, res.Total, tc.want)
		}
	}
	if _, err := b.s.Find(Query{Kind: KindTrackedEntity, OrgUnits: []string{"OuMissing01"}}, b.cat, ShapeNew, nil); err == nil {
		t.Error("unknown org unit accepted")
	}
}

func TestRenderShapes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.mustOK(t, basePayload)
	f := ParseFields("*")
	newTE, _ := b.s.Get(KindTrackedEntity, "TeAlice0001", b.cat, ShapeNew, f, false)
	oldTE, _ := b.s.Get(KindTrackedEntity, "TeAlice0001", b.cat, ShapeOld, f, false)
	for _, k := range []string{"trackedEntity", "createdAt", "updatedAt", "enrollments", "programOwners", "attributes"} {
		if _, ok := newTE[k]; !ok {
			t.Errorf("new TE lacks %s", k)
		}
	}
	for _, k := range []string{"trackedEntityInstance", "created", "lastUpdated", "enrollments", "programOwners"} {
		if _, ok := oldTE[k]; !ok {
			t.Errorf("old TE lacks %s", k)
		}
	}
	en := newTE["enrollments"].([]any)[0].(map[string]any)
	ev := en["events"].([]any)[0].(map[string]any)
	if en["enrolledAt"] != "2024-01-10T00:00:00.000" || ev["occurredAt"] != "2024-01-11T00:00:00.000" || ev["trackedEntity"] != "TeAlice0001" {
		t.Errorf("new enrollment/event: %v / %v", en["enrolledAt"], ev)
	}
	oen := oldTE["enrollments"].([]any)[0].(map[string]any)
	oev := oen["events"].([]any)[0].(map[string]any)
	if oen["enrollmentDate"] != "2024-01-10T00:00:00.000" || oev["eventDate"] != "2024-01-11T00:00:00.000" || oev["trackedEntityInstance"] != "TeAlice0001" {
		t.Errorf("old enrollment/event: %v / %v", oen, oev)
	}
	owner := newTE["programOwners"].([]any)[0].(map[string]any)
	if owner["orgUnit"] != "OuChild0001" || owner["program"] != "ProgTrack01" {
		t.Errorf("program owner = %v", owner)
	}
	sub, _ := b.s.Get(KindTrackedEntity, "TeAlice0001", b.cat, ShapeNew, ParseFields("trackedEntity,enrollments[enrollment,events[event]]"), false)
	if len(sub) != 2 || len(sub["enrollments"].([]any)[0].(map[string]any)) != 2 {
		t.Errorf("nested field filter = %v", sub)
	}
}

func TestSnapshotRoundTrip(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.mustOK(t, basePayload)
	b.mustOK(t, `{"relationships":[{"relationship":"RelAB000001","relationshipType":"RelTeTe0001",
		"from":{"trackedEntity":{"trackedEntity":"TeAlice0001"}},"to":{"trackedEntity":{"trackedEntity":"TeBob000001"}}}]}`)
	var buf bytes.Buffer
	if err := b.s.Snapshot(&buf); err != nil {
		t.Fatal(err)
	}
	s2 := New(Options{})
	if err := s2.Restore(&buf); err != nil {
		t.Fatal(err)
	}
	if s2.Count() != b.s.Count() {
		t.Fatalf("restored %+v, want %+v", s2.Count(), b.s.Count())
	}
	f := ParseFields("*")
	a, _ := b.s.Get(KindTrackedEntity, "TeAlice0001", b.cat, ShapeNew, f, false)
	c, _ := s2.Get(KindTrackedEntity, "TeAlice0001", b.cat, ShapeNew, f, false)
	if fmt.Sprint(a) != fmt.Sprint(c) {
		t.Errorf("restored TE differs:\n%v\n%v", a, c)
	}
	// E4018: the same link again is refused after restore.
	r := s2.Import(mustDecode(t, `{"relationships":[{"relationship":"RelAB000002","relationshipType":"RelTeTe0001",
		"from":{"trackedEntity":{"trackedEntity":"TeAlice0001"}},"to":{"trackedEntity":{"trackedEntity":"TeBob000001"}}}]}`), b.cat, ImportParams{})
	if got := codes(r); len(got) != 1 || got[0] != "E4018" {
		t.Errorf("duplicate link codes = %v, want [E4018]", got)
	}
	if err := s2.Restore(strings.NewReader(`{"version":99}`)); err == nil {
		t.Error("unknown snapshot version accepted")
	}
}

func mustDecode(t *testing.T, s string) *Bundle {
	t.Helper()
	b, err := DecodeBundle(strings.NewReader(s), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
