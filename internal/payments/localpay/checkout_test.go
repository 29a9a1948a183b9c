package localpay_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kabinet/internal/domain"
	"kabinet/internal/payments"
)

// noRedirect is a browser that stops at the redirect back to the shop.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error {
	return http.ErrUseLastResponse
}}

func TestCreateThenGet(t *testing.T) {
	e := newEnv(t)
	p, err := e.client.Create(ctx(t), "key-1", request(143891))
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != payments.Pending || p.Paid || p.Amount != 143891 || p.Currency != "RUB" {
		t.Fatalf("created %+v, want pending 143891 RUB", p)
	}
	if !strings.HasPrefix(p.ConfirmationURL, e.srv.URL+"/checkout/") {
		t.Errorf("confirmation URL %q is not the local checkout page", p.ConfirmationURL)
	}
	if got := p.ExpiresAt.Sub(p.CreatedAt); got.Hours() != 1 {
		t.Errorf("payment lives %v, want 1 h", got)
	}
	if p.Metadata[payments.MetadataPaymentID] != "pay_1" {
		t.Errorf("metadata %v lost our id", p.Metadata)
	}
	got, err := e.client.Get(ctx(t), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != p.ID || got.Status != payments.Pending || got.Amount != p.Amount || !got.CreatedAt.Equal(p.CreatedAt) {
		t.Errorf("get %+v, created %+v", got, p)
	}
	// The provider got the receipt and the ЖКУ payment order.
	var sent struct {
		Receipt struct {
			Customer struct{ Email string }
			Items    []struct{ Description string }
		}
		PaymentOrder struct {
			Type          string `json:"type"`
			AccountNumber string `json:"account_number"`
		} `json:"payment_order"`
	}
	lp, _ := e.prov.Payment(p.ID)
	if err := json.Unmarshal(lp.Request, &sent); err != nil {
		t.Fatal(err)
	}
	if sent.Receipt.Customer.Email != "ivanova@example.ru" || len(sent.Receipt.Items) != 1 ||
		sent.PaymentOrder.Type != "utilities" || sent.PaymentOrder.AccountNumber != "1234567890" {
		t.Errorf("provider received %s", lp.Request)
	}
}

func TestCheckoutPayNotifiesAndReturns(t *testing.T) {
	e := newEnv(t)
	p, err := e.client.Create(ctx(t), "key-1", request(143891))
	if err != nil {
		t.Fatal(err)
	}
	page := get(t, p.ConfirmationURL)
	for _, want := range []string{domain.Kopecks(143891).String(), "Оплатить", "Отказаться", "Истечь", "лицевой счёт 1234567890"} {
		if !strings.Contains(page, want) {
			t.Errorf("checkout page lacks %q:\n%s", want, page)
		}
	}
	if !strings.Contains(page, "1\u202f438,91 ₽") {
		t.Errorf("amount not written the Russian way «1 438,91 ₽»:\n%s", page)
	}

	resp, err := noRedirect.PostForm(p.ConfirmationURL, url.Values{"action": {"pay"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "https://portal.example/pay/return" {
		t.Errorf("after «Оплатить»: %d to %q, want 303 to the return URL", resp.StatusCode, resp.Header.Get("Location"))
	}
	n := e.hook.next(t)
	if n.Event != "payment.succeeded" || n.ObjectID != p.ID {
		t.Errorf("notification %+v", n)
	}
	got, err := e.client.Get(ctx(t), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != payments.Succeeded || !got.Paid {
		t.Errorf("after «Оплатить» the payment is %s", got.Status)
	}
	if page := get(t, p.ConfirmationURL); !strings.Contains(page, "Оплачено") || strings.Contains(page, "Истечь") {
		t.Errorf("a paid payment's page still offers to pay:\n%s", page)
	}
}

func get(t *testing.T, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", u, resp.StatusCode, b)
	}
	return string(b)
}
