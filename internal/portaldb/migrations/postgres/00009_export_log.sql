-- +goose Up
-- The same table as migrations/sqlite/00009_export_log.sql (which tells
-- what the columns hold).
--
-- xid is the id of the transaction that wrote the row (pg_current_xact_id,
-- 64 bits, never wrapping round). Ids from a sequence are taken in one
-- order and committed in another, so «id > cursor» could skip a row whose
-- transaction committed late. The export reads only rows whose xid is below
-- its snapshot's xmin — every transaction below it has ended — in (xid, id)
-- order: no row can later appear before a cursor handed out.
CREATE TABLE export_log (
    id      BIGSERIAL PRIMARY KEY,
    kind    TEXT NOT NULL CHECK (kind IN ('reading', 'question', 'profile')),
    ref_id  BIGINT NOT NULL,
    account TEXT NOT NULL DEFAULT '',
    field   TEXT NOT NULL DEFAULT '',
    value   TEXT NOT NULL DEFAULT '',
    at      BIGINT NOT NULL DEFAULT 0,
    xid     BIGINT NOT NULL DEFAULT (pg_current_xact_id()::text::bigint)
);
CREATE INDEX export_log_order ON export_log (kind, xid, id);

-- +goose Down
DROP TABLE export_log;
