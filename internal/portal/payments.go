package portal

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"

	"kabinet/internal/domain"
	"kabinet/internal/payments"
	"kabinet/internal/portaldb"
)

// PaymentConfig configures paying online.
type PaymentConfig struct {
	// Provider makes and reports payments; nil switches paying online off
	// (payments_disabled).
	Provider payments.Provider
	// ReturnURL is where the provider's page sends the payer back: the
	// portal's /pay/return.
	ReturnURL string
	// Allowlist holds the addresses the provider's notifications come
	// from, checked against the client address (see clientAddress and
	// TrustedProxies); empty means payments.DefaultAllowlist().
	Allowlist []netip.Prefix
	// VATCode and TaxSystemCode go into every 54-FZ receipt, as the
	// supplier's accountant chose them (ЮKassa's codes; VATCode 1 is
	// «без НДС»; TaxSystemCode 0 leaves it out).
	VATCode       int
	TaxSystemCode int
	// CommissionPercent is charged on top of the amount, a decimal such
	// as "0" or "1.5"; empty means none.
	CommissionPercent string
	// MaxAmount is the largest amount of one payment; 0 means 600 000 ₽.
	MaxAmount domain.Kopecks
	// ProviderTimeout bounds one call to the provider; 0 means 10 s, so
	// the answer reaches the app within its 15-second timeout.
	ProviderTimeout time.Duration
	// Lifetime is how long the payer has to pay when the provider names
	// no expiry; 0 means an hour (an СБП payment's life).
	Lifetime time.Duration
	// ReconcileAfter is how long an open payment may go without news
	// before the reconciler asks the provider; 0 means a minute.
	ReconcileAfter time.Duration
	// RecheckAfter is how old the provider's last word on an open payment
	// may be before GET /payments/{id} asks again; 0 means 5 s.
	RecheckAfter time.Duration
}

// MinPayment is the smallest amount paid online.
const MinPayment domain.Kopecks = 100

// PaymentMetrics receives what paying online does; *metrics.Metrics
// implements it. Label values are constants of this package.
type PaymentMetrics interface {
	// ObservePayment counts an event of a payment: created, succeeded (the
	// provider confirmed a payment's success; duplicates count), credited,
	// canceled, expired, refunded, mismatch or provider_unavailable.
	ObservePayment(event string)
	// ObservePaymentNotification counts a hook call by result: processed,
	// forbidden, bad_request, unknown or failed.
	ObservePaymentNotification(result string)
	// ObservePaymentReconcile counts a reconciler run: ok or failed.
	ObservePaymentReconcile(result string)
}

// Events and results counted by PaymentMetrics.
const (
	PayEventCreated     = "created"
	PayEventSucceeded   = "succeeded"
	PayEventCredited    = "credited"
	PayEventCanceled    = "canceled"
	PayEventExpired     = "expired"
	PayEventRefunded    = "refunded"
	PayEventMismatch    = "mismatch"
	PayEventUnavailable = "provider_unavailable"

	HookProcessed  = "processed"
	HookForbidden  = "forbidden"
	HookBadRequest = "bad_request"
	HookUnknown    = "unknown"
	HookFailed     = "failed"
)

type noPaymentMetrics struct{}

func (noPaymentMetrics) ObservePayment(string)             {}
func (noPaymentMetrics) ObservePaymentNotification(string) {}
func (noPaymentMetrics) ObservePaymentReconcile(string)    {}

// payService is paying online as configured.
type payService struct {
	PaymentConfig
	provider payments.Provider
	metrics  PaymentMetrics
	// commissionBP is CommissionPercent in hundredths of a percent.
	commissionBP int64
	// stallBeforeCredit makes a confirmed success wait for ever before
	// it is credited: the crash test kills the portal there
	// (KABINET_TEST_PAY_STALL=1, never set in production).
	stallBeforeCredit bool
}

func newPayService(cfg PaymentConfig, m PaymentMetrics) (*payService, error) {
	if cfg.Provider == nil {
		return nil, nil
	}
	p := &payService{PaymentConfig: cfg, provider: cfg.Provider, metrics: m}
	if p.metrics == nil {
		p.metrics = noPaymentMetrics{}
	}
	if p.MaxAmount == 0 {
		p.MaxAmount = 60_000_000
	}
	if p.ProviderTimeout == 0 {
		p.ProviderTimeout = 10 * time.Second
	}
	if p.Lifetime == 0 {
		p.Lifetime = time.Hour
	}
	if p.ReconcileAfter == 0 {
		p.ReconcileAfter = time.Minute
	}
	if p.RecheckAfter == 0 {
		p.RecheckAfter = 5 * time.Second
	}
	if len(p.Allowlist) == 0 {
		p.Allowlist = payments.DefaultAllowlist()
	}
	if p.VATCode == 0 {
		return nil, errors.New("payments: the receipt's VAT code is required (1 is «без НДС»)")
	}
	var err error
	if p.commissionBP, err = ParseCommission(cfg.CommissionPercent); err != nil {
		return nil, err
	}
	p.stallBeforeCredit = os.Getenv("KABINET_TEST_PAY_STALL") == "1"
	return p, nil
}

// ParseCommission reads a commission in percent ("0", "1.5", "2,25") as
// hundredths of a percent.
func ParseCommission(s string) (int64, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", ".")
	if s == "" {
		return 0, nil
	}
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 2 {
		return 0, fmt.Errorf("commission %q: at most two digits after the point", s)
	}
	frac += strings.Repeat("0", 2-len(frac))
	w, err1 := strconv.ParseInt(whole, 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	bp := w*100 + f
	if err1 != nil || err2 != nil || w < 0 || f < 0 || bp > 10000 {
		return 0, fmt.Errorf("commission %q: write a percent from 0 to 100, e.g. 1.5", s)
	}
	return bp, nil
}

// commissionText writes hundredths of a percent as a decimal ("0", "1.5").
func commissionText(bp int64) string {
	s := strconv.FormatInt(bp/100, 10)
	if f := bp % 100; f != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%02d", f), "0")
	}
	return s
}

// commission is the commission on amount, rounded to the kopeck.
func (p *payService) commission(amount domain.Kopecks) domain.Kopecks {
	return domain.Kopecks((int64(amount)*p.commissionBP + 5000) / 10000)
}

// PaymentResponse is a payment as the API shows it. Status "succeeded" is
// shown only once the payment is credited.
type PaymentResponse struct {
	ID                string         `json:"id"`
	Account           string         `json:"account"`
	Amount            domain.Kopecks `json:"amount_kop"`
	Commission        domain.Kopecks `json:"commission_kop"`
	Status            string         `json:"status"`
	ConfirmationURL   string         `json:"confirmation_url,omitempty"`
	CreatedAt         time.Time      `json:"created_at"`
	ExpiresAt         time.Time      `json:"expires_at"`
	Credited          bool           `json:"credited"`
	CreditedPaymentID string         `json:"credited_payment_id,omitempty"`
	CancelReason      string         `json:"cancel_reason,omitempty"`
}

func paymentResponse(p portaldb.OnlinePayment) PaymentResponse {
	r := PaymentResponse{ID: p.ID, Account: p.Account, Amount: p.Amount, Commission: p.Commission, Status: p.Status,
		ConfirmationURL: p.ConfirmationURL, CreatedAt: p.CreatedAt.UTC().Truncate(time.Second), ExpiresAt: p.ExpiresAt.UTC().Truncate(time.Second),
		Credited: p.CreditedPaymentID != "", CreditedPaymentID: p.CreditedPaymentID}
	if p.Status == portaldb.PayCanceled || p.Status == portaldb.PayExpired {
		r.CancelReason = p.CancelReason
		if r.CancelReason == "" {
			r.CancelReason = p.Status
		}
	}
	return r
}

var errPaymentsOff = problem(http.StatusNotImplemented, string(domain.CodePaymentsOff),
	"Оплата онлайн у поставщика пока не подключена. Оплатите счёт по QR-коду в приложении банка или в отделении.")

var errNoPayment = problem(http.StatusNotFound, codeNotFound, "Такого платежа нет среди ваших. Обновите данные.")

func providerUnavailable(retry time.Duration) *Problem {
	p := problem(http.StatusServiceUnavailable, string(domain.CodePaymentProvider),
		"Платёжная система не ответила. Деньги не списаны дважды: повторите попытку через минуту.")
	p.retryAfter = retry
	p.Params = map[string]string{"retry_after": strconv.Itoa(int(retry / time.Second))}
	return p
}

func paymentKeyReused() *Problem {
	return problem(http.StatusUnprocessableEntity, codeKeyReused,
		"Этот запрос на оплату уже был отправлен с другими данными. Начните оплату заново.")
}

// paymentRequest is the body of POST /accounts/{account}/payments.
type paymentRequest struct {
	Amount *int64 `json:"amount_kop,omitempty"`
}

// createPayment starts a payment once per Idempotency-Key: our row is
// stored first, and its id is the provider's Idempotence-Key, so a retry of
// the app (after a 503, a lost answer) asks the provider again with the
// same key and never makes a second payment.
func (s *Server) createPayment(w http.ResponseWriter, r *http.Request) {
	if s.pay == nil {
		s.writeError(w, r, errPaymentsOff)
		return
	}
	key, err := idempotencyKey(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req paymentRequest
	if r.ContentLength != 0 {
		if err := decode(r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	sess := sessionOf(r)
	hash := requestHash(r, req)
	var p portaldb.OnlinePayment
	fresh := false
	err = s.db.Write(r.Context(), func(tx *portaldb.Tx) error {
		fresh = false
		t, err := tx.PaymentTarget(r.Context(), sess.CustomerID, key, r.PathValue("account"))
		if errors.Is(err, portaldb.ErrNotFound) {
			return errNoAccount
		}
		if err != nil {
			return err
		}
		if t.Existing != nil {
			if !bytes.Equal(t.Existing.RequestHash, hash) {
				return paymentKeyReused()
			}
			p = *t.Existing
			return nil
		}
		if p, err = s.newOnlinePayment(t, req.Amount); err != nil {
			return err
		}
		p.CustomerID, p.IdempotencyKey, p.RequestHash = sess.CustomerID, key, hash
		fresh = true
		return tx.InsertOnlinePayment(r.Context(), p)
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	status := http.StatusOK
	if fresh {
		status = http.StatusCreated
	}
	if p.Status == portaldb.PayCreating {
		if p, err = s.askProvider(r.Context(), p); err != nil {
			s.writeError(w, r, err)
			return
		}
		status = http.StatusCreated
	}
	writeJSON(w, status, paymentResponse(p))
}

// newOnlinePayment makes the row of a new payment on the account t names,
// with the create request (receipt and payment order) every later call
// repeats word for word.
func (s *Server) newOnlinePayment(t portaldb.PaymentTarget, asked *int64) (portaldb.OnlinePayment, error) {
	amount := t.Balance.Due
	if asked != nil {
		amount = domain.Kopecks(*asked)
	} else if amount <= 0 {
		return portaldb.OnlinePayment{}, &domain.Error{Code: domain.CodeNothingDue,
			Message: "Сейчас по этому счёту платить нечего. Если хотите внести аванс, укажите сумму."}
	}
	if amount < MinPayment || amount > s.pay.MaxAmount {
		return portaldb.OnlinePayment{}, &domain.Error{Code: domain.CodePaymentAmount, Field: "amount_kop",
			Message: fmt.Sprintf("Сумма должна быть от %s до %s.", MinPayment, s.pay.MaxAmount),
			Params:  map[string]string{"min_kop": strconv.FormatInt(int64(MinPayment), 10), "max_kop": strconv.FormatInt(int64(s.pay.MaxAmount), 10)}}
	}
	now := s.now()
	p := portaldb.OnlinePayment{ID: newPaymentID(), AccountID: t.Ref.ID, Account: t.Ref.Number, Amount: amount,
		Commission: s.pay.commission(amount), Status: portaldb.PayCreating, CreatedAt: now, ExpiresAt: now.Add(s.pay.Lifetime), UpdatedAt: now}
	req := s.pay.createRequest(p, t)
	p.ReceiptContact = req.Receipt.CustomerEmail + req.Receipt.CustomerPhone
	var err error
	p.ProviderRequest, err = json.Marshal(req)
	return p, err
}

// createRequest is what the provider is asked to make: a payment of the
// amount and commission with our id in its metadata, the 54-FZ receipt to
// the customer's e-mail (else phone), and the payment order ЮKassa requires
// of utility shops.
func (p *payService) createRequest(op portaldb.OnlinePayment, t portaldb.PaymentTarget) payments.CreateRequest {
	total := op.Total()
	purpose := "Оплата электроэнергии по лицевому счёту " + op.Account
	if t.LatestPeriod.Year != 0 {
		purpose += " за " + t.LatestPeriod.Russian()
	}
	r := payments.Receipt{TaxSystemCode: p.TaxSystemCode, Items: []payments.ReceiptItem{{
		Description: "Электроэнергия", Quantity: "1", Amount: total, VATCode: p.VATCode,
		PaymentSubject: "service", PaymentMode: "full_payment"}}}
	if t.Email != "" {
		r.CustomerEmail = t.Email
	} else {
		r.CustomerPhone = digits(t.Phone)
	}
	pe := t.Payee
	return payments.CreateRequest{
		Amount:      total,
		Description: "Оплата по лицевому счёту " + op.Account,
		ReturnURL:   p.ReturnURL,
		Metadata:    map[string]string{payments.MetadataPaymentID: op.ID},
		Receipt:     r,
		PaymentOrder: payments.PaymentOrder{Type: "utilities", Amount: total, PaymentPurpose: purpose,
			Recipient: payments.Recipient{Name: pe.Name, INN: pe.INN, KPP: pe.KPP, BankName: pe.BankName, BIC: pe.BIC,
				Account: pe.Account, CorrespondentAcct: pe.CorrAccount},
			AccountNumber: op.Account, PeriodMonth: int(t.LatestPeriod.Month), PeriodYear: t.LatestPeriod.Year},
	}
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func newPaymentID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return "pay_" + hex.EncodeToString(b)
}

// askProvider asks the provider to make p (again: the same key and request
// give the same payment) and records its answer. An outcome not known yet
// leaves p creating and answers 503 with Retry-After; the app's retry and
// the reconciler ask again.
func (s *Server) askProvider(ctx context.Context, p portaldb.OnlinePayment) (portaldb.OnlinePayment, error) {
	var req payments.CreateRequest
	if err := json.Unmarshal(p.ProviderRequest, &req); err != nil {
		return p, fmt.Errorf("payment %s request: %w", p.ID, err)
	}
	// The answer is recorded even when the app hangs up meanwhile.
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.pay.ProviderTimeout)
	got, err := s.pay.provider.Create(cctx, p.ID, req)
	cancel()
	var refused *payments.APIError
	switch {
	case err == nil:
		return s.settle(ctx, p.ID, got)
	case errors.As(err, &refused) && refused.HTTPStatus != http.StatusTooManyRequests && refused.HTTPStatus < 500:
		// The provider will never make this payment: say so, and
		// let the supplier's staff see why in the log.
		s.log.Error("payment refused by the provider", "payment", p.ID, "code", refused.Code, "parameter", refused.Parameter)
		return s.closeUnmade(ctx, p.ID, "provider_refused")
	default:
		s.log.Warn("payment provider did not answer", "payment", p.ID, "err", err)
		s.pay.metrics.ObservePayment(PayEventUnavailable)
		retry := 5 * time.Second
		if errors.Is(err, payments.ErrTooManyRequests) {
			retry = 30 * time.Second
		}
		return p, providerUnavailable(retry)
	}
}

// closeUnmade marks a payment the provider never made as canceled.
func (s *Server) closeUnmade(ctx context.Context, id, reason string) (portaldb.OnlinePayment, error) {
	var p portaldb.OnlinePayment
	err := s.db.Write(ctx, func(tx *portaldb.Tx) error {
		var err error
		if p, err = tx.LockOnlinePayment(ctx, id); err != nil || p.Status != portaldb.PayCreating {
			return err
		}
		p.Status, p.CancelReason, p.CheckedAt = portaldb.PayCanceled, reason, s.now()
		if reason == "expired" {
			p.Status = portaldb.PayExpired
		}
		return tx.SaveOnlinePayment(ctx, &p)
	})
	return p, err
}

// payment answers GET /payments/{id} for the payment's owner. A payment
// still open whose state the provider last told us a while ago is asked
// about again, in case its notification was lost.
func (s *Server) payment(w http.ResponseWriter, r *http.Request) {
	p, err := s.db.OnlinePayment(r.Context(), r.PathValue("id"))
	if errors.Is(err, portaldb.ErrNotFound) || err == nil && p.CustomerID != sessionOf(r).CustomerID {
		s.writeError(w, r, errNoPayment)
		return
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if s.pay != nil && p.Open() && s.now().Sub(later(p.CheckedAt, p.CreatedAt)) >= s.pay.RecheckAfter {
		if q, err := s.refresh(r.Context(), p); err == nil {
			p = q
		}
	}
	writeJSON(w, http.StatusOK, paymentResponse(p))
}

// later of two times.
func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// refresh asks the provider about an open payment and records what it
// says: a payment still being created is created again with its key.
func (s *Server) refresh(ctx context.Context, p portaldb.OnlinePayment) (portaldb.OnlinePayment, error) {
	if p.Status == portaldb.PayCreating {
		return s.askProvider(ctx, p)
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.pay.ProviderTimeout)
	got, err := s.pay.provider.Get(cctx, p.ProviderID)
	cancel()
	if err != nil {
		s.log.Warn("payment provider did not answer", "payment", p.ID, "err", err)
		return p, err
	}
	return s.settle(ctx, p.ID, got)
}

// PaymentOptions is the answer of GET /payment-options.
type PaymentOptions struct {
	Enabled           bool           `json:"enabled"`
	CommissionPercent string         `json:"commission_percent"`
	MinKop            domain.Kopecks `json:"min_kop"`
	MaxKop            domain.Kopecks `json:"max_kop"`
}

func (s *Server) paymentOptions(w http.ResponseWriter, r *http.Request) {
	o := PaymentOptions{CommissionPercent: "0", MinKop: MinPayment}
	if s.pay != nil {
		o.Enabled, o.CommissionPercent, o.MaxKop = true, commissionText(s.pay.commissionBP), s.pay.MaxAmount
	}
	writeJSON(w, http.StatusOK, o)
}

// returnPage is where the provider's page sends the payer: the payment is
// followed by the app, not by this page.
const returnPage = `<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Оплата обрабатывается</title>
<style>body{font-family:sans-serif;font-size:22px;line-height:1.5;max-width:36em;margin:3em auto;padding:0 1em;color:#111;background:#fff}h1{font-size:30px}</style>
</head><body>
<h1>Оплата обрабатывается</h1>
<p>Спасибо! Вернитесь в программу Kabinet: она сама покажет, когда платёж поступит на лицевой счёт.</p>
<p>Это окно браузера можно закрыть.</p>
</body></html>
`

func (s *Server) paymentReturn(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.WriteHeader(http.StatusOK)
	w.Write([]byte(returnPage))
}
