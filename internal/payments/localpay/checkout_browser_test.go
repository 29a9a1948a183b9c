package localpay_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"kabinet/internal/browsertest"
	"kabinet/internal/payments"
)

// The checkout page in a real browser: the payer sees the sum and three
// buttons; «Оплатить» pays and «Отказаться» cancels, each brings the payer
// back to the shop's return page and tells the shop's hook.
func TestCheckoutPageInABrowser(t *testing.T) {
	back := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<!doctype html><title>Магазин</title><p>Вернулись в магазин</p>")
	}))
	t.Cleanup(back.Close)
	e := newEnv(t)
	b := browsertest.Start(t)

	for i, tc := range []struct {
		press string
		want  payments.Status
		event string
	}{
		{"Оплатить", payments.Succeeded, "payment.succeeded"},
		{"Отказаться", payments.Canceled, "payment.canceled"},
	} {
		req := request(143891)
		req.ReturnURL = back.URL + "/pay/return"
		p, err := e.client.Create(ctx(t), fmt.Sprintf("key-%d", i), req)
		if err != nil {
			t.Fatal(err)
		}
		page := b.Open(t, p.ConfirmationURL)
		for _, s := range []string{"1 438,91 ₽", "Оплатить", "Отказаться", "Истечь", "деньги не списываются"} {
			if !strings.Contains(strings.Join(strings.Fields(page), " "), s) {
				t.Errorf("the checkout page does not say %q: %q", s, page)
			}
		}
		if got := b.Press(t, tc.press); !strings.Contains(got, "Вернулись в магазин") {
			t.Errorf("after «%s» the browser shows %q, want the shop's return page", tc.press, got)
		}
		got, err := e.client.Get(ctx(t), p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != tc.want {
			t.Errorf("after «%s» the payment is %s, want %s", tc.press, got.Status, tc.want)
		}
		if n := e.hook.next(t); n.Event != tc.event || n.ObjectID != p.ID {
			t.Errorf("after «%s» the shop heard %+v, want %s of %s", tc.press, n, tc.event, p.ID)
		}
		// The page opened again says how it ended and offers no button.
		again := b.Open(t, p.ConfirmationURL)
		if strings.Contains(again, "Оплатить\n") || strings.Contains(again, "Отказаться\n") {
			t.Errorf("a finished payment's page still offers buttons: %q", again)
		}
	}
}
