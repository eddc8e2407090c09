package tracker

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

// TestIndexedQueriesMatchScans runs the same queries on a store that uses
// UID lookups and the paged-query cache and on a copy that scans every
// object for every query: items, order, totals and paging must agree,
// also after writes that change what a cached query matches.
func TestIndexedQueriesMatchScans(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.mustOK(t, basePayload)
	b.clock.advance(time.Minute)
	b.manyTEs(t, 12)
	mark := b.clock.now()
	b.mustOK(t, `{"events":[{"event":"EvAlice0002","programStage":"StageRep001","enrollment":"EnAlice0001","orgUnit":"OuChild0001","occurredAt":"2024-02-01"},
		{"event":"EvAlice0003","programStage":"StageRep001","enrollment":"EnAlice0001","orgUnit":"OuChild0001","occurredAt":"2024-01-20"}]}`)
	b.clock.advance(time.Minute)
	b.imp(t, `{"trackedEntities":[{"trackedEntity":"TeMany00003"}]}`, ImportParams{Strategy: StrategyDelete})

	scan := New(Options{Clock: b.clock.now})
	scan.scanOnly = true
	sync := func() {
		var buf bytes.Buffer
		if err := b.s.Snapshot(&buf); err != nil {
			t.Fatal(err)
		}
		if err := scan.Restore(&buf); err != nil {
			t.Fatal(err)
		}
	}
	sync()
	queries := []Query{
		{Kind: KindTrackedEntity, PageSize: 5},
		{Kind: KindTrackedEntity, PageSize: 5, IncludeDeleted: true},
		{Kind: KindTrackedEntity, PageSize: 4, Order: ParseOrder("createdAt:asc")},
		{Kind: KindTrackedEntity, PageSize: 4, UpdatedAfter: &mark, IncludeDeleted: true},
		{Kind: KindTrackedEntity, PageSize: 3, Program: "ProgTrack01", OrgUnits: []string{"OuRoot00001"}, OrgUnitMode: OUDescendants},
		{Kind: KindTrackedEntity, PageSize: 3, OrgUnits: []string{"OuLeaf00001"}},
		{Kind: KindTrackedEntity, NoPaging: true, UIDs: []string{"TeMany00009", "TeMany00003", "TeNope00001", "TeMany00001", "TeMany00009", "TeAlice0001"}},
		{Kind: KindTrackedEntity, NoPaging: true, IncludeDeleted: true, UIDs: []string{"TeMany00009", "TeMany00003", "TeMany00001"}},
		{Kind: KindTrackedEntity, PageSize: 2, UIDs: []string{"TeMany00002", "TeMany00005", "TeMany00004"}, Order: ParseOrder("updatedAt:desc")},
		{Kind: KindEnrollment, PageSize: 2, Program: "ProgTrack01"},
		{Kind: KindEnrollment, NoPaging: true, UIDs: []string{"EnAlice0001", "EnNope00001"}},
		{Kind: KindEvent, PageSize: 2},
		{Kind: KindEvent, PageSize: 2, Order: ParseOrder("occurredAt:asc,createdAt:desc")},
		{Kind: KindEvent, NoPaging: true, UIDs: []string{"EvAlice0003", "EvAlice0001", "EvAlice0002"}},
		{Kind: KindEvent, PageSize: 2, UIDs: []string{"EvAlice0003", "EvAlice0001"}, Order: ParseOrder("scheduledAt")},
		{Kind: KindRelationship, PageSize: 2, IncludeDeleted: true},
	}
	compare := func(stage string) {
		t.Helper()
		for i, q := range queries {
			pages := 1
			for page := 1; page <= pages+1; page++ { // one page past the end
				q.Page = page
				got, err1 := b.s.Find(q, b.cat, ShapeNew, nil)
				want, err2 := scan.Find(q, b.cat, ShapeNew, nil)
				if fmt.Sprint(err1) != fmt.Sprint(err2) {
					t.Fatalf("%s: query %d page %d: error %v, scan %v", stage, i, page, err1, err2)
				}
				g, _ := json.Marshal(got)
				w, _ := json.Marshal(want)
				if !bytes.Equal(g, w) {
					t.Errorf("%s: query %d page %d:\n got %s\nscan %s", stage, i, page, g, w)
				}
				if page == 1 && want.PageSize > 0 {
					pages = (want.Total + want.PageSize - 1) / want.PageSize
				}
			}
		}
	}
	compare("first")
	compare("cached")
	// Writes between pages change what the cached queries match.
	for _, q := range queries[:queryCacheSize] {
		if _, err := b.s.Find(q, b.cat, ShapeNew, nil); err != nil {
			t.Fatal(err)
		}
	}
	b.clock.advance(time.Minute)
	b.mustOK(t, `{"trackedEntities":[{"trackedEntity":"TeMany00007","trackedEntityType":"TetPerson01","orgUnit":"OuChild0002"},
		{"trackedEntity":"TeNew000001","trackedEntityType":"TetPerson01","orgUnit":"OuLeaf00001"}],
		"events":[{"event":"EvAlice0001","programStage":"StageOnce01","enrollment":"EnAlice0001","orgUnit":"OuChild0001","occurredAt":"2023-12-01"}]}`)
	b.imp(t, `{"events":[{"event":"EvAlice0002"}]}`, ImportParams{Strategy: StrategyDelete})
	sync()
	compare("after writes")
}
