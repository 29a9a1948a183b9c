package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"kabinet/internal/cabinet"
	"kabinet/internal/domain"
)

// pay pays online and waits for the result:
//
//	kabinet pay [--account A] [--amount 123,45] [--wait 15m]
//
// It prints the payment page's address — to open in a browser or on a
// phone — and follows the payment: exit 0 when it was paid (and the data
// synced), 1 when it was declined, ran out of time or could not be made,
// 3 when it is still open after --wait. Paying needs the portal: offline
// nothing is queued.
func (c *command) pay(ctx context.Context, args []string) int {
	fs := c.flags("pay")
	account := fs.String("account", "", "лицевой счёт (account number)")
	amountText := fs.String("amount", "", "сумма в рублях, например 1234,56 (default: what is due now)")
	wait := fs.Duration("wait", 15*time.Minute, "how long to wait for the payment")
	if err := fs.Parse(args); err != nil {
		return ExitUsage
	}
	var amount domain.Kopecks
	if *amountText != "" {
		var ok bool
		if amount, ok = cabinet.ParseAmount(*amountText); !ok {
			fmt.Fprintln(c.err, c.say("pay_bad_amount"))
			return ExitUsage
		}
	}
	s, code := c.openAccount(ctx, true, account)
	if s == nil {
		return code
	}
	defer c.close(s)
	if !s.Online {
		return c.payOffline(s)
	}
	opts, err := s.svc.PaymentOptions(ctx)
	if err != nil {
		return c.payFailed(err)
	}
	if amount != 0 {
		if err := opts.CheckAmount(amount); err != nil {
			return c.fail(err)
		}
	}
	v, err := s.svc.StartPayment(ctx, *account, amount)
	if err != nil {
		return c.payFailed(err)
	}
	fmt.Fprintln(c.out, c.say("pay_page", v.Amount, v.PageURL))
	if v.Commission > 0 {
		fmt.Fprintln(c.out, c.say("pay_commission", v.Commission))
	}
	fmt.Fprintln(c.out, c.say("pay_hint", int(wait.Round(time.Minute).Minutes())))
	wctx, cancel := context.WithTimeout(ctx, *wait)
	defer cancel()
	if !v.Status.Final() {
		v, err = s.svc.FollowPayment(wctx, v.ID, func(cabinet.PaymentView) {})
	}
	switch {
	case v.Status == cabinet.PaymentPaid:
		fmt.Fprintln(c.out, c.say("pay_paid", v.Amount, v.Account))
		return ExitOK
	case v.Status == cabinet.PaymentCanceled:
		fmt.Fprintln(c.err, c.say("pay_canceled"))
		return ExitFailed
	case v.Status == cabinet.PaymentExpired:
		fmt.Fprintln(c.err, c.say("pay_expired"))
		return ExitFailed
	case errors.Is(err, context.DeadlineExceeded):
		fmt.Fprintln(c.out, c.say("pay_open", v.ID))
		return ExitQueued
	}
	return c.fail(err)
}

// payOffline says that paying online needs the portal.
func (c *command) payOffline(s *session) int {
	if s.Offline == nil {
		fmt.Fprintln(c.err, c.say("need_login"))
		return ExitFailed
	}
	fmt.Fprintln(c.err, c.say("pay_needs_network"))
	return ExitFailed
}

// payFailed says why a payment could not be made.
func (c *command) payFailed(err error) int {
	if domain.ErrorCode(err) == domain.CodePaymentNeedsNetwork {
		fmt.Fprintln(c.err, c.say("pay_needs_network"))
		return ExitFailed
	}
	return c.fail(err)
}
