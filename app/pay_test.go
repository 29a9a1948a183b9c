package app

import (
	"context"
	"image/png"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"kabinet/internal/cabinet"
	"kabinet/internal/domain"
)

const fakePayPage = "https://pay.example/checkout/pay_1?token=3f9a1c"

// fakePay is the personal account as «Оплата онлайн» sees it.
type fakePay struct {
	mu       sync.Mutex
	due      domain.Kopecks
	opts     cabinet.PaymentOptions
	optsErr  error
	startErr error
	public   bool
	started  []domain.Kopecks
}

func (f *fakePay) DueNow(string) (domain.Kopecks, error) { return f.due, nil }
func (f *fakePay) Public() bool                          { return f.public }
func (f *fakePay) PaymentOptions(context.Context) (cabinet.PaymentOptions, error) {
	return f.opts, f.optsErr
}

func (f *fakePay) StartPayment(_ context.Context, account string, amount domain.Kopecks) (cabinet.PaymentView, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.startErr != nil {
		return cabinet.PaymentView{}, f.startErr
	}
	f.started = append(f.started, amount)
	return cabinet.PaymentView{ID: "pay_1", Account: account, Amount: amount, Status: cabinet.PaymentWaiting, PageURL: fakePayPage}, nil
}

func (f *fakePay) starts() []domain.Kopecks {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]domain.Kopecks(nil), f.started...)
}

// payOn shows «Оплата онлайн» of account 1100012345 over a fake frame and
// waits for the terms; opened records the browser's addresses.
func payOn(t *testing.T, svc *fakePay) (*payScreen, *fakeFrame, *testUI, fyne.CanvasObject, *[]string) {
	t.Helper()
	frame, tu := newFakeFrame(t)
	var opened []string
	s := newPayScreen(deps[payService]{frame: frame, svc: svc, account: "1100012345"}, func(u *url.URL) error {
		opened = append(opened, u.String())
		return nil
	}).(*payScreen)
	obj := s.Content()
	w := test.NewTempWindow(t, obj)
	w.Resize(fyne.NewSize(1200, 760))
	tu.waitFor(func() bool { return s.asked }, "the payment terms")
	return s, frame, tu, obj, &opened
}

func terms() cabinet.PaymentOptions {
	return cabinet.PaymentOptions{Enabled: true, CommissionPercent: "0", Min: 100, Max: 60000000}
}

func TestPayScreenPrefillsWhatIsDueAndChecksTheSum(t *testing.T) {
	svc := &fakePay{due: 143891, opts: terms()}
	s, _, tu, obj, opened := payOn(t, svc)
	texts := objectTexts(t, obj)
	for _, want := range []string{"Лицевой счёт 1100012345", "Сейчас к оплате: " + money(143891), "Без комиссии", "Перейти к оплате"} {
		if !contains(texts, want) {
			t.Errorf("no %q in %q", want, texts)
		}
	}
	if s.amount.Text != "1438,91" {
		t.Errorf("the sum is %q, want what is due now, 1438,91", s.amount.Text)
	}

	for _, tc := range []struct{ typed, want string }{
		{"0,50", "Сумма оплаты должна быть не меньше"},
		{"сто", "Введите сумму цифрами"},
		{"700000", "не больше"},
	} {
		s.amount.SetText(tc.typed)
		test.Tap(s.submit)
		pump()
		if !s.problem.Visible() || !strings.Contains(s.problem.Text, tc.want) {
			t.Errorf("%q: the message is %q, want %q", tc.typed, s.problem.Text, tc.want)
		}
	}
	if len(svc.starts()) != 0 {
		t.Fatalf("a bad sum was sent: %v", svc.starts())
	}

	s.amount.SetText("")
	test.Type(s.amount, "1 500,5")
	test.Tap(s.submit)
	tu.waitFor(func() bool { return s.payment != nil }, "the payment page's code")
	if got := svc.starts(); len(got) != 1 || got[0] != 150050 {
		t.Fatalf("started %v, want one payment of 1500,50", got)
	}
	texts = objectTexts(t, s.root)
	for _, want := range []string{"Ждём оплату…", "Сумма: " + money(150050), "Наведите камеру телефона", "Открыть страницу оплаты"} {
		if !contains(texts, want) {
			t.Errorf("no %q in %q", want, texts)
		}
	}
	test.Tap(buttonIn(t, s.root, "Открыть страницу оплаты"))
	if len(*opened) != 1 || (*opened)[0] != fakePayPage {
		t.Errorf("the browser opened %q", *opened)
	}

	// The service's event ends it.
	if !s.OnEvent(cabinet.Event{Kind: cabinet.PaymentChanged, Payment: &cabinet.PaymentView{ID: "pay_1", Account: "1100012345", Amount: 150050, Status: cabinet.PaymentPaid, Credited: true}}) {
		t.Error("the paid event was not shown")
	}
	texts = objectTexts(t, s.root)
	if !contains(texts, "Оплата получена") || contains(texts, "Открыть страницу оплаты") || s.codeImage.Visible() {
		t.Errorf("after payment: %q (code shown: %v)", texts, s.codeImage.Visible())
	}
}

func TestPayScreenExpiredOffersToTryAgain(t *testing.T) {
	svc := &fakePay{due: 143891, opts: terms()}
	s, frame, tu, _, _ := payOn(t, svc)
	test.Tap(s.submit)
	tu.waitFor(func() bool { return s.payment != nil }, "the payment")
	s.OnEvent(cabinet.Event{Kind: cabinet.PaymentChanged, Payment: &cabinet.PaymentView{ID: "other", Status: cabinet.PaymentPaid}})
	if contains(objectTexts(t, s.root), "Оплата получена") {
		t.Fatal("another payment's event changed the screen")
	}
	s.OnEvent(cabinet.Event{Kind: cabinet.PaymentChanged, Payment: &cabinet.PaymentView{ID: "pay_1", Status: cabinet.PaymentExpired}})
	if !contains(objectTexts(t, s.root), "Время на оплату истекло") {
		t.Errorf("expired: %q", objectTexts(t, s.root))
	}
	test.Tap(buttonIn(t, s.root, "Оплатить по QR-коду"))
	if len(frame.went) != 1 || frame.went[0].screen != "payqr" || frame.went[0].account != "1100012345" {
		t.Errorf("went %+v", frame.went)
	}
	test.Tap(buttonIn(t, s.root, "Попробовать снова"))
	pump()
	if s.payment != nil || s.amount.Text != "1438,91" {
		t.Errorf("«Попробовать снова» did not show the form with the due: %q", s.amount.Text)
	}
}

func TestPayScreenOnAPublicComputerHasNoBrowserButton(t *testing.T) {
	svc := &fakePay{due: 143891, opts: terms(), public: true}
	s, _, tu, _, _ := payOn(t, svc)
	test.Tap(s.submit)
	tu.waitFor(func() bool { return s.payment != nil }, "the payment")
	texts := objectTexts(t, s.root)
	if contains(texts, "Открыть страницу оплаты") {
		t.Error("a public computer offers to type a card in its browser")
	}
	if !contains(texts, "Это общественный компьютер") || !s.codeImage.Visible() {
		t.Errorf("public: %q", texts)
	}
}

func TestPayScreenOfflineOffersTheBillCode(t *testing.T) {
	svc := &fakePay{due: 143891, optsErr: cabinet.ErrPaymentNeedsNetwork, startErr: cabinet.ErrPaymentNeedsNetwork}
	s, frame, tu, _, _ := payOn(t, svc)
	tu.waitFor(func() bool { return s.offline.Visible() }, "the offline offer")
	if !contains(objectTexts(t, s.offline), "Для оплаты онлайн нужен интернет") {
		t.Errorf("offline: %q", objectTexts(t, s.root))
	}
	test.Tap(s.submit)
	tu.waitFor(func() bool { return !s.submit.Disabled() }, "the press")
	if s.payment != nil {
		t.Fatal("a payment offline")
	}
	var qr *widget.Button
	walkWidgets(t, s.offline, func(w fyne.Widget) {
		if b, ok := w.(*widget.Button); ok && b.Text == "Оплатить по QR-коду" {
			qr = b
		}
	})
	test.Tap(qr)
	if len(frame.went) != 1 || frame.went[0].screen != "payqr" {
		t.Errorf("went %+v", frame.went)
	}
}

// TestPayPageCodeScans: the QR code on the screen, as drawn, reads back as
// the payment page's address with a phone's decoder (zbarimg).
func TestPayPageCodeScans(t *testing.T) {
	if _, err := exec.LookPath("zbarimg"); err != nil {
		t.Skip("zbarimg is not installed")
	}
	svc := &fakePay{due: 143891, opts: terms()}
	s, _, tu, _, _ := payOn(t, svc)
	test.Tap(s.submit)
	tu.waitFor(func() bool { return s.payment != nil }, "the payment")
	img := test.NewTempWindow(t, s.codeImage)
	img.Resize(s.codeImage.MinSize())
	shot := img.Canvas().Capture()
	path := filepath.Join(t.TempDir(), "code.png")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, shot); err != nil {
		t.Fatal(err)
	}
	f.Close()
	out, err := exec.Command("zbarimg", "--quiet", "--raw", path).Output()
	if err != nil {
		t.Fatalf("zbarimg: %v (%s)", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != fakePayPage {
		t.Errorf("the code reads %q, want %q", got, fakePayPage)
	}
}

func TestParseAmount(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want domain.Kopecks
		ok   bool
	}{
		{"1438,91", 143891, true}, {"1 438.9", 143890, true}, {"100", 10000, true}, {"5 ₽", 500, true},
		{"12,345", 0, false}, {"", 0, false}, {"-5", 0, false}, {"1e3", 0, false}, {",5", 50, true}, {"5,", 0, false},
	} {
		got, ok := cabinet.ParseAmount(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseAmount(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// TestPayScreenFitsAtLargeText: at twice the text size in a window of
// 1366×768 (less the frame's top bar and status line), the status, the
// whole QR code and «Открыть страницу оплаты» are in view without
// scrolling; in high contrast the code stays dark on light and reads back
// as the payment page. With KABINET_SCREENSHOTS set it writes
// pay-qr-1x.png, pay-qr-2x.png and pay-qr-contrast.png there.
func TestPayScreenFitsAtLargeText(t *testing.T) {
	for _, look := range []struct {
		name     string
		size     int
		contrast bool
	}{{"pay-qr-1x", 0, false}, {"pay-qr-2x", 2, false}, {"pay-qr-contrast", 0, true}} {
		svc := &fakePay{due: 143891, opts: terms()}
		s, frame, tu, _, _ := payOn(t, svc)
		frame.UI.SetTextSize(look.size)
		frame.UI.SetHighContrast(look.contrast)
		test.Tap(s.submit)
		tu.waitFor(func() bool { return s.payment != nil }, "the payment")
		w := test.NewTempWindow(t, s.root)
		// The shell's top bar and status line take about 130 units at 2×.
		w.Resize(fyne.NewSize(screenW, screenH-130))
		area := s.root
		for _, o := range []fyne.CanvasObject{s.status, s.codeImage, buttonIn(t, s.root, "Открыть страницу оплаты")} {
			if !inArea(area, o) {
				t.Errorf("%s: %q is not in view (%v at %v)", look.name, objectTexts(t, o), o.Size(), fyne.CurrentApp().Driver().AbsolutePositionForObject(o))
			}
		}
		dir := os.Getenv("KABINET_SCREENSHOTS")
		if dir == "" {
			dir = t.TempDir()
		}
		path := filepath.Join(dir, look.name+".png")
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		png.Encode(f, w.Canvas().Capture())
		f.Close()
		if _, err := exec.LookPath("zbarimg"); err == nil && look.contrast {
			out, err := exec.Command("zbarimg", "--quiet", "--raw", path).Output()
			if got := strings.TrimSpace(string(out)); err != nil || got != s.payment.PageURL {
				t.Errorf("%s: the code reads %q (%v), want %q", look.name, got, err, s.payment.PageURL)
			}
		}
	}
}

// When the service can no longer learn how the payment ends, the screen
// stops saying «Ждём оплату…»: it says why, where a payment made shows up,
// and not to pay twice; the code stays for whoever has not paid yet.
func TestPayScreenLostTrackSaysWhatToDo(t *testing.T) {
	svc := &fakePay{due: 143891, opts: terms()}
	s, frame, tu, _, _ := payOn(t, svc)
	test.Tap(s.submit)
	tu.waitFor(func() bool { return s.payment != nil }, "the payment")
	lost := &domain.Error{Code: domain.CodeSessionEnded}
	s.OnEvent(cabinet.Event{Kind: cabinet.PaymentChanged, Payment: &cabinet.PaymentView{ID: "pay_1", Status: cabinet.PaymentWaiting}, Err: lost})
	texts := objectTexts(t, s.root)
	if contains(texts, "Ждём оплату…") || !contains(texts, "⚠ Программа не может узнать, прошла ли оплата") || !contains(texts, "Второй раз не платите") {
		t.Errorf("lost track: %q", texts)
	}
	if !s.codeImage.Visible() {
		t.Error("the payment page's code went away")
	}
	test.Tap(buttonIn(t, s.root, "Зачисленные платежи"))
	if len(frame.went) != 1 || frame.went[0].screen != "payments" {
		t.Errorf("went %+v", frame.went)
	}
}
