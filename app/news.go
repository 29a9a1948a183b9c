package app

import (
	"context"
	"sort"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"kabinet/internal/domain"
)

// newsService is what «Новости» asks for: the stored news, and the portal
// once when none are stored yet.
type newsService interface {
	News() ([]domain.News, time.Time, error)
	RefreshPublic(ctx context.Context) error
}

// newsScreen («Новости») lists the stored news, newest first; an item
// opened from «Поиск» comes first.
type newsScreen struct {
	infoPage
	svc   newsService
	found string
}

func newNews(d deps[newsService]) Screen {
	s := &newsScreen{svc: d.svc, found: d.found}
	s.infoPage = infoPage{frame: d.frame,
		stamp: func() string { _, at, _ := d.svc.News(); return at.String() },
		empty: func() bool { n, _, _ := d.svc.News(); return len(n) == 0 },
		fetch: d.svc.RefreshPublic,
		build: s.build,
	}
	return s
}

func (s *newsScreen) build() fyne.CanvasObject {
	title := lang.L("Новости")
	news, at, err := s.svc.News()
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
