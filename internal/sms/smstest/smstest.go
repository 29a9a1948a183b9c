// Package smstest has an SMS gateway for tests: it keeps what it is given.
package smstest

import (
	"context"
	"sync"

	"kabinet/internal/sms"
)

// Recorder is an sms.Sender that keeps every message it accepts. It is
// safe for concurrent use; the zero value is ready.
type Recorder struct {
	// Refuse, when set, is asked first: a message it returns an error for
	// is refused with that error and not kept, as by a failing gateway.
	Refuse func(sms.Message) error

	mu   sync.Mutex
	sent []sms.Message
}

// Send keeps m, unless Refuse refuses it.
func (r *Recorder) Send(_ context.Context, m sms.Message) error {
	if r.Refuse != nil {
		if err := r.Refuse(m); err != nil {
			return err
		}
	}
	r.mu.Lock()
	r.sent = append(r.sent, m)
	r.mu.Unlock()
	return nil
}

// Messages returns the messages kept so far, oldest first.
func (r *Recorder) Messages() []sms.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]sms.Message(nil), r.sent...)
}
