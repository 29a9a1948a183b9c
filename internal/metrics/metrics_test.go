package metrics_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"kabinet/internal/metrics"
	"kabinet/internal/sms"
	"kabinet/internal/sms/smstest"
)

// scrape fetches /metrics the way Prometheus does and returns the text.
func scrape(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("scrape: %d %s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("scrape content type %q", ct)
	}
	return rec.Body.String()
}

// compare checks the named series against the exposition text want.
func compare(t *testing.T, m *metrics.Metrics, want string, names ...string) {
	t.Helper()
	if err := testutil.GatherAndCompare(m.Registry(), strings.NewReader(want), names...); err != nil {
		t.Error(err)
	}
}

func TestHandlerServesRuntimeSeries(t *testing.T) {
	out := scrape(t, metrics.New(nil))
	for _, name := range []string{"go_goroutines", "go_memstats_alloc_bytes", "kabinet_sms_total", "kabinet_mail_total", "kabinet_readings_total"} {
		if !strings.Contains(out, "\n"+name) && !strings.HasPrefix(out, name) {
			t.Errorf("scrape misses %s:\n%s", name, out)
		}
	}
}

// Each Metrics has its own registry: building two is not a duplicate
// registration, and counting in one does not show in the other.
func TestMetricsAreIndependent(t *testing.T) {
	a, b := metrics.New(nil), metrics.New(nil)
	a.ObserveReading("accepted")
	compare(t, b, `
# HELP kabinet_readings_total Meter reading submissions: accepted, replayed (a retry answered from the idempotency record) or refused with the problem code.
# TYPE kabinet_readings_total counter
kabinet_readings_total{result="accepted"} 0
kabinet_readings_total{result="replayed"} 0
`, "kabinet_readings_total")
}

func TestObserveRequestBoundsLabels(t *testing.T) {
	m := metrics.New(nil)
	m.ObserveRequest("GET /api/v1/news", "GET", 200, 3*time.Millisecond)
	m.ObserveRequest("GET /api/v1/news", "GET", 200, 2*time.Second)
	m.ObserveRequest("", "BREW", 404, time.Millisecond)
	m.ObserveRequest("GET /api/v1/news", "GET", 0, time.Millisecond)
	compare(t, m, `
# HELP kabinet_http_requests_total API requests answered, by route pattern, method and HTTP status.
# TYPE kabinet_http_requests_total counter
kabinet_http_requests_total{method="GET",route="GET /api/v1/news",status="200"} 2
kabinet_http_requests_total{method="GET",route="GET /api/v1/news",status="other"} 1
kabinet_http_requests_total{method="other",route="other",status="404"} 1
`, "kabinet_http_requests_total")

	out := scrape(t, m)
	for _, line := range []string{
		`kabinet_http_request_duration_seconds_bucket{method="GET",route="GET /api/v1/news",le="0.001"} 1`,
		`kabinet_http_request_duration_seconds_bucket{method="GET",route="GET /api/v1/news",le="0.005"} 2`,
		`kabinet_http_request_duration_seconds_bucket{method="GET",route="GET /api/v1/news",le="2.5"} 3`,
		`kabinet_http_request_duration_seconds_bucket{method="GET",route="GET /api/v1/news",le="5"} 3`,
		`kabinet_http_request_duration_seconds_count{method="GET",route="GET /api/v1/news"} 3`,
	} {
		if !strings.Contains(out, line+"\n") {
			t.Errorf("scrape misses %s", line)
		}
	}
}

func TestObserveReadingKeepsNumbersOut(t *testing.T) {
	m := metrics.New(nil)
	for _, r := range []string{"accepted", "replayed", "reading_lower_than_previous", "1100012345", "+79121234567", "Not_A_Code", "", strings.Repeat("a", 65)} {
		m.ObserveReading(r)
	}
	compare(t, m, `
# HELP kabinet_readings_total Meter reading submissions: accepted, replayed (a retry answered from the idempotency record) or refused with the problem code.
# TYPE kabinet_readings_total counter
kabinet_readings_total{result="accepted"} 1
kabinet_readings_total{result="other"} 5
kabinet_readings_total{result="reading_lower_than_previous"} 1
kabinet_readings_total{result="replayed"} 1
`, "kabinet_readings_total")
}

func TestSMSCountsOutcomes(t *testing.T) {
	m := metrics.New(nil)
	// The gateway fails every message whose text says so.
	next := &smstest.Recorder{Refuse: func(m sms.Message) error {
		if strings.Contains(m.Text, "fail") {
			return errors.New("gateway down")
		}
		return nil
	}}
	s := m.SMS(next)
	for _, text := range []string{"Код 1234", "fail", "Код 5678", "fail", "fail"} {
		err := s.Send(context.Background(), sms.Message{Phone: "+79121234567", Text: text})
		if got := err != nil; got != strings.Contains(text, "fail") {
			t.Errorf("Send(%q) = %v: the wrapper must pass the result through", text, err)
		}
	}
	if sent := next.Messages(); len(sent) != 2 || sent[0].Text != "Код 1234" {
		t.Errorf("delivered %v", sent)
	}
	compare(t, m, `
# HELP kabinet_sms_total Text messages handed to the SMS gateway, by outcome.
# TYPE kabinet_sms_total counter
kabinet_sms_total{result="failed"} 3
kabinet_sms_total{result="sent"} 2
`, "kabinet_sms_total")
	if out := scrape(t, m); strings.Contains(out, "79121234567") || strings.Contains(out, "Код") {
		t.Errorf("scrape shows a message:\n%s", out)
	}
}

func TestMailCounters(t *testing.T) {
	m := metrics.New(nil)
	m.MailSent()
	m.MailFailed(false)
	m.MailFailed(false)
	m.MailFailed(true)
	// The observer is how the mailer's hook reaches the same counters.
	var hook interface {
		Sent()
		Failed(final bool)
	} = m.MailObserver()
	hook.Sent()
	hook.Failed(true)
	compare(t, m, `
# HELP kabinet_mail_total E-mail delivery attempts, by outcome: sent, failed (will be retried) or gave_up (failed for the last time).
# TYPE kabinet_mail_total counter
kabinet_mail_total{result="failed"} 2
kabinet_mail_total{result="gave_up"} 2
kabinet_mail_total{result="sent"} 2
`, "kabinet_mail_total")
}

func TestMailQueueReadAtScrape(t *testing.T) {
	var logs bytes.Buffer
	m := metrics.New(slog.New(slog.NewTextHandler(&logs, nil)))
	pending, fail := 3, false
	err := m.RegisterMailQueue(func(ctx context.Context) (int, int, int, error) {
		if _, ok := ctx.Deadline(); !ok {
			t.Error("the queue is counted without a deadline")
		}
		if fail {
			return 0, 0, 0, errors.New("database is locked")
		}
		return pending, 10, 1, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := func(p string) string {
		return `
# HELP kabinet_mail_queue Letters in the mail queue, by state.
# TYPE kabinet_mail_queue gauge
kabinet_mail_queue{state="failed"} 1
kabinet_mail_queue{state="pending"} ` + p + `
kabinet_mail_queue{state="sent"} 10
`
	}
	compare(t, m, want("3"), "kabinet_mail_queue")
	pending = 0
	compare(t, m, want("0"), "kabinet_mail_queue")

	// A failing query loses the gauge for this scrape only; the rest is
	// served and the reason logged.
	fail = true
	out := scrape(t, m)
	if strings.Contains(out, "kabinet_mail_queue{") || !strings.Contains(out, "kabinet_sms_total") {
		t.Errorf("scrape with a failing queue:\n%s", out)
	}
	if !strings.Contains(logs.String(), "database is locked") {
		t.Errorf("the failure is not logged: %s", logs.String())
	}
	fail = false
	compare(t, m, want("0"), "kabinet_mail_queue")
	// Counted after the failed scrape was gathered, so the next one shows it.
	if out := scrape(t, m); !strings.Contains(out, `promhttp_metric_handler_errors_total{cause="gathering"} 1`) {
		t.Errorf("the failure is not counted:\n%s", out)
	}
}

func TestDBStatsReadAtScrape(t *testing.T) {
	m := metrics.New(nil)
	stats := sql.DBStats{MaxOpenConnections: 10, OpenConnections: 4, InUse: 3, Idle: 1, WaitCount: 7, WaitDuration: 1500 * time.Millisecond}
	if err := m.RegisterDB("postgres", func() sql.DBStats { return stats }); err != nil {
		t.Fatal(err)
	}
	if err := m.RegisterDB("sqlite", func() sql.DBStats { return sql.DBStats{MaxOpenConnections: 1} }); err != nil {
		t.Fatal(err)
	}
	if err := m.RegisterDB("postgres", func() sql.DBStats { return stats }); err == nil {
		t.Error("the same database registered twice")
	}
	if err := m.RegisterDB("", nil); err == nil {
		t.Error("registered without a name")
	}
	stats.InUse, stats.Idle, stats.WaitCount = 1, 3, 8
	compare(t, m, `
# HELP kabinet_db_idle_connections Idle connections.
# TYPE kabinet_db_idle_connections gauge
kabinet_db_idle_connections{db="postgres"} 3
kabinet_db_idle_connections{db="sqlite"} 0
# HELP kabinet_db_in_use_connections Connections in use.
# TYPE kabinet_db_in_use_connections gauge
kabinet_db_in_use_connections{db="postgres"} 1
kabinet_db_in_use_connections{db="sqlite"} 0
# HELP kabinet_db_max_open_connections Maximum number of open connections the pool allows (0: no limit).
# TYPE kabinet_db_max_open_connections gauge
kabinet_db_max_open_connections{db="postgres"} 10
kabinet_db_max_open_connections{db="sqlite"} 1
# HELP kabinet_db_open_connections Connections established, in use or idle.
# TYPE kabinet_db_open_connections gauge
kabinet_db_open_connections{db="postgres"} 4
kabinet_db_open_connections{db="sqlite"} 0
# HELP kabinet_db_wait_count_total Connections waited for because the pool was exhausted.
# TYPE kabinet_db_wait_count_total counter
kabinet_db_wait_count_total{db="postgres"} 8
kabinet_db_wait_count_total{db="sqlite"} 0
# HELP kabinet_db_wait_duration_seconds_total Time spent waiting for a connection.
# TYPE kabinet_db_wait_duration_seconds_total counter
kabinet_db_wait_duration_seconds_total{db="postgres"} 1.5
kabinet_db_wait_duration_seconds_total{db="sqlite"} 0
`, "kabinet_db_idle_connections", "kabinet_db_in_use_connections", "kabinet_db_max_open_connections",
		"kabinet_db_open_connections", "kabinet_db_wait_count_total", "kabinet_db_wait_duration_seconds_total")
}

// A server built without metrics may hold a nil *Metrics.
func TestNilMetricsDoNothing(t *testing.T) {
	var m *metrics.Metrics
	m.ObserveRequest("GET /healthz", "GET", 200, time.Millisecond)
	m.ObserveReading("accepted")
	m.MailSent()
	m.MailFailed(true)
	m.MailObserver().Sent()
	if err := m.RegisterMailQueue(nil); err != nil {
		t.Error(err)
	}
	if err := m.RegisterDB("sqlite", nil); err != nil {
		t.Error(err)
	}
	next := &smstest.Recorder{}
	if s := m.SMS(next); s != sms.Sender(next) {
		t.Errorf("SMS on nil Metrics wraps the sender")
	}
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("nil handler: %d", rec.Code)
	}
}

// BenchmarkObserve is what a reading submission adds with metrics on: one
// request and one reading counted.
func BenchmarkObserve(b *testing.B) {
	m := metrics.New(nil)
	b.ReportAllocs()
	for b.Loop() {
		m.ObserveRequest("POST /api/v1/accounts/{account}/readings", "POST", 201, 600*time.Microsecond)
		m.ObserveReading("accepted")
	}
}
