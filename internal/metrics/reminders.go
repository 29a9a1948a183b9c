package metrics

import (
	"context"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// ReminderQueueFunc counts the reading reminders and receipts by state. It
// is called at scrape time with a context that bounds it.
type ReminderQueueFunc func(ctx context.Context) (pending, sent, failed, cancelled int, err error)

// RegisterReminderQueue adds
// kabinet_reminder_queue{state="pending|sent|failed|cancelled"}, read from
// count at each scrape like kabinet_mail_queue. Cancelled ones were not
// needed any more (the reading arrived, unsubscribed, the window closed); a
// growing "failed" is an SMS gateway or mail server to look at.
func (m *Metrics) RegisterReminderQueue(count ReminderQueueFunc) error {
	if m == nil {
		return nil
	}
	return m.reg.Register(&reminderQueueCollector{
		count: count,
		desc: prometheus.NewDesc("kabinet_reminder_queue",
			"Reading reminders and receipts in the queue, by state.", []string{"state"}, nil),
	})
}

type reminderQueueCollector struct {
	count ReminderQueueFunc
	desc  *prometheus.Desc
}

func (c *reminderQueueCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *reminderQueueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), queueTimeout)
	defer cancel()
	pending, sent, failed, cancelled, err := c.count(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.desc, fmt.Errorf("reminder queue: %w", err))
		return
	}
	for state, n := range map[string]int{"pending": pending, "sent": sent, "failed": failed, "cancelled": cancelled} {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(n), state)
	}
}
