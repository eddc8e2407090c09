-- One run per source→destination pair (RELIABILITY.md R-19): a run holds
-- the lease of its pair, renews it while it works (heartbeat) and releases
-- it at the end; a lease not renewed before expires_at can be taken over
-- (its holder died).

-- +goose Up
CREATE TABLE run_leases (
    pair_key           TEXT PRIMARY KEY,
    holder             TEXT NOT NULL,
    run_id             BIGINT NULL REFERENCES sync_runs (id) ON DELETE SET NULL,
    acquired_at        TIMESTAMPTZ NOT NULL,
    renewed_at         TIMESTAMPTZ NOT NULL,
    expires_at         TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE run_leases;
