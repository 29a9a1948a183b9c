-- +goose Up
-- Phone proof (issue #11.1). A phone is proven when the customer typed a
-- code sent to it, or when it came from billing for a customer who has
-- never proven one: every phone already here came from billing or the demo
-- seed, so it counts as proven. Recovery SMS go only to a proven phone.
-- phone_proven_at: when the customer last proved a phone with a code (NULL:
-- never), so a later billing import knows not to replace it.
ALTER TABLE customers ADD COLUMN phone_proven INTEGER NOT NULL DEFAULT 1;
ALTER TABLE customers ADD COLUMN phone_proven_at INTEGER;

-- A new phone waiting for its code. The phone on file stays until the code
-- is typed; a new request replaces the pending one. The code is kept only
-- as a salted SHA-256; after 5 wrong tries or at expires_at it is void.
CREATE TABLE phone_changes (
    customer_id INTEGER PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
    phone       TEXT NOT NULL,
    code_hash   BLOB NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    failures    INTEGER NOT NULL DEFAULT 0
);

-- Where an SMS went when its budget is per number (phone-proof codes:
-- 3 a day per new number); '' for the others, which go to the phone on file.
ALTER TABLE sms_log ADD COLUMN phone TEXT NOT NULL DEFAULT '';
CREATE INDEX sms_log_by_phone ON sms_log (phone, sent_at) WHERE phone <> '';

-- Mail jobs get kinds: 'bill' (an invoice, as before) and 'email_changed'
-- (a notice to the old address that the e-mail was changed). A notice has
-- no invoice or account, so those columns become nullable; note holds what
-- the letter tells beyond its kind (the new address, masked). SQLite cannot
-- drop NOT NULL in place: the table is rebuilt, keeping its ids.
CREATE TABLE mail_jobs_new (
    id              INTEGER PRIMARY KEY,
    invoice_id      INTEGER UNIQUE REFERENCES invoices (id),
    account_id      INTEGER REFERENCES accounts (id),
    email           TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    leased_until    INTEGER NOT NULL DEFAULT 0,
    sent_at         INTEGER,
    failed_at       INTEGER,
    last_error      TEXT NOT NULL DEFAULT '',
    kind            TEXT NOT NULL DEFAULT 'bill' CHECK (kind IN ('bill', 'email_changed')),
    note            TEXT NOT NULL DEFAULT '',
    CHECK ((kind = 'bill') = (invoice_id IS NOT NULL AND account_id IS NOT NULL))
);
INSERT INTO mail_jobs_new (id, invoice_id, account_id, email, created_at, attempts, next_attempt_at, leased_until, sent_at, failed_at, last_error)
    SELECT id, invoice_id, account_id, email, created_at, attempts, next_attempt_at, leased_until, sent_at, failed_at, last_error FROM mail_jobs;
DROP TABLE mail_jobs;
ALTER TABLE mail_jobs_new RENAME TO mail_jobs;
CREATE INDEX mail_jobs_due ON mail_jobs (next_attempt_at, id) WHERE sent_at IS NULL AND failed_at IS NULL;

-- +goose Down
CREATE TABLE mail_jobs_old (
    id              INTEGER PRIMARY KEY,
    invoice_id      INTEGER NOT NULL UNIQUE REFERENCES invoices (id),
    account_id      INTEGER NOT NULL REFERENCES accounts (id),
    email           TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    leased_until    INTEGER NOT NULL DEFAULT 0,
    sent_at         INTEGER,
    failed_at       INTEGER,
    last_error      TEXT NOT NULL DEFAULT ''
);
INSERT INTO mail_jobs_old SELECT id, invoice_id, account_id, email, created_at, attempts, next_attempt_at, leased_until, sent_at, failed_at, last_error
    FROM mail_jobs WHERE kind = 'bill';
DROP TABLE mail_jobs;
ALTER TABLE mail_jobs_old RENAME TO mail_jobs;
CREATE INDEX mail_jobs_due ON mail_jobs (next_attempt_at, id) WHERE sent_at IS NULL AND failed_at IS NULL;
DROP INDEX sms_log_by_phone;
ALTER TABLE sms_log DROP COLUMN phone;
DROP TABLE phone_changes;
ALTER TABLE customers DROP COLUMN phone_proven_at;
ALTER TABLE customers DROP COLUMN phone_proven;
