package app

import (
	"context"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"kabinet/internal/cabinet"
	"kabinet/internal/demo"
)

// contentFiles are the files of the information screens.
var contentFiles = []string{"content.go", "news.go", "about.go", "contacts.go", "search.go", "question.go", "subscriptions.go", "settings.go", "help.go"}

// newContentUI is the app on a fresh demo portal, logged in as 100001, in
// Russian whatever the machine's locale (a C locale would pick English).
func newContentUI(t *testing.T) *testUI {
	t.Helper()
	t.Setenv("LC_ALL", "ru_RU.UTF-8")
	t.Setenv("LANG", "ru_RU.UTF-8")
	tu := newTestUI(t, false)
	tu.loginAs("100001")
	// Let the engine's first pass, started by the login, finish and its
	// events be pumped, so none rebuilds the screen a test looks at.
	contentSync(tu, func() bool { return true }, "a quiet engine")
	return tu
}

// contentOpen shows a section and returns its screen.
func contentOpen(tu *testUI, id string) Screen {
	tu.t.Helper()
	var s Screen
	fyne.DoAndWait(func() { tu.UI.navigate(id); s = tu.UI.screen })
	if tu.UI.screenID != id || s == nil {
		tu.t.Fatalf("section %q did not open", id)
	}
	return s
}

// contentShows waits until the window shows a text containing want.
func contentShows(tu *testUI, want string) {
	tu.t.Helper()
	tu.waitFor(func() bool { return contains(tu.textsNow(), want) }, "«"+want+"» on screen")
}

// contentSync syncs with the portal until a pass succeeded and cond holds
// (SyncNow waits for a pass already running, then runs its own; a pass
// may fail while the portal is coming back).
func contentSync(tu *testUI, cond func() bool, what string) {
	tu.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		r, _ := tu.svc.SyncNow(ctx)
		cancel()
		if r.Err == nil && cond() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	tu.t.Fatalf("timed out waiting for %s", what)
}

func contentSetText(e *widget.Entry, s string) { fyne.DoAndWait(func() { e.SetText(s) }) }

func contentTap(b *widget.Button) { fyne.DoAndWait(func() { test.Tap(b) }) }

// contentSettled waits until b is enabled again: the work it started is
// done and its answer is on screen.
func contentSettled(tu *testUI, b *widget.Button, what string) {
	tu.t.Helper()
	tu.waitFor(func() bool { return !b.Disabled() }, what)
}

// contentAnswersLoaded waits until «Задать вопрос» shows the answers
// instead of «Загружаем ответы с портала…».
func contentAnswersLoaded(tu *testUI) {
	tu.t.Helper()
	tu.waitFor(func() bool { return !contains(tu.textsNow(), "Загружаем ответы с портала") }, "the answers")
}

func TestContentNews(t *testing.T) {
	tu := newContentUI(t)
	news, at, err := tu.svc.News()
	if err != nil || len(news) < 3 || at.IsZero() {
		t.Fatalf("stored news: %d, %v, %v", len(news), at, err)
	}
	contentOpen(tu, "news")
	texts := tu.texts()
	for _, n := range news {
		if !contains(texts, n.Title) {
			t.Errorf("news %q is not shown", n.Title)
		}
	}
	if !contains(texts, "Данные на "+timeText(at)) {
		t.Errorf("no «Данные на …» from the stored time %v", at)
	}
	// Newest first.
	first, second := slices.IndexFunc(texts, func(s string) bool { return s == news[0].Title }),
		slices.IndexFunc(texts, func(s string) bool { return s == news[len(news)-1].Title })
	if news[0].PublishedOn.After(news[len(news)-1].PublishedOn) && first > second {
		t.Errorf("the newest news is shown after the oldest")
	}
}

func TestContentContactsAboutHelp(t *testing.T) {
	tu := newContentUI(t)
	contentOpen(tu, "contacts")
	texts := tu.texts()
	for _, want := range []string{"8 800 200-83-05", "Сыктывкар, центральный офис", "ул. Первомайская, д. 70", "Пн–Чт: 8:30–17:30", "info@komiesc.ru"} {
		if !contains(texts, want) {
			t.Errorf("contacts: %q is not shown", want)
		}
	}
	contentOpen(tu, "about")
	texts = tu.texts()
	for _, want := range []string{"Что можно сделать в личном кабинете", "передать показания приборов учёта", "Как войти в личный кабинет"} {
		if !contains(texts, want) {
			t.Errorf("about: %q is not shown", want)
		}
	}
	contentOpen(tu, "help")
	texts = tu.texts()
	for _, want := range []string{"1. Найдите номер клиента", "одноразовый пароль", "Т1", "с 18 по 25", "Показание меньше прошлого",
		"Выставленные счета", "Сохранить пароль", "Это общественный компьютер", "Шрифт: обычный", "Высокая контрастность",
		"8 800 200-83-05", "Как получить пароль от личного кабинета?"} {
		if !contains(texts, want) {
			t.Errorf("help: %q is not shown", want)
		}
	}
}

// contentSearch types q into «Поиск» and waits for the answer.
func contentSearch(tu *testUI, s *searchScreen, q string) {
	tu.t.Helper()
	contentSetText(s.entry, q)
	fyne.DoAndWait(func() { s.entry.OnSubmitted(q) })
	contentSettled(tu, s.find, "the search results")
}

func contentKinds(rs []string) map[string]bool {
	m := map[string]bool{}
	for _, r := range rs {
		m[r] = true
	}
	return m
}

func TestContentSearch(t *testing.T) {
	tu := newContentUI(t)
	s := contentOpen(tu, "search").(*searchScreen)
	tu.waitFor(func() bool { return tu.UI.win.Canvas().Focused() == s.entry }, "the search field to get the focus")

	contentSearch(tu, s, "")
	if !strings.Contains(s.status.Text, "Введите, что искать, например «показания» или «оплата»") {
		t.Errorf("empty query: %q", s.status.Text)
	}

	for _, down := range []bool{false, true} {
		tu.portal.Down.Store(down)
		// «показание» finds «показания», «показаний»…
		contentSearch(tu, s, "показание")
		var got []string
		for _, r := range s.shown {
			got = append(got, r.Kind)
		}
		if k := contentKinds(got); !k["faq"] || !k["news"] {
			t.Errorf("offline=%v: «показание» found kinds %v, want FAQ and news", down, got)
		}
		texts := tu.texts()
		for _, want := range []string{"Вопрос и ответ: ", "Новость: ", "Показание получилось меньше"} {
			if !contains(texts, want) {
				t.Errorf("offline=%v: %q is not shown", down, want)
			}
		}
	}

	contentSearch(tu, s, "жирафы")
	if len(s.shown) != 0 || !strings.Contains(s.status.Text, "ничего не нашлось") || !strings.Contains(s.status.Text, "контакт-центр") {
		t.Errorf("no results: %d shown, %q", len(s.shown), s.status.Text)
	}

	// A FAQ result opens «Помощь» with the answer first.
	contentSearch(tu, s, "пароль")
	i := slices.IndexFunc(s.shown, func(r cabinet.SearchResult) bool { return r.Kind == "faq" })
	if i < 0 {
		t.Fatalf("«пароль» found no FAQ")
	}
	contentTap(s.opens[i])
	if tu.UI.screenID != "help" || !contains(tu.texts(), "Вы открыли из поиска:") {
		t.Errorf("a FAQ result opened %q", tu.UI.screenID)
	}
}

func TestContentSearchInvoiceOpensInvoices(t *testing.T) {
	tu := newContentUI(t)
	s := contentOpen(tu, "search").(*searchScreen)
	tu.waitFor(func() bool { return tu.UI.win.Canvas().Focused() == s.entry }, "the search field to get the focus")
	contentSearch(tu, s, "счёт")
	i := slices.IndexFunc(s.shown, func(r cabinet.SearchResult) bool { return r.Kind == "invoice" })
	if i < 0 {
		t.Fatalf("«счёт» found no invoice: %+v", s.shown)
	}
	r := s.shown[i]
	if r.Account == "" || !contains(tu.texts(), "Счёт: "+r.Title) {
		t.Fatalf("invoice result %+v not shown as «Счёт: …»", r)
	}
	fyne.DoAndWait(func() { tu.UI.account = "" }) // as if another account were shown
	contentTap(s.opens[i])
	if tu.UI.screenID != "invoices" || tu.UI.account != r.Account {
		t.Errorf("the invoice result opened %q for account %q, want invoices of %q", tu.UI.screenID, tu.UI.account, r.Account)
	}
	if _, still := tu.UI.screen.(*searchScreen); still {
		t.Errorf("the invoices screen was not shown")
	}
}

func TestContentQuestionOffline(t *testing.T) {
	tu := newContentUI(t)
	s := contentOpen(tu, "question").(*questionScreen)
	// The answers of the demo questions, fetched when the screen opened.
	contentAnswersLoaded(tu)
	texts := tu.texts()
	for _, want := range []string{"Мария Петровна, в том месяце", "Ответа пока нет", "Вопрос «Оплата»"} {
		if !contains(texts, want) {
			t.Errorf("answers: %q is not shown", want)
		}
	}

	tu.portal.Down.Store(true)
	const text = "Можно ли перенести срок оплаты на две недели?"
	contentSetText(s.topic, "Оплата")
	contentSetText(s.text, text)
	contentTap(s.send)
	contentSettled(tu, s.send, "the question to be saved")
	if !contains(tu.texts(), "Нет связи. Вопрос сохранён и будет отправлен автоматически.") {
		t.Errorf("offline: %q", s.status.Text)
	}
	items, _ := tu.svc.Outbox()
	i := slices.IndexFunc(items, func(it cabinet.Item) bool { return it.Kind == cabinet.KindQuestion && it.Text == text })
	if i < 0 {
		t.Fatalf("the question is not in the outbox: %+v", items)
	}
	if items[i].Topic != "Оплата" || items[i].Account != tu.UI.account {
		t.Errorf("queued question: %+v", items[i])
	}
	if s.text.Text != "" {
		t.Errorf("the question text was not cleared after saving")
	}
	if !contains(tu.texts(), "Ожидают отправки:") {
		t.Errorf("the waiting question is not listed")
	}

	tu.portal.Down.Store(false)
	contentSync(tu, func() bool {
		items, _ := tu.svc.Outbox()
		return !slices.ContainsFunc(items, func(it cabinet.Item) bool { return it.Text == text })
	}, "the question to be sent")
	if n := tu.portal.Count(t, `SELECT count(*) FROM questions WHERE text = ?`, text); n != 1 {
		t.Errorf("the portal holds the question %d times", n)
	}
	contentShows(tu, "Вопрос отправлен")
	contentShows(tu, text) // in the list of questions, from the portal
}

func TestContentSettingsPassword(t *testing.T) {
	tu := newContentUI(t)
	s := contentOpen(tu, "settings").(*settingsScreen)
	try := func(current, a, b string) {
		contentSetText(s.current, current)
		contentSetText(s.new1, a)
		contentSetText(s.new2, b)
		contentTap(s.savePassword)
	}
	settled := func() { contentSettled(tu, s.savePassword, "the portal's answer") }
	try(demo.Password, "синий чайник окно", "синий чайник окнo")
	if !strings.Contains(s.pwErr.Text, "Пароли не совпадают") || !s.pwErr.Visible() {
		t.Errorf("mismatch: %q", s.pwErr.Text)
	}
	try(demo.Password, "кот", "кот")
	if !strings.Contains(s.pwErr.Text, "Пароль слишком короткий: нужно не меньше 8 знаков.") {
		t.Errorf("too short: %q", s.pwErr.Text)
	}
	if s.savePassword.Disabled() {
		t.Errorf("a refused password was sent to the portal")
	}
	try("неверный пароль", "синий чайник окно", "синий чайник окно")
	settled()
	if !s.pwErr.Visible() || s.pwOK.Visible() {
		t.Errorf("a wrong current password was accepted: %q", s.pwOK.Text)
	}

	const good = "синий чайник окно"
	try(demo.Password, good, good)
	settled()
	if !strings.Contains(s.pwOK.Text, "Пароль изменён") || s.pwErr.Visible() {
		t.Fatalf("good change: ok %q, error %q", s.pwOK.Text, s.pwErr.Text)
	}
	if s.current.Text != "" || s.new1.Text != "" {
		t.Errorf("the password fields were not cleared")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := tu.svc.Login(ctx, "100001", good); err != nil {
		t.Errorf("login with the new password: %v", err)
	}
}

func TestContentSettingsProfile(t *testing.T) {
	tu := newContentUI(t)
	s := contentOpen(tu, "settings").(*settingsScreen)
	if s.email.Text != "ivanova.mp@example.com" || s.phone.Text != "+7 912 123-45-01" {
		t.Errorf("prefilled: %q, %q", s.email.Text, s.phone.Text)
	}
	stored := func(email string) int {
		return tu.portal.Count(t, `SELECT count(*) FROM customers WHERE number = '100001' AND email = ?`, email)
	}

	contentSetText(s.email, "ivanova@mail")
	contentTap(s.saveProfile)
	if !s.emailErr.Visible() || !strings.Contains(s.emailErr.Text, "Адрес электронной почты записан с ошибкой") {
		t.Errorf("bad e-mail: %q", s.emailErr.Text)
	}
	contentSetText(s.email, "ivanova.mp@example.com")
	contentSetText(s.phone, "12345")
	contentTap(s.saveProfile)
	if !s.phoneErr.Visible() || !strings.Contains(s.phoneErr.Text, "номер мобильного телефона") {
		t.Errorf("bad phone: %q", s.phoneErr.Text)
	}
	if s.saveProfile.Disabled() || stored("ivanova.mp@example.com") != 1 {
		t.Errorf("a bad form was sent")
	}

	// Without the current password nothing changes, and the field says why.
	contentSetText(s.email, " M.Ivanova@Mail.RU ")
	contentSetText(s.phone, "+7 912 123-45-01")
	contentTap(s.saveProfile)
	contentSettled(tu, s.saveProfile, "the portal's answer")
	if !s.profilePwErr.Visible() || !strings.Contains(s.profilePwErr.Text, "введите текущий пароль") || stored("M.Ivanova@mail.ru") != 0 {
		t.Errorf("no password: error %q, ok %q", s.profilePwErr.Text, s.profileOK.Text)
	}

	contentSetText(s.profilePassword, demo.Password)
	fyne.DoAndWait(func() { s.profilePassword.OnSubmitted(s.profilePassword.Text) }) // Enter saves
	contentSettled(tu, s.saveProfile, "the profile to be saved")
	if !strings.Contains(s.profileOK.Text, "Сохранено") || stored("M.Ivanova@mail.ru") != 1 {
		t.Errorf("good profile: ok %q, error %q %q", s.profileOK.Text, s.profileErr.Text, s.profilePwErr.Text)
	}
	if s.emailErr.Visible() || s.phoneErr.Visible() || s.profilePwErr.Visible() || s.profilePassword.Text != "" {
		t.Errorf("the inline errors or the password stayed after a good save")
	}
}

// TestContentSettingsPhoneNeedsTheCode: a new phone is asked for the code
// sent to it, a wrong code says so, the right one changes the number.
func TestContentSettingsPhoneNeedsTheCode(t *testing.T) {
	tu := newContentUI(t)
	s := contentOpen(tu, "settings").(*settingsScreen)
	storedPhone := func(phone string) int {
		return tu.portal.Count(t, `SELECT count(*) FROM customers WHERE number = '100001' AND phone = ?`, phone)
	}
	contentSetText(s.phone, "8 (912) 765-43-21")
	contentSetText(s.profilePassword, "не тот пароль")
	contentTap(s.saveProfile)
	contentSettled(tu, s.saveProfile, "the portal's answer")
	if !strings.Contains(s.profilePwErr.Text, "Текущий пароль введён неверно") || s.codeBox.Visible() {
		t.Errorf("wrong password: %q, code box shown %v", s.profilePwErr.Text, s.codeBox.Visible())
	}

	contentSetText(s.profilePassword, demo.Password)
	contentTap(s.saveProfile)
	contentSettled(tu, s.saveProfile, "the code to be sent")
	if !s.codeBox.Visible() || !strings.Contains(s.codeSent.Text, "оканчивающийся на …21") {
		t.Fatalf("after saving a new phone: code box %v %q, error %q", s.codeBox.Visible(), s.codeSent.Text, s.profileErr.Text)
	}
	// The box asking for the code is in view, not below the fold.
	fyne.DoAndWait(func() {
		top, view := s.codeBox.Position().Y, s.lay.scroll.Size().Height
		if off := s.lay.scroll.Offset.Y; top < off || top+min(s.codeBox.Size().Height, view) > off+view+1 {
			t.Errorf("the code box (%v–%v) is out of view (%v–%v)", top, top+s.codeBox.Size().Height, off, off+view)
		}
	})
	if storedPhone("+79127654321") != 0 {
		t.Errorf("the phone changed before the code was typed")
	}
	var code string
	for _, m := range tu.portal.SMS() {
		if m.Phone == "+79127654321" {
			code = regexp.MustCompile(`\d{6}`).FindString(m.Text)
		}
	}
	if code == "" {
		t.Fatalf("no code in %+v", tu.portal.SMS())
	}
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	contentSetText(s.code, wrong)
	contentTap(s.confirm)
	contentSettled(tu, s.confirm, "the wrong code's answer")
	if !strings.Contains(s.codeErr.Text, "Код неверный") || !strings.Contains(s.codeErr.Text, "Осталось попыток: 4") {
		t.Errorf("wrong code: %q", s.codeErr.Text)
	}

	contentSetText(s.code, code)
	fyne.DoAndWait(func() { s.code.OnSubmitted(s.code.Text) }) // Enter confirms
	contentSettled(tu, s.confirm, "the code to be confirmed")
	if !strings.Contains(s.profileOK.Text, "Номер телефона изменён: +7 912 765-43-21") || s.codeBox.Visible() {
		t.Errorf("right code: ok %q, error %q", s.profileOK.Text, s.codeErr.Text)
	}
	if storedPhone("+79127654321") != 1 {
		t.Errorf("the portal does not have the new phone")
	}
}

func TestContentSubscriptions(t *testing.T) {
	tu := newContentUI(t)
	account := tu.UI.account
	doc, ok, _ := tu.svc.Document(account)
	if !ok || doc.Doc.Subscriptions == nil || doc.Doc.Customer == nil || doc.Doc.Customer.Email == "" {
		t.Fatalf("100001's document: %+v, customer %+v", doc.Doc.Subscriptions, doc.Doc.Customer)
	}
	before := *doc.Doc.Subscriptions
	if before.EmailBills || !before.SMSReminders {
		t.Fatalf("100001's subscriptions: %+v", before)
	}
	s := contentOpen(tu, "subscriptions").(*subscriptionsScreen)
	if s.emailCk.Disabled() || !contains(tu.texts(), "ivanova.mp@example.com") {
		t.Errorf("100001 has an e-mail: the e-mail check must be on offer and show the address")
	}

	// Offline nothing changes, and the person is told why.
	tu.portal.Down.Store(true)
	fyne.DoAndWait(func() { s.emailCk.SetChecked(true) })
	contentTap(s.save)
	contentSettled(tu, s.save, "the offline attempt")
	if !s.err.Visible() || !strings.Contains(s.err.Text, "Подписки не изменены") || s.status.Visible() {
		t.Errorf("offline: error %q, status %q", s.err.Text, s.status.Text)
	}
	if doc, _, _ := tu.svc.Document(account); *doc.Doc.Subscriptions != before {
		t.Errorf("offline save changed the stored subscriptions: %+v", doc.Doc.Subscriptions)
	}

	tu.portal.Down.Store(false)
	fyne.DoAndWait(func() { s.smsCk.SetChecked(false) })
	contentTap(s.save)
	contentSettled(tu, s.save, "the subscriptions to be saved")
	if !strings.Contains(s.status.Text, "Подписки сохранены") || s.err.Visible() {
		t.Fatalf("online: status %q, error %q", s.status.Text, s.err.Text)
	}
	contentSync(tu, func() bool {
		doc, _, _ := tu.svc.Document(account)
		sub := doc.Doc.Subscriptions
		return sub != nil && sub.EmailBills && !sub.SMSReminders
	}, "the stored subscriptions to change")
}

func TestContentSubscriptionsNeedEmail(t *testing.T) {
	tu := newContentUI(t)
	s := contentOpen(tu, "settings").(*settingsScreen)
	contentSetText(s.email, "")
	contentSetText(s.profilePassword, demo.Password)
	contentTap(s.saveProfile)
	contentSettled(tu, s.saveProfile, "the e-mail to be removed")
	if !strings.Contains(s.profileOK.Text, "адрес почты удалён") {
		t.Errorf("removing the e-mail: ok %q, error %q", s.profileOK.Text, s.profileErr.Text)
	}
	contentSync(tu, func() bool {
		doc, _, _ := tu.svc.Document(tu.UI.account)
		return doc.Doc.Customer != nil && doc.Doc.Customer.Email == ""
	}, "the stored document without an e-mail")
	sub := contentOpen(tu, "subscriptions").(*subscriptionsScreen)
	if !sub.emailCk.Disabled() || !contains(tu.texts(), "Сначала укажите адрес почты в «Настройках личного кабинета»") {
		t.Errorf("without an e-mail the check must be disabled with an explanation")
	}
}

// TestContentTranslations checks that every string of these screens is in
// content.ru.json (as itself) and content.en.json (translated, with the
// same template fields).
func TestContentTranslations(t *testing.T) {
	load := func(name string) map[string]string {
		b, err := os.ReadFile("../assets/translations/" + name)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return m
	}
	ru, en := load("content.ru.json"), load("content.en.json")
	fields := regexp.MustCompile(`\{\{\.\w+\}\}`)
	fs := token.NewFileSet()
	n := 0
	for _, name := range contentFiles {
		f, err := parser.ParseFile(fs, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(node ast.Node) bool {
			call, ok := node.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if id, isIdent := contentSelX(sel); !ok || !isIdent || id != "lang" || sel.Sel.Name != "L" {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok {
				t.Errorf("%s: lang.L without a literal", fs.Position(call.Pos()))
				return true
			}
			key, _ := strconv.Unquote(lit.Value)
			n++
			if ru[key] != key {
				t.Errorf("content.ru.json: %q missing or changed", key)
			}
			tr := en[key]
			if tr == "" {
				t.Errorf("content.en.json: %q missing", key)
			}
			a, b := fields.FindAllString(key, -1), fields.FindAllString(tr, -1)
			slices.Sort(a)
			slices.Sort(b)
			if tr != "" && !slices.Equal(a, b) {
				t.Errorf("content.en.json: %q has fields %v, want %v", key, b, a)
			}
			return true
		})
	}
	if n < 100 {
		t.Errorf("only %d strings found", n)
	}
}

func contentSelX(sel *ast.SelectorExpr) (string, bool) {
	if sel == nil {
		return "", false
	}
	id, ok := sel.X.(*ast.Ident)
	if !ok {
		return "", false
	}
	return id.Name, true
}

// TestContentScreenshots writes pictures of these screens, in normal and
// in the largest text, to the folder KABINET_CONTENT_SHOTS names (for a
// look by eye; skipped otherwise).
func TestContentScreenshots(t *testing.T) {
	dir := os.Getenv("KABINET_CONTENT_SHOTS")
	if dir == "" {
		t.Skip("set KABINET_CONTENT_SHOTS to a folder to write the pictures")
	}
	tu := newContentUI(t)
	fyne.DoAndWait(func() { tu.UI.win.Resize(fyne.NewSize(1280, 800)) })
	shot := func(name string) {
		t.Helper()
		fyne.DoAndWait(func() {
			f, err := os.Create(filepath.Join(dir, name+".png"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			png.Encode(f, tu.UI.win.Canvas().Capture())
		})
	}
	for _, size := range []int{0, 2} {
		fyne.DoAndWait(func() { tu.UI.SetTextSize(size) })
		suffix := map[int]string{0: "", 2: "-large"}[size]
		for _, id := range []string{"news", "about", "contacts", "help", "subscriptions", "settings"} {
			contentOpen(tu, id)
			shot(id + suffix)
		}
		s := contentOpen(tu, "search").(*searchScreen)
		tu.waitFor(func() bool { return tu.UI.win.Canvas().Focused() == s.entry }, "the search field to get the focus")
		contentSearch(tu, s, "показание")
		shot("search" + suffix)
		contentOpen(tu, "question")
		contentAnswersLoaded(tu)
		shot("question" + suffix)
	}
}

func TestContentInlinePhone(t *testing.T) {
	for in, want := range map[string]string{
		"8 800 200-83-05":    "8-800-200-83-05",
		"+7 (8212) 28-86-00": "+7 (8212) 28-86-00",
		"8 800 200-83-05 (звонок бесплатный)": "8-800-200-83-05 (звонок бесплатный)",
	} {
		if got := inlinePhone(in); got != want {
			t.Errorf("inlinePhone(%q) = %q, want %q", in, got, want)
		}
	}
}
