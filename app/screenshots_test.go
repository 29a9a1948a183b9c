package app

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// screenW and screenH are the screen the screenshots and the fit tests
// are made for: a common laptop, the window filling it.
const screenW, screenH = 1366, 768

// TestScreenshots writes docs/screenshots/*.png: Главная, the reading entry
// with its review, a bill and the statement, each in the normal look, at
// twice the text size and in high contrast, on a 1366×768 screen filled by
// the window, as Fyne's software painter draws them with the demo data. It
// runs when KABINET_SCREENSHOTS names the folder (see
// docs/screenshots/README.md):
//
//	KABINET_SCREENSHOTS=$PWD/docs/screenshots go test ./app/ -run Screenshots
//
// The screens are reached by their section id and their widgets, not by
// pixel, so the shots follow the screens when they change.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("KABINET_SCREENSHOTS")
	if dir == "" {
		t.Skip("set KABINET_SCREENSHOTS to a folder to write the screenshots")
	}
	tu := newTestUI(t, false)
	fyne.DoAndWait(func() { tu.UI.win.Resize(fyne.NewSize(screenW, screenH)) })
	shot := func(name string) {
		t.Helper()
		tu.settle()
		fyne.DoAndWait(func() {
			img := tu.UI.win.Canvas().Capture()
			f, err := os.Create(filepath.Join(dir, name+".png"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if err := png.Encode(f, img); err != nil {
				t.Fatal(err)
			}
		})
	}
	shot("login")
	// The switches of the login screen itself.
	tu.tapButton("Шрифт: обычный")
	tu.tapButton("Шрифт: крупный")
	shot("login-2x")
	fyne.DoAndWait(func() { tu.UI.SetTextSize(0) })
	tu.loginAs("100001")
	looks := []struct {
		suffix   string
		size     int
		contrast bool
	}{{"1x", 0, false}, {"2x", 2, false}, {"contrast", 0, true}}
	for _, look := range looks {
		fyne.DoAndWait(func() { tu.UI.SetTextSize(look.size); tu.UI.SetHighContrast(look.contrast) })
		tu.open("home")
		shot("home-" + look.suffix)
		tu.open("reading")
		shot("reading-" + look.suffix)
		tu.readingReview()
		shot("reading-review-" + look.suffix)
		tu.open("invoices")
		if l, ok := tu.UI.screen.(interface{ showList() }); ok {
			fyne.DoAndWait(l.showList)
		}
		shot("invoices-" + look.suffix)
		tu.openFirstBill()
		shot("bill-" + look.suffix)
		tu.scrollBillTo("Начисления")
		shot("bill-lines-" + look.suffix)
		tu.open("statement")
		shot("statement-" + look.suffix)
	}

	// The review in English (-lang en): only the customer's own data may
	// be in Russian.
	t.Cleanup(func() { LoadTranslations(false) })
	t.Setenv("LANGUAGE", "en")
	t.Setenv("LC_ALL", "en_US.UTF-8")
	LoadTranslations(true)
	fyne.DoAndWait(func() { tu.UI.SetTextSize(0); tu.UI.SetHighContrast(false); tu.UI.startSession() })
	tu.open("reading")
	tu.readingReview()
	shot("reading-review-en")
}

// open shows a section and waits until the sync's events stop rebuilding it.
func (tu *testUI) open(id string) {
	tu.t.Helper()
	fyne.DoAndWait(func() { tu.UI.navigate(id) })
	tu.settle()
}

// settle waits until no sync runs and the screen has stayed the same for a
// moment.
func (tu *testUI) settle() {
	tu.t.Helper()
	var last fyne.CanvasObject
	since := time.Now()
	tu.waitFor(func() bool {
		var now fyne.CanvasObject
		if tu.UI.shell != nil && len(tu.UI.shell.content.Objects) == 1 {
			now = tu.UI.shell.content.Objects[0]
		}
		if now != last || tu.UI.syncing {
			last, since = now, time.Now()
			return false
		}
		return time.Since(since) > 300*time.Millisecond
	}, "the screen to settle")
}

// readingReview types a reading above the demo's last one into the reading
// screen's first field and presses Enter, which shows the review.
func (tu *testUI) readingReview() {
	tu.t.Helper()
	var field *widget.Entry
	fyne.DoAndWait(func() {
		walkWidgets(tu.t, tu.UI.shell.content, func(w fyne.Widget) {
			if e, ok := w.(*widget.Entry); ok && field == nil && !e.Disabled() {
				field = e
			}
		})
	})
	if field == nil {
		tu.t.Fatal("no field on the reading screen")
	}
	test.Type(field, "25400")
	fyne.DoAndWait(func() { field.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) })
	tu.waitFor(func() bool {
		s, ok := tu.UI.screen.(*readingScreen)
		return ok && s.step == readingStepReview
	}, "the review")
}

// openFirstBill opens the newest bill of «Выставленные счета».
func (tu *testUI) openFirstBill() {
	tu.t.Helper()
	s, ok := tu.UI.screen.(interface{ selectFirst() })
	if !ok {
		tu.t.Fatalf("the bills screen is %T", tu.UI.screen)
	}
	fyne.DoAndWait(s.selectFirst)
}

// scrollBillTo scrolls the open bill's page so that its part titled title
// (e.g. «Начисления», the charge lines) is at the top.
func (tu *testUI) scrollBillTo(title string) {
	tu.t.Helper()
	fyne.DoAndWait(func() {
		var page *lineScroll
		var part fyne.CanvasObject
		walkWidgets(tu.t, tu.UI.shell.content, func(o fyne.Widget) {
			if s, ok := o.(*lineScroll); ok && page == nil {
				page = s
			}
			if l, ok := o.(*widget.Label); ok && l.Text == title && part == nil {
				part = l
			}
		})
		if page == nil || part == nil {
			tu.t.Fatalf("no %q on the bill's page", title)
		}
		d := fyne.CurrentApp().Driver()
		y := d.AbsolutePositionForObject(part).Y - d.AbsolutePositionForObject(page).Y + page.Offset.Y
		page.ScrollToOffset(fyne.NewPos(0, y))
	})
}
