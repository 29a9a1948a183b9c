package localpay_test

import (
	"context"
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
// the test and answers with status (200 unless set).
type hook struct {
	bodies chan []byte
	status atomic.Int32
}

func (h *hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	h.bodies <- b
	if s := h.status.Load(); s != 0 {
		w.WriteHeader(int(s))
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

// request is a create request as the portal sends it.
func request(amount int64) payments.CreateRequest {
	return payments.CreateRequest{
		Amount:      domain.Kopecks(amount),
		Description: "Оплата электроэнергии, лицевой счёт 1234567890",
		ReturnURL:   "https://portal.example/pay/return",
		Metadata:    map[string]string{payments.MetadataPaymentID: "pay_1"},
		Receipt: payments.Receipt{
			CustomerEmail: "ivanova@example.ru",
			Items: []payments.ReceiptItem{{
				Description: "Электроэнергия", Quantity: "1", Amount: domain.Kopecks(amount),
				VATCode: 1, PaymentSubject: "service", PaymentMode: "full_payment",
			}},
			TaxSystemCode: 1,
		},
		PaymentOrder: payments.PaymentOrder{
			Type: "utilities", Amount: domain.Kopecks(amount),
			PaymentPurpose: "Оплата электроэнергии по лицевому счёту 1234567890",
			Recipient: payments.Recipient{
				Name: "АО «Энергосбыт»", INN: "7700000000", KPP: "770001001",
				BankName: "ПАО Сбербанк", BIC: "044525225",
				Account: "40702810900000000001", CorrespondentAcct: "30101810400000000225",
			},
			AccountNumber: "1234567890", PeriodMonth: 4, PeriodYear: 2026,
		},
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}
