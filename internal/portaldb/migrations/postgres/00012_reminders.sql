-- +goose Up
-- Reading-window reminders by e-mail beside the ones by SMS (issue #15).
ALTER TABLE accounts ADD COLUMN email_reminders BOOLEAN NOT NULL DEFAULT FALSE;

-- A reminder or a receipt echo waiting to be sent by one channel ('email'
-- or 'sms'). kind 'window': the reading window's reminder of period and
-- slot ('opens' on its first day, 'closes' two days before its end), made
-- by the reminders runner once per account, period, slot and channel (the
-- unique index: two runners and a restart make it once). kind 'receipt':
-- the echo of an accepted reading, written in the transaction that accepts
-- it. Times are Unix milliseconds, like mail_jobs.
CREATE TABLE reminder_jobs (
    id              BIGSERIAL PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('window', 'receipt')),
    channel         TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    account_id      BIGINT NOT NULL REFERENCES accounts (id),
    period          TEXT NOT NULL,
    slot            TEXT NOT NULL DEFAULT '',
    reading_id      BIGINT REFERENCES readings (id),
    created_at      BIGINT NOT NULL,
    -- attempts started, counting the one in progress
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    -- a claimed job belongs to its runner until then
    leased_until    BIGINT NOT NULL DEFAULT 0,
    -- sent_at: handed to the SMTP server, or (SMS) marked before the
    -- gateway call; failed_at: given up; cancelled_at: no longer wanted
    -- (a reading arrived, unsubscribed, the window closed, over budget)
    sent_at         BIGINT,
    failed_at       BIGINT,
    cancelled_at    BIGINT,
    -- why the last attempt failed or the job was cancelled, without
    -- personal data
    last_error      TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX reminder_jobs_once ON reminder_jobs (account_id, period, slot, channel) WHERE kind = 'window';
CREATE UNIQUE INDEX reminder_jobs_receipt ON reminder_jobs (reading_id, channel) WHERE kind = 'receipt';
-- The jobs still to do, in the order they fall due.
CREATE INDEX reminder_jobs_due ON reminder_jobs (next_attempt_at, id)
    WHERE sent_at IS NULL AND failed_at IS NULL AND cancelled_at IS NULL;

-- +goose Down
DROP TABLE reminder_jobs;
ALTER TABLE accounts DROP COLUMN email_reminders;
