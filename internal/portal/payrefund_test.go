package portal_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"

	"kabinet/internal/domain"
	"kabinet/internal/payments"
	"kabinet/internal/portal"
	"kabinet/internal/portaldb"
)

// unsure is a provider whose next refund is made but answered as an
// unknown outcome (the connection broke after the request was sent), and
// which remembers the idempotence key of every refund asked for.
type unsure struct {
	payments.Provider
	mu   sync.Mutex
	fail int
	keys []string
}

func (u *unsure) Refund(ctx context.Context, key, paymentID string, amount domain.Kopecks, rc *payments.Receipt) (payments.Refund, error) {
	r, err := u.Provider.Refund(ctx, key, paymentID, amount, rc)
	u.mu.Lock()
	defer u.mu.Unlock()
	u.keys = append(u.keys, key)
	if err == nil && u.fail > 0 {
		u.fail--
		return payments.Refund{}, payments.ErrUnknownOutcome
	}
	return r, err
}

func (pe *payEnv) refunds() []domain.Payment {
	pe.t.Helper()
	credited, _, _ := pe.onlinePayments()
	var out []domain.Payment
	for _, c := range credited {
		if c.Channel == portaldb.ChannelRefund {
			out = append(out, c)
		}
	}
	return out
}

// The supplier returns part of a payment, then the rest: each refund is
// made once at the provider and debited once, however it is reported
// (the command's own answer and the provider's notification, twice). A
// refund whose outcome was unknown, asked for again after its notification
// debited the account, is the same refund.
// Asking for more than is left, or of a payment not paid, changes nothing.
func TestRefundOnlinePayment(t *testing.T) {
	pe := newPayEnv(t)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx := context.Background()
	prov := &unsure{Provider: pe.client, fail: 1}
	refund := func(id string, amount domain.Kopecks) (portal.RefundResult, error) {
		return portal.RefundOnlinePayment(ctx, pe.db, prov, portal.RefundRequest{Payment: id, Amount: amount}, quiet, pe.clock.Now())
	}

	open := pe.created("pay-key-open", 20000)
	if _, err := refund(open.ID, 0); !errors.Is(err, portal.ErrRefundNotPaid) {
		t.Errorf("refund of an unpaid payment: %v, want ErrRefundNotPaid", err)
	}

	p := pe.created("pay-key-refund", 0)
	pe.lp.Pay(pe.providerPayment(p.ID).ID)
	pe.waitStatus(p.ID, "succeeded")
	pe.lp.DuplicateNotifications(2)

	if _, err := refund(p.ID, 10000); !errors.Is(err, payments.ErrUnknownOutcome) {
		t.Fatalf("first try: %v, want the unknown outcome", err)
	}
	// The refund was made: its notification debits the account before the
	// command is run again.
	pe.waitHooks(1 + 2)
	if got := pe.refunds(); len(got) != 1 {
		t.Fatalf("after the notification: refunds %+v", got)
	}
	res, err := refund(p.ID, 10000)
	if err != nil || res.Amount != 10000 || res.Status != payments.Succeeded {
		t.Fatalf("the same refund again: %+v, %v", res, err)
	}
	if len(pe.lp.Refunds()) != 1 || prov.keys[0] != prov.keys[1] {
		t.Errorf("the provider made %d refunds with keys %q, want one with one key", len(pe.lp.Refunds()), prov.keys)
	}
	// The refund carries its 54-ФЗ receipt: the payment's customer and
	// item, for the sum returned.
	var sent struct {
		Receipt struct {
			Customer struct{ Email, Phone string }
			Items    []struct {
				Description string
				Amount      struct{ Value string }
			}
		}
	}
	if err := json.Unmarshal(pe.lp.RefundRequest(res.RefundID), &sent); err != nil || sent.Receipt.Customer.Email+sent.Receipt.Customer.Phone == "" ||
		len(sent.Receipt.Items) != 1 || sent.Receipt.Items[0].Amount.Value != "100.00" || sent.Receipt.Items[0].Description != "Электроэнергия" {
		t.Errorf("the refund's receipt: %+v, %v", sent.Receipt, err)
	}
	if _, err := refund(p.ID, p.Amount); !errors.Is(err, portal.ErrRefundTooLarge) {
		t.Errorf("refund beyond what is left: %v, want ErrRefundTooLarge", err)
	}
	rest, err := refund(p.ID, 0)
	if err != nil || rest.Amount != p.Amount-10000 || rest.Status != payments.Succeeded {
		t.Fatalf("the rest: %+v, %v", rest, err)
	}
	if _, err := refund(p.ID, 0); !errors.Is(err, portal.ErrRefundedAll) {
		t.Errorf("refund of a payment returned in full: %v, want ErrRefundedAll", err)
	}
	pe.waitHooks(1 + 2 + 2) // the success, then each refund twice
	got := pe.refunds()
	if len(got) != 2 || got[0].Amount+got[1].Amount != -p.Amount {
		t.Errorf("debited refunds %+v, want two adding up to −%v", got, p.Amount)
	}
	if _, doc, _ := pe.onlinePayments(); doc.Balance.Due != p.Amount {
		t.Errorf("due after the refunds: %v, want %v again", doc.Balance.Due, p.Amount)
	}
}
