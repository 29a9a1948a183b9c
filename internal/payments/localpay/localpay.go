// Package localpay is a local payment provider for -demo and tests. It
// speaks the subset of ЮKassa API v3 that Kabinet uses, over real HTTP, so
// the ЮKassa client (payments.NewYooKassa) talks to it unchanged with
// BaseURL = its URL + "/v3/":
//
//	POST /v3/payments        create (Basic auth, Idempotence-Key)
//	GET  /v3/payments/{id}   read
//	POST /v3/refunds         refund a succeeded payment
//	GET  /v3/refunds/{id}    read a refund
//	GET  /checkout/{id}      the payer's page (the confirmation_url) with
//	                         «Оплатить», «Отказаться», «Истечь»
//
// Payments live in memory. Every status change is notified to
// Config.NotifyURL the way ЮKassa does it: a POST of
// {"type":"notification","event":…,"object":{…}}, retried while the
// answer is not 200. Fault switches (faults.go) make it misbehave the ways
// a real provider can: 500 after the payment was made, 429, slow answers,
// lost, duplicated, late and forged notifications.
package localpay

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"kabinet/internal/domain"
	"kabinet/internal/payments"
)

// Config configures a Provider. ShopID and SecretKey are the credentials
// the client must present.
type Config struct {
	ShopID, SecretKey string
	// ShopName is shown on the checkout page.
	ShopName string
	// NotifyURL receives the notifications; none are sent when empty.
	NotifyURL string
	// PublicURL is the base of confirmation URLs ("http://host:port");
	// when empty it is taken from the request's Host.
	PublicURL string
	Now       func() time.Time
	// Lifetime is how long a pending payment waits for the payer before it
	// is canceled as expired_on_confirmation (default 1 h, as ЮKassa's СБП).
	Lifetime time.Duration
	// NotifyAttempts and NotifyRetryDelay: a notification not answered 200
	// is sent again up to NotifyAttempts times in all (default 5), after
	// NotifyRetryDelay, doubling (default 1 s).
	NotifyAttempts   int
	NotifyRetryDelay time.Duration
	HTTPClient       *http.Client // for notifications
	Logger           *slog.Logger
}

// Payment is a payment as the local provider keeps it: the provider's
// view plus what the shop sent with the create request.
type Payment struct {
	payments.Payment
	Description string
	ReturnURL   string
	// Request is the create request's body as received (receipt,
	// payment_order and all), for tests to inspect.
	Request json.RawMessage
}

// Provider is the local payment provider: an http.Handler.
type Provider struct {
	cfg Config
	mux *http.ServeMux

	mu       sync.Mutex
	payments map[string]*Payment
	order    []string // payment ids in creation order
	refunds  map[string]*payments.Refund
	// refundBodies are the refund requests as received, by refund id.
	refundBodies map[string]json.RawMessage
	refundOrder  []string
	keys         map[string]keyed // idempotence key → first answer
	faults       faults

	closed bool               // under mu: no new deliveries after Close
	ctx    context.Context    // canceled by Close: stops notification retries
	cancel context.CancelFunc //
	wg     sync.WaitGroup     // deliveries under way
}

// keyed is the remembered answer to a POST with an idempotence key.
type keyed struct {
	fingerprint string // method, path and body
	status      int
	body        []byte
}

// New returns a Provider.
func New(cfg Config) *Provider {
	if cfg.ShopName == "" {
		cfg.ShopName = "Энергосбыт (тестовая оплата)"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Lifetime <= 0 {
		cfg.Lifetime = time.Hour
	}
	if cfg.NotifyAttempts <= 0 {
		cfg.NotifyAttempts = 5
	}
	if cfg.NotifyRetryDelay <= 0 {
		cfg.NotifyRetryDelay = time.Second
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	p := &Provider{
		cfg:          cfg,
		payments:     map[string]*Payment{},
		refunds:      map[string]*payments.Refund{},
		refundBodies: map[string]json.RawMessage{},
		keys:         map[string]keyed{},
	}
	p.ctx, p.cancel = context.WithCancel(context.Background())
	p.mux = http.NewServeMux()
	p.mux.HandleFunc("POST /v3/payments", p.api(p.createPayment))
	p.mux.HandleFunc("GET /v3/payments/{id}", p.api(p.getPayment))
	p.mux.HandleFunc("POST /v3/refunds", p.api(p.createRefund))
	p.mux.HandleFunc("GET /v3/refunds/{id}", p.api(p.getRefund))
	p.mux.HandleFunc("GET /checkout/{id}", p.checkoutPage)
	p.mux.HandleFunc("POST /checkout/{id}", p.checkoutAction)
	return p
}

// ServeHTTP serves the API and the checkout page.
func (p *Provider) ServeHTTP(w http.ResponseWriter, r *http.Request) { p.mux.ServeHTTP(w, r) }

// Close stops notification retries and waits for the deliveries under way.
func (p *Provider) Close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.cancel()
	p.wg.Wait()
}

// Start serves p on addr ("127.0.0.1:0" for any free port) and returns
// its base URL and a function that stops the server and p.
func (p *Provider) Start(addr string) (string, func(), error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("localpay: %w", err)
	}
	srv := &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			p.cfg.Logger.Error("localpay: serve", "err", err)
		}
	}()
	stop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		<-done
		p.Close()
	}
	return "http://" + ln.Addr().String(), stop, nil
}

// Payments returns a copy of every payment, oldest first.
func (p *Provider) Payments() []Payment {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]Payment, 0, len(p.order))
	for _, id := range p.order {
		out = append(out, p.copyOf(p.payments[id]))
	}
	return out
}

// Payment returns a copy of one payment.
func (p *Provider) Payment(id string) (Payment, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	pay, ok := p.payments[id]
	if !ok {
		return Payment{}, false
	}
	return p.copyOf(pay), true
}

func (p *Provider) copyOf(pay *Payment) Payment {
	c := *pay
	if pay.Metadata != nil {
		c.Metadata = make(map[string]string, len(pay.Metadata))
		for k, v := range pay.Metadata {
			c.Metadata[k] = v
		}
	}
	return c
}

// ErrNotPending is returned by Pay, Cancel and Expire for a payment that is
// no longer waiting for the payer.
var ErrNotPending = errors.New("localpay: payment is not pending")

// ErrNoPayment is returned for an unknown payment id.
var ErrNoPayment = errors.New("localpay: no such payment")

// Pay makes a pending payment succeeded, as the payer's «Оплатить» does.
func (p *Provider) Pay(id string) error {
	return p.finish(id, payments.Succeeded, "", "")
}

// Cancel cancels a pending payment as the payer's «Отказаться» does.
func (p *Provider) Cancel(id string) error {
	return p.finish(id, payments.Canceled, "yoo_money", "permission_revoked")
}

// Expire cancels a pending payment as one the payer never confirmed.
func (p *Provider) Expire(id string) error {
	return p.finish(id, payments.Canceled, "yoo_money", "expired_on_confirmation")
}

func (p *Provider) finish(id string, st payments.Status, party, reason string) error {
	p.mu.Lock()
	pay, ok := p.payments[id]
	if !ok {
		p.mu.Unlock()
		return ErrNoPayment
	}
	if expired := p.expireIfOld(pay); expired != nil {
		p.mu.Unlock()
		p.send(expired...)
		return ErrNotPending
	}
	if pay.Status.Final() {
		p.mu.Unlock()
		return ErrNotPending
	}
	n := p.setStatus(pay, st, party, reason)
	p.mu.Unlock()
	p.send(n)
	return nil
}

// setStatus changes a payment's status; p.mu is held. It returns the
// notification to send once the lock is released.
func (p *Provider) setStatus(pay *Payment, st payments.Status, party, reason string) outgoing {
	before := p.paymentJSON(pay)
	pay.Status = st
	pay.Paid = st == payments.Succeeded
	pay.CancellationParty, pay.CancellationReason = party, reason
	event := "payment.succeeded"
	if st == payments.Canceled {
		event = "payment.canceled"
	}
	return p.outgoing(event, p.paymentJSON(pay), before)
}

// expireIfOld cancels a pending payment past its expires_at; p.mu is held.
// The caller sends the notification, if any, after releasing the lock.
func (p *Provider) expireIfOld(pay *Payment) []outgoing {
	if pay.Status == payments.Pending && !p.cfg.Now().Before(pay.ExpiresAt) {
		return []outgoing{p.setStatus(pay, payments.Canceled, "yoo_money", "expired_on_confirmation")}
	}
	return nil
}

// newID returns an id shaped like ЮKassa's (a UUID).
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// wireTime writes t as ЮKassa does: UTC with milliseconds.
func wireTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z07:00") }

func amountJSON(k domain.Kopecks) map[string]string {
	return map[string]string{"value": payments.FormatAmount(k), "currency": "RUB"}
}
