package emulator_test

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	"github.com/d2sync/d2sync/internal/emulator"
	"github.com/d2sync/d2sync/internal/emulator/emulatortest"
)

// oldServer is a 2.35 emulator with the e2e tracker metadata.
func oldServer(t *testing.T, opts emulator.Options) *emulatortest.Server {
	t.Helper()
	opts.Version = "2.35"
	srv := start(t, opts)
	loadE2EMetadata(t, srv)
	return srv
}

// loadE2EMetadata imports tracker_metadata.json and the SL objects it needs.
func loadE2EMetadata(t *testing.T, srv *emulatortest.Server) {
	t.Helper()
	md := readFixture(t, fxE2E+"setup/tracker_metadata.json").(map[string]any)
	importMetadata(t, srv, map[string]any{"organisationUnits": slOrgUnits(), "userGroups": []any{obj{"id": "OPVIvvXzNTw", "name": "TA user group"}},
		"dataElements":   []any{obj{"id": "vbZ5LGNfGyy", "name": "TA EP2", "shortName": "TA EP2", "valueType": "TEXT", "domainType": "TRACKER", "aggregationType": "NONE"}},
		"categoryCombos": []any{obj{"id": "p0bh43XdKy5", "name": "TA attribute combo", "dataDimensionType": "ATTRIBUTE", "categories": []any{obj{"id": "GLevLNI9wkl"}}}}})
	importMetadata(t, srv, md)
}

func do(t *testing.T, srv *emulatortest.Server, method, path, body string) (int, any) {
	t.Helper()
	var rd *bytes.Reader
	if body != "" {
		rd = bytes.NewReader([]byte(body))
	}
	var resp *http.Response
	if rd != nil {
		resp = srv.Do(t, method, path, rd)
	} else {
		resp = srv.Do(t, method, path, nil)
	}
	return resp.StatusCode, decode(t, resp)
}

// TestOldTrackerAPI exercises the ≤2.41 endpoints: TEI with nested
// enrollment and event (old names), reads with pager and old field names,
// PUT, DELETE with cascade, includeDeleted, strategy, 409 on errors.
func TestOldTrackerAPI(t *testing.T) {
	t.Parallel()
	srv := oldServer(t, emulator.Options{})
	tei := `{"trackedEntityInstance":"OldTei00001","trackedEntityType":"Q9GufDoplCL","orgUnit":"DiszpKrYNg8",
	 "attributes":[{"attribute":"dIVt4l5vIOa","value":"Ama"}],
	 "enrollments":[{"enrollment":"OldEnr00001","program":"f1AyMswryyQ","orgUnit":"DiszpKrYNg8","enrollmentDate":"2020-01-02","incidentDate":"2020-01-01",
	   "events":[{"event":"OldEvt00001","programStage":"nlXNK4b7LVr","orgUnit":"DiszpKrYNg8","eventDate":"2020-01-03","status":"COMPLETED",
	     "dataValues":[{"dataElement":"ZrqtjjveTFc","value":"Female"}]}]}]}`
	code, body := do(t, srv, http.MethodPost, "/api/trackedEntityInstances", tei)
	resp := asObj(asObj(body)["response"])
	if code != http.StatusOK || resp["imported"] != float64(1) {
		t.Fatalf("POST TEI: HTTP %d %.800v", code, body)
	}
	enr := asObj(asList(asObj(asList(resp["importSummaries"])[0])["enrollments"].(map[string]any)["importSummaries"])[0])
	if enr["reference"] != "OldEnr00001" || asObj(enr["importCount"])["imported"] != float64(1) {
		t.Errorf("nested enrollment summary = %v", enr)
	}

	code, body = getJSON(t, srv, "/api/events?program=f1AyMswryyQ&orgUnit=DiszpKrYNg8")
	evs := asList(asObj(body)["events"])
	if code != http.StatusOK || len(evs) != 1 || asObj(asObj(body)["pager"])["total"] != float64(1) {
		t.Fatalf("GET events: HTTP %d %.500v", code, body)
	}
	ev := asObj(evs[0])
	for k, want := range map[string]any{"eventDate": "2020-01-03T00:00:00.000", "trackedEntityInstance": "OldTei00001", "followup": false} {
		if ev[k] != want {
			t.Errorf("old event %s = %v, want %v", k, ev[k], want)
		}
	}
	if _, ok := ev["occurredAt"]; ok {
		t.Error("old event carries the new name occurredAt")
	}
	code, body = getJSON(t, srv, "/api/trackedEntityInstances?ou=O6uvpzGd5pu&ouMode=DESCENDANTS&program=f1AyMswryyQ&fields=*")
	teis := asList(asObj(body)["trackedEntityInstances"])
	if code != http.StatusOK || len(teis) != 1 || asObj(teis[0])["trackedEntityInstance"] != "OldTei00001" {
		t.Fatalf("GET TEIs: HTTP %d %.500v", code, body)
	}
	owners := asList(asObj(teis[0])["programOwners"])
	if len(owners) != 1 || asObj(owners[0])["ownerOrgUnit"] != "DiszpKrYNg8" {
		t.Errorf("program owners = %v", owners)
	}
	if code, _ := getJSON(t, srv, "/api/trackedEntityInstances?program=f1AyMswryyQ"); code != http.StatusConflict {
		t.Errorf("TEI query without org unit: HTTP %d, want 409", code)
	}

	code, body = do(t, srv, http.MethodPut, "/api/events/OldEvt00001", `{"program":"f1AyMswryyQ","programStage":"nlXNK4b7LVr","enrollment":"OldEnr00001",
	  "orgUnit":"DiszpKrYNg8","eventDate":"2020-01-04","status":"COMPLETED","dataValues":[{"dataElement":"ZrqtjjveTFc","value":"Male"}]}`)
	if code != http.StatusOK || asObj(asObj(asObj(body)["response"])["importCount"])["updated"] != float64(1) {
		t.Fatalf("PUT event: HTTP %d %.500v", code, body)
	}
	_, body = getJSON(t, srv, "/api/events/OldEvt00001")
	if asObj(body)["eventDate"] != "2020-01-04T00:00:00.000" || asObj(asList(asObj(body)["dataValues"])[0])["value"] != "Male" {
		t.Errorf("after PUT: %v", body)
	}

	code, body = do(t, srv, http.MethodPost, "/api/events?strategy=CREATE", `{"events":[{"event":"OldEvt00001","program":"f1AyMswryyQ",
	  "programStage":"nlXNK4b7LVr","enrollment":"OldEnr00001","orgUnit":"DiszpKrYNg8","eventDate":"2020-01-04"}]}`)
	if code != http.StatusConflict || asObj(body)["status"] != "ERROR" {
		t.Errorf("CREATE of an existing event: HTTP %d %v, want 409 ERROR", code, asObj(body)["status"])
	}

	if code, body = do(t, srv, http.MethodDelete, "/api/trackedEntityInstances/OldTei00001", ""); code != http.StatusOK {
		t.Fatalf("DELETE TEI: HTTP %d %v", code, body)
	}
	for _, p := range []string{"/api/trackedEntityInstances/OldTei00001", "/api/enrollments/OldEnr00001", "/api/events/OldEvt00001"} {
		if code, _ := getJSON(t, srv, p); code != http.StatusNotFound {
			t.Errorf("GET %s after cascade delete: HTTP %d, want 404", p, code)
		}
	}
	_, body = getJSON(t, srv, "/api/events?program=f1AyMswryyQ&includeDeleted=true")
	if evs := asList(asObj(body)["events"]); len(evs) != 1 || asObj(evs[0])["deleted"] != true {
		t.Errorf("includeDeleted events = %v", evs)
	}
	if code, _ := do(t, srv, http.MethodDelete, "/api/events/NoSuchEvt01", ""); code != http.StatusNotFound {
		t.Errorf("DELETE unknown event: HTTP %d, want 404", code)
	}
}

// TestOldEventsAsync posts old events with async=true: an EVENT_IMPORT
// job whose summary is the ImportSummaries.
func TestOldEventsAsync(t *testing.T) {
	t.Parallel()
	srv := oldServer(t, emulator.Options{})
	code, body := do(t, srv, http.MethodPost, "/api/events?async=true", `{"events":[{"event":"AsyncEvt001","program":"Zd2rkv8FsWq",
	  "programStage":"jKLB23QZS4I","orgUnit":"DiszpKrYNg8","eventDate":"2020-01-04"}]}`)
	if code != http.StatusOK {
		t.Fatalf("async events: HTTP %d %v", code, body)
	}
	endpoint := asObj(asObj(body)["response"])["relativeNotifierEndpoint"].(string)
	id := endpoint[len("/api/system/tasks/EVENT_IMPORT/"):]
	var sum any
	for range 500 {
		code, sum = getJSON(t, srv, "/api/system/taskSummaries/EVENT_IMPORT/"+id)
		if asObj(sum)["responseType"] == "ImportSummaries" {
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	if asObj(sum)["imported"] != float64(1) {
		t.Fatalf("task summary = %v", sum)
	}
}

// TestTrackerPersistence restarts an emulator on the same data dir: the
// tracker data, soft deletes included, survive.
func TestTrackerPersistence(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	e, err := emulator.New(emulator.Options{Version: "2.41", DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	srv := emulatortest.Serve(t, e)
	loadE2EMetadata(t, srv)
	if code, rep := postJSON(t, srv, "/api/tracker?async=false", rawFixture(t, fxE2E+"tracker/importer/trackedEntities/trackedEntitiesWithEnrollmentsEventsAndRelationships.json")); code != http.StatusOK {
		t.Fatalf("import: %d %v", code, rep)
	}
	postJSON(t, srv, "/api/tracker?async=false&importStrategy=DELETE", []byte(`{"trackedEntities":[{"trackedEntity":"v4LGvFNxdYH"}]}`))
	before := e.Stats().Tracker
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	e2, err := emulator.New(emulator.Options{Version: "2.41", DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	srv2 := emulatortest.Serve(t, e2)
	if after := e2.Stats().Tracker; after != before || after.TrackedEntities == 0 {
		t.Fatalf("after restart %+v, before %+v", after, before)
	}
	if code, _ := getJSON(t, srv2, "/api/tracker/trackedEntities/v4LGvFNxdYH"); code != http.StatusNotFound {
		t.Errorf("deleted TE visible after restart: HTTP %d", code)
	}
	if code, body := getJSON(t, srv2, "/api/tracker/trackedEntities/v4LGvFNxdYH?includeDeleted=true"); code != http.StatusOK || asObj(body)["deleted"] != true {
		t.Errorf("deleted TE with includeDeleted after restart: HTTP %d %v", code, body)
	}
}

// TestOldEnrollmentsAndRelationships posts to /api/enrollments and
// /api/relationships with the old names and reads them back.
func TestOldEnrollmentsAndRelationships(t *testing.T) {
	t.Parallel()
	srv := oldServer(t, emulator.Options{})
	code, body := do(t, srv, http.MethodPost, "/api/trackedEntityInstances", `{"trackedEntityInstances":[
	  {"trackedEntityInstance":"OldTeiA0001","trackedEntityType":"Q9GufDoplCL","orgUnit":"DiszpKrYNg8"},
	  {"trackedEntityInstance":"OldTeiB0001","trackedEntityType":"Q9GufDoplCL","orgUnit":"DiszpKrYNg8"}]}`)
	if code != http.StatusOK {
		t.Fatalf("TEIs: HTTP %d %v", code, body)
	}
	code, body = do(t, srv, http.MethodPost, "/api/enrollments", `{"enrollments":[{"enrollment":"OldEnrA0001","trackedEntityInstance":"OldTeiA0001",
	  "program":"f1AyMswryyQ","orgUnit":"DiszpKrYNg8","enrollmentDate":"2021-05-01","incidentDate":"2021-04-30","status":"ACTIVE",
	  "notes":[{"value":"first visit","storedDate":"2021-05-01T10:00:00.000"}]}]}`)
	if code != http.StatusOK || asObj(asObj(body)["response"])["imported"] != float64(1) {
		t.Fatalf("enrollments: HTTP %d %.600v", code, body)
	}
	code, body = getJSON(t, srv, "/api/enrollments/OldEnrA0001")
	en := asObj(body)
	if code != http.StatusOK || en["enrollmentDate"] != "2021-05-01T00:00:00.000" || en["incidentDate"] != "2021-04-30T00:00:00.000" ||
		en["trackedEntityInstance"] != "OldTeiA0001" || len(asList(en["notes"])) != 1 || asObj(asList(en["notes"])[0])["storedDate"] == nil {
		t.Errorf("GET enrollment: HTTP %d %v", code, en)
	}
	rel := `{"relationships":[{"relationship":"OldRelAB001","relationshipType":"xLmPUYJX8Ks",
	  "from":{"trackedEntityInstance":{"trackedEntityInstance":"OldTeiA0001"}},"to":{"trackedEntityInstance":{"trackedEntityInstance":"OldTeiB0001"}}}]}`
	if code, body = do(t, srv, http.MethodPost, "/api/relationships", rel); code != http.StatusOK {
		t.Fatalf("relationships: HTTP %d %.600v", code, body)
	}
	code, body = getJSON(t, srv, "/api/relationships?tei=OldTeiB0001")
	rels := asList(body)
	if code != http.StatusOK || len(rels) != 1 {
		t.Fatalf("GET relationships: HTTP %d %v", code, body)
	}
	from := asObj(asObj(asObj(rels[0])["from"])["trackedEntityInstance"])
	if from["trackedEntityInstance"] != "OldTeiA0001" {
		t.Errorf("old relationship item = %v", asObj(rels[0])["from"])
	}
	if code, _ := getJSON(t, srv, "/api/relationships"); code != http.StatusConflict {
		t.Errorf("relationships without tei/enrollment/event: HTTP %d, want 409", code)
	}
}

// TestTrackerCascadeDeleteAuthority: a user without F_TEI_CASCADE_DELETE
// cannot delete a tracked entity that has enrollments (E1100); the
// superuser can.
func TestTrackerCascadeDeleteAuthority(t *testing.T) {
	t.Parallel()
	srv := start(t, emulator.Options{Version: "2.42", Users: []emulator.UserSpec{{Username: "clerk", Password: "Clerk123!"}}})
	loadE2EMetadata(t, srv)
	if code, rep := postJSON(t, srv, "/api/tracker?async=false", rawFixture(t, fxE2E+"tracker/importer/trackedEntities/trackedEntitiesWithEnrollmentsAndEvents.json")); code != http.StatusOK {
		t.Fatalf("import: %d %v", code, rep)
	}
	_, list := getJSON(t, srv, "/api/tracker/trackedEntities?trackedEntityType=Q9GufDoplCL&fields=trackedEntity&paging=false")
	te := asObj(asList(asObj(list)["trackedEntities"])[0])["trackedEntity"].(string)
	body := []byte(`{"trackedEntities":[{"trackedEntity":"` + te + `"}]}`)
	req := srv.Request(t, http.MethodPost, "/api/tracker?async=false&importStrategy=DELETE", bytes.NewReader(body))
	req.SetBasicAuth("clerk", "Clerk123!")
	resp, err := srv.HTTP.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	rep := decode(t, resp)
	errs := asList(asObj(asObj(rep)["validationReport"])["errorReports"])
	if resp.StatusCode != http.StatusConflict || len(errs) != 1 || asObj(errs[0])["errorCode"] != "E1100" {
		t.Fatalf("clerk delete: HTTP %d %v, want 409 E1100", resp.StatusCode, errs)
	}
	if code, rep := postJSON(t, srv, "/api/tracker?async=false&importStrategy=DELETE", body); code != http.StatusOK ||
		asObj(asObj(rep)["stats"])["deleted"] != float64(1) {
		t.Fatalf("admin delete: HTTP %d %v", code, rep)
	}
}
