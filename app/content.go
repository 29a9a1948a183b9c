package app

// The information screens: «Новости», «О сервисе», «Контакт-центр» and
// «Поиск». They read what is stored on the computer, so they work without
// the internet; the forms («Задать вопрос», «Подписки», «Настройки
// личного кабинета») are in info_forms.go and «Помощь» in info_help.go.

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"kabinet/internal/cabinet"
	"kabinet/internal/domain"
)

func init() {
	screenNews = newNews
	screenAbout = newAbout
	screenContacts = newContacts
	screenSearch = newSearch
	screenQuestion = newQuestion
	screenHelp = newHelp
	screenSubscriptions = newSubscriptions
	screenSettings = newSettings
}

// infoPage is a read-only screen over stored public pages. A sync calls
// Refresh after every pass; the page is rebuilt only when its data really
// changed, so a person reading the news is not thrown back to the top
// every few minutes. When nothing is stored yet it asks the portal once.
type infoPage struct {
	u       *UI
	stamp   func() string // changes when the shown data change
	build   func() fyne.CanvasObject
	empty   func() bool // nothing stored yet
	root    *fyne.Container
	last    string
	fetched bool
}

func (p *infoPage) Content() fyne.CanvasObject {
	p.last = p.stamp()
	p.root = container.NewStack(p.build())
	if p.empty != nil && p.empty() && !p.fetched {
		p.fetched = true
		u := p.u
		u.run(nil, func(ctx context.Context) error { return u.svc.RefreshPublic(ctx) }, func(error) { p.Refresh() })
	}
	return p.root
}

// Refresh rebuilds the page when its stored data changed.
func (p *infoPage) Refresh() {
	if p.root == nil {
		return
	}
	if s := p.stamp(); s != p.last {
		p.last = s
		p.root.Objects = []fyne.CanvasObject{p.build()}
		p.root.Refresh()
	}
}

// storedAt says how fresh stored data are: «Данные на 26.11.2026 14:05».
func storedAt(at time.Time) fyne.CanvasObject {
	return para(lang.L("Данные на {{.Time}}", map[string]any{"Time": timeText(at)}))
}

// infoTarget is a thing found by «Поиск» that the next screen shows first.
type infoTarget struct{ kind, id string }

// infoFound holds, per window, what «Поиск» asked the next screen to show
// first; it is only touched on the UI goroutine.
var infoFound = map[*UI]infoTarget{}

// takeFound returns and forgets what «Поиск» opened of kind, if anything.
func (u *UI) takeFound(kind string) string {
	t, ok := infoFound[u]
	if !ok || t.kind != kind {
		return ""
	}
	delete(infoFound, u)
	return t.id
}

// foundCard frames the item the person chose in «Поиск».
func foundCard(objs ...fyne.CanvasObject) fyne.CanvasObject {
	box := container.NewVBox(append([]fyne.CanvasObject{bold(lang.L("Вы открыли из поиска:"))}, objs...)...)
	return widget.NewCard("", "", box)
}

// formPage is page() that keeps its column, so a screen that shows a
// message or results later can lay the column out again: Fyne's real
// driver notices a child that grew, but its test canvas (and so the
// screenshots) does not.
type formPage struct {
	box    *fyne.Container
	scroll *container.Scroll
}

func newFormPage(title string, body ...fyne.CanvasObject) *formPage {
	box := container.NewVBox(append([]fyne.CanvasObject{heading(title)}, body...)...)
	return &formPage{box: box, scroll: container.NewVScroll(container.NewPadded(box))}
}

// relayout lays the column out again after something in it changed.
func (p *formPage) relayout() {
	if p == nil {
		return
	}
	p.box.Refresh()
	p.scroll.Refresh()
}

// reveal lays the column out and scrolls it so that obj, a part of the
// column that just appeared, is in view: all of it when it fits, else its
// top. A person who pressed «Сохранить» sees what it asks of them next.
func (p *formPage) reveal(obj fyne.CanvasObject) {
	p.relayout()
	top, height := obj.Position().Y, obj.Size().Height
	view := p.scroll.Size().Height
	y := p.scroll.Offset.Y
	if top+height > y+view {
		y = top + height - view
	}
	if top < y || height > view {
		y = top
	}
	p.scroll.ScrollToOffset(fyne.NewPos(0, y))
}

// ---- «Новости» ----

type newsScreen struct {
	infoPage
	found string
}

func newNews(u *UI) Screen {
	s := &newsScreen{found: u.takeFound("news")}
	s.infoPage = infoPage{u: u,
		stamp: func() string { _, at, _ := u.svc.News(); return at.String() },
		empty: func() bool { n, _, _ := u.svc.News(); return len(n) == 0 },
		build: s.build,
	}
	return s
}

func (s *newsScreen) build() fyne.CanvasObject {
	title := lang.L("Новости")
	news, at, err := s.u.svc.News()
	if len(news) == 0 {
		body := []fyne.CanvasObject{para(lang.L("Новостей пока нет. Они появятся, как только программа свяжется с порталом. Проверьте подключение к интернету."))}
		if err != nil {
			body = append(body, para(message(err)))
		}
		return page(title, body...)
	}
	sort.SliceStable(news, func(i, j int) bool { return news[i].PublishedOn.After(news[j].PublishedOn) })
	body := []fyne.CanvasObject{storedAt(at)}
	item := func(n domain.News) fyne.CanvasObject {
		return container.NewVBox(bold(dateText(n.PublishedOn)), subheading(n.Title), para(n.Body))
	}
	for _, n := range news {
		if s.found != "" && n.ID == s.found {
			body = append(body, foundCard(item(n)), subheading(lang.L("Все новости")))
		}
	}
	for _, n := range news {
		body = append(body, widget.NewCard("", "", item(n)))
	}
	return page(title, body...)
}

// ---- «О сервисе» ----

func newAbout(u *UI) Screen {
	p := &infoPage{u: u,
		stamp: func() string { _, at, _ := u.svc.About(); return at.String() },
		empty: func() bool { a, _, _ := u.svc.About(); return len(a) == 0 },
	}
	p.build = func() fyne.CanvasObject {
		sections, at, _ := u.svc.About()
		body := []fyne.CanvasObject{
			subheading(lang.L("Что можно сделать в личном кабинете")),
			para(lang.L("Личный кабинет позволяет получить доступ к информации о своём договоре, просматривать и оплачивать задолженность, передать показания приборов учёта, просматривать, сохранять и распечатывать ведомость энергопотребления, подписываться на рассылки платёжных документов по электронной почте.")),
		}
		for _, line := range []string{
			lang.L("узнать данные договора и лицевого счёта — «Основные данные», «Договорные значения»;"),
			lang.L("узнать услуги и тарифы — «Оказываемые услуги»;"),
			lang.L("посмотреть счета и оплаты — «Выставленные счета», «Зачисленные платежи»;"),
			lang.L("передать показания счётчика — «Ввод показаний приборов учета»;"),
			lang.L("посмотреть расход электроэнергии по месяцам — «Ведомость энергопотребления»;"),
			lang.L("получать счета по электронной почте и SMS-напоминания — «Подписки»;"),
			lang.L("сменить пароль, адрес почты и телефон — «Настройки личного кабинета»;"),
			lang.L("узнать новости, адреса и часы работы офисов — «Новости», «Контакт-центр»;"),
			lang.L("задать вопрос компании и прочитать ответ — «Задать вопрос»;"),
			lang.L("найти нужное по словам — «Поиск»."),
		} {
			body = append(body, para("• "+line))
		}
		if u.svc.Public() {
			body = append(body, para(lang.L("Сейчас программа работает как на общественном компьютере: после выхода все ваши данные будут удалены с этого компьютера.")))
		} else {
			body = append(body, para(lang.L("Программа хранит ваши данные на этом компьютере, поэтому их можно смотреть и без интернета. Показания и вопросы, написанные без связи, отправятся сами, как только связь появится.")))
		}
		if len(sections) == 0 {
			body = append(body, widget.NewSeparator(), noData())
			return page(lang.L("О сервисе"), body...)
		}
		body = append(body, widget.NewSeparator(), storedAt(at))
		for _, sec := range sections {
			body = append(body, widget.NewCard("", "", container.NewVBox(subheading(sec.Title), para(sec.Body))))
		}
		return page(lang.L("О сервисе"), body...)
	}
	return p
}

// ---- «Контакт-центр» ----

type contactsScreen struct {
	infoPage
	found string
}

func newContacts(u *UI) Screen {
	s := &contactsScreen{found: u.takeFound("office")}
	s.infoPage = infoPage{u: u,
		stamp: func() string { _, _, at, _ := u.svc.Contacts(); return at.String() },
		empty: func() bool { _, o, _, _ := u.svc.Contacts(); return len(o) == 0 },
		build: s.build,
	}
	return s
}

// bigPhone is the contact-centre phone in heading size.
func bigPhone(phone string) *widget.Label {
	l := widget.NewLabel(phone)
	l.SizeName = theme.SizeNameHeadingText
	l.TextStyle = fyne.TextStyle{Bold: true}
	l.Wrapping = fyne.TextWrapWord
	return l
}

func (s *contactsScreen) build() fyne.CanvasObject {
	_, offices, at, _ := s.u.svc.Contacts()
	body := []fyne.CanvasObject{
		bold(lang.L("Телефон контакт-центра:")),
		bigPhone(contactPhone(s.u)),
		para(lang.L("Позвоните, если что-то непонятно, не пришёл пароль по SMS или нужно передать показания по телефону.")),
	}
	if len(offices) == 0 {
		body = append(body, widget.NewSeparator(), noData())
		return page(lang.L("Контакт-центр"), body...)
	}
	body = append(body, storedAt(at), subheading(lang.L("Офисы обслуживания")))
	for _, o := range offices {
		if s.found != "" && o.ID == s.found {
			body = append(body, foundCard(officeBox(o)))
		}
	}
	for _, o := range offices {
		body = append(body, widget.NewCard("", "", officeBox(o)))
	}
	return page(lang.L("Контакт-центр"), body...)
}

// officeBox is an office: name, address, hours, phones and e-mail.
func officeBox(o domain.Office) fyne.CanvasObject {
	box := container.NewVBox(subheading(o.Name), para(lang.L("Адрес: {{.Address}}", map[string]any{"Address": o.Address})))
	if len(o.Hours) > 0 {
		box.Add(bold(lang.L("Часы работы:")))
		for _, h := range o.Hours {
			box.Add(para(h))
		}
	}
	if len(o.Phones) > 0 {
		box.Add(bold(lang.L("Телефоны:")))
		for _, p := range o.Phones {
			box.Add(para(p))
		}
	}
	if o.Email != "" {
		box.Add(para(lang.L("Электронная почта: {{.Email}}", map[string]any{"Email": o.Email})))
	}
	return box
}

// ---- «Поиск» ----

// searchScreen searches what is stored on the computer, so it works
// without the internet.
type searchScreen struct {
	u       *UI
	entry   *widget.Entry
	find    *widget.Button
	status  *widget.Label
	results *fyne.Container
	lay     *formPage
	shown   []cabinet.SearchResult
	opens   []*widget.Button // one per shown result
	done    atomic.Int32     // searches finished, for tests
}

func newSearch(u *UI) Screen { return &searchScreen{u: u} }

func (s *searchScreen) Content() fyne.CanvasObject {
	u := s.u
	s.entry = widget.NewEntry()
	s.entry.SetPlaceHolder(lang.L("например, показания"))
	s.entry.OnChanged = func(string) { u.touch() }
	s.entry.OnSubmitted = func(string) { u.touch(); s.search() }
	s.find = u.primary(lang.L("Найти"), s.search)
	s.status = para("")
	s.status.Hide()
	s.results = container.NewVBox()
	s.lay = newFormPage(lang.L("Поиск"),
		para(lang.L("Напишите одно-два слова — программа найдёт их в новостях, ответах на частые вопросы, адресах офисов и ваших счетах. Поиск работает и без интернета.")),
		bold(lang.L("Что искать")),
		s.entry, s.find, s.status, s.results)
	return s.lay.scroll
}

// Refresh keeps the question and the results: a sync must not clear them.
func (s *searchScreen) Refresh() {}

func (s *searchScreen) search() {
	u := s.u
	q := strings.TrimSpace(s.entry.Text)
	s.results.RemoveAll()
	s.shown, s.opens = nil, nil
	if q == "" {
		s.status.SetText(lang.L("Введите, что искать, например «показания» или «оплата»"))
		s.status.Show()
		s.lay.relayout()
		s.done.Add(1)
		return
	}
	var found []cabinet.SearchResult
	u.run(s.find, func(context.Context) error {
		found = u.svc.Search(q)
		return nil
	}, func(error) {
		s.show(q, found)
	})
}

func (s *searchScreen) show(q string, found []cabinet.SearchResult) {
	defer s.done.Add(1)
	defer s.lay.relayout()
	s.results.RemoveAll()
	s.shown, s.opens = found, nil
	if len(found) == 0 {
		s.status.SetText(lang.L("По запросу «{{.Query}}» ничего не нашлось. Попробуйте другие слова, например «счёт», «показания», «оплата», «пароль», или позвоните в контакт-центр: {{.Phone}}.",
			map[string]any{"Query": q, "Phone": inlinePhone(contactPhone(s.u))}))
		s.status.Show()
		return
	}
	s.status.SetText(lang.L("Найдено: {{.N}}", map[string]any{"N": len(found)}))
	s.status.Show()
	for _, r := range found {
		box := container.NewVBox(bold(searchKind(r.Kind)+": "+r.Title), para(r.Snippet))
		b := s.openButton(r)
		if b != nil {
			box.Add(b)
		}
		s.opens = append(s.opens, b)
		s.results.Add(widget.NewCard("", "", box))
	}
}

// searchKind names a kind of result in words.
func searchKind(kind string) string {
	switch kind {
	case "news":
		return lang.L("Новость")
	case "faq":
		return lang.L("Вопрос и ответ")
	case "office":
		return lang.L("Офис")
	case "invoice":
		return lang.L("Счёт")
	}
	return kind
}

// openButton opens a result on its own screen.
func (s *searchScreen) openButton(r cabinet.SearchResult) *widget.Button {
	u := s.u
	switch r.Kind {
	case "invoice":
		return u.button(lang.L("Открыть счета лицевого счёта {{.Account}}", map[string]any{"Account": r.Account}), func() {
			infoFound[u] = infoTarget{"invoice", r.ID}
			u.account = r.Account
			if u.shell != nil {
				u.shell.refreshAccounts()
			}
			u.navigate("invoices")
		})
	case "news":
		return u.button(lang.L("Открыть новость"), func() {
			infoFound[u] = infoTarget{"news", r.ID}
			u.navigate("news")
		})
	case "faq":
		return u.button(lang.L("Открыть ответ"), func() {
			infoFound[u] = infoTarget{"faq", r.ID}
			u.navigate("help")
		})
	case "office":
		return u.button(lang.L("Открыть адрес и телефоны офиса"), func() {
			infoFound[u] = infoTarget{"office", r.ID}
			u.navigate("contacts")
		})
	}
	return nil
}

// digitSpace is a space between two digits.
var digitSpace = regexp.MustCompile(`(\d) (\d)`)

// inlinePhone writes «8 800 200-83-05» as «8-800-200-83-05» for running
// text: Fyne wraps lines at any space (a no-break space too), and a phone
// number split over two lines is easy to misdial.
func inlinePhone(p string) string {
	for digitSpace.MatchString(p) {
		p = digitSpace.ReplaceAllString(p, "$1-$2")
	}
	return p
}

// infoPhone writes «+79121234501» as «+7 912 123-45-01».
func infoPhone(p string) string {
	n, err := domain.NormalizePhone(p)
	if err != nil {
		return p
	}
	return fmt.Sprintf("+7 %s %s-%s-%s", n[2:5], n[5:8], n[8:10], n[10:12])
}

// focusFirst puts the cursor in the search field when the screen opens.
func (s *searchScreen) focusFirst() {
	if s.entry != nil {
		s.u.win.Canvas().Focus(s.entry)
	}
}
