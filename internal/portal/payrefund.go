package portal

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"kabinet/internal/domain"
	"kabinet/internal/payments"
	"kabinet/internal/portaldb"
)

// RefundRequest is a refund the supplier's staff makes of an online
// payment (decisions: the back office's admin, and a command).
type RefundRequest struct {
	Payment string         // our id, pay_…
	Amount  domain.Kopecks // 0: all that is not refunded yet
}

// RefundResult says what became of a refund.
type RefundResult struct {
	Account  string
	Amount   domain.Kopecks
	RefundID string // the provider's
	// Status is the provider's: succeeded is debited (by this call or by
	// the notification, once); pending is debited when its notification comes.
	Status payments.Status
}

// Errors of RefundOnlinePayment.
var (
	ErrRefundNotPaid  = errors.New("платёж не зачислен: возвращать нечего")
	ErrRefundTooLarge = errors.New("сумма возврата больше того, что осталось от платежа")
	ErrRefundedAll    = errors.New("платёж уже возвращён целиком")
)

// RefundOnlinePayment returns money of a credited online payment through
// the provider and debits the account with it once. The request is stored
// before the provider is asked and its id is the provider's idempotence
// key, so running the same command again after an unknown outcome (a
// timeout, HTTP 500) asks for the same refund, never a second one, even
// when the refund's notification debited the account in between; a refund
// the provider makes is debited once however often it is reported (its id
// is unique among the account's payments).
func RefundOnlinePayment(ctx context.Context, db *portaldb.DB, provider payments.Provider, req RefundRequest, log *slog.Logger, now time.Time) (RefundResult, error) {
	p, err := db.OnlinePayment(ctx, req.Payment)
	if err != nil {
		return RefundResult{}, fmt.Errorf("платёж %s: %w", req.Payment, err)
	}
	if p.Status != portaldb.PaySucceeded || p.CreditedPaymentID == "" || p.ProviderID == "" {
		return RefundResult{}, fmt.Errorf("%s (%s): %w", req.Payment, p.Status, ErrRefundNotPaid)
	}
	left := p.Amount - p.Refunded
	if left <= 0 {
		return RefundResult{}, fmt.Errorf("%s: %w", req.Payment, ErrRefundedAll)
	}
	amount := req.Amount
	if amount == 0 {
		amount = left
	}
	if amount <= 0 || amount > left {
		return RefundResult{}, fmt.Errorf("%s: возврат %s, а можно вернуть до %s: %w", req.Payment, amount, left, ErrRefundTooLarge)
	}
	// Our request is stored before the provider is asked: a rerun after an
	// unknown outcome finds it, whatever was debited in between.
	key, err := db.RefundKey(ctx, p.ID, amount, newRefundKey(), now)
	if err != nil {
		return RefundResult{}, err
	}
	rc, err := refundReceipt(p, amount)
	if err != nil {
		return RefundResult{}, err
	}
	ref, err := provider.Refund(ctx, key, p.ProviderID, amount, rc)
	if err != nil {
		return RefundResult{}, fmt.Errorf("платёжная система: %w (повторите ту же команду: второго возврата не будет)", err)
	}
	if err := db.RefundAnswered(ctx, key, ref.ID); err != nil {
		return RefundResult{}, err
	}
	res := RefundResult{Account: p.Account, Amount: ref.Amount, RefundID: ref.ID, Status: ref.Status}
	if ref.PaymentID != p.ProviderID {
		return res, fmt.Errorf("платёжная система вернула деньги другого платежа (%s)", ref.PaymentID)
	}
	if ref.Status != payments.Succeeded {
		return res, nil
	}
	return res, debitRefund(ctx, db, log, noPaymentMetrics{}, p.ID, ref, now)
}

// refundReceipt is the 54-ФЗ refund receipt of amount returned of p: the
// customer, the tax system and the item of the payment's own receipt (as
// sent to the provider), for the amount returned; nil when the payment
// went without a receipt.
func refundReceipt(p portaldb.OnlinePayment, amount domain.Kopecks) (*payments.Receipt, error) {
	var req payments.CreateRequest
	if err := json.Unmarshal(p.ProviderRequest, &req); err != nil {
		return nil, fmt.Errorf("платёж %s: запрос к платёжной системе не прочитан: %w", p.ID, err)
	}
	if len(req.Receipt.Items) == 0 {
		return nil, nil
	}
	rc := req.Receipt
	item := rc.Items[0]
	item.Quantity, item.Amount = "1", amount
	rc.Items = []payments.ReceiptItem{item}
	return &rc, nil
}

// newRefundKey is a fresh idempotence key of a refund request.
func newRefundKey() string {
	var b [12]byte
	rand.Read(b[:])
	return "ref_" + hex.EncodeToString(b[:])
}
