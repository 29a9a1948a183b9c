-- +goose Up
-- export_log lists, in commit order, what the billing system is to learn
-- (kabinet-portal export): readings accepted (each names the reading it
-- supersedes), questions asked and answered, profile changes. Each row is
-- written in the transaction of the change it tells of, so nothing is
-- exported that did not commit and nothing committed is left out.
--
-- kind is the stream ('reading', 'question', 'profile'); ref_id the row it
-- tells of (readings.id, questions.id, customers.id); account the account
-- number where the change is an account's (subscriptions); field and value
-- what changed and to what ('asked'/'answered' and the answer for
-- questions), copied so that exporting the row again gives the same record
-- after later changes; at the Unix time of the change.
--
-- xid is the writing transaction's id on PostgreSQL, where ids from a
-- sequence do not follow the commits: the export reads only rows of
-- transactions that have ended, in (xid, id) order. Here one writer commits
-- in id order, xid stays 0 and AUTOINCREMENT keeps an id from ever being
-- handed out twice.
CREATE TABLE export_log (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    kind    TEXT NOT NULL CHECK (kind IN ('reading', 'question', 'profile')),
    ref_id  INTEGER NOT NULL,
    account TEXT NOT NULL DEFAULT '',
    field   TEXT NOT NULL DEFAULT '',
    value   TEXT NOT NULL DEFAULT '',
    at      INTEGER NOT NULL DEFAULT 0,
    xid     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX export_log_order ON export_log (kind, xid, id);

-- +goose Down
DROP TABLE export_log;
