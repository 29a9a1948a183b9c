package main

import (
	"context"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"kabinet/internal/demo"
	"kabinet/internal/payments/localpay"
	"kabinet/internal/portaldb/dbtest"
)

func payJSON(t *testing.T, base, token, key string) map[string]any {
	t.Helper()
	st, m, _ := call(t, "POST", base+"/api/v1/accounts/1100012345/payments", token, `{"amount_kop": 15000}`, "Idempotency-Key", key)
	if st != http.StatusCreated {
		t.Fatalf("create payment: %d %v", st, m)
	}
	return m
}

// waitPayment polls the payment until cond holds.
func waitPayment(t *testing.T, base, token, id string, cond func(map[string]any) bool) map[string]any {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		st, m, _ := call(t, "GET", base+"/api/v1/payments/"+id, token, "")
		if st == http.StatusOK && cond(m) {
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("payment %s: %d %v", id, st, m)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func onlineCredits(t *testing.T, base, token string) int {
	t.Helper()
	_, doc, _ := call(t, "GET", base+"/api/v1/accounts/1100012345", token, "")
	n := 0
	for _, p := range doc["payments"].([]any) {
		if p.(map[string]any)["channel"] == "Онлайн: карта или СБП" {
			n++
		}
	}
	return n
}

// `kabinet-portal -demo` pays with the local provider: the payer presses
// «Оплатить» on the checkout page and the payment is credited.
func TestDemoPaysOnline(t *testing.T) {
	base, stop := startDemo(t, filepath.Join(t.TempDir(), "demo.db"))
	defer stop()
	_, m, _ := call(t, "POST", base+"/api/v1/session", "", loginJSON(demo.Password, ""))
	token := m["token"].(string)
	p := payJSON(t, base, token, "demo-pay-1")
	page := p["confirmation_url"].(string)
	resp, err := http.PostForm(page, url.Values{"action": {"pay"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	waitPayment(t, base, token, p["id"].(string), func(m map[string]any) bool { return m["credited"] == true })
	if n := onlineCredits(t, base, token); n != 1 {
		t.Errorf("%d online credits, want 1", n)
	}
}

// The portal is killed (SIGKILL) after the provider confirmed the payment
// and before the credit committed; the notification is not delivered again.
// Started again, its reconciler finds the payment succeeded and credits it
// once.
func TestKilledBeforeCreditReconciledOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("runs portal processes")
	}
	// The provider outlives the portal; its notifications go through a
	// relay that can be switched off, so the credit must come from the
	// reconciler.
	var target atomic.Pointer[httputil.ReverseProxy]
	relayURL := serveOn(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := target.Load(); p != nil {
			p.ServeHTTP(w, r)
			return
		}
		http.Error(w, "portal down", http.StatusBadGateway)
	}))
	lp := localpay.New(localpay.Config{ShopID: "shop", SecretKey: "secret", NotifyURL: relayURL + "/api/v1/payments/notifications",
		NotifyAttempts: 1})
	lpURL, stopLP, err := lp.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer stopLP()
	db := filepath.Join(t.TempDir(), "portal.db")
	if dsn := os.Getenv(dbtest.EnvPostgres); dsn != "" {
		db = dbtest.NewSchema(t, dsn)
	}
	args := []string{"-demo", "-addr", "127.0.0.1:0", "-db", db, "-sms-file", filepath.Join(t.TempDir(), "sms.txt"),
		"-pay-provider", "yookassa", "-pay-shop-id", "shop", "-pay-api-url", lpURL + "/v3/", "-pay-return-url", "http://127.0.0.1/pay/return",
		"-pay-vat-code", "1", "-pay-hook-allow", "127.0.0.1", "-pay-reconcile", "200ms"}
	env := []string{"KABINET_PAY_SECRET_KEY=secret"}

	base, cmd, logs := startChild(t, args, append(env, "KABINET_TEST_PAY_STALL=1"))
	point := func(u string) {
		pu, _ := url.Parse(u)
		target.Store(httputil.NewSingleHostReverseProxy(pu))
	}
	point(base)
	_, m, _ := call(t, "POST", base+"/api/v1/session", "", loginJSON(demo.Password, ""))
	token := m["token"].(string)
	p := payJSON(t, base, token, "kill-pay-1")
	id := p["id"].(string)
	var providerID string
	for _, q := range lp.Payments() {
		providerID = q.ID
	}
	if err := lp.Pay(providerID); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(logs.String(), "stalling before the credit") {
		if time.Now().After(deadline) {
			t.Fatalf("the portal did not reach the credit:\n%s", logs)
		}
		time.Sleep(10 * time.Millisecond)
	}
	target.Store(nil)
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()

	base2, _, _ := startChild(t, args, env)
	_, m, _ = call(t, "POST", base2+"/api/v1/session", "", loginJSON(demo.Password, ""))
	token = m["token"].(string)
	got := waitPayment(t, base2, token, id, func(m map[string]any) bool { return m["credited"] == true })
	if got["status"] != "succeeded" {
		t.Errorf("after the restart: %v", got)
	}
	// Late deliveries change nothing.
	point(base2)
	lp.DuplicateNotifications(2)
	if n := onlineCredits(t, base2, token); n != 1 {
		t.Errorf("%d online credits, want 1", n)
	}
}

// serveOn serves h on a free port of 127.0.0.1 until the test ends.
func serveOn(t *testing.T, h http.Handler) string {
	t.Helper()
	ts := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go ts.Serve(ln)
	t.Cleanup(func() { ts.Close() })
	return "http://" + ln.Addr().String()
}

// startChild runs the portal with args in a process of its own and returns
// its URL, the process and its log.
func startChild(t *testing.T, args, env []string) (string, *exec.Cmd, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(append(os.Environ(), env...), childArgs+"="+strings.Join(args, "\x1f"))
	logs := &syncBuffer{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	})
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if m := listening.FindStringSubmatch(logs.String()); m != nil {
			return m[1], cmd, logs
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("the portal did not start:\n%s", logs)
	return "", nil, nil
}

// `kabinet-portal payments refund` returns part of a paid payment through
// the provider the server uses, and the account shows the refund once;
// a refund beyond what is left is refused and changes nothing.
func TestPaymentsRefundCommand(t *testing.T) {
	lp := localpay.New(localpay.Config{ShopID: "shop", SecretKey: "secret"})
	lpURL, stopLP, err := lp.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer stopLP()
	db := filepath.Join(t.TempDir(), "portal.db")
	provider := []string{"-pay-shop-id", "shop", "-pay-api-url", lpURL + "/v3/"}
	args := append([]string{"-demo", "-addr", "127.0.0.1:0", "-db", db, "-sms-file", filepath.Join(t.TempDir(), "sms.txt"),
		"-pay-provider", "yookassa", "-pay-return-url", "http://127.0.0.1/pay/return", "-pay-vat-code", "1", "-pay-reconcile", "100ms"}, provider...)
	t.Setenv("KABINET_PAY_SECRET_KEY", "secret")
	base, _, _ := startChild(t, args, []string{"KABINET_PAY_SECRET_KEY=secret"})
	_, m, _ := call(t, "POST", base+"/api/v1/session", "", loginJSON(demo.Password, ""))
	token := m["token"].(string)
	id := payJSON(t, base, token, "refund-pay-1")["id"].(string)
	if err := lp.Pay(lp.Payments()[0].ID); err != nil {
		t.Fatal(err)
	}
	// No notification reaches the portal here: its reconciler credits.
	waitPayment(t, base, token, id, func(m map[string]any) bool { return m["credited"] == true })

	refund := func(amount string) (string, error) {
		var out strings.Builder
		err := paymentsCmd(context.Background(), append(append([]string{"refund", "-db", db, "-amount", amount}, provider...), id), &out)
		return out.String(), err
	}
	if _, err := refund("150,01"); err == nil || !strings.Contains(err.Error(), "можно вернуть до 150,00") {
		t.Errorf("a refund beyond the payment: %v", err)
	}
	out, err := refund("40,00")
	if err != nil || !strings.Contains(out, "Возвращено 40,00 ₽") {
		t.Fatalf("refund: %q, %v", out, err)
	}
	_, doc, _ := call(t, "GET", base+"/api/v1/accounts/1100012345", token, "")
	var refunds []any
	for _, p := range doc["payments"].([]any) {
		if p.(map[string]any)["channel"] == "Возврат онлайн-оплаты" {
			refunds = append(refunds, p.(map[string]any)["amount_kop"])
		}
	}
	if len(refunds) != 1 || refunds[0] != float64(-4000) {
		t.Errorf("refunds in the account document: %v, want one of −4000 kopecks", refunds)
	}
	if got := lp.Refunds(); len(got) != 1 {
		t.Errorf("the provider made %d refunds", len(got))
	}
}
