-- +goose Up
-- The contact centre's back office: its staff, their sessions (in the
-- database, so any portal instance behind the proxy serves any page), the
-- audit log of what they did, and the version of the public content that
-- tells every instance's search index to rebuild after an edit.

-- role: operator (customers, one-time passwords, questions), editor (news,
-- «О сервисе», FAQ), admin (everything, staff and the audit log). Times
-- are Unix seconds.
CREATE TABLE staff (
    id            BIGSERIAL PRIMARY KEY,
    login         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('operator', 'editor', 'admin')),
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    BIGINT NOT NULL,
    last_login_at BIGINT
);

-- Only the SHA-256 of a session's token is kept; csrf is the token every
-- form of the session carries. A session ends 30 minutes after last_seen_at
-- or 12 hours after created_at, whichever comes first.
CREATE TABLE staff_sessions (
    token_hash   BYTEA PRIMARY KEY,
    staff_id     BIGINT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    csrf         TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE INDEX staff_sessions_by_staff ON staff_sessions (staff_id);

-- Every action of the staff: who (login, or what was typed at a failed
-- login), what, which customer or record, when, from which address. Never
-- a password, a one-time password or an answer's text.
CREATE TABLE audit_log (
    id       BIGSERIAL PRIMARY KEY,
    at       BIGINT NOT NULL,
    staff    TEXT NOT NULL,
    action   TEXT NOT NULL,
    customer TEXT NOT NULL DEFAULT '',
    record   TEXT NOT NULL DEFAULT '',
    detail   TEXT NOT NULL DEFAULT '',
    address  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_by_customer ON audit_log (customer, id);

-- One row: bumped in the transaction of every edit of news, «О сервисе»,
-- FAQ, offices or tariffs. Each instance's search compares it with the
-- version its index was built from.
CREATE TABLE content_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO content_version (id, version) VALUES (1, 0);

-- The operator's look-ups: a customer by phone (numbers and accounts
-- have unique indexes already), the questions waiting for an answer
-- oldest first, and the last answered.
CREATE INDEX backoffice_customers_by_phone ON customers (phone);
CREATE INDEX backoffice_questions_waiting ON questions (id) WHERE answered_at IS NULL;
CREATE INDEX backoffice_questions_answered ON questions (answered_at);

-- +goose Down
DROP INDEX backoffice_questions_answered;
DROP INDEX backoffice_questions_waiting;
DROP INDEX backoffice_customers_by_phone;
DROP TABLE content_version;
DROP TABLE audit_log;
DROP TABLE staff_sessions;
DROP TABLE staff;
