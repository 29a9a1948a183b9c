package portal_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"kabinet/internal/domain"
	"kabinet/internal/openapitest"
	"kabinet/internal/payments"
	"kabinet/internal/portal"
)

// paymentsDoc is the OpenAPI document of paying online: integrators (the
// app, a billing system, the provider's hook) build on it, so the handlers
// are held to it here.
const paymentsDoc = "../../docs/openapi/payments.yaml"

func TestOpenAPIDocumentIsValid(t *testing.T) {
	doc := openapitest.Load(t, paymentsDoc)
	for _, p := range doc.Problems() {
		t.Error(p)
	}
}

// routeRecorder is Metrics that remembers the route of each request: the
// mux pattern that matched it, "other" for the catch-all 404.
type routeRecorder struct {
	mu     sync.Mutex
	routes []string
}

func (r *routeRecorder) ObserveRequest(route, _ string, _ int, _ time.Duration) {
	r.mu.Lock()
	r.routes = append(r.routes, route)
	r.mu.Unlock()
}
func (r *routeRecorder) ObserveReading(string) {}

func (r *routeRecorder) last() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.routes[len(r.routes)-1]
}

// Every operation of the document is a route of the portal's mux with the
// same method and path template, and every payment route of the mux is in
// the document.
func TestOpenAPIPathsAreRoutes(t *testing.T) {
	doc := openapitest.Load(t, paymentsDoc)
	rec := &routeRecorder{}
	e := newEnv(t, func(c *portal.Config) { c.Metrics = rec })
	route := func(method, path string) string {
		e.srv.Handler().ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(method, path, nil))
		return rec.last()
	}
	// The recorder tells a route from the catch-all.
	if got := route("GET", "/api/v1/no-such-route"); got != "other" {
		t.Fatalf("an unrouted path was counted as %q", got)
	}
	documented := map[string]bool{}
	for _, op := range doc.Operations() {
		documented[op.Pattern()] = true
		path := strings.NewReplacer("{account}", ivanovaAcc, "{id}", "pay_0123456789abcdef01234567").Replace(op.Path)
		if got := route(op.Method, path); got != op.Pattern() {
			t.Errorf("%s (as %s %s) is served by the route %q", op.Pattern(), op.Method, path, got)
		}
	}
	src, err := os.ReadFile("server.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`HandleFunc\("([A-Z]+ [^"]*pay[^"]*)"`).FindAllStringSubmatch(string(src), -1) {
		if !documented[m[1]] {
			t.Errorf("the route %q is not in %s", m[1], paymentsDoc)
		}
	}
}

// downProvider is a payment provider that never answers: every create has
// an unknown outcome and every fetch fails.
type downProvider struct{}

func (downProvider) Create(context.Context, string, payments.CreateRequest) (payments.Payment, error) {
	return payments.Payment{}, payments.ErrUnknownOutcome
}
func (downProvider) Get(context.Context, string) (payments.Payment, error) {
	return payments.Payment{}, payments.ErrUnknownOutcome
}
func (downProvider) Refund(context.Context, string, string, domain.Kopecks, *payments.Receipt) (payments.Refund, error) {
	return payments.Refund{}, payments.ErrUnknownOutcome
}
func (downProvider) GetRefund(context.Context, string) (payments.Refund, error) {
	return payments.Refund{}, payments.ErrUnknownOutcome
}

// exchange is one request of the test and what it must be answered.
type exchange struct {
	name         string
	method, path string
	token, key   string
	body         string
	contentType  string // default application/json when there is a body
	remote       string // the client's address; default httptest's 192.0.2.1
	// outside marks a request made off the document on purpose (no token,
	// a malformed key or body): only the answer is held to it.
	outside    bool
	wantStatus int
	wantCode   string // the problem code, for an error
}

// run sends x to h through the document: the test fails when the request
// (unless outside) or the answer is not what the document describes, or
// the answer is not the one x expects.
func (x exchange) run(t *testing.T, doc *openapitest.Document, h http.Handler) (*http.Response, []byte) {
	t.Helper()
	var body io.Reader
	if x.body != "" {
		body = strings.NewReader(x.body)
	}
	r := httptest.NewRequest(x.method, x.path, body)
	if x.body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	if x.contentType != "" {
		r.Header.Set("Content-Type", x.contentType)
	}
	if x.token != "" {
		r.Header.Set("Authorization", "Bearer "+x.token)
	}
	if x.key != "" {
		r.Header.Set("Idempotency-Key", x.key)
	}
	if x.remote != "" {
		r.RemoteAddr = x.remote
	}
	var resp *http.Response
	if x.outside {
		resp = doc.ServeOutside(t, h, r)
	} else {
		resp = doc.Serve(t, h, r)
	}
	got, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != x.wantStatus {
		t.Fatalf("%s: %d %s, want %d", x.name, resp.StatusCode, got, x.wantStatus)
	}
	if x.wantCode != "" {
		var p struct{ Code, Detail string }
		json.Unmarshal(got, &p)
		if p.Code != x.wantCode || !hasCyrillic(p.Detail) {
			t.Errorf("%s: code %q detail %q, want %q and a Russian sentence", x.name, p.Code, p.Detail, x.wantCode)
		}
	}
	return resp, got
}

func paymentOf(t *testing.T, body []byte) portal.PaymentResponse {
	t.Helper()
	var p portal.PaymentResponse
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("payment: %v: %s", err, body)
	}
	return p
}

// The payment API's handlers, driven through every operation of the
// document and every answer a test can bring about: each request and
// answer is held to the document, and at the end every documented answer
// must have been seen but a database failure's 500.
func TestOpenAPIPayments(t *testing.T) {
	doc := openapitest.Load(t, paymentsDoc)
	pe := newPayEnv(t)
	h := pe.srv.Handler()
	tok := pe.token
	petrovTok := pe.login(petrov, password)
	pays := "/api/v1/accounts/" + ivanovaAcc + "/payments"
	const provider = "127.0.0.1:40000" // on the test's allowlist
	notification := func(id string) string {
		return fmt.Sprintf(`{"type":"notification","event":"payment.succeeded","object":{"id":%q,"status":"succeeded"}}`, id)
	}

	// Creating.
	_, b := exchange{name: "create", method: "POST", path: pays, token: tok, key: "oa-key-0001", body: `{"amount_kop":10000}`, wantStatus: 201}.run(t, doc, h)
	first := paymentOf(t, b)
	if first.Status != "pending" || first.Amount != 10000 || first.ConfirmationURL == "" {
		t.Fatalf("created: %+v", first)
	}
	_, b = exchange{name: "replay", method: "POST", path: pays, token: tok, key: "oa-key-0001", body: `{"amount_kop":10000}`, wantStatus: 200}.run(t, doc, h)
	if paymentOf(t, b).ID != first.ID {
		t.Errorf("the replay answered another payment: %s", b)
	}
	_, b = exchange{name: "create what is due", method: "POST", path: pays, token: tok, key: "oa-key-0002", wantStatus: 201}.run(t, doc, h)
	second := paymentOf(t, b)
	for _, x := range []exchange{
		{name: "no key", method: "POST", path: pays, token: tok, body: `{}`, outside: true, wantStatus: 400, wantCode: "idempotency_key_required"},
		{name: "a malformed key", method: "POST", path: pays, token: tok, key: "short", body: `{}`, outside: true, wantStatus: 400, wantCode: "bad_idempotency_key"},
		{name: "an amount as a word", method: "POST", path: pays, token: tok, key: "oa-key-0003", body: `{"amount_kop":"сто"}`, outside: true, wantStatus: 400, wantCode: "bad_request"},
		{name: "no token", method: "POST", path: pays, key: "oa-key-0003", body: `{}`, outside: true, wantStatus: 401, wantCode: "unauthorized"},
		{name: "another's account", method: "POST", path: "/api/v1/accounts/" + petrovAcc + "/payments", token: tok, key: "oa-key-0004", wantStatus: 404, wantCode: "not_found"},
		{name: "a huge body", method: "POST", path: pays, token: tok, key: "oa-key-0005", body: `{"amount_kop":1` + strings.Repeat("0", 1<<20) + `}`, outside: true, wantStatus: 413, wantCode: "body_too_large"},
		{name: "not JSON", method: "POST", path: pays, token: tok, key: "oa-key-0006", body: `amount=100`, contentType: "application/x-www-form-urlencoded", outside: true, wantStatus: 415, wantCode: "unsupported_media_type"},
		{name: "too small an amount", method: "POST", path: pays, token: tok, key: "oa-key-0007", body: `{"amount_kop":50}`, wantStatus: 422, wantCode: "payment_amount_invalid"},
		{name: "nothing due", method: "POST", path: "/api/v1/accounts/" + petrovAcc + "/payments", token: petrovTok, key: "oa-key-0008", wantStatus: 422, wantCode: "payment_nothing_due"},
		{name: "a key used for another amount", method: "POST", path: pays, token: tok, key: "oa-key-0001", body: `{"amount_kop":20000}`, wantStatus: 422, wantCode: "idempotency_key_reused"},
	} {
		x.run(t, doc, h)
	}

	// Following a payment: paid and credited, and given up.
	pe.lp.Pay(pe.providerPayment(first.ID).ID)
	pe.waitStatus(first.ID, "succeeded")
	pe.lp.Cancel(pe.providerPayment(second.ID).ID)
	pe.waitStatus(second.ID, "canceled")
	_, b = exchange{name: "credited", method: "GET", path: "/api/v1/payments/" + first.ID, token: tok, wantStatus: 200}.run(t, doc, h)
	if p := paymentOf(t, b); !p.Credited || p.CreditedPaymentID == "" {
		t.Errorf("paid: %+v", p)
	}
	_, b = exchange{name: "canceled", method: "GET", path: "/api/v1/payments/" + second.ID, token: tok, wantStatus: 200}.run(t, doc, h)
	if p := paymentOf(t, b); p.CancelReason == "" {
		t.Errorf("canceled without a reason: %+v", p)
	}
	for _, x := range []exchange{
		{name: "status without a token", method: "GET", path: "/api/v1/payments/" + first.ID, outside: true, wantStatus: 401, wantCode: "unauthorized"},
		{name: "another's payment", method: "GET", path: "/api/v1/payments/" + first.ID, token: petrovTok, wantStatus: 404, wantCode: "not_found"},
		{name: "no such payment", method: "GET", path: "/api/v1/payments/pay_0123456789abcdef01234567", token: tok, wantStatus: 404, wantCode: "not_found"},
		{name: "options", method: "GET", path: "/api/v1/payment-options", token: tok, wantStatus: 200},
		{name: "options without a token", method: "GET", path: "/api/v1/payment-options", outside: true, wantStatus: 401, wantCode: "unauthorized"},
		{name: "the return page", method: "GET", path: "/pay/return", wantStatus: 200},
	} {
		x.run(t, doc, h)
	}

	// The provider's hook.
	hook := "/api/v1/payments/notifications"
	for _, x := range []exchange{
		{name: "a notification again", method: "POST", path: hook, remote: provider, body: notification(pe.providerPayment(first.ID).ID), wantStatus: 200},
		{name: "not a notification", method: "POST", path: hook, remote: provider, body: `{"type":"notification"}`, outside: true, wantStatus: 400, wantCode: "bad_request"},
		{name: "a forged source", method: "POST", path: hook, body: notification(pe.providerPayment(first.ID).ID), wantStatus: 403, wantCode: "forbidden"},
		{name: "a huge notification", method: "POST", path: hook, remote: provider, body: `{"type":"` + strings.Repeat("n", 1<<20) + `"}`, outside: true, wantStatus: 413, wantCode: "body_too_large"},
	} {
		x.run(t, doc, h)
	}

	// The provider does not answer: the app is told to come back, the hook
	// asks for the notification again.
	down := newEnv(t, func(c *portal.Config) {
		c.Payments = portal.PaymentConfig{Provider: downProvider{}, VATCode: 1,
			Allowlist: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}
	})
	downTok := down.login(ivanova, password)
	resp, _ := exchange{name: "provider down", method: "POST", path: pays, token: downTok, key: "oa-key-0009", wantStatus: 503, wantCode: "payment_provider_unavailable"}.run(t, doc, down.srv.Handler())
	if resp.Header.Get("Retry-After") == "" {
		t.Error("a 503 without Retry-After")
	}
	exchange{name: "hook with provider down", method: "POST", path: hook, remote: provider, body: notification("2ee5f5a4-000f-5000-9000-1e1f7ef0a5a3"), wantStatus: 500, wantCode: "internal_error"}.run(t, doc, down.srv.Handler())

	// Paying online switched off; then a temporary password.
	off := newEnv(t)
	oh := off.srv.Handler()
	offTok := off.login(petrov, password)
	exchange{name: "switched off", method: "POST", path: "/api/v1/accounts/" + petrovAcc + "/payments", token: offTok, key: "oa-key-0010", body: `{"amount_kop":10000}`, wantStatus: 501, wantCode: "payments_disabled"}.run(t, doc, oh)
	exchange{name: "hook switched off", method: "POST", path: hook, remote: provider, body: notification("2ee5f5a4-000f-5000-9000-1e1f7ef0a5a3"), wantStatus: 501, wantCode: "payments_disabled"}.run(t, doc, oh)
	_, b = exchange{name: "options switched off", method: "GET", path: "/api/v1/payment-options", token: offTok, wantStatus: 200}.run(t, doc, oh)
	if !strings.Contains(string(b), `"enabled":false`) {
		t.Errorf("options while off: %s", b)
	}
	recovery(off, ivanovaPhone)
	r := off.do(req{method: "POST", path: "/api/v1/session", body: map[string]string{"customer": ivanova, "password": sentPassword(t, off)}})
	tempTok := r.JSON(t)["token"].(string)
	for _, x := range []exchange{
		{name: "create with a temporary password", method: "POST", path: "/api/v1/accounts/" + ivanovaAcc + "/payments", token: tempTok, key: "oa-key-0011", wantStatus: 403, wantCode: "password_change_required"},
		{name: "status with a temporary password", method: "GET", path: "/api/v1/payments/" + first.ID, token: tempTok, wantStatus: 403, wantCode: "password_change_required"},
		{name: "options with a temporary password", method: "GET", path: "/api/v1/payment-options", token: tempTok, wantStatus: 403, wantCode: "password_change_required"},
	} {
		x.run(t, doc, oh)
	}

	// A failing database is the only documented answer not brought about.
	unproduced := []string{"POST /api/v1/accounts/{account}/payments 500", "GET /api/v1/payments/{id} 500", "GET /api/v1/payment-options 500"}
	for _, u := range doc.Unseen() {
		if !slices.Contains(unproduced, u) {
			t.Errorf("no test produced the documented answer %s", u)
		}
	}
}
