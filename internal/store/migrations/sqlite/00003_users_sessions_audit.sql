-- Platform users, web sessions (shaped for an scs CtxStore; the table keeps
-- the SHA-256 of each session token, never the token) and the
-- append-only, hash-chained audit trail.

-- +goose Up
CREATE TABLE users (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    username           TEXT NOT NULL,
    password_hash      TEXT NOT NULL,
    role               TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'viewer')),
    locale             TEXT NOT NULL DEFAULT 'en',
    disabled           BOOLEAN NOT NULL DEFAULT FALSE,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX users_username_lower_idx ON users (lower(username));

CREATE TABLE sessions (
    token_hash         TEXT PRIMARY KEY,
    data               BLOB NOT NULL,
    expiry             TIMESTAMP NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);

CREATE TABLE audit_events (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    at                 TIMESTAMP NOT NULL,
    actor              TEXT NOT NULL,
    action             TEXT NOT NULL,
    target             TEXT NOT NULL DEFAULT '',
    outcome            TEXT NOT NULL,
    ip                 TEXT NOT NULL DEFAULT '',
    request_id         TEXT NOT NULL DEFAULT '',
    details            TEXT NOT NULL DEFAULT '{}',
    prev_hash          TEXT NOT NULL UNIQUE,
    hash               TEXT NOT NULL
);

-- +goose StatementBegin
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER audit_events_no_delete;
DROP TRIGGER audit_events_no_update;
DROP TABLE audit_events;
DROP TABLE sessions;
DROP TABLE users;
