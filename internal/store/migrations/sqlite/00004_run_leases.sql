-- One run per source→destination pair (RELIABILITY.md R-19): a run holds
-- the lease of its pair, renews it while it works (heartbeat) and releases
-- it at the end; a lease not renewed before expires_at can be taken over
-- (its holder died).

-- +goose Up
CREATE TABLE run_leases (
    pair_key           TEXT PRIMARY KEY,
    holder             TEXT NOT NULL,
    run_id             INTEGER NULL REFERENCES sync_runs (id) ON DELETE SET NULL,
    acquired_at        TIMESTAMP NOT NULL,
    renewed_at         TIMESTAMP NOT NULL,
    expires_at         TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE run_leases;
