package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// RunEvent is one timestamped log line of a run, shown live in the UI and
// kept after River has forgotten the job.
type RunEvent struct {
	At      time.Time       // zero: now
	Attrs   json.RawMessage // JSON object with typed details; "{}" when empty
	Code    string          // stable machine code, e.g. "import_conflict"
	ID      int64
	Level   string // debug, info, warn or error
	Message string
	RunID   int64
}

const insertRunEventSQL = `INSERT INTO run_events (run_id, at, level, code, message, attrs)
VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`

// AppendRunEvent stores an event and returns its ID. IDs increase, so a
// live tail asks for events after the last ID it saw. An unknown run is
// ErrNotFound.
func (s *Store) AppendRunEvent(ctx context.Context, ev RunEvent) (int64, error) {
	op := fmt.Sprintf("AppendRunEvent(run %d)", ev.RunID)
	switch ev.Level {
	case "debug", "info", "warn", "error":
	default:
		return 0, invalid(op, "level must be debug, info, warn or error, got %q", ev.Level)
	}
	attrs, ok := jsonText(ev.Attrs)
	if !ok {
		return 0, invalid(op, "attrs are not valid JSON")
	}
	at := s.clock()
	if !ev.At.IsZero() {
		at = normTime(ev.At)
	}
	var id int64
	err := s.q.QueryRowContext(ctx, insertRunEventSQL, ev.RunID, at, ev.Level, ev.Code, ev.Message, attrs).Scan(&id)
	return id, wrap(err, "%s", op)
}

const listRunEventsSQL = `SELECT id, run_id, at, level, code, message, attrs FROM run_events
WHERE run_id = $1 AND id > $2 ORDER BY id LIMIT $3`

// ListRunEvents returns up to limit events of a run with ID > afterID, in
// order (afterID 0 = from the start; limit <= 0 means 500, at most 5000).
func (s *Store) ListRunEvents(ctx context.Context, runID, afterID int64, limit int) ([]*RunEvent, error) {
	if limit <= 0 {
		limit = 500
	}
	limit = min(limit, 5000)
	rows, err := s.q.QueryContext(ctx, listRunEventsSQL, runID, afterID, limit)
	if err != nil {
		return nil, wrap(err, "ListRunEvents(run %d)", runID)
	}
	out, err := collect(rows, func(r scanner) (*RunEvent, error) {
		var ev RunEvent
		var attrs string
		if err := r.Scan(&ev.ID, &ev.RunID, &ev.At, &ev.Level, &ev.Code, &ev.Message, &attrs); err != nil {
			return nil, err
		}
		ev.At, ev.Attrs = ev.At.UTC(), json.RawMessage(attrs)
		return &ev, nil
	})
	return out, wrap(err, "ListRunEvents(run %d)", runID)
}
