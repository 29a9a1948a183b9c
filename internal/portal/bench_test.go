package portal_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"kabinet/internal/demo"
	"kabinet/internal/domain"
	"kabinet/internal/portal"
	"kabinet/internal/portaldb"
	"kabinet/internal/portaldb/dbtest"
	"kabinet/internal/sms/smstest"
)

// benchEnv is the demo portal (three years of history) served in-process,
// without a network in between: the benchmarks measure the server's work.
type benchEnv struct {
	h     http.Handler
	token string
}

func newBenchEnv(b *testing.B) *benchEnv {
	b.Helper()
	now := time.Now()
	// SQLite, or PostgreSQL with KABINET_TEST_POSTGRES set.
	db := dbtest.Open(b, portaldb.Options{})
	if _, err := demo.Load(context.Background(), db, now); err != nil {
		b.Fatal(err)
	}
	srv, err := portal.New(context.Background(), portal.Config{DB: db, SMS: &smstest.Recorder{}, Window: domain.AlwaysOpen,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	return loggedIn(b, srv)
}

// loggedIn serves srv in-process with the demo customer 100001 logged in.
func loggedIn(b *testing.B, srv *portal.Server) *benchEnv {
	b.Helper()
	e := &benchEnv{h: srv.Handler()}
	rec := e.serve("POST", "/api/v1/session", fmt.Sprintf(`{"customer":%q,"password":%q}`, "100001", demo.Password), nil)
	var login struct{ Token string }
	json.Unmarshal(rec.Body.Bytes(), &login)
	if login.Token == "" {
		b.Fatalf("login: %d %s", rec.Code, rec.Body)
	}
	e.token = login.Token
	return e
}

func (e *benchEnv) serve(method, path, body string, headers map[string]string) *httptest.ResponseRecorder {
	var r *http.Request
	if body != "" {
		r = httptest.NewRequest(method, path, bytes.NewBufferString(body))
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

func (e *benchEnv) firstAccount(b *testing.B) (string, domain.Meter) {
	rec := e.serve("GET", "/api/v1/accounts", "", nil)
	var list struct{ Accounts []domain.AccountSummary }
	json.Unmarshal(rec.Body.Bytes(), &list)
	if len(list.Accounts) == 0 {
		b.Fatalf("accounts: %s", rec.Body)
	}
	acc := list.Accounts[0].Number
	var doc domain.AccountDocument
	json.Unmarshal(e.serve("GET", "/api/v1/accounts/"+acc, "", nil).Body.Bytes(), &doc)
	for _, m := range doc.Meters {
		if m.Active() {
			return acc, m
		}
	}
	b.Fatal("no active meter")
	return "", domain.Meter{}
}

// reportMedian adds the median time of one operation in milliseconds.
func reportMedian(b *testing.B, d []time.Duration) {
	slices.Sort(d)
	if len(d) > 0 {
		b.ReportMetric(float64(d[len(d)/2].Microseconds())/1000, "p50-ms")
	}
}

// BenchmarkAccountDocument: the whole document of an account with three
// years of invoices, payments and readings (a full refresh).
func BenchmarkAccountDocument(b *testing.B) {
	e := newBenchEnv(b)
	acc, _ := e.firstAccount(b)
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		rec := e.serve("GET", "/api/v1/accounts/"+acc, "", nil)
		times = append(times, time.Since(start))
		if rec.Code != http.StatusOK {
			b.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
	reportMedian(b, times)
}

// BenchmarkAccountDocumentNotModified: the common case of a sync, a 304.
func BenchmarkAccountDocumentNotModified(b *testing.B) {
	e := newBenchEnv(b)
	acc, _ := e.firstAccount(b)
	etag := e.serve("GET", "/api/v1/accounts/"+acc, "", nil).Header().Get("ETag")
	b.ResetTimer()
	for b.Loop() {
		if rec := e.serve("GET", "/api/v1/accounts/"+acc, "", map[string]string{"If-None-Match": etag}); rec.Code != http.StatusNotModified {
			b.Fatalf("%d", rec.Code)
		}
	}
}

// BenchmarkSubmitReading: a reading with a fresh Idempotency-Key, checked
// and committed (synchronous=FULL) with its stored response.
func BenchmarkSubmitReading(b *testing.B) {
	e := newBenchEnv(b)
	acc, m := e.firstAccount(b)
	value := m.Zones[0].LastValue.Whole()
	times := make([]time.Duration, 0, b.N)
	i := 0
	b.ResetTimer()
	for b.Loop() {
		i++
		body := fmt.Sprintf(`{"meter":%q,"values":{"t1":"%d"}}`, m.ID, value+int64(i))
		start := time.Now()
		rec := e.serve("POST", "/api/v1/accounts/"+acc+"/readings", body, map[string]string{"Idempotency-Key": fmt.Sprintf("bench-%012d", i)})
		times = append(times, time.Since(start))
		if rec.Code != http.StatusCreated {
			b.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "submissions/s")
	reportMedian(b, times)
}

// BenchmarkSubmitReadingReplay: a retry of a reading already stored.
func BenchmarkSubmitReadingReplay(b *testing.B) {
	e := newBenchEnv(b)
	acc, m := e.firstAccount(b)
	body := fmt.Sprintf(`{"meter":%q,"values":{"t1":"%d"}}`, m.ID, m.Zones[0].LastValue.Whole()+1)
	h := map[string]string{"Idempotency-Key": "bench-replay-key"}
	e.serve("POST", "/api/v1/accounts/"+acc+"/readings", body, h)
	b.ResetTimer()
	for b.Loop() {
		if rec := e.serve("POST", "/api/v1/accounts/"+acc+"/readings", body, h); rec.Code != http.StatusCreated {
			b.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
}
