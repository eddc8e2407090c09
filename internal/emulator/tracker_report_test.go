package emulator_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/d2sync/d2sync/internal/emulator"
	"github.com/d2sync/d2sync/internal/emulator/emulatortest"
)

// expectShape fails when got lacks a key or kind of the recorded want.
func expectShape(t *testing.T, name string, want, got any, optional ...string) {
	t.Helper()
	if diffs := shapeDiff(want, got, optional...); len(diffs) > 0 {
		t.Errorf("%s: response differs from the recorded one: %v\ngot %.1500v", name, diffs, got)
	}
}

const (
	e2eTE     = fxE2E + "tracker/importer/trackedEntities/trackedEntity.json"
	e2eEvents = fxE2E + "tracker/importer/events/events.json"
)

// badEvent is an event program event in an org unit that does not exist.
const badEvent = `{"events":[{"event":"BadEvent001","program":"Zd2rkv8FsWq","programStage":"jKLB23QZS4I","orgUnit":"NoSuchOu001","occurredAt":"2018-11-01T00:00:00.000"}]}`

// TestTrackerReportContract compares /api/tracker answers (sync reports,
// the async job message, notifications and job report) with the SDK's
// recordings.
func TestTrackerReportContract(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"2.40", "2.42"} {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			srv := trackerServer(t, v)
			code, rep := postJSON(t, srv, "/api/tracker?async=false", rawFixture(t, e2eTE))
			if code != http.StatusOK {
				t.Fatalf("TE import: HTTP %d", code)
			}
			expectShape(t, "tei-new", readFixture(t, fxSDK+"imports/tracker-importer/tei-new.json"), rep)
			code, rep = postJSON(t, srv, "/api/tracker?async=false", rawFixture(t, e2eEvents))
			if code != http.StatusOK {
				t.Fatalf("event import: HTTP %d %v", code, rep)
			}
			expectShape(t, "event-ok-new", readFixture(t, fxSDK+"imports/tracker-importer/event-ok-new.json"), rep)
			code, rep = postJSON(t, srv, "/api/tracker?async=false", []byte(badEvent))
			if code != http.StatusConflict {
				t.Errorf("bad event: HTTP %d, want 409", code)
			}
			for _, f := range []string{"imports/tracker-importer/event-conflict-new.json", "imports/tracker-importer/tei-with-enrollment-error-new.json",
				"tracker/importer/jobreport-error.json"} {
				expectShape(t, f, readFixture(t, fxSDK+f), rep)
			}
			errs := asList(asObj(asObj(rep)["validationReport"])["errorReports"])
			if len(errs) != 1 || asObj(errs[0])["errorCode"] != "E1011" || asObj(errs[0])["trackerType"] != "EVENT" {
				t.Errorf("bad event errors = %v, want one E1011 on EVENT", errs)
			}
			checkAsyncJob(t, srv)
		})
	}
}

// checkAsyncJob posts with the default (async) mode and follows the job.
func checkAsyncJob(t *testing.T, srv *emulatortest.Server) {
	t.Helper()
	code, msg := postJSON(t, srv, "/api/tracker", []byte(`{"trackedEntities":[{"trackedEntity":"AsyncTe0001","trackedEntityType":"Q9GufDoplCL","orgUnit":"O6uvpzGd5pu"}]}`))
	if code != http.StatusOK {
		t.Fatalf("async import: HTTP %d %v", code, msg)
	}
	expectShape(t, "job_response", readFixture(t, fxSDK+"imports/tracker-importer/job_response.json"), msg)
	id := asObj(asObj(msg)["response"])["id"].(string)
	var notes []any
	for range 500 {
		_, n := getJSON(t, srv, "/api/tracker/jobs/"+id)
		notes = asList(n)
		if len(notes) > 0 && asObj(notes[0])["completed"] == true {
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	if len(notes) == 0 || asObj(notes[0])["completed"] != true {
		t.Fatalf("job %s did not complete: %v", id, notes)
	}
	expectShape(t, "job_response_completed", readFixture(t, fxSDK+"imports/tracker-importer/job_response_completed.json"), notes, "[].id")
	if msg := asObj(notes[0])["message"]; msg != "Import complete with status OK, 1 created, 0 updated, 0 deleted, 0 ignored" {
		t.Errorf("final notification = %q", msg)
	}
	code, rep := getJSON(t, srv, "/api/tracker/jobs/"+id+"/report")
	if code != http.StatusOK {
		t.Fatalf("job report: HTTP %d", code)
	}
	expectShape(t, "jobreport-success", readFixture(t, fxSDK+"tracker/importer/jobreport-success.json"), rep)
	if code, _ := getJSON(t, srv, "/api/tracker/jobs/NoSuchJob01/report"); code != http.StatusNotFound {
		t.Errorf("unknown job report: HTTP %d, want 404", code)
	}
}

// TestOldTrackerReportContract compares old-API ImportSummaries answers
// (2.35) with the SDK's *-old.json recordings: 200 on SUCCESS, 409 on
// ERROR.
func TestOldTrackerReportContract(t *testing.T) {
	t.Parallel()
	teis := readFixture(t, fxSDK+"trackedentity/tracked_entity_instances.json")
	events := readFixture(t, fxSDK+"event/events_1.json")
	mb := newMetaBuilder()
	for _, it := range oldPayloadItems(teis, "trackedEntityInstances") {
		mb.walk(asObj(it), "")
	}
	for _, it := range oldPayloadItems(events, "events") {
		mb.walk(asObj(it), "")
	}
	srv := start(t, emulator.Options{Version: "2.35"})
	importMetadata(t, srv, mb.payload())
	code, got := postJSON(t, srv, "/api/trackedEntityInstances", teis)
	if code != http.StatusOK {
		t.Fatalf("TEIs: HTTP %d %.500v", code, got)
	}
	expectShape(t, "tei-old", readFixture(t, fxSDK+"imports/tracker-importer/tei-old.json"), got)
	code, got = postJSON(t, srv, "/api/events", events)
	if code != http.StatusOK {
		t.Fatalf("events: HTTP %d %.500v", code, got)
	}
	expectShape(t, "event-ok-old", readFixture(t, fxSDK+"imports/tracker-importer/event-ok-old.json"), got)
	ev := asObj(oldPayloadItems(events, "events")[0])
	bad := fmt.Sprintf(`{"events":[{"event":"BadEvent001","program":%q,"programStage":%q,"orgUnit":"NoSuchOu001","eventDate":"2018-01-01"}]}`,
		ev["program"], ev["programStage"])
	code, got = postJSON(t, srv, "/api/events", []byte(bad))
	if code != http.StatusConflict || asObj(got)["status"] != "ERROR" {
		t.Fatalf("bad event: HTTP %d %.500v, want 409 ERROR", code, got)
	}
	expectShape(t, "event-conflict-old", readFixture(t, fxSDK+"imports/tracker-importer/event-conflict-old.json"), got)
}
