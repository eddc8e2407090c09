-- DHIS2 connections, sync runs and their event log.
-- Timestamps are written by d2sync in UTC (_time_format=sqlite); JSON is TEXT.

-- +goose Up
CREATE TABLE instances (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    name               TEXT NOT NULL UNIQUE,
    base_url           TEXT NOT NULL,
    auth_kind          TEXT NOT NULL CHECK (auth_kind IN ('basic', 'token')),
    username           TEXT NOT NULL DEFAULT '',
    secret             TEXT NOT NULL DEFAULT '',
    secret_key_id      TEXT NOT NULL DEFAULT '',
    detected_version   TEXT NOT NULL DEFAULT '',
    server_time_zone   TEXT NOT NULL DEFAULT '',
    last_probe_at      TIMESTAMP NULL,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL
);

CREATE TABLE sync_runs (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    pair_key           TEXT NOT NULL,
    source_instance_id INTEGER NULL REFERENCES instances (id) ON DELETE SET NULL,
    source_url         TEXT NOT NULL,
    dest_instance_id   INTEGER NULL REFERENCES instances (id) ON DELETE SET NULL,
    dest_url           TEXT NOT NULL,
    scope              TEXT NOT NULL DEFAULT '',
    dry_run            BOOLEAN NOT NULL DEFAULT FALSE,
    triggered_by       TEXT NOT NULL DEFAULT '',
    state              TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'partial', 'failed', 'cancelled')),
    stage              TEXT NOT NULL DEFAULT '',
    counters           TEXT NOT NULL DEFAULT '{}',
    report             TEXT NOT NULL DEFAULT '{}',
    error              TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMP NOT NULL,
    started_at         TIMESTAMP NULL,
    finished_at        TIMESTAMP NULL,
    heartbeat_at       TIMESTAMP NULL
);
CREATE INDEX sync_runs_state_idx ON sync_runs (state, id);
CREATE INDEX sync_runs_pair_idx ON sync_runs (pair_key, id);
CREATE INDEX sync_runs_source_instance_idx ON sync_runs (source_instance_id);
CREATE INDEX sync_runs_dest_instance_idx ON sync_runs (dest_instance_id);

CREATE TABLE run_events (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id             INTEGER NOT NULL REFERENCES sync_runs (id) ON DELETE CASCADE,
    at                 TIMESTAMP NOT NULL,
    level              TEXT NOT NULL,
    code               TEXT NOT NULL DEFAULT '',
    message            TEXT NOT NULL,
    attrs              TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX run_events_run_idx ON run_events (run_id, id);

-- +goose Down
DROP TABLE run_events;
DROP TABLE sync_runs;
DROP TABLE instances;
