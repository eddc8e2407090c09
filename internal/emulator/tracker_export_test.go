package emulator_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/d2sync/d2sync/internal/emulator"
)

// TestTrackerEndpointAvailability checks which tracker endpoints exist per
// version: old ones up to 2.41 (404 on 2.42), /api/tracker from 2.36.
func TestTrackerEndpointAvailability(t *testing.T) {
	t.Parallel()
	paths := map[string]string{
		"old TEIs": "/api/trackedEntityInstances?ouMode=ALL&trackedEntityType=Q9GufDoplCL", "old events": "/api/events",
		"old enrollments": "/api/enrollments", "old relationships": "/api/relationships?tei=AsyncTe0001",
		"new TEs": "/api/tracker/trackedEntities?orgUnitMode=ALL&ouMode=ALL&trackedEntityType=Q9GufDoplCL", "new events": "/api/tracker/events",
		"new enrollments": "/api/tracker/enrollments", "new relationships": "/api/tracker/relationships?trackedEntity=AsyncTe0001",
	}
	for _, v := range []string{"2.30", "2.35", "2.36", "2.40", "2.41", "2.42"} {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			srv := start(t, emulator.Options{Version: v})
			minor := 0
			fmt.Sscanf(v, "2.%d", &minor)
			for name, p := range paths {
				want := http.StatusOK
				if (name[:3] == "old" && minor >= 42) || (name[:3] == "new" && minor < 36) {
					want = http.StatusNotFound
				}
				if code, body := getJSON(t, srv, p); code != want {
					t.Errorf("%s %s: HTTP %d, want %d: %.300v", name, p, code, want, body)
				}
			}
			wantPost := http.StatusOK
			if minor < 36 {
				wantPost = http.StatusNotFound
			}
			if code, _ := postJSON(t, srv, "/api/tracker?async=false", []byte(`{}`)); code != wantPost {
				t.Errorf("POST /api/tracker: HTTP %d, want %d", code, wantPost)
			}
		})
	}
}

// TestTrackerListEnvelopes compares list answers with the SDK's
// recordings: {"instances",page,pageSize} below 2.41, pager plus typed key
// (and the deprecated flat fields) on 2.41, pager only on 2.42.
func TestTrackerListEnvelopes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		v, path, fixture string
		absent           []string
	}{
		{"2.40", "/api/tracker/events?orgUnit=O6uvpzGd5pu&ouMode=DESCENDANTS", "event/new_tracker_importer_events_lower_v41.json", []string{"pager", "events"}},
		{"2.41", "/api/tracker/events?orgUnits=O6uvpzGd5pu&orgUnitMode=DESCENDANTS", "event/new_tracker_importer_events_greater_equal_v41.json", []string{"instances"}},
		{"2.40", "/api/tracker/trackedEntities?ou=O6uvpzGd5pu&ouMode=DESCENDANTS&trackedEntityType=Q9GufDoplCL", "trackedentity/new_tracker_importer_tracked_entities_lower_v41.json", []string{"pager"}},
		{"2.41", "/api/tracker/trackedEntities?orgUnits=O6uvpzGd5pu&trackedEntityType=Q9GufDoplCL", "trackedentity/new_tracker_importer_tracked_entities_greater_equal_v41.json", []string{"instances"}},
		{"2.42", "/api/tracker/trackedEntities?orgUnits=O6uvpzGd5pu&trackedEntityType=Q9GufDoplCL", "trackedentity/new_tracker_importer_tracked_entities_greater_equal_v41.json", []string{"instances", "page"}},
	}
	for _, c := range cases {
		t.Run(c.v+c.path, func(t *testing.T) {
			t.Parallel()
			srv := trackerServer(t, c.v)
			postJSON(t, srv, "/api/tracker?async=false", rawFixture(t, fxE2E+"tracker/importer/trackedEntities/trackedEntitiesWithEnrollmentsAndEvents.json"))
			code, got := getJSON(t, srv, c.path)
			if code != http.StatusOK {
				t.Fatalf("HTTP %d %.500v", code, got)
			}
			want := asObj(readFixture(t, fxSDK+c.fixture))
			if c.v == "2.42" {
				delete(want, "page")
				delete(want, "pageSize")
			}
			expectShape(t, c.fixture, want, got, "instances[].trackedEntityInstance", "events[].trackedEntityInstance",
				"instances[].dataValues", "events[].dataValues")
			for _, k := range c.absent {
				if _, ok := asObj(got)[k]; ok {
					t.Errorf("%s has %q, which DHIS2 %s does not send", c.path, k, c.v)
				}
			}
		})
	}
	t.Run("empty 2.40", func(t *testing.T) {
		t.Parallel()
		srv := trackerServer(t, "2.40")
		_, got := getJSON(t, srv, "/api/tracker/trackedEntities?ouMode=ALL&trackedEntityType=Q9GufDoplCL")
		expectShape(t, "empty", readFixture(t, fxSDK+"trackedentity/new_tracker_importer_tracked_entities_empty.json"), got)
	})
}

// TestTrackerExportQueries checks paging, totals, updatedAfter,
// includeDeleted and the TE scope rules over HTTP.
func TestTrackerExportQueries(t *testing.T) {
	t.Parallel()
	clock := struct{ t time.Time }{time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC)}
	srv := start(t, emulator.Options{Version: "2.42", Clock: func() time.Time { return clock.t }})
	md := readFixture(t, fxE2E+"setup/tracker_metadata.json").(map[string]any)
	importMetadata(t, srv, map[string]any{"organisationUnits": slOrgUnits(), "userGroups": []any{obj{"id": "OPVIvvXzNTw", "name": "TA user group"}},
		"dataElements":   []any{obj{"id": "vbZ5LGNfGyy", "name": "TA EP2", "shortName": "TA EP2", "valueType": "TEXT", "domainType": "TRACKER", "aggregationType": "NONE"}},
		"categoryCombos": []any{obj{"id": "p0bh43XdKy5", "name": "TA attribute combo", "dataDimensionType": "ATTRIBUTE", "categories": []any{obj{"id": "GLevLNI9wkl"}}}}})
	importMetadata(t, srv, md)
	for i := range 12 {
		body := fmt.Sprintf(`{"trackedEntities":[{"trackedEntity":"PagedTe%04d","trackedEntityType":"Q9GufDoplCL","orgUnit":"DiszpKrYNg8"}]}`, i)
		if code, rep := postJSON(t, srv, "/api/tracker?async=false", []byte(body)); code != http.StatusOK {
			t.Fatalf("import %d: %d %v", i, code, rep)
		}
		clock.t = clock.t.Add(time.Hour)
	}
	list := "/api/tracker/trackedEntities?trackedEntityType=Q9GufDoplCL&orgUnits=O6uvpzGd5pu&orgUnitMode=DESCENDANTS&fields=trackedEntity"
	_, got := getJSON(t, srv, list+"&pageSize=5&page=3&totalPages=true")
	pager := asObj(asObj(got)["pager"])
	if n := len(asList(asObj(got)["trackedEntities"])); n != 2 || pager["total"] != float64(12) || pager["pageCount"] != float64(3) ||
		pager["prevPage"] == nil || pager["nextPage"] != nil {
		t.Errorf("page 3 of 5: %d items, pager %v", n, pager)
	}
	_, got = getJSON(t, srv, list+"&pageSize=5")
	if _, ok := asObj(asObj(got)["pager"])["total"]; ok {
		t.Error("total sent without totalPages=true")
	}
	_, got = getJSON(t, srv, list+"&paging=false")
	if _, ok := asObj(got)["pager"]; ok || len(asList(asObj(got)["trackedEntities"])) != 12 {
		t.Errorf("paging=false: %v", got)
	}
	after := url.QueryEscape("2024-03-01T17:30:00.000")
	_, got = getJSON(t, srv, list+"&paging=false&updatedAfter="+after)
	if n := len(asList(asObj(got)["trackedEntities"])); n != 2 {
		t.Errorf("updatedAfter: %d TEs, want 2 (created at 18:00 and 19:00)", n)
	}
	postJSON(t, srv, "/api/tracker?async=false&importStrategy=DELETE", []byte(`{"trackedEntities":[{"trackedEntity":"PagedTe0000"}]}`))
	for _, tc := range []struct {
		q    string
		want int
	}{{"", 11}, {"&includeDeleted=true", 12}} {
		_, got = getJSON(t, srv, list+"&paging=false"+tc.q)
		if n := len(asList(asObj(got)["trackedEntities"])); n != tc.want {
			t.Errorf("includeDeleted %q: %d TEs, want %d", tc.q, n, tc.want)
		}
	}
	if code, _ := getJSON(t, srv, "/api/tracker/trackedEntities/PagedTe0000"); code != http.StatusNotFound {
		t.Errorf("deleted TE: HTTP %d, want 404", code)
	}
	if code, _ := getJSON(t, srv, "/api/tracker/trackedEntities?orgUnits=O6uvpzGd5pu"); code != http.StatusBadRequest {
		t.Errorf("TE query without program or type: HTTP %d, want 400", code)
	}
	if code, _ := getJSON(t, srv, "/api/tracker/relationships"); code != http.StatusBadRequest {
		t.Errorf("relationships without an entity: HTTP %d, want 400", code)
	}
	counts := srv.Emulator.WriteCounts().Tracker.TrackedEntities
	if counts.Created != 12 || counts.Deleted != 1 {
		t.Errorf("write counts = %+v, want 12 created 1 deleted", counts)
	}
}

// TestTrackerVersionParams checks the parameter names of each version:
// 2.36–2.40 need ou/orgUnit (or ouMode ALL/ACCESSIBLE) for TEs and page
// with skipPaging; 2.41+ default to ACCESSIBLE and page with paging=false.
func TestTrackerVersionParams(t *testing.T) {
	t.Parallel()
	tests := []struct {
		v, path string
		code    int
		paged   bool // answer has paging fields
	}{
		{"2.40", "/api/tracker/trackedEntities?trackedEntityType=Q9GufDoplCL", http.StatusConflict, false},
		{"2.40", "/api/tracker/trackedEntities?trackedEntityType=Q9GufDoplCL&ouMode=ACCESSIBLE", http.StatusOK, true},
		{"2.40", "/api/tracker/trackedEntities?trackedEntityType=Q9GufDoplCL&ou=DiszpKrYNg8&skipPaging=true", http.StatusOK, false},
		{"2.40", "/api/tracker/trackedEntities?trackedEntityType=Q9GufDoplCL&ou=DiszpKrYNg8&paging=false", http.StatusOK, true},
		{"2.41", "/api/tracker/trackedEntities?trackedEntityType=Q9GufDoplCL", http.StatusOK, true},
		{"2.41", "/api/tracker/trackedEntities?trackedEntityType=Q9GufDoplCL&skipPaging=true", http.StatusOK, false},
		{"2.42", "/api/tracker/trackedEntities?trackedEntityType=Q9GufDoplCL&paging=false", http.StatusOK, false},
		{"2.42", "/api/tracker/trackedEntities?trackedEntityType=Q9GufDoplCL&skipPaging=true", http.StatusOK, true},
		{"2.42", "/api/tracker/trackedEntities?orgUnits=DiszpKrYNg8", http.StatusBadRequest, false},
	}
	for _, tt := range tests {
		t.Run(tt.v+tt.path, func(t *testing.T) {
			t.Parallel()
			srv := trackerServer(t, tt.v)
			code, body := getJSON(t, srv, tt.path)
			if code != tt.code {
				t.Fatalf("HTTP %d, want %d: %.300v", code, tt.code, body)
			}
			if code != http.StatusOK {
				return
			}
			_, hasPage := asObj(body)["page"]
			_, hasPager := asObj(body)["pager"]
			if (hasPage || hasPager) != tt.paged {
				t.Errorf("paging fields = %v, want %v: %v", hasPage || hasPager, tt.paged, body)
			}
		})
	}
}

// TestTrackerScopeRules checks the TE query rules per version.
func TestTrackerScopeRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		v, path string
		code    int
	}{
		{"2.36", "/api/tracker/trackedEntities?ouMode=ALL", http.StatusOK},
		{"2.37", "/api/tracker/trackedEntities?ouMode=ALL", http.StatusConflict},
		{"2.35", "/api/trackedEntityInstances?ouMode=ALL", http.StatusOK},
		{"2.38", "/api/trackedEntityInstances?ouMode=ALL", http.StatusConflict},
		{"2.41", "/api/tracker/trackedEntities?program=f1AyMswryyQ&trackedEntityType=Q9GufDoplCL", http.StatusBadRequest},
		{"2.40", "/api/tracker/trackedEntities?program=f1AyMswryyQ", http.StatusConflict},
		{"2.40", "/api/tracker/trackedEntities?trackedEntity=AbcDefGhi01", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.v+tt.path, func(t *testing.T) {
			t.Parallel()
			srv := start(t, emulator.Options{Version: tt.v})
			if code, body := getJSON(t, srv, tt.path); code != tt.code {
				t.Errorf("HTTP %d, want %d: %v", code, tt.code, body)
			}
		})
	}
}
