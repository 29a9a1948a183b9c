package app

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"kabinet/internal/cabinet"
	"kabinet/internal/domain"
)

// subscriptionsService is what «Подписки» asks for.
type subscriptionsService interface {
	Document(account string) (cabinet.Document, bool, error)
	SetSubscriptions(ctx context.Context, account string, s domain.Subscriptions) error
}

// subscriptionsScreen («Подписки») turns the e-mailed bills and the
// reading reminders by e-mail and by SMS on and off; only online, as the
// portal keeps them.
type subscriptionsScreen struct {
	frame    frame
	svc      subscriptionsService
	account  string
	emailCk  *widget.Check
	remindCk *widget.Check // reminders by e-mail
	smsCk    *widget.Check
	save     *widget.Button
	err      *widget.Label
	status   *widget.Label
	dirty    bool
	lay      *formPage
}

func newSubscriptions(d deps[subscriptionsService]) Screen {
	return &subscriptionsScreen{frame: d.frame, svc: d.svc, account: d.account}
}

// current returns the stored subscriptions, the e-mail they go to and the
// phone of the SMS.
func (s *subscriptionsScreen) current() (sub domain.Subscriptions, email, phone string, ok bool) {
	doc, ok, err := s.svc.Document(s.account)
	if err != nil || !ok {
		return sub, "", "", false
	}
	if doc.Doc.Subscriptions != nil {
		sub = *doc.Doc.Subscriptions
	}
	email = sub.Email
	if c := doc.Doc.Customer; c != nil {
		if email == "" {
			email = c.Email
		}
		phone = c.Phone
	}
	return sub, email, phone, true
}

func (s *subscriptionsScreen) Content() fyne.CanvasObject {
	u := s.frame
	title := lang.L("Подписки")
	sub, email, phone, ok := s.current()
	if !ok {
		return page(title, noData())
	}
	s.emailCk = widget.NewCheck(lang.L("Получать счета по электронной почте"), func(bool) { u.touch(); s.dirty = true })
	s.remindCk = widget.NewCheck(lang.L("Напоминать о показаниях по e-mail"), func(bool) { u.touch(); s.dirty = true })
	s.smsCk = widget.NewCheck(lang.L("Напоминать по SMS, когда пора передать показания"), func(bool) { u.touch(); s.dirty = true })
	s.emailCk.Checked = sub.EmailBills
	s.remindCk.Checked = sub.EmailReminders
	s.smsCk.Checked = sub.SMSReminders
	s.err = errorText()
	s.status = okText()
	s.save = u.primary(lang.L("Сохранить"), s.submit)

	body := []fyne.CanvasObject{
		para(lang.L("Лицевой счёт {{.Account}}", map[string]any{"Account": s.account})),
		s.emailCk,
	}
	if email == "" {
		s.emailCk.Disable()
		s.remindCk.Disable()
		body = append(body, para(lang.L("Сначала укажите адрес почты в «Настройках личного кабинета».")),
			u.button(lang.L("Открыть «Настройки личного кабинета»"), func() { u.navigate("settings") }))
	} else {
		body = append(body, para(lang.L("Адрес почты: {{.Email}}. Если галочка стоит, счёт приходит на него каждый месяц. Адрес можно изменить в «Настройках личного кабинета».", map[string]any{"Email": email})))
	}
	body = append(body, s.remindCk, s.smsCk)
	if phone != "" {
		body = append(body, para(lang.L("Напоминания по SMS приходят на номер {{.Phone}} с 9 до 21 часа по московскому времени. Услуга бесплатная. В SMS мы никогда не спрашиваем пароль.", map[string]any{"Phone": domain.MaskPhone(phone)})))
	}
	body = append(body,
		bold(lang.L("Как работают напоминания")),
		para(lang.L("Напоминание приходит в первый день приёма показаний и за два дня до его конца — только если показания по счётчику ещё не переданы. Если вы уже передали показания, напоминания не будет.")),
		para(lang.L("Когда портал примет показания, по тем же каналам придёт квитанция с её номером, например: «Показания по счётчику …96 приняты 19.12 в 10:32, № 00412». В напоминаниях и квитанциях нет сумм и номера лицевого счёта.")),
		s.err, s.status, s.save,
		para(lang.L("Изменить подписки можно только при связи с порталом.")))
	s.lay = newFormPage(title, body...)
	return s.lay.scroll
}

func (s *subscriptionsScreen) submit() {
	want := domain.Subscriptions{EmailBills: s.emailCk.Checked, EmailReminders: s.remindCk.Checked, SMSReminders: s.smsCk.Checked}
	setError(s.err, nil)
	setOK(s.status, "")
	s.lay.relayout()
	s.frame.run(s.save, func(ctx context.Context) error {
		return s.svc.SetSubscriptions(ctx, s.account, want)
	}, func(err error) {
		defer s.lay.relayout()
		if err != nil {
			setErrorText(s.err, message(err)+" "+lang.L("Подписки не изменены."))
			return
		}
		s.dirty = false
		setOK(s.status, lang.L("Подписки сохранены."))
	})
}

// Refresh shows newly stored subscriptions unless the person is changing
// them.
func (s *subscriptionsScreen) Refresh() {
	if s.emailCk == nil || s.dirty {
		return
	}
	sub, _, _, ok := s.current()
	if !ok {
		return
	}
	s.emailCk.SetChecked(sub.EmailBills)
	s.remindCk.SetChecked(sub.EmailReminders)
	s.smsCk.SetChecked(sub.SMSReminders)
	s.dirty = false
}
