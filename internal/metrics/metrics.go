// Package metrics counts what the portal server does and serves the counts
// in the Prometheus text format.
//
// Every Metrics has its own registry (never the global one), so tests can
// build as many as they like. Labels never carry personal data: a request is
// named by its route pattern ("GET /api/v1/accounts/{account}"), not by its
// path, which names an account; a refused reading by its problem code; an
// SMS or a letter by its outcome only. This also keeps the number of series
// bounded, whatever clients send.
//
// Series:
//
//	kabinet_http_requests_total{route,method,status}    counter
//	kabinet_http_request_duration_seconds{route,method} histogram
//	kabinet_readings_total{result}                      counter: accepted, replayed or a problem code
//	kabinet_sms_total{result}                           counter: sent, failed
//	kabinet_mail_total{result}                          counter: sent, failed, gave_up
//	kabinet_mail_queue{state}                           gauge: pending, sent, failed (RegisterMailQueue)
//	kabinet_db_*{db}                                    connection pool (RegisterDB)
//	kabinet_payments_total{event}                       counter: created, succeeded, credited, canceled, expired, refunded, mismatch, provider_unavailable
//	kabinet_payment_notifications_total{result}         counter: processed, forbidden, bad_request, unknown, failed
//	kabinet_payment_reconciler_runs_total{result}       counter: ok, failed
//
// plus the standard go_* and process_* series.
//
// The methods of a nil *Metrics do nothing, so a server built without
// metrics can hold one.
package metrics

import (
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Values of the result labels that are not problem codes.
const (
	ResultAccepted = "accepted"
	ResultReplayed = "replayed"
	ResultSent     = "sent"
	ResultFailed   = "failed"
	ResultGaveUp   = "gave_up"
	// Other replaces a label value that is empty or not of the expected
	// shape.
	Other = "other"
)

// durationBuckets cover the portal's requests: a replayed reading or a
// health check takes about a millisecond, a login (argon2id) or a full
// account document tens to hundreds, and anything past 5 s is an incident
// whatever its exact length.
var durationBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}

// Metrics holds the portal's counters and the registry they are served from.
// It is safe for concurrent use.
type Metrics struct {
	reg     *prometheus.Registry
	handler http.Handler
	log     *slog.Logger

	httpRequests *prometheus.CounterVec
	httpDuration *prometheus.HistogramVec
	readings     *prometheus.CounterVec
	smsSent      prometheus.Counter
	smsFailed    prometheus.Counter
	mailSent     prometheus.Counter
	mailFailed   prometheus.Counter
	mailGaveUp   prometheus.Counter
	payments     paymentSeries
}

// New returns a Metrics with the Go runtime and process collectors
// registered. Errors while collecting (a failed mail queue query, say) go to
// logger; nil means slog.Default().
func New(logger *slog.Logger) *Metrics {
	if logger == nil {
		logger = slog.Default()
	}
	reg := prometheus.NewRegistry()
	m := &Metrics{
		reg: reg,
		log: logger,
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kabinet_http_requests_total",
			Help: "API requests answered, by route pattern, method and HTTP status.",
		}, []string{"route", "method", "status"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "kabinet_http_request_duration_seconds",
			Help:    "Time to answer an API request, by route pattern and method.",
			Buckets: durationBuckets,
		}, []string{"route", "method"}),
		readings: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kabinet_readings_total",
			Help: "Meter reading submissions: accepted, replayed (a retry answered from the idempotency record) or refused with the problem code.",
		}, []string{"result"}),
	}
	sms := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "kabinet_sms_total",
		Help: "Text messages handed to the SMS gateway, by outcome.",
	}, []string{"result"})
	mail := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "kabinet_mail_total",
		Help: "E-mail delivery attempts, by outcome: sent, failed (will be retried) or gave_up (failed for the last time).",
	}, []string{"result"})
	// Created up front so that every outcome is a series from the first
	// scrape on: rate() and alerts on "failed" need a zero to start from.
	m.smsSent, m.smsFailed = sms.WithLabelValues(ResultSent), sms.WithLabelValues(ResultFailed)
	m.mailSent, m.mailFailed, m.mailGaveUp = mail.WithLabelValues(ResultSent), mail.WithLabelValues(ResultFailed), mail.WithLabelValues(ResultGaveUp)
	m.readings.WithLabelValues(ResultAccepted)
	m.readings.WithLabelValues(ResultReplayed)

	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.httpRequests, m.httpDuration, m.readings, sms, mail,
	)
	m.payments = newPaymentSeries(reg)
	m.handler = promhttp.HandlerFor(reg, promhttp.HandlerOpts{
		ErrorLog: logAdapter{logger},
		// A failing custom collector (the mail queue's database query)
		// must not hide the other series.
		ErrorHandling: promhttp.ContinueOnError,
		Registry:      reg,
		// /metrics sits on an internal listener, but a scraper gone wild
		// must still not pile up queries against the database.
		MaxRequestsInFlight: 4,
		Timeout:             10 * time.Second,
	})
	return m
}

// Handler serves the metrics in the Prometheus exposition format. Mount it on
// an internal listener, not on the public API: the series describe the
// installation to anyone who can read them.
func (m *Metrics) Handler() http.Handler {
	if m == nil {
		return http.NotFoundHandler()
	}
	return m.handler
}

// Registry is the registry the metrics are served from, for collectors this
// package does not know about.
func (m *Metrics) Registry() *prometheus.Registry {
	if m == nil {
		return nil
	}
	return m.reg
}

// ObserveRequest counts one answered API request. route is the mux pattern
// that matched (http.Request.Pattern), never the path; an empty route is
// counted as "other". A method outside the standard ones is counted as
// "other", since clients choose it freely.
func (m *Metrics) ObserveRequest(route, method string, status int, d time.Duration) {
	if m == nil {
		return
	}
	if route == "" {
		route = Other
	}
	method = knownMethod(method)
	m.httpRequests.WithLabelValues(route, method, statusLabel(status)).Inc()
	m.httpDuration.WithLabelValues(route, method).Observe(d.Seconds())
}

// ObserveReading counts one reading submission: ResultAccepted,
// ResultReplayed or the problem code it was refused with. A result that is
// not a code-shaped word (lower-case letters and underscores) is counted as
// "other", so a number, personal or not, can never become a label.
func (m *Metrics) ObserveReading(result string) {
	if m == nil {
		return
	}
	m.readings.WithLabelValues(codeLabel(result)).Inc()
}

func knownMethod(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return method
	}
	return Other
}

func statusLabel(status int) string {
	if status < 100 || status > 599 {
		return Other
	}
	return strconv.Itoa(status)
}

func codeLabel(s string) string {
	if s == "" || len(s) > 64 {
		return Other
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 'a' || c > 'z') && c != '_' {
			return Other
		}
	}
	return s
}

// logAdapter lets promhttp report collection errors through slog.
type logAdapter struct{ log *slog.Logger }

func (l logAdapter) Println(v ...any) {
	l.log.Error("metrics collection failed", "error", strings.TrimSpace(fmt.Sprintln(v...)))
}
