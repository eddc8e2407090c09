package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"time"
)

// AuditEvent is one entry of the append-only audit trail. Rows form a hash
// chain: Hash = SHA-256(PrevHash || canonical record), and PrevHash is the
// Hash of the row before (empty for the first row). The table refuses
// UPDATE and DELETE (triggers), and VerifyAuditChain finds rows changed,
// removed or forged behind the application's back.
type AuditEvent struct {
	Action    string // e.g. "login", "instance.update", "sync.run"
	Actor     string // user name, "cli", "system"
	At        time.Time
	Details   json.RawMessage // JSON object; "{}" when empty
	Hash      string
	ID        int64
	IP        string
	Outcome   string // "success", "failure", "denied", …
	PrevHash  string
	RequestID string
	Target    string // e.g. "instance:42"
}

// auditRecord is the canonical byte form the hash covers: a JSON array in
// a fixed order, timestamps in UTC with microseconds.
func auditRecord(ev *AuditEvent) []byte {
	b, _ := json.Marshal([]string{ // marshalling strings cannot fail
		"d2sync-audit-v1", ev.At.UTC().Format(time.RFC3339Nano), ev.Actor, ev.Action, ev.Target,
		ev.Outcome, ev.IP, ev.RequestID, string(ev.Details),
	})
	return b
}

func auditHash(prev string, ev *AuditEvent) string {
	h := sha256.New()
	h.Write([]byte(prev))
	h.Write(auditRecord(ev))
	return hex.EncodeToString(h.Sum(nil))
}

const lastAuditHashSQL = `SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1`

const insertAuditSQL = `INSERT INTO audit_events (at, actor, action, target, outcome, ip, request_id, details, prev_hash, hash)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`

// auditRetries bounds how often AppendAudit retries after losing a race
// for the chain head to a concurrent writer.
const auditRetries = 50

// AppendAudit adds an event to the end of the chain and returns it with
// ID, At, PrevHash and Hash set (At defaults to now). Concurrent appends
// are serialised by the unique prev_hash: the loser retries on the new
// head. Inside InTx there is no retry: a lost race returns ErrConflict.
func (s *Store) AppendAudit(ctx context.Context, ev AuditEvent) (*AuditEvent, error) {
	if ev.Actor == "" || ev.Action == "" || ev.Outcome == "" {
		return nil, invalid("AppendAudit", "actor, action and outcome are required")
	}
	details, ok := jsonText(ev.Details)
	if !ok {
		return nil, invalid("AppendAudit", "details are not valid JSON")
	}
	ev.Details = json.RawMessage(details)
	if ev.At.IsZero() {
		ev.At = s.clock()
	}
	ev.At = normTime(ev.At)
	var err error
	for range auditRetries {
		err = s.InTx(ctx, func(tx *Store) error { return tx.appendAudit(ctx, &ev) })
		if !errors.Is(mapErr(err), ErrConflict) || s.tx != nil {
			break
		}
	}
	if err != nil {
		return nil, wrap(err, "AppendAudit(%s)", ev.Action)
	}
	return &ev, nil
}

func (s *Store) appendAudit(ctx context.Context, ev *AuditEvent) error {
	prev := ""
	err := s.q.QueryRowContext(ctx, lastAuditHashSQL).Scan(&prev)
	if err != nil && !errors.Is(mapErr(err), ErrNotFound) {
		return err
	}
	ev.PrevHash = prev
	ev.Hash = auditHash(prev, ev)
	return s.q.QueryRowContext(ctx, insertAuditSQL, ev.At, ev.Actor, ev.Action, ev.Target, ev.Outcome,
		ev.IP, ev.RequestID, string(ev.Details), ev.PrevHash, ev.Hash).Scan(&ev.ID)
}

// AuditFilter selects events for ListAudit; zero fields do not filter.
type AuditFilter struct {
	Action   string
	Actor    string
	BeforeID int64 // paging, newest first
	Limit    int   // default 100, at most 1000
}

const auditCols = `id, at, actor, action, target, outcome, ip, request_id, details, prev_hash, hash`

func scanAudit(r scanner) (*AuditEvent, error) {
	var ev AuditEvent
	var details string
	if err := r.Scan(&ev.ID, &ev.At, &ev.Actor, &ev.Action, &ev.Target, &ev.Outcome, &ev.IP, &ev.RequestID,
		&details, &ev.PrevHash, &ev.Hash); err != nil {
		return nil, err
	}
	ev.At, ev.Details = ev.At.UTC(), json.RawMessage(details)
	return &ev, nil
}

const listAuditSQL = `SELECT ` + auditCols + ` FROM audit_events
WHERE (actor = $1 OR $1 = '') AND (action = $2 OR $2 = '') AND (id < $3 OR $3 = 0)
ORDER BY id DESC LIMIT $4`

// ListAudit returns audit events newest first.
func (s *Store) ListAudit(ctx context.Context, f AuditFilter) ([]*AuditEvent, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	f.Limit = min(f.Limit, 1000)
	rows, err := s.q.QueryContext(ctx, listAuditSQL, f.Actor, f.Action, f.BeforeID, f.Limit)
	if err != nil {
		return nil, wrap(err, "ListAudit")
	}
	out, err := collect(rows, scanAudit)
	return out, wrap(err, "ListAudit")
}

// AuditVerification is the outcome of VerifyAuditChain.
type AuditVerification struct {
	// FirstBadID is the ID of the first row that breaks the chain (0 when
	// OK).
	FirstBadID int64
	// OK is true when every row links to the one before and its hash
	// matches its content.
	OK bool
	// Problem explains what is wrong with FirstBadID.
	Problem string
	// Rows is the number of rows checked (up to and including the bad one).
	Rows int64
}

const allAuditSQL = `SELECT ` + auditCols + ` FROM audit_events ORDER BY id`

// VerifyAuditChain walks the whole trail in ID order and reports the first
// row whose content no longer matches its hash (modified) or whose
// prev_hash does not match the previous row (a row was deleted, inserted
// or reordered). Removing the newest rows cannot be detected from the
// table alone; compare Rows and the last hash with a copy kept elsewhere.
// The error is for database failures only.
func (s *Store) VerifyAuditChain(ctx context.Context) (AuditVerification, error) {
	var v AuditVerification
	rows, err := s.q.QueryContext(ctx, allAuditSQL)
	if err != nil {
		return v, wrap(err, "VerifyAuditChain")
	}
	defer rows.Close()
	prev := ""
	for rows.Next() {
		ev, err := scanAudit(rows)
		if err != nil {
			return v, wrap(err, "VerifyAuditChain")
		}
		v.Rows++
		switch {
		case ev.PrevHash != prev:
			v.FirstBadID, v.Problem = ev.ID, "prev_hash does not match the previous row: a row before it was deleted, inserted or reordered"
		case auditHash(ev.PrevHash, ev) != ev.Hash:
			v.FirstBadID, v.Problem = ev.ID, "hash does not match the row content: the row was modified"
		}
		if v.FirstBadID != 0 {
			return v, nil
		}
		prev = ev.Hash
	}
	if err := rows.Err(); err != nil {
		return v, wrap(err, "VerifyAuditChain")
	}
	v.OK = true
	return v, nil
}
