package localpay

import (
	"encoding/json"
	"time"
)

// faults are the switches that make the provider misbehave; under p.mu.
// A count n > 0 means "the next n times"; a negative count means "every
// time until switched off with 0".
type faults struct {
	fail500     int // creates answered 500 after the payment was made
	tooMany     int // API requests answered 429
	tooManyWait time.Duration
	delay       int // API answers written late
	delayBy     time.Duration
	payInCreate int // creates paid and notified before they are answered
	duplicate   int // every notification sent this many times
	outOfOrder  int // notifications followed by a stale one
	drop        int // notifications lost
}

// take uses one count of a fault; it reports whether the fault fires.
func take(n *int) bool {
	switch {
	case *n > 0:
		*n--
		return true
	case *n < 0:
		return true
	}
	return false
}

func (p *Provider) set(f func(*faults)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f(&p.faults)
}

// FailCreatesAfterMaking makes the next n creates answer HTTP 500 although
// the payment was made (and its idempotence key remembered): a retry with
// the same key gets the payment.
func (p *Provider) FailCreatesAfterMaking(n int) { p.set(func(f *faults) { f.fail500 = n }) }

// TooManyRequests answers the next n API requests with HTTP 429, with a
// Retry-After of wait rounded up to seconds (no header when wait is 0).
func (p *Provider) TooManyRequests(n int, wait time.Duration) {
	p.set(func(f *faults) { f.tooMany, f.tooManyWait = n, wait })
}

// Delay writes the next n API answers d late (the work itself is done at
// once): a client that times out retries a request already carried out.
func (p *Provider) Delay(n int, d time.Duration) {
	p.set(func(f *faults) { f.delay, f.delayBy = n, d })
}

// PayInCreate makes the next n creates pay the payment at once and
// deliver its payment.succeeded notification before answering the create
// call (the answer shows it pending, as it was when made).
func (p *Provider) PayInCreate(n int) { p.set(func(f *faults) { f.payInCreate = n }) }

// DuplicateNotifications sends every notification k times (k ≤ 1: once).
func (p *Provider) DuplicateNotifications(k int) { p.set(func(f *faults) { f.duplicate = k }) }

// OutOfOrder follows each of the next n status notifications with a late
// payment.canceled one carrying the payment as it was before the change
// (pending): what an old event delivered after a newer one looks like.
func (p *Provider) OutOfOrder(n int) { p.set(func(f *faults) { f.outOfOrder = n }) }

// DropNotifications loses the next n notifications.
func (p *Provider) DropNotifications(n int) { p.set(func(f *faults) { f.drop = n }) }

func (p *Provider) takeTooMany() (time.Duration, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.faults.tooManyWait, take(&p.faults.tooMany)
}

func (p *Provider) takeDelay() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	if take(&p.faults.delay) {
		return p.faults.delayBy
	}
	return 0
}

// SendForged posts to NotifyURL a payment.succeeded notification about
// payment id whose body says it succeeded, whatever its real status. It
// returns the hook's HTTP status.
func (p *Provider) SendForged(id string) (int, error) {
	p.mu.Lock()
	pay, ok := p.payments[id]
	if !ok {
		p.mu.Unlock()
		return 0, ErrNoPayment
	}
	var obj map[string]any
	_ = json.Unmarshal(p.paymentJSON(pay), &obj)
	p.mu.Unlock()
	obj["status"], obj["paid"] = "succeeded", true
	delete(obj, "confirmation")
	b, _ := json.Marshal(obj)
	return p.postOnce(notificationBody("payment.succeeded", b))
}
