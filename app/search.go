package app

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"kabinet/internal/cabinet"
	"kabinet/internal/domain"
)

// searchService is what «Поиск» asks for.
type searchService interface {
	Search(q string) []cabinet.SearchResult
	Contacts() (string, []domain.Office, time.Time, error)
}

// searchScreen («Поиск») searches what is stored on the computer, so it
// works without the internet; each result opens on its own screen.
type searchScreen struct {
	frame   frame
	svc     searchService
	entry   *widget.Entry
	find    *widget.Button
	status  *widget.Label
	results *fyne.Container
	lay     *formPage
	shown   []cabinet.SearchResult
	opens   []*widget.Button // one per shown result
}

func newSearch(d deps[searchService]) Screen { return &searchScreen{frame: d.frame, svc: d.svc} }

func (s *searchScreen) Content() fyne.CanvasObject {
	f := s.frame
	s.entry = widget.NewEntry()
	s.entry.SetPlaceHolder(lang.L("например, показания"))
	s.entry.OnChanged = func(string) { f.touch() }
	s.entry.OnSubmitted = func(string) { f.touch(); s.search() }
	s.find = f.primary(lang.L("Найти"), s.search)
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

// search looks the words up off the UI goroutine, «Найти» disabled
// meanwhile: the index covers every stored document.
func (s *searchScreen) search() {
	q := strings.TrimSpace(s.entry.Text)
	s.results.RemoveAll()
	s.shown, s.opens = nil, nil
	if q == "" {
		s.status.SetText(lang.L("Введите, что искать, например «показания» или «оплата»"))
		s.status.Show()
		s.lay.relayout()
		return
	}
	var found []cabinet.SearchResult
	s.frame.run(s.find, func(context.Context) error {
		found = s.svc.Search(q)
		return nil
	}, func(error) {
		s.show(q, found)
	})
}

func (s *searchScreen) show(q string, found []cabinet.SearchResult) {
	defer s.lay.relayout()
	s.results.RemoveAll()
	s.shown, s.opens = found, nil
	if len(found) == 0 {
		s.status.SetText(lang.L("По запросу «{{.Query}}» ничего не нашлось. Попробуйте другие слова, например «счёт», «показания», «оплата», «пароль», или позвоните в контакт-центр: {{.Phone}}.",
			map[string]any{"Query": q, "Phone": inlinePhone(phoneOf(s.svc))}))
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

// openButton opens a result on its own screen, which shows it first.
func (s *searchScreen) openButton(r cabinet.SearchResult) *widget.Button {
	f := s.frame
	open := func(text, screen string, p place) *widget.Button {
		p.screen, p.found = screen, r.ID
		return f.button(text, func() { f.goTo(p) })
	}
	switch r.Kind {
	case "invoice":
		return open(lang.L("Открыть счета лицевого счёта {{.Account}}", map[string]any{"Account": r.Account}), "invoices", place{account: r.Account})
	case "news":
		return open(lang.L("Открыть новость"), "news", place{})
	case "faq":
		return open(lang.L("Открыть ответ"), "help", place{})
	case "office":
		return open(lang.L("Открыть адрес и телефоны офиса"), "contacts", place{})
	}
	return nil
}

// focusFirst puts the cursor in the search field when the screen opens.
func (s *searchScreen) focusFirst() {
	if s.entry != nil {
		s.frame.focus(s.entry)
	}
}
