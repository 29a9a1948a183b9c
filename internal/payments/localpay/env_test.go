package localpay_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"kabinet/internal/domain"
	"kabinet/internal/payments"
	"kabinet/internal/payments/localpay"
	"kabinet/internal/payments/paytest"
)

// env is a local provider on a real HTTP server, the ЮKassa client pointed
// at it, and the shop's notification hook.
type env struct {
	prov   *localpay.Provider
	srv    *httptest.Server
	client *payments.YooKassa
	hook   *hook
}

// hook is the shop's notification URL: it hands every body it receives to
// the test and answers 200, or 500 while fail is above zero.
type hook struct {
	bodies chan []byte
	fail   atomic.Int32
}

func (h *hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	h.bodies <- b
	if h.fail.Add(-1) >= 0 {
		w.WriteHeader(http.StatusInternalServerError)
	}
}

// next waits for the next notification the hook received.
func (h *hook) next(t *testing.T) payments.Notification {
	t.Helper()
	select {
	case b := <-h.bodies:
		n, err := payments.ParseNotification(b)
		if err != nil {
			t.Fatalf("notification %s: %v", b, err)
		}
		return n
	case <-time.After(10 * time.Second):
		t.Fatal("no notification arrived")
		return payments.Notification{}
	}
}

// nextObject waits for the next notification and returns it with the
// status its body claims.
func (h *hook) nextObject(t *testing.T) (payments.Notification, payments.Status) {
	t.Helper()
	select {
	case b := <-h.bodies:
		n, err := payments.ParseNotification(b)
		if err != nil {
			t.Fatalf("notification %s: %v", b, err)
		}
		var w struct {
			Object struct{ Status payments.Status } `json:"object"`
		}
		_ = json.Unmarshal(b, &w)
		return n, w.Object.Status
	case <-time.After(10 * time.Second):
		t.Fatal("no notification arrived")
		return payments.Notification{}, ""
	}
}

// none checks that no further notification is waiting.
func (h *hook) none(t *testing.T) {
	t.Helper()
	select {
	case b := <-h.bodies:
		t.Fatalf("unexpected notification %s", b)
	default:
	}
}

const (
	shopID    = "123456"
	secretKey = "test_secret"
)

func newEnv(t *testing.T, tweak ...func(*localpay.Config, *payments.YooKassaConfig)) *env {
	t.Helper()
	h := &hook{bodies: make(chan []byte, 100)}
	hookSrv := httptest.NewServer(h)
	t.Cleanup(hookSrv.Close)
	quiet := slog.New(slog.DiscardHandler)
	pc := localpay.Config{
		ShopID: shopID, SecretKey: secretKey, NotifyURL: hookSrv.URL,
		NotifyRetryDelay: 5 * time.Millisecond, Logger: quiet,
	}
	cc := payments.YooKassaConfig{
		ShopID: shopID, SecretKey: secretKey, Timeout: 2 * time.Second,
		MaxWait: 3 * time.Second, RetryDelay: 5 * time.Millisecond, Logger: quiet,
	}
	for _, f := range tweak {
		f(&pc, &cc)
	}
	prov := localpay.New(pc)
	srv := httptest.NewServer(prov)
	t.Cleanup(srv.Close)
	t.Cleanup(prov.Close)
	cc.BaseURL = srv.URL + "/v3/"
	client, err := payments.NewYooKassa(cc)
	if err != nil {
		t.Fatal(err)
	}
	return &env{prov: prov, srv: srv, client: client, hook: h}
}

// request is the shared create request (paytest).
func request(amount int64) payments.CreateRequest { return paytest.Request(domain.Kopecks(amount)) }

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}
