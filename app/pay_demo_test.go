package app

import (
	"context"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"kabinet/internal/auth"
	"kabinet/internal/browsertest"
	"kabinet/internal/demo"
	"kabinet/internal/domain"
	"kabinet/internal/payments"
	"kabinet/internal/payments/localpay"
	"kabinet/internal/portal"
	"kabinet/internal/portaldb"
	"kabinet/internal/portaldb/dbtest"
	"kabinet/internal/sms/smstest"
)

// startPayDemo runs the demo portal paying online through the local
// provider, as `make run` does, and returns its address and the provider
// (whose Pay is the payer's «Оплатить» on its checkout page).
func startPayDemo(t *testing.T) (string, *localpay.Provider) {
	t.Helper()
	auth.UseFastParamsForTests()
	ctx := context.Background()
	seed, err := demo.Build(time.Now(), auth.HashPassword)
	if err != nil {
		t.Fatal(err)
	}
	db := dbtest.Open(t, portaldb.Options{})
	if err := db.LoadSeed(ctx, seed); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var handler http.Handler
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		h := handler
		mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	lp := localpay.New(localpay.Config{ShopID: "local", SecretKey: "test_secret", NotifyURL: hs.URL + "/api/v1/payments/notifications",
		NotifyRetryDelay: 20 * time.Millisecond})
	lpURL, stop, err := lp.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	client, err := payments.NewYooKassa(payments.YooKassaConfig{BaseURL: lpURL + "/v3/", ShopID: "local", SecretKey: "test_secret"})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := portal.New(ctx, portal.Config{DB: db, SMS: &smstest.Recorder{}, Window: domain.AlwaysOpen, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Payments: portal.PaymentConfig{Provider: client, ReturnURL: hs.URL + "/pay/return",
			Allowlist: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, VATCode: 1, TaxSystemCode: 1}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Wait)
	mu.Lock()
	handler = srv.Handler()
	mu.Unlock()
	return hs.URL, lp
}

// TestPayTheDebtOnTheDemoPortal is the acceptance story: «Оплатить» on
// Главная, the sum due prefilled, «Перейти к оплате», the payer pays on the
// provider's page, the window says «Оплата получена», «Зачисленные
// платежи» shows the payment once and the debt is gone.
func TestPayTheDebtOnTheDemoPortal(t *testing.T) {
	url, lp := startPayDemo(t)
	tu := newTestUIAt(t, url, false)
	tu.loginAs("100001")
	fyne.DoAndWait(func() {
		tu.UI.win.Resize(fyne.NewSize(screenW, screenH))
		tu.UI.SetTextSize(2)
	})
	account := tu.UI.account
	doc, _, _ := tu.svc.Document(account)
	due := doc.Doc.Balance.Due
	if due <= 0 {
		t.Fatalf("the demo customer owes nothing (balance %+v)", doc.Doc.Balance)
	}
	before := len(doc.Doc.Payments)
	tu.open("home")
	tu.tapButton("Оплатить")
	tu.waitFor(func() bool { s, ok := tu.UI.screen.(*payScreen); return ok && s.asked }, "the pay screen")
	s := tu.UI.screen.(*payScreen)
	if s.amount.Text != amountText(due) {
		t.Errorf("the sum is %q, want what is due now %q", s.amount.Text, amountText(due))
	}
	tu.tapButton("Перейти к оплате")
	tu.waitFor(func() bool { return s.payment != nil }, "the payment page")
	if !contains(tu.texts(), "Ждём оплату…") || !contains(tu.texts(), "Открыть страницу оплаты") {
		t.Errorf("after the create: %q", tu.texts())
	}
	// At twice the text size on 1366×768 the status, the whole code and
	// the browser button are in view, and the code on the screen reads
	// back as the payment page.
	for _, o := range []fyne.CanvasObject{s.status, s.codeImage, tu.findWidget("Открыть страницу оплаты")} {
		if o == nil || !tu.inView(o) {
			t.Errorf("at 2× %v is not in view", o)
		}
	}
	tu.settle()
	got := scanWindow(t, tu, "pay-qr-window-2x")
	if got != s.payment.PageURL {
		t.Errorf("the code on the screen reads %q, want %q", got, s.payment.PageURL)
	}
	list := lp.Payments()
	if len(list) != 1 || list[0].ConfirmationURL != s.payment.PageURL {
		t.Fatalf("the provider has %+v, the window shows %q", list, s.payment.PageURL)
	}
	// The payer opens the page the code carries in a browser and presses
	// «Оплатить»; the provider tells the portal, and the window hears it.
	b := browsertest.Start(t)
	shots := os.Getenv("KABINET_SCREENSHOTS")
	if page := b.Open(t, got); !strings.Contains(page, "Оплатить") || !strings.Contains(noSpace(page), noSpace(money(due))) {
		t.Errorf("the payment page does not offer to pay %s: %q", money(due), page)
	}
	if shots != "" {
		b.Shot(t, shots, "checkout-local")
	}
	if back := b.Press(t, "Оплатить"); !strings.Contains(back, "Вернитесь в программу Kabinet") {
		t.Errorf("after paying the browser shows %q", back)
	}
	if shots != "" {
		b.Shot(t, shots, "checkout-return")
	}
	tu.waitFor(func() bool { return contains(tu.textsNow(), "Оплата получена") }, "«Оплата получена»")

	doc, _, _ = tu.svc.Document(account)
	var online []domain.Payment
	for _, p := range doc.Doc.Payments {
		if p.Amount == due && p.Channel == "Онлайн: карта или СБП" {
			online = append(online, p)
		}
	}
	if len(online) != 1 || len(doc.Doc.Payments) != before+1 {
		t.Errorf("credited %d times (%d payments, %d before)", len(online), len(doc.Doc.Payments), before)
	}
	if doc.Doc.Balance.Due != 0 || doc.Doc.Balance.Debt > 0 {
		t.Errorf("the debt is not gone: %+v", doc.Doc.Balance)
	}
	tu.tapButton("Зачисленные платежи")
	tu.settle()
	if texts := tu.texts(); !contains(texts, money(due)) || !contains(texts, "Онлайн: карта или СБП") {
		t.Errorf("«Зачисленные платежи» does not show the payment: %q", texts)
	}
	fyne.DoAndWait(func() { tu.UI.navigate("home") })
	tu.settle()
	if texts := tu.texts(); contains(texts, "К оплате:") {
		t.Errorf("Главная still asks to pay: %q", texts)
	}
}

// noSpace is s without any kind of space, so sums written with different
// spaces between thousands compare equal.
func noSpace(s string) string { return strings.Join(strings.Fields(s), "") }

// scanWindow captures the window, keeps it as name.png where
// KABINET_SCREENSHOTS says, and returns what zbarimg reads in it.
func scanWindow(t *testing.T, tu *testUI, name string) string {
	t.Helper()
	if _, err := exec.LookPath("zbarimg"); err != nil {
		t.Skip("zbarimg is not installed")
	}
	dir := os.Getenv("KABINET_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	path := filepath.Join(dir, name+".png")
	fyne.DoAndWait(func() {
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := png.Encode(f, tu.UI.win.Canvas().Capture()); err != nil {
			t.Fatal(err)
		}
	})
	out, err := exec.Command("zbarimg", "--quiet", "--raw", path).Output()
	if err != nil {
		t.Fatalf("zbarimg: %v", err)
	}
	return strings.TrimSpace(string(out))
}
