package backoffice

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kabinet/internal/domain"
	"kabinet/internal/portaldb"
)

type contentData struct {
	News  []domain.News
	About []domain.AboutSection
	FAQ   []domain.FAQ
}

// content lists what an editor can change: news, «О сервисе», FAQ.
func (s *Server) content(w http.ResponseWriter, r *http.Request) {
	var d contentData
	err := s.db.Read(r.Context(), func(tx *portaldb.Tx) error {
		var err error
		if d.News, err = tx.News(r.Context()); err != nil {
			return err
		}
		if d.About, err = tx.About(r.Context()); err != nil {
			return err
		}
		d.FAQ, err = tx.FAQ(r.Context())
		return err
	})
	if err != nil {
		s.failed(w, r, err)
		return
	}
	p := page{Title: "Новости, «О сервисе» и вопросы-ответы", Data: d}
	switch r.URL.Query().Get("done") {
	case "saved":
		p.Flash = "Сохранено. Программы клиентов покажут это при следующем обновлении, поиск найдёт в течение минуты."
	case "deleted":
		p.Flash = "Удалено."
	}
	s.render(w, r, http.StatusOK, "content", p)
}

// contentKind describes one kind of editable content for the edit form.
type contentKind struct {
	Kind, Name           string
	HeadLabel, TextLabel string
	// Dated: news carry a publication date; the others a position.
	Dated bool
}

var contentKinds = map[string]contentKind{
	"news":  {Kind: "news", Name: "Новость", HeadLabel: "Заголовок", TextLabel: "Текст новости", Dated: true},
	"about": {Kind: "about", Name: "Раздел «О сервисе»", HeadLabel: "Заголовок раздела", TextLabel: "Текст раздела"},
	"faq":   {Kind: "faq", Name: "Вопрос-ответ", HeadLabel: "Вопрос", TextLabel: "Ответ"},
}

// contentForm is the edit form's fields.
type contentForm struct {
	contentKind
	ID       string
	New      bool
	Head     string
	Text     string
	Date     string
	Position string
}

func (s *Server) editContent(w http.ResponseWriter, r *http.Request) {
	kind, ok := contentKinds[r.PathValue("kind")]
	if !ok {
		s.notFound(w, r, "Такого раздела нет. Вернитесь к списку материалов.")
		return
	}
	f := contentForm{contentKind: kind, ID: r.PathValue("id")}
	if f.ID == "new" {
		f.New = true
		f.Date = dotted(domain.DateOf(s.now(), domain.Moscow))
		s.render(w, r, http.StatusOK, "edit", page{Title: kind.Name + ": добавить", Data: f})
		return
	}
	err := s.db.Read(r.Context(), func(tx *portaldb.Tx) error { return loadContent(r, tx, &f) })
	if errors.Is(err, portaldb.ErrNotFound) {
		s.notFound(w, r, "Этого материала уже нет: его удалили. Вернитесь к списку материалов.")
		return
	}
	if err != nil {
		s.failed(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "edit", page{Title: kind.Name + ": изменить", Data: f})
}

// loadContent fills the form with the stored item.
func loadContent(r *http.Request, tx *portaldb.Tx, f *contentForm) error {
	ctx := r.Context()
	switch f.Kind {
	case "news":
		list, err := tx.News(ctx)
		if err != nil {
			return err
		}
		for _, n := range list {
			if n.ID == f.ID {
				f.Head, f.Text, f.Date = n.Title, n.Body, dotted(n.PublishedOn)
				return nil
			}
		}
	case "about":
		list, err := tx.About(ctx)
		if err != nil {
			return err
		}
		for i, a := range list {
			if a.ID == f.ID {
				f.Head, f.Text, f.Position = a.Title, a.Body, strconv.Itoa(i+1)
				return positionOf(r, tx, f)
			}
		}
	case "faq":
		list, err := tx.FAQ(ctx)
		if err != nil {
			return err
		}
		for _, q := range list {
			if q.ID == f.ID {
				f.Head, f.Text = q.Question, q.Answer
				return positionOf(r, tx, f)
			}
		}
	}
	return portaldb.ErrNotFound
}

func positionOf(r *http.Request, tx *portaldb.Tx, f *contentForm) error {
	p, err := tx.ContentPosition(r.Context(), f.Kind, f.ID)
	f.Position = strconv.Itoa(p)
	return err
}

// check reads the form and says what is wrong with it, if anything.
func (f *contentForm) check() (date domain.Date, position int, problem string) {
	if f.Head == "" || f.Text == "" {
		return date, 0, "Заполните оба поля: «" + f.HeadLabel + "» и «" + f.TextLabel + "»."
	}
	if utf8.RuneCountInString(f.Head) > 300 || utf8.RuneCountInString(f.Text) > 20000 {
		return date, 0, "Слишком длинно: заголовок — до 300 знаков, текст — до 20 000."
	}
	if f.Dated {
		d, err := parseDay(f.Date)
		if err != nil {
			return date, 0, "Дата публикации — в виде 21.11.2026."
		}
		return d, 0, ""
	}
	if f.Position == "" {
		return date, 0, ""
	}
	n, err := strconv.Atoi(f.Position)
	if err != nil || n < 1 || n > 1000 {
		return date, 0, "Порядок — число от 1 (первым в списке); оставьте пустым, чтобы поставить в конец."
	}
	return date, n, ""
}

// dotted writes a date as 21.11.2026, as parseDay reads it.
func dotted(d domain.Date) string {
	return fmt.Sprintf("%02d.%02d.%04d", d.Day, int(d.Month), d.Year)
}

// parseDay reads 21.11.2026 or 2026-11-21.
func parseDay(s string) (domain.Date, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse("02.01.2006", s); err == nil {
		return domain.NewDate(t.Year(), t.Month(), t.Day()), nil
	}
	return domain.ParseDate(s)
}

// saveContent saves an item and bumps the content version in the same
// transaction, so every instance's search rebuilds.
func (s *Server) saveContent(w http.ResponseWriter, r *http.Request) {
	kind, ok := contentKinds[r.PathValue("kind")]
	if !ok {
		s.notFound(w, r, "Такого раздела нет. Вернитесь к списку материалов.")
		return
	}
	f := contentForm{contentKind: kind, ID: r.PathValue("id"),
		Head:     strings.TrimSpace(r.PostFormValue("head")),
		Text:     strings.TrimSpace(strings.ReplaceAll(r.PostFormValue("text"), "\r\n", "\n")),
		Date:     r.PostFormValue("date"),
		Position: strings.TrimSpace(r.PostFormValue("position"))}
	f.New = f.ID == "new"
	date, position, problem := f.check()
	if problem != "" {
		s.render(w, r, http.StatusUnprocessableEntity, "edit", page{Title: kind.Name, Error: problem, Data: f})
		return
	}
	id := f.ID
	if f.New {
		id = ""
	}
	err := s.db.Write(r.Context(), func(tx *portaldb.Tx) error {
		var saved string
		var err error
		switch kind.Kind {
		case "news":
			saved, err = tx.SaveNews(r.Context(), domain.News{ID: id, PublishedOn: date, Title: f.Head, Body: f.Text})
		case "about":
			saved, err = tx.SaveAbout(r.Context(), domain.AboutSection{ID: id, Title: f.Head, Body: f.Text}, position)
		case "faq":
			saved, err = tx.SaveFAQ(r.Context(), domain.FAQ{ID: id, Question: f.Head, Answer: f.Text}, position)
		}
		if err != nil {
			return err
		}
		return s.audit(r, tx, kind.Kind+"_saved", "", kind.Kind+" "+saved, f.Head)
	})
	if errors.Is(err, portaldb.ErrNotFound) {
		s.notFound(w, r, "Этого материала уже нет: его удалили. Вернитесь к списку материалов.")
		return
	}
	if err != nil {
		s.failed(w, r, err)
		return
	}
	http.Redirect(w, r, "/content?done=saved", http.StatusSeeOther)
}

func (s *Server) deleteContent(w http.ResponseWriter, r *http.Request) {
	kind, id := r.PathValue("kind"), r.PathValue("id")
	err := s.db.Write(r.Context(), func(tx *portaldb.Tx) error {
		var err error
		switch kind {
		case "news":
			err = tx.DeleteNews(r.Context(), id)
		case "about":
			err = tx.DeleteAbout(r.Context(), id)
		case "faq":
			err = tx.DeleteFAQ(r.Context(), id)
		default:
			err = portaldb.ErrNotFound
		}
		if err != nil {
			return err
		}
		return s.audit(r, tx, kind+"_deleted", "", kind+" "+id, "")
	})
	if errors.Is(err, portaldb.ErrNotFound) {
		s.notFound(w, r, "Этого материала уже нет. Вернитесь к списку материалов.")
		return
	}
	if err != nil {
		s.failed(w, r, err)
		return
	}
	http.Redirect(w, r, "/content?done=deleted", http.StatusSeeOther)
}
