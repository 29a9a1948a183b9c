package metrics_test

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"kabinet/internal/metrics"
)

// A payment's events are counted under a fixed set of labels: a value the
// portal never sends (or an id by mistake) becomes "other", never a series.
func TestPaymentCountersAreBounded(t *testing.T) {
	m := metrics.New(nil)
	m.ObservePayment("credited")
	m.ObservePayment("credited")
	m.ObservePayment("pay_0123456789abcdef")
	m.ObservePaymentNotification("forbidden")
	m.ObservePaymentReconcile("ok")
	out := scrape(t, m)
	for _, want := range []string{
		`kabinet_payments_total{event="credited"} 2`,
		`kabinet_payments_total{event="other"} 1`,
		`kabinet_payments_total{event="refunded"} 0`,
		`kabinet_payment_notifications_total{result="forbidden"} 1`,
		`kabinet_payment_reconciler_runs_total{result="ok"} 1`,
		`kabinet_payment_reconciler_runs_total{result="failed"} 0`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("scrape misses %s", want)
		}
	}
	if strings.Contains(out, "pay_0123") {
		t.Error("a payment id became a label value")
	}
	if n := testutil.CollectAndCount(m.Registry(), "kabinet_payments_total"); n != 9 {
		t.Errorf("%d payment event series, want the 8 events and other", n)
	}
}
