package sms

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	testPhone = "+79123456789"
	testText  = `Код: 4711 & "ещё" <b>`
)

// request is what the test gateway saw.
type request struct {
	method, contentType, auth, body, query string
}

// gateway answers with the given statuses in turn (the last one repeats)
// and records requests. It echoes the request body, as gateways do, unless
// answers gives the bodies (the last one repeats).
type gateway struct {
	mu       sync.Mutex
	requests []request
	statuses []int
	headers  []map[string]string
	answers  []string
	srv      *httptest.Server
}

func newGateway(t *testing.T, statuses ...int) *gateway {
	g := &gateway{statuses: statuses}
	g.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		g.mu.Lock()
		n := len(g.requests)
		g.requests = append(g.requests, request{r.Method, r.Header.Get("Content-Type"), r.Header.Get("Authorization"), string(b), r.URL.RawQuery})
		status := g.statuses[min(n, len(g.statuses)-1)]
		var hdr map[string]string
		if n < len(g.headers) {
			hdr = g.headers[n]
		}
		// Gateways echo the request; it must not end up in errors.
		answer := b
		if len(g.answers) > 0 {
			answer = []byte(g.answers[min(n, len(g.answers)-1)])
		}
		g.mu.Unlock()
		for k, v := range hdr {
			w.Header().Set(k, v)
		}
		w.WriteHeader(status)
		_, _ = w.Write(answer)
	}))
	t.Cleanup(g.srv.Close)
	return g
}

func (g *gateway) got() []request {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]request(nil), g.requests...)
}

// sleeps records the waits between attempts instead of waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func newTestSender(t *testing.T, cfg HTTPConfig) (*HTTPSender, *sleeps, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	s, err := NewHTTPSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	sl := &sleeps{}
	s.sleep = sl.sleep
	s.backoffBase = time.Millisecond
	s.backoffCap = 4 * time.Millisecond
	return s, sl, &logs
}

func TestHTTPSenderDefaultBody(t *testing.T) {
	g := newGateway(t, http.StatusOK)
	s, _, logs := newTestSender(t, HTTPConfig{URL: g.srv.URL, Token: "s3cret-token"})
	if err := s.Send(context.Background(), Message{testPhone, testText}); err != nil {
		t.Fatal(err)
	}
	reqs := g.got()
	if len(reqs) != 1 {
		t.Fatalf("got %d requests", len(reqs))
	}
	r := reqs[0]
	if r.method != http.MethodPost || r.contentType != "application/json" || r.auth != "Bearer s3cret-token" {
		t.Errorf("request = %+v", r)
	}
	var body struct{ To, Text string }
	if err := json.Unmarshal([]byte(r.body), &body); err != nil {
		t.Fatalf("body %q: %v", r.body, err)
	}
	if body.To != testPhone || body.Text != testText {
		t.Errorf("body = %q", r.body)
	}
	if strings.Contains(r.body, `\u003c`) {
		t.Errorf("body escapes HTML needlessly: %q", r.body)
	}
	checkLog(t, logs.String(), "s3cret-token")
}

func TestHTTPSenderFormBody(t *testing.T) {
	g := newGateway(t, http.StatusAccepted)
	s, _, logs := newTestSender(t, HTTPConfig{
		URL:          g.srv.URL + "/send?api_id=KEY123",
		Method:       "put",
		Username:     "portal",
		Password:     "p@ss:word",
		ContentType:  "application/x-www-form-urlencoded",
		BodyTemplate: `to={{.PhoneDigits}}&msg={{urlquery .Text}}`,
	})
	if err := s.Send(context.Background(), Message{testPhone, testText}); err != nil {
		t.Fatal(err)
	}
	r := g.got()[0]
	if r.method != http.MethodPut || r.contentType != "application/x-www-form-urlencoded" || r.query != "api_id=KEY123" {
		t.Errorf("request = %+v", r)
	}
	req, _ := http.NewRequest("GET", "/", nil)
	req.SetBasicAuth("portal", "p@ss:word")
	if r.auth != req.Header.Get("Authorization") {
		t.Errorf("auth = %q", r.auth)
	}
	form, err := url.ParseQuery(r.body)
	if err != nil {
		t.Fatalf("body %q: %v", r.body, err)
	}
	if form.Get("to") != "79123456789" || form.Get("msg") != testText {
		t.Errorf("body = %q, parsed %v", r.body, form)
	}
	checkLog(t, logs.String(), "p@ss:word", "KEY123")
}

// checkLog asserts that the log has no full phone, no text, no secrets.
func checkLog(t *testing.T, out string, secrets ...string) {
	t.Helper()
	assertNoPhone(t, out, testPhone)
	for _, s := range append(secrets, "4711") {
		if strings.Contains(out, s) {
			t.Errorf("log contains %q: %s", s, out)
		}
	}
}

func TestHTTPSenderRetry(t *testing.T) {
	g := newGateway(t, 503, 502, 200)
	s, sl, logs := newTestSender(t, HTTPConfig{URL: g.srv.URL, Username: "u", Password: "topsecret"})
	if err := s.Send(context.Background(), Message{testPhone, testText}); err != nil {
		t.Fatal(err)
	}
	if n := len(g.got()); n != 3 {
		t.Errorf("got %d attempts, want 3", n)
	}
	if len(sl.d) != 2 {
		t.Fatalf("waits = %v", sl.d)
	}
	// Full jitter: anything from zero to base·2^attempt.
	for i, d := range sl.d {
		if limit := time.Millisecond << i; d < 0 || d > limit {
			t.Errorf("wait %d = %v, want within [0, %v]", i, d, limit)
		}
	}
	checkLog(t, logs.String(), "topsecret")
	if !strings.Contains(logs.String(), "503") {
		t.Errorf("log misses the status: %s", logs.String())
	}
}

func TestHTTPSenderRetriesExhausted(t *testing.T) {
	g := newGateway(t, 500)
	s, _, logs := newTestSender(t, HTTPConfig{URL: g.srv.URL, Retries: 3})
	err := s.Send(context.Background(), Message{testPhone, testText})
	var se *StatusError
	if !errors.As(err, &se) || se.StatusCode != 500 {
		t.Fatalf("err = %v, want a StatusError 500", err)
	}
	if n := len(g.got()); n != 4 {
		t.Errorf("got %d attempts, want 4", n)
	}
	for _, s := range []string{testPhone, "79123456789", "4711"} {
		if strings.Contains(err.Error(), s) {
			t.Errorf("error contains %q: %v", s, err)
		}
	}
	checkLog(t, logs.String())
}

func TestHTTPSenderNoRetries(t *testing.T) {
	g := newGateway(t, 503)
	s, _, _ := newTestSender(t, HTTPConfig{URL: g.srv.URL, Retries: -1})
	if err := s.Send(context.Background(), Message{testPhone, testText}); err == nil {
		t.Fatal("want an error")
	}
	if n := len(g.got()); n != 1 {
		t.Errorf("got %d attempts, want 1", n)
	}
}

func TestHTTPSenderNoRetryOn4xx(t *testing.T) {
	for _, status := range []int{400, 401, 404} {
		g := newGateway(t, status, 200)
		s, sl, _ := newTestSender(t, HTTPConfig{URL: g.srv.URL})
		err := s.Send(context.Background(), Message{testPhone, testText})
		var se *StatusError
		if !errors.As(err, &se) || se.StatusCode != status {
			t.Errorf("%d: err = %v", status, err)
		}
		if n := len(g.got()); n != 1 || len(sl.d) != 0 {
			t.Errorf("%d: %d attempts, waits %v; want 1 attempt, no wait", status, n, sl.d)
		}
	}
}

func TestHTTPSenderNoRedirect(t *testing.T) {
	g := newGateway(t, 200)
	redirect := httptest.NewServer(http.RedirectHandler(g.srv.URL, http.StatusFound))
	t.Cleanup(redirect.Close)
	s, _, _ := newTestSender(t, HTTPConfig{URL: redirect.URL})
	var se *StatusError
	if err := s.Send(context.Background(), Message{testPhone, testText}); !errors.As(err, &se) || se.StatusCode != http.StatusFound {
		t.Errorf("err = %v, want StatusError 302", err)
	}
	if n := len(g.got()); n != 0 {
		t.Errorf("redirect followed")
	}
}

func TestHTTPSenderRetryAfter(t *testing.T) {
	g := newGateway(t, 429, 503, 503, 200)
	g.headers = []map[string]string{
		{"Retry-After": "2"},
		{"Retry-After": "3600"},
		{"Retry-After": "soon"},
	}
	s, sl, _ := newTestSender(t, HTTPConfig{URL: g.srv.URL, Retries: 3})
	s.jitter = func(limit time.Duration) time.Duration { return limit }
	if err := s.Send(context.Background(), Message{testPhone, testText}); err != nil {
		t.Fatal(err)
	}
	// Honoured, capped at 30 s, and backoff (base 1 ms, third retry: 4 ms)
	// when unreadable.
	want := []time.Duration{2 * time.Second, 30 * time.Second, 4 * time.Millisecond}
	if len(sl.d) != len(want) {
		t.Fatalf("waits = %v, want %v", sl.d, want)
	}
	for i := range want {
		if sl.d[i] != want[i] {
			t.Errorf("waits = %v, want %v", sl.d, want)
			break
		}
	}
}

func TestHTTPSenderRetryAfterRealWait(t *testing.T) {
	g := newGateway(t, 429, 200)
	g.headers = []map[string]string{{"Retry-After": "0"}}
	s, err := NewHTTPSender(HTTPConfig{URL: g.srv.URL, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	// The real sleep with Retry-After: 0 does not fall back to a long
	// backoff.
	s.backoffBase = time.Hour
	start := time.Now()
	if err := s.Send(context.Background(), Message{testPhone, testText}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", -1},
		{"5", 5 * time.Second},
		{" 0 ", 0},
		{"31", 30 * time.Second},
		{"99999999999999999999", -1},
		{"-3", -1},
		{"1.5", -1},
		{"Fri, 27 Nov 2026 12:00:10 GMT", 10 * time.Second},
		{"Fri, 27 Nov 2026 11:00:00 GMT", 0},
		{"Fri, 27 Nov 2026 13:00:00 GMT", 30 * time.Second},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestHTTPSenderBackoffBounds(t *testing.T) {
	s, err := NewHTTPSender(HTTPConfig{URL: "https://sms.example/"})
	if err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second, 5 * time.Second}
	for i, w := range want {
		if got := s.backoff(i); got != w {
			t.Errorf("backoff(%d) = %v, want %v", i, got, w)
		}
	}
	if got := s.backoff(1000); got != 5*time.Second {
		t.Errorf("backoff(1000) = %v", got)
	}
}

func TestHTTPSenderContextCancel(t *testing.T) {
	g := newGateway(t, 503)
	s, err := NewHTTPSender(HTTPConfig{URL: g.srv.URL, Retries: 100, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	// Real waits far longer than the test may take.
	s.backoffBase = time.Hour
	s.backoffCap = time.Hour
	s.jitter = func(limit time.Duration) time.Duration { return limit }
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	err = s.Send(ctx, Message{testPhone, testText})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v after cancel", d)
	}
	if n := len(g.got()); n > 1 {
		t.Errorf("%d attempts, want at most 1", n)
	}

	// Already cancelled: no request at all.
	before := len(g.got())
	if err := s.Send(ctx, Message{testPhone, testText}); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
	if len(g.got()) != before {
		t.Errorf("request sent with a cancelled context")
	}
}

func TestHTTPSenderCancelDuringBackoff(t *testing.T) {
	g := newGateway(t, 503)
	s, _, _ := newTestSender(t, HTTPConfig{URL: g.srv.URL, Retries: 5})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s.sleep = func(ctx context.Context, d time.Duration) error {
		cancel()
		return sleepContext(ctx, d)
	}
	err := s.Send(ctx, Message{testPhone, testText})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	var se *StatusError
	if !errors.As(err, &se) || se.StatusCode != 503 {
		t.Errorf("err = %v, want the last status too", err)
	}
	if n := len(g.got()); n != 1 {
		t.Errorf("%d attempts, want 1", n)
	}
}

func TestHTTPSenderDeadlineBeforeRetry(t *testing.T) {
	g := newGateway(t, 503, 200)
	g.headers = []map[string]string{{"Retry-After": "20"}}
	s, sl, _ := newTestSender(t, HTTPConfig{URL: g.srv.URL})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.Send(ctx, Message{testPhone, testText})
	var se *StatusError
	if !errors.As(err, &se) || se.StatusCode != 503 {
		t.Errorf("err = %v", err)
	}
	if len(sl.d) != 0 || len(g.got()) != 1 {
		t.Errorf("waited %v over %d attempts, want to give up at once", sl.d, len(g.got()))
	}
}

func TestHTTPSenderTransportErrorRetried(t *testing.T) {
	g := newGateway(t, 200)
	url := g.srv.URL + "/?key=SECRETKEY"
	g.srv.Close()
	s, sl, logs := newTestSender(t, HTTPConfig{URL: url})
	err := s.Send(context.Background(), Message{testPhone, testText})
	if err == nil {
		t.Fatal("want an error")
	}
	if len(sl.d) != 2 {
		t.Errorf("waits = %v, want 2 retries", sl.d)
	}
	if strings.Contains(err.Error(), "SECRETKEY") {
		t.Errorf("error leaks the URL: %v", err)
	}
	checkLog(t, logs.String(), "SECRETKEY")
}

func TestHTTPSenderTimeout(t *testing.T) {
	release := make(chan struct{})
	var attempts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if attempts.Add(1) == 1 {
			select {
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	s, _, _ := newTestSender(t, HTTPConfig{URL: srv.URL, Timeout: 50 * time.Millisecond})
	if err := s.Send(context.Background(), Message{testPhone, testText}); err != nil {
		t.Fatal(err)
	}
	if n := attempts.Load(); n != 2 {
		t.Errorf("%d attempts, want 2", n)
	}
}

func TestHTTPSenderConcurrent(t *testing.T) {
	g := newGateway(t, 200)
	s, _, _ := newTestSender(t, HTTPConfig{URL: g.srv.URL})
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			if err := s.Send(context.Background(), Message{testPhone, testText}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := len(g.got()); n != 10 {
		t.Errorf("%d requests", n)
	}
}

func TestHTTPSenderInvalidMessage(t *testing.T) {
	g := newGateway(t, 200)
	s, _, _ := newTestSender(t, HTTPConfig{URL: g.srv.URL, BodyTemplate: `to={{.PhoneDigits}}&msg={{urlquery .Text}}`})
	if err := s.Send(context.Background(), Message{"+7912&x=1", "hi"}); !errors.Is(err, ErrInvalidPhone) {
		t.Errorf("err = %v", err)
	}
	if err := s.Send(context.Background(), Message{testPhone, ""}); !errors.Is(err, ErrEmptyText) {
		t.Errorf("err = %v", err)
	}
	if n := len(g.got()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

func TestNewHTTPSenderInvalid(t *testing.T) {
	tests := []struct {
		name string
		cfg  HTTPConfig
	}{
		{"empty URL", HTTPConfig{}},
		{"relative URL", HTTPConfig{URL: "/send"}},
		{"ftp", HTTPConfig{URL: "ftp://sms.example/send"}},
		{"no host", HTTPConfig{URL: "https:///send"}},
		{"unparsable URL", HTTPConfig{URL: "https://sms.example/%zz"}},
		{"bad method", HTTPConfig{URL: "https://sms.example/", Method: "PO ST"}},
		{"basic and bearer", HTTPConfig{URL: "https://sms.example/", Username: "u", Token: "t"}},
		{"template syntax", HTTPConfig{URL: "https://sms.example/", BodyTemplate: `{"to":{{json .Phone}`}},
		{"unknown function", HTTPConfig{URL: "https://sms.example/", BodyTemplate: `{{xml .Text}}`}},
		{"unknown field", HTTPConfig{URL: "https://sms.example/", BodyTemplate: `{{.Phnoe}}`}},
		{"bad success pattern", HTTPConfig{URL: "https://sms.example/", SuccessMatch: `"status":"(OK`}},
		{"success field without value", HTTPConfig{URL: "https://sms.example/", SuccessField: "status"}},
		{"success value without field", HTTPConfig{URL: "https://sms.example/", SuccessValue: "OK"}},
		{"success field with an empty part", HTTPConfig{URL: "https://sms.example/", SuccessField: "result..code", SuccessValue: "0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if s, err := NewHTTPSender(tt.cfg); err == nil {
				t.Errorf("NewHTTPSender(%+v) = %v, want an error", tt.cfg, s)
			}
		})
	}
	s, err := NewHTTPSender(HTTPConfig{URL: "HTTPS://sms.example/send"})
	if err != nil {
		t.Fatalf("valid config: %v", err)
	}
	if s.method != http.MethodPost || s.contentType != "application/json" || s.client.Timeout != 10*time.Second || s.retries != 2 {
		t.Errorf("defaults not applied: %+v", s)
	}
}

// A message carrying a new password: the password, the number and the
// text must not reach a log line or a returned error, whatever goes wrong.
func TestHTTPSenderNoPersonalDataOnFailure(t *testing.T) {
	const secretText = "Ваш новый пароль: Kx7-pQ2z\nНикому его не сообщайте"
	closed := newGateway(t, 200)
	closed.srv.Close()
	tests := []struct {
		name     string
		statuses []int
		cfg      HTTPConfig
		url      string
	}{
		{"400", []int{400}, HTTPConfig{}, ""},
		{"500 until retries run out", []int{500}, HTTPConfig{}, ""},
		{"429 then 401", []int{429, 401}, HTTPConfig{}, ""},
		{"redirect", []int{307}, HTTPConfig{}, ""},
		{"connection refused", nil, HTTPConfig{}, closed.srv.URL},
		{"rejected in the body", []int{200}, HTTPConfig{SuccessField: "status", SuccessValue: "OK"}, ""},
		{"template fails on this text", []int{200}, HTTPConfig{BodyTemplate: `{{if ne .Text "test"}}{{range .Text}}{{end}}{{end}}`}, ""},
		{"template fails on this phone", []int{200}, HTTPConfig{BodyTemplate: `{{if ne .PhoneDigits "79000000000"}}{{range .PhoneDigits}}{{end}}{{end}}`}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			cfg.URL = tt.url
			if cfg.URL == "" {
				g := newGateway(t, tt.statuses...)
				g.answers = []string{`{"status":"ERROR","to":"` + testPhone + `","text":` + mustJSON(secretText) + `}`}
				cfg.URL = g.srv.URL
			}
			s, _, logs := newTestSender(t, cfg)
			err := s.Send(context.Background(), Message{testPhone, secretText})
			if err == nil {
				t.Fatal("want an error")
			}
			assertNoPersonalData(t, "error", err.Error(), "Kx7-pQ2z", "Никому")
			assertNoPersonalData(t, "log", logs.String(), "Kx7-pQ2z", "Никому")
			if !strings.Contains(err.Error(), "+7 912 ***-**-89") {
				t.Errorf("error does not name the masked phone: %v", err)
			}
		})
	}
}

// assertNoPersonalData fails if out (what) holds the test phone in any
// form, the test text's code or any of the extra strings.
func assertNoPersonalData(t *testing.T, what, out string, extra ...string) {
	t.Helper()
	for _, s := range append([]string{testPhone, "79123456789", "3456789", "4711"}, extra...) {
		if strings.Contains(out, s) {
			t.Errorf("%s contains %q: %s", what, s, out)
		}
	}
}

func TestRedact(t *testing.T) {
	got := redact(`range can't iterate over +79123456789; "строка1\nстрока2"; 79123456789`, "+79123456789", "79123456789", "строка1\nстрока2", "")
	if want := `range can't iterate over ***; "***"; ***`; got != want {
		t.Errorf("redact = %q, want %q", got, want)
	}
}
