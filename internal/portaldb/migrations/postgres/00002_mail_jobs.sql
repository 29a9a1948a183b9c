-- +goose Up
-- An issued invoice waiting to be e-mailed to a subscriber. The job is
-- written in the transaction that issues the invoice, so a crash cannot lose
-- a bill or make two jobs of one (invoice_id is unique). Times are Unix
-- milliseconds: retries may be seconds apart.
CREATE TABLE mail_jobs (
    id              BIGSERIAL PRIMARY KEY,
    invoice_id      BIGINT NOT NULL UNIQUE REFERENCES invoices (id),
    account_id      BIGINT NOT NULL REFERENCES accounts (id),
    -- the address at the time the invoice was issued
    email           TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    -- attempts started, counting the one in progress
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    -- a claimed job belongs to its sender until then
    leased_until    BIGINT NOT NULL DEFAULT 0,
    -- sent_at: the SMTP server accepted the message; failed_at: given up
    sent_at         BIGINT,
    failed_at       BIGINT,
    -- why the last attempt failed, without personal data
    last_error      TEXT NOT NULL DEFAULT ''
);
-- The jobs still to do, in the order they fall due.
CREATE INDEX mail_jobs_due ON mail_jobs (next_attempt_at, id) WHERE sent_at IS NULL AND failed_at IS NULL;

-- A login drops the expired sessions; without this index it reads them all.
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- +goose Down
DROP INDEX sessions_by_expiry;
DROP TABLE mail_jobs;
