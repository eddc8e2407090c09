package emulator

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/d2sync/d2sync/internal/emulator/tracker"
)

// jobTrackerImport is the JobType of /api/tracker imports.
const jobTrackerImport = "TRACKER_IMPORT_JOB"

// trackerAccess fills the user, capture scope and cascade-delete
// authorities of import params from the request's account.
func trackerAccess(r *http.Request, p *tracker.ImportParams) {
	p.User = trackerUser(r)
	a := userOf(r)
	if a == nil {
		return
	}
	p.CascadeDeleteTE = a.has("F_TEI_CASCADE_DELETE")
	p.CascadeDeleteEnrollment = a.has("F_ENROLLMENT_CASCADE_DELETE")
	if !a.has(authorityAll) && len(a.OrgUnits) > 0 {
		p.CaptureScope = a.OrgUnits
	}
}

// trackerUser is the request's user as a tracker user snapshot.
func trackerUser(r *http.Request) tracker.User {
	a := userOf(r)
	if a == nil {
		return tracker.User{}
	}
	return tracker.User{UID: a.ID, Username: a.Username, FirstName: a.FirstName, Surname: a.Surname}
}

// postTracker serves POST /api/tracker: a flat or nested JSON bundle
// (gzip and zip bodies sniffed), async by default (a TrackerJob
// WebMessage), or with async=false the plain report, HTTP 409 only when
// its status is ERROR.
func (e *Emulator) postTracker(w http.ResponseWriter, r *http.Request) error {
	if ct := r.Header.Get("Content-Type"); strings.Contains(ct, "csv") {
		return errStatus(http.StatusUnsupportedMediaType, "Content type '%s' is not supported by the emulator's tracker importer; send JSON", ct)
	}
	q := r.URL.Query()
	params := tracker.ParseImportParams(q.Get)
	trackerAccess(r, &params)
	body, err := importBody(r)
	if err != nil {
		return err
	}
	b, err := tracker.DecodeBundle(body, e.loc)
	if err != nil {
		return errStatus(http.StatusBadRequest, "Invalid tracker payload: %v", err)
	}
	if !strings.EqualFold(q.Get("async"), "false") {
		return e.startTrackerJob(w, r, b, params)
	}
	report := e.trackerImport(b, params).ForMode(params.ReportMode)
	code := http.StatusOK
	if report.Status == "ERROR" {
		code = http.StatusConflict
	}
	return writeJSON(w, code, report)
}

// trackerJobSteps are the notifications DHIS2 writes while a tracker job
// runs (oldest first).
var trackerJobSteps = []string{"Loading file resource", "Loading file content", "Running PreHeat", "Calculating Payload Size",
	"Running PreProcess", "Running Validation", "Running Rule Engine", "Running Rule Engine Validation",
	"Commit Transaction", "PostCommit"}

// startTrackerJob runs an import in the background and answers DHIS2's
// "Tracker job added" WebMessage with the job's location.
func (e *Emulator) startTrackerJob(w http.ResponseWriter, r *http.Request, b *tracker.Bundle, p tracker.ImportParams) error {
	j := &job{id: newUID(), jobType: jobTrackerImport, name: "TRACKER_IMPORT_JOB", created: e.now()}
	j.notify(e, "INFO", "Tracker import started", false)
	e.jobs.add(j)
	e.jobs.wg.Go(func() {
		if e.opts.JobDelay > 0 {
			select {
			case <-time.After(e.opts.JobDelay):
			case <-e.closing:
			}
		}
		for _, step := range trackerJobSteps {
			j.notify(e, "INFO", step, false)
		}
		report := e.trackerImport(b, p)
		j.mu.Lock()
		j.summary, j.finished = report, true
		j.mu.Unlock()
		j.notify(e, "INFO", report.CompletionMessage(), true)
	})
	m := newWebMessage(http.StatusOK, "OK", "Tracker job added")
	m.Response = map[string]any{"responseType": "TrackerJob", "id": j.id, "location": baseURL(r) + "/api/tracker/jobs/" + j.id}
	return writeWebMessage(w, m)
}

// getTrackerJob serves GET /api/tracker/jobs/{id}: the notifications,
// newest first.
func (e *Emulator) getTrackerJob(w http.ResponseWriter, r *http.Request) error {
	j, ok := e.jobs.get(r.PathValue("id"))
	if !ok || j.jobType != jobTrackerImport {
		return errStatus(http.StatusNotFound, "Job with id %s could not be found.", r.PathValue("id"))
	}
	return writeJSON(w, http.StatusOK, j.notifications())
}

// getTrackerJobReport serves GET /api/tracker/jobs/{id}/report?reportMode=:
// the plain import report once the job is done, 404 before.
func (e *Emulator) getTrackerJobReport(w http.ResponseWriter, r *http.Request) error {
	j, ok := e.jobs.get(r.PathValue("id"))
	if !ok || j.jobType != jobTrackerImport {
		return errStatus(http.StatusNotFound, "Job with id %s could not be found.", r.PathValue("id"))
	}
	summary, done := j.result()
	report, isReport := summary.(*tracker.Report)
	if !done || !isReport {
		return errStatus(http.StatusNotFound, "Import report for job with id %s could not be found.", j.id)
	}
	mode := tracker.ParseImportParams(r.URL.Query().Get).ReportMode
	return writeJSON(w, http.StatusOK, report.ForMode(mode))
}

// readAllBody reads an import body whole (gzip/zip sniffed).
func readAllBody(r *http.Request) ([]byte, error) {
	body, err := importBody(r)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(body)
	if err != nil {
		return nil, errStatus(http.StatusBadRequest, "Could not read the request body: %v", err)
	}
	return bytes.TrimSpace(data), nil
}
