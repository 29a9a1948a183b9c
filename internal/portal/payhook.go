package portal

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"kabinet/internal/domain"
	"kabinet/internal/payments"
	"kabinet/internal/portaldb"
)

var errForgedSource = problem(http.StatusForbidden, codeForbidden, "Уведомления принимаются только от платёжной системы.")

// paymentNotification is the provider's hook. Nothing in the call is
// trusted: the source address must be on the allowlist, and the body only
// names the object, which is fetched from the provider; only what the
// provider answers is acted on. The answer is 200 whenever nothing more
// can be done (an unknown payment, a mismatch, a duplicate), and 500 when
// the call should come again (the provider or the database failed).
func (s *Server) paymentNotification(w http.ResponseWriter, r *http.Request) {
	if s.pay == nil {
		s.writeError(w, r, errPaymentsOff)
		return
	}
	if !s.fromProvider(r) {
		// The address is not logged: it may be a customer's.
		s.log.Warn("payment notification refused: the source address is not on the allowlist")
		s.pay.metrics.ObservePaymentNotification(HookForbidden)
		s.writeError(w, r, errForgedSource)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		s.writeError(w, r, problem(http.StatusBadRequest, codeBadRequest, "Тело уведомления не прочитано."))
		return
	}
	n, err := payments.ParseNotification(body)
	if err != nil {
		s.log.Warn("payment notification refused: the body is not a notification", "err", err)
		s.pay.metrics.ObservePaymentNotification(HookBadRequest)
		s.writeError(w, r, problem(http.StatusBadRequest, codeBadRequest, "Уведомление составлено неверно."))
		return
	}
	result, err := s.handleNotification(r.Context(), n)
	if err != nil {
		s.pay.metrics.ObservePaymentNotification(HookFailed)
		s.writeError(w, r, err)
		return
	}
	s.pay.metrics.ObservePaymentNotification(result)
	writeJSON(w, http.StatusOK, struct{}{})
}

// fromProvider reports whether the request comes from an address on the
// allowlist, as clientIP finds it behind the trusted proxies.
func (s *Server) fromProvider(r *http.Request) bool {
	a, ok := s.clientIP(r)
	if !ok {
		return false
	}
	for _, p := range s.pay.Allowlist {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// handleNotification acts on what the provider says about the object the
// notification names.
func (s *Server) handleNotification(ctx context.Context, n payments.Notification) (string, error) {
	switch {
	case strings.HasPrefix(n.Event, "payment."):
		got, err := s.providerGet(ctx, n.ObjectID)
		if errors.Is(err, payments.ErrNotFound) {
			s.log.Warn("payment notification names a payment the provider does not know", "event", n.Event)
			return HookUnknown, nil
		}
		if err != nil {
			return "", err
		}
		ours, err := s.settleProviderPayment(ctx, got)
		if err != nil || !ours {
			return HookUnknown, err
		}
		return HookProcessed, nil
	case n.Event == "refund.succeeded":
		return s.handleRefund(ctx, n.ObjectID)
	}
	s.log.Info("payment notification ignored", "event", n.Event)
	return HookUnknown, nil
}

func (s *Server) providerGet(ctx context.Context, id string) (payments.Payment, error) {
	cctx, cancel := context.WithTimeout(ctx, s.pay.ProviderTimeout)
	defer cancel()
	return s.pay.provider.Get(cctx, id)
}

// settleProviderPayment records a payment the provider reported; false
// when it is none of ours. Errors are the database's: the caller answers
// 500 so the provider calls again.
func (s *Server) settleProviderPayment(ctx context.Context, got payments.Payment) (bool, error) {
	id := got.Metadata[payments.MetadataPaymentID]
	if id == "" {
		p, err := s.db.OnlinePaymentByProvider(ctx, got.ID)
		if err != nil && !errors.Is(err, portaldb.ErrNotFound) {
			return false, err
		}
		id = p.ID
	}
	if id != "" {
		_, err := s.settle(ctx, id, got)
		if !errors.Is(err, portaldb.ErrNotFound) {
			return err == nil, err
		}
	}
	s.log.Warn("payment notification names a payment that is not ours")
	return false, nil
}

// settle records what the provider says about our payment id, in one
// transaction with the payment locked: a success is credited once (a
// duplicate finds it credited), a cancellation closes it, a payment still
// pending past its expiry is marked expired. A provider payment that does
// not match ours (another payment id, amount, currency or metadata) changes
// nothing and is logged.
func (s *Server) settle(ctx context.Context, id string, got payments.Payment) (portaldb.OnlinePayment, error) {
	if got.Status == payments.Succeeded {
		s.pay.metrics.ObservePayment(PayEventSucceeded)
		if s.pay.stallBeforeCredit {
			s.log.Warn("test: stalling before the credit", "payment", id)
			<-make(chan struct{})
		}
	}
	var p portaldb.OnlinePayment
	var before, mismatch string
	var credited bool
	err := s.db.Write(ctx, func(tx *portaldb.Tx) error {
		var err error
		credited, mismatch = false, ""
		if p, err = tx.LockOnlinePayment(ctx, id); err != nil {
			return err
		}
		before = p.Status
		if mismatch = mismatchOf(p, got); mismatch != "" {
			return nil
		}
		now := s.now()
		p.ProviderID, p.CheckedAt = got.ID, now
		if got.ConfirmationURL != "" {
			p.ConfirmationURL = got.ConfirmationURL
		}
		if !got.ExpiresAt.IsZero() && p.Status == portaldb.PayCreating {
			p.ExpiresAt = got.ExpiresAt
		}
		switch got.Status {
		case payments.Succeeded:
			credited, err = tx.CreditOnlinePayment(ctx, &p, domain.DateOf(now, domain.Moscow))
			return err
		case payments.Canceled:
			if p.CreditedPaymentID == "" {
				p.Status, p.CancelReason = portaldb.PayCanceled, got.CancellationReason
				if got.CancellationReason == "expired_on_confirmation" {
					p.Status = portaldb.PayExpired
				}
			}
		default:
			if p.Status == portaldb.PayCreating {
				p.Status = portaldb.PayPending
			}
			if p.Status == portaldb.PayPending && now.After(p.ExpiresAt) {
				p.Status, p.CancelReason = portaldb.PayExpired, "expired"
			}
		}
		return tx.SaveOnlinePayment(ctx, &p)
	})
	if err != nil {
		return p, err
	}
	if mismatch != "" {
		s.log.Error("provider payment does not match ours: nothing credited", "payment", id, "field", mismatch)
		s.pay.metrics.ObservePayment(PayEventMismatch)
		return p, nil
	}
	s.countTransition(before, p, credited)
	return p, nil
}

// countTransition logs and counts a payment's change of state.
func (s *Server) countTransition(before string, p portaldb.OnlinePayment, credited bool) {
	switch {
	case credited:
		s.log.Info("online payment credited", "payment", p.ID)
		s.pay.metrics.ObservePayment(PayEventCredited)
	case before == p.Status:
	case before == portaldb.PayCreating && p.Status == portaldb.PayPending:
		s.pay.metrics.ObservePayment(PayEventCreated)
	case p.Status == portaldb.PayCanceled:
		s.log.Info("online payment canceled", "payment", p.ID, "reason", p.CancelReason)
		s.pay.metrics.ObservePayment(PayEventCanceled)
	case p.Status == portaldb.PayExpired:
		s.log.Info("online payment expired", "payment", p.ID)
		s.pay.metrics.ObservePayment(PayEventExpired)
	}
}

// mismatchOf names what in the provider's payment does not match ours;
// empty when it matches.
func mismatchOf(p portaldb.OnlinePayment, got payments.Payment) string {
	switch {
	case p.ProviderID != "" && p.ProviderID != got.ID:
		return "id"
	case got.Metadata[payments.MetadataPaymentID] != p.ID:
		return "metadata"
	case got.Amount != p.Total():
		return "amount"
	case got.Currency != "RUB":
		return "currency"
	}
	return ""
}

// handleRefund debits the account with a refund the provider made, once
// per refund.
func (s *Server) handleRefund(ctx context.Context, refundID string) (string, error) {
	cctx, cancel := context.WithTimeout(ctx, s.pay.ProviderTimeout)
	ref, err := s.pay.provider.GetRefund(cctx, refundID)
	cancel()
	if errors.Is(err, payments.ErrNotFound) {
		s.log.Warn("refund notification names a refund the provider does not know")
		return HookUnknown, nil
	}
	if err != nil {
		return "", err
	}
	if ref.Status != payments.Succeeded {
		return HookUnknown, nil
	}
	op, err := s.db.OnlinePaymentByProvider(ctx, ref.PaymentID)
	if errors.Is(err, portaldb.ErrNotFound) {
		s.log.Warn("refund notification names a payment that is not ours")
		return HookUnknown, nil
	}
	if err != nil {
		return "", err
	}
	if err := debitRefund(ctx, s.db, s.log, s.pay.metrics, op.ID, ref, s.now()); err != nil {
		return "", err
	}
	return HookProcessed, nil
}

// debitRefund debits the account of our payment id with the provider's
// succeeded refund ref, once per refund id (a negative payment «Возврат
// онлайн-оплаты»). A refund debited before, or one that does not match the
// payment (logged), changes nothing.
func debitRefund(ctx context.Context, db *portaldb.DB, log *slog.Logger, metrics PaymentMetrics, id string, ref payments.Refund, now time.Time) error {
	var done bool
	var problemText string
	err := db.Write(ctx, func(tx *portaldb.Tx) error {
		done, problemText = false, ""
		p, err := tx.LockOnlinePayment(ctx, id)
		if err != nil {
			return err
		}
		switch {
		case p.CreditedPaymentID == "":
			// Credit first: the reconciler will, and the provider
			// calls again.
			return errors.New("refund of a payment not credited yet")
		case ref.Amount <= 0 || ref.Amount > p.Total():
			problemText = "amount"
			return nil
		}
		done, err = tx.CreditRefund(ctx, &p, ref.ID, min(ref.Amount, p.Amount), domain.DateOf(now, domain.Moscow))
		return err
	})
	if err != nil {
		return err
	}
	if problemText != "" {
		log.Error("refund does not match the payment: nothing debited", "payment", id, "field", problemText)
		metrics.ObservePayment(PayEventMismatch)
		return nil
	}
	if done {
		log.Info("online payment refunded", "payment", id)
		metrics.ObservePayment(PayEventRefunded)
	}
	return nil
}
