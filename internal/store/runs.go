package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Run states. A run is created queued, becomes running, and ends in one of
// the four terminal states.
const (
	RunQueued    = "queued"
	RunRunning   = "running"
	RunSucceeded = "succeeded"
	RunPartial   = "partial" // finished with some failures
	RunFailed    = "failed"
	RunCancelled = "cancelled"
)

// IsTerminal reports whether state is a final run state.
func IsTerminal(state string) bool {
	switch state {
	case RunSucceeded, RunPartial, RunFailed, RunCancelled:
		return true
	}
	return false
}

// SyncRun is one execution of a sync from a source to a destination. The
// instance IDs are nil for ad-hoc CLI runs (and after an instance is
// deleted); the URLs are always kept.
type SyncRun struct {
	Counters         json.RawMessage // JSON object, "{}" when empty
	CreatedAt        time.Time
	DestInstanceID   *int64
	DestURL          string
	DryRun           bool
	Error            string
	FinishedAt       *time.Time
	HeartbeatAt      *time.Time
	ID               int64
	PairKey          string          // PairKey(SourceURL, DestURL)
	Report           json.RawMessage // JSON object, "{}" until set
	Scope            string          // e.g. "metadata,data"
	SourceInstanceID *int64
	SourceURL        string
	Stage            string
	StartedAt        *time.Time
	State            string
	TriggeredBy      string // user name, "cli", "schedule:3", …
}

// NewRun describes a run to create.
type NewRun struct {
	DestInstanceID   *int64
	DestURL          string
	DryRun           bool
	Scope            string
	SourceInstanceID *int64
	SourceURL        string
	TriggeredBy      string
}

// PairKey returns the stable key of a source→destination pair that
// checkpoints, cursors and ID mappings are filed under: both base URLs
// with scheme and host lower-cased and trailing slashes removed, joined by
// " -> ".
func PairKey(sourceURL, destURL string) string {
	return normalizeBaseURL(sourceURL) + " -> " + normalizeBaseURL(destURL)
}

func normalizeBaseURL(raw string) string {
	raw = strings.TrimRight(strings.TrimSpace(raw), "/")
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	u.Scheme, u.Host = strings.ToLower(u.Scheme), strings.ToLower(u.Host)
	u.User = nil // never file state under credentials
	return strings.TrimRight(u.String(), "/")
}

const runCols = `id, pair_key, source_instance_id, source_url, dest_instance_id, dest_url, scope, dry_run,
	triggered_by, state, stage, counters, report, error, created_at, started_at, finished_at, heartbeat_at`

func scanRun(row scanner) (*SyncRun, error) {
	var r SyncRun
	var src, dst nullInt
	var counters, report string
	var started, finished, heartbeat sql.NullTime
	err := row.Scan(&r.ID, &r.PairKey, &src, &r.SourceURL, &dst, &r.DestURL, &r.Scope, &r.DryRun,
		&r.TriggeredBy, &r.State, &r.Stage, &counters, &report, &r.Error, &r.CreatedAt, &started, &finished, &heartbeat)
	if err != nil {
		return nil, err
	}
	r.SourceInstanceID, r.DestInstanceID = src.ptr(), dst.ptr()
	r.Counters, r.Report = json.RawMessage(counters), json.RawMessage(report)
	r.CreatedAt = r.CreatedAt.UTC()
	r.StartedAt, r.FinishedAt, r.HeartbeatAt = timePtr(started), timePtr(finished), timePtr(heartbeat)
	return &r, nil
}

func nullID(id *int64) sql.NullInt64 {
	if id == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: *id, Valid: true}
}

const insertRunSQL = `INSERT INTO sync_runs (pair_key, source_instance_id, source_url, dest_instance_id, dest_url,
	scope, dry_run, triggered_by, state, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'queued', $9)
RETURNING ` + runCols

// CreateRun records a new queued run.
func (s *Store) CreateRun(ctx context.Context, n NewRun) (*SyncRun, error) {
	if strings.TrimSpace(n.SourceURL) == "" || strings.TrimSpace(n.DestURL) == "" {
		return nil, invalid("CreateRun", "source and destination URLs are required")
	}
	r, err := scanRun(s.q.QueryRowContext(ctx, insertRunSQL, PairKey(n.SourceURL, n.DestURL),
		nullID(n.SourceInstanceID), n.SourceURL, nullID(n.DestInstanceID), n.DestURL,
		n.Scope, n.DryRun, n.TriggeredBy, s.clock()))
	return r, wrap(err, "CreateRun")
}

const getRunSQL = `SELECT ` + runCols + ` FROM sync_runs WHERE id = $1`

// GetRun returns one run or ErrNotFound.
func (s *Store) GetRun(ctx context.Context, id int64) (*SyncRun, error) {
	r, err := scanRun(s.q.QueryRowContext(ctx, getRunSQL, id))
	return r, wrap(err, "GetRun(%d)", id)
}

// RunFilter selects runs for ListRuns; zero fields do not filter.
type RunFilter struct {
	BeforeID int64  // only runs with a smaller ID (paging, newest first)
	Limit    int    // default 50, at most 1000
	PairKey  string // only this pair
	State    string // only this state
}

const listRunsSQL = `SELECT ` + runCols + ` FROM sync_runs
WHERE (pair_key = $1 OR $1 = '') AND (state = $2 OR $2 = '') AND (id < $3 OR $3 = 0)
ORDER BY id DESC LIMIT $4`

// ListRuns returns runs newest first.
func (s *Store) ListRuns(ctx context.Context, f RunFilter) ([]*SyncRun, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, 1000)
	rows, err := s.q.QueryContext(ctx, listRunsSQL, f.PairKey, f.State, f.BeforeID, f.Limit)
	if err != nil {
		return nil, wrap(err, "ListRuns")
	}
	out, err := collect(rows, scanRun)
	return out, wrap(err, "ListRuns")
}

const staleRunsSQL = `SELECT ` + runCols + ` FROM sync_runs
WHERE state = 'running' AND (heartbeat_at < $1 OR heartbeat_at IS NULL) ORDER BY id`

// ListStaleRuns returns running runs whose last heartbeat is older than
// before (their worker probably died).
func (s *Store) ListStaleRuns(ctx context.Context, before time.Time) ([]*SyncRun, error) {
	rows, err := s.q.QueryContext(ctx, staleRunsSQL, normTime(before))
	if err != nil {
		return nil, wrap(err, "ListStaleRuns")
	}
	out, err := collect(rows, scanRun)
	return out, wrap(err, "ListStaleRuns")
}

const startRunSQL = `UPDATE sync_runs SET state = 'running', started_at = COALESCE(started_at, $1), heartbeat_at = $1
WHERE id = $2 AND state IN ('queued', 'running')`

// StartRun moves a run from queued to running. Starting a running run
// again (a retried job resuming it) is allowed and keeps the first
// started_at. A finished run is ErrInvalidState.
func (s *Store) StartRun(ctx context.Context, id int64) error {
	res, err := s.q.ExecContext(ctx, startRunSQL, s.clock(), id)
	return wrap(s.checkTransition(ctx, res, err, id, RunRunning), "StartRun(%d)", id)
}

const finishRunSQL = `UPDATE sync_runs SET state = $1, error = $2, finished_at = $3, heartbeat_at = $3
WHERE id = $4 AND state = 'running'`

const abortQueuedRunSQL = `UPDATE sync_runs SET state = $1, error = $2, finished_at = $3
WHERE id = $4 AND state IN ('queued', 'running')`

// FinishRun ends a run in a terminal state with an optional error text.
// succeeded and partial require a running run; failed and cancelled are
// also allowed from queued. Finishing a finished run is ErrInvalidState.
func (s *Store) FinishRun(ctx context.Context, id int64, state, errText string) error {
	q := finishRunSQL
	switch state {
	case RunSucceeded, RunPartial:
	case RunFailed, RunCancelled:
		q = abortQueuedRunSQL
	default:
		return invalid(fmt.Sprintf("FinishRun(%d)", id), "%q is not a terminal state", state)
	}
	res, err := s.q.ExecContext(ctx, q, state, errText, s.clock(), id)
	return wrap(s.checkTransition(ctx, res, err, id, state), "FinishRun(%d, %s)", id, state)
}

const runStateSQL = `SELECT state FROM sync_runs WHERE id = $1`

// checkTransition turns "no row updated" into ErrNotFound or
// ErrInvalidState (naming the current state).
func (s *Store) checkTransition(ctx context.Context, res sql.Result, err error, id int64, to string) error {
	if err != nil {
		return err
	}
	if err := checkAffected(res); !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	var cur string
	if err := s.q.QueryRowContext(ctx, runStateSQL, id).Scan(&cur); err != nil {
		return err
	}
	return fmt.Errorf("%w: run %d is %s, cannot become %s", ErrInvalidState, id, cur, to)
}

const setStageSQL = `UPDATE sync_runs SET stage = $1, heartbeat_at = $2 WHERE id = $3 AND state = 'running'`

// SetRunStage records the stage a running run is in (e.g. "metadata") and
// counts as a heartbeat.
func (s *Store) SetRunStage(ctx context.Context, id int64, stage string) error {
	res, err := s.q.ExecContext(ctx, setStageSQL, stage, s.clock(), id)
	return wrap(s.checkTransition(ctx, res, err, id, RunRunning), "SetRunStage(%d)", id)
}

const setCountersSQL = `UPDATE sync_runs SET counters = $1, heartbeat_at = $2 WHERE id = $3 AND state = 'running'`

// SetRunCounters replaces the progress counters (a JSON object) of a
// running run and counts as a heartbeat. Call it in the same InTx as the
// checkpoint of the chunk the counters include.
func (s *Store) SetRunCounters(ctx context.Context, id int64, counters json.RawMessage) error {
	text, ok := jsonText(counters)
	if !ok {
		return invalid(fmt.Sprintf("SetRunCounters(%d)", id), "counters are not valid JSON")
	}
	res, err := s.q.ExecContext(ctx, setCountersSQL, text, s.clock(), id)
	return wrap(s.checkTransition(ctx, res, err, id, RunRunning), "SetRunCounters(%d)", id)
}

const setReportSQL = `UPDATE sync_runs SET report = $1 WHERE id = $2`

// SetRunReport stores the final report (a JSON document) of a run, in any
// state.
func (s *Store) SetRunReport(ctx context.Context, id int64, report json.RawMessage) error {
	text, ok := jsonText(report)
	if !ok {
		return invalid(fmt.Sprintf("SetRunReport(%d)", id), "report is not valid JSON")
	}
	res, err := s.q.ExecContext(ctx, setReportSQL, text, id)
	if err == nil {
		err = checkAffected(res)
	}
	return wrap(err, "SetRunReport(%d)", id)
}

const heartbeatSQL = `UPDATE sync_runs SET heartbeat_at = $1 WHERE id = $2 AND state = 'running'`

// HeartbeatRun records that the worker of a running run is alive. It is
// ErrInvalidState when the run is no longer running (for example it was
// cancelled: the worker should stop).
func (s *Store) HeartbeatRun(ctx context.Context, id int64) error {
	res, err := s.q.ExecContext(ctx, heartbeatSQL, s.clock(), id)
	return wrap(s.checkTransition(ctx, res, err, id, RunRunning), "HeartbeatRun(%d)", id)
}
