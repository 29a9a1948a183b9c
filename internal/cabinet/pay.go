package cabinet

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"kabinet/internal/domain"
	"kabinet/internal/portalclient"
)

// Paying online. A payment is never queued: it needs the portal (and the
// provider behind it) now, so offline StartPayment says so with
// domain.CodePaymentNeedsNetwork and the window offers the bill's QR code,
// which works without a connection. Once created, the payment is followed
// by asking the portal (GET /payments/{id}) with a growing pause until its
// status is final; every change is an Event (PaymentChanged) and a paid
// one runs a sync, so «Зачисленные платежи» and the debt show it.

// PaymentStatus is where an online payment is, in the window's words.
type PaymentStatus string

// Payment statuses.
const (
	// PaymentWaiting: the payer has not paid yet (or the provider has not
	// said so yet).
	PaymentWaiting PaymentStatus = "waiting"
	// PaymentPaid: paid and credited to the account.
	PaymentPaid PaymentStatus = "paid"
	// PaymentCanceled: the payer or the bank declined it.
	PaymentCanceled PaymentStatus = "canceled"
	// PaymentExpired: the time to pay ran out.
	PaymentExpired PaymentStatus = "expired"
)

// Final reports whether the status no longer changes.
func (st PaymentStatus) Final() bool { return st != PaymentWaiting }

// PaymentView is an online payment as the window and the command line see
// it.
type PaymentView struct {
	ID         string
	Account    string
	Amount     domain.Kopecks
	Commission domain.Kopecks
	Status     PaymentStatus
	// PageURL is the provider's page where the payer pays (a browser, or
	// a phone through the QR code).
	PageURL   string
	ExpiresAt time.Time
	// Credited: the money is in the account's payments.
	Credited bool
}

// PaymentOptions are the supplier's terms of paying online.
type PaymentOptions struct {
	Enabled bool
	// CommissionPercent is a decimal string; "0" or "" means no commission.
	CommissionPercent string
	// Min and Max bound one payment.
	Min, Max domain.Kopecks
}

// NoCommission reports whether the payer pays no commission.
func (o PaymentOptions) NoCommission() bool {
	switch o.CommissionPercent {
	case "", "0", "0.0", "0.00":
		return true
	}
	return false
}

// Pauses between two questions about a payment's status: the first comes
// soon (the payer may pay within seconds with a saved card), then they
// grow to paymentPollMax.
const (
	paymentPollFirst = 2 * time.Second
	paymentPollMax   = 10 * time.Second
	// paymentFollowFor bounds the following of one payment: the provider
	// keeps a payment open an hour, and the portal expires it after.
	paymentFollowFor = 2 * time.Hour
)

// ErrPaymentNeedsNetwork means a payment cannot be made without the portal.
var ErrPaymentNeedsNetwork error = &domain.Error{Code: domain.CodePaymentNeedsNetwork,
	Message: "Для оплаты картой нужен интернет, а связи с порталом сейчас нет. Оплатите по QR-коду в приложении банка — он работает без связи."}

// payOffline turns "no connection" into ErrPaymentNeedsNetwork.
func payOffline(err error) error {
	if errors.Is(err, portalclient.ErrOffline) {
		return ErrPaymentNeedsNetwork
	}
	return err
}

// PaymentOptions asks the portal for the terms of paying online (online;
// offline it is ErrPaymentNeedsNetwork).
func (s *Service) PaymentOptions(ctx context.Context) (PaymentOptions, error) {
	if _, err := s.eng(); err != nil {
		return PaymentOptions{}, err
	}
	o, err := s.client.PaymentOptions(ctx)
	if err != nil {
		return PaymentOptions{}, payOffline(err)
	}
	return PaymentOptions{Enabled: o.Enabled, CommissionPercent: o.CommissionPercent, Min: o.Min, Max: o.Max}, nil
}

// DueNow is what the account asks to be paid now (domain's DueNow), from
// the stored data; 0 when nothing is due.
func (s *Service) DueNow(account string) (domain.Kopecks, error) {
	doc, ok, err := s.Document(account)
	if err != nil || !ok {
		return 0, err
	}
	return doc.Doc.DueNow(), nil
}

// StartPayment creates an online payment of amount (0: what is due now) to
// account. One call is one press of «Перейти к оплате»: it makes one
// Idempotency-Key that every retry of the request carries, so the person
// never pays twice for one press. Offline it is ErrPaymentNeedsNetwork
// (nothing is queued). Unless Config.Foreground, the payment is then
// followed in the background (see FollowPayment) and its changes come as
// PaymentChanged events; StopFollowing ends that early.
func (s *Service) StartPayment(ctx context.Context, account string, amount domain.Kopecks) (PaymentView, error) {
	if _, err := s.eng(); err != nil {
		return PaymentView{}, err
	}
	p, err := s.client.CreatePayment(ctx, account, amount, newPaymentKey())
	if err != nil {
		return PaymentView{}, payOffline(err)
	}
	v := paymentViewOf(p)
	if !s.cfg.Foreground && !v.Status.Final() {
		s.follow(v)
	}
	return v, nil
}

// newPaymentKey is a random key of 32 hex digits.
func newPaymentKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails since Go 1.24
	return "pay-" + hex.EncodeToString(b[:])
}

func paymentViewOf(p portalclient.Payment) PaymentView {
	v := PaymentView{ID: p.ID, Account: p.Account, Amount: p.Amount, Commission: p.Commission,
		PageURL: p.ConfirmationURL, ExpiresAt: p.ExpiresAt, Credited: p.Credited, Status: PaymentWaiting}
	switch p.Status {
	case portalclient.PaymentSucceeded:
		v.Status = PaymentPaid
	case portalclient.PaymentCanceled:
		v.Status = PaymentCanceled
	case portalclient.PaymentExpired:
		v.Status = PaymentExpired
	}
	return v
}

// followers are the payments followed in the background, by id.
type followers struct {
	mu     sync.Mutex
	cancel map[string]context.CancelFunc
	wg     sync.WaitGroup
}

// follow starts following v in the background, once per payment.
func (s *Service) follow(v PaymentView) {
	f := &s.payments
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.cancel[v.ID]; ok {
		return
	}
	if f.cancel == nil {
		f.cancel = map[string]context.CancelFunc{}
	}
	ctx, cancel := context.WithTimeout(context.Background(), paymentFollowFor)
	f.cancel[v.ID] = cancel
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		defer func() {
			f.mu.Lock()
			delete(f.cancel, v.ID)
			f.mu.Unlock()
			cancel()
		}()
		last, err := s.FollowPayment(ctx, v.ID, func(p PaymentView) {
			if s.cfg.OnEvent != nil {
				s.cfg.OnEvent(Event{Kind: PaymentChanged, Account: p.Account, Payment: &p})
			}
		})
		// Given up (the session ended, the portal refused, or too long
		// without an answer) rather than stopped: the screen must not go on
		// saying «Ждём оплату…» for ever.
		if err != nil && !errors.Is(err, context.Canceled) && s.cfg.OnEvent != nil {
			if last.ID == "" {
				last = v
			}
			s.cfg.OnEvent(Event{Kind: PaymentChanged, Account: last.Account, Payment: &last, Err: err})
		}
	}()
}

// StopFollowing stops following payment id in the background (nothing
// happens to the payment itself).
func (s *Service) StopFollowing(id string) {
	s.payments.mu.Lock()
	cancel := s.payments.cancel[id]
	s.payments.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// stopFollowingAll ends every background following and waits for them (at
// logout and close: they use the session).
func (s *Service) stopFollowingAll() {
	s.payments.mu.Lock()
	for _, cancel := range s.payments.cancel {
		cancel()
	}
	s.payments.mu.Unlock()
	s.payments.wg.Wait()
}

// FollowPayment asks the portal for payment id, 2 s after the call and
// then with pauses growing to 10 s, until its status is final or ctx ends,
// and calls changed with every new state (the first answer included). A
// paid payment runs a sync before changed hears of it, so the stored data
// show the payment credited and the debt changed when the person is told.
// Failures to reach the portal do not end it; the last view is returned
// with ctx's error when ctx ends first.
func (s *Service) FollowPayment(ctx context.Context, id string, changed func(PaymentView)) (PaymentView, error) {
	var last PaymentView
	wait := s.paymentPoll()
	for {
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return last, ctx.Err()
		case <-t.C:
		}
		wait = min(wait*3/2, paymentPollMax)
		actx, cancel := context.WithTimeout(ctx, 20*time.Second)
		p, err := s.client.GetPayment(actx, id)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return last, ctx.Err()
			}
			if portalclient.Temporary(err) {
				continue
			}
			return last, err
		}
		v := paymentViewOf(p)
		if v == last {
			continue
		}
		last = v
		if v.Status == PaymentPaid {
			sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			s.SyncNow(sctx)
			cancel()
		}
		changed(v)
		if v.Status.Final() {
			return v, nil
		}
	}
}

// paymentPoll is the first pause of FollowPayment.
func (s *Service) paymentPoll() time.Duration {
	if s.cfg.PaymentPoll > 0 {
		return s.cfg.PaymentPoll
	}
	return paymentPollFirst
}

// ParseAmount reads a sum typed in rubles — «1234,56», «1 234.5», «1234»,
// with or without «₽» or «руб.» — as kopecks; false when it is not one.
func ParseAmount(s string) (domain.Kopecks, bool) {
	s = strings.TrimSpace(strings.ToLower(s))
	for _, unit := range []string{"₽", "руб.", "руб", "р.", "р"} {
		s = strings.TrimSpace(strings.TrimSuffix(s, unit))
	}
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", ",", ".").Replace(s)
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" && frac == "" || len(frac) > 2 || dot && frac == "" || len(whole) > 12 {
		return 0, false
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	var rub, kop int64
	if whole != "" {
		rub, _ = strconv.ParseInt(whole, 10, 64)
	}
	if frac != "" {
		kop, _ = strconv.ParseInt((frac + "0")[:2], 10, 64)
	}
	return domain.Kopecks(rub*100 + kop), true
}

// CheckAmount applies the limits of one payment: at least Min (1 ₽ when
// the terms are not known) and at most Max when known. The error has the
// code payment_amount_invalid with "min_kop" (and "max_kop").
func (o PaymentOptions) CheckAmount(k domain.Kopecks) error {
	lo := o.Min
	if lo <= 0 {
		lo = 100
	}
	if k >= lo && (o.Max <= 0 || k <= o.Max) {
		return nil
	}
	params := map[string]string{"min_kop": strconv.FormatInt(int64(lo), 10)}
	msg := "Сумма оплаты должна быть не меньше " + lo.String() + "."
	if o.Max > 0 {
		params["max_kop"] = strconv.FormatInt(int64(o.Max), 10)
		msg = "Сумма оплаты должна быть не меньше " + lo.String() + " и не больше " + o.Max.String() + ". Исправьте сумму."
	}
	return &domain.Error{Code: domain.CodePaymentAmount, Field: "amount", Message: msg, Params: params}
}
