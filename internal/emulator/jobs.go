package emulator

import (
	"net/http"
	"sync"
	"time"
)

// Job types of the async imports (JobType enum).
const (
	jobMetadataImport  = "METADATA_IMPORT"
	jobDataValueImport = "DATAVALUE_IMPORT"
	jobCDSRImport      = "COMPLETE_DATA_SET_REGISTRATION_IMPORT"
)

// maxJobs bounds the jobs kept in memory (oldest dropped first).
const maxJobs = 1000

// notification is one entry of /api/system/tasks/{type}/{id}.
type notification struct {
	UID       string `json:"uid"`
	Level     string `json:"level"`
	Category  string `json:"category"`
	Time      string `json:"time"`
	Message   string `json:"message"`
	Completed bool   `json:"completed"`
	ID        string `json:"id,omitempty"`
}

// job is an async import: its notifications (newest first) and, once
// done, its plain summary.
type job struct {
	id       string
	jobType  string
	name     string
	created  time.Time
	mu       sync.Mutex
	notes    []notification
	summary  any
	finished bool
}

// jobWork runs the import and returns its plain summary and the final
// notification message.
type jobWork func() (summary any, message string)

// jobStore holds the async jobs.
type jobStore struct {
	mu    sync.Mutex
	byID  map[string]*job
	order []string
	wg    sync.WaitGroup
}

func newJobStore() *jobStore { return &jobStore{byID: map[string]*job{}} }

func (s *jobStore) get(id string) (*job, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j, ok := s.byID[id]
	return j, ok
}

func (s *jobStore) ofType(jobType string) []*job {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*job
	for _, id := range s.order {
		if j := s.byID[id]; j.jobType == jobType {
			out = append(out, j)
		}
	}
	return out
}

func (s *jobStore) add(j *job) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byID[j.id] = j
	s.order = append(s.order, j.id)
	if len(s.order) > maxJobs {
		delete(s.byID, s.order[0])
		s.order = s.order[1:]
	}
}

// startJob registers a job, runs work after the configured delay in the
// background and answers the JobConfiguration WebMessage.
func (e *Emulator) startJob(w http.ResponseWriter, r *http.Request, jobType, name, startMsg string, work jobWork) error {
	j := &job{id: newUID(), jobType: jobType, name: name, created: e.now()}
	j.notify(e, "INFO", startMsg, false)
	e.jobs.add(j)
	e.jobs.wg.Go(func() {
		if e.opts.JobDelay > 0 {
			select {
			case <-time.After(e.opts.JobDelay):
			case <-e.closing:
			}
		}
		summary, msg := work()
		j.mu.Lock()
		j.summary = summary
		j.finished = true
		j.mu.Unlock()
		j.notify(e, "INFO", msg, true)
	})
	endpoint := "/api/system/tasks/" + jobType + "/" + j.id
	resp := map[string]any{
		"name":                     name,
		"id":                       j.id,
		"created":                  e.formatTime(j.created),
		"jobType":                  jobType,
		"relativeNotifierEndpoint": endpoint,
	}
	if e.prof.WrappedImports {
		resp["responseType"] = "JobConfiguration"
		resp["jobStatus"] = "SCHEDULED"
	}
	m := newWebMessage(http.StatusOK, "OK", "Initiated "+name)
	m.Response = resp
	w.Header().Set("Location", baseURL(r)+"/api/system/tasks/"+jobType)
	return writeWebMessage(w, m)
}

// notify prepends a notification (DHIS2 lists newest first).
func (j *job) notify(e *Emulator, level, msg string, completed bool) {
	uid := newUID()
	n := notification{UID: uid, Level: level, Category: j.jobType, Time: e.formatTime(e.now()), Message: msg, Completed: completed}
	if e.prof.Version.AtLeast(38) {
		n.ID = uid
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	j.notes = append([]notification{n}, j.notes...)
}

func (j *job) notifications() []notification {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]notification{}, j.notes...)
}

func (j *job) result() (any, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.summary, j.finished
}

// getTask serves GET /api/system/tasks/{type}/{id}: the notifications,
// newest first; an unknown job gives an empty list, as DHIS2 does.
func (e *Emulator) getTask(w http.ResponseWriter, r *http.Request) error {
	j, ok := e.jobs.get(r.PathValue("id"))
	if !ok || j.jobType != r.PathValue("type") {
		return writeJSON(w, http.StatusOK, []notification{})
	}
	return writeJSON(w, http.StatusOK, j.notifications())
}

// getTasksOfType serves GET /api/system/tasks/{type}: job id → notifications.
func (e *Emulator) getTasksOfType(w http.ResponseWriter, r *http.Request) error {
	out := map[string][]notification{}
	for _, j := range e.jobs.ofType(r.PathValue("type")) {
		out[j.id] = j.notifications()
	}
	return writeJSON(w, http.StatusOK, out)
}

// getTaskSummary serves GET /api/system/taskSummaries/{type}/{id}: the
// plain import report or summary once the job is done.
func (e *Emulator) getTaskSummary(w http.ResponseWriter, r *http.Request) error {
	j, ok := e.jobs.get(r.PathValue("id"))
	if !ok || j.jobType != r.PathValue("type") {
		return errStatus(http.StatusNotFound, "Job with id %s could not be found.", r.PathValue("id"))
	}
	summary, done := j.result()
	if !done {
		return writeJSON(w, http.StatusOK, map[string]any{})
	}
	return writeJSON(w, http.StatusOK, summary)
}
