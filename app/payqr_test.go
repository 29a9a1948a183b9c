package app

import (
	"bytes"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"kabinet/internal/cabinet"
	"kabinet/internal/domain"
	"kabinet/internal/gostqr"
)

// fakeSlip is the store's payment slip of one account.
type fakeSlip struct{ slip cabinet.PaymentSlip }

func (f *fakeSlip) PaymentSlip(account string) (cabinet.PaymentSlip, bool, error) {
	if account != f.slip.Account {
		return cabinet.PaymentSlip{}, false, nil
	}
	return f.slip, true, nil
}

func newFakeSlip(t *testing.T, due domain.Kopecks) *fakeSlip {
	t.Helper()
	s := cabinet.PaymentSlip{
		Account: "1100012345",
		Payee: domain.Payee{Name: "ОАО «Коми энергосбытовая компания»", INN: "1101301856", KPP: "110101001",
			Account: "40702810728000100563", BankName: "Коми отделение № 8617 ПАО Сбербанк", BIC: "048702640",
			CorrAccount: "30101810400000000640"},
		Period:    domain.Period{Year: 2026, Month: time.November},
		Purpose:   "Оплата по счёту № 11-2026 за ноябрь 2026, лицевой счёт 1100012345",
		DueNow:    due,
		FetchedAt: time.Date(2026, 11, 20, 14, 5, 0, 0, time.Local),
	}
	if due > 0 {
		s.DueOn = domain.NewDate(2026, 12, 10)
	}
	var err error
	s.Payload, err = gostqr.Payload(gostqr.Slip{Payee: s.Payee, Account: s.Account, Period: s.Period, Sum: due, Purpose: s.Purpose})
	if err != nil {
		t.Fatal(err)
	}
	return &fakeSlip{slip: s}
}

// labelIn is the label with the text inside o, or nil.
func labelIn(t *testing.T, o fyne.CanvasObject, text string) *widget.Label {
	var found *widget.Label
	walkWidgets(t, o, func(w fyne.Widget) {
		if l, ok := w.(*widget.Label); ok && l.Text == text && found == nil {
			found = l
		}
	})
	return found
}

func TestPayQRShowsWhatIsDueAndToWhom(t *testing.T) {
	frame, _ := newFakeFrame(t)
	svc := newFakeSlip(t, 143891)
	obj, texts := shownInWindow(t, newPayQR(deps[payQRService]{frame: frame, svc: svc, account: "1100012345"}))
	sum := money(143891)
	for _, want := range []string{"Оплатить по QR-коду", "К оплате сейчас", sum, "Оплатить до 10.12.2026",
		"ОАО «Коми энергосбытовая компания»", "1100012345",
		"Откройте приложение банка → Оплата по QR-коду → наведите камеру на код.",
		"БИК: 048702640", "Расчётный счёт: 40702810728000100563", "Корр. счёт: 30101810400000000640",
		"ИНН: 1101301856", "КПП: 110101001", "Назначение платежа: Оплата по счёту № 11-2026", "Показать крупнее"} {
		if !contains(texts(), want) {
			t.Errorf("no %q in %q", want, texts())
		}
	}
	// The sum, the payee and the account are the large text beside the code.
	for _, big := range []string{sum, "ОАО «Коми энергосбытовая компания»", "1100012345"} {
		if l := labelIn(t, obj, big); l == nil || l.SizeName != theme.SizeNameHeadingText && l.SizeName != theme.SizeNameSubHeadingText {
			t.Errorf("%q is not in large text", big)
		}
	}
	if contains(texts(), "Оплачено") {
		t.Error("a debt says «Оплачено»")
	}
	// The code is at least 6 cm (227 units at 1×) and black on white.
	var q *qrView
	walkWidgets(t, obj, func(w fyne.Widget) {
		if v, ok := w.(*qrView); ok {
			q = v
		}
	})
	if q == nil {
		t.Fatal("no QR code on the screen")
	}
	if s := q.Size(); s.Width < qrMinPx || s.Height < qrMinPx {
		t.Errorf("the code is %v, want at least %d units", s, qrMinPx)
	}
}

func TestPayQRNothingDue(t *testing.T) {
	frame, _ := newFakeFrame(t)
	svc := newFakeSlip(t, 0)
	_, texts := shownInWindow(t, newPayQR(deps[payQRService]{frame: frame, svc: svc, account: "1100012345"}))
	for _, want := range []string{"Оплачено", "Долга нет.", "сумму введите сами"} {
		if !contains(texts(), want) {
			t.Errorf("no %q in %q", want, texts())
		}
	}
	if contains(texts(), "К оплате") || contains(texts(), "Сумма:") {
		t.Errorf("nothing due, yet a sum is asked for: %q", texts())
	}
	if strings.Contains(svc.slip.Payload, "Sum=") {
		t.Errorf("nothing due, yet the code has a sum: %q", svc.slip.Payload)
	}
}

func TestPayQRNoData(t *testing.T) {
	frame, _ := newFakeFrame(t)
	_, texts := shown(t, newPayQR(deps[payQRService]{frame: frame, svc: newFakeSlip(t, 100), account: "9999999999"}))
	if !contains(texts(), "Данных пока нет") {
		t.Errorf("no data: %q", texts())
	}
}

func TestPayQRCopiesTheRequisites(t *testing.T) {
	frame, _ := newFakeFrame(t)
	svc := newFakeSlip(t, 143891)
	obj, texts := shownInWindow(t, newPayQR(deps[payQRService]{frame: frame, svc: svc, account: "1100012345"}))
	clip := fyne.CurrentApp().Clipboard()

	test.Tap(buttonIn(t, obj, "Скопировать реквизиты"))
	got := clip.Content()
	for _, want := range []string{"Получатель: ОАО «Коми энергосбытовая компания»", "ИНН: 1101301856", "КПП: 110101001",
		"Расчётный счёт: 40702810728000100563", "Банк: Коми отделение № 8617 ПАО Сбербанк", "БИК: 048702640",
		"Корр. счёт: 30101810400000000640", "Лицевой счёт: 1100012345",
		"Назначение платежа: Оплата по счёту № 11-2026 за ноябрь 2026, лицевой счёт 1100012345", "Сумма: " + money(143891)} {
		if !strings.Contains(got, want+"\n") && !strings.HasSuffix(got, want) {
			t.Errorf("the clipboard lacks the line %q:\n%s", want, got)
		}
	}
	if !contains(texts(), "Реквизиты скопированы") {
		t.Errorf("copying says nothing: %q", texts())
	}

	// «Копировать» beside a line copies its value alone: the БИК is the
	// sixth line.
	var copies []*widget.Button
	walkWidgets(t, obj, func(w fyne.Widget) {
		if b, ok := w.(*widget.Button); ok && b.Text == "Копировать" {
			copies = append(copies, b)
		}
	})
	if len(copies) != 10 {
		t.Fatalf("%d «Копировать» buttons, want one a line (10)", len(copies))
	}
	test.Tap(copies[5])
	if got := clip.Content(); got != "048702640" {
		t.Errorf("«Копировать» of the БИК put %q on the clipboard", got)
	}
	if !contains(texts(), "Скопировано: БИК.") {
		t.Errorf("copying the БИК says nothing: %q", texts())
	}
}

// TestPayQRScreenshots opens «Оплатить по QR-коду» on the demo with the
// portal unreachable (it reads the store only), captures the window on a
// 1366×768 screen in each look and at twice the pixels, and reads the code
// back with zbarimg: it must be the ГОСТ text of the account with the sum
// due now. With KABINET_SCREENSHOTS set the pictures go to that folder
// (docs/screenshots/payqr-*.png).
func TestPayQRScreenshots(t *testing.T) {
	if _, err := exec.LookPath("zbarimg"); err != nil {
		t.Skip("zbarimg is not installed")
	}
	dir := os.Getenv("KABINET_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	tu := newTestUI(t, false)
	fyne.DoAndWait(func() { tu.UI.win.Resize(fyne.NewSize(screenW, screenH)) })
	tu.loginAs("100001")
	tu.settle()
	account := tu.UI.account
	tu.portal.Down.Store(true)

	// What the code must say, from the stored document: the newest bill's
	// payee and month, the balance's due.
	stored, ok, err := tu.svc.Document(account)
	if err != nil || !ok {
		t.Fatalf("no stored document: %v", err)
	}
	doc := &stored.Doc
	newest := &doc.Invoices[0]
	for i := range doc.Invoices {
		if newest.Period.Before(doc.Invoices[i].Period) {
			newest = &doc.Invoices[i]
		}
	}
	if doc.Balance.Due <= 0 {
		t.Fatalf("the demo account owes nothing (%v): the shot would not show a sum", doc.Balance.Due)
	}
	want, err := gostqr.Payload(gostqr.Slip{Payee: newest.Payee, Account: account, Period: newest.Period,
		Sum: doc.Balance.Due, Purpose: gostqr.Purpose(newest, account)})
	if err != nil {
		t.Fatal(err)
	}

	shot := func(dir, name string) {
		t.Helper()
		tu.settle()
		path := filepath.Join(dir, name+".png")
		fyne.DoAndWait(func() {
			var buf bytes.Buffer
			if err := png.Encode(&buf, tu.UI.win.Canvas().Capture()); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
				t.Fatal(err)
			}
		})
		out, err := exec.Command("zbarimg", "--raw", "-q", path).Output()
		if err != nil {
			t.Fatalf("%s: zbarimg read no code: %v", name, err)
		}
		if got := strings.TrimSuffix(string(out), "\n"); got != want {
			t.Errorf("%s: the code says\n%q\nwant\n%q", name, got, want)
		}
	}
	looks := []struct {
		name     string
		size     int
		contrast bool
		scale    float32
	}{
		{"payqr-1x", 0, false, 1}, {"payqr-2x", 2, false, 1}, {"payqr-contrast", 0, true, 1},
		// Twice the pixels (a dense screen): the same code, its modules
		// still whole pixels; not kept in docs.
		{"payqr-scale2", 0, false, 2},
	}
	for _, look := range looks {
		fyne.DoAndWait(func() {
			tu.UI.SetTextSize(look.size)
			tu.UI.SetHighContrast(look.contrast)
			tu.UI.win.Canvas().(test.WindowlessCanvas).SetScale(look.scale)
			tu.UI.goTo(place{screen: "payqr", account: account})
		})
		if look.scale == 1 {
			shot(dir, look.name)
		} else {
			shot(t.TempDir(), look.name)
		}
		var side int
		fyne.DoAndWait(func() {
			walkWidgets(t, tu.UI.shell.content, func(w fyne.Widget) {
				if q, ok := w.(*qrView); ok {
					side = q.px * q.code.Size()
				}
			})
		})
		if min := int(qrMinPx * look.scale); side < min {
			t.Errorf("%s: the code is %d px, want at least %d (6 cm)", look.name, side, min)
		}
	}
	fyne.DoAndWait(func() {
		tu.UI.win.Canvas().(test.WindowlessCanvas).SetScale(1)
		tu.UI.SetTextSize(0)
		tu.UI.SetHighContrast(false)
		tu.UI.goTo(place{screen: "payqr", account: account})
	})
	tu.settle()
	fyne.DoAndWait(func() { tu.tapButton("Показать крупнее") })
	shot(dir, "payqr-larger")
}
