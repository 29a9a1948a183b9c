package app

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"kabinet/assets"
	"kabinet/internal/demo"
	"kabinet/internal/domain"
)

func TestLoginShowsTheDashboard(t *testing.T) {
	tu := newTestUI(t, false)
	if !contains(tu.texts(), "Не получили или забыли пароль?") || !contains(tu.texts(), "Номер клиента") {
		t.Fatalf("login screen: %q", tu.texts())
	}
	tu.loginAs("100001")
	tu.waitFor(func() bool {
		return contains(tu.textsNow(), "К оплате") || contains(tu.textsNow(), "Задолженности нет")
	}, "the balance on the dashboard")
	texts := tu.texts()
	for _, want := range []string{"Главная", "Ввод показаний приборов учета", "Выйти", "Контакт-центр: ", "Данные на ", "Ожидают отправки: 0", "Лицевой счёт 1100012345"} {
		if !contains(texts, want) {
			t.Errorf("the dashboard lacks %q", want)
		}
	}
}

func TestWrongPasswordSaysWhatToDo(t *testing.T) {
	tu := newTestUI(t, false)
	f := tu.UI.login
	test.Type(f.customer, "100001")
	test.Type(f.password, "неверный")
	test.Tap(f.submit)
	tu.waitFor(func() bool { return f.err.Visible() }, "the error")
	if !strings.Contains(f.err.Text, "Неверный номер клиента или пароль") {
		t.Errorf("error %q", f.err.Text)
	}
	if tu.UI.shell != nil {
		t.Error("a wrong password opened the account")
	}
	// Enter in the password field submits too.
	f.password.SetText("")
	test.Type(f.password, demo.Password)
	f.password.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	tu.waitFor(func() bool { return tu.UI.shell != nil }, "login with Enter")
}

func TestRecoveryWizardSendsTheSMS(t *testing.T) {
	tu := newTestUI(t, false)
	test.Type(tu.UI.login.customer, "100001")
	fyne.DoAndWait(tu.UI.showRecovery)
	if !contains(tu.texts(), "Шаг 1 из 2") {
		t.Fatalf("recovery step 1: %q", tu.texts())
	}
	fyne.DoAndWait(func() { tu.UI.showRecoveryDetails("100001") })
	entries := tu.entries()
	if len(entries) != 4 {
		t.Fatalf("step 2 has %d fields", len(entries))
	}
	test.Type(entries[0], "Иванова Мария Петровна")
	test.Type(entries[1], "14.03.1948")
	test.Type(entries[3], "8 912 123-45-01")
	tu.tapButton("Отправить")
	tu.waitFor(func() bool { return contains(tu.textsNow(), "Запрос принят") }, "the page after the request")
	if !contains(tu.texts(), "одноразовый пароль") {
		t.Error("no word about the contact centre's one-time password")
	}
	if msgs := tu.portal.SMS(); len(msgs) != 1 || msgs[0].Phone != "+79121234501" {
		t.Errorf("SMS sent: %+v", msgs)
	}
}

func TestLargeTextAndHighContrastApplyEverywhere(t *testing.T) {
	tu := newTestUI(t, false)
	tu.loginAs("100001")
	normal := theme.TextSize()
	tu.tapButton("Шрифт: обычный")
	tu.tapButton("Шрифт: крупный")
	if got := fyne.CurrentApp().Settings().Theme().Size(theme.SizeNameText); got < 2*normal-0.01 {
		t.Errorf("text size %v after two clicks, want twice %v", got, normal)
	}
	fyne.DoAndWait(func() { tu.UI.shell.contrast.SetChecked(true) })
	th := fyne.CurrentApp().Settings().Theme()
	fg, bg := th.Color(theme.ColorNameForeground, theme.VariantLight), th.Color(theme.ColorNameBackground, theme.VariantLight)
	if ratio := contrastRatio(fg, bg); ratio < 7 {
		t.Errorf("text contrast %.1f:1, want at least 7:1", ratio)
	}
	// Every screen keeps working at twice the size: each builds and heads
	// its content with its own title (the menu beside it names them all,
	// so only the content area counts).
	for _, sec := range sections() {
		fyne.DoAndWait(func() { tu.UI.navigate(sec.id) })
		if got := tu.contentHeadings(); !slices.Contains(got, sec.title) {
			t.Errorf("screen %s is headed %q at 2× text, want %q", sec.id, got, sec.title)
		}
	}
	// Large controls: a button is at least 44 px high.
	b := widget.NewButton("Передать показания", nil)
	if h := b.MinSize().Height; h < 44 {
		t.Errorf("button height %v in large mode", h)
	}
}

func TestAccountSwitcherShowsTheChosenAccount(t *testing.T) {
	tu := newTestUI(t, false)
	tu.loginAs("100004")
	tu.waitFor(func() bool { list, _ := tu.svc.Accounts(); return len(list) == 2 }, "two accounts")
	fyne.DoAndWait(func() { tu.UI.shell.refreshAccounts() })
	texts := tu.texts()
	if !contains(texts, "Квартира") || !contains(texts, "Дача") {
		t.Errorf("the dashboard should show both accounts: %q", texts)
	}
	fyne.DoAndWait(func() { tu.UI.shell.accounts.SetSelectedIndex(1) })
	if tu.UI.account != tu.UI.shell.numbers[1] {
		t.Errorf("switcher chose %s, shown %s", tu.UI.shell.numbers[1], tu.UI.account)
	}
}

func TestPublicComputerLogoutSaysWhatWasSentAndLeavesNothing(t *testing.T) {
	tu := newTestUI(t, true)
	tu.loginAs("100001")
	doc, _, _ := tu.svc.Document(tu.UI.account)
	meter := doc.Doc.Meters[0]
	value := strings.ReplaceAll((meter.Zones[0].LastValue + domain.DecimalFromInt(50)).Format(meter.FractionDigits), "\u202f", "")
	if _, err := tu.svc.QueueReading(tu.UI.account, meter.ID, map[domain.Zone]string{domain.T1: value}, false); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tu.svc.SyncNow(ctx)
	logout := tu.UI.shell.logout
	tu.tapButton("Выйти")
	// The logout may take up to half a minute without a connection: «Выйти»
	// cannot be pressed again meanwhile.
	if !logout.Disabled() {
		t.Error("«Выйти» stays enabled while the logout runs")
	}
	tu.waitFor(func() bool { return contains(tu.textsNow(), "Вы вышли из личного кабинета") }, "the logout page")
	texts := tu.texts()
	if !contains(texts, "Отправлено за этот сеанс: 1") || !contains(texts, "удалены с этого компьютера") {
		t.Errorf("logout page: %q", texts)
	}
}

func TestIdlePublicSessionWarnsThenLogsOut(t *testing.T) {
	tu := newTestUI(t, true)
	tu.loginAs("100001")
	// The idle watch's clock is moved by hand: the test does not depend on
	// how busy the machine is.
	now := time.Now()
	clock := func() time.Time { return now }
	var w *idleWatch
	fyne.DoAndWait(func() {
		w = tu.UI.idle
		w.now = clock
		w.touch()
	})
	step := func(d time.Duration) {
		now = now.Add(d)
		fyne.DoAndWait(w.check)
	}
	step(3 * time.Minute)
	if w.warning != nil {
		t.Fatal("a warning after 3 idle minutes")
	}
	step(61 * time.Second)
	if w.warning == nil {
		t.Fatal("no warning after 4 idle minutes")
	}
	// «Продолжить» (any activity) keeps the session.
	fyne.DoAndWait(w.touch)
	if w.warning != nil {
		t.Error("the warning stayed after «Продолжить»")
	}
	step(4*time.Minute + time.Second)
	if w.warning == nil {
		t.Fatal("no warning the second time")
	}
	step(time.Minute)
	tu.waitFor(func() bool { return contains(tu.textsNow(), "Вы вышли из личного кабинета") }, "the logout after 5 idle minutes")
	if tu.svc.Customer() != "" {
		t.Error("still logged in")
	}
}

var langKey = regexp.MustCompile(`lang\.L\("((?:[^"\\]|\\.)*)"`)

// TestEveryStringIsTranslated: every lang.L key of the app is in the
// Russian and the English files, so Fyne never logs "Translation failure"
// and English users see English.
func TestEveryStringIsTranslated(t *testing.T) {
	keys := map[string]string{}
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, _ := os.ReadFile(f)
		for _, m := range langKey.FindAllSubmatch(src, -1) {
			keys[unquote(t, string(m[1]))] = f
		}
	}
	for _, l := range []string{"ru", "en"} {
		have := map[string]bool{}
		fs.WalkDir(assets.Translations, "translations", func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, "."+l+".json") && filepath.Base(path) != l+".json" {
				return nil
			}
			b, _ := fs.ReadFile(assets.Translations, path)
			var m map[string]string
			if err := json.Unmarshal(b, &m); err != nil {
				t.Errorf("%s: %v", path, err)
			}
			for k, v := range m {
				have[k] = true
				if v == "" {
					t.Errorf("%s: empty translation of %q", path, k)
				}
			}
			return nil
		})
		for k, f := range keys {
			if !have[k] {
				t.Errorf("%s: %q (%s) has no %s translation", l, k, f, l)
			}
		}
	}
	if len(keys) < 50 {
		t.Errorf("only %d keys found: the scan is broken", len(keys))
	}
}

func unquote(t *testing.T, s string) string {
	var out string
	if err := json.Unmarshal([]byte(`"`+s+`"`), &out); err != nil {
		t.Fatalf("key %q: %v", s, err)
	}
	return out
}

func TestEscapeClosesADialog(t *testing.T) {
	tu := newTestUI(t, false)
	tu.loginAs("100001")
	fyne.DoAndWait(func() {
		tu.UI.showError(errors.New("Проверьте подключение к интернету."))
	})
	if len(tu.UI.dialogs) != 1 {
		t.Fatalf("%d dialogs open", len(tu.UI.dialogs))
	}
	fyne.DoAndWait(func() { tu.UI.typedKey(&fyne.KeyEvent{Name: fyne.KeyEscape}) })
	if len(tu.UI.dialogs) != 0 {
		t.Errorf("Escape left %d dialogs open", len(tu.UI.dialogs))
	}
}

// contentHeadings are the headings shown in the content area, beside the
// menu: the shown screen's title (and a bill's, a dialog's within it).
func (tu *testUI) contentHeadings() []string {
	var out []string
	fyne.DoAndWait(func() {
		walkWidgets(tu.t, tu.UI.shell.content, func(w fyne.Widget) {
			if l, ok := w.(*widget.Label); ok && (l.SizeName == theme.SizeNameHeadingText || l.SizeName == theme.SizeNameSubHeadingText) {
				out = append(out, l.Text)
			}
		})
	})
	return out
}
