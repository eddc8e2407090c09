package store

import (
	"database/sql"
	"encoding/json"
	"time"
)

// scanner is a *sql.Row or *sql.Rows.
type scanner = interface{ Scan(...any) error }

// collect scans every row with scan and closes rows.
func collect[T any](rows *sql.Rows, scan func(scanner) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// timePtr converts a nullable timestamp to *time.Time in UTC.
func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}

// nullTime converts *time.Time to a nullable parameter (normalised).
func nullTime(t *time.Time) sql.NullTime {
	if t == nil {
		return sql.NullTime{}
	}
	return sql.NullTime{Time: normTime(*t), Valid: true}
}

// jsonText checks that raw is valid JSON and returns it as text; empty
// input becomes "{}".
func jsonText(raw json.RawMessage) (string, bool) {
	if len(raw) == 0 {
		return "{}", true
	}
	return string(raw), json.Valid(raw)
}

// nullInt is a nullable integer column that converts to *int64.
type nullInt struct{ sql.NullInt64 }

func (n nullInt) ptr() *int64 {
	if !n.Valid {
		return nil
	}
	v := n.Int64
	return &v
}
