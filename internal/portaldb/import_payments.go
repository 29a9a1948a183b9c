package portaldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"kabinet/internal/domain"
)

// BillingPayment is a payment a bank register credited to an account.
type BillingPayment struct {
	// Account is the number of the account credited.
	Account string
	PaidOn  domain.Date
	Amount  domain.Kopecks
	Channel string
	// Reference is the bank's unique number of the payment: a register
	// line with a reference credited before is not credited again.
	Reference string
	// ProviderPaymentID is the payment provider's id of a payment made
	// online, when the register names it; OnlinePaymentID is our id of it
	// («pay_…») found in the payment's purpose.
	ProviderPaymentID string
	OnlinePaymentID   string
}

// Payment credits one register line, once: a line whose money was
// credited before — by an earlier register (the same reference) or online
// (the provider's payment id, our payment id) — is Unchanged. An online
// payment the portal had not credited yet (its notification was lost) is
// credited now and marked paid, so the reconciler does not credit it
// again. A line that contradicts what was credited under its reference or
// online payment is a problem.
func (b *BillingImport) Payment(ctx context.Context, p BillingPayment) (ImportResult, error) {
	var res ImportResult
	var accountID int64
	err := b.tx.QueryRowContext(ctx, `SELECT id FROM accounts WHERE number = ?`, p.Account).Scan(&accountID)
	if errors.Is(err, sql.ErrNoRows) {
		res.Problem = fmt.Sprintf("лицевого счёта %s нет", p.Account)
		return res, nil
	}
	if err != nil {
		return res, fmt.Errorf("payment account: %w", err)
	}
	online, err := b.onlinePayment(ctx, p)
	if err != nil {
		return res, err
	}
	if online != "" {
		return b.creditOnline(ctx, online, accountID, p)
	}
	var stored struct {
		account int64
		paidOn  string
		amount  int64
	}
	err = b.tx.QueryRowContext(ctx, `SELECT account_id, paid_on, amount FROM payments WHERE provider_ref = ?`, "bank:"+p.Reference).
		Scan(&stored.account, &stored.paidOn, &stored.amount)
	if err == nil {
		if stored.account != accountID || stored.paidOn != p.PaidOn.String() || stored.amount != int64(p.Amount) {
			res.Problem = fmt.Sprintf("платёж с номером %s уже зачислен: %s, %s на другой лицевой счёт или с другой датой — "+
				"номер платежа (reference) должен быть своим у каждого платежа", p.Reference, domain.Kopecks(stored.amount), stored.paidOn)
		}
		return res, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return res, fmt.Errorf("payment %s: %w", p.Reference, err)
	}
	if _, err := b.tx.addAccountPayment(ctx, accountID, p.PaidOn, p.Amount, p.Channel, "bank:"+p.Reference); err != nil {
		return res, err
	}
	res.Outcome = Created
	return res, nil
}

// onlinePayment returns the id of the online payment the line is, or "".
func (b *BillingImport) onlinePayment(ctx context.Context, p BillingPayment) (string, error) {
	var id string
	var err error
	switch {
	case p.ProviderPaymentID != "":
		err = b.tx.QueryRowContext(ctx, `SELECT id FROM online_payments WHERE provider_id = ?`, p.ProviderPaymentID).Scan(&id)
	case p.OnlinePaymentID != "":
		err = b.tx.QueryRowContext(ctx, `SELECT id FROM online_payments WHERE id = ?`, p.OnlinePaymentID).Scan(&id)
	default:
		return "", nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("online payment: %w", err)
	}
	return id, nil
}

// creditOnline credits the register's line of the online payment id
// unless it was credited before.
func (b *BillingImport) creditOnline(ctx context.Context, id string, accountID int64, p BillingPayment) (ImportResult, error) {
	var res ImportResult
	op, err := b.tx.LockOnlinePayment(ctx, id)
	if err != nil {
		return res, err
	}
	if op.AccountID != accountID || op.Amount != p.Amount {
		res.Problem = fmt.Sprintf("по реестру %s на лицевой счёт %s, а онлайн-оплата %s была на %s на лицевой счёт %s",
			p.Amount, p.Account, op.ID, op.Amount, op.Account)
		return res, nil
	}
	if op.CreditedPaymentID != "" {
		return res, nil
	}
	if op.ProviderID == "" {
		op.ProviderID = p.ProviderPaymentID
	}
	if op.ProviderID != "" {
		if _, err := b.tx.CreditOnlinePayment(ctx, &op, p.PaidOn); err != nil {
			return res, err
		}
		res.Outcome = Created
		return res, nil
	}
	// The provider never told us its id: the bank's reference stands in.
	payID, err := b.tx.addAccountPayment(ctx, accountID, p.PaidOn, p.Amount, ChannelOnline, "bank:"+p.Reference)
	if err != nil || payID == 0 {
		return res, err
	}
	op.Status, op.CancelReason = PaySucceeded, ""
	if err := b.tx.SaveOnlinePayment(ctx, &op); err != nil {
		return res, err
	}
	if _, err := b.tx.ExecContext(ctx, `UPDATE online_payments SET credited_payment_id = ? WHERE id = ?`, payID, op.ID); err != nil {
		return res, err
	}
	res.Outcome = Created
	return res, nil
}
