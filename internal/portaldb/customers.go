package portaldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"kabinet/internal/domain"
)

// CustomerRecord is a customer with what only the server may see.
type CustomerRecord struct {
	ID int64
	domain.Customer
	PasswordHash string
	MustChange   bool
	// PhoneProven: the customer typed a code sent to Phone, or Phone came
	// from billing for a customer who never proved one. Recovery SMS go
	// only to a proven phone.
	PhoneProven bool
}

const customerColumns = `id, number, kind, full_name, birth_date, inn, phone, email, password_hash, must_change_password, phone_proven`

func scanCustomer(row interface{ Scan(...any) error }) (CustomerRecord, error) {
	var c CustomerRecord
	var birth string
	err := row.Scan(&c.ID, &c.Number, &c.Kind, &c.FullName, &birth, &c.INN, &c.Phone, &c.Email, &c.PasswordHash, &c.MustChange, &c.PhoneProven)
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrNotFound
	}
	if err != nil {
		return c, fmt.Errorf("customer: %w", err)
	}
	if birth != "" {
		c.BirthDate, _ = domain.ParseDate(birth)
	}
	return c, nil
}

// CustomerByNumber returns the customer with the customer number.
func (tx *Tx) CustomerByNumber(ctx context.Context, number string) (CustomerRecord, error) {
	return scanCustomer(tx.QueryRowContext(ctx, `SELECT `+customerColumns+` FROM customers WHERE number = ?`, number))
}

// CustomerByID returns the customer with the id.
func (tx *Tx) CustomerByID(ctx context.Context, id int64) (CustomerRecord, error) {
	return scanCustomer(tx.QueryRowContext(ctx, `SELECT `+customerColumns+` FROM customers WHERE id = ?`, id))
}

// TempPassword is a temporary password: sent by SMS (valid for a while, until
// the customer sets a new one) or a one-time password from the contact
// centre (valid for one login).
type TempPassword struct {
	Hash      string
	Kind      string
	SingleUse bool
	ExpiresAt time.Time
	Used      bool
}

// TempPassword returns the customer's temporary password, if any.
func (tx *Tx) TempPassword(ctx context.Context, customerID int64) (TempPassword, bool, error) {
	var tp TempPassword
	var exp int64
	var used sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT hash, kind, single_use, expires_at, used_at FROM temp_passwords WHERE customer_id = ?`, customerID).
		Scan(&tp.Hash, &tp.Kind, &tp.SingleUse, &exp, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return tp, false, nil
	}
	if err != nil {
		return tp, false, fmt.Errorf("temp password: %w", err)
	}
	tp.ExpiresAt = time.Unix(exp, 0)
	tp.Used = used.Valid
	return tp, true, nil
}

// SetTempPassword replaces the customer's temporary password and ends the
// customer's devices (ForgetDevices): whoever recovers the account starts
// afresh, on every computer.
func (tx *Tx) SetTempPassword(ctx context.Context, customerID int64, tp TempPassword) error {
	if err := tx.ForgetDevices(ctx, customerID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO temp_passwords (customer_id, hash, kind, single_use, expires_at)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (customer_id) DO UPDATE SET hash = excluded.hash, kind = excluded.kind,
			single_use = excluded.single_use, expires_at = excluded.expires_at, used_at = NULL`,
		customerID, tp.Hash, tp.Kind, tp.SingleUse, tp.ExpiresAt.Unix())
	if err != nil {
		return fmt.Errorf("set temp password: %w", err)
	}
	return nil
}

// MarkTempPasswordUsed records a login with a single-use password.
func (tx *Tx) MarkTempPasswordUsed(ctx context.Context, customerID int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE temp_passwords SET used_at = ? WHERE customer_id = ?`, tx.db.now().Unix(), customerID)
	return err
}

// SetPassword stores a new permanent password hash and drops the temporary
// password.
func (tx *Tx) SetPassword(ctx context.Context, customerID int64, hash string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE customers SET password_hash = ?, must_change_password = FALSE WHERE id = ?`, hash, customerID); err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM temp_passwords WHERE customer_id = ?`, customerID)
	return err
}

// RehashPassword replaces the customer's password hash with one of the same
// password (normalised, or with new cost parameters), changing nothing else.
func (tx *Tx) RehashPassword(ctx context.Context, customerID int64, hash string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE customers SET password_hash = ? WHERE id = ?`, hash, customerID); err != nil {
		return fmt.Errorf("rehash password: %w", err)
	}
	return nil
}

// Session is a logged-in client.
type Session struct {
	CustomerID         int64
	ExpiresAt          time.Time
	MustChangePassword bool
}

// CreateSession stores a session under the hash of its token.
func (tx *Tx) CreateSession(ctx context.Context, tokenHash [32]byte, s Session) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, customer_id, created_at, expires_at, must_change_password) VALUES (?, ?, ?, ?, ?)`,
		tokenHash[:], s.CustomerID, tx.db.now().Unix(), s.ExpiresAt.Unix(), s.MustChangePassword)
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	// Expired sessions are of no use to anyone; dropping them here keeps the
	// table small without a janitor.
	_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < ?`, tx.db.now().Unix())
	return err
}

// Session returns the live session with the token hash.
func (db *DB) Session(ctx context.Context, tokenHash [32]byte) (Session, error) {
	var s Session
	var exp int64
	err := db.readOne(ctx, func(tx *Tx) error {
		return tx.QueryRowContext(ctx, `SELECT customer_id, expires_at, must_change_password FROM sessions WHERE token_hash = ? AND expires_at > ?`,
			tokenHash[:], db.now().Unix()).Scan(&s.CustomerID, &exp, &s.MustChangePassword)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return s, ErrNotFound
	}
	if err != nil {
		return s, fmt.Errorf("session: %w", err)
	}
	s.ExpiresAt = time.Unix(exp, 0)
	return s, nil
}

// SessionAccount is Session and AccountRef of the session's customer and
// the account number in one statement: refErr is AccountRef's error (
// ErrNotFound when the customer has no account with the number), err
// Session's.
func (db *DB) SessionAccount(ctx context.Context, tokenHash [32]byte, number string) (s Session, ref AccountRef, refErr, err error) {
	var exp int64
	var id, customerID, seq, mainSeq sql.NullInt64
	var num sql.NullString
	err = db.readOne(ctx, func(tx *Tx) error {
		return tx.QueryRowContext(ctx, `SELECT s.customer_id, s.expires_at, s.must_change_password, a.id, a.customer_id, a.number, a.seq, a.main_seq
			FROM sessions s LEFT JOIN accounts a ON a.customer_id = s.customer_id AND a.number = ?
			WHERE s.token_hash = ? AND s.expires_at > ?`,
			number, tokenHash[:], db.now().Unix()).Scan(&s.CustomerID, &exp, &s.MustChangePassword, &id, &customerID, &num, &seq, &mainSeq)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return s, ref, nil, ErrNotFound
	}
	if err != nil {
		return s, ref, nil, fmt.Errorf("session: %w", err)
	}
	s.ExpiresAt = time.Unix(exp, 0)
	if !id.Valid {
		return s, ref, ErrNotFound, nil
	}
	ref = AccountRef{ID: id.Int64, CustomerID: customerID.Int64, Number: num.String, Seq: seq.Int64, MainSeq: mainSeq.Int64}
	return s, ref, nil, nil
}

// DeleteSession ends a session.
func (tx *Tx) DeleteSession(ctx context.Context, tokenHash [32]byte) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash[:])
	return err
}

// EndOtherSessions ends every session of the customer but keep, and lifts
// the password-change requirement from keep.
func (tx *Tx) EndOtherSessions(ctx context.Context, customerID int64, keep [32]byte) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE customer_id = ? AND token_hash <> ?`, customerID, keep[:]); err != nil {
		return fmt.Errorf("end sessions: %w", err)
	}
	_, err := tx.ExecContext(ctx, `UPDATE sessions SET must_change_password = FALSE WHERE token_hash = ?`, keep[:])
	return err
}

// EndAllSessions ends every session of the customer (a one-time password was
// issued: whoever is logged in must log in again).
func (tx *Tx) EndAllSessions(ctx context.Context, customerID int64) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE customer_id = ?`, customerID)
	return err
}

// SetEmail sets the customer's e-mail. Every account of the customer shows
// it, so each account's data changes.
func (tx *Tx) SetEmail(ctx context.Context, customerID int64, email string) error {
	if err := tx.touchCustomerAccounts(ctx, customerID); err != nil {
		return err
	}
	// Read before the UPDATE: only a real change goes to the billing
	// system (export.go), with the e-mailed bills it ends.
	now := tx.db.now().Unix()
	if err := tx.deferWrites(ctx,
		statement{`INSERT INTO export_log (kind, ref_id, field, value, at) SELECT 'profile', id, 'email', ?, ? FROM customers WHERE id = ? AND email <> ?`,
			[]any{email, now, customerID, email}},
		statement{`INSERT INTO export_log (kind, ref_id, account, field, value, at) SELECT 'profile', customer_id, number, 'email_bills', 'false', ?
			FROM accounts WHERE customer_id = ? AND email_bills AND ? = '' ORDER BY id`, []any{now, customerID, email}},
		statement{`INSERT INTO export_log (kind, ref_id, account, field, value, at) SELECT 'profile', customer_id, number, 'email_reminders', 'false', ?
			FROM accounts WHERE customer_id = ? AND email_reminders AND ? = '' ORDER BY id`, []any{now, customerID, email}},
	); err != nil {
		return fmt.Errorf("set email: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE customers SET email = ? WHERE id = ?`, email, customerID); err != nil {
		return fmt.Errorf("set email: %w", err)
	}
	// Without an address there is nowhere to e-mail bills or reminders to.
	_, err := tx.ExecContext(ctx, `UPDATE accounts SET email_bills = email_bills AND ? <> '', email_reminders = email_reminders AND ? <> ''
		WHERE customer_id = ?`, email, email, customerID)
	return err
}

// SetProvenPhone makes phone the customer's phone, proven by a code the
// customer typed now, and drops the pending change.
func (tx *Tx) SetProvenPhone(ctx context.Context, customerID int64, phone string) error {
	if err := tx.touchCustomerAccounts(ctx, customerID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE customers SET phone = ?, phone_proven = TRUE, phone_proven_at = ? WHERE id = ?`,
		phone, tx.db.now().Unix(), customerID); err != nil {
		return fmt.Errorf("set phone: %w", err)
	}
	if err := tx.deferWrites(ctx, logExport(exportProfile, customerID, "", "phone", phone, tx.db.now().Unix())); err != nil {
		return fmt.Errorf("set phone: %w", err)
	}
	return tx.DeletePhoneChange(ctx, customerID)
}

// touchCustomerAccounts gives every account of the customer a new change
// number, for a change of what every account shows (the customer).
func (tx *Tx) touchCustomerAccounts(ctx context.Context, customerID int64) error {
	if err := tx.lockCustomerAccounts(ctx, customerID); err != nil {
		return err
	}
	seq, err := tx.nextSeq(ctx)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE accounts SET main_seq = ?, seq = ? WHERE customer_id = ?`, seq, seq, customerID); err != nil {
		return fmt.Errorf("touch accounts: %w", err)
	}
	return nil
}

// PhoneChange is a new phone waiting for the code sent to it.
type PhoneChange struct {
	Phone string
	// CodeHash is a random salt followed by SHA-256(salt || code).
	CodeHash  []byte
	CreatedAt time.Time
	ExpiresAt time.Time
	// Failures counts the wrong codes typed, and the try being made.
	Failures int
}

// SetPhoneChange replaces the customer's pending phone change.
func (tx *Tx) SetPhoneChange(ctx context.Context, customerID int64, pc PhoneChange) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO phone_changes (customer_id, phone, code_hash, created_at, expires_at, failures)
		VALUES (?, ?, ?, ?, ?, 0)
		ON CONFLICT (customer_id) DO UPDATE SET phone = excluded.phone, code_hash = excluded.code_hash,
			created_at = excluded.created_at, expires_at = excluded.expires_at, failures = 0`,
		customerID, pc.Phone, pc.CodeHash, pc.CreatedAt.Unix(), pc.ExpiresAt.Unix())
	if err != nil {
		return fmt.Errorf("set phone change: %w", err)
	}
	return nil
}

// PhoneChange returns the customer's pending phone change, if any, whether
// or not it is still usable.
func (tx *Tx) PhoneChange(ctx context.Context, customerID int64) (PhoneChange, bool, error) {
	var pc PhoneChange
	var created, expires int64
	err := tx.QueryRowContext(ctx, `SELECT phone, code_hash, created_at, expires_at, failures FROM phone_changes WHERE customer_id = ?`, customerID).
		Scan(&pc.Phone, &pc.CodeHash, &created, &expires, &pc.Failures)
	if errors.Is(err, sql.ErrNoRows) {
		return pc, false, nil
	}
	if err != nil {
		return pc, false, fmt.Errorf("phone change: %w", err)
	}
	pc.CreatedAt, pc.ExpiresAt = time.Unix(created, 0), time.Unix(expires, 0)
	return pc, true, nil
}

// SpendPhoneCodeTry counts one try at the code of the customer's pending
// phone change before the code is compared, so that tries made at once
// cannot all pass the limit. It returns false when there is no change with
// a try left (fewer than maxTries failures) that has not expired at now.
// On PostgreSQL the row stays locked until the transaction ends.
func (tx *Tx) SpendPhoneCodeTry(ctx context.Context, customerID int64, maxTries int, now time.Time) (PhoneChange, bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE phone_changes SET failures = failures + 1 WHERE customer_id = ? AND failures < ? AND expires_at > ?`,
		customerID, maxTries, now.Unix())
	if err != nil {
		return PhoneChange{}, false, fmt.Errorf("phone code try: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return PhoneChange{}, false, err
	}
	return tx.PhoneChange(ctx, customerID)
}

// DeletePhoneChange drops the customer's pending phone change.
func (tx *Tx) DeletePhoneChange(ctx context.Context, customerID int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM phone_changes WHERE customer_id = ?`, customerID); err != nil {
		return fmt.Errorf("delete phone change: %w", err)
	}
	return nil
}

// SMSSent returns how many SMS of the purpose were sent to the customer
// since since, and when the latest was. Each purpose has its own budget.
func (tx *Tx) SMSSent(ctx context.Context, customerID int64, purpose string, since time.Time) (int, time.Time, error) {
	var n int
	var last sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT count(*), max(sent_at) FROM sms_log WHERE customer_id = ? AND purpose = ? AND sent_at >= ?`,
		customerID, purpose, since.Unix()).Scan(&n, &last)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("sms log: %w", err)
	}
	var t time.Time
	if last.Valid {
		t = time.Unix(last.Int64, 0)
	}
	return n, t, nil
}

// SMSSentTo returns how many SMS of the purpose were sent to the phone,
// for any customer, since since.
func (tx *Tx) SMSSentTo(ctx context.Context, phone, purpose string, since time.Time) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sms_log WHERE phone = ? AND phone <> '' AND purpose = ? AND sent_at >= ?`,
		phone, purpose, since.Unix()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("sms log: %w", err)
	}
	return n, nil
}

// LogSMS records an SMS of the purpose sent to the customer's phone on file.
func (tx *Tx) LogSMS(ctx context.Context, customerID int64, purpose string) error {
	return tx.LogSMSTo(ctx, customerID, purpose, "")
}

// LogSMSTo records an SMS of the purpose sent for the customer to phone
// (a number that is not yet the customer's, whose budget is counted apart).
func (tx *Tx) LogSMSTo(ctx context.Context, customerID int64, purpose, phone string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO sms_log (customer_id, purpose, sent_at, phone) VALUES (?, ?, ?, ?)`,
		customerID, purpose, tx.db.now().Unix(), phone)
	return err
}
