package metrics

import (
	"context"

	"kabinet/internal/sms"
)

// SMS returns a sender that delivers through next and counts each message
// as sent or failed (kabinet_sms_total). A message the sender retried counts
// once, by its final outcome. On a nil Metrics it returns next unchanged.
func (m *Metrics) SMS(next sms.Sender) sms.Sender {
	if m == nil {
		return next
	}
	return &countingSender{next: next, m: m}
}

type countingSender struct {
	next sms.Sender
	m    *Metrics
}

func (s *countingSender) Send(ctx context.Context, msg sms.Message) error {
	err := s.next.Send(ctx, msg)
	if err != nil {
		s.m.smsFailed.Inc()
	} else {
		s.m.smsSent.Inc()
	}
	return err
}
