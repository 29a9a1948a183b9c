package app

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"kabinet/internal/domain"
)

// heading is a screen's title.
func heading(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.SizeName = theme.SizeNameHeadingText
	l.TextStyle = fyne.TextStyle{Bold: true}
	l.Wrapping = fyne.TextWrapWord
	return l
}

// subheading titles a part of a screen.
func subheading(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.SizeName = theme.SizeNameSubHeadingText
	l.TextStyle = fyne.TextStyle{Bold: true}
	l.Wrapping = fyne.TextWrapWord
	return l
}

// para is text that wraps at word boundaries, so long Russian words never
// run off the window at twice the text size.
func para(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// bold is a wrapped bold line.
func bold(text string) *widget.Label {
	l := para(text)
	l.TextStyle = fyne.TextStyle{Bold: true}
	return l
}

// errorText is an inline error sentence; it starts with a sign so it does
// not rely on its colour alone.
func errorText() *widget.Label {
	l := widget.NewLabel("")
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.DangerImportance
	l.Hide()
	return l
}

// setError shows err's sentence in l, or hides l.
func setError(l *widget.Label, err error) {
	if err == nil {
		l.SetText("")
		l.Hide()
		return
	}
	l.SetText("⚠ " + message(err))
	l.Show()
}

// setErrorText shows a sentence of the window's own (a form check) in an
// errorText label.
func setErrorText(l *widget.Label, text string) {
	l.SetText("⚠ " + text)
	l.Show()
}

// message is the sentence for an error a person can act on, in the
// window's language (see errorSentence).
func message(err error) string { return errorSentence(err) }

// page lays a screen out: a heading and a scrolling body.
func page(title string, body ...fyne.CanvasObject) fyne.CanvasObject {
	box := container.NewVBox(append([]fyne.CanvasObject{heading(title)}, body...)...)
	return newVScroll(container.NewPadded(box))
}

// button is a button with words (never an icon alone) that also counts as
// activity for the idle timer of a public computer.
func (u *UI) button(text string, tapped func()) *widget.Button {
	return widget.NewButton(text, func() {
		u.touch()
		tapped()
	})
}

// primary is the main action of a screen.
func (u *UI) primary(text string, tapped func()) *widget.Button {
	b := u.button(text, tapped)
	b.Importance = widget.HighImportance
	return b
}

// touch records activity (public-computer idle timer).
func (u *UI) touch() {
	if u.idle != nil {
		u.idle.touch()
	}
}

// run does slow work (the network) off the UI goroutine: the button stays
// disabled and the status line shows progress until it returns, then what
// the work changed (a reading queued or withdrawn); done runs on the UI
// goroutine.
func (u *UI) run(b *widget.Button, work func(ctx context.Context) error, done func(err error)) {
	if b != nil {
		b.Disable()
	}
	if u.shell != nil {
		u.shell.busy(true)
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
		defer cancel()
		err := work(ctx)
		do(func() {
			if b != nil {
				b.Enable()
			}
			if u.shell != nil {
				u.shell.updateStatus()
			}
			done(err)
		})
	}()
}

// showError tells the person what went wrong and what to do.
func (u *UI) showError(err error) { errorDialog(u, err) }

// errorDialog tells the person over f's window what went wrong and what
// to do.
func errorDialog(f frame, err error) {
	f.showDialog(dialog.NewInformation(lang.L("Не получилось"), message(err), f.Window()))
}

// showDialog shows d; Escape closes it (Fyne's dialogs have no key
// handling of their own), and Enter presses its default button.
func (u *UI) showDialog(d dialog.Dialog) {
	u.dialogs = append(u.dialogs, d)
	d.SetOnClosed(func() {
		for i, x := range u.dialogs {
			if x == d {
				u.dialogs = append(u.dialogs[:i], u.dialogs[i+1:]...)
				break
			}
		}
	})
	d.Show()
}

// typedKey handles the keys no widget took: Escape closes the top dialog;
// any key takes the page after a public logout away.
func (u *UI) typedKey(ev *fyne.KeyEvent) {
	u.touch()
	if u.loggedOut != nil {
		u.loggedOut.leave()
		return
	}
	if ev.Name == fyne.KeyEscape && len(u.dialogs) > 0 {
		u.dialogs[len(u.dialogs)-1].Hide()
	}
}

// money formats kopecks as «1 234,56 ₽».
func money(k domain.Kopecks) string { return k.String() }

// dateText formats a date as «25.11.2026», or «—».
func dateText(d domain.Date) string {
	if d.IsZero() {
		return "—"
	}
	return d.Russian()
}

// timeText formats a moment in Moscow time as «26.11.2026 14:05».
func timeText(t time.Time) string {
	if t.IsZero() {
		return lang.L("нет данных")
	}
	return t.In(domain.Moscow).Format("02.01.2006 15:04")
}

// kwh formats energy as «1 234 кВт·ч».
func kwh(d domain.Decimal, frac int) string {
	return fmt.Sprintf("%s %s", d.Format(frac), lang.L("кВт·ч"))
}

// currentDocument returns the shown account's document, if stored.
func (u *UI) currentDocument() (*domain.AccountDocument, time.Time, bool) {
	return storedDocument(u.svc, u.account)
}

// storedDocument returns account's stored document, if there is one.
func storedDocument(svc dataService, account string) (*domain.AccountDocument, time.Time, bool) {
	if account == "" {
		return nil, time.Time{}, false
	}
	doc, ok, err := svc.Document(account)
	if err != nil || !ok {
		return nil, time.Time{}, false
	}
	return &doc.Doc, doc.FetchedAt, true
}

// contactsReader is a service that knows the stored contacts.
type contactsReader interface {
	Contacts() (string, []domain.Office, time.Time, error)
}

// phoneOf is the contact-centre phone from the stored contacts, or the
// one printed on every bill before any are stored.
func phoneOf(c contactsReader) string {
	if c != nil {
		if p, _, _, _ := c.Contacts(); p != "" {
			return p
		}
	}
	return "8 800 200-83-05"
}

// noData is what a screen shows before the first download.
func noData() fyne.CanvasObject {
	return para(lang.L("Данных пока нет. Они появятся, как только программа свяжется с порталом. Проверьте подключение к интернету."))
}

// nowFunc is the clock of the screens (tests may set it).
var nowFunc = time.Now

// do hands work from a background goroutine (the network, the sync engine,
// timers) to the UI goroutine. It is fyne.Do; tests replace it with a queue
// they run on the test goroutine, because Fyne's test driver would run the
// function at once on the calling goroutine.
var do = fyne.Do
