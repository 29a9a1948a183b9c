package cabinet_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kabinet/internal/cabinet"
	"kabinet/internal/domain"
	"kabinet/internal/portalclient"
	"kabinet/internal/portaltest"
	"kabinet/internal/tokens"
)

// payPortal is the demo portal with the payment endpoints of the contract
// answered by the test: the status of the one payment is what the test
// sets. Document downloads are counted, to see the sync after a payment.
type payPortal struct {
	*portaltest.Server
	URL       string
	mu        sync.Mutex
	status    string
	keys      []string
	documents atomic.Int64
	gone      atomic.Bool // the portal answers 404 about the payment
}

func startPayPortal(t *testing.T) *payPortal {
	p := &payPortal{Server: portaltest.Start(t), status: portalclient.PaymentPending}
	target, _ := url.Parse(p.Server.URL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p.Down.Load() {
			if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
				conn.Close()
			}
			return
		}
		switch {
		case r.URL.Path == "/api/v1/payment-options":
			w.Write([]byte(`{"enabled":true,"commission_percent":"0","min_kop":100,"max_kop":60000000}`))
		case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/payments"):
			p.mu.Lock()
			p.keys = append(p.keys, r.Header.Get("Idempotency-Key"))
			p.mu.Unlock()
			w.WriteHeader(http.StatusCreated)
			p.payment(w)
		case strings.HasPrefix(r.URL.Path, "/api/v1/payments/"):
			if p.gone.Load() {
				w.Header().Set("Content-Type", "application/problem+json")
				w.WriteHeader(http.StatusNotFound)
				w.Write([]byte(`{"status":404,"code":"not_found","detail":"Такого платежа нет среди ваших."}`))
				return
			}
			p.payment(w)
		default:
			if r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/api/v1/accounts/") {
				p.documents.Add(1)
			}
			proxy.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(hs.Close)
	p.URL = hs.URL
	return p
}

func (p *payPortal) payment(w http.ResponseWriter) {
	p.mu.Lock()
	st := p.status
	p.mu.Unlock()
	json.NewEncoder(w).Encode(map[string]any{"id": "pay_1", "account": "1100012345", "amount_kop": 143891, "commission_kop": 0,
		"status": st, "confirmation_url": "https://pay.example/checkout/pay_1", "created_at": time.Now().Format(time.RFC3339),
		"expires_at": time.Now().Add(time.Hour).Format(time.RFC3339), "credited": st == portalclient.PaymentSucceeded})
}

func (p *payPortal) set(status string) {
	p.mu.Lock()
	p.status = status
	p.mu.Unlock()
}

// openPaying logs the demo customer in on p with the events in a channel.
func openPaying(t *testing.T, portal string) (*cabinet.Service, chan cabinet.Event) {
	t.Helper()
	events := make(chan cabinet.Event, 1000)
	svc := openLoggedIn(t, cabinet.Config{Portal: portal, StorePath: filepath.Join(t.TempDir(), "store.db"), Keeper: tokens.NewMemory(),
		OnEvent: func(e cabinet.Event) { events <- e }, PaymentPoll: 20 * time.Millisecond,
		ClientOptions: portalclient.Options{Retries: -1, Timeout: 5 * time.Second}})
	return svc, events
}

// nextPayment waits for the next PaymentChanged event.
func nextPayment(t *testing.T, events chan cabinet.Event) cabinet.PaymentView {
	t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case e := <-events:
			if e.Kind == cabinet.PaymentChanged {
				return *e.Payment
			}
		case <-timeout:
			t.Fatal("no PaymentChanged event")
		}
	}
}

// TestPaymentIsFollowedUntilPaid: the window learns of the payment's
// changes from events, and a paid payment has been synced by the time the
// event says so.
func TestPaymentIsFollowedUntilPaid(t *testing.T) {
	p := startPayPortal(t)
	svc, events := openPaying(t, p.URL)
	list, _ := svc.Accounts()
	account := list[0].Number
	o, err := svc.PaymentOptions(t.Context())
	if err != nil || !o.Enabled || !o.NoCommission() || o.Min != 100 {
		t.Fatalf("options %+v, %v", o, err)
	}
	v, err := svc.StartPayment(t.Context(), account, 143891)
	if err != nil {
		t.Fatal(err)
	}
	if v.ID != "pay_1" || v.Status != cabinet.PaymentWaiting || v.PageURL == "" || v.Amount != 143891 {
		t.Fatalf("payment %+v", v)
	}
	if first := nextPayment(t, events); first.Status != cabinet.PaymentWaiting {
		t.Fatalf("first event %+v", first)
	}
	before := p.documents.Load()
	p.set(portalclient.PaymentSucceeded)
	paid := nextPayment(t, events)
	if paid.Status != cabinet.PaymentPaid || !paid.Credited {
		t.Fatalf("after the provider's success: %+v", paid)
	}
	if p.documents.Load() == before {
		t.Error("the account's data were not synced before «Оплата получена»")
	}
	// A second press is a second payment with its own key.
	if _, err := svc.StartPayment(t.Context(), account, 0); err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	keys := append([]string(nil), p.keys...)
	p.mu.Unlock()
	if len(keys) != 2 || keys[0] == keys[1] || keys[0] == "" {
		t.Errorf("keys of two presses: %q", keys)
	}
}

// TestPaymentCanceledIsFinal: an expired or canceled payment is final.
func TestPaymentCanceledIsFinal(t *testing.T) {
	p := startPayPortal(t)
	svc, events := openPaying(t, p.URL)
	list, _ := svc.Accounts()
	p.set(portalclient.PaymentExpired)
	if v, err := svc.StartPayment(t.Context(), list[0].Number, 0); err != nil || v.Status != cabinet.PaymentExpired || !v.Status.Final() {
		t.Fatalf("an expired answer: %+v, %v", v, err)
	}
	p.set(portalclient.PaymentPending)
	if _, err := svc.StartPayment(t.Context(), list[0].Number, 0); err != nil {
		t.Fatal(err)
	}
	nextPayment(t, events)
	p.set(portalclient.PaymentCanceled)
	if v := nextPayment(t, events); v.Status != cabinet.PaymentCanceled || !v.Status.Final() {
		t.Errorf("after the payer declined: %+v", v)
	}
}

// TestPaymentLostTrackIsTold: when the portal refuses to say more about
// the payment (not a lost connection, which is waited out), following ends
// with an event that carries the error, so the window stops saying
// «Ждём оплату…».
func TestPaymentLostTrackIsTold(t *testing.T) {
	p := startPayPortal(t)
	svc, events := openPaying(t, p.URL)
	list, _ := svc.Accounts()
	if _, err := svc.StartPayment(t.Context(), list[0].Number, 0); err != nil {
		t.Fatal(err)
	}
	nextPayment(t, events)
	p.gone.Store(true)
	timeout := time.After(20 * time.Second)
	for {
		select {
		case e := <-events:
			if e.Kind != cabinet.PaymentChanged {
				continue
			}
			if e.Err == nil || e.Payment == nil || e.Payment.ID != "pay_1" || e.Payment.Status.Final() {
				t.Fatalf("the last event: %+v", e)
			}
			if domain.ErrorCode(e.Err) != domain.CodeNotFound {
				t.Errorf("the error %v, want the portal's not_found", e.Err)
			}
			return
		case <-timeout:
			t.Fatal("following ended without a word")
		}
	}
}

// TestPaymentOfflineIsNotQueued: without the portal, paying says it needs
// the internet, and nothing waits in the outbox.
func TestPaymentOfflineIsNotQueued(t *testing.T) {
	p := startPayPortal(t)
	svc, _ := openPaying(t, p.URL)
	list, _ := svc.Accounts()
	p.Down.Store(true)
	if _, err := svc.StartPayment(t.Context(), list[0].Number, 10000); domain.ErrorCode(err) != domain.CodePaymentNeedsNetwork {
		t.Fatalf("offline payment: %v", err)
	}
	if _, err := svc.PaymentOptions(t.Context()); domain.ErrorCode(err) != domain.CodePaymentNeedsNetwork {
		t.Errorf("offline options: %v", err)
	}
	if items, _ := svc.Outbox(); len(items) != 0 {
		t.Errorf("queued: %+v", items)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.keys) != 0 {
		t.Errorf("a payment reached the portal offline")
	}
}
