package portalclient_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"kabinet/internal/domain"
	"kabinet/internal/portalclient"
)

const paymentBody = `{"id":"pay_1","account":"1100012345","amount_kop":143891,"commission_kop":0,"status":"pending",
"confirmation_url":"https://pay.example/checkout/pay_1","created_at":"2026-11-20T10:00:00Z","expires_at":"2026-11-20T11:00:00Z","credited":false}`

func providerUnavailable(r *http.Request) *http.Response {
	return problemAnswer(r, http.StatusServiceUnavailable, "payment_provider_unavailable", "Платёжный сервис не отвечает.",
		http.Header{"Retry-After": {"5"}})
}

// TestCreatePaymentRetriesWithTheSameKey: a lost answer and the portal's
// «the provider's outcome is unknown» are retried with the key made at the
// press, so the portal can answer every retry with the one payment.
func TestCreatePaymentRetriesWithTheSameKey(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rt := &fakeRT{respond: func(n int, r *http.Request) (*http.Response, error) {
			switch n {
			case 0:
				return nil, syscall.ECONNRESET
			case 1:
				return providerUnavailable(r), nil
			}
			return answer(r, http.StatusCreated, http.Header{"Content-Type": {"application/json"}}, paymentBody), nil
		}}
		c := fakeClient(t, rt, portalclient.Options{})
		p, err := c.CreatePayment(t.Context(), "1100012345", 143891, "pay-key-0001")
		if err != nil {
			t.Fatal(err)
		}
		if p.ID != "pay_1" || p.Amount != 143891 || p.Status != portalclient.PaymentPending || p.ConfirmationURL != "https://pay.example/checkout/pay_1" {
			t.Fatalf("payment %+v", p)
		}
		calls := rt.seen()
		if len(calls) != 3 {
			t.Fatalf("%d attempts, want 3", len(calls))
		}
		for _, s := range calls {
			if s.key != `"pay-key-0001"` || s.method != "POST" || s.path != "/api/v1/accounts/1100012345/payments" {
				t.Errorf("request %+v", s)
			}
			var body map[string]any
			if err := json.Unmarshal([]byte(s.body), &body); err != nil || body["amount_kop"] != float64(143891) {
				t.Errorf("body %s", s.body)
			}
		}
	})
}

// TestCreatePaymentOfWhatIsDueSendsNoAmount: 0 lets the portal take what
// is due now.
func TestCreatePaymentOfWhatIsDueSendsNoAmount(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rt := &fakeRT{respond: func(_ int, r *http.Request) (*http.Response, error) {
			return answer(r, http.StatusCreated, http.Header{"Content-Type": {"application/json"}}, paymentBody), nil
		}}
		c := fakeClient(t, rt, portalclient.Options{})
		if _, err := c.CreatePayment(t.Context(), "1100012345", 0, "pay-key-0002"); err != nil {
			t.Fatal(err)
		}
		if body := rt.seen()[0].body; body != "{}" {
			t.Errorf("body %s, want {}", body)
		}
		if _, err := c.CreatePayment(t.Context(), "1100012345", 0, "short"); err == nil {
			t.Error("a bad key was sent")
		}
	})
}

// TestPaymentErrorsCarryCodes: the provider still unknown after the
// retries, a refused amount and paying switched off come back with their
// domain codes and params.
func TestPaymentErrorsCarryCodes(t *testing.T) {
	for _, tc := range []struct {
		name     string
		respond  func(r *http.Request) *http.Response
		code     domain.Code
		params   map[string]string
		attempts int
	}{
		{"provider unknown", providerUnavailable, domain.CodePaymentProvider, map[string]string{"retry_after": "5"}, 4},
		{"amount", func(r *http.Request) *http.Response {
			return answer(r, http.StatusUnprocessableEntity, http.Header{"Content-Type": {"application/problem+json"}},
				`{"status":422,"code":"payment_amount_invalid","detail":"Сумма от 1 ₽.","field":"amount_kop","params":{"min_kop":"100","max_kop":"60000000"}}`)
		}, domain.CodePaymentAmount, map[string]string{"min_kop": "100", "max_kop": "60000000"}, 1},
		{"nothing due", func(r *http.Request) *http.Response {
			return problemAnswer(r, http.StatusUnprocessableEntity, "payment_nothing_due", "Долга нет.", nil)
		}, domain.CodeNothingDue, nil, 1},
		{"switched off", func(r *http.Request) *http.Response {
			return problemAnswer(r, http.StatusConflict, "payments_disabled", "Не подключено.", nil)
		}, domain.CodePaymentsOff, nil, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				rt := &fakeRT{respond: func(_ int, r *http.Request) (*http.Response, error) { return tc.respond(r), nil }}
				c := fakeClient(t, rt, portalclient.Options{MaxWait: time.Minute})
				_, err := c.CreatePayment(t.Context(), "1100012345", 100, "pay-key-0003")
				var de *domain.Error
				if !errors.As(err, &de) || de.Code != tc.code {
					t.Fatalf("err %v: %+v, want code %s", err, de, tc.code)
				}
				for k, v := range tc.params {
					if de.Params[k] != v {
						t.Errorf("param %s = %q, want %q", k, de.Params[k], v)
					}
				}
				calls := rt.seen()
				if len(calls) != tc.attempts {
					t.Errorf("%d attempts, want %d", len(calls), tc.attempts)
				}
				for _, s := range calls {
					if s.key != `"pay-key-0003"` {
						t.Errorf("attempt with key %s", s.key)
					}
				}
			})
		})
	}
}

func TestGetPaymentAndOptions(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rt := &fakeRT{respond: func(_ int, r *http.Request) (*http.Response, error) {
			h := http.Header{"Content-Type": {"application/json"}}
			switch r.URL.Path {
			case "/api/v1/payments/pay_1":
				return answer(r, http.StatusOK, h, paymentBody), nil
			case "/api/v1/payment-options":
				return answer(r, http.StatusOK, h, `{"enabled":true,"commission_percent":"1.5","min_kop":100,"max_kop":60000000}`), nil
			}
			return problemAnswer(r, http.StatusNotFound, "not_found", "Нет такого платежа.", nil), nil
		}}
		c := fakeClient(t, rt, portalclient.Options{})
		p, err := c.GetPayment(t.Context(), "pay_1")
		if err != nil || p.ID != "pay_1" || p.ExpiresAt.IsZero() {
			t.Fatalf("payment %+v, %v", p, err)
		}
		if _, err := c.GetPayment(t.Context(), "pay_other"); domain.ErrorCode(err) != domain.CodeNotFound {
			t.Errorf("another's payment: %v", err)
		}
		o, err := c.PaymentOptions(t.Context())
		if err != nil || !o.Enabled || o.CommissionPercent != "1.5" || o.Min != 100 || o.Max != 60000000 {
			t.Fatalf("options %+v, %v", o, err)
		}
	})
}
