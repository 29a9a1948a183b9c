package metrics_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"kabinet/internal/auth"
	"kabinet/internal/demo"
	"kabinet/internal/domain"
	"kabinet/internal/metrics"
	"kabinet/internal/portal"
	"kabinet/internal/portaldb"
	"kabinet/internal/sms/smstest"
)

func init() { auth.UseFastParamsForTests() }

// portalEnv is the demo portal with metrics on, served in-process.
type portalEnv struct {
	tb      testing.TB
	metrics *metrics.Metrics
	h       http.Handler
	token   string
}

func newPortal(tb testing.TB, m *metrics.Metrics) *portalEnv {
	tb.Helper()
	ctx := context.Background()
	db, err := portaldb.Open(ctx, filepath.Join(tb.TempDir(), "portal.db"), portaldb.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := demo.Load(ctx, db, time.Now()); err != nil {
		tb.Fatal(err)
	}
	cfg := portal.Config{DB: db, SMS: m.SMS(&smstest.Recorder{}), Window: domain.AlwaysOpen,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if m != nil {
		// Without metrics the field stays nil, as in a server built
		// without them (a nil *Metrics would do nothing as well).
		cfg.Metrics = m
	}
	srv, err := portal.New(ctx, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(srv.Wait)
	e := &portalEnv{tb: tb, metrics: m, h: srv.Handler()}
	rec := e.serve("POST", "/api/v1/session", fmt.Sprintf(`{"customer":%q,"password":%q}`, demo.Customers[0].Number, demo.Password), nil)
	var login struct{ Token string }
	json.Unmarshal(rec.Body.Bytes(), &login)
	if login.Token == "" {
		tb.Fatalf("login: %d %s", rec.Code, rec.Body)
	}
	e.token = login.Token
	return e
}

// serve answers one request synchronously, so the metrics are recorded when
// it returns.
func (e *portalEnv) serve(method, path, body string, headers map[string]string) *httptest.ResponseRecorder {
	var r *http.Request
	if body != "" {
		r = httptest.NewRequest(method, path, strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
	} else {
		r = httptest.NewRequest(method, path, nil)
	}
	if e.token != "" {
		r.Header.Set("Authorization", "Bearer "+e.token)
	}
	for k, v := range headers {
		r.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, r)
	return rec
}

// firstMeter returns the customer's first account and its active meter.
func (e *portalEnv) firstMeter() (string, domain.Meter) {
	rec := e.serve("GET", "/api/v1/accounts", "", nil)
	var list struct{ Accounts []domain.AccountSummary }
	json.Unmarshal(rec.Body.Bytes(), &list)
	if len(list.Accounts) == 0 {
		e.tb.Fatalf("accounts: %s", rec.Body)
	}
	acc := list.Accounts[0].Number
	var doc domain.AccountDocument
	json.Unmarshal(e.serve("GET", "/api/v1/accounts/"+acc, "", nil).Body.Bytes(), &doc)
	for _, m := range doc.Meters {
		if m.Active() {
			return acc, m
		}
	}
	e.tb.Fatal("no active meter")
	return "", domain.Meter{}
}

func TestPortalRequestsScrapedByRoutePattern(t *testing.T) {
	m := metrics.New(nil)
	e := newPortal(t, m)
	acc, meter := e.firstMeter()
	last := meter.Zones[0].LastValue.Whole()
	reading := func(v int64) string { return fmt.Sprintf(`{"meter":%q,"values":{"t1":"%d"}}`, meter.ID, v) }
	key := map[string]string{"Idempotency-Key": "metrics-test-0001"}

	if rec := e.serve("POST", "/api/v1/accounts/"+acc+"/readings", reading(last+10), key); rec.Code != http.StatusCreated {
		t.Fatalf("submit: %d %s", rec.Code, rec.Body)
	}
	if rec := e.serve("POST", "/api/v1/accounts/"+acc+"/readings", reading(last+10), key); rec.Code != http.StatusCreated {
		t.Fatalf("replay: %d %s", rec.Code, rec.Body)
	}
	refused := e.serve("POST", "/api/v1/accounts/"+acc+"/readings", reading(last-100), map[string]string{"Idempotency-Key": "metrics-test-0002"})
	var p struct{ Code string }
	json.Unmarshal(refused.Body.Bytes(), &p)
	if refused.Code != http.StatusUnprocessableEntity || p.Code == "" {
		t.Fatalf("lower reading: %d %s", refused.Code, refused.Body)
	}
	e.serve("GET", "/api/v1/accounts/"+acc+"/no-such-thing", "", nil)
	e.serve("GET", "/api/v1/accounts/0000000000", "", nil)

	out := scrape(t, m)
	for _, line := range []string{
		`kabinet_http_requests_total{method="POST",route="POST /api/v1/session",status="201"} 1`,
		`kabinet_http_requests_total{method="GET",route="GET /api/v1/accounts",status="200"} 1`,
		`kabinet_http_requests_total{method="GET",route="GET /api/v1/accounts/{account}",status="200"} 1`,
		`kabinet_http_requests_total{method="GET",route="GET /api/v1/accounts/{account}",status="404"} 1`,
		`kabinet_http_requests_total{method="POST",route="POST /api/v1/accounts/{account}/readings",status="201"} 2`,
		`kabinet_http_requests_total{method="POST",route="POST /api/v1/accounts/{account}/readings",status="422"} 1`,
		`kabinet_http_requests_total{method="GET",route="other",status="404"} 1`,
		`kabinet_http_request_duration_seconds_count{method="POST",route="POST /api/v1/accounts/{account}/readings"} 3`,
		`kabinet_readings_total{result="accepted"} 1`,
		`kabinet_readings_total{result="replayed"} 1`,
		`kabinet_readings_total{result="` + p.Code + `"} 1`,
	} {
		if !strings.Contains(out, line+"\n") {
			t.Errorf("scrape misses %s", line)
		}
	}
	// No account or customer number anywhere in a label, and none at all in
	// our own series (runtime gauges are numbers that could match by
	// chance).
	personal := regexp.MustCompile(regexp.QuoteMeta(acc) + `|` + regexp.QuoteMeta(demo.Customers[0].Number) + `|0000000000`)
	for _, line := range strings.Split(out, "\n") {
		labels := ""
		if i, j := strings.IndexByte(line, '{'), strings.LastIndexByte(line, '}'); i >= 0 && j > i {
			labels = line[i:j]
		}
		if personal.MatchString(labels) || strings.HasPrefix(line, "kabinet_") && personal.MatchString(line) {
			t.Errorf("scrape shows a personal number: %s", line)
		}
	}
	if t.Failed() {
		t.Logf("scrape:\n%s", grepKabinet(out))
	}
}

func grepKabinet(out string) string {
	var b bytes.Buffer
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "kabinet_") {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

// BenchmarkSubmitReading is portal's BenchmarkSubmitReading with metrics off
// and on: counting must not cost a measurable part of a submission.
func BenchmarkSubmitReading(b *testing.B) {
	for _, on := range []bool{false, true} {
		b.Run(fmt.Sprintf("metrics=%v", on), func(b *testing.B) {
			var m *metrics.Metrics
			if on {
				m = metrics.New(nil)
			}
			e := newPortal(b, m)
			acc, meter := e.firstMeter()
			value := meter.Zones[0].LastValue.Whole()
			i := 0
			for b.Loop() {
				i++
				body := fmt.Sprintf(`{"meter":%q,"values":{"t1":"%d"}}`, meter.ID, value+int64(i))
				rec := e.serve("POST", "/api/v1/accounts/"+acc+"/readings", body, map[string]string{"Idempotency-Key": fmt.Sprintf("bench-%012d", i)})
				if rec.Code != http.StatusCreated {
					b.Fatalf("%d %s", rec.Code, rec.Body)
				}
			}
		})
	}
}

// BenchmarkSubmitReadingReplay: the cheapest submission (about 40 µs), where
// the cost of counting would show most.
func BenchmarkSubmitReadingReplay(b *testing.B) {
	for _, on := range []bool{false, true} {
		b.Run(fmt.Sprintf("metrics=%v", on), func(b *testing.B) {
			var m *metrics.Metrics
			if on {
				m = metrics.New(nil)
			}
			e := newPortal(b, m)
			acc, meter := e.firstMeter()
			body := fmt.Sprintf(`{"meter":%q,"values":{"t1":"%d"}}`, meter.ID, meter.Zones[0].LastValue.Whole()+1)
			h := map[string]string{"Idempotency-Key": "bench-replay-key"}
			e.serve("POST", "/api/v1/accounts/"+acc+"/readings", body, h)
			for b.Loop() {
				if rec := e.serve("POST", "/api/v1/accounts/"+acc+"/readings", body, h); rec.Code != http.StatusCreated {
					b.Fatalf("%d %s", rec.Code, rec.Body)
				}
			}
		})
	}
}
