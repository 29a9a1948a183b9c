package app

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"kabinet/internal/domain"
)

// contactsService is what «Контакт-центр» asks for.
type contactsService interface {
	Contacts() (string, []domain.Office, time.Time, error)
	RefreshPublic(ctx context.Context) error
}

// contactsScreen («Контакт-центр») shows the contact-centre phone large
// and the stored offices; an office opened from «Поиск» comes first.
type contactsScreen struct {
	infoPage
	svc   contactsService
	found string
}

func newContacts(d deps[contactsService]) Screen {
	s := &contactsScreen{svc: d.svc, found: d.found}
	s.infoPage = infoPage{frame: d.frame,
		stamp: func() string { _, _, at, _ := d.svc.Contacts(); return at.String() },
		empty: func() bool { _, o, _, _ := d.svc.Contacts(); return len(o) == 0 },
		fetch: d.svc.RefreshPublic,
		build: s.build,
	}
	return s
}

func (s *contactsScreen) build() fyne.CanvasObject {
	_, offices, at, _ := s.svc.Contacts()
	body := []fyne.CanvasObject{
		bold(lang.L("Телефон контакт-центра:")),
		bigPhone(phoneOf(s.svc)),
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
