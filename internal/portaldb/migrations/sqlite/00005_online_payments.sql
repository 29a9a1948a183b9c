-- +goose Up
-- A payment the customer started online (paying the debt through the
-- provider's page). The row is written before the provider is asked, and
-- its id is the provider's Idempotence-Key: however often the app or the
-- reconciler repeats the request, the provider makes one payment of it.
-- Times are Unix milliseconds.
CREATE TABLE online_payments (
    id                  TEXT PRIMARY KEY,
    customer_id         INTEGER NOT NULL REFERENCES customers (id),
    account_id          INTEGER NOT NULL REFERENCES accounts (id),
    -- the app's Idempotency-Key and the fingerprint of its request: a
    -- retry of the request finds this row again
    idempotency_key     TEXT NOT NULL,
    request_hash        BLOB NOT NULL,
    -- what is credited to the account, and the commission paid on top
    amount              INTEGER NOT NULL CHECK (amount > 0),
    commission          INTEGER NOT NULL DEFAULT 0,
    status              TEXT NOT NULL CHECK (status IN ('creating', 'pending', 'succeeded', 'canceled', 'expired')),
    cancel_reason       TEXT NOT NULL DEFAULT '',
    -- the provider's payment, once it answered
    provider_id         TEXT UNIQUE,
    -- the create request as first sent (JSON): every repeat sends the same
    provider_request    TEXT NOT NULL,
    confirmation_url    TEXT NOT NULL DEFAULT '',
    -- where the 54-FZ receipt goes
    receipt_contact     TEXT NOT NULL DEFAULT '',
    created_at          INTEGER NOT NULL,
    expires_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    -- when the provider was last asked about it
    checked_at          INTEGER NOT NULL DEFAULT 0,
    -- a reconciler working the row holds it until then
    leased_until        INTEGER NOT NULL DEFAULT 0,
    credited_payment_id INTEGER REFERENCES payments (id),
    -- kopecks returned to the payer so far
    refunded            INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT online_payments_key UNIQUE (customer_id, idempotency_key)
);
-- The payments the reconciler still has to follow.
CREATE INDEX online_payments_open ON online_payments (checked_at, id) WHERE status IN ('creating', 'pending');

-- The provider's payment or refund a payment came from ("payment:<id>",
-- "refund:<id>"): the same money is credited once, ever, whoever credits it.
ALTER TABLE payments ADD COLUMN provider_ref TEXT;
CREATE UNIQUE INDEX payments_provider_ref ON payments (provider_ref);

-- +goose Down
DROP INDEX payments_provider_ref;
ALTER TABLE payments DROP COLUMN provider_ref;
DROP TABLE online_payments;
