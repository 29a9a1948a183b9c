package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// inView reports whether o lies wholly inside the screens' area of the
// window as it is shown (scrolled to the top), so a person sees it
// without scrolling.
func (tu *testUI) inView(o fyne.CanvasObject) bool { return inArea(tu.UI.shell.content, o) }

// inArea reports whether o lies wholly inside area as it is shown.
func inArea(area, o fyne.CanvasObject) bool {
	d := fyne.CurrentApp().Driver()
	ap, pos := d.AbsolutePositionForObject(area), d.AbsolutePositionForObject(o)
	return o.Visible() && pos.Y >= ap.Y && pos.Y+o.Size().Height <= ap.Y+area.Size().Height &&
		pos.X >= ap.X && pos.X+o.Size().Width <= ap.X+area.Size().Width+1
}

// findWidget is the first visible widget of the screen whose text contains s.
func (tu *testUI) findWidget(s string) fyne.CanvasObject {
	var found fyne.CanvasObject
	fyne.DoAndWait(func() {
		walkWidgets(tu.t, tu.UI.shell.content, func(w fyne.Widget) {
			for _, t := range widgetText(w) {
				if found == nil && t != "" && contains([]string{t}, s) {
					found = w
				}
			}
		})
	})
	return found
}

// TestLargeTextFitsTheScreen: at twice the text size on a 1366×768 screen
// the frame changes instead of squeezing the screens: the top bar is one
// row, the menu is folded into «Разделы», and what matters on Главная and
// a bill is in view without scrolling; the statement turns into cards.
func TestLargeTextFitsTheScreen(t *testing.T) {
	tu := newTestUI(t, false)
	tu.loginAs("100001")
	fyne.DoAndWait(func() {
		tu.UI.win.Resize(fyne.NewSize(screenW, screenH))
		tu.UI.SetTextSize(2)
	})
	tu.open("home")
	if !tu.UI.shell.compact || tu.UI.shell.menuPane.Visible() || !tu.UI.shell.sections.Visible() {
		t.Error("at 2× the menu is not folded into «Разделы»")
	}
	if h, row := tu.UI.shell.sizeBtn.Size().Height, tu.UI.shell.sections.Size().Height; h != row {
		t.Errorf("the top bar is not one row: %v vs %v", h, row)
	}
	for _, want := range []string{"К оплате", "Передать показания"} {
		o := tu.findWidget(want)
		if o == nil {
			t.Errorf("Главная has no %q: %q", want, tu.texts())
			continue
		}
		if !tu.inView(o) {
			t.Errorf("on Главная %q is below the fold at 2×", want)
		}
	}

	// The reading entry: the field and «Далее»; after it the review with
	// «Передать показания» and «Исправить».
	tu.open("reading")
	rs := tu.UI.screen.(*readingScreen)
	for _, o := range []fyne.CanvasObject{rs.windowLine, rs.form.fields[0].entry, rs.form.fields[0].last, rs.form.next} {
		if !tu.inView(o) {
			t.Errorf("on the reading entry %q is below the fold at 2×", objectTexts(t, o))
		}
	}
	tu.readingReview()
	tu.waitFor(func() bool { return rs.step == readingStepReview }, "the review")
	for _, o := range []fyne.CanvasObject{rs.submit, rs.back} {
		if !tu.inView(o) {
			t.Errorf("on the review %q is not in view at 2×", objectTexts(t, o))
		}
	}

	tu.open("invoices")
	s := tu.UI.screen.(*invoicesScreen)
	for _, want := range []string{"← К списку счетов", "Итого к оплате", paidText(s.paid[s.invoices[0].Period]), "Печать / PDF"} {
		if o := tu.findWidget(want); o == nil || !tu.inView(o) {
			t.Errorf("on the bill %q is not in view at 2×", want)
		}
	}
	var lines *fitTable
	fyne.DoAndWait(func() {
		walkWidgets(t, tu.UI.shell.content, func(w fyne.Widget) {
			if f, ok := w.(*fitTable); ok {
				lines = f
			}
		})
	})
	if lines == nil || lines.Wide() {
		t.Errorf("at 2× the bill's charges are not cards (%v)", lines)
	}

	tu.open("statement")
	st := tu.UI.screen.(*statementScreen)
	if st.table.view == nil || st.table.view.Wide() {
		t.Fatal("at 2× the statement is still a table")
	}
	// The first month's card, every value of it, under the total and the
	// month pickers.
	var first fyne.CanvasObject
	fyne.DoAndWait(func() { first = st.table.view.cards.Objects[0] })
	texts := objectTexts(t, first)
	for _, want := range []string{st.st.series[0].rows[0].cells[stmtMonth], "Показания:", "Расход:", "Дата показания:",
		"Как получено:", "Тариф за кВт·ч:", "Начислено по счёту:"} {
		if !contains(texts, want) {
			t.Errorf("the first card has no %q: %q", want, texts)
		}
	}
	for _, o := range []fyne.CanvasObject{first, st.fromSel, st.toSel, st.summary} {
		if !tu.inView(o) {
			t.Errorf("on the statement %T %q is below the fold at 2×", o, objectTexts(t, o))
		}
	}

	// «Разделы» opens the list of sections; a section closes it.
	tu.tapButton("☰ Разделы")
	var menu fyne.CanvasObject
	fyne.DoAndWait(func() { menu = tu.UI.win.Canvas().Overlays().Top() })
	if menu == nil || !contains(objectTexts(t, menu), "Ведомость энергопотребления") || !contains(objectTexts(t, menu), "Выйти") {
		t.Fatalf("«Разделы» shows %v", menu)
	}
}

// TestTablesShowEveryColumnAtTheNormalSize: at the normal size in a
// 1100 px window, with the menu beside, the statement and a bill's
// charges are tables with every column whole.
func TestTablesShowEveryColumnAtTheNormalSize(t *testing.T) {
	tu := newTestUI(t, false)
	tu.loginAs("100001")
	fyne.DoAndWait(func() { tu.UI.win.Resize(fyne.NewSize(1100, 760)) })
	tu.open("statement")
	if tu.UI.shell.compact {
		t.Error("at the normal size in 1100 px the menu is folded")
	}
	st := tu.UI.screen.(*statementScreen)
	if !st.table.view.Wide() {
		t.Errorf("the statement needs %v px, has %v", st.table.view.need(), st.table.view.Size().Width)
	}
	tu.open("invoices")
	found := false
	fyne.DoAndWait(func() {
		walkWidgets(t, tu.UI.shell.content, func(w fyne.Widget) {
			if f, ok := w.(*fitTable); ok {
				found = f.Wide()
			}
		})
	})
	if !found {
		t.Error("the bill's charges are not a whole table at 1100 px")
	}
}

// TestTabSkipsThePasswordEye: Tab goes from the password to «Войти», not
// to the eye that shows the password.
func TestTabSkipsThePasswordEye(t *testing.T) {
	tu := newTestUI(t, false)
	f := tu.UI.login
	c := tu.UI.win.Canvas()
	fyne.DoAndWait(func() {
		c.Focus(f.password)
		c.FocusNext()
	})
	if got := c.Focused(); got != f.submit {
		t.Errorf("Tab from the password goes to %T", got)
	}
}

// TestViewControlsBeforeLogin: the login screen has the text size and
// contrast switches, and they work there.
func TestViewControlsBeforeLogin(t *testing.T) {
	tu := newTestUI(t, false)
	texts := tu.texts()
	if !contains(texts, "Шрифт: обычный") || !contains(texts, "Высокая контрастность") {
		t.Fatalf("the login screen has no view controls: %q", texts)
	}
	tu.tapButton("Шрифт: обычный")
	if tu.UI.theme.size != 1 || !contains(tu.texts(), "Шрифт: крупный") {
		t.Errorf("the size button on the login screen: size %d", tu.UI.theme.size)
	}
	var check *widget.Check
	tu.eachWidget(func(w fyne.Widget) {
		if c, ok := w.(*widget.Check); ok {
			check = c
		}
	})
	fyne.DoAndWait(func() { check.SetChecked(true) })
	if !tu.UI.theme.contrast {
		t.Error("the contrast switch on the login screen does nothing")
	}
}

// TestLoginFitsTheScreenAtLargeText: at twice the text size on a 1366×768
// screen the whole login form, «Войти» too, is in view without scrolling.
func TestLoginFitsTheScreenAtLargeText(t *testing.T) {
	tu := newTestUI(t, false)
	fyne.DoAndWait(func() {
		tu.UI.win.Resize(fyne.NewSize(screenW, screenH))
		tu.UI.SetTextSize(2)
	})
	f := tu.UI.login
	for _, o := range []fyne.CanvasObject{f.customer, f.password, f.submit} {
		if !inArea(tu.UI.win.Content(), o) {
			t.Errorf("on the login screen %q is below the fold at 2×", objectTexts(t, o))
		}
	}
}

// TestFirstStartFitsTheScreen: the first start's two answers, «домашний» and
// «общественный», are in view at large and at twice the text on a 1366×768
// screen.
func TestFirstStartFitsTheScreen(t *testing.T) {
	tu := newTestUI(t, false)
	for _, size := range []int{1, 2} {
		fyne.DoAndWait(func() {
			tu.UI.win.Resize(fyne.NewSize(screenW, screenH))
			tu.UI.SetTextSize(size)
			tu.UI.showFirstStart()
		})
		var buttons []*widget.Button
		fyne.DoAndWait(func() {
			walkWidgets(t, tu.UI.win.Content(), func(w fyne.Widget) {
				if b, ok := w.(*widget.Button); ok && b.Importance == widget.HighImportance {
					buttons = append(buttons, b)
				}
			})
		})
		if len(buttons) != 2 {
			t.Fatalf("the first start has %d main buttons", len(buttons))
		}
		for _, b := range buttons {
			if !inArea(tu.UI.win.Content(), b) {
				t.Errorf("at text size %d %q is below the fold", size, b.Text)
			}
		}
	}
}
