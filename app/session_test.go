package app

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"kabinet/internal/domain"
)

// dialogTexts is every text of the dialog on top of the window, or nil.
func (tu *testUI) dialogTexts() []string {
	var out []string
	fyne.DoAndWait(func() {
		if o := tu.UI.win.Canvas().Overlays().Top(); o != nil {
			out = objectTexts(tu.t, o)
		}
	})
	return out
}

// tapDialogButton taps the button with the text in the dialog on top.
func (tu *testUI) tapDialogButton(text string) {
	tu.t.Helper()
	var found *widget.Button
	fyne.DoAndWait(func() {
		if o := tu.UI.win.Canvas().Overlays().Top(); o != nil {
			walkWidgets(tu.t, o, func(w fyne.Widget) {
				if b, ok := w.(*widget.Button); ok && b.Text == text && found == nil {
					found = b
				}
			})
		}
	})
	if found == nil {
		tu.t.Fatalf("no button %q in the dialog: %q", text, tu.dialogTexts())
	}
	test.Tap(found)
}

// sessionFolders lists what the app left in the temporary folder: the
// public store's «kabinet-…» and the printed documents' «kabinet-docs-…».
func sessionFolders(t *testing.T, tmp string) []string {
	t.Helper()
	entries, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "kabinet-") {
			out = append(out, e.Name())
		}
	}
	return out
}

// sendReading queues a reading 50 kWh over the last one and delivers it;
// it returns the value as the logout page writes it.
func (tu *testUI) sendReading() string {
	tu.t.Helper()
	doc, _, _ := tu.svc.Document(tu.UI.account)
	meter := doc.Doc.Meters[0]
	value := strings.ReplaceAll((meter.Zones[0].LastValue + domain.DecimalFromInt(50)).Format(meter.FractionDigits), "\u202f", "")
	if _, err := tu.svc.QueueReading(tu.UI.account, meter.ID, map[domain.Zone]string{domain.T1: value}, false); err != nil {
		tu.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tu.svc.SyncNow(ctx)
	return value
}

// TestIdleWarningCountsDownAndSaysATypedReadingIsLost: on a public
// computer the warning is a dialog whose «Выход через …» moves every
// second, that says a half-typed reading will be lost, and whose
// «Продолжить» gives the whole time back.
func TestIdleWarningCountsDownAndSaysATypedReadingIsLost(t *testing.T) {
	tu := newTestUI(t, true)
	tu.loginAs("100001")
	now := time.Now()
	var w *idleWatch
	fyne.DoAndWait(func() {
		w = tu.UI.idle
		w.now = func() time.Time { return now }
		w.touch()
	})
	step := func(d time.Duration) {
		now = now.Add(d)
		fyne.DoAndWait(w.check)
	}
	step(4 * time.Minute)
	texts := tu.dialogTexts()
	for _, want := range []string{"Вы ещё здесь?", "Выход через 1:00", "Показания, которые вы начали вводить и не передали, пропадут.", "Продолжить"} {
		if !contains(texts, want) {
			t.Errorf("the warning lacks %q: %q", want, texts)
		}
	}
	step(15 * time.Second)
	if texts := tu.dialogTexts(); !contains(texts, "Выход через 0:45") {
		t.Errorf("after 15 more seconds the warning shows %q", texts)
	}
	step(44 * time.Second)
	if texts := tu.dialogTexts(); !contains(texts, "Выход через 0:01") {
		t.Errorf("a second before the end the warning shows %q", texts)
	}
	tu.tapDialogButton("Продолжить")
	if texts := tu.dialogTexts(); texts != nil {
		t.Errorf("the warning stayed after «Продолжить»: %q", texts)
	}
	// «Продолжить» gave the whole five minutes back.
	step(4*time.Minute + 59*time.Second)
	pump()
	if tu.svc.Customer() == "" || tu.UI.shell == nil {
		t.Fatal("logged out 4:59 after «Продолжить»")
	}
	if texts := tu.dialogTexts(); !contains(texts, "Выход через 0:01") {
		t.Errorf("the second warning shows %q", texts)
	}
}

// TestPublicLogoutPageClearsOnAKeyAClickOrAfterAMinute: the page after a
// public logout lists the visitor's account and readings; a key, a click
// or a minute replaces it with a clean login, so the next visitor does not
// read them.
func TestPublicLogoutPageClearsOnAKeyAClickOrAfterAMinute(t *testing.T) {
	tu := newTestUI(t, true)
	type timer struct {
		d       time.Duration
		f       func()
		stopped bool
	}
	var timers []*timer
	tu.UI.after = func(d time.Duration, f func()) func() {
		tm := &timer{d: d, f: f}
		timers = append(timers, tm)
		return func() { tm.stopped = true }
	}
	clean := func(how string, value string) {
		t.Helper()
		texts := tu.texts()
		if contains(texts, "Вы вышли из личного кабинета") || contains(texts, "1100012345") || (value != "" && contains(texts, value)) {
			t.Errorf("after %s the screen still shows the visitor: %q", how, texts)
		}
		if !contains(texts, "Войти") || tu.UI.login == nil || tu.UI.login.customer.Text != "" {
			t.Errorf("after %s no clean login: %q", how, texts)
		}
	}
	logoutPage := func() string {
		t.Helper()
		tu.loginAs("100001")
		value := tu.sendReading()
		fyne.DoAndWait(func() { tu.UI.logout(nil) })
		tu.waitFor(func() bool { return contains(tu.textsNow(), "Вы вышли из личного кабинета") }, "the logout page")
		if texts := tu.texts(); !contains(texts, "1100012345") || !contains(texts, value) {
			t.Fatalf("the logout page does not say what was sent: %q", texts)
		}
		return value
	}

	value := logoutPage()
	fyne.DoAndWait(func() { tu.UI.typedRune('ы') })
	clean("a letter key", value)

	value = logoutPage()
	fyne.DoAndWait(func() { tu.UI.typedKey(&fyne.KeyEvent{Name: fyne.KeyDown}) })
	clean("an arrow key", value)

	value = logoutPage()
	fyne.DoAndWait(func() { test.TapCanvas(tu.UI.win.Canvas(), fyne.NewPos(20, 20)) })
	clean("a click", value)

	value = logoutPage()
	tm := timers[len(timers)-1]
	if tm.d != time.Minute || tm.stopped {
		t.Fatalf("the page's timer: %v, stopped %v", tm.d, tm.stopped)
	}
	tm.f()
	pump()
	clean("a minute", value)

	// A timer of a page already left does nothing to what came after.
	test.Type(tu.UI.login.customer, "1000")
	for _, tm := range timers {
		if !tm.stopped && tm != timers[len(timers)-1] {
			t.Error("a left page's timer was not stopped")
		}
		tm.f()
	}
	pump()
	if tu.UI.login.customer.Text != "1000" {
		t.Error("an old timer reset the login being typed")
	}
}

// TestPublicSaveAsStaysInTheSessionFolder: on a public computer «Сохранить
// как…» says the file stays on this computer and is deleted at logout,
// offers only the session's folder, and logout deletes the file.
func TestPublicSaveAsStaysInTheSessionFolder(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	tu := newTestUI(t, true)
	tu.loginAs("100001")
	fyne.DoAndWait(func() { tu.UI.navigate("invoices") })
	tu.waitFor(func() bool { return contains(tu.textsNow(), "Сохранить как…") }, "the bill's buttons")
	tu.tapButton("Сохранить как…")
	texts := tu.dialogTexts()
	for _, want := range []string{"Файл останется на этом компьютере.", "папка будет удалена вместе с документом"} {
		if !contains(texts, want) {
			t.Errorf("«Сохранить как…» does not say %q: %q", want, texts)
		}
	}
	tu.tapDialogButton("Сохранить")
	// The dialog after saving names the session's folder by its meaning,
	// not by a raw temporary path, and opens only that folder.
	dialog := tu.dialogTexts()
	if !contains(dialog, "сохранён во временную папку этого сеанса") || !contains(dialog, "Открыть папку") || contains(dialog, tmp) {
		t.Errorf("the dialog after saving says %q", dialog)
	}
	tu.tapDialogButton("Закрыть")
	found, _ := filepath.Glob(filepath.Join(tmp, "kabinet-*", "*", "*.pdf"))
	if len(found) != 1 {
		t.Fatalf("saved in the session's folder: %q", found)
	}
	saved := found[0]
	fyne.DoAndWait(func() { tu.UI.logout(nil) })
	tu.waitFor(func() bool { return contains(tu.textsNow(), "Вы вышли из личного кабинета") }, "the logout page")
	if _, err := os.Stat(saved); !os.IsNotExist(err) {
		t.Errorf("the document outlived the logout: %v", err)
	}
}

// TestFinishOnAPublicComputerWipesAsLogoutDoes: however the window's loop
// ended — Fyne quits by itself on SIGTERM and SIGINT, Windows' log-off
// quits it through internal/shutdown — Finish logs the visitor out and
// deletes the store and the printed documents, as «Выйти» does.
func TestFinishOnAPublicComputerWipesAsLogoutDoes(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	tu := newTestUI(t, true)
	tu.loginAs("100001")
	tu.sendReading()
	pdf, err := tu.svc.SavePDF("Счёт.pdf", func(w io.Writer) error { _, err := w.Write([]byte("%PDF-1.4")); return err })
	if err != nil {
		t.Fatal(err)
	}
	// The store and the printed document live in the session's one folder.
	if folders := sessionFolders(t, tmp); len(folders) != 1 || !strings.HasPrefix(pdf, filepath.Join(tmp, folders[0])+string(filepath.Separator)) {
		t.Fatalf("the session's folders: %q, the document: %s", folders, pdf)
	}
	if err := tu.UI.Finish(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	if left := sessionFolders(t, tmp); len(left) != 0 {
		t.Errorf("left on the computer: %q", left)
	}
	if _, err := os.Stat(pdf); !os.IsNotExist(err) {
		t.Errorf("the printed document is still there: %v", err)
	}
	if tu.svc.Customer() != "" {
		t.Error("still logged in")
	}
}

// TestFinishAtHomeKeepsTheLogin: at home the store is closed cleanly and
// kept with the login, for the next start.
func TestFinishAtHomeKeepsTheLogin(t *testing.T) {
	tu := newTestUI(t, false)
	tu.loginAs("100001")
	if err := tu.UI.Finish(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	if tu.svc.Customer() != "100001" {
		t.Errorf("the login was not kept: %q", tu.svc.Customer())
	}
	if _, err := tu.svc.Accounts(); err == nil {
		t.Error("the store is still open after the end")
	}
}

// TestRecoveryPageDoesNotClaimThePasswordWasSent: the page after a
// recovery request says what happens if the details match, names the
// phone by its last digits, says what to do without an SMS, and says
// nothing twice. «14.3.1948» is a date of birth like «14.03.1948».
func TestRecoveryPageDoesNotClaimThePasswordWasSent(t *testing.T) {
	tu := newTestUI(t, false)
	test.Type(tu.UI.login.customer, "100001")
	fyne.DoAndWait(func() { tu.UI.showRecoveryDetails("100001") })
	entries := tu.entries()
	test.Type(entries[0], "Иванова Мария Петровна")
	test.Type(entries[1], "14.3.1948")
	test.Type(entries[3], "8 912 123-45-01")
	tu.tapButton("Отправить")
	tu.waitFor(func() bool { return contains(tu.textsNow(), "Ко входу") }, "the page after the request")
	texts := tu.texts()
	if contains(texts, "Пароль отправлен") || contains(texts, "пароль отправлен") {
		t.Errorf("the page claims the password was sent: %q", texts)
	}
	for _, want := range []string{"Если данные совпадают с договором", "оканчивается на …01", "одноразовый пароль", contactPhone(tu.UI)} {
		if !contains(texts, want) {
			t.Errorf("the page lacks %q: %q", want, texts)
		}
	}
	// Each label once (texts also holds the rich text a label draws with).
	var labels []string
	tu.eachWidget(func(w fyne.Widget) {
		if l, ok := w.(*widget.Label); ok {
			labels = append(labels, l.Text)
		}
	})
	seen := map[string]bool{}
	for _, text := range labels {
		for _, s := range strings.SplitAfter(text, ". ") {
			s = strings.TrimSpace(s)
			if s == "" {
				continue
			}
			if seen[s] {
				t.Errorf("said twice: %q", s)
			}
			seen[s] = true
		}
	}
	// The date written with one digit matched the contract: the SMS went.
	tu.waitFor(func() bool { return len(tu.portal.SMS()) == 1 }, "the SMS")
	if msgs := tu.portal.SMS(); msgs[0].Phone != "+79121234501" {
		t.Errorf("SMS sent: %+v", msgs)
	}
}

// TestRecoveryRefusesADateItCannotRead: a date the screen cannot read is
// said at once, and nothing goes to the portal.
func TestRecoveryRefusesADateItCannotRead(t *testing.T) {
	tu := newTestUI(t, false)
	fyne.DoAndWait(func() { tu.UI.showRecoveryDetails("100001") })
	entries := tu.entries()
	test.Type(entries[0], "Иванова Мария Петровна")
	test.Type(entries[1], "31.02.1948")
	test.Type(entries[3], "8 912 123-45-01")
	tu.tapButton("Отправить")
	if !contains(tu.texts(), "Дата рождения записана непонятно") {
		t.Errorf("no word about the date: %q", tu.texts())
	}
	if len(tu.portal.SMS()) != 0 {
		t.Error("a request with an impossible date was sent")
	}
}

func TestParseBirthDate(t *testing.T) {
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		in   string
		want string // "" = refused
	}{
		{"14.03.1948", "1948-03-14"},
		{"14.3.1948", "1948-03-14"},
		{" 4.3.1948 ", "1948-03-04"},
		{"14/3/1948", "1948-03-14"},
		{"14-03-1948", "1948-03-14"},
		{"14 03 1948", "1948-03-14"},
		{"1948-03-14", "1948-03-14"},
		{"29.02.1948", "1948-02-29"},
		{"29.02.1949", ""},
		{"31.02.1948", ""},
		{"14.13.1948", ""},
		{"0.3.1948", ""},
		{"14.03.48", ""},
		{"14.03", ""},
		{"1948", ""},
		{"14.03.2027", ""},
		{"14.03.1850", ""},
		{"14.03.1948.1", ""},
		{"a.b.c", ""},
		{"+14.03.1948", ""},
		{"", ""},
	} {
		d, ok := parseBirthDate(c.in, now)
		got := ""
		if ok {
			got = d.String()
		}
		if got != c.want {
			t.Errorf("parseBirthDate(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
