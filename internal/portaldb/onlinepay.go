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

// States of an online payment (online_payments.status).
const (
	// PayCreating: the row is written and the provider is being asked (or
	// its answer was lost); the provider's payment may or may not exist.
	PayCreating = "creating"
	// PayPending: the provider made the payment; the payer has not paid.
	PayPending = "pending"
	// PaySucceeded: the provider took the money and it is credited.
	PaySucceeded = "succeeded"
	// PayCanceled: the payer refused or the provider declined.
	PayCanceled = "canceled"
	// PayExpired: the payer did not pay in time.
	PayExpired = "expired"
)

// Channels of the payments an online payment credits.
const (
	ChannelOnline = "Онлайн: карта или СБП"
	ChannelRefund = "Возврат онлайн-оплаты"
)

// OnlinePayment is a payment the customer started online.
type OnlinePayment struct {
	ID             string
	CustomerID     int64
	AccountID      int64
	Account        string // the account's number
	IdempotencyKey string
	RequestHash    []byte
	Amount         domain.Kopecks // credited to the account
	Commission     domain.Kopecks // paid on top
	Status         string
	CancelReason   string
	ProviderID     string // empty until the provider answered
	// ProviderRequest is the create request as first sent (JSON).
	ProviderRequest   []byte
	ConfirmationURL   string
	ReceiptContact    string
	CreatedAt         time.Time
	ExpiresAt         time.Time
	UpdatedAt         time.Time
	CheckedAt         time.Time
	CreditedPaymentID string // the payments row, once credited
	Refunded          domain.Kopecks
}

// Open reports whether the provider still has to be asked about p.
func (p *OnlinePayment) Open() bool { return p.Status == PayCreating || p.Status == PayPending }

// Total is what the payer pays: the amount and the commission.
func (p *OnlinePayment) Total() domain.Kopecks { return p.Amount + p.Commission }

// PaymentTarget is what a new online payment is made from: the account,
// what is due on it, who is paid, where the receipt goes and the latest
// bill's period; or the payment a retry of the request made.
type PaymentTarget struct {
	Existing *OnlinePayment
	Ref      AccountRef
	Balance  domain.Balance
	Payee    domain.Payee
	Email    string
	Phone    string
	// LatestPeriod is the period of the latest invoice; zero when none.
	LatestPeriod domain.Period
}

// PaymentTarget reads, for the customer's request with Idempotency-Key key,
// the payment an earlier try made, or else what a new payment on the
// account needs. ErrNotFound: no such account of the customer's.
func (tx *Tx) PaymentTarget(ctx context.Context, customerID int64, key, account string) (PaymentTarget, error) {
	var t PaymentTarget
	p, err := scanOnlinePayment(tx.QueryRowContext(ctx, `SELECT `+onlineColumns+` FROM online_payments o JOIN accounts a ON a.id = o.account_id
		WHERE o.customer_id = ? AND o.idempotency_key = ?`, customerID, key))
	if err == nil {
		t.Existing = &p
		return t, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return t, err
	}
	if t.Ref, err = tx.AccountRef(ctx, customerID, account); err != nil {
		return t, err
	}
	if t.Balance, err = tx.balance(ctx, t.Ref.ID); err != nil {
		return t, err
	}
	pe := &t.Payee
	var period string
	err = tx.QueryRowContext(ctx, `SELECT p.name, p.inn, p.kpp, p.account, p.bank_name, p.bic, p.corr_account, p.address, p.phones, p.site, p.email,
			c.email, c.phone, coalesce((SELECT max(i.period) FROM invoices i WHERE i.account_id = a.id), '')
		FROM accounts a JOIN payees p ON p.id = a.payee_id JOIN customers c ON c.id = a.customer_id WHERE a.id = ?`, t.Ref.ID).
		Scan(&pe.Name, &pe.INN, &pe.KPP, &pe.Account, &pe.BankName, &pe.BIC, &pe.CorrAccount, &pe.Address, &pe.Phones, &pe.Site, &pe.Email,
			&t.Email, &t.Phone, &period)
	if err != nil {
		return t, fmt.Errorf("payment target: %w", err)
	}
	if period != "" {
		t.LatestPeriod, _ = domain.ParsePeriod(period)
	}
	return t, nil
}

const onlineColumns = `o.id, o.customer_id, o.account_id, a.number, o.idempotency_key, o.request_hash, o.amount, o.commission, o.status,
	o.cancel_reason, o.provider_id, o.provider_request, o.confirmation_url, o.receipt_contact, o.created_at, o.expires_at, o.updated_at,
	o.checked_at, o.credited_payment_id, o.refunded`

type scanner interface{ Scan(dest ...any) error }

func scanOnlinePayment(row scanner) (OnlinePayment, error) {
	var p OnlinePayment
	var provider sql.NullString
	var credited sql.NullInt64
	var request string
	var created, expires, updated, checked int64
	err := row.Scan(&p.ID, &p.CustomerID, &p.AccountID, &p.Account, &p.IdempotencyKey, &p.RequestHash, &p.Amount, &p.Commission, &p.Status,
		&p.CancelReason, &provider, &request, &p.ConfirmationURL, &p.ReceiptContact, &created, &expires, &updated, &checked, &credited, &p.Refunded)
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrNotFound
	}
	if err != nil {
		return p, fmt.Errorf("online payment: %w", err)
	}
	p.ProviderID, p.ProviderRequest = provider.String, []byte(request)
	p.CreatedAt, p.ExpiresAt, p.UpdatedAt = time.UnixMilli(created), time.UnixMilli(expires), time.UnixMilli(updated)
	if checked > 0 {
		p.CheckedAt = time.UnixMilli(checked)
	}
	if credited.Valid {
		p.CreditedPaymentID = strconv.FormatInt(credited.Int64, 10)
	}
	return p, nil
}

// InsertOnlinePayment stores a new payment before the provider is asked.
func (tx *Tx) InsertOnlinePayment(ctx context.Context, p OnlinePayment) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO online_payments (id, customer_id, account_id, idempotency_key, request_hash, amount, commission,
			status, provider_request, receipt_contact, created_at, expires_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, p.CustomerID, p.AccountID, p.IdempotencyKey, p.RequestHash, int64(p.Amount),
		int64(p.Commission), p.Status, string(p.ProviderRequest), p.ReceiptContact, p.CreatedAt.UnixMilli(), p.ExpiresAt.UnixMilli(),
		p.UpdatedAt.UnixMilli())
	if err != nil {
		return fmt.Errorf("online payment: %w", err)
	}
	return nil
}

// OnlinePayment returns the payment id; ErrNotFound when there is none.
func (db *DB) OnlinePayment(ctx context.Context, id string) (OnlinePayment, error) {
	var p OnlinePayment
	err := db.readOne(ctx, func(tx *Tx) error {
		var err error
		p, err = scanOnlinePayment(tx.QueryRowContext(ctx, `SELECT `+onlineColumns+` FROM online_payments o JOIN accounts a ON a.id = o.account_id
			WHERE o.id = ?`, id))
		return err
	})
	return p, err
}

// OnlinePaymentByProvider returns the payment the provider's payment id
// was recorded for; ErrNotFound when none.
func (db *DB) OnlinePaymentByProvider(ctx context.Context, providerID string) (OnlinePayment, error) {
	var p OnlinePayment
	err := db.readOne(ctx, func(tx *Tx) error {
		var err error
		p, err = scanOnlinePayment(tx.QueryRowContext(ctx, `SELECT `+onlineColumns+` FROM online_payments o JOIN accounts a ON a.id = o.account_id
			WHERE o.provider_id = ?`, providerID))
		return err
	})
	return p, err
}

// LockOnlinePayment reads the payment id for a change: its account is
// locked first, so two changes of one payment (two notifications at once,
// on one instance or two) run one after the other and the second sees what
// the first did.
func (tx *Tx) LockOnlinePayment(ctx context.Context, id string) (OnlinePayment, error) {
	var accountID int64
	err := tx.QueryRowContext(ctx, `SELECT account_id FROM online_payments WHERE id = ?`, id).Scan(&accountID)
	if errors.Is(err, sql.ErrNoRows) {
		return OnlinePayment{}, ErrNotFound
	}
	if err != nil {
		return OnlinePayment{}, fmt.Errorf("online payment: %w", err)
	}
	if err := tx.lockAccount(ctx, accountID); err != nil {
		return OnlinePayment{}, err
	}
	return scanOnlinePayment(tx.QueryRowContext(ctx, `SELECT `+onlineColumns+` FROM online_payments o JOIN accounts a ON a.id = o.account_id
		WHERE o.id = ?`, id))
}

// SaveOnlinePayment writes the fields of p that change after it is made:
// status, reason, the provider's id, page and expiry, and the check time.
// It releases a reconciler's lease.
func (tx *Tx) SaveOnlinePayment(ctx context.Context, p *OnlinePayment) error {
	var provider sql.NullString
	if p.ProviderID != "" {
		provider = sql.NullString{String: p.ProviderID, Valid: true}
	}
	var checked int64
	if !p.CheckedAt.IsZero() {
		checked = p.CheckedAt.UnixMilli()
	}
	p.UpdatedAt = tx.db.now()
	_, err := tx.ExecContext(ctx, `UPDATE online_payments SET status = ?, cancel_reason = ?, provider_id = ?, confirmation_url = ?,
			expires_at = ?, updated_at = ?, checked_at = ?, leased_until = 0, refunded = ? WHERE id = ?`,
		p.Status, p.CancelReason, provider, p.ConfirmationURL, p.ExpiresAt.UnixMilli(), p.UpdatedAt.UnixMilli(), checked, int64(p.Refunded), p.ID)
	if err != nil {
		return fmt.Errorf("online payment %s: %w", p.ID, err)
	}
	return nil
}

// CreditOnlinePayment credits p's amount to its account as a payment of
// paidOn, as a change of the account (its document, ETag and delta show
// it), and marks p succeeded. p comes from LockOnlinePayment in the same
// transaction and has its ProviderID. It credits nothing and returns
// false when p was credited before; the provider's payment id is unique
// among payments, so no path credits the same money twice.
func (tx *Tx) CreditOnlinePayment(ctx context.Context, p *OnlinePayment, paidOn domain.Date) (bool, error) {
	if p.CreditedPaymentID != "" {
		return false, nil
	}
	if p.ProviderID == "" {
		return false, errors.New("credit: the payment has no provider id")
	}
	id, err := tx.addAccountPayment(ctx, p.AccountID, paidOn, p.Amount, ChannelOnline, "payment:"+p.ProviderID)
	if err != nil || id == 0 {
		return false, err
	}
	p.CreditedPaymentID = strconv.FormatInt(id, 10)
	p.Status, p.CancelReason = PaySucceeded, ""
	if err := tx.SaveOnlinePayment(ctx, p); err != nil {
		return false, err
	}
	_, err = tx.ExecContext(ctx, `UPDATE online_payments SET credited_payment_id = ? WHERE id = ?`, id, p.ID)
	return err == nil, err
}

// CreditRefund debits the account with a refund of p (a negative payment
// of paidOn) once per refund id; false when the refund was credited
// before. p comes from LockOnlinePayment in the same transaction.
func (tx *Tx) CreditRefund(ctx context.Context, p *OnlinePayment, refundID string, amount domain.Kopecks, paidOn domain.Date) (bool, error) {
	id, err := tx.addAccountPayment(ctx, p.AccountID, paidOn, -amount, ChannelRefund, "refund:"+refundID)
	if err != nil || id == 0 {
		return false, err
	}
	p.Refunded += amount
	return true, tx.SaveOnlinePayment(ctx, p)
}

// addAccountPayment stores a credited payment with its provider reference
// as a change of the account; 0 when a payment with the reference exists.
func (tx *Tx) addAccountPayment(ctx context.Context, accountID int64, paidOn domain.Date, amount domain.Kopecks, channel, ref string) (int64, error) {
	if err := tx.lockAccount(ctx, accountID); err != nil {
		return 0, err
	}
	var existing int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM payments WHERE provider_ref = ?`, ref).Scan(&existing)
	if err == nil {
		return 0, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("payment %s: %w", ref, err)
	}
	seq, err := tx.nextSeq(ctx)
	if err != nil {
		return 0, err
	}
	w := tx.newRowWriter(1)
	id, err := w.id(ctx, "payments")
	if err != nil {
		return 0, err
	}
	if err := w.add(ctx, `INSERT INTO payments (id, account_id, paid_on, amount, channel, status, seq, provider_ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		id, accountID, paidOn.String(), int64(amount), channel, string(domain.PaymentCredited), seq, ref); err != nil {
		return 0, err
	}
	if err := w.add(ctx, `UPDATE accounts SET seq = ? WHERE id = ?`, seq, accountID); err != nil {
		return 0, err
	}
	if err := w.flush(ctx); err != nil {
		return 0, fmt.Errorf("payment %s: %w", ref, err)
	}
	return id, nil
}

// ClaimOpenPayments leases up to limit payments still creating or pending
// that nobody checked since before checkedBefore and no reconciler holds,
// until now+lease: two reconcilers (on two instances) claiming at once get
// different payments. SaveOnlinePayment releases the lease.
func (db *DB) ClaimOpenPayments(ctx context.Context, now, checkedBefore time.Time, lease time.Duration, limit int) ([]OnlinePayment, error) {
	var out []OnlinePayment
	err := db.Write(ctx, func(tx *Tx) error {
		out = nil
		rows, err := tx.QueryContext(ctx, `SELECT `+onlineColumns+` FROM online_payments o JOIN accounts a ON a.id = o.account_id
			WHERE o.status IN ('creating', 'pending') AND o.checked_at <= ? AND o.leased_until <= ?
			ORDER BY o.checked_at, o.id LIMIT ?`+db.d.claimOnlineLock, checkedBefore.UnixMilli(), now.UnixMilli(), limit)
		if err != nil {
			return fmt.Errorf("open payments: %w", err)
		}
		for rows.Next() {
			p, err := scanOnlinePayment(rows)
			if err != nil {
				rows.Close()
				return err
			}
			out = append(out, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("open payments: %w", err)
		}
		until := now.Add(lease).UnixMilli()
		for _, p := range out {
			if _, err := tx.ExecContext(ctx, `UPDATE online_payments SET leased_until = ? WHERE id = ?`, until, p.ID); err != nil {
				return fmt.Errorf("claim payment: %w", err)
			}
		}
		return nil
	})
	return out, err
}

// OnlinePaymentCounts counts the payments by status (for tests and
// metrics).
func (db *DB) OnlinePaymentCounts(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	err := db.readOne(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT status, count(*) FROM online_payments GROUP BY status`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var s string
			var n int
			if err := rows.Scan(&s, &n); err != nil {
				return err
			}
			out[s] = n
		}
		return rows.Err()
	})
	return out, err
}

// RefundKey is the provider's idempotence key of a refund of amount of
// the online payment id: the key of an earlier request for the same sum
// the provider has not answered yet, else newKey, stored first (see the
// refund_requests table).
func (db *DB) RefundKey(ctx context.Context, id string, amount domain.Kopecks, newKey string, now time.Time) (string, error) {
	key := newKey
	err := db.Write(ctx, func(tx *Tx) error {
		key = newKey
		err := tx.QueryRowContext(ctx, `SELECT id FROM refund_requests WHERE payment_id = ? AND amount = ? AND refund_id IS NULL
			ORDER BY created_at, id LIMIT 1`, id, int64(amount)).Scan(&key)
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO refund_requests (id, payment_id, amount, created_at) VALUES (?, ?, ?, ?)`,
			newKey, id, int64(amount), now.UnixMilli())
		return err
	})
	return key, err
}

// RefundAnswered records the provider's refund for the request key.
func (db *DB) RefundAnswered(ctx context.Context, key, refundID string) error {
	return db.Write(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE refund_requests SET refund_id = ? WHERE id = ?`, refundID, key)
		return err
	})
}
