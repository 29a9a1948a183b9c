package app

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"kabinet/internal/cabinet"
	"kabinet/internal/domain"
	"kabinet/internal/portalclient"
)

// These tests build screens from deps with a fake service and a fake
// frame: no portal, no store, no shell. They prove the seam: a screen needs
// nothing but the few methods it declares.

// fakeFrame is the window around a screen under test: buttons, run and
// focus are the real window's; navigation is recorded.
type fakeFrame struct {
	*UI
	went []place
}

func (f *fakeFrame) navigate(id string) { f.went = append(f.went, place{screen: id}) }
func (f *fakeFrame) goTo(p place)       { f.went = append(f.went, p) }

// newFakeFrame is a window with no service and no session.
func newFakeFrame(t *testing.T) (*fakeFrame, *testUI) {
	t.Helper()
	a := test.NewTempApp(t)
	LoadTranslations(false)
	u := New(a, Options{})
	return &fakeFrame{UI: u}, &testUI{UI: u, t: t}
}

// shown builds s and returns its texts.
func shown(t *testing.T, s Screen) (fyne.CanvasObject, func() []string) {
	t.Helper()
	obj := s.Content()
	return obj, func() []string { return objectTexts(t, obj) }
}

// buttonIn is the button with the text inside o.
func buttonIn(t *testing.T, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	var found *widget.Button
	walkWidgets(t, o, func(w fyne.Widget) {
		if b, ok := w.(*widget.Button); ok && b.Text == text && found == nil {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no button %q in %q", text, objectTexts(t, o))
	}
	return found
}

// fakeAccounts is a service for «Главная»: two accounts, the first with a
// document, the second not downloaded yet.
type fakeAccounts struct {
	fresh time.Time
	docs  map[string]cabinet.Document
	reads map[string]int // Document calls per account
	queue []cabinet.Item
	due   cabinet.ReadingsDue // the banner's data; none by default
}

func (f *fakeAccounts) Accounts() ([]domain.AccountSummary, error) {
	return []domain.AccountSummary{
		{Number: "1100012345", Title: "Квартира", Address: "Сыктывкар, ул. Ленина, д. 1, кв. 2"},
		{Number: "1100067890", Title: "Дача", Address: "Эжвинский район"},
	}, nil
}

func (f *fakeAccounts) Document(account string) (cabinet.Document, bool, error) {
	f.reads[account]++
	d, ok := f.docs[account]
	return d, ok, nil
}

func (f *fakeAccounts) FreshAt(string) time.Time        { return f.fresh }
func (f *fakeAccounts) Outbox() ([]cabinet.Item, error) { return f.queue, nil }

// dashboardFake is «Главная»'s fake on 20 November 2026, in the window.
func dashboardFake(t *testing.T) *fakeAccounts {
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, domain.Moscow)
	old := nowFunc
	nowFunc = func() time.Time { return now }
	t.Cleanup(func() { nowFunc = old })
	today := domain.DateOf(now, domain.Moscow)
	return &fakeAccounts{
		fresh: time.Date(2026, 11, 20, 9, 5, 0, 0, domain.Moscow),
		reads: map[string]int{},
		docs: map[string]cabinet.Document{"1100012345": {Doc: domain.AccountDocument{
			Balance: domain.Balance{Debt: 123456, DueOn: domain.Date{Year: 2026, Month: 12, Day: 10}},
			Meters: []domain.Meter{{ID: "m1", Serial: "011552", Window: domain.WindowState{Open: true,
				Start: domain.Date{Year: 2026, Month: 11, Day: 18}, End: domain.Date{Year: 2026, Month: 11, Day: 25}, DaysLeft: 6, Today: today}},
				{ID: "m2", Serial: "022663"}},
			Readings: []domain.Reading{{ID: "r1", MeterID: "m2", Period: today.Period(), TakenOn: today, Status: domain.StatusAccepted, Source: domain.SourceCustomer}},
		}}},
		queue: []cabinet.Item{{ID: 7, Kind: cabinet.KindQuestion, Account: "1100012345", Topic: "Оплата", State: cabinet.Waiting}},
	}
}

func TestDashboardWithAFakeService(t *testing.T) {
	frame, _ := newFakeFrame(t)
	svc := dashboardFake(t)
	obj, texts := shown(t, newDashboard(deps[dashboardService]{frame: frame, svc: svc}))
	for _, want := range []string{
		"Лицевой счёт 1100012345 — Квартира", "К оплате: " + money(123456) + " до 10.12.2026",
		"Счётчик 011552: передайте показания с 18 по 25 ноября — осталось дней: 6",
		"Счётчик 022663: показания за ноябрь 2026 переданы 20.11.2026",
		"Данные на 20.11.2026 09:05",
		"Лицевой счёт 1100067890 — Дача", "Данных пока нет",
		"Ожидают отправки", "Вопрос «Оплата» — будет отправлено, как только появится связь",
	} {
		if !contains(texts(), want) {
			t.Errorf("«Главная» lacks %q: %q", want, texts())
		}
	}
	for account, n := range svc.reads {
		if n != 1 {
			t.Errorf("the document of %s was read %d times for one paint", account, n)
		}
	}
	// «Передать показания» opens the reading screen for that account, in
	// one step.
	test.Tap(buttonIn(t, obj, "Передать показания"))
	if want := (place{screen: "reading", account: "1100012345"}); !slices.Equal(frame.went, []place{want}) {
		t.Errorf("«Передать показания» went to %+v, want %+v", frame.went, want)
	}
}

// fakeNews is a service for «Новости» whose portal has news only after
// RefreshPublic.
type fakeNews struct {
	stored, portal []domain.News
	at, portalAt   time.Time
	refreshes      int
}

func (f *fakeNews) News() ([]domain.News, time.Time, error) { return slices.Clone(f.stored), f.at, nil }
func (f *fakeNews) RefreshPublic(context.Context) error {
	f.refreshes++
	f.stored, f.at = f.portal, f.portalAt
	return nil
}

func TestNewsWithAFakeService(t *testing.T) {
	frame, tu := newFakeFrame(t)
	svc := &fakeNews{portalAt: time.Date(2026, 11, 19, 8, 0, 0, 0, domain.Moscow), portal: []domain.News{
		{ID: "1", PublishedOn: domain.Date{Year: 2026, Month: 10, Day: 1}, Title: "Старая новость", Body: "…"},
		{ID: "2", PublishedOn: domain.Date{Year: 2026, Month: 11, Day: 1}, Title: "Новая новость", Body: "…"},
	}}
	// Nothing stored: the screen says so and asks the portal once.
	s := newNews(deps[newsService]{frame: frame, svc: svc})
	_, texts := shown(t, s)
	if !contains(texts(), "Новостей пока нет") {
		t.Errorf("with nothing stored: %q", texts())
	}
	tu.waitFor(func() bool { return contains(texts(), "Новая новость") }, "the news fetched from the portal")
	if svc.refreshes != 1 {
		t.Errorf("the portal was asked %d times", svc.refreshes)
	}
	all := texts()
	if slices.Index(all, "Новая новость") > slices.Index(all, "Старая новость") || !contains(all, "Данные на 19.11.2026 08:00") {
		t.Errorf("newest first, with «Данные на …»: %q", all)
	}

	// Opened from «Поиск»: the found item comes first.
	s = newNews(deps[newsService]{frame: frame, svc: svc, found: "1"})
	_, texts = shown(t, s)
	all = texts()
	if i := slices.Index(all, "Вы открыли из поиска:"); i < 0 || i > slices.Index(all, "Старая новость") || i > slices.Index(all, "Новая новость") {
		t.Errorf("the found news is not shown first: %q", all)
	}
	if svc.refreshes != 1 {
		t.Errorf("stored news were fetched again")
	}
}

// fakeQuestions is a service for «Задать вопрос»: the question waits until
// release is closed, then is delivered, or stays queued when offline.
type fakeQuestions struct {
	release chan struct{}
	offline bool
	queue   []cabinet.Item
	asked   []domain.Question
}

func (f *fakeQuestions) AskQuestion(account, topic, text string) (cabinet.Item, error) {
	<-f.release
	it := cabinet.Item{ID: uint64(len(f.asked) + 1), Kind: cabinet.KindQuestion, Account: account, Topic: topic, Text: text, State: cabinet.Waiting}
	if text == "" {
		return cabinet.Item{}, &domain.Error{Code: domain.CodeEmpty, Message: "Напишите вопрос."}
	}
	f.queue = append(f.queue, it)
	return it, nil
}

func (f *fakeQuestions) SyncNow(context.Context) (cabinet.SyncReport, error) {
	if f.offline {
		return cabinet.SyncReport{}, nil
	}
	for _, it := range f.queue {
		f.asked = append(f.asked, domain.Question{ID: "q", Topic: it.Topic, Text: it.Text, AskedAt: "2026-11-20T10:00:00+03:00"})
	}
	f.queue = nil
	return cabinet.SyncReport{}, nil
}

func (f *fakeQuestions) Outbox() ([]cabinet.Item, error) { return slices.Clone(f.queue), nil }
func (f *fakeQuestions) Questions(context.Context) ([]domain.Question, error) {
	if f.offline {
		return nil, portalclient.ErrOffline
	}
	return slices.Clone(f.asked), nil
}

func TestQuestionWithAFakeService(t *testing.T) {
	frame, tu := newFakeFrame(t)
	svc := &fakeQuestions{release: make(chan struct{}), asked: []domain.Question{
		{ID: "1", Topic: "Счёт", Text: "Почему счёт больше?", AskedAt: "2026-11-01T10:00:00+03:00", Answer: "Из-за тарифа.", AnsweredAt: "2026-11-02T10:00:00+03:00"},
	}}
	s := newQuestion(deps[questionService]{frame: frame, svc: svc, account: "1100012345"}).(*questionScreen)
	_, texts := shown(t, s)
	tu.waitFor(func() bool { return !contains(texts(), "Загружаем ответы") }, "the answers")
	for _, want := range []string{"Вопрос «Счёт»", "Из-за тарифа.", "Ответ дан 02.11.2026 10:00"} {
		if !contains(texts(), want) {
			t.Errorf("the answers lack %q: %q", want, texts())
		}
	}

	// «Отправить вопрос» stays disabled while the question is being sent.
	test.Type(s.topic, "Оплата")
	test.Type(s.text, "Можно оплатить позже?")
	test.Tap(s.send)
	if !s.send.Disabled() {
		t.Error("«Отправить вопрос» can be pressed again while the question is being sent")
	}
	close(svc.release)
	tu.waitFor(func() bool { return !s.send.Disabled() }, "the question to be sent")
	if !contains(texts(), "Вопрос отправлен") || s.text.Text != "" {
		t.Errorf("after sending: %q, text %q", texts(), s.text.Text)
	}
	tu.waitFor(func() bool { return contains(texts(), "Можно оплатить позже?") }, "the question in the list from the portal")

	// Offline the question is kept, and the person is told so.
	svc.offline = true
	test.Type(s.text, "А если нет связи?")
	test.Tap(s.send)
	tu.waitFor(func() bool { return !s.send.Disabled() }, "the question to be saved")
	all := texts()
	if !contains(all, "Нет связи. Вопрос сохранён и будет отправлен автоматически.") || !contains(all, "будет отправлен, как только появится связь") {
		t.Errorf("offline: %q", all)
	}

	// A question the service refuses says so and is not reported as kept.
	test.Tap(s.send) // the text was cleared: the service refuses an empty one
	tu.waitFor(func() bool { return !s.send.Disabled() }, "the refusal")
	if !s.err.Visible() || s.status.Visible() {
		t.Errorf("an empty question: error shown %v, status %q", s.err.Visible(), s.status.Text)
	}
}

// TestDashboardInEnglish: in English «Главная» says its own words,
// months included, in English; only the customer's data stay Russian.
func TestDashboardInEnglish(t *testing.T) {
	frame, _ := newFakeFrame(t)
	t.Cleanup(func() { LoadTranslations(false) }) // runs after the environment is restored
	t.Setenv("LANGUAGE", "en")
	t.Setenv("LC_ALL", "en_US.UTF-8")
	LoadTranslations(true)
	svc := dashboardFake(t)
	_, texts := shown(t, newDashboard(deps[dashboardService]{frame: frame, svc: svc}))
	data := strings.NewReplacer("Квартира", "", "Сыктывкар, ул. Ленина, д. 1, кв. 2", "", "Дача", "", "Эжвинский район", "", "Оплата", "")
	cyrillic := regexp.MustCompile(`[А-Яа-яЁё]`)
	for _, text := range texts() {
		if cyrillic.MatchString(data.Replace(text)) {
			t.Errorf("Russian words in English: %q", text)
		}
	}
	if !contains(texts(), "November") {
		t.Errorf("the reading window names no month in English: %q", texts())
	}
}

// fakeBills is a service for «Выставленные счета»: an October bill paid on
// 25.10 and a November bill not paid; InvoicePDF writes which bill it was
// asked for.
type fakeBills struct{ doc domain.AccountDocument }

func newFakeBills() *fakeBills {
	oct, nov := domain.Period{Year: 2026, Month: time.October}, domain.Period{Year: 2026, Month: time.November}
	return &fakeBills{doc: domain.AccountDocument{
		Account: &domain.Account{Number: "1100012345", Title: "Квартира", Address: "Сыктывкар, ул. Ленина, д. 1, кв. 2"},
		Invoices: []domain.Invoice{
			{ID: "inv-10", Number: "10-2026", Period: oct, IssuedOn: domain.NewDate(2026, 10, 3), DueOn: domain.NewDate(2026, 11, 10), Charged: 100000, TotalDue: 100000},
			{ID: "inv-11", Number: "11-2026", Period: nov, IssuedOn: domain.NewDate(2026, 11, 3), DueOn: domain.NewDate(2026, 12, 10), Charged: 120000, TotalDue: 120000},
		},
		Payments: []domain.Payment{{ID: "p1", PaidOn: domain.NewDate(2026, 10, 25), Amount: 100000, Channel: "Сбербанк Онлайн", Status: domain.PaymentCredited}},
	}}
}

func (f *fakeBills) Document(account string) (cabinet.Document, bool, error) {
	if account != f.doc.Account.Number {
		return cabinet.Document{}, false, nil
	}
	return cabinet.Document{Doc: f.doc}, true, nil
}

func (f *fakeBills) InvoicePDF(w io.Writer, account string, period domain.Period) error {
	_, err := io.WriteString(w, account+" "+period.String())
	return err
}

// fakePrinter is «Печать / PDF» that keeps what it printed: the file's
// name and the PDF's bytes.
type fakePrinter struct {
	frame   frame
	printed []string
}

func (p *fakePrinter) printButtons(name func() string, write func(io.Writer) error) fyne.CanvasObject {
	return p.frame.primary("Печать / PDF", func() {
		var b bytes.Buffer
		if err := write(&b); err == nil {
			p.printed = append(p.printed, name()+": "+b.String())
		}
	})
}

// shownInWindow builds s in a window of its own, so that lists draw their
// rows, and returns its texts.
func shownInWindow(t *testing.T, s Screen) (fyne.CanvasObject, func() []string) {
	t.Helper()
	obj := s.Content()
	w := test.NewTempWindow(t, obj)
	w.Resize(fyne.NewSize(900, 700))
	return obj, func() []string { return objectTexts(t, w.Content()) }
}

func TestInvoicesWithAFakeService(t *testing.T) {
	frame, _ := newFakeFrame(t)
	svc := newFakeBills()
	print := &fakePrinter{frame: frame}
	oct := paidText(domain.InvoicePaid{State: domain.Paid, PaidOn: domain.NewDate(2026, 10, 25)})

	// Opened from «Поиск» on the October bill: that bill comes first, not
	// the newest, and says it is paid.
	s := newInvoices(deps[invoicesService]{frame: frame, svc: svc, account: "1100012345", found: "inv-10"}, print)
	obj, texts := shownInWindow(t, s)
	all := texts()
	for _, want := range []string{"Счёт № 10-2026 за октябрь 2026", "Оплачен 25.10.2026", "Итого по счёту: " + money(100000), "← К списку счетов"} {
		if !contains(all, want) {
			t.Errorf("the found bill lacks %q: %q", want, all)
		}
	}
	if contains(all, "11-2026") || contains(all, "Итого к оплате") {
		t.Errorf("the found bill shows the newest or asks for its sum again: %q", all)
	}
	// «Печать / PDF» prints the bill shown.
	test.Tap(buttonIn(t, obj, "Печать / PDF"))
	if want := []string{"Счёт-1100012345-2026-10.pdf: 1100012345 2026-10"}; !slices.Equal(print.printed, want) {
		t.Errorf("printed %q, want %q", print.printed, want)
	}

	// «← К списку счетов» shows the list: both months, each with its mark.
	test.Tap(buttonIn(t, obj, "← К списку счетов"))
	all = texts()
	for _, want := range []string{"Выберите месяц — счёт за него откроется целиком.", "Ноябрь 2026", "Октябрь 2026", oct, "Не оплачен"} {
		if !contains(all, want) {
			t.Errorf("the list lacks %q: %q", want, all)
		}
	}
	if contains(all, "Счёт № 10-2026") || contains(all, "← К списку счетов") {
		t.Errorf("the bill stays over the list: %q", all)
	}

	// Opened from the menu it shows the newest bill, which asks to be paid.
	s = newInvoices(deps[invoicesService]{frame: frame, svc: svc, account: "1100012345"}, print)
	_, texts = shownInWindow(t, s)
	all = texts()
	if !contains(all, "Счёт № 11-2026 за ноябрь 2026") || !contains(all, "Итого к оплате: "+money(120000)+" — оплатить до 10.12.2026") || !contains(all, "Не оплачен") {
		t.Errorf("from the menu: %q", all)
	}
}

// fakeMeters is a service with one account: a meter due for verification
// that replaced one taken away.
type fakeMeters struct{ doc domain.AccountDocument }

func (f *fakeMeters) Document(string) (cabinet.Document, bool, error) {
	return cabinet.Document{Doc: f.doc}, f.doc.Account != nil, nil
}

func TestMetersWithAFakeService(t *testing.T) {
	frame, _ := newFakeFrame(t)
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, domain.Moscow)
	old := nowFunc
	nowFunc = func() time.Time { return now }
	t.Cleanup(func() { nowFunc = old })
	svc := &fakeMeters{}

	// Before the first download the screen says so; when the data come it
	// shows them in place.
	s := newMeters(deps[dataService]{frame: frame, svc: svc, account: "1100012345"})
	_, texts := shown(t, s)
	if !contains(texts(), "Данных пока нет") {
		t.Errorf("with no data: %q", texts())
	}
	svc.doc = domain.AccountDocument{
		Account: &domain.Account{Number: "1100012345", Title: "Квартира", Address: "Сыктывкар"},
		Meters: []domain.Meter{
			{ID: "m1", Serial: "011552", Model: "Меркурий 201", Digits: 6, FractionDigits: 1,
				InstalledOn: domain.NewDate(2018, 1, 15), VerifiedOn: domain.NewDate(2010, 12, 20), NextVerification: domain.NewDate(2026, 12, 20),
				Zones: []domain.MeterZone{{Code: domain.T1, LastValue: 1245000, LastDate: domain.NewDate(2026, 10, 20), LastSource: domain.SourceCustomer}}},
			{ID: "m0", Serial: "000777", Digits: 5, InstalledOn: domain.NewDate(2008, 3, 1), RemovedOn: domain.NewDate(2018, 1, 15), ReplacedBy: "m1",
				Zones: []domain.MeterZone{{Code: domain.T1}}},
		},
	}
	s.(Refresher).Refresh()
	all := texts()
	for _, want := range []string{
		"1100012345 — Квартира, Сыктывкар", "Счётчик № 011552", "Модель: Меркурий 201",
		"Разрядность: 6 цифр до запятой, 1 после",
		"Срок поверки подходит: до 20.12.2026 осталось 30 дней",
		"Круглосуточно: 12\u202f450,0 на 20.10.2026, передано клиентом",
		"Снятые счётчики", "Счётчик № 000777", "Снят 15.01.2018", "Заменён на счётчик № 011552 (Меркурий 201)",
	} {
		if !contains(all, want) {
			t.Errorf("«Приборы учета» lacks %q: %q", want, all)
		}
	}
	if slices.IndexFunc(all, func(s string) bool { return strings.Contains(s, "000777") }) < slices.IndexFunc(all, func(s string) bool { return strings.Contains(s, "Снятые счётчики") }) {
		t.Errorf("the meter taken away is not below «Снятые счётчики»: %q", all)
	}
}

// Every screen a button of the window opens (goTo, navigate) is one the
// window can build: a section of the menu or a page.
func TestEveryScreenOpenedExists(t *testing.T) {
	known := map[string]bool{}
	for _, sec := range append(sections(), pages()...) {
		known[sec.id] = true
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	opened := regexp.MustCompile(`screen: "([a-z]+)"|navigate\("([a-z]+)"\)`)
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range opened.FindAllStringSubmatch(string(src), -1) {
			id := m[1] + m[2]
			n++
			if !known[id] {
				t.Errorf("%s opens the screen %q, which the window cannot build", f, id)
			}
		}
	}
	if n < 10 {
		t.Errorf("found only %d screens opened: the pattern no longer matches the code", n)
	}
}
