-- +goose Up
-- Login throttling lives here rather than in a server's memory, so every
-- portal instance sees the same failures and a restart hands out no fresh
-- guesses. One row per throttled key: kind is 'customer', 'address' or
-- 'device', key the customer number, the client address or the device
-- token's hash in hex. Times are Unix milliseconds.
CREATE TABLE login_throttles (
    kind            TEXT NOT NULL,
    key             TEXT NOT NULL,
    -- consecutive failures, forgotten after a quiet while
    failures        INTEGER NOT NULL DEFAULT 0,
    last_failure_at BIGINT NOT NULL DEFAULT 0,
    -- no attempt before this
    blocked_until   BIGINT NOT NULL DEFAULT 0,
    -- attempts let through and not finished yet, so that attempts running
    -- at once (on one instance or several) share one budget; they lapse at
    -- pending_until if their request never reports back
    pending         INTEGER NOT NULL DEFAULT 0,
    pending_until   BIGINT NOT NULL DEFAULT 0,
    touched_at      BIGINT NOT NULL,
    PRIMARY KEY (kind, key)
);
-- Quiet rows are swept by age.
CREATE INDEX login_throttles_by_touch ON login_throttles (kind, touched_at);

-- A device the customer logged in from (OWASP "device cookie"): the app
-- keeps the token, the portal only its SHA-256. A login that brings a live
-- one is throttled on its own and not by failures from elsewhere. Times
-- are Unix seconds, as those of sessions.
CREATE TABLE devices (
    token_hash  BYTEA PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX devices_by_customer ON devices (customer_id, expires_at);

-- +goose Down
DROP TABLE devices;
DROP TABLE login_throttles;
