package dhis2

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// ImportMetadata posts a metadata payload ({"dataElements":[…],…}) to
// /api/metadata with params (importStrategy, atomicMode, importMode …).
// With async=true in params it waits for the server job and returns its
// report. A report with errors is a result (Status ERROR/WARNING), not a Go
// error; Go errors are transport failures, refusals (401, 403 …) and
// unknown outcomes (errors.Is(err, ErrUnknownOutcome)).
func (c *Client) ImportMetadata(ctx context.Context, body *Body, params url.Values) (*ImportResult, error) {
	return c.importTo(ctx, ImportKindMetadata, "metadata", "import metadata", body, params)
}

// ImportDataValues posts a data value set to /api/dataValueSets; see
// ImportMetadata.
func (c *Client) ImportDataValues(ctx context.Context, body *Body, params url.Values) (*ImportResult, error) {
	return c.importTo(ctx, ImportKindDataValues, "dataValueSets", "import data values", body, params)
}

// ImportCompleteRegistrations posts {"completeDataSetRegistrations":[…]}
// to /api/completeDataSetRegistrations; see ImportMetadata.
func (c *Client) ImportCompleteRegistrations(ctx context.Context, body *Body, params url.Values) (*ImportResult, error) {
	return c.importTo(ctx, ImportKindCompleteRegistrations, "completeDataSetRegistrations", "import complete data set registrations", body, params)
}

// ImportTracker posts a new-tracker payload to /api/tracker (2.36+). DHIS2
// imports asynchronously by default; unless params sets async, the client
// asks for a synchronous import (async=false). With async=true it polls
// /api/tracker/jobs/{id} and returns the job's report.
func (c *Client) ImportTracker(ctx context.Context, body *Body, params url.Values) (*ImportResult, error) {
	params = cloneValues(params)
	if params.Get("async") == "" {
		params.Set("async", "false")
	}
	return c.importTo(ctx, ImportKindTracker, "tracker", "import tracker data", body, params)
}

// ImportOldTracker posts to one of the ≤2.41 tracker endpoints: kind is
// ImportKindEvents, ImportKindTrackedEntityInstances,
// ImportKindEnrollments or ImportKindRelationships. Note that these
// endpoints answer HTTP 409 on WARNING too; that is still a result.
func (c *Client) ImportOldTracker(ctx context.Context, kind ImportKind, body *Body, params url.Values) (*ImportResult, error) {
	switch kind {
	case ImportKindEvents, ImportKindTrackedEntityInstances, ImportKindEnrollments, ImportKindRelationships:
	default:
		return nil, c.newError("import old tracker data", KindConfig, 0, fmt.Errorf("import kind %q is not an old tracker endpoint (events, trackedEntityInstances, enrollments, relationships)", kind))
	}
	return c.importTo(ctx, kind, string(kind), "import "+string(kind), body, params)
}

// importTo posts body and turns the answer into an ImportResult, polling
// async jobs.
func (c *Client) importTo(ctx context.Context, kind ImportKind, path, op string, body *Body, params url.Values) (*ImportResult, error) {
	if body == nil {
		return nil, c.newError(op, KindConfig, 0, errors.New("no body to import"))
	}
	cl := &call{op: op, method: http.MethodPost, path: path, query: params, body: body}
	var (
		res *ImportResult
		job *jobRef
	)
	attempts, err := c.sendBuffered(ctx, cl, func(resp *http.Response, data []byte) error {
		var err error
		res, job, err = c.importResponse(op, kind, resp, data)
		return err
	})
	if err != nil {
		return nil, err
	}
	if job != nil {
		res, err = c.waitJob(ctx, kind, op, job)
		if err != nil {
			return nil, err
		}
	}
	res.Attempts = attempts
	return res, nil
}

// importResponse classifies one answer to an import POST.
func (c *Client) importResponse(op string, kind ImportKind, resp *http.Response, data []byte) (*ImportResult, *jobRef, error) {
	code := resp.StatusCode
	reportable := (code >= 200 && code < 300) || code == http.StatusConflict || code == http.StatusBadRequest
	if !reportable {
		return nil, nil, c.statusErrorFromBody(op, resp, data)
	}
	if looksHTML(resp.Header, data) {
		return nil, nil, c.htmlError(op, code, data)
	}
	res, job, err := parseImportBody(kind, code, data)
	if err != nil || (res != nil && res.ResponseType == "WebMessage" && code >= 400) {
		if code >= 400 {
			return nil, nil, c.statusErrorFromBody(op, resp, data)
		}
		// A 2xx answer we cannot read: DHIS2 may have imported it.
		e := c.newError(op, KindBadResponse, code, redactedError{err, c.red})
		e.UnknownOutcome = true
		return nil, nil, e
	}
	return res, job, nil
}

// waitJob polls an async import job until it completes and returns its
// report. Failures while polling leave the outcome unknown.
func (c *Client) waitJob(ctx context.Context, kind ImportKind, op string, job *jobRef) (*ImportResult, error) {
	if job.ID == "" {
		e := c.newError(op, KindBadResponse, 0, errors.New("the async job reference has no id"))
		e.UnknownOutcome = true
		return nil, e
	}
	tasks, report := jobPaths(job)
	c.log.Debug("dhis2 waiting for async job", "op", op, "job", job.ID)
	last, err := c.pollJob(ctx, op, tasks)
	if err != nil {
		return nil, unknownJobError(err, job)
	}
	res, err := c.jobReport(ctx, kind, op, report, last)
	if err != nil {
		return nil, unknownJobError(err, job)
	}
	res.Async = true
	res.JobID = job.ID
	return res, nil
}

// jobPaths returns the notification and report paths of a job.
func jobPaths(job *jobRef) (tasks, report string) {
	id := url.PathEscape(job.ID)
	if job.Tracker {
		return "tracker/jobs/" + id, "tracker/jobs/" + id + "/report"
	}
	typ := job.JobType
	if typ == "" {
		// Fall back on the notifier endpoint: /api/system/tasks/<TYPE>/<id>.
		parts := strings.Split(strings.Trim(job.Endpoint, "/"), "/")
		if len(parts) >= 2 {
			typ = parts[len(parts)-2]
		}
	}
	typ = url.PathEscape(typ)
	return "system/tasks/" + typ + "/" + id, "system/taskSummaries/" + typ + "/" + id
}

func unknownJobError(err error, job *jobRef) error {
	if e := asError(err); e != nil {
		e.UnknownOutcome = true
		e.Message = firstNonEmpty(e.Message, "async job "+job.ID)
		return e
	}
	return fmt.Errorf("async job %s: %w (%w)", job.ID, err, ErrUnknownOutcome)
}

// notification is one entry of /api/system/tasks/{type}/{id} and
// /api/tracker/jobs/{id}.
type notification struct {
	Level     string `json:"level"`
	Message   string `json:"message"`
	Completed bool   `json:"completed"`
	Time      string `json:"time"`
}

// pollJob polls path until a notification says completed and returns it.
// The interval starts at PollInterval and grows by half up to
// PollMaxInterval; ctx bounds the wait.
func (c *Client) pollJob(ctx context.Context, op, path string) (notification, error) {
	interval := c.cfg.PollInterval
	for {
		var notes []notification
		if err := c.GetJSON(ctx, path, nil, &notes); err != nil {
			return notification{}, err
		}
		for _, n := range notes {
			if n.Completed {
				return n, nil
			}
		}
		if err := c.cfg.Sleep(ctx, interval); err != nil {
			return notification{}, c.newError(op, KindCanceled, 0, err)
		}
		interval = min(interval+interval/2, c.cfg.PollMaxInterval)
	}
}

// jobReport fetches the report of a completed job. A job that ended in
// error without a report yields an ERROR result carrying the
// notification's message.
func (c *Client) jobReport(ctx context.Context, kind ImportKind, op, path string, last notification) (*ImportResult, error) {
	var raw json.RawMessage
	err := c.GetJSON(ctx, path, nil, &raw)
	empty := len(raw) == 0 || string(raw) == "null" || string(raw) == "{}"
	if (err != nil && errors.Is(err, KindNotFound)) || (err == nil && empty) {
		if strings.EqualFold(last.Level, "ERROR") {
			return &ImportResult{Kind: kind, ResponseType: "WebMessage", Status: StatusError, HTTPStatus: 200, Message: last.Message,
				Errors: []ImportError{{Index: -1, Message: last.Message}}}, nil
		}
		if err == nil {
			err = c.newError(op, KindBadResponse, 0, errors.New("the completed job has no report"))
		}
	}
	if err != nil {
		return nil, err
	}
	res, job, err := parseImportBody(kind, http.StatusOK, raw)
	if err != nil || job != nil {
		if err == nil {
			err = errNotReport
		}
		return nil, c.newError(op, KindBadResponse, 0, fmt.Errorf("job report: %w", err))
	}
	if res.Message == "" {
		res.Message = last.Message
	}
	return res, nil
}
