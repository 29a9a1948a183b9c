package payments_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"kabinet/internal/domain"
	"kabinet/internal/payments"
	"kabinet/internal/payments/localpay"
	"kabinet/internal/payments/paytest"
)

const (
	shopID    = "123456"
	secretKey = "live_SeCrEt_do_not_log"
	email     = paytest.Email
)

// shop is the ЮKassa client talking to the local provider over real HTTP.
// Its pauses between retries are recorded instead of slept, so a test
// sees how the client waited without waiting.
type shop struct {
	prov   *localpay.Provider
	client *payments.YooKassa
	log    *bytes.Buffer

	mu     sync.Mutex
	pauses []time.Duration
}

func newShop(t *testing.T, tweak ...func(*payments.YooKassaConfig)) *shop {
	t.Helper()
	s := &shop{log: &bytes.Buffer{}}
	s.prov = localpay.New(localpay.Config{ShopID: shopID, SecretKey: secretKey, Logger: slog.New(slog.DiscardHandler)})
	srv := httptest.NewServer(s.prov)
	t.Cleanup(srv.Close)
	t.Cleanup(s.prov.Close)
	cfg := payments.YooKassaConfig{
		BaseURL: srv.URL + "/v3/", ShopID: shopID, SecretKey: secretKey,
		Timeout: 2 * time.Second, MaxWait: time.Minute,
		Sleep: func(ctx context.Context, d time.Duration) error {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.pauses = append(s.pauses, d)
			return ctx.Err()
		},
		Logger: slog.New(slog.NewTextHandler(&lockedWriter{w: s.log}, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	for _, f := range tweak {
		f(&cfg)
	}
	var err error
	if s.client, err = payments.NewYooKassa(cfg); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s *shop) retries() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.pauses...)
}

type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// request is the shared create request (paytest).
func request(amount domain.Kopecks) payments.CreateRequest { return paytest.Request(amount) }

func testCtx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

func TestAmountsRoundTripExactly(t *testing.T) {
	s := newShop(t)
	for _, k := range []domain.Kopecks{100, 143891, 1, 99, 60000000, 123456789012} {
		p, err := s.client.Create(testCtx(t), "key-"+k.Plain(), request(k))
		if err != nil {
			t.Fatalf("%s: %v", k.Plain(), err)
		}
		got, err := s.client.Get(testCtx(t), p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p.Amount != k || got.Amount != k {
			t.Errorf("sent %d kopecks, created %d, read back %d", k, p.Amount, got.Amount)
		}
	}
}

func TestRetriesWithTheSameKeyMakeOnePayment(t *testing.T) {
	s := newShop(t)
	var ids []string
	for range 3 {
		p, err := s.client.Create(testCtx(t), "key-1", request(143891))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	if ids[0] != ids[1] || ids[1] != ids[2] {
		t.Errorf("three calls with one key gave payments %v", ids)
	}
	if n := len(s.prov.Payments()); n != 1 {
		t.Errorf("the provider has %d payments, want 1", n)
	}

	// The same key with another request is a mistake ЮKassa refuses.
	_, err := s.client.Create(testCtx(t), "key-1", request(100))
	var apiErr *payments.APIError
	if !errors.As(err, &apiErr) || apiErr.HTTPStatus != 400 || apiErr.Parameter != "Idempotence-Key" {
		t.Errorf("same key, other amount: %v, want invalid_request on Idempotence-Key", err)
	}
}

func TestServerErrorAfterMakingIsRetriedWithTheSameKey(t *testing.T) {
	s := newShop(t)
	s.prov.FailCreatesAfterMaking(2)
	p, err := s.client.Create(testCtx(t), "key-1", request(143891))
	if err != nil {
		t.Fatal(err)
	}
	all := s.prov.Payments()
	if len(all) != 1 || all[0].ID != p.ID {
		t.Errorf("after two 500s the provider has %d payments (%v), want exactly the one returned %s", len(all), all, p.ID)
	}
	if n := len(s.retries()); n != 2 {
		t.Errorf("retried %d times, want 2", n)
	}
	if strings.Contains(s.log.String(), secretKey) || strings.Contains(s.log.String(), email) {
		t.Errorf("the log shows the secret key or the customer's e-mail:\n%s", s.log)
	}
}

func TestOutcomeUnknownUntilMaxWaitThenSameKeyFindsThePayment(t *testing.T) {
	s := newShop(t, func(c *payments.YooKassaConfig) {
		c.MaxWait, c.Sleep = 50*time.Millisecond, nil // real pauses, short budget
		c.RetryDelay = 5 * time.Millisecond
	})
	s.prov.FailCreatesAfterMaking(-1)
	_, err := s.client.Create(testCtx(t), "key-1", request(143891))
	if !errors.Is(err, payments.ErrUnknownOutcome) {
		t.Fatalf("ЮKassa answering 500 for ever: %v, want ErrUnknownOutcome", err)
	}
	s.prov.FailCreatesAfterMaking(0)
	p, err := s.client.Create(testCtx(t), "key-1", request(143891))
	if err != nil {
		t.Fatal(err)
	}
	if all := s.prov.Payments(); len(all) != 1 || all[0].ID != p.ID {
		t.Errorf("the provider has %d payments, want the one returned", len(all))
	}
}

func TestTooManyRequestsWaitsAndRetries(t *testing.T) {
	s := newShop(t)
	s.prov.TooManyRequests(2, 3*time.Second)
	if _, err := s.client.Create(testCtx(t), "key-1", request(100)); err != nil {
		t.Fatal(err)
	}
	got := s.retries()
	if len(got) != 2 || got[0] != 3*time.Second || got[1] != 3*time.Second {
		t.Errorf("pauses %v, want two of Retry-After 3s", got)
	}

	s.prov.TooManyRequests(-1, 0)
	_, err := s.client.Get(testCtx(t), s.prov.Payments()[0].ID)
	if !errors.Is(err, payments.ErrTooManyRequests) {
		t.Errorf("429 for ever: %v, want ErrTooManyRequests", err)
	}
}

func TestSlowAnswerIsRetriedWithTheSameKey(t *testing.T) {
	s := newShop(t, func(c *payments.YooKassaConfig) { c.Timeout = 200 * time.Millisecond })
	s.prov.Delay(1, 2*time.Second)
	p, err := s.client.Create(testCtx(t), "key-1", request(143891))
	if err != nil {
		t.Fatal(err)
	}
	if all := s.prov.Payments(); len(all) != 1 || all[0].ID != p.ID {
		t.Errorf("the provider has %d payments, want the one returned", len(all))
	}
	if len(s.retries()) != 1 {
		t.Errorf("retries %v, want 1", s.retries())
	}
}

func TestCanceledCallHasUnknownOutcome(t *testing.T) {
	s := newShop(t, func(c *payments.YooKassaConfig) { c.Timeout = 5 * time.Second })
	s.prov.Delay(-1, 5*time.Second)
	c, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := s.client.Create(c, "key-1", request(100))
	if !errors.Is(err, payments.ErrUnknownOutcome) {
		t.Errorf("create cut short by its caller: %v, want ErrUnknownOutcome", err)
	}
}

func TestNotFound(t *testing.T) {
	s := newShop(t)
	if _, err := s.client.Get(testCtx(t), "2e3b-no-such"); !errors.Is(err, payments.ErrNotFound) {
		t.Errorf("Get of an unknown payment: %v", err)
	}
	if _, err := s.client.GetRefund(testCtx(t), "2e3b-no-such"); !errors.Is(err, payments.ErrNotFound) {
		t.Errorf("GetRefund of an unknown refund: %v", err)
	}
}

func TestBadCredentialsIsAnAPIError(t *testing.T) {
	s := newShop(t, func(c *payments.YooKassaConfig) { c.SecretKey = "wrong" })
	_, err := s.client.Create(testCtx(t), "key-1", request(100))
	var apiErr *payments.APIError
	if !errors.As(err, &apiErr) || apiErr.HTTPStatus != 401 || apiErr.Code != "invalid_credentials" {
		t.Fatalf("wrong secret: %v, want APIError invalid_credentials", err)
	}
	if len(s.prov.Payments()) != 0 {
		t.Error("a payment was made with wrong credentials")
	}
}

func TestProviderRefusesAReceiptThatDoesNotAddUp(t *testing.T) {
	s := newShop(t)
	req := request(143891)
	req.Receipt.Items[0].Amount = 143800
	_, err := s.client.Create(testCtx(t), "key-1", req)
	var apiErr *payments.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "invalid_request" || apiErr.Parameter != "receipt.items" {
		t.Errorf("receipt short of the amount: %v", err)
	}
}

func TestRefund(t *testing.T) {
	s := newShop(t)
	p, err := s.client.Create(testCtx(t), "key-1", request(143891))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.client.Refund(testCtx(t), "ref-0", p.ID, 100, refundReceipt(100)); err == nil {
		t.Error("a pending payment was refunded")
	}
	if err := s.prov.Pay(p.ID); err != nil {
		t.Fatal(err)
	}
	// The payment had a receipt, so the refund needs its own.
	_, err = s.client.Refund(testCtx(t), "ref-no-receipt", p.ID, 43891, nil)
	var apiErr *payments.APIError
	if !errors.As(err, &apiErr) || apiErr.Parameter != "receipt" {
		t.Errorf("a refund without the receipt: %v", err)
	}
	short := refundReceipt(43891)
	short.Items[0].Amount = 43800
	if _, err := s.client.Refund(testCtx(t), "ref-short", p.ID, 43891, short); !errors.As(err, &apiErr) || apiErr.Parameter != "receipt.items" {
		t.Errorf("a refund receipt short of the amount: %v", err)
	}
	r1, err := s.client.Refund(testCtx(t), "ref-1", p.ID, 43891, refundReceipt(43891))
	if err != nil {
		t.Fatal(err)
	}
	var sent struct {
		Receipt struct {
			Customer struct{ Email string }
			Items    []struct{ Amount struct{ Value string } }
		}
	}
	if err := json.Unmarshal(s.prov.RefundRequest(r1.ID), &sent); err != nil || sent.Receipt.Customer.Email == "" ||
		len(sent.Receipt.Items) != 1 || sent.Receipt.Items[0].Amount.Value != "438.91" {
		t.Errorf("the refund receipt the provider got: %+v, %v", sent, err)
	}
	again, err := s.client.Refund(testCtx(t), "ref-1", p.ID, 43891, refundReceipt(43891))
	if err != nil || again.ID != r1.ID {
		t.Errorf("the refund retried with its key: %+v, %v; want %s", again, err, r1.ID)
	}
	if r1.Status != payments.Succeeded || r1.Amount != 43891 || r1.PaymentID != p.ID {
		t.Errorf("refund %+v", r1)
	}
	got, err := s.client.GetRefund(testCtx(t), r1.ID)
	if err != nil || got != r1 {
		t.Errorf("GetRefund %+v, %v; want %+v", got, err, r1)
	}
	if _, err := s.client.Refund(testCtx(t), "ref-2", p.ID, 100001, refundReceipt(100001)); err == nil {
		t.Error("refunded more than was left of the payment")
	}
	pay, err := s.client.Get(testCtx(t), p.ID)
	if err != nil || pay.RefundedAmount != 43891 || len(s.prov.Refunds()) != 1 {
		t.Errorf("payment after one refund: %+v, %v; %d refunds", pay, err, len(s.prov.Refunds()))
	}
}

func TestParseNotification(t *testing.T) {
	n, err := payments.ParseNotification([]byte(`{"type":"notification","event":"payment.succeeded",
		"object":{"id":"22e12f66-000f-5000-8000-18db351245c7","status":"succeeded","paid":true,
		"amount":{"value":"2.00","currency":"RUB"},"payment_method":{"type":"sbp"},"new_field":[1,2]},
		"extra":"ignored"}`))
	if err != nil || n.Event != "payment.succeeded" || n.ObjectID != "22e12f66-000f-5000-8000-18db351245c7" {
		t.Errorf("got %+v, %v", n, err)
	}
	for _, bad := range []string{
		``, `{}`, `[]`, `{"type":"notification","event":"payment.succeeded","object":{}}`,
		`{"type":"refund","event":"refund.succeeded","object":{"id":"x"}}`,
		`{"type":"notification","object":{"id":"x"}}`,
	} {
		if _, err := payments.ParseNotification([]byte(bad)); err == nil {
			t.Errorf("ParseNotification(%q) accepted", bad)
		}
	}
}

func TestMalformedAmountIsRefused(t *testing.T) {
	for _, value := range []string{"12.345", "-5.00", "1e3", "", " 1.00", "1,00", "0x10"} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write([]byte(`{"id":"p1","status":"pending","paid":false,"amount":{"value":"` + value +
				`","currency":"RUB"},"created_at":"2026-04-01T10:00:00.000Z"}`))
		}))
		c, err := payments.NewYooKassa(payments.YooKassaConfig{BaseURL: srv.URL, ShopID: "1", SecretKey: "k"})
		if err != nil {
			t.Fatal(err)
		}
		if p, err := c.Get(testCtx(t), "p1"); err == nil {
			t.Errorf("amount %q read as %d kopecks", value, p.Amount)
		}
		srv.Close()
	}
}

func TestParseAmount(t *testing.T) {
	for s, want := range map[string]domain.Kopecks{
		"0.01": 1, "1.00": 100, "1438.91": 143891, "1": 100, "0.5": 50, "600000.00": 60000000,
	} {
		if got, err := payments.ParseAmount(s); err != nil || got != want {
			t.Errorf("ParseAmount(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
}

func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"0.01", "1.00", "1438.91", "1", "12.345", "-1", "1e3", ".5", "5.", "99999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := payments.ParseAmount(s)
		if err != nil {
			return
		}
		if k < 0 {
			t.Fatalf("%q read as negative %d", s, k)
		}
		back, err := payments.ParseAmount(payments.FormatAmount(k))
		if err != nil || back != k {
			t.Fatalf("%q → %d → %q → %d, %v", s, k, payments.FormatAmount(k), back, err)
		}
	})
}

func TestDefaultAllowlist(t *testing.T) {
	in := func(a string) bool {
		addr := netip.MustParseAddr(a)
		for _, p := range payments.DefaultAllowlist() {
			if p.Contains(addr) {
				return true
			}
		}
		return false
	}
	for _, a := range []string{"185.71.76.5", "185.71.77.31", "77.75.153.127", "77.75.156.11", "77.75.156.35", "77.75.154.200", "2a02:5180::1"} {
		if !in(a) {
			t.Errorf("%s is ЮKassa's but not allowed", a)
		}
	}
	for _, a := range []string{"185.71.76.32", "77.75.156.12", "127.0.0.1", "77.75.154.127", "2a02:5181::1"} {
		if in(a) {
			t.Errorf("%s is allowed but not ЮKassa's", a)
		}
	}
}

// scripted is a stand-in for ЮKassa that gives the answers listed, one a
// request, repeating the last; it records the idempotence keys it saw.
type scripted struct {
	mu      sync.Mutex
	answers []func(w http.ResponseWriter)
	keys    []string
}

func (s *scripted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.keys = append(s.keys, r.Header.Get("Idempotence-Key"))
	a := s.answers[0]
	if len(s.answers) > 1 {
		s.answers = s.answers[1:]
	}
	s.mu.Unlock()
	a(w)
}

func status(code int) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) { w.WriteHeader(code) }
}

const pendingJSON = `{"id":"p1","status":"pending","paid":false,"amount":{"value":"1.00","currency":"RUB"},
	"confirmation":{"type":"redirect","confirmation_url":"https://yoomoney.ru/checkout/p1"},
	"created_at":"2026-04-01T10:00:00.000Z","test":true}`

func scriptedClient(t *testing.T, s *scripted) (*payments.YooKassa, *[]time.Duration) {
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	var pauses []time.Duration
	c, err := payments.NewYooKassa(payments.YooKassaConfig{
		BaseURL: srv.URL + "/v3/", ShopID: "1", SecretKey: "k", MaxWait: 10 * time.Second,
		Sleep:  func(_ context.Context, d time.Duration) error { pauses = append(pauses, d); return nil },
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, &pauses
}

func TestUnknownOutcomeIsNotForgottenByLaterAnswers(t *testing.T) {
	s := &scripted{answers: []func(http.ResponseWriter){status(500), status(429)}}
	c, _ := scriptedClient(t, s)
	_, err := c.Create(testCtx(t), "key-1", request(100))
	if !errors.Is(err, payments.ErrUnknownOutcome) {
		t.Errorf("500 then 429 for ever: %v, want ErrUnknownOutcome (the first attempt may have made the payment)", err)
	}
	for _, k := range s.keys {
		if k != "key-1" {
			t.Fatalf("retries sent keys %v, want key-1 every time", s.keys)
		}
	}
}

func TestProcessingAnswerIsAskedAgainAfterRetryAfter(t *testing.T) {
	s := &scripted{answers: []func(http.ResponseWriter){
		func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusAccepted)
			_, _ = w.Write([]byte(`{"type":"processing","description":"Request accepted","retry_after":1500}`))
		},
		func(w http.ResponseWriter) { _, _ = w.Write([]byte(pendingJSON)) },
	}}
	c, pauses := scriptedClient(t, s)
	p, err := c.Create(testCtx(t), "key-1", request(100))
	if err != nil || p.ID != "p1" || p.ConfirmationURL != "https://yoomoney.ru/checkout/p1" {
		t.Fatalf("got %+v, %v", p, err)
	}
	if len(*pauses) != 1 || (*pauses)[0] != 1500*time.Millisecond {
		t.Errorf("pauses %v, want the 1.5 s ЮKassa asked for", *pauses)
	}
}

func TestUnreadableCreateAnswerMeansUnknownOutcome(t *testing.T) {
	s := &scripted{answers: []func(http.ResponseWriter){func(w http.ResponseWriter) {
		_, _ = w.Write([]byte(`{"id":"p1","status":"pending","amount":{"value":"1.001","currency":"RUB"},"created_at":"2026-04-01T10:00:00Z"}`))
	}}}
	c, _ := scriptedClient(t, s)
	if _, err := c.Create(testCtx(t), "key-1", request(100)); !errors.Is(err, payments.ErrUnknownOutcome) {
		t.Errorf("a made payment whose answer cannot be read: %v, want ErrUnknownOutcome", err)
	}
}

func TestRequestBeyondYooKassaLimitsIsNotSent(t *testing.T) {
	s := &scripted{answers: []func(http.ResponseWriter){status(500)}}
	c, _ := scriptedClient(t, s)
	long := request(100)
	long.Description = strings.Repeat("я", 129)
	purpose := request(100)
	purpose.PaymentOrder.PaymentPurpose = strings.Repeat("я", 211)
	noCustomer := request(100)
	noCustomer.Receipt.CustomerEmail = ""
	for name, req := range map[string]payments.CreateRequest{
		"description of 129": long, "purpose of 211": purpose, "receipt without customer": noCustomer,
		"zero amount": request(0),
	} {
		if _, err := c.Create(testCtx(t), "key-1", req); err == nil || errors.Is(err, payments.ErrUnknownOutcome) {
			t.Errorf("%s: %v, want a plain refusal", name, err)
		}
	}
	if len(s.keys) != 0 {
		t.Errorf("%d requests reached the provider", len(s.keys))
	}
}

// refundReceipt is the refund receipt of amount for request's payment.
func refundReceipt(amount domain.Kopecks) *payments.Receipt {
	rc := request(amount).Receipt
	return &rc
}
