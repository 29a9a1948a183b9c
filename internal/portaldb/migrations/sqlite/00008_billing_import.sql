-- +goose Up
-- The billing system's imports (kabinet-portal import, issue #14).
-- billing_missing_since: when a customers file (the billing system's full
-- list) first came without the customer (Unix seconds); NULL while the
-- latest file has it. Such a customer is kept, never deleted, and shown to
-- the contact centre; a file that has the customer again clears it.
ALTER TABLE customers ADD COLUMN billing_missing_since INTEGER;
-- billing_phone: a phone the billing system gave that differs from the
-- phone the customer proved with a code. It does not replace the proven
-- one (decisions-wave2 «Phone proof»); the contact centre sorts it out.
-- '' when there is no such difference.
ALTER TABLE customers ADD COLUMN billing_phone TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE customers DROP COLUMN billing_phone;
ALTER TABLE customers DROP COLUMN billing_missing_since;
