-- +goose Up
-- meta holds the database's identity: epoch changes when a database is
-- created anew, so cursors handed out by another database are refused.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- counters.seq numbers every change to account data; an account's seq is the
-- number of its latest change and its cursors are such numbers.
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO counters (name, value) VALUES ('seq', 0);

CREATE TABLE customers (
    id                   INTEGER PRIMARY KEY,
    number               TEXT NOT NULL UNIQUE,
    kind                 TEXT NOT NULL CHECK (kind IN ('individual', 'legal')),
    full_name            TEXT NOT NULL,
    birth_date           TEXT NOT NULL DEFAULT '',
    inn                  TEXT NOT NULL DEFAULT '',
    phone                TEXT NOT NULL,
    email                TEXT NOT NULL DEFAULT '',
    password_hash        TEXT NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    created_at           INTEGER NOT NULL
);

-- A temporary password sent by SMS or read out by the contact centre. The
-- permanent password keeps working beside it, so a stranger who triggers a
-- recovery cannot lock the customer out.
CREATE TABLE temp_passwords (
    customer_id INTEGER PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
    hash        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('sms', 'otp')),
    single_use  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
);

CREATE TABLE sessions (
    token_hash           BLOB PRIMARY KEY,
    customer_id          INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    created_at           INTEGER NOT NULL,
    expires_at           INTEGER NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sessions_by_customer ON sessions (customer_id);

CREATE TABLE sms_log (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    purpose     TEXT NOT NULL,
    sent_at     INTEGER NOT NULL
);
CREATE INDEX sms_log_by_customer ON sms_log (customer_id, sent_at);

CREATE TABLE payees (
    id           INTEGER PRIMARY KEY,
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
    up_to_kwh  INTEGER NOT NULL DEFAULT 0,
    zone       TEXT NOT NULL,
    price_kop  INTEGER NOT NULL CHECK (price_kop >= 0),
    PRIMARY KEY (tariff_id, valid_from, tier, zone)
);

CREATE TABLE accounts (
    id                INTEGER PRIMARY KEY,
    customer_id       INTEGER NOT NULL REFERENCES customers (id),
    number            TEXT NOT NULL UNIQUE,
    contract_number   TEXT NOT NULL,
    title             TEXT NOT NULL,
    address           TEXT NOT NULL,
    residents         INTEGER NOT NULL DEFAULT 0,
    area              INTEGER NOT NULL DEFAULT 0,
    tariff_group      TEXT NOT NULL DEFAULT '',
    point_of_supply   TEXT NOT NULL DEFAULT '',
    opened_on         TEXT NOT NULL,
    payee_id          INTEGER NOT NULL REFERENCES payees (id),
    max_capacity_kw   INTEGER NOT NULL DEFAULT 0,
    voltage_level     TEXT NOT NULL DEFAULT '',
    price_category    TEXT NOT NULL DEFAULT '',
    norm_per_resident INTEGER NOT NULL DEFAULT 0,
    email_bills       INTEGER NOT NULL DEFAULT 0,
    sms_reminders     INTEGER NOT NULL DEFAULT 0,
    -- main_seq: last change of the account's own fields, contract values,
    -- subscriptions or its customer's profile; seq: last change of anything.
    main_seq          INTEGER NOT NULL DEFAULT 0,
    seq               INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX accounts_by_customer ON accounts (customer_id);

CREATE TABLE contract_volumes (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    period     TEXT NOT NULL,
    volume     INTEGER NOT NULL,
    PRIMARY KEY (account_id, period)
);

CREATE TABLE services (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    name       TEXT NOT NULL,
    unit       TEXT NOT NULL,
    tariff_id  TEXT NOT NULL REFERENCES tariffs (id),
    since      TEXT NOT NULL
);
CREATE INDEX services_by_account ON services (account_id);

CREATE TABLE meters (
    id                 INTEGER PRIMARY KEY,
    account_id         INTEGER NOT NULL REFERENCES accounts (id),
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
    replaced_by        INTEGER REFERENCES meters (id),
    seq                INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX meters_by_account ON meters (account_id);

CREATE TABLE readings (
    id           INTEGER PRIMARY KEY,
    meter_id     INTEGER NOT NULL REFERENCES meters (id),
    period       TEXT NOT NULL,
    taken_on     TEXT NOT NULL,
    source       TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('accepted', 'superseded')),
    submitted_at INTEGER NOT NULL,
    seq          INTEGER NOT NULL DEFAULT 0
);
-- One accepted reading per meter and month: a resubmission in the same
-- month supersedes the earlier one, whatever channel it came through.
CREATE UNIQUE INDEX readings_one_per_period ON readings (meter_id, period) WHERE status = 'accepted';
CREATE INDEX readings_by_meter ON readings (meter_id, status, taken_on);
CREATE INDEX readings_by_seq ON readings (meter_id, seq);

CREATE TABLE reading_values (
    reading_id  INTEGER NOT NULL REFERENCES readings (id),
    zone        TEXT NOT NULL,
    value       INTEGER NOT NULL,
    consumption INTEGER NOT NULL DEFAULT 0,
    rollover    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (reading_id, zone)
);

CREATE TABLE invoices (
    id              INTEGER PRIMARY KEY,
    account_id      INTEGER NOT NULL REFERENCES accounts (id),
    number          TEXT NOT NULL,
    period          TEXT NOT NULL,
    issued_on       TEXT NOT NULL,
    due_on          TEXT NOT NULL,
    brought_forward INTEGER NOT NULL,
    penalties       INTEGER NOT NULL,
    paid_in_period  INTEGER NOT NULL,
    charged         INTEGER NOT NULL,
    total_due       INTEGER NOT NULL,
    seq             INTEGER NOT NULL DEFAULT 0,
    UNIQUE (account_id, period)
);
CREATE INDEX invoices_by_seq ON invoices (account_id, seq);

CREATE TABLE invoice_lines (
    invoice_id   INTEGER NOT NULL REFERENCES invoices (id),
    line_no      INTEGER NOT NULL,
    service      TEXT NOT NULL,
    zone         TEXT NOT NULL DEFAULT '',
    meter_serial TEXT NOT NULL DEFAULT '',
    previous     INTEGER NOT NULL DEFAULT 0,
    current      INTEGER NOT NULL DEFAULT 0,
    volume       INTEGER NOT NULL,
    unit         TEXT NOT NULL,
    price        INTEGER NOT NULL,
    amount       INTEGER NOT NULL,
    PRIMARY KEY (invoice_id, line_no)
);

CREATE TABLE recalculations (
    invoice_id INTEGER NOT NULL REFERENCES invoices (id),
    line_no    INTEGER NOT NULL,
    reason     TEXT NOT NULL,
    amount     INTEGER NOT NULL,
    PRIMARY KEY (invoice_id, line_no)
);

CREATE TABLE payments (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    paid_on    TEXT NOT NULL,
    amount     INTEGER NOT NULL,
    channel    TEXT NOT NULL,
    status     TEXT NOT NULL,
    seq        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX payments_by_seq ON payments (account_id, seq);

CREATE TABLE news (
    id           INTEGER PRIMARY KEY,
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
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    account     TEXT NOT NULL DEFAULT '',
    topic       TEXT NOT NULL,
    text        TEXT NOT NULL,
    asked_at    INTEGER NOT NULL,
    answer      TEXT NOT NULL DEFAULT '',
    answered_at INTEGER
);
CREATE INDEX questions_by_customer ON questions (customer_id, id);

-- A completed request with an Idempotency-Key and the response it got, so a
-- retry gets the same answer and changes nothing.
CREATE TABLE idempotency (
    customer_id  INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    key          TEXT NOT NULL,
    request_hash BLOB NOT NULL,
    status       INTEGER NOT NULL,
    body         BLOB NOT NULL,
    created_at   INTEGER NOT NULL,
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
DROP TABLE counters;
DROP TABLE meta;
