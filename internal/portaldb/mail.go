package portaldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"kabinet/internal/domain"
)

// Kinds of mail jobs.
const (
	// MailBill is an issued invoice for a subscriber.
	MailBill = "bill"
	// MailEmailChanged tells the old address that the customer's e-mail
	// was changed; Note is the new address, masked.
	MailEmailChanged = "email_changed"
)

// MailJob is a letter waiting to be sent: an issued invoice for a
// subscriber, or a notice (Kind).
type MailJob struct {
	ID        int64
	Kind      string        // MailBill or MailEmailChanged
	AccountID int64         // bills only
	Account   string        // account number; bills only
	InvoiceID string        // the invoice id as the API writes it; bills only
	Period    domain.Period // the invoice's period; bills only
	To        string        // the e-mail address at the time the job was made
	Note      string        // what a notice tells beyond its kind
	Attempts  int           // attempts started so far, including this claim
}

// QueueEmailChangedNotice queues a letter to the customer's old address
// saying the e-mail was changed to newMasked (the new address with most of
// it hidden). It belongs in the transaction that changes the address.
func (tx *Tx) QueueEmailChangedNotice(ctx context.Context, oldEmail, newMasked string) error {
	now := tx.db.now().UnixMilli()
	if _, err := tx.ExecContext(ctx, `INSERT INTO mail_jobs (kind, email, note, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?)`,
		MailEmailChanged, oldEmail, newMasked, now, now); err != nil {
		return fmt.Errorf("mail job: %w", err)
	}
	return nil
}

// IssueInvoice stores an issued invoice (as InsertInvoice does) and, when the account is
// subscribed to e-mailed bills and the customer has an e-mail, a mail job in the same
// transaction. Issuing the same account+period again is an error (unique), so a job is never doubled.
func (tx *Tx) IssueInvoice(ctx context.Context, accountID int64, inv domain.Invoice) (invoiceID string, err error) {
	id, err := tx.addInvoice(ctx, accountID, inv)
	if err != nil {
		return "", err
	}
	var emailBills bool
	var email string
	err = tx.QueryRowContext(ctx, `SELECT a.email_bills, c.email FROM accounts a JOIN customers c ON c.id = a.customer_id WHERE a.id = ?`,
		accountID).Scan(&emailBills, &email)
	if err != nil {
		return "", fmt.Errorf("account %d subscriptions: %w", accountID, err)
	}
	if emailBills && email != "" {
		now := tx.db.now().UnixMilli()
		if _, err := tx.ExecContext(ctx, `INSERT INTO mail_jobs (invoice_id, account_id, email, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?)`,
			id, accountID, email, now, now); err != nil {
			return "", fmt.Errorf("mail job: %w", err)
		}
	}
	return strconv.FormatInt(id, 10), nil
}

// ClaimMailJobs leases up to limit due jobs (not sent, not given up, next attempt <= now, lease expired),
// increments their attempts and sets the lease to now+lease, in one write transaction.
// Two senders claiming at once get different jobs.
func (db *DB) ClaimMailJobs(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]MailJob, error) {
	var jobs []MailJob
	err := db.Write(ctx, func(tx *Tx) error {
		jobs = nil
		rows, err := tx.QueryContext(ctx, `SELECT j.id, j.kind, j.account_id, a.number, j.invoice_id, i.period, j.email, j.note, j.attempts
			FROM mail_jobs j LEFT JOIN accounts a ON a.id = j.account_id LEFT JOIN invoices i ON i.id = j.invoice_id
			WHERE j.sent_at IS NULL AND j.failed_at IS NULL AND j.next_attempt_at <= ? AND j.leased_until <= ?
			ORDER BY j.next_attempt_at, j.id LIMIT ?`+db.d.claimLock, now.UnixMilli(), now.UnixMilli(), limit)
		if err != nil {
			return fmt.Errorf("mail jobs: %w", err)
		}
		for rows.Next() {
			var j MailJob
			var account, invoice sql.NullInt64
			var number, period sql.NullString
			if err := rows.Scan(&j.ID, &j.Kind, &account, &number, &invoice, &period, &j.To, &j.Note, &j.Attempts); err != nil {
				rows.Close()
				return fmt.Errorf("mail jobs: %w", err)
			}
			if invoice.Valid {
				j.AccountID, j.Account = account.Int64, number.String
				j.InvoiceID = strconv.FormatInt(invoice.Int64, 10)
				j.Period, _ = domain.ParsePeriod(period.String)
			}
			j.Attempts++
			jobs = append(jobs, j)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("mail jobs: %w", err)
		}
		until := now.Add(lease).UnixMilli()
		for _, j := range jobs {
			if _, err := tx.ExecContext(ctx, `UPDATE mail_jobs SET attempts = ?, leased_until = ? WHERE id = ?`, j.Attempts, until, j.ID); err != nil {
				return fmt.Errorf("claim mail job: %w", err)
			}
		}
		return nil
	})
	return jobs, err
}

// MailJobSent records that the job's message was accepted by the SMTP server.
func (db *DB) MailJobSent(ctx context.Context, id int64, at time.Time) error {
	return db.Write(ctx, func(tx *Tx) error {
		return tx.updateMailJob(ctx, id, `UPDATE mail_jobs SET sent_at = ?, leased_until = 0, last_error = '' WHERE id = ?`, at.UnixMilli(), id)
	})
}

// MailJobFailed records a failed attempt: retry at next, or give up when final. reason must not contain personal data.
// A job already sent stays sent: a sender whose lease ran out may report
// late on a job another sender delivered.
func (db *DB) MailJobFailed(ctx context.Context, id int64, next time.Time, reason string, final bool) error {
	var failed sql.NullInt64
	if final {
		failed = sql.NullInt64{Int64: db.now().UnixMilli(), Valid: true}
	}
	return db.Write(ctx, func(tx *Tx) error {
		return tx.updateMailJob(ctx, id, `UPDATE mail_jobs SET next_attempt_at = ?, leased_until = 0, last_error = ?, failed_at = ?
			WHERE id = ? AND sent_at IS NULL`, next.UnixMilli(), reason, failed, id)
	})
}

// updateMailJob runs an update of the job id, which exists (or ErrNotFound).
func (tx *Tx) updateMailJob(ctx context.Context, id int64, query string, args ...any) error {
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("mail job %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return err
	}
	var found int64
	err = tx.QueryRowContext(ctx, `SELECT id FROM mail_jobs WHERE id = ?`, id).Scan(&found)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// MailJobCounts returns how many jobs are pending, sent and failed (for metrics and tests).
// Pending counts the jobs being sent too.
func (db *DB) MailJobCounts(ctx context.Context) (pending, sent, failed int, err error) {
	err = db.readOne(ctx, func(tx *Tx) error {
		return tx.QueryRowContext(ctx, `SELECT
				count(CASE WHEN sent_at IS NULL AND failed_at IS NULL THEN 1 END),
				count(sent_at),
				count(CASE WHEN sent_at IS NULL AND failed_at IS NOT NULL THEN 1 END)
			FROM mail_jobs`).Scan(&pending, &sent, &failed)
	})
	if err != nil {
		err = fmt.Errorf("mail job counts: %w", err)
	}
	return pending, sent, failed, err
}

// AccountDocumentByID is the whole account document (as the API's full document, since=0) of an account id,
// for rendering an invoice PDF on the server.
func (db *DB) AccountDocumentByID(ctx context.Context, accountID int64, w domain.SubmissionWindow) (*domain.AccountDocument, error) {
	var doc *domain.AccountDocument
	err := db.Read(ctx, func(tx *Tx) error {
		ref, err := scanRef(tx.QueryRowContext(ctx, `SELECT id, customer_id, number, seq, main_seq FROM accounts WHERE id = ?`, accountID))
		if err != nil {
			return err
		}
		doc, err = tx.Document(ctx, ref, 0, w)
		return err
	})
	return doc, err
}

// AccountIDByNumber finds an account by its number (for importing invoices from billing).
func (db *DB) AccountIDByNumber(ctx context.Context, number string) (int64, error) {
	var id int64
	err := db.readOne(ctx, func(tx *Tx) error {
		return tx.QueryRowContext(ctx, `SELECT id FROM accounts WHERE number = ?`, number).Scan(&id)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("account by number: %w", err)
	}
	return id, nil
}
