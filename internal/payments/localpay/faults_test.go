package localpay_test

import (
	"bytes"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"kabinet/internal/payments"
	"kabinet/internal/payments/localpay"
)

func TestCheckoutButtonsCancel(t *testing.T) {
	for _, tt := range []struct {
		action, reason string
	}{
		{"cancel", "permission_revoked"},
		{"expire", "expired_on_confirmation"},
	} {
		t.Run(tt.action, func(t *testing.T) {
			e := newEnv(t)
			p, err := e.client.Create(ctx(t), "key-1", request(100))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := noRedirect.PostForm(p.ConfirmationURL, url.Values{"action": {tt.action}})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if n := e.hook.next(t); n.Event != "payment.canceled" || n.ObjectID != p.ID {
				t.Errorf("notification %+v", n)
			}
			got, err := e.client.Get(ctx(t), p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != payments.Canceled || got.CancellationParty != "yoo_money" || got.CancellationReason != tt.reason {
				t.Errorf("after %s: %s %s/%s", tt.action, got.Status, got.CancellationParty, got.CancellationReason)
			}
			if err := e.prov.Pay(p.ID); err == nil {
				t.Error("a canceled payment could still be paid")
			}
		})
	}
}

// clock is a settable time for the provider.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestUnpaidPaymentExpiresAfterItsLifetime(t *testing.T) {
	clk := &clock{now: time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC)}
	e := newEnv(t, func(c *localpay.Config, _ *payments.YooKassaConfig) {
		c.Now, c.Lifetime = clk.Now, 15*time.Minute
	})
	p, err := e.client.Create(ctx(t), "key-1", request(100))
	if err != nil {
		t.Fatal(err)
	}
	if want := clk.Now().Add(15 * time.Minute); !p.ExpiresAt.Equal(want) {
		t.Errorf("expires at %v, want %v", p.ExpiresAt, want)
	}
	clk.add(14 * time.Minute)
	if got, _ := e.client.Get(ctx(t), p.ID); got.Status != payments.Pending {
		t.Fatalf("before its time the payment is %s", got.Status)
	}
	clk.add(time.Minute)
	got, err := e.client.Get(ctx(t), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != payments.Canceled || got.CancellationReason != "expired_on_confirmation" {
		t.Errorf("after its lifetime: %s %s", got.Status, got.CancellationReason)
	}
	if n := e.hook.next(t); n.Event != "payment.canceled" {
		t.Errorf("notification %+v", n)
	}
	if page := get(t, p.ConfirmationURL); !bytes.Contains([]byte(page), []byte("Время оплаты истекло")) {
		t.Errorf("the page of an expired payment:\n%s", page)
	}
}

func TestNotificationRetriedUntilAccepted(t *testing.T) {
	e := newEnv(t)
	e.hook.fail.Store(2)
	p, _ := e.client.Create(ctx(t), "key-1", request(100))
	if err := e.prov.Pay(p.ID); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if n := e.hook.next(t); n.Event != "payment.succeeded" || n.ObjectID != p.ID {
			t.Errorf("delivery %d: %+v", i+1, n)
		}
	}
}

func TestNotificationBeforeTheCreateAnswer(t *testing.T) {
	e := newEnv(t)
	e.prov.PayInCreate(1)
	p, err := e.client.Create(ctx(t), "key-1", request(100))
	if err != nil {
		t.Fatal(err)
	}
	select {
	case b := <-e.hook.bodies:
		if n, _ := payments.ParseNotification(b); n.ObjectID != p.ID || n.Event != "payment.succeeded" {
			t.Errorf("early notification %s", b)
		}
	default:
		t.Fatal("the create call was answered before the notification was delivered")
	}
	if p.Status != payments.Pending {
		t.Errorf("the create answer says %s, want the pending snapshot", p.Status)
	}
	if got, _ := e.client.Get(ctx(t), p.ID); got.Status != payments.Succeeded {
		t.Errorf("the provider says %s, want succeeded", got.Status)
	}
}

func TestDuplicateNotifications(t *testing.T) {
	e := newEnv(t)
	e.prov.DuplicateNotifications(3)
	p, _ := e.client.Create(ctx(t), "key-1", request(100))
	if err := e.prov.Pay(p.ID); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if n := e.hook.next(t); n.ObjectID != p.ID || n.Event != "payment.succeeded" {
			t.Errorf("copy: %+v", n)
		}
	}
}

func TestOutOfOrderNotification(t *testing.T) {
	e := newEnv(t)
	e.prov.OutOfOrder(1)
	p, _ := e.client.Create(ctx(t), "key-1", request(100))
	if err := e.prov.Pay(p.ID); err != nil {
		t.Fatal(err)
	}
	first, st1 := e.hook.nextObject(t)
	late, st2 := e.hook.nextObject(t)
	if first.Event != "payment.succeeded" || st1 != payments.Succeeded ||
		late.Event != "payment.canceled" || st2 != payments.Pending || late.ObjectID != p.ID {
		t.Errorf("got %s (%s) then %s (%s); want succeeded then a stale canceled/pending", first.Event, st1, late.Event, st2)
	}
	if got, _ := e.client.Get(ctx(t), p.ID); got.Status != payments.Succeeded {
		t.Errorf("the provider says %s after the stale event", got.Status)
	}
}

func TestDroppedNotification(t *testing.T) {
	e := newEnv(t)
	e.prov.DropNotifications(1)
	lost, _ := e.client.Create(ctx(t), "key-1", request(100))
	kept, _ := e.client.Create(ctx(t), "key-2", request(200))
	if err := e.prov.Pay(lost.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.prov.Pay(kept.ID); err != nil {
		t.Fatal(err)
	}
	if n := e.hook.next(t); n.ObjectID != kept.ID {
		t.Errorf("notification about %s, want only the second payment's", n.ObjectID)
	}
	e.hook.none(t)
	if got, _ := e.client.Get(ctx(t), lost.ID); got.Status != payments.Succeeded {
		t.Errorf("the payment whose notification was lost is %s", got.Status)
	}
}

func TestForgedNotification(t *testing.T) {
	e := newEnv(t)
	p, _ := e.client.Create(ctx(t), "key-1", request(100))
	status, err := e.prov.SendForged(p.ID)
	if err != nil || status != http.StatusOK {
		t.Fatalf("forged notification: %d, %v", status, err)
	}
	n, claimed := e.hook.nextObject(t)
	if n.Event != "payment.succeeded" || claimed != payments.Succeeded {
		t.Errorf("forged body says %s %s", n.Event, claimed)
	}
	if got, _ := e.client.Get(ctx(t), p.ID); got.Status != payments.Pending {
		t.Errorf("the provider says %s, want still pending", got.Status)
	}
}

func TestPostWithoutIdempotenceKeyIsRefused(t *testing.T) {
	e := newEnv(t)
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/v3/payments",
		bytes.NewReader([]byte(`{"amount":{"value":"1.00","currency":"RUB"},"capture":true,"confirmation":{"type":"redirect","return_url":"https://x"}}`)))
	req.SetBasicAuth(shopID, secretKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || len(e.prov.Payments()) != 0 {
		t.Errorf("POST without Idempotence-Key: %d, %d payments", resp.StatusCode, len(e.prov.Payments()))
	}
}

func TestStartServesOnARealPort(t *testing.T) {
	prov := localpay.New(localpay.Config{ShopID: shopID, SecretKey: secretKey})
	base, stop, err := prov.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	c, err := payments.NewYooKassa(payments.YooKassaConfig{BaseURL: base + "/v3/", ShopID: shopID, SecretKey: secretKey})
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.Create(ctx(t), "key-1", request(100))
	if err != nil {
		t.Fatal(err)
	}
	if page := get(t, p.ConfirmationURL); !bytes.Contains([]byte(page), []byte("Оплатить")) {
		t.Errorf("checkout page at %s:\n%s", p.ConfirmationURL, page)
	}
}
