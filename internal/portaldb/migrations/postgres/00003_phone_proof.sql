-- +goose Up
-- Phone proof (issue #11.1). A phone is proven when the customer typed a
-- code sent to it, or when it came from billing for a customer who has
-- never proven one: every phone already here came from billing or the demo
-- seed, so it counts as proven. Recovery SMS go only to a proven phone.
-- phone_proven_at: when the customer last proved a phone with a code (NULL:
-- never), so a later billing import knows not to replace it.
ALTER TABLE customers ADD COLUMN phone_proven BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE customers ADD COLUMN phone_proven_at BIGINT;

-- A new phone waiting for its code. The phone on file stays until the code
-- is typed; a new request replaces the pending one. The code is kept only
-- as a salted SHA-256; after 5 wrong tries or at expires_at it is void.
CREATE TABLE phone_changes (
    customer_id BIGINT PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
    phone       TEXT NOT NULL,
    code_hash   BYTEA NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    failures    INTEGER NOT NULL DEFAULT 0
);

-- Where an SMS went when its budget is per number (phone-proof codes:
-- 3 a day per new number); '' for the others, which go to the phone on file.
ALTER TABLE sms_log ADD COLUMN phone TEXT NOT NULL DEFAULT '';
CREATE INDEX sms_log_by_phone ON sms_log (phone, sent_at) WHERE phone <> '';

-- Mail jobs get kinds: 'bill' (an invoice, as before) and 'email_changed'
-- (a notice to the old address that the e-mail was changed). A notice has
-- no invoice or account, so those columns become nullable; note holds what
-- the letter tells beyond its kind (the new address, masked).
ALTER TABLE mail_jobs ALTER COLUMN invoice_id DROP NOT NULL;
ALTER TABLE mail_jobs ALTER COLUMN account_id DROP NOT NULL;
ALTER TABLE mail_jobs ADD COLUMN kind TEXT NOT NULL DEFAULT 'bill' CHECK (kind IN ('bill', 'email_changed'));
ALTER TABLE mail_jobs ADD COLUMN note TEXT NOT NULL DEFAULT '';
ALTER TABLE mail_jobs ADD CONSTRAINT mail_jobs_kind_has_invoice CHECK ((kind = 'bill') = (invoice_id IS NOT NULL AND account_id IS NOT NULL));

-- +goose Down
DELETE FROM mail_jobs WHERE kind <> 'bill';
ALTER TABLE mail_jobs DROP CONSTRAINT mail_jobs_kind_has_invoice;
ALTER TABLE mail_jobs DROP COLUMN note;
ALTER TABLE mail_jobs DROP COLUMN kind;
ALTER TABLE mail_jobs ALTER COLUMN account_id SET NOT NULL;
ALTER TABLE mail_jobs ALTER COLUMN invoice_id SET NOT NULL;
DROP INDEX sms_log_by_phone;
ALTER TABLE sms_log DROP COLUMN phone;
DROP TABLE phone_changes;
ALTER TABLE customers DROP COLUMN phone_proven_at;
ALTER TABLE customers DROP COLUMN phone_proven;
