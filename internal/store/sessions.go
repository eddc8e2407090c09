package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"
)

// SessionStore keeps web sessions in the sessions table. It implements
// scs.Store and scs.CtxStore (github.com/alexedwards/scs/v2), so one store
// serves SQLite and PostgreSQL. Only the SHA-256 of each token is stored:
// a copy of the database does not let anyone take over a session.
type SessionStore struct {
	s *Store
}

// Sessions returns the session store backed by this database.
func (s *Store) Sessions() *SessionStore { return &SessionStore{s: s} }

func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

const findSessionSQL = `SELECT data FROM sessions WHERE token_hash = $1 AND expiry > $2`

// FindCtx returns the data of an unexpired session; found is false (and
// err nil) for an unknown or expired token.
func (ss *SessionStore) FindCtx(ctx context.Context, token string) (b []byte, found bool, err error) {
	err = ss.s.q.QueryRowContext(ctx, findSessionSQL, tokenHash(token), ss.s.clock()).Scan(&b)
	if err != nil {
		if errors.Is(mapErr(err), ErrNotFound) {
			return nil, false, nil
		}
		return nil, false, wrap(err, "Sessions.Find")
	}
	return b, true, nil
}

const commitSessionSQL = `INSERT INTO sessions (token_hash, data, expiry) VALUES ($1, $2, $3)
ON CONFLICT (token_hash) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`

// CommitCtx creates or replaces a session.
func (ss *SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	if b == nil {
		b = []byte{}
	}
	_, err := ss.s.q.ExecContext(ctx, commitSessionSQL, tokenHash(token), b, normTime(expiry))
	return wrap(err, "Sessions.Commit")
}

const deleteSessionSQL = `DELETE FROM sessions WHERE token_hash = $1`

// DeleteCtx removes a session; an unknown token is not an error.
func (ss *SessionStore) DeleteCtx(ctx context.Context, token string) error {
	_, err := ss.s.q.ExecContext(ctx, deleteSessionSQL, tokenHash(token))
	return wrap(err, "Sessions.Delete")
}

// Find is FindCtx without a context (scs.Store).
func (ss *SessionStore) Find(token string) ([]byte, bool, error) {
	return ss.FindCtx(context.Background(), token)
}

// Commit is CommitCtx without a context (scs.Store).
func (ss *SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return ss.CommitCtx(context.Background(), token, b, expiry)
}

// Delete is DeleteCtx without a context (scs.Store).
func (ss *SessionStore) Delete(token string) error {
	return ss.DeleteCtx(context.Background(), token)
}

const deleteExpiredSessionsSQL = `DELETE FROM sessions WHERE expiry <= $1`

// DeleteExpired removes expired sessions and returns how many; run it
// periodically.
func (ss *SessionStore) DeleteExpired(ctx context.Context) (int64, error) {
	res, err := ss.s.q.ExecContext(ctx, deleteExpiredSessionsSQL, ss.s.clock())
	if err != nil {
		return 0, wrap(err, "Sessions.DeleteExpired")
	}
	n, err := res.RowsAffected()
	return n, wrap(err, "Sessions.DeleteExpired")
}
