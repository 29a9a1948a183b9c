package cli_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"kabinet/internal/cli"
	"kabinet/internal/portaltest"
)

// payFake is the demo portal with the payment endpoints answered by the
// test: the n-th question about the payment (from 0) gets statuses[n], the
// last one ever after.
type payFake struct {
	*portaltest.Server
	URL      string
	statuses []string
	asked    atomic.Int64
	created  atomic.Int64
}

func startPayFake(t *testing.T, statuses ...string) *payFake {
	f := &payFake{Server: portaltest.Start(t), statuses: statuses}
	target, _ := url.Parse(f.Server.URL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if f.Down.Load() {
			if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
				conn.Close()
			}
			return
		}
		switch {
		case r.URL.Path == "/api/v1/payment-options":
			w.Write([]byte(`{"enabled":true,"commission_percent":"0","min_kop":100,"max_kop":60000000}`))
		case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/payments"):
			f.created.Add(1)
			w.WriteHeader(http.StatusCreated)
			f.answer(w, "pending")
		case strings.HasPrefix(r.URL.Path, "/api/v1/payments/"):
			n := int(f.asked.Add(1)) - 1
			f.answer(w, f.statuses[min(n, len(f.statuses)-1)])
		default:
			proxy.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(hs.Close)
	f.URL = hs.URL
	return f
}

func (f *payFake) answer(w http.ResponseWriter, status string) {
	json.NewEncoder(w).Encode(map[string]any{"id": "pay_1", "account": "1100012345", "amount_kop": 50000, "commission_kop": 0,
		"status": status, "confirmation_url": "https://pay.example/checkout/pay_1", "created_at": time.Now().Format(time.RFC3339),
		"expires_at": time.Now().Add(time.Hour).Format(time.RFC3339), "credited": status == "succeeded"})
}

func payUser(t *testing.T, f *payFake) *user {
	u := newUser(t)
	u.env["KABINET_PASSWORD"] = "demo12345"
	u.mustRun(cli.ExitOK, "login", "--portal", f.URL, "--customer", "100001")
	return u
}

func TestPayPrintsThePageAndWaitsForTheResult(t *testing.T) {
	f := startPayFake(t, "pending", "pending", "succeeded")
	u := payUser(t, f)
	out := u.mustRun(cli.ExitOK, "pay", "--amount", "500")
	for _, want := range []string{"https://pay.example/checkout/pay_1", "Оплата получена", "500,00 ₽"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
	if f.created.Load() != 1 || f.asked.Load() != 3 {
		t.Errorf("created %d, asked %d times", f.created.Load(), f.asked.Load())
	}
}

func TestPayExitCodes(t *testing.T) {
	f := startPayFake(t, "canceled")
	u := payUser(t, f)
	if out := u.mustRun(cli.ExitFailed, "pay"); !strings.Contains(out, "Оплата отменена") {
		t.Errorf("canceled:\n%s", out)
	}
	f.statuses, _ = []string{"pending"}, f.asked.Swap(0)
	if out := u.mustRun(cli.ExitQueued, "pay", "--wait", "300ms"); !strings.Contains(out, "ещё не завершена") {
		t.Errorf("still open:\n%s", out)
	}
	if out := u.mustRun(cli.ExitUsage, "pay", "--amount", "сто"); !strings.Contains(out, "--amount 1234,56") {
		t.Errorf("bad amount:\n%s", out)
	}
	if out := u.mustRun(cli.ExitFailed, "pay", "--amount", "0,5"); !strings.Contains(out, "не меньше") {
		t.Errorf("small amount:\n%s", out)
	}
	created := f.created.Load()
	f.Down.Store(true)
	if out := u.mustRun(cli.ExitFailed, "pay"); !strings.Contains(out, "нужна связь") {
		t.Errorf("offline:\n%s", out)
	}
	if f.created.Load() != created {
		t.Error("a payment was made offline")
	}
}
