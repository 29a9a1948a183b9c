-- +goose Up
-- The same tables and columns as migrations/sqlite/00001_init.sql (a test
-- compares them), in PostgreSQL's types: BIGINT ids, money, values and Unix
-- times, BOOLEAN flags, BYTEA hashes and bodies.

-- meta holds the database's identity: epoch changes when a database is
-- created anew, so cursors handed out by another database are refused.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- change_seq numbers every change to account data; an account's seq is the
-- number of its latest change and its cursors are such numbers. (SQLite
-- keeps the number in a counters row; here a row would make every write
-- queue behind the one before.) A write takes its number only after
-- locking the account's row, so within an account the numbers follow the
-- commits. CACHE 1 (the default) keeps the numbers in the order taken
-- across connections.
CREATE SEQUENCE change_seq CACHE 1;

CREATE TABLE customers (
    id                   BIGSERIAL PRIMARY KEY,
    number               TEXT NOT NULL UNIQUE,
    kind                 TEXT NOT NULL CHECK (kind IN ('individual', 'legal')),
    full_name            TEXT NOT NULL,
    birth_date           TEXT NOT NULL DEFAULT '',
    inn                  TEXT NOT NULL DEFAULT '',
    phone                TEXT NOT NULL,
    email                TEXT NOT NULL DEFAULT '',
    password_hash        TEXT NOT NULL,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    created_at           BIGINT NOT NULL
);

-- A temporary password sent by SMS or read out by the contact centre. The
-- permanent password keeps working beside it, so a stranger who triggers a
-- recovery cannot lock the customer out.
CREATE TABLE temp_passwords (
    customer_id BIGINT PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
    hash        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('sms', 'otp')),
    single_use  BOOLEAN NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);

CREATE TABLE sessions (
    token_hash           BYTEA PRIMARY KEY,
    customer_id          BIGINT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    created_at           BIGINT NOT NULL,
    expires_at           BIGINT NOT NULL,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX sessions_by_customer ON sessions (customer_id);

CREATE TABLE sms_log (
    id          BIGSERIAL PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    purpose     TEXT NOT NULL,
    sent_at     BIGINT NOT NULL
);
CREATE INDEX sms_log_by_customer ON sms_log (customer_id, sent_at);

CREATE TABLE payees (
    id           BIGSERIAL PRIMARY KEY,
    name         TEXT NOT NULL,
    inn          TEXT NOT NULL,
    kpp          TEXT NOT NULL,
    account      TEXT NOT NULL,
    bank_name    TEXT NOT NULL,
    bic          TEXT NOT NULL,
    corr_account TEXT NOT NULL,
    address      TEXT NOT NULL,
    phones       TEXT NOT NULL,
    site         TEXT NOT NULL,
    email        TEXT NOT NULL
);

CREATE TABLE tariffs (
    id    TEXT PRIMARY KEY,
    name  TEXT NOT NULL,
    zones INTEGER NOT NULL CHECK (zones BETWEEN 1 AND 3),
    grp   TEXT NOT NULL DEFAULT ''
);

CREATE TABLE tariff_prices (
    tariff_id  TEXT NOT NULL REFERENCES tariffs (id),
    valid_from TEXT NOT NULL,
    tier       INTEGER NOT NULL,
    up_to_kwh  BIGINT NOT NULL DEFAULT 0,
    zone       TEXT NOT NULL,
    price_kop  BIGINT NOT NULL CHECK (price_kop >= 0),
    PRIMARY KEY (tariff_id, valid_from, tier, zone)
);

CREATE TABLE accounts (
    id                BIGSERIAL PRIMARY KEY,
    customer_id       BIGINT NOT NULL REFERENCES customers (id),
    number            TEXT NOT NULL UNIQUE,
    contract_number   TEXT NOT NULL,
    title             TEXT NOT NULL,
    address           TEXT NOT NULL,
    residents         INTEGER NOT NULL DEFAULT 0,
    area              BIGINT NOT NULL DEFAULT 0,
    tariff_group      TEXT NOT NULL DEFAULT '',
    point_of_supply   TEXT NOT NULL DEFAULT '',
    opened_on         TEXT NOT NULL,
    payee_id          BIGINT NOT NULL REFERENCES payees (id),
    max_capacity_kw   BIGINT NOT NULL DEFAULT 0,
    voltage_level     TEXT NOT NULL DEFAULT '',
    price_category    TEXT NOT NULL DEFAULT '',
    norm_per_resident BIGINT NOT NULL DEFAULT 0,
    email_bills       BOOLEAN NOT NULL DEFAULT FALSE,
    sms_reminders     BOOLEAN NOT NULL DEFAULT FALSE,
    -- main_seq: last change of the account's own fields, contract values,
    -- subscriptions or its customer's profile; seq: last change of anything.
    main_seq          BIGINT NOT NULL DEFAULT 0,
    seq               BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX accounts_by_customer ON accounts (customer_id);

CREATE TABLE contract_volumes (
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    period     TEXT NOT NULL,
    volume     BIGINT NOT NULL,
    PRIMARY KEY (account_id, period)
);

CREATE TABLE services (
    id         BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    name       TEXT NOT NULL,
    unit       TEXT NOT NULL,
    tariff_id  TEXT NOT NULL REFERENCES tariffs (id),
    since      TEXT NOT NULL
);
CREATE INDEX services_by_account ON services (account_id);

CREATE TABLE meters (
    id                 BIGSERIAL PRIMARY KEY,
    account_id         BIGINT NOT NULL REFERENCES accounts (id),
    serial             TEXT NOT NULL,
    model              TEXT NOT NULL,
    place              TEXT NOT NULL DEFAULT '',
    installed_on       TEXT NOT NULL,
    digits             INTEGER NOT NULL CHECK (digits BETWEEN 1 AND 12),
    fraction_digits    INTEGER NOT NULL CHECK (fraction_digits BETWEEN 0 AND 2),
    zones              INTEGER NOT NULL CHECK (zones BETWEEN 1 AND 3),
    verified_on        TEXT NOT NULL DEFAULT '',
    verification_years INTEGER NOT NULL DEFAULT 0,
    removed_on         TEXT NOT NULL DEFAULT '',
    replaced_by        BIGINT REFERENCES meters (id),
    seq                BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX meters_by_account ON meters (account_id);

CREATE TABLE readings (
    id           BIGSERIAL PRIMARY KEY,
    meter_id     BIGINT NOT NULL REFERENCES meters (id),
    period       TEXT NOT NULL,
    taken_on     TEXT NOT NULL,
    source       TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('accepted', 'superseded')),
    submitted_at BIGINT NOT NULL,
    seq          BIGINT NOT NULL DEFAULT 0
);
-- One accepted reading per meter and month: a resubmission in the same
-- month supersedes the earlier one, whatever channel it came through.
CREATE UNIQUE INDEX readings_one_per_period ON readings (meter_id, period) WHERE status = 'accepted';
CREATE INDEX readings_by_meter ON readings (meter_id, status, taken_on);
CREATE INDEX readings_by_seq ON readings (meter_id, seq);

CREATE TABLE reading_values (
    reading_id  BIGINT NOT NULL REFERENCES readings (id),
    zone        TEXT NOT NULL,
    value       BIGINT NOT NULL,
    consumption BIGINT NOT NULL DEFAULT 0,
    rollover    BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (reading_id, zone)
);

CREATE TABLE invoices (
    id              BIGSERIAL PRIMARY KEY,
    account_id      BIGINT NOT NULL REFERENCES accounts (id),
    number          TEXT NOT NULL,
    period          TEXT NOT NULL,
    issued_on       TEXT NOT NULL,
    due_on          TEXT NOT NULL,
    brought_forward BIGINT NOT NULL,
    penalties       BIGINT NOT NULL,
    paid_in_period  BIGINT NOT NULL,
    charged         BIGINT NOT NULL,
    total_due       BIGINT NOT NULL,
    seq             BIGINT NOT NULL DEFAULT 0,
    UNIQUE (account_id, period)
);
CREATE INDEX invoices_by_seq ON invoices (account_id, seq);

CREATE TABLE invoice_lines (
    invoice_id   BIGINT NOT NULL REFERENCES invoices (id),
    line_no      INTEGER NOT NULL,
    service      TEXT NOT NULL,
    zone         TEXT NOT NULL DEFAULT '',
    meter_serial TEXT NOT NULL DEFAULT '',
    previous     BIGINT NOT NULL DEFAULT 0,
    current      BIGINT NOT NULL DEFAULT 0,
    volume       BIGINT NOT NULL,
    unit         TEXT NOT NULL,
    price        BIGINT NOT NULL,
    amount       BIGINT NOT NULL,
    PRIMARY KEY (invoice_id, line_no)
);

CREATE TABLE recalculations (
    invoice_id BIGINT NOT NULL REFERENCES invoices (id),
    line_no    INTEGER NOT NULL,
    reason     TEXT NOT NULL,
    amount     BIGINT NOT NULL,
    PRIMARY KEY (invoice_id, line_no)
);

CREATE TABLE payments (
    id         BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    paid_on    TEXT NOT NULL,
    amount     BIGINT NOT NULL,
    channel    TEXT NOT NULL,
    status     TEXT NOT NULL,
    seq        BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX payments_by_seq ON payments (account_id, seq);

CREATE TABLE news (
    id           BIGSERIAL PRIMARY KEY,
    published_on TEXT NOT NULL,
    title        TEXT NOT NULL,
    body         TEXT NOT NULL
);

CREATE TABLE about (
    id       TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    title    TEXT NOT NULL,
    body     TEXT NOT NULL
);

CREATE TABLE offices (
    id       TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    name     TEXT NOT NULL,
    address  TEXT NOT NULL,
    hours    TEXT NOT NULL,
    phones   TEXT NOT NULL,
    email    TEXT NOT NULL DEFAULT ''
);

CREATE TABLE faq (
    id       TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    question TEXT NOT NULL,
    answer   TEXT NOT NULL
);

CREATE TABLE questions (
    id          BIGSERIAL PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    account     TEXT NOT NULL DEFAULT '',
    topic       TEXT NOT NULL,
    text        TEXT NOT NULL,
    asked_at    BIGINT NOT NULL,
    answer      TEXT NOT NULL DEFAULT '',
    answered_at BIGINT
);
CREATE INDEX questions_by_customer ON questions (customer_id, id);

-- A completed request with an Idempotency-Key and the response it got, so a
-- retry gets the same answer and changes nothing.
CREATE TABLE idempotency (
    customer_id  BIGINT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    key          TEXT NOT NULL,
    request_hash BYTEA NOT NULL,
    status       INTEGER NOT NULL,
    body         BYTEA NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (customer_id, key)
);

-- +goose Down
DROP TABLE idempotency;
DROP TABLE questions;
DROP TABLE faq;
DROP TABLE offices;
DROP TABLE about;
DROP TABLE news;
DROP TABLE payments;
DROP TABLE recalculations;
DROP TABLE invoice_lines;
DROP TABLE invoices;
DROP TABLE reading_values;
DROP TABLE readings;
DROP TABLE meters;
DROP TABLE services;
DROP TABLE contract_volumes;
DROP TABLE accounts;
DROP TABLE tariff_prices;
DROP TABLE tariffs;
DROP TABLE payees;
DROP TABLE sms_log;
DROP TABLE sessions;
DROP TABLE temp_passwords;
DROP TABLE customers;
DROP SEQUENCE change_seq;
DROP TABLE meta;
