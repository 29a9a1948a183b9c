package portal

import (
	"context"
	"errors"
	"time"

	"kabinet/internal/payments"
	"kabinet/internal/portaldb"
)

// Reconciler pace: a payment is held by one reconciler for
// reconcileLease, and claimed in batches of reconcileBatch.
const (
	reconcileLease = 2 * time.Minute
	reconcileBatch = 50
)

// ReconcilePayments looks once at the payments still open that nobody
// checked for PaymentConfig.ReconcileAfter (a minute), and returns how many it looked at. It is what
// makes a lost notification, a crash between the provider's success and
// our commit, or an answer to Create that never came harmless:
//
//   - creating: Create is asked again with the payment's own key, which
//     returns the provider's payment if it was made (and makes it if not);
//     one still creating after its expiry is closed as expired;
//   - pending: the payment is fetched; a success is credited (once, as the
//     hook does), a cancellation closes it, and one still pending after its
//     expiry is marked expired (a success later still credits it).
//
// A database lease keeps two instances from working one payment at once.
func (s *Server) ReconcilePayments(ctx context.Context) (int, error) {
	if s.pay == nil {
		return 0, nil
	}
	now := s.now()
	open, err := s.db.ClaimOpenPayments(ctx, now, now.Add(-s.pay.ReconcileAfter), reconcileLease, reconcileBatch)
	if err != nil {
		s.pay.metrics.ObservePaymentReconcile("failed")
		return 0, err
	}
	var errs []error
	for _, p := range open {
		if err := s.reconcile(ctx, p); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		s.pay.metrics.ObservePaymentReconcile("failed")
		return len(open), err
	}
	s.pay.metrics.ObservePaymentReconcile("ok")
	return len(open), nil
}

func (s *Server) reconcile(ctx context.Context, p portaldb.OnlinePayment) error {
	if p.Status == portaldb.PayCreating && s.now().After(p.ExpiresAt) {
		_, err := s.closeUnmade(ctx, p.ID, "expired")
		return err
	}
	_, err := s.refresh(ctx, p)
	var pr *Problem
	if errors.As(err, &pr) || errors.Is(err, payments.ErrUnknownOutcome) || errors.Is(err, payments.ErrTooManyRequests) ||
		errors.Is(err, payments.ErrNotFound) || errors.Is(err, context.DeadlineExceeded) {
		// The provider did not tell: try again at the next pass.
		return s.touch(ctx, p.ID)
	}
	return err
}

// touch records that the provider was asked about payment id and releases
// the lease.
func (s *Server) touch(ctx context.Context, id string) error {
	return s.db.Write(ctx, func(tx *portaldb.Tx) error {
		p, err := tx.LockOnlinePayment(ctx, id)
		if err != nil {
			return err
		}
		p.CheckedAt = s.now()
		return tx.SaveOnlinePayment(ctx, &p)
	})
}

// RunPaymentReconciler runs ReconcilePayments every interval (0: a
// minute) until ctx ends. Failures are logged and tried again at the next
// tick.
func (s *Server) RunPaymentReconciler(ctx context.Context, every time.Duration) {
	if s.pay == nil {
		return
	}
	if every <= 0 {
		every = time.Minute
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if n, err := s.ReconcilePayments(ctx); err != nil {
			s.log.Error("payment reconciler", "payments", n, "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
