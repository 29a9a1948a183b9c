package backoffice_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"kabinet/internal/backoffice"
	"kabinet/internal/domain"
	"kabinet/internal/payments"
	"kabinet/internal/portaldb"
)

// provider refunds at once and remembers what it was asked.
type provider struct {
	payments.Provider
	mu    sync.Mutex
	asked []domain.Kopecks
}

func (p *provider) Refund(_ context.Context, key, paymentID string, amount domain.Kopecks, _ *payments.Receipt) (payments.Refund, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.asked = append(p.asked, amount)
	return payments.Refund{ID: "rf-" + key, PaymentID: paymentID, Amount: amount, Status: payments.Succeeded}, nil
}

// paidOnline stores a credited online payment of 500 ₽ of the customer's
// account, as the portal does after the provider's notification.
func paidOnline(t *testing.T, db *portaldb.DB, customer, account, id string) {
	t.Helper()
	ctx := context.Background()
	err := db.Write(ctx, func(tx *portaldb.Tx) error {
		c, err := tx.CustomerByNumber(ctx, customer)
		if err != nil {
			return err
		}
		ref, err := tx.AccountRef(ctx, c.ID, account)
		if err != nil {
			return err
		}
		now := time.Now()
		p := portaldb.OnlinePayment{ID: id, CustomerID: c.ID, AccountID: ref.ID, IdempotencyKey: id, RequestHash: []byte{1}, Amount: 50000,
			Status: portaldb.PayPending, ProviderRequest: []byte(`{}`), CreatedAt: now, ExpiresAt: now.Add(time.Hour), UpdatedAt: now}
		if err := tx.InsertOnlinePayment(ctx, p); err != nil {
			return err
		}
		p.ProviderID = "prov-" + id
		if _, err := tx.ExecContext(ctx, `UPDATE online_payments SET provider_id = ? WHERE id = ?`, p.ProviderID, id); err != nil {
			return err
		}
		_, err = tx.CreditOnlinePayment(ctx, &p, domain.DateOf(now, domain.Moscow))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// An admin returns part of a customer's online payment from the card, then
// the rest; asking for more than is left, or for another customer's
// payment, changes nothing. Operators see no refund at all.
func TestAdminRefundsAnOnlinePayment(t *testing.T) {
	e := newEnv(t)
	prov := &provider{}
	bo, err := backoffice.New(backoffice.Config{DB: e.db, SMS: e.sms, InsecureCookie: true, Payments: prov,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(bo.Handler())
	t.Cleanup(hs.Close)
	e.url = hs.URL
	paidOnline(t, e.db, ivanova, "1100012345", "pay_ivanova")
	paidOnline(t, e.db, "100002", "1100023456", "pay_kuznetsov")
	refunds := func() int { return e.count(`SELECT count(*) FROM payments WHERE channel = ?`, portaldb.ChannelRefund) }

	oper := e.browser()
	oper.login("oper")
	if oper.get("/customers/" + ivanova); strings.Contains(oper.page, "Вернуть") {
		t.Error("an operator is offered a refund")
	}
	oper.post("/customers/"+ivanova+"/payments/pay_ivanova/refund", url.Values{})
	if oper.status != http.StatusForbidden || refunds() != 0 {
		t.Errorf("an operator's refund: %d", oper.status)
	}

	admin := e.browser()
	admin.login("boss")
	admin.get("/customers/" + ivanova)
	if !strings.Contains(admin.page, "Онлайн-оплаты") || !strings.Contains(admin.page, "Вернуть") {
		t.Fatalf("the admin sees no refund: %s", text(admin.page))
	}
	admin.post("/customers/"+ivanova+"/payments/pay_kuznetsov/refund", url.Values{})
	if admin.status != http.StatusNotFound || refunds() != 0 {
		t.Errorf("another customer's payment through this card: %d", admin.status)
	}
	admin.post("/customers/"+ivanova+"/payments/pay_ivanova/refund", url.Values{"amount": {"600"}, "csrf": {csrfOf(admin.page)}})
	if admin.status != http.StatusUnprocessableEntity || refunds() != 0 {
		t.Errorf("more than was paid: %d %s", admin.status, text(admin.page))
	}
	admin.post("/customers/"+ivanova+"/payments/pay_ivanova/refund", url.Values{"amount": {"123,45"}})
	if admin.status != http.StatusOK || !strings.Contains(admin.page, "Возвращено 123,45") || refunds() != 1 {
		t.Fatalf("part of it: %d %s", admin.status, text(admin.page))
	}
	admin.post("/customers/"+ivanova+"/payments/pay_ivanova/refund", url.Values{})
	if admin.status != http.StatusOK || !strings.Contains(admin.page, "Возвращено 376,55") || refunds() != 2 {
		t.Fatalf("the rest: %d %s", admin.status, text(admin.page))
	}
	if strings.Contains(admin.page, `placeholder="всё"`) {
		t.Error("a payment returned in full still offers a refund")
	}
	if n := e.count(`SELECT count(*) FROM audit_log WHERE staff = 'boss' AND action = 'refund' AND customer = ?`, ivanova); n != 2 {
		t.Errorf("%d refunds in the audit log, want 2", n)
	}
}
