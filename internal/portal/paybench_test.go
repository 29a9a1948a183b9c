package portal_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"

	"kabinet/internal/demo"
	"kabinet/internal/domain"
	"kabinet/internal/payments"
	"kabinet/internal/payments/localpay"
	"kabinet/internal/portal"
	"kabinet/internal/portaldb"
	"kabinet/internal/portaldb/dbtest"
	"kabinet/internal/sms/smstest"
)

// inProcess is an http.RoundTripper that serves requests with h in this
// process: the ЮKassa client talks to the local provider without a network
// in between, so the benchmark measures the portal's work, not the loopback.
type inProcess struct{ h http.Handler }

func (t inProcess) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body == nil {
		// A server's request always has one.
		r.Body = http.NoBody
	}
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}

// BenchmarkPaymentNotification measures the provider's hook for a payment
// the payer has paid: the allowlist, parsing, fetching the payment from the
// provider (the local provider through the ЮKassa client, in-process), the
// comparison with our row and the credit with its change of the account, in
// one transaction. The payments are created and paid before the timer runs.
var benchLog io.Writer = io.Discard

func BenchmarkPaymentNotification(b *testing.B) {
	db := dbtest.Open(b, portaldb.Options{})
	if _, err := demo.Load(context.Background(), db, time.Now()); err != nil {
		b.Fatal(err)
	}
	lp := localpay.New(localpay.Config{ShopID: "shop", SecretKey: "secret"})
	client, err := payments.NewYooKassa(payments.YooKassaConfig{BaseURL: "http://localpay/v3/", ShopID: "shop", SecretKey: "secret",
		HTTPClient: &http.Client{Transport: inProcess{lp}}})
	if err != nil {
		b.Fatal(err)
	}
	srv, err := portal.New(context.Background(), portal.Config{DB: db, SMS: &smstest.Recorder{}, Window: domain.AlwaysOpen,
		Logger: slog.New(slog.NewTextHandler(benchLog, nil)),
		Payments: portal.PaymentConfig{Provider: client, ReturnURL: "http://127.0.0.1/pay/return", VATCode: 1,
			Allowlist: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}}})
	if err != nil {
		b.Fatal(err)
	}
	e := loggedIn(b, srv)
	bodies := make([][]byte, b.N)
	for i := range bodies {
		rec := e.serve("POST", "/api/v1/accounts/1100012345/payments", `{"amount_kop": 10000}`,
			map[string]string{"Idempotency-Key": fmt.Sprintf("bench-pay-%08d", i)})
		if rec.Code != http.StatusCreated {
			b.Fatalf("create: %d %s", rec.Code, rec.Body)
		}
		all := lp.Payments()
		id := all[len(all)-1].ID
		if err := lp.Pay(id); err != nil {
			b.Fatal(err)
		}
		bodies[i] = fmt.Appendf(nil, `{"type":"notification","event":"payment.succeeded","object":{"id":%q,"status":"succeeded"}}`, id)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		r := httptest.NewRequest("POST", "/api/v1/payments/notifications", bytes.NewReader(bodies[i]))
		r.RemoteAddr = "192.0.2.10:40000"
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, r)
		if rec.Code != http.StatusOK {
			b.Fatalf("notification: %d %s", rec.Code, rec.Body)
		}
	}
	b.StopTimer()
	counts, _ := db.OnlinePaymentCounts(context.Background())
	if counts[portaldb.PaySucceeded] != b.N {
		b.Fatalf("%d credited of %d", counts[portaldb.PaySucceeded], b.N)
	}
}
