-- +goose Up
-- Tokens of the supplier's own systems (the billing system pushing master
-- data, a job taking accepted readings out) for /api/v1/service/…. They
-- are kept apart from the customers' sessions: a token of one kind is
-- never valid on the other's API. Only the token's SHA-256 is stored; it
-- is shown once when made. scopes: what the token may do, separated by
-- spaces (import:customers export:readings …). Times are Unix seconds.
CREATE TABLE service_tokens (
    id           BIGSERIAL PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    token_hash   BYTEA NOT NULL UNIQUE,
    scopes       TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT
);

-- +goose Down
DROP TABLE service_tokens;
