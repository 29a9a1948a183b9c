package portalclient_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"kabinet/internal/domain"
	"kabinet/internal/portalclient"
)

// seen is one request as the fake transport or handler received it.
type seen struct {
	method, path, key, auth, contentType, body string
	at                                         time.Time
}

// fakeRT is an http.RoundTripper that answers from a script, so retry tests
// run inside a synctest bubble (loopback sockets would keep the bubble from
// going idle, and fake time from advancing).
type fakeRT struct {
	mu      sync.Mutex
	calls   []seen
	respond func(n int, r *http.Request) (*http.Response, error)
}

func (f *fakeRT) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		r.Body.Close()
	}
	f.mu.Lock()
	n := len(f.calls)
	f.calls = append(f.calls, seen{method: r.Method, path: r.URL.Path, key: r.Header.Get("Idempotency-Key"),
		auth: r.Header.Get("Authorization"), contentType: r.Header.Get("Content-Type"), body: string(body), at: time.Now()})
	f.mu.Unlock()
	return f.respond(n, r)
}

func (f *fakeRT) seen() []seen {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]seen(nil), f.calls...)
}

func answer(r *http.Request, status int, header http.Header, body string) *http.Response {
	if header == nil {
		header = http.Header{}
	}
	return &http.Response{Status: fmt.Sprintf("%d %s", status, http.StatusText(status)), StatusCode: status,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: header, Body: io.NopCloser(strings.NewReader(body)),
		ContentLength: int64(len(body)), Request: r}
}

func problemAnswer(r *http.Request, status int, code, detail string, header http.Header) *http.Response {
	if header == nil {
		header = http.Header{}
	}
	header.Set("Content-Type", "application/problem+json")
	body, _ := json.Marshal(map[string]any{"type": "urn:kabinet:problem:" + code, "title": http.StatusText(status),
		"status": status, "code": code, "detail": detail, "params": map[string]string{"previous": "12450"}})
	return answer(r, status, header, string(body))
}

const readingBody = `{"reading":{"id":"7","meter_id":"1","period":"2026-11","taken_on":"2026-11-20","source":"customer","status":"accepted","values":{"t1":"12500"},"consumption":{"t1":"50"},"future_field":1},"charge":{"tariff_id":"city-1","rate_valid_from":"2025-07-01","lines":[],"volume_kwh":"50","total_kop":29150,"estimated":false},"message":"Показания приняты."}`

var reading = portalclient.ReadingRequest{Meter: "1", Values: map[domain.Zone]string{domain.T1: "12500"}}

func unavailable(r *http.Request, retryAfter string) *http.Response {
	h := http.Header{}
	if retryAfter != "" {
		h.Set("Retry-After", retryAfter)
	}
	return problemAnswer(r, http.StatusServiceUnavailable, "service_busy", "Портал перегружен.", h)
}

func fakeClient(t *testing.T, rt http.RoundTripper, opts portalclient.Options) *portalclient.Client {
	t.Helper()
	opts.Transport = rt
	c := newClient(t, "https://portal.example", opts)
	c.SetToken("tok")
	return c
}

// TestRetryAfterIsHonoured: a 503 with Retry-After: 120 makes the client
// wait 120 s of fake time, then the 201 is returned.
func TestRetryAfterIsHonoured(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rt := &fakeRT{respond: func(n int, r *http.Request) (*http.Response, error) {
			if n == 0 {
				return unavailable(r, "120"), nil
			}
			return answer(r, http.StatusCreated, http.Header{"Content-Type": {"application/json"}}, readingBody), nil
		}}
		c := fakeClient(t, rt, portalclient.Options{MaxWait: 5 * time.Minute})
		start := time.Now()
		res, err := c.SubmitReading(t.Context(), "1100012345", reading, "key-00000001")
		elapsed := time.Since(start)
		if err != nil {
			t.Fatal(err)
		}
		calls := rt.seen()
		if len(calls) != 2 || elapsed < 120*time.Second || elapsed > 121*time.Second {
			t.Fatalf("%d attempts in %v", len(calls), elapsed)
		}
		if res.Reading == nil || res.Reading.ID != "7" || res.Charge == nil || res.Charge.Total != 29150 || res.Replayed {
			t.Fatalf("result %+v", res)
		}
		for _, s := range calls {
			if s.key != `"key-00000001"` || s.auth != "Bearer tok" || s.contentType != "application/json" || s.method != "POST" || s.path != "/api/v1/accounts/1100012345/readings" {
				t.Errorf("request %+v", s)
			}
			var body map[string]any
			if err := json.Unmarshal([]byte(s.body), &body); err != nil || body["meter"] != "1" || body["confirm"] != false {
				t.Errorf("body %s", s.body)
			}
			if _, ok := body["taken_on"]; ok {
				t.Errorf("zero taken_on sent: %s", s.body)
			}
		}
	})
}

// TestRetryAfterCappedByMaxWait: a Retry-After beyond MaxWait waits MaxWait.
func TestRetryAfterCappedByMaxWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rt := &fakeRT{respond: func(n int, r *http.Request) (*http.Response, error) {
			if n == 0 {
				return unavailable(r, "3600"), nil
			}
			return answer(r, http.StatusOK, nil, `{"accounts":[]}`), nil
		}}
		c := fakeClient(t, rt, portalclient.Options{MaxWait: 10 * time.Second})
		start := time.Now()
		if _, err := c.Accounts(t.Context()); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d != 10*time.Second || len(rt.seen()) != 2 {
			t.Fatalf("%d attempts in %v", len(rt.seen()), d)
		}
	})
}

// TestRetryAfterHTTPDate: an HTTP-date is measured against the server's Date
// header, so a computer clock years off still waits what the server asked.
func TestRetryAfterHTTPDate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		server := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
		rt := &fakeRT{respond: func(n int, r *http.Request) (*http.Response, error) {
			if n == 0 {
				h := http.Header{"Date": {server.Format(http.TimeFormat)}}
				return problemAnswer(r, http.StatusTooManyRequests, "too_many_requests", "Подождите.",
					http.Header{"Retry-After": {server.Add(90 * time.Second).Format(http.TimeFormat)}, "Date": h["Date"]}), nil
			}
			return answer(r, http.StatusOK, nil, `{"questions":[]}`), nil
		}}
		c := fakeClient(t, rt, portalclient.Options{MaxWait: 5 * time.Minute})
		start := time.Now() // the bubble's clock says 2000
		if _, err := c.Questions(t.Context()); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d != 90*time.Second {
			t.Fatalf("waited %v", d)
		}
	})
}

// TestRetryStatuses: which answers are retried, and for which requests.
func TestRetryStatuses(t *testing.T) {
	for _, tc := range []struct {
		name     string
		status   int
		run      func(ctx context.Context, c *portalclient.Client) error
		attempts int
	}{
		{"submit 503", 503, submit, 2},
		{"submit 502", 502, submit, 2},
		{"submit 504", 504, submit, 2},
		{"submit 429", 429, submit, 2},
		{"submit 500", 500, submit, 1},
		{"submit 400", 400, submit, 1},
		{"submit 422", 422, submit, 1},
		{"submit 404", 404, submit, 1},
		{"submit 409", 409, submit, 1},
		{"question 503", 503, func(ctx context.Context, c *portalclient.Client) error {
			_, _, err := c.AskQuestion(ctx, portalclient.QuestionRequest{Text: "?"}, "question-0001")
			return err
		}, 2},
		{"preview 503 (POST without key)", 503, func(ctx context.Context, c *portalclient.Client) error {
			_, err := c.PreviewReading(ctx, "1100012345", reading)
			return err
		}, 1},
		{"login 503", 503, func(ctx context.Context, c *portalclient.Client) error {
			_, err := c.Login(ctx, "100001", "secret")
			return err
		}, 1},
		{"recovery 503", 503, func(ctx context.Context, c *portalclient.Client) error {
			_, err := c.RecoverPassword(ctx, portalclient.Recovery{Customer: "100001"})
			return err
		}, 1},
		{"change password 503", 503, func(ctx context.Context, c *portalclient.Client) error {
			return c.ChangePassword(ctx, "old", "new")
		}, 1},
		{"GET document 502", 502, func(ctx context.Context, c *portalclient.Client) error {
			_, _, _, err := c.Document(ctx, "1100012345", "", "")
			return err
		}, 2},
		// Every profile change may send an SMS code: never repeated.
		{"PUT profile 504", 504, func(ctx context.Context, c *portalclient.Client) error {
			_, err := c.UpdateProfile(ctx, "", "+79120000000", "secret")
			return err
		}, 1},
		{"confirm phone 503", 503, func(ctx context.Context, c *portalclient.Client) error {
			_, err := c.ConfirmPhone(ctx, "123456")
			return err
		}, 1},
		{"GET accounts 401", 401, func(ctx context.Context, c *portalclient.Client) error {
			_, err := c.Accounts(ctx)
			return err
		}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				rt := &fakeRT{respond: func(n int, r *http.Request) (*http.Response, error) {
					if n == 0 {
						return problemAnswer(r, tc.status, "some_code", "Что-то не так.", nil), nil
					}
					return answer(r, http.StatusOK, nil, `{}`), nil
				}}
				c := fakeClient(t, rt, portalclient.Options{})
				err := tc.run(t.Context(), c)
				if got := len(rt.seen()); got != tc.attempts {
					t.Fatalf("%d attempts, want %d (err %v)", got, tc.attempts, err)
				}
				if tc.attempts == 1 && err == nil {
					t.Fatal("no error")
				}
			})
		})
	}
}

func submit(ctx context.Context, c *portalclient.Client) error {
	_, err := c.SubmitReading(ctx, "1100012345", reading, "key-00000001")
	return err
}

// TestRetriesExhausted: 1 + Retries attempts, full-jitter waits within their
// caps, and the last answer as a typed error.
func TestRetriesExhausted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rt := &fakeRT{respond: func(n int, r *http.Request) (*http.Response, error) {
			return answer(r, http.StatusServiceUnavailable, http.Header{"Content-Type": {"text/html"}}, "<h1>Bad gateway</h1>"), nil
		}}
		c := fakeClient(t, rt, portalclient.Options{Retries: 5, MaxWait: 3 * time.Second})
		_, err := c.Accounts(t.Context())
		var se *portalclient.ServerError
		if !errors.As(err, &se) || se.Status != 503 || !portalclient.Temporary(err) {
			t.Fatalf("err %v", err)
		}
		if _, ok := portalclient.RetryAfter(err); ok {
			t.Error("RetryAfter without the header")
		}
		calls := rt.seen()
		if len(calls) != 6 {
			t.Fatalf("%d attempts", len(calls))
		}
		caps := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 3 * time.Second, 3 * time.Second}
		for i := 1; i < len(calls); i++ {
			if gap := calls[i].at.Sub(calls[i-1].at); gap > caps[i-1] {
				t.Errorf("wait %d: %v > %v", i, gap, caps[i-1])
			}
		}
	})
}

// TestRetryAfterReported: a 429 that outlasted the retries carries its
// Retry-After, uncapped.
func TestRetryAfterReported(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rt := &fakeRT{respond: func(n int, r *http.Request) (*http.Response, error) {
			return problemAnswer(r, http.StatusTooManyRequests, "too_many_attempts", "Подождите 15 минут.", http.Header{"Retry-After": {"900"}}), nil
		}}
		c := fakeClient(t, rt, portalclient.Options{Retries: 1, MaxWait: time.Second})
		start := time.Now()
		_, err := c.Profile(t.Context())
		var rej *portalclient.RejectedError
		if !errors.As(err, &rej) || rej.Status != 429 || !portalclient.Temporary(err) || portalclient.Message(err) != "Подождите 15 минут." {
			t.Fatalf("err %#v", err)
		}
		if d, ok := portalclient.RetryAfter(err); !ok || d != 15*time.Minute {
			t.Fatalf("RetryAfter %v %v", d, ok)
		}
		if len(rt.seen()) != 2 || time.Since(start) != time.Second {
			t.Fatalf("%d attempts in %v", len(rt.seen()), time.Since(start))
		}
	})
}

// TestNoRetries: a negative Retries sends once.
func TestNoRetries(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rt := &fakeRT{respond: func(n int, r *http.Request) (*http.Response, error) { return unavailable(r, "1"), nil }}
		c := fakeClient(t, rt, portalclient.Options{Retries: -1})
		_, err := c.Accounts(t.Context())
		if len(rt.seen()) != 1 {
			t.Fatalf("%d attempts", len(rt.seen()))
		}
		if d, ok := portalclient.RetryAfter(err); !ok || d != time.Second {
			t.Fatalf("RetryAfter %v %v (%v)", d, ok, err)
		}
	})
}

var errReset = &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}

// TestTransportErrorsRetried: a reset connection is retried with the same
// key; when it never recovers the result is ErrOffline.
func TestTransportErrorsRetried(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rt := &fakeRT{respond: func(n int, r *http.Request) (*http.Response, error) {
			if n < 2 {
				return nil, errReset
			}
			return answer(r, http.StatusCreated, http.Header{"Idempotent-Replayed": {"true"}}, readingBody), nil
		}}
		c := fakeClient(t, rt, portalclient.Options{})
		res, err := c.SubmitReading(t.Context(), "1100012345", reading, "key-00000002")
		if err != nil || !res.Replayed || string(res.Raw) != readingBody {
			t.Fatalf("%+v, %v", res, err)
		}
		calls := rt.seen()
		if len(calls) != 3 || calls[0].key != `"key-00000002"` || calls[1].key != calls[0].key || calls[2].key != calls[0].key ||
			calls[2].body != calls[0].body {
			t.Fatalf("calls %+v", calls)
		}
	})
	synctest.Test(t, func(t *testing.T) {
		rt := &fakeRT{respond: func(int, *http.Request) (*http.Response, error) { return nil, errReset }}
		c := fakeClient(t, rt, portalclient.Options{})
		start := time.Now()
		_, err := c.Accounts(t.Context())
		if !errors.Is(err, portalclient.ErrOffline) || !errors.Is(err, syscall.ECONNRESET) || !portalclient.Temporary(err) {
			t.Fatalf("err %v", err)
		}
		if !strings.Contains(portalclient.Message(err), "Нет связи с порталом") {
			t.Errorf("Message %q", portalclient.Message(err))
		}
		if len(rt.seen()) != 4 || time.Since(start) > 3500*time.Millisecond {
			t.Fatalf("%d attempts in %v", len(rt.seen()), time.Since(start))
		}
	})
	// A POST without a key is not repeated after a network error either.
	synctest.Test(t, func(t *testing.T) {
		rt := &fakeRT{respond: func(int, *http.Request) (*http.Response, error) { return nil, io.ErrUnexpectedEOF }}
		c := fakeClient(t, rt, portalclient.Options{})
		_, err := c.Login(t.Context(), "100001", "secret")
		if !errors.Is(err, portalclient.ErrOffline) || len(rt.seen()) != 1 {
			t.Fatalf("%d attempts, %v", len(rt.seen()), err)
		}
	})
}

// TestAttemptTimeout: an attempt that hangs is abandoned after Timeout and
// the request sent again.
func TestAttemptTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rt := &fakeRT{respond: func(n int, r *http.Request) (*http.Response, error) {
			if n == 0 {
				<-r.Context().Done()
				return nil, r.Context().Err()
			}
			return answer(r, http.StatusOK, nil, `{"accounts":[{"number":"1100012345","title":"Квартира","address":"","debt_kop":100}]}`), nil
		}}
		c := fakeClient(t, rt, portalclient.Options{Timeout: 20 * time.Second})
		start := time.Now()
		accounts, err := c.Accounts(t.Context())
		if err != nil || len(accounts) != 1 || accounts[0].Debt != 100 {
			t.Fatalf("%+v, %v", accounts, err)
		}
		if d := time.Since(start); d < 20*time.Second || d > 21*time.Second || len(rt.seen()) != 2 {
			t.Fatalf("%d attempts in %v", len(rt.seen()), d)
		}
	})
}

// TestContextCancellation: cancelling stops the waits at once; a caller's
// deadline ends the call as ErrOffline.
func TestContextCancellation(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rt := &fakeRT{respond: func(n int, r *http.Request) (*http.Response, error) { return unavailable(r, "120"), nil }}
		c := fakeClient(t, rt, portalclient.Options{MaxWait: 5 * time.Minute})
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(10*time.Second, cancel)
		start := time.Now()
		_, err := c.SubmitReading(ctx, "1100012345", reading, "key-00000003")
		if !errors.Is(err, context.Canceled) || portalclient.Temporary(err) || errors.Is(err, portalclient.ErrOffline) {
			t.Fatalf("err %v", err)
		}
		if d := time.Since(start); d != 10*time.Second || len(rt.seen()) != 1 {
			t.Fatalf("%d attempts in %v", len(rt.seen()), d)
		}
		if m := portalclient.Message(err); !hasCyrillic(m) {
			t.Errorf("Message %q", m)
		}
	})
	synctest.Test(t, func(t *testing.T) {
		rt := &fakeRT{respond: func(n int, r *http.Request) (*http.Response, error) {
			<-r.Context().Done()
			return nil, r.Context().Err()
		}}
		c := fakeClient(t, rt, portalclient.Options{Timeout: time.Minute})
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		start := time.Now()
		_, err := c.Accounts(ctx)
		if !errors.Is(err, portalclient.ErrOffline) || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err %v", err)
		}
		if d := time.Since(start); d != 5*time.Second || len(rt.seen()) != 1 {
			t.Fatalf("%d attempts in %v", len(rt.seen()), d)
		}
	})
}

// TestCertificateErrorsNotRetried: a verification failure is final.
func TestCertificateErrorsNotRetried(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rt := &fakeRT{respond: func(int, *http.Request) (*http.Response, error) {
			return nil, &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}
		}}
		c := fakeClient(t, rt, portalclient.Options{})
		_, err := c.Accounts(t.Context())
		if !errors.Is(err, portalclient.ErrCertificate) || portalclient.Temporary(err) || len(rt.seen()) != 1 {
			t.Fatalf("%d attempts, %v", len(rt.seen()), err)
		}
	})
}

// TestCommittedThenCut: the portal stores the reading, then the connection
// breaks in the middle of the answer. The client sends the same key again
// and returns the portal's second (replayed) answer.
func TestCommittedThenCut(t *testing.T) {
	var mu sync.Mutex
	var keys []string
	stored := 0
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		mu.Lock()
		keys = append(keys, r.Header.Get("Idempotency-Key"))
		first := len(keys) == 1
		if first {
			stored++
		}
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(readingBody)))
		if first {
			w.WriteHeader(http.StatusCreated)
			io.WriteString(w, readingBody[:len(readingBody)/2])
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler)
		}
		w.Header().Set("Idempotent-Replayed", "true")
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, readingBody)
	}))
	defer hs.Close()
	c := newClient(t, hs.URL, portalclient.Options{MaxWait: 50 * time.Millisecond})
	res, err := c.SubmitReading(t.Context(), "1100012345", reading, "cut-key-0001")
	if err != nil {
		t.Fatal(err)
	}
	if !res.Replayed || res.Reading == nil || res.Reading.ID != "7" || string(res.Raw) != readingBody {
		t.Fatalf("result %+v", res)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(keys) != 2 || keys[0] != `"cut-key-0001"` || keys[1] != keys[0] || stored != 1 {
		t.Fatalf("keys %q, stored %d", keys, stored)
	}
}

// TestConnectionRefused: nobody listens on the port.
func TestConnectionRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c := newClient(t, "http://"+addr, portalclient.Options{MaxWait: 10 * time.Millisecond})
	_, err = c.Accounts(t.Context())
	if !errors.Is(err, portalclient.ErrOffline) || !portalclient.Temporary(err) || !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("err %v", err)
	}
	if m := portalclient.Message(err); !strings.HasPrefix(m, "Нет связи с порталом.") {
		t.Errorf("Message %q", m)
	}
}

// TestNoRedirects: a redirect is not followed (it could lead from https to
// http); it is an unexpected answer.
func TestNoRedirects(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rt := &fakeRT{respond: func(n int, r *http.Request) (*http.Response, error) {
			return answer(r, http.StatusFound, http.Header{"Location": {"http://portal.example/api/v1/accounts"}}, ""), nil
		}}
		c := fakeClient(t, rt, portalclient.Options{})
		_, err := c.Accounts(t.Context())
		var se *portalclient.ServerError
		if !errors.As(err, &se) || se.Status != http.StatusFound || len(rt.seen()) != 1 {
			t.Fatalf("%d requests, %v", len(rt.seen()), err)
		}
	})
}

// TestUnexpectedAnswers: bodies that are not the API's JSON.
func TestUnexpectedAnswers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rt := &fakeRT{respond: func(n int, r *http.Request) (*http.Response, error) {
			switch r.URL.Path {
			case "/api/v1/accounts":
				return answer(r, http.StatusOK, http.Header{"Content-Type": {"text/html"}}, "<html>Wi-Fi login</html>"), nil
			case "/api/v1/session":
				return answer(r, http.StatusCreated, nil, `{"expires_at":"2026-11-20T21:00:00Z"}`), nil
			}
			return answer(r, http.StatusNotFound, http.Header{"Content-Type": {"text/html"}}, "<h1>Not found</h1>"), nil
		}}
		c := fakeClient(t, rt, portalclient.Options{})
		var se *portalclient.ServerError
		if _, err := c.Accounts(t.Context()); !errors.As(err, &se) || se.Status != 200 {
			t.Fatalf("html: %v", err)
		}
		if _, err := c.Login(t.Context(), "100001", "secret"); !errors.As(err, &se) || c.Token() != "tok" {
			t.Fatalf("no token: %v", err)
		}
		if _, err := c.Profile(t.Context()); !errors.As(err, &se) || se.Status != 404 {
			t.Fatalf("html 404: %v", err)
		}
	})
}
