package metrics

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// queueTimeout bounds the mail queue query of one scrape, so a locked
// database makes one scrape lose the gauge instead of hanging the scraper.
const queueTimeout = 5 * time.Second

// MailSent counts a letter delivered to the mail server.
func (m *Metrics) MailSent() {
	if m == nil {
		return
	}
	m.mailSent.Inc()
}

// MailFailed counts a failed delivery attempt: as "failed" when the letter
// will be tried again, as "gave_up" when final is true and it will not. The
// outcomes partition the attempts, so their sum is the number of attempts.
func (m *Metrics) MailFailed(final bool) {
	if m == nil {
		return
	}
	if final {
		m.mailGaveUp.Inc()
	} else {
		m.mailFailed.Inc()
	}
}

// MailObserver returns the mail counters as an observer with Sent and
// Failed(final) methods, the shape of the mailer's delivery hook.
func (m *Metrics) MailObserver() MailObserver { return MailObserver{m} }

// MailObserver forwards a mailer's delivery events to Metrics. Its zero value
// (and one made from a nil Metrics) counts nothing.
type MailObserver struct{ m *Metrics }

// Sent counts a delivered letter.
func (o MailObserver) Sent() { o.m.MailSent() }

// Failed counts a failed attempt; final means the letter was given up.
func (o MailObserver) Failed(final bool) { o.m.MailFailed(final) }

// MailQueueFunc counts the letters in the mail queue by state. It is called
// at scrape time with a context that bounds it.
type MailQueueFunc func(ctx context.Context) (pending, sent, failed int, err error)

// RegisterMailQueue adds kabinet_mail_queue{state="pending|sent|failed"},
// read from count at each scrape. An error from count is logged and drops the
// gauge from that scrape; the other series are still served. It can be
// called once per Metrics.
func (m *Metrics) RegisterMailQueue(count MailQueueFunc) error {
	if m == nil {
		return nil
	}
	return m.reg.Register(&mailQueueCollector{
		count: count,
		desc: prometheus.NewDesc("kabinet_mail_queue",
			"Letters in the mail queue, by state.", []string{"state"}, nil),
	})
}

type mailQueueCollector struct {
	count MailQueueFunc
	desc  *prometheus.Desc
}

func (c *mailQueueCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *mailQueueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), queueTimeout)
	defer cancel()
	pending, sent, failed, err := c.count(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.desc, fmt.Errorf("mail queue: %w", err))
		return
	}
	ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(pending), "pending")
	ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(sent), "sent")
	ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(failed), "failed")
}
