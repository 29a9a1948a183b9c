package portal_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kabinet/internal/domain"
	"kabinet/internal/payments"
	"kabinet/internal/payments/localpay"
	"kabinet/internal/portal"
	"kabinet/internal/portaldb"
)

// payEnv is the portal with the local provider over real HTTP: the portal
// talks to it through the ЮKassa client, and it delivers its notifications
// to the portal's hook from 127.0.0.1, which the allowlist holds.
type payEnv struct {
	*env
	lp     *localpay.Provider
	client *payments.YooKassa
	token  string
	// hooks counts the notifications the portal has answered, so a test
	// can wait for the provider's deliveries to be done.
	hooks atomic.Int64
}

const hookPath = "/api/v1/payments/notifications"

func newPayEnv(t *testing.T, opts ...envOption) *payEnv {
	t.Helper()
	return newPayEnvWith(t, nil, opts...)
}

// newPayEnvWith is newPayEnv with the ЮKassa client's settings changed by
// client.
func newPayEnvWith(t *testing.T, client func(*payments.YooKassaConfig), opts ...envOption) *payEnv {
	t.Helper()
	pe := &payEnv{}
	// The provider keeps the portal's (the test's) time.
	var now atomic.Pointer[func() time.Time]
	// The provider's notifications reach the portal's handler through a
	// server of their own, as the portal is built after the provider.
	var handler http.Handler
	var mu sync.Mutex
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		h := handler
		mu.Unlock()
		h.ServeHTTP(w, r)
		pe.hooks.Add(1)
	}))
	t.Cleanup(hook.Close)
	pe.lp = localpay.New(localpay.Config{ShopID: "123456", SecretKey: "test_secret", NotifyURL: hook.URL + hookPath,
		NotifyRetryDelay: 20 * time.Millisecond, Now: func() time.Time {
			if f := now.Load(); f != nil {
				return (*f)()
			}
			return time.Now()
		}})
	url, stop, err := pe.lp.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	yk := payments.YooKassaConfig{BaseURL: url + "/v3/", ShopID: "123456", SecretKey: "test_secret",
		Timeout: time.Second, MaxWait: 300 * time.Millisecond, RetryDelay: 20 * time.Millisecond, MaxRetryDelay: 50 * time.Millisecond}
	if client != nil {
		client(&yk)
	}
	pe.client, err = payments.NewYooKassa(yk)
	if err != nil {
		t.Fatal(err)
	}
	cfg := func(c *portal.Config) {
		c.Payments = portal.PaymentConfig{Provider: pe.client, ReturnURL: "http://127.0.0.1/pay/return",
			Allowlist: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, VATCode: 1, TaxSystemCode: 1}
	}
	pe.env = newEnv(t, append([]envOption{cfg}, opts...)...)
	mu.Lock()
	handler = pe.srv.Handler()
	mu.Unlock()
	clockNow := pe.clock.Now
	now.Store(&clockNow)
	pe.token = pe.login(ivanova, password)
	return pe
}

// pay asks the portal for a payment with the key; amount 0 means "what is
// due".
func (pe *payEnv) pay(key string, amount int64) response {
	pe.t.Helper()
	var body any
	if amount > 0 {
		body = map[string]int64{"amount_kop": amount}
	}
	return pe.do(req{method: "POST", path: "/api/v1/accounts/" + ivanovaAcc + "/payments", token: pe.token, body: body,
		headers: map[string]string{"Idempotency-Key": key}})
}

func (pe *payEnv) created(key string, amount int64) portal.PaymentResponse {
	pe.t.Helper()
	r := pe.pay(key, amount)
	if r.Status != http.StatusCreated {
		pe.t.Fatalf("create payment: %d %s", r.Status, r.Body)
	}
	return decodePayment(pe.t, r)
}

func decodePayment(t *testing.T, r response) portal.PaymentResponse {
	t.Helper()
	var p portal.PaymentResponse
	if err := json.Unmarshal(r.Body, &p); err != nil {
		t.Fatalf("payment: %v: %s", err, r.Body)
	}
	return p
}

func (pe *payEnv) status(id string) portal.PaymentResponse {
	pe.t.Helper()
	r := pe.do(req{method: "GET", path: "/api/v1/payments/" + id, token: pe.token})
	if r.Status != http.StatusOK {
		pe.t.Fatalf("payment %s: %d %s", id, r.Status, r.Body)
	}
	return decodePayment(pe.t, r)
}

// waitStatus waits until the payment's status is want (the provider's
// notifications arrive in the background).
func (pe *payEnv) waitStatus(id, want string) portal.PaymentResponse {
	pe.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		p := pe.status(id)
		if p.Status == want {
			return p
		}
		if time.Now().After(deadline) {
			pe.t.Fatalf("payment %s is %s, want %s", id, p.Status, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitHooks waits until the portal has answered n notifications in all.
func (pe *payEnv) waitHooks(n int64) {
	pe.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for pe.hooks.Load() < n {
		if time.Now().After(deadline) {
			pe.t.Fatalf("%d notifications answered, want %d", pe.hooks.Load(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// providerPayment is the one provider payment made for our payment id.
func (pe *payEnv) providerPayment(ourID string) localpay.Payment {
	pe.t.Helper()
	var found []localpay.Payment
	for _, p := range pe.lp.Payments() {
		if p.Metadata[payments.MetadataPaymentID] == ourID {
			found = append(found, p)
		}
	}
	if len(found) != 1 {
		pe.t.Fatalf("%d provider payments for %s, want 1", len(found), ourID)
	}
	return found[0]
}

// onlinePayments are the account's payments credited online (refunds
// negative), from the account document.
func (pe *payEnv) onlinePayments() (credited []domain.Payment, doc domain.AccountDocument, etag string) {
	pe.t.Helper()
	doc, r := pe.document(pe.token, ivanovaAcc)
	if r.Status != http.StatusOK {
		pe.t.Fatalf("document: %d %s", r.Status, r.Body)
	}
	for _, p := range doc.Payments {
		if p.Channel == portaldb.ChannelOnline || p.Channel == portaldb.ChannelRefund {
			credited = append(credited, p)
		}
	}
	return credited, doc, r.Header.Get("ETag")
}

// The customer pays what is due: the provider gets one payment with the
// receipt and the payment order, the payer pays on the checkout page, the
// notification credits it once, and the account document (a new ETag)
// shows the payment and nothing due.
func TestPayTheDebt(t *testing.T) {
	pe := newPayEnv(t)
	_, before, etag := pe.onlinePayments()
	if before.Balance.Due != 37450 {
		t.Fatalf("fixture: due %v", before.Balance.Due)
	}
	p := pe.created("pay-key-0001", 0)
	if p.Amount != 37450 || p.Status != "pending" || !strings.Contains(p.ConfirmationURL, "/checkout/") || p.Credited {
		t.Fatalf("created: %+v", p)
	}
	lp := pe.providerPayment(p.ID)
	var sent struct {
		Receipt struct {
			Customer struct {
				Phone string `json:"phone"`
			} `json:"customer"`
			Items []struct {
				Description string `json:"description"`
				VATCode     int    `json:"vat_code"`
			} `json:"items"`
			TaxSystemCode int `json:"tax_system_code"`
		} `json:"receipt"`
		PaymentOrder struct {
			Type          string `json:"type"`
			AccountNumber string `json:"account_number"`
			Recipient     struct {
				INN string `json:"inn"`
			} `json:"recipient"`
			PaymentPeriod struct {
				Month, Year int
			} `json:"payment_period"`
		} `json:"payment_order"`
	}
	if err := json.Unmarshal(lp.Request, &sent); err != nil {
		t.Fatal(err)
	}
	if sent.Receipt.Customer.Phone != "79121234567" || len(sent.Receipt.Items) != 1 || sent.Receipt.Items[0].Description != "Электроэнергия" ||
		sent.Receipt.Items[0].VATCode != 1 || sent.Receipt.TaxSystemCode != 1 {
		t.Errorf("receipt: %+v", sent.Receipt)
	}
	po := sent.PaymentOrder
	if po.Type != "utilities" || po.AccountNumber != ivanovaAcc || po.Recipient.INN != "1101301856" || po.PaymentPeriod.Month != 10 || po.PaymentPeriod.Year != 2026 {
		t.Errorf("payment order: %+v", po)
	}

	if err := pe.lp.Pay(lp.ID); err != nil {
		t.Fatal(err)
	}
	got := pe.waitStatus(p.ID, "succeeded")
	if !got.Credited || got.CreditedPaymentID == "" {
		t.Errorf("succeeded but not credited: %+v", got)
	}
	credited, doc, etag2 := pe.onlinePayments()
	if len(credited) != 1 || credited[0].Amount != 37450 || credited[0].Status != domain.PaymentCredited || credited[0].ID != got.CreditedPaymentID {
		t.Errorf("credited payments: %+v", credited)
	}
	if doc.Balance.Due != 0 {
		t.Errorf("due after paying: %v", doc.Balance.Due)
	}
	if etag2 == etag {
		t.Error("the document's ETag did not change")
	}
	// Nothing is due now, so no amount means nothing to pay.
	if r := pe.pay("pay-key-0002", 0); r.Status != http.StatusUnprocessableEntity || r.Code(t) != string(domain.CodeNothingDue) {
		t.Errorf("paying with nothing due: %d %s", r.Status, r.Body)
	}
}

func TestPaymentAmountRules(t *testing.T) {
	pe := newPayEnv(t)
	for _, amount := range []int64{99, 60_000_001} {
		r := pe.pay(fmt.Sprintf("pay-amount-%d", amount), amount)
		if r.Status != http.StatusUnprocessableEntity || r.Code(t) != string(domain.CodePaymentAmount) {
			t.Errorf("amount %d: %d %s", amount, r.Status, r.Body)
			continue
		}
		if params := r.JSON(t)["params"].(map[string]any); params["min_kop"] != "100" || params["max_kop"] != "60000000" {
			t.Errorf("amount %d: params %v", amount, params)
		}
	}
	if n := len(pe.lp.Payments()); n != 0 {
		t.Errorf("%d provider payments for refused amounts", n)
	}
	// The same key with another amount is another request.
	pe.created("pay-amount-ok", 5000)
	if r := pe.pay("pay-amount-ok", 6000); r.Status != http.StatusUnprocessableEntity || r.Code(t) != "idempotency_key_reused" {
		t.Errorf("key reused: %d %s", r.Status, r.Body)
	}
	// Somebody else's payment is not found.
	other := pe.login(petrov, password)
	p := pe.created("pay-amount-own", 5000)
	if r := pe.do(req{method: "GET", path: "/api/v1/payments/" + p.ID, token: other}); r.Status != http.StatusNotFound {
		t.Errorf("another customer's payment: %d", r.Status)
	}
	// Nor can anybody pay into, or read the payment key of, an account not
	// theirs: no provider payment is made of it.
	made := len(pe.lp.Payments())
	r := pe.do(req{method: "POST", path: "/api/v1/accounts/" + ivanovaAcc + "/payments", token: other, body: map[string]int64{"amount_kop": 5000},
		headers: map[string]string{"Idempotency-Key": "pay-amount-own"}})
	if r.Status != http.StatusNotFound || len(pe.lp.Payments()) != made {
		t.Errorf("a payment into another's account: %d %s, %d provider payments made", r.Status, r.Body, len(pe.lp.Payments())-made)
	}
	r = pe.do(req{method: "GET", path: "/api/v1/payment-options", token: pe.token})
	if r.Status != http.StatusOK || string(r.Body) != `{"enabled":true,"commission_percent":"0","min_kop":100,"max_kop":60000000}` {
		t.Errorf("options: %d %s", r.Status, r.Body)
	}
}

// The provider made the payment but answered 500 (and kept failing): the
// app is told to retry, and its retry with the same key gets the same
// provider payment; paid, it is credited once.
func TestCreateRetriedAfterProviderFailure(t *testing.T) {
	// The client gives up after one attempt.
	pe := newPayEnvWith(t, func(c *payments.YooKassaConfig) { c.RetryDelay, c.MaxWait = time.Second, 10*time.Millisecond })
	pe.lp.FailCreatesAfterMaking(-1)
	r := pe.pay("pay-key-500", 0)
	if r.Status != http.StatusServiceUnavailable || r.Code(t) != string(domain.CodePaymentProvider) || r.Header.Get("Retry-After") == "" {
		t.Fatalf("provider failing: %d %s", r.Status, r.Body)
	}
	pe.lp.FailCreatesAfterMaking(0)
	p := pe.created("pay-key-500", 0)
	lp := pe.providerPayment(p.ID)
	if again := decodePayment(t, pe.pay("pay-key-500", 0)); again.ID != p.ID {
		t.Errorf("a replay made payment %s after %s", again.ID, p.ID)
	}
	pe.lp.Pay(lp.ID)
	pe.waitStatus(p.ID, "succeeded")
	if credited, _, _ := pe.onlinePayments(); len(credited) != 1 {
		t.Errorf("%d credits, want 1", len(credited))
	}
}

// 429 from the provider: 503 with Retry-After, and the retry goes through.
func TestCreateWhenProviderSaysTooManyRequests(t *testing.T) {
	pe := newPayEnv(t)
	pe.lp.TooManyRequests(-1, 0)
	r := pe.pay("pay-key-429", 0)
	if r.Status != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" {
		t.Fatalf("429: %d %s", r.Status, r.Body)
	}
	pe.lp.TooManyRequests(0, 0)
	p := pe.created("pay-key-429", 0)
	pe.providerPayment(p.ID)
}

// A slow provider (its answer later than the client waits): the client's
// own retry with the same key gets the payment made the first time.
func TestCreateWithSlowProvider(t *testing.T) {
	pe := newPayEnv(t)
	pe.lp.Delay(1, 1500*time.Millisecond)
	r := pe.pay("pay-key-slow", 0)
	if r.Status != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" {
		t.Fatalf("slow provider: %d %s", r.Status, r.Body)
	}
	p := pe.created("pay-key-slow", 0)
	pe.providerPayment(p.ID)
	if n := len(pe.lp.Payments()); n != 1 {
		t.Errorf("%d provider payments, want 1", n)
	}
}

// The payment succeeds and is notified before the answer to Create comes
// back: the notification finds our payment by its metadata and credits it;
// the late answer changes nothing.
func TestNotificationBeforeCreateAnswer(t *testing.T) {
	pe := newPayEnv(t)
	pe.lp.PayInCreate(1)
	p := pe.created("pay-key-early", 0)
	if p.Status != "succeeded" || !p.Credited {
		t.Errorf("created: %+v", p)
	}
	if credited, _, _ := pe.onlinePayments(); len(credited) != 1 {
		t.Errorf("%d credits, want 1", len(credited))
	}
}

// Each notification three times, and a stale «canceled» after the
// success: one credit, and the payment stays succeeded.
func TestDuplicateAndOutOfOrderNotifications(t *testing.T) {
	pe := newPayEnv(t)
	p := pe.created("pay-key-dup", 0)
	pe.lp.DuplicateNotifications(3)
	pe.lp.OutOfOrder(1)
	pe.lp.Pay(pe.providerPayment(p.ID).ID)
	pe.waitHooks(4) // three copies and the stale one
	if credited, _, _ := pe.onlinePayments(); len(credited) != 1 {
		t.Errorf("%d credits, want 1", len(credited))
	}
	if got := pe.status(p.ID); got.Status != "succeeded" {
		t.Errorf("after a stale notification: %s", got.Status)
	}
}

// A notification whose body says succeeded while the provider says
// pending credits nothing.
func TestForgedNotificationBody(t *testing.T) {
	pe := newPayEnv(t)
	p := pe.created("pay-key-forged", 0)
	status, err := pe.lp.SendForged(pe.providerPayment(p.ID).ID)
	if err != nil || status != http.StatusOK {
		t.Fatalf("forged notification: %d %v", status, err)
	}
	if got := pe.status(p.ID); got.Status != "pending" || got.Credited {
		t.Errorf("after a forged notification: %+v", got)
	}
	if credited, _, _ := pe.onlinePayments(); len(credited) != 0 {
		t.Errorf("%d credits, want none", len(credited))
	}
}

// A genuine notification body sent from an address off the allowlist, or
// with an X-Forwarded-For the client wrote itself, is refused with 403
// and credits nothing.
func TestNotificationFromForgedSource(t *testing.T) {
	pe := newPayEnv(t, func(c *portal.Config) {
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
		c.Payments.Allowlist = []netip.Prefix{netip.MustParsePrefix("185.71.76.0/27")}
	})
	p := pe.created("pay-key-source", 0)
	lp := pe.providerPayment(p.ID)
	pe.lp.DropNotifications(-1)
	pe.lp.Pay(lp.ID)
	body := fmt.Sprintf(`{"type":"notification","event":"payment.succeeded","object":{"id":%q,"status":"succeeded"}}`, lp.ID)
	for _, xff := range []string{"", "185.71.76.5, 203.0.113.9", "185.71.76.5,203.0.113.9"} {
		h := map[string]string{}
		if xff != "" {
			h["X-Forwarded-For"] = xff
		}
		r := pe.do(req{method: "POST", path: hookPath, body: body, headers: h})
		if r.Status != http.StatusForbidden {
			t.Errorf("X-Forwarded-For %q: %d %s", xff, r.Status, r.Body)
		}
	}
	if got := pe.status(p.ID); got.Credited {
		t.Errorf("credited from a forged source: %+v", got)
	}
	// Through the trusted proxy from the provider's network it is taken.
	r := pe.do(req{method: "POST", path: hookPath, body: body, headers: map[string]string{"X-Forwarded-For": "185.71.76.5"}})
	if r.Status != http.StatusOK {
		t.Fatalf("genuine notification: %d %s", r.Status, r.Body)
	}
	if got := pe.status(p.ID); !got.Credited {
		t.Errorf("not credited from the provider's address: %+v", got)
	}
}

// A provider payment that names our payment but is for another amount
// credits nothing and is logged.
func TestAmountMismatchCreditsNothing(t *testing.T) {
	pe := newPayEnv(t)
	p := pe.created("pay-key-mismatch", 0)
	other, err := pe.client.Create(context.Background(), "another-key-1", payments.CreateRequest{Amount: 100, Description: "x",
		ReturnURL: "http://127.0.0.1/", Metadata: map[string]string{payments.MetadataPaymentID: p.ID},
		Receipt: payments.Receipt{CustomerPhone: "79121234567", Items: []payments.ReceiptItem{{Description: "x", Quantity: "1", Amount: 100, VATCode: 1,
			PaymentSubject: "service", PaymentMode: "full_payment"}}},
		PaymentOrder: payments.PaymentOrder{Type: "utilities", Amount: 100, PaymentPurpose: "x", AccountNumber: ivanovaAcc,
			Recipient: payments.Recipient{Name: "x", INN: "1101301856", KPP: "110101001", BankName: "x", BIC: "048702640", Account: "40702810128000000001", CorrespondentAcct: "30101810400000000640"}}})
	if err != nil {
		t.Fatal(err)
	}
	pe.lp.Pay(other.ID)
	pe.waitHooks(1)
	if got := pe.status(p.ID); got.Credited || got.Status != "pending" {
		t.Errorf("after a mismatching payment: %+v", got)
	}
	if credited, _, _ := pe.onlinePayments(); len(credited) != 0 {
		t.Errorf("%d credits, want none", len(credited))
	}
	if !strings.Contains(pe.logs.String(), "does not match") {
		t.Errorf("no log line about the mismatch:\n%s", pe.logs)
	}
}

// The payer lets the page expire: the payment ends expired, nothing is
// credited.
func TestExpiredPayment(t *testing.T) {
	pe := newPayEnv(t)
	p := pe.created("pay-key-expire", 0)
	pe.lp.Expire(pe.providerPayment(p.ID).ID)
	got := pe.waitStatus(p.ID, "expired")
	if got.Credited || got.CancelReason == "" {
		t.Errorf("expired: %+v", got)
	}
	q := pe.created("pay-key-cancel", 0)
	pe.lp.Cancel(pe.providerPayment(q.ID).ID)
	pe.waitStatus(q.ID, "canceled")
}

// A refund (notified twice) is debited once as a negative payment, and
// what is due comes back.
func TestRefundReversesTheCreditOnce(t *testing.T) {
	pe := newPayEnv(t)
	p := pe.created("pay-key-refund", 0)
	lp := pe.providerPayment(p.ID)
	pe.lp.Pay(lp.ID)
	pe.waitStatus(p.ID, "succeeded")
	pe.lp.DuplicateNotifications(2)
	if _, err := pe.client.Refund(context.Background(), "refund-key-1", lp.ID, 37450, refundReceipt(37450)); err != nil {
		t.Fatal(err)
	}
	pe.waitHooks(3) // the success, then the refund twice
	credited, doc, _ := pe.onlinePayments()
	var refunds []domain.Payment
	for _, c := range credited {
		if c.Channel == portaldb.ChannelRefund {
			refunds = append(refunds, c)
		}
	}
	if len(refunds) != 1 || refunds[0].Amount != -37450 {
		t.Errorf("refunds: %+v", refunds)
	}
	if doc.Balance.Due != 37450 {
		t.Errorf("due after the refund: %v", doc.Balance.Due)
	}
}

// Two deliveries of one notification at once credit once.
func TestConcurrentNotificationsCreditOnce(t *testing.T) {
	pe := newPayEnv(t)
	p := pe.created("pay-key-race", 0)
	lp := pe.providerPayment(p.ID)
	pe.lp.DropNotifications(-1)
	pe.lp.Pay(lp.ID)
	body := fmt.Sprintf(`{"type":"notification","event":"payment.succeeded","object":{"id":%q}}`, lp.ID)
	var wg sync.WaitGroup
	statuses := make([]int, 6)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Post(pe.http.URL+hookPath, "application/json", strings.NewReader(body))
			if err == nil {
				statuses[i] = resp.StatusCode
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	for i, s := range statuses {
		if s != http.StatusOK {
			t.Errorf("delivery %d: %d", i, s)
		}
	}
	if credited, _, _ := pe.onlinePayments(); len(credited) != 1 {
		t.Errorf("%d credits, want 1", len(credited))
	}
}

// Notifications lost: the reconciler fetches the payment a minute later
// and credits it; a payment nobody pays is expired after its time.
func TestReconcilerCreditsLostNotification(t *testing.T) {
	pe := newPayEnv(t)
	p := pe.created("pay-key-lost", 0)
	q := pe.created("pay-key-never", 5000)
	pe.lp.DropNotifications(-1)
	pe.lp.Pay(pe.providerPayment(p.ID).ID)
	if n, err := pe.srv.ReconcilePayments(context.Background()); err != nil || n != 0 {
		t.Fatalf("reconciler before a minute passed: %d %v", n, err)
	}
	pe.clock.Advance(2 * time.Minute)
	if n, err := pe.srv.ReconcilePayments(context.Background()); err != nil || n != 2 {
		t.Fatalf("reconciler: %d %v", n, err)
	}
	if got := pe.status(p.ID); got.Status != "succeeded" || !got.Credited {
		t.Errorf("after the reconciler: %+v", got)
	}
	if got := pe.status(q.ID); got.Status != "pending" {
		t.Errorf("unpaid after two minutes: %+v", got)
	}
	pe.clock.Advance(time.Hour)
	pe.srv.ReconcilePayments(context.Background())
	if got := pe.status(q.ID); got.Status != "expired" {
		t.Errorf("unpaid after an hour: %+v", got)
	}
	if credited, _, _ := pe.onlinePayments(); len(credited) != 1 {
		t.Errorf("%d credits, want 1", len(credited))
	}
}

// Paying online switched off: the options say so and a payment is refused.
func TestPaymentsDisabled(t *testing.T) {
	e := newEnv(t)
	token := e.login(ivanova, password)
	r := e.do(req{method: "POST", path: "/api/v1/accounts/" + ivanovaAcc + "/payments", token: token, headers: map[string]string{"Idempotency-Key": "pay-key-off"}})
	if r.Code(t) != string(domain.CodePaymentsOff) {
		t.Errorf("disabled: %d %s", r.Status, r.Body)
	}
	r = e.do(req{method: "GET", path: "/api/v1/payment-options", token: token})
	if !strings.Contains(string(r.Body), `"enabled":false`) {
		t.Errorf("options: %s", r.Body)
	}
	r = e.do(req{method: "GET", path: "/pay/return"})
	if r.Status != http.StatusOK || !strings.Contains(string(r.Body), "Оплата обрабатывается") || !strings.Contains(string(r.Body), "программу Kabinet") {
		t.Errorf("return page: %d %s", r.Status, r.Body)
	}
}

// refundReceipt is a refund receipt of amount for the fixture's customer.
func refundReceipt(amount domain.Kopecks) *payments.Receipt {
	return &payments.Receipt{CustomerEmail: "ivanova@example.ru", TaxSystemCode: 1, Items: []payments.ReceiptItem{{
		Description: "Электроэнергия", Quantity: "1", Amount: amount, VATCode: 1, PaymentSubject: "service", PaymentMode: "full_payment"}}}
}
