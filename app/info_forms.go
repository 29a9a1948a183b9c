package app

// The forms: «Задать вопрос», «Подписки» and «Настройки личного кабинета».
// They update in place (Refresher), so a sync never clears what a person
// is typing.

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"kabinet/internal/cabinet"
	"kabinet/internal/domain"
	"kabinet/internal/portalclient"
)

// okText is a success sentence; it starts with a sign so it does not rely
// on its colour alone.
func okText() *widget.Label {
	l := bold("")
	l.Importance = widget.SuccessImportance
	l.Hide()
	return l
}

// setOK shows a success sentence in l, or hides l.
func setOK(l *widget.Label, text string) {
	if text == "" {
		l.SetText("")
		l.Hide()
		return
	}
	l.SetText("✓ " + text)
	l.Show()
}

// offline reports an error that means «no connection».
func offline(err error) bool {
	return domain.ErrorCode(err) == domain.CodeNoConnection || errors.Is(err, context.DeadlineExceeded)
}

// runCounted is u.run that counts finished runs in n after done returns,
// so a test can wait for the screen to settle (Fyne's test driver runs
// fyne.Do at once on the calling goroutine, so the button being enabled
// again does not mean done has finished).
func (u *UI) runCounted(b *widget.Button, n *atomic.Int32, work func(ctx context.Context) error, done func(err error)) {
	u.run(b, work, func(err error) {
		defer n.Add(1)
		done(err)
	})
}

// questionTime writes the portal's RFC 3339 time in Moscow time.
func questionTime(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return timeText(t)
}

// ---- «Задать вопрос» ----

// questionScreen writes a question (it is queued like a reading, so it
// can be written offline) and shows the answers (online only).
type questionScreen struct {
	u       *UI
	account string
	topic   *widget.Entry
	text    *widget.Entry
	send    *widget.Button
	err     *widget.Label
	status  *widget.Label
	waiting *fyne.Container
	answers *fyne.Container
	reload  *widget.Button
	lay     *formPage
	asked   uint64 // the outbox item of the last question sent from here
	loading bool
	sends   atomic.Int32 // finished sends, for tests
	loads   atomic.Int32 // finished loads of the answers, for tests
}

func newQuestion(u *UI) Screen { return &questionScreen{u: u, account: u.account} }

func (s *questionScreen) Content() fyne.CanvasObject {
	u := s.u
	s.topic = widget.NewEntry()
	s.topic.SetPlaceHolder(lang.L("например, Показания или Оплата"))
	s.text = widget.NewMultiLineEntry()
	s.text.Wrapping = fyne.TextWrapWord
	s.text.SetMinRowsVisible(6)
	s.text.SetPlaceHolder(lang.L("Напишите ваш вопрос своими словами"))
	s.topic.OnChanged = func(string) { u.touch() }
	s.text.OnChanged = func(string) { u.touch() }
	s.topic.OnSubmitted = func(string) { u.touch(); u.win.Canvas().Focus(s.text) }
	s.send = u.primary(lang.L("Отправить вопрос"), s.submit)
	s.err = errorText()
	s.status = okText()
	s.waiting = container.NewVBox()
	s.answers = container.NewVBox()
	s.reload = u.button(lang.L("Обновить ответы"), s.load)
	s.showWaiting()
	s.load()
	s.lay = newFormPage(lang.L("Задать вопрос"),
		para(lang.L("Напишите вопрос компании. Ответ появится здесь же, ниже. Вопрос можно написать и без интернета: он сохранится на компьютере и уйдёт сам, когда появится связь.")),
		bold(lang.L("Тема (можно не заполнять)")), s.topic,
		bold(lang.L("Ваш вопрос")), s.text,
		s.err, s.status, s.send,
		s.waiting,
		widget.NewSeparator(),
		subheading(lang.L("Ваши вопросы и ответы")),
		s.answers, s.reload,
	)
	return s.lay.scroll
}

func (s *questionScreen) submit() {
	u := s.u
	topic, text := s.topic.Text, s.text.Text
	setError(s.err, nil)
	setOK(s.status, "")
	s.lay.relayout()
	var item cabinet.Item
	var queueErr error
	var sent, problem bool
	var detail string
	u.runCounted(s.send, &s.sends, func(ctx context.Context) error {
		item, queueErr = u.svc.AskQuestion(s.account, topic, text)
		if queueErr != nil {
			return queueErr
		}
		u.svc.SyncNow(ctx)
		sent, problem, detail = s.state(item.ID)
		return nil
	}, func(error) {
		if queueErr != nil {
			setError(s.err, queueErr)
			s.lay.relayout()
			return
		}
		s.asked = item.ID
		s.topic.SetText("")
		s.text.SetText("")
		s.report(sent, problem, detail)
		s.showWaiting()
		if sent {
			s.load()
		}
	})
}

// state tells what became of an outbox item: sent, refused (with the
// portal's sentence) or still waiting.
func (s *questionScreen) state(id uint64) (sent, problem bool, detail string) {
	items, err := s.u.svc.Outbox()
	if err != nil {
		return false, false, ""
	}
	for _, it := range items {
		if it.ID != id {
			continue
		}
		if it.State == cabinet.Refused {
			if it.Problem != nil {
				detail = problemText(it.Problem)
			}
			return false, true, detail
		}
		return false, false, ""
	}
	return true, false, ""
}

func (s *questionScreen) report(sent, problem bool, detail string) {
	defer s.lay.relayout()
	switch {
	case sent:
		setOK(s.status, lang.L("Вопрос отправлен. Ответ появится ниже, в списке ваших вопросов."))
	case problem:
		setErrorText(s.err, lang.L("Портал не принял вопрос: {{.Reason}}", map[string]any{"Reason": detail}))
	default:
		setOK(s.status, lang.L("Нет связи. Вопрос сохранён и будет отправлен автоматически."))
	}
}

// Refresh follows a queued question after a sync: sent or refused.
func (s *questionScreen) Refresh() {
	if s.status == nil {
		return
	}
	s.showWaiting()
	if s.asked == 0 {
		return
	}
	sent, problem, detail := s.state(s.asked)
	if sent || problem {
		s.asked = 0
		s.report(sent, problem, detail)
		if sent {
			s.load()
		}
	}
}

// showWaiting lists the questions still waiting to be sent.
func (s *questionScreen) showWaiting() {
	defer s.lay.relayout()
	s.waiting.RemoveAll()
	items, _ := s.u.svc.Outbox()
	for _, it := range items {
		if it.Kind != cabinet.KindQuestion {
			continue
		}
		if len(s.waiting.Objects) == 0 {
			s.waiting.Add(bold(lang.L("Ожидают отправки:")))
		}
		state := lang.L("будет отправлен, как только появится связь")
		if it.State == cabinet.Refused && it.Problem != nil {
			state = lang.L("не принят порталом: {{.Reason}}", map[string]any{"Reason": problemText(it.Problem)})
		}
		s.waiting.Add(para("• " + questionTitle(it.Topic) + " — " + state))
		s.waiting.Add(para(it.Text))
	}
}

func questionTitle(topic string) string {
	if topic == "" {
		return lang.L("Вопрос без темы")
	}
	return lang.L("Вопрос «{{.Topic}}»", map[string]any{"Topic": topic})
}

// load fetches the questions and answers from the portal.
func (s *questionScreen) load() {
	if s.loading {
		return
	}
	s.loading = true
	u := s.u
	s.answers.RemoveAll()
	s.answers.Add(para(lang.L("Загружаем ответы с портала…")))
	s.lay.relayout()
	var list []domain.Question
	u.runCounted(s.reload, &s.loads, func(ctx context.Context) error {
		var err error
		list, err = u.svc.Questions(ctx)
		return err
	}, func(err error) {
		defer s.lay.relayout()
		s.loading = false
		s.answers.RemoveAll()
		switch {
		case err != nil && offline(err):
			s.answers.Add(para(lang.L("Нет связи с порталом. Ответы на вопросы можно посмотреть, когда появится интернет: нажмите «Обновить ответы».")))
		case err != nil:
			s.answers.Add(para(message(err)))
		case len(list) == 0:
			s.answers.Add(para(lang.L("Вы ещё не задавали вопросов.")))
		}
		for _, q := range list {
			box := container.NewVBox(bold(questionTitle(q.Topic)),
				para(lang.L("Задан {{.Time}}", map[string]any{"Time": questionTime(q.AskedAt)})),
				para(q.Text))
			if q.Answer != "" {
				box.Add(bold(lang.L("Ответ:")))
				box.Add(para(q.Answer))
				if q.AnsweredAt != "" {
					box.Add(para(lang.L("Ответ дан {{.Time}}", map[string]any{"Time": questionTime(q.AnsweredAt)})))
				}
			} else {
				box.Add(bold(lang.L("Ответа пока нет")))
			}
			s.answers.Add(widget.NewCard("", "", box))
		}
	})
}

// ---- «Подписки» ----

type subscriptionsScreen struct {
	u       *UI
	account string
	emailCk *widget.Check
	smsCk   *widget.Check
	save    *widget.Button
	err     *widget.Label
	status  *widget.Label
	dirty   bool
	lay     *formPage
	saves   atomic.Int32 // finished saves, for tests
}

func newSubscriptions(u *UI) Screen { return &subscriptionsScreen{u: u, account: u.account} }

// current returns the stored subscriptions, the e-mail they go to and the
// phone of the SMS.
func (s *subscriptionsScreen) current() (sub domain.Subscriptions, email, phone string, ok bool) {
	doc, ok, err := s.u.svc.Document(s.account)
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
	u := s.u
	title := lang.L("Подписки")
	sub, email, phone, ok := s.current()
	if !ok {
		return page(title, noData())
	}
	s.emailCk = widget.NewCheck(lang.L("Получать счета по электронной почте"), func(bool) { u.touch(); s.dirty = true })
	s.smsCk = widget.NewCheck(lang.L("Напоминать по SMS, когда пора передать показания"), func(bool) { u.touch(); s.dirty = true })
	s.emailCk.Checked = sub.EmailBills
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
		body = append(body, para(lang.L("Сначала укажите адрес почты в «Настройках личного кабинета».")),
			u.button(lang.L("Открыть «Настройки личного кабинета»"), func() { u.navigate("settings") }))
	} else {
		body = append(body, para(lang.L("Адрес почты: {{.Email}}. Если галочка стоит, счёт приходит на него каждый месяц. Адрес можно изменить в «Настройках личного кабинета».", map[string]any{"Email": email})))
	}
	body = append(body, s.smsCk)
	if phone != "" {
		body = append(body, para(lang.L("Если галочка стоит, SMS приходит 18 числа на номер {{.Phone}}. Услуга бесплатная. В SMS мы никогда не спрашиваем пароль.", map[string]any{"Phone": domain.MaskPhone(phone)})))
	}
	body = append(body, s.err, s.status, s.save,
		para(lang.L("Изменить подписки можно только при связи с порталом.")))
	s.lay = newFormPage(title, body...)
	return s.lay.scroll
}

func (s *subscriptionsScreen) submit() {
	u := s.u
	want := domain.Subscriptions{EmailBills: s.emailCk.Checked, SMSReminders: s.smsCk.Checked}
	setError(s.err, nil)
	setOK(s.status, "")
	s.lay.relayout()
	u.runCounted(s.save, &s.saves, func(ctx context.Context) error {
		return u.svc.SetSubscriptions(ctx, s.account, want)
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
	s.smsCk.SetChecked(sub.SMSReminders)
	s.dirty = false
}

// ---- «Настройки личного кабинета» ----

type settingsScreen struct {
	u *UI

	current, new1, new2 *widget.Entry
	savePassword        *widget.Button
	pwErr, pwOK         *widget.Label

	email, phone, profilePassword    *widget.Entry
	emailErr, phoneErr, profilePwErr *widget.Label
	saveProfile                      *widget.Button
	profileErr, profileOK            *widget.Label

	// The code sent by SMS to a new phone, shown once one was sent.
	codeBox  *fyne.Container
	codeSent *widget.Label
	code     *widget.Entry
	confirm  *widget.Button
	codeErr  *widget.Label

	lay  *formPage
	runs atomic.Int32 // finished password, profile or code saves, for tests
}

func newSettings(u *UI) Screen { return &settingsScreen{u: u} }

func (s *settingsScreen) Content() fyne.CanvasObject {
	u := s.u
	s.current, s.new1, s.new2 = widget.NewPasswordEntry(), widget.NewPasswordEntry(), widget.NewPasswordEntry()
	s.pwErr, s.pwOK = errorText(), okText()
	s.savePassword = u.primary(lang.L("Сохранить пароль"), s.changePassword)
	s.current.OnSubmitted = func(string) { u.touch(); u.win.Canvas().Focus(s.new1) }
	s.new1.OnSubmitted = func(string) { u.touch(); u.win.Canvas().Focus(s.new2) }
	s.new2.OnSubmitted = func(string) { u.touch(); s.changePassword() }

	s.email, s.phone, s.profilePassword = widget.NewEntry(), widget.NewEntry(), widget.NewPasswordEntry()
	s.email.SetPlaceHolder(lang.L("например, ivanova@mail.ru"))
	s.phone.SetPlaceHolder(lang.L("например, 8 912 345-67-89"))
	if doc, _, ok := u.currentDocument(); ok && doc.Customer != nil {
		s.email.SetText(doc.Customer.Email)
		s.phone.SetText(infoPhone(doc.Customer.Phone))
	}
	s.emailErr, s.phoneErr, s.profilePwErr, s.profileErr, s.profileOK = errorText(), errorText(), errorText(), errorText(), okText()
	s.saveProfile = u.primary(lang.L("Сохранить"), s.updateProfile)
	s.email.OnSubmitted = func(string) { u.touch(); u.win.Canvas().Focus(s.phone) }
	s.phone.OnSubmitted = func(string) { u.touch(); u.win.Canvas().Focus(s.profilePassword) }
	s.profilePassword.OnSubmitted = func(string) { u.touch(); s.updateProfile() }

	s.code = widget.NewEntry()
	s.code.SetPlaceHolder(lang.L("6 цифр из SMS"))
	s.codeSent, s.codeErr = para(""), errorText()
	s.confirm = u.primary(lang.L("Подтвердить"), s.confirmPhone)
	s.code.OnSubmitted = func(string) { u.touch(); s.confirmPhone() }
	s.codeBox = container.NewVBox(bold(lang.L("Код из SMS")), s.codeSent, s.code, s.codeErr, s.confirm)
	s.codeBox.Hide()
	for _, e := range []*widget.Entry{s.current, s.new1, s.new2, s.email, s.phone, s.profilePassword, s.code} {
		e.OnChanged = func(string) { u.touch() }
	}
	for _, e := range []*widget.Entry{s.email, s.phone} {
		// «Сохранено: …» speaks of what was saved, not of what is typed now.
		e.OnChanged = func(string) { u.touch(); setOK(s.profileOK, "") }
	}

	s.lay = newFormPage(lang.L("Настройки личного кабинета"),
		subheading(lang.L("Пароль")),
		para(lang.L("Пароль, полученный по SMS, и одноразовый пароль можно поменять на свой. Новый пароль — не короче 8 знаков, можно русскими буквами и с пробелами. Удобно взять три несвязанных слова, например «синий чайник окно».")),
		bold(lang.L("Текущий пароль")), s.current,
		bold(lang.L("Новый пароль")), s.new1,
		bold(lang.L("Повторите новый пароль")), s.new2,
		s.pwErr, s.pwOK, s.savePassword,
		widget.NewSeparator(),
		subheading(lang.L("Электронная почта и телефон")),
		bold(lang.L("Электронная почта")),
		para(lang.L("На неё приходят счета, если вы подписаны в разделе «Подписки». Оставьте поле пустым, если почты нет.")),
		s.email, s.emailErr,
		bold(lang.L("Номер телефона")),
		para(lang.L("Номер мобильного телефона: на него приходит пароль по SMS. Новый номер заработает, когда вы введёте код, который придёт на него по SMS.")),
		s.phone, s.phoneErr,
		bold(lang.L("Текущий пароль")),
		para(lang.L("Чтобы изменить почту или телефон, введите пароль, с которым вы вошли.")),
		s.profilePassword, s.profilePwErr,
		s.profileErr, s.profileOK, s.saveProfile,
		s.codeBox,
		para(lang.L("Сохранить пароль, почту и телефон можно только при связи с порталом.")),
	)
	return s.lay.scroll
}

// Refresh keeps what the person typed.
func (s *settingsScreen) Refresh() {}

func (s *settingsScreen) changePassword() {
	u := s.u
	defer s.lay.relayout()
	setError(s.pwErr, nil)
	setOK(s.pwOK, "")
	current, pw := s.current.Text, s.new1.Text
	switch {
	case current == "":
		setErrorText(s.pwErr, lang.L("Введите текущий пароль — тот, с которым вы вошли."))
		return
	case pw != s.new2.Text:
		setErrorText(s.pwErr, lang.L("Пароли не совпадают. Введите новый пароль ещё раз в оба поля."))
		return
	case pw == current:
		setErrorText(s.pwErr, lang.L("Новый пароль совпадает с текущим. Придумайте другой."))
		return
	}
	if err := domain.CheckNewPassword(pw, u.svc.Customer()); err != nil {
		setError(s.pwErr, err)
		return
	}
	u.runCounted(s.savePassword, &s.runs, func(ctx context.Context) error {
		return u.svc.ChangePassword(ctx, current, pw)
	}, func(err error) {
		defer s.lay.relayout()
		if err != nil {
			setError(s.pwErr, err)
			return
		}
		s.current.SetText("")
		s.new1.SetText("")
		s.new2.SetText("")
		setOK(s.pwOK, lang.L("Пароль изменён. В следующий раз входите с новым паролем."))
	})
}

func (s *settingsScreen) updateProfile() {
	u := s.u
	defer s.lay.relayout()
	for _, l := range []*widget.Label{s.profileErr, s.profilePwErr} {
		setError(l, nil)
	}
	setOK(s.profileOK, "")
	email, emailErr := domain.NormalizeEmail(s.email.Text)
	phone, phoneErr := domain.NormalizePhone(s.phone.Text)
	setError(s.emailErr, emailErr)
	setError(s.phoneErr, phoneErr)
	if emailErr != nil || phoneErr != nil {
		return
	}
	password := s.profilePassword.Text
	var res portalclient.ProfileResult
	u.runCounted(s.saveProfile, &s.runs, func(ctx context.Context) error {
		var err error
		res, err = u.svc.UpdateProfile(ctx, email, phone, password)
		return err
	}, func(err error) {
		defer s.lay.relayout()
		if err != nil {
			s.profileFailed(err)
			return
		}
		s.profilePassword.SetText("")
		s.email.SetText(email)
		if res.PendingPhone != "" {
			// The phone on file stays until the code is typed.
			s.showCodeBox(phone)
			return
		}
		s.codeBox.Hide()
		s.phone.SetText(infoPhone(phone))
		if email == "" {
			setOK(s.profileOK, lang.L("Сохранено: адрес почты удалён, телефон {{.Phone}}.", map[string]any{"Phone": infoPhone(phone)}))
			return
		}
		setOK(s.profileOK, lang.L("Сохранено: почта {{.Email}}, телефон {{.Phone}}.", map[string]any{"Email": email, "Phone": infoPhone(phone)}))
	})
}

// showCodeBox asks for the code sent to phone.
func (s *settingsScreen) showCodeBox(phone string) {
	s.code.SetText("")
	setError(s.codeErr, nil)
	s.codeSent.SetText(lang.L("Код отправлен по SMS на номер, оканчивающийся на …{{.Digits}}. Введите его здесь в течение 15 минут и нажмите «Подтвердить». До этого остаётся прежний номер.",
		map[string]any{"Digits": domain.PhoneEnding(phone)}))
	s.codeBox.Show()
	s.lay.reveal(s.codeBox)
	s.u.win.Canvas().Focus(s.code)
}

// profileFailed says why a profile change was refused, next to the field
// it is about.
func (s *settingsScreen) profileFailed(err error) {
	var rej *portalclient.RejectedError
	code := domain.ErrorCode(err)
	if errors.As(err, &rej) {
		code = domain.Code(rej.Code)
	}
	switch code {
	case domain.CodeCurrentPasswordRequired:
		setErrorText(s.profilePwErr, lang.L("Чтобы изменить почту или телефон, введите текущий пароль — тот, с которым вы вошли."))
	case domain.CodeWrongCurrentPassword:
		s.profilePassword.SetText("")
		setErrorText(s.profilePwErr, lang.L("Текущий пароль введён неверно. Почта и телефон не изменены. Введите пароль, с которым вы вошли."))
	case domain.CodeTooManyPhoneCodes:
		setErrorText(s.profileErr, lang.L("Сегодня коды для смены номера уже отправлялись 3 раза. Почта и телефон не изменены. Попробуйте завтра или позвоните в контакт-центр."))
	case domain.CodeBadEmail:
		setError(s.emailErr, err)
	case domain.CodeBadPhone:
		setError(s.phoneErr, err)
	default:
		setError(s.profileErr, err)
	}
}

func (s *settingsScreen) confirmPhone() {
	u := s.u
	defer s.lay.relayout()
	setError(s.codeErr, nil)
	setOK(s.profileOK, "")
	code := s.code.Text
	var res portalclient.ProfileResult
	u.runCounted(s.confirm, &s.runs, func(ctx context.Context) error {
		var err error
		res, err = u.svc.ConfirmPhone(ctx, code)
		return err
	}, func(err error) {
		defer s.lay.relayout()
		if err != nil {
			s.codeFailed(err)
			return
		}
		s.codeBox.Hide()
		s.phone.SetText(infoPhone(res.Customer.Phone))
		setOK(s.profileOK, lang.L("Номер телефона изменён: {{.Phone}}. Теперь SMS будут приходить на него.", map[string]any{"Phone": infoPhone(res.Customer.Phone)}))
	})
}

// codeFailed says why a code was refused and what to do.
func (s *settingsScreen) codeFailed(err error) {
	var rej *portalclient.RejectedError
	code := domain.ErrorCode(err)
	if errors.As(err, &rej) {
		code = domain.Code(rej.Code)
	}
	switch code {
	case domain.CodePhoneCodeWrong:
		s.code.SetText("")
		if rej != nil && rej.Params["tries_left"] != "" {
			setErrorText(s.codeErr, lang.L("Код неверный. Проверьте цифры в SMS и введите их снова. Осталось попыток: {{.Left}}.", map[string]any{"Left": rej.Params["tries_left"]}))
			return
		}
		setErrorText(s.codeErr, lang.L("Код — это 6 цифр из SMS. Введите их без букв."))
	case domain.CodePhoneCodeExpired, domain.CodeNoPhoneChange:
		s.code.SetText("")
		setErrorText(s.codeErr, lang.L("Код больше не действует. Номер не изменён. Введите текущий пароль и нажмите «Сохранить» ещё раз — придёт новый код."))
	default:
		setError(s.codeErr, err)
	}
}
