-- Resumable sync state: per-stream checkpoints, incremental high-water
-- marks in source time, and source→destination UID mappings.

-- +goose Up
CREATE TABLE checkpoints (
    pair_key           TEXT NOT NULL,
    stream             TEXT NOT NULL,
    cursor             TEXT NOT NULL,
    run_id             BIGINT NULL REFERENCES sync_runs (id) ON DELETE SET NULL,
    updated_at         TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (pair_key, stream)
);

CREATE TABLE sync_cursors (
    pair_key           TEXT NOT NULL,
    scope              TEXT NOT NULL,
    high_water         TEXT NOT NULL,
    run_id             BIGINT NULL REFERENCES sync_runs (id) ON DELETE SET NULL,
    updated_at         TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (pair_key, scope)
);

CREATE TABLE id_mappings (
    pair_key           TEXT NOT NULL,
    object_type        TEXT NOT NULL,
    source_uid         TEXT NOT NULL,
    dest_uid           TEXT NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (pair_key, object_type, source_uid)
);

-- +goose Down
DROP TABLE id_mappings;
DROP TABLE sync_cursors;
DROP TABLE checkpoints;
