package metrics

import "github.com/prometheus/client_golang/prometheus"

// The label values of the payment series: anything else is counted as
// "other", so the number of series stays fixed.
var (
	paymentEvents        = []string{"created", "succeeded", "credited", "canceled", "expired", "refunded", "mismatch", "provider_unavailable"}
	paymentHookResults   = []string{"processed", "forbidden", "bad_request", "unknown", "failed"}
	reconcilerRunResults = []string{"ok", "failed"}
)

// paymentSeries are the counters of paying online.
type paymentSeries struct {
	events, hooks, reconciles *prometheus.CounterVec
}

func newPaymentSeries(reg *prometheus.Registry) paymentSeries {
	s := paymentSeries{
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kabinet_payments_total",
			Help: "Online payment events: created (the provider made it), succeeded (the provider confirmed a success; duplicates count), " +
				"credited (once per payment), canceled, expired, refunded, mismatch (the provider's payment did not match ours), provider_unavailable.",
		}, []string{"event"}),
		hooks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kabinet_payment_notifications_total",
			Help: "Calls of the payment provider's hook, by result: processed, forbidden (source not on the allowlist), bad_request, unknown (not our payment or an event we ignore), failed (answered 500, the provider calls again).",
		}, []string{"result"}),
		reconciles: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kabinet_payment_reconciler_runs_total",
			Help: "Runs of the online payment reconciler, by result: ok or failed.",
		}, []string{"result"}),
	}
	for _, v := range paymentEvents {
		s.events.WithLabelValues(v)
	}
	for _, v := range paymentHookResults {
		s.hooks.WithLabelValues(v)
	}
	for _, v := range reconcilerRunResults {
		s.reconciles.WithLabelValues(v)
	}
	reg.MustRegister(s.events, s.hooks, s.reconciles)
	return s
}

// bounded returns v when it is one of allowed, else Other.
func bounded(v string, allowed []string) string {
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	return Other
}

// ObservePayment counts an online payment event (see kabinet_payments_total);
// an unknown event is counted as "other".
func (m *Metrics) ObservePayment(event string) {
	if m == nil {
		return
	}
	m.payments.events.WithLabelValues(bounded(event, paymentEvents)).Inc()
}

// ObservePaymentNotification counts a call of the provider's hook by result.
func (m *Metrics) ObservePaymentNotification(result string) {
	if m == nil {
		return
	}
	m.payments.hooks.WithLabelValues(bounded(result, paymentHookResults)).Inc()
}

// ObservePaymentReconcile counts a reconciler run: "ok" or "failed".
func (m *Metrics) ObservePaymentReconcile(result string) {
	if m == nil {
		return
	}
	m.payments.reconciles.WithLabelValues(bounded(result, reconcilerRunResults)).Inc()
}
