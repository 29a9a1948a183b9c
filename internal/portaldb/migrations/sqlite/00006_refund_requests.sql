-- +goose Up
-- A refund staff asked for (kabinet-portal payments refund). The row is
-- written before the provider is asked and its id is the provider's
-- Idempotence-Key: running the command again after an unknown outcome (a
-- timeout, HTTP 500) finds the unanswered row of the same payment and sum
-- and asks for the same refund, even when the refund's notification has
-- debited the account in between. refund_id is the provider's refund once
-- it answered. Times are Unix milliseconds.
CREATE TABLE refund_requests (
    id          TEXT PRIMARY KEY,
    payment_id  TEXT NOT NULL REFERENCES online_payments (id),
    amount      INTEGER NOT NULL CHECK (amount > 0),
    refund_id   TEXT,
    created_at  INTEGER NOT NULL
);
CREATE INDEX refund_requests_unanswered ON refund_requests (payment_id, amount) WHERE refund_id IS NULL;

-- +goose Down
DROP TABLE refund_requests;
