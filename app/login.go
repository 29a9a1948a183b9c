package app

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"kabinet/internal/cabinet"
	"kabinet/internal/domain"
	"kabinet/internal/portalclient"
)

// centered puts a form in a readable column in the middle of the window.
func centered(objs ...fyne.CanvasObject) fyne.CanvasObject {
	box := container.NewVBox(objs...)
	return newVScroll(container.New(&columnLayout{}, box))
}

// centered is a screen before login: the form in its column, with the
// text size and contrast switches at the top right, so a person who cannot
// read the login can make it larger before logging in.
func (u *UI) centered(objs ...fyne.CanvasObject) fyne.CanvasObject {
	top := container.NewBorder(nil, nil, nil, u.viewControls())
	return container.NewBorder(container.NewPadded(top), nil, nil, nil, centered(objs...))
}

// columnLayout centres one object in a column at most 34 text lines wide
// (it grows with the text size), the width a form reads best at.
type columnLayout struct{}

func (l *columnLayout) width(avail float32) float32 {
	return min(avail-2*theme.Padding(), 34*theme.TextSize())
}

func (l *columnLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w := l.width(size.Width)
	for _, o := range objs {
		h := max(o.MinSize().Height, size.Height-2*theme.Padding())
		o.Resize(fyne.NewSize(w, h))
		o.Move(fyne.NewPos((size.Width-w)/2, theme.Padding()))
	}
}

func (l *columnLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s.Add(fyne.NewSquareSize(2 * theme.Padding()))
}

// plainLabel is a label on one line (a bold one for a field's name), for a
// row of words that wraps whole.
func plainLabel(text string, bold bool) *widget.Label {
	l := widget.NewLabel(text)
	l.TextStyle = fyne.TextStyle{Bold: bold}
	return l
}

// loginForm is the login screen's widgets, kept for tests.
type loginForm struct {
	customer, password *widget.Entry
	submit             *widget.Button
	err                *widget.Label
}

// showLogin shows «Номер клиента», «Пароль», «Войти» and «Не получили или
// забыли пароль?», as the portal did.
func (u *UI) showLogin() {
	u.shell, u.screen = nil, nil
	if u.loggedOut != nil {
		u.loggedOut.stop()
		u.loggedOut = nil
	}
	f := &loginForm{customer: widget.NewEntry(), password: widget.NewPasswordEntry(), err: errorText()}
	f.customer.SetPlaceHolder(lang.L("например, 100001"))
	f.customer.SetText(u.svc.LastCustomer())
	submit := func() {
		u.touch()
		if strings.TrimSpace(f.customer.Text) == "" || f.password.Text == "" {
			setErrorText(f.err, lang.L("Введите номер клиента и пароль. Номер клиента напечатан в квитанции."))
			return
		}
		customer, pw := f.customer.Text, f.password.Text
		f.err.Hide()
		var mustChange bool
		u.run(f.submit, func(ctx context.Context) error {
			var err error
			mustChange, err = u.svc.Login(ctx, customer, pw)
			return err
		}, func(err error) {
			if err != nil {
				setError(f.err, err)
				return
			}
			f.password.SetText("")
			if mustChange {
				u.showPasswordChange(pw)
				return
			}
			u.startSession()
		})
	}
	f.submit = u.primary(lang.L("Войти"), submit)
	f.customer.OnSubmitted = func(string) { u.win.Canvas().Focus(f.password) }
	f.password.OnSubmitted = func(string) { submit() }
	forgot := u.button(lang.L("Не получили или забыли пароль?"), u.showRecovery)

	objs := []fyne.CanvasObject{
		heading(lang.L("Личный кабинет")),
		para(lang.L("Коми энергосбытовая компания")),
		// The hint beside the field's name, so «Войти» is in view at twice
		// the text on a 1366×768 screen.
		newWrap(plainLabel(lang.L("Номер клиента"), true), plainLabel(lang.L("— напечатан в вашем счёте (квитанции)"), false)),
		f.customer,
		bold(lang.L("Пароль")),
		f.password,
		f.err,
		f.submit,
		forgot,
	}
	if u.svc.Public() {
		objs = append(objs, para(lang.L("Это общественный компьютер: после выхода ваши данные будут удалены с него. Если вы долго ничего не делаете, личный кабинет закроется сам.")))
	}
	if len(u.opts.Demo) > 0 {
		objs = append(objs, widget.NewSeparator(), subheading(lang.L("Демонстрация")),
			para(lang.L("Это учебный портал. Пароль у всех клиентов: {{.Password}}", map[string]any{"Password": u.opts.DemoPassword})))
		for _, d := range u.opts.Demo {
			number := d.Number
			pick := u.button(number, func() {
				f.customer.SetText(number)
				f.password.SetText(u.opts.DemoPassword)
				u.win.Canvas().Focus(f.password)
			})
			objs = append(objs, container.NewBorder(nil, nil, pick, nil, para(d.Description)))
		}
	}
	objs = append(objs, widget.NewSeparator(), para(lang.L("Помощь по телефону контакт-центра: {{.Phone}}", map[string]any{"Phone": contactPhone(u)})))
	u.win.SetContent(u.centered(objs...))
	u.win.Canvas().Focus(f.customer)
	if f.customer.Text != "" {
		u.win.Canvas().Focus(f.password)
	}
	u.login = f
	// The contact centre's phone and the news are public: fetch them for
	// the login screen without waiting.
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		u.svc.RefreshPublic(ctx)
	}()
}

// showRecovery is the password recovery wizard of the seed manual: the
// customer number, then ФИО, date of birth and mobile phone, then what
// happens if they match the contract, with the contact-centre phone for
// when no SMS comes.
func (u *UI) showRecovery() {
	customer := widget.NewEntry()
	customer.SetText(strings.TrimSpace(u.login.customer.Text))
	errLabel := errorText()
	var next *widget.Button
	step1 := func() {
		if strings.TrimSpace(customer.Text) == "" {
			setErrorText(errLabel, lang.L("Введите номер клиента. Он напечатан в квитанции."))
			return
		}
		u.showRecoveryDetails(strings.TrimSpace(customer.Text))
	}
	next = u.primary(lang.L("Далее"), step1)
	customer.OnSubmitted = func(string) { step1() }
	u.win.SetContent(u.centered(
		heading(lang.L("Восстановление пароля доступа")),
		para(lang.L("Шаг 1 из 2. Введите номер клиента — он напечатан в вашем счёте (квитанции).")),
		bold(lang.L("Номер клиента")), customer, errLabel, next,
		u.button(lang.L("Назад ко входу"), u.showLogin),
	))
	u.win.Canvas().Focus(customer)
}

func (u *UI) showRecoveryDetails(customer string) {
	name, birth, number, phone := widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	number.SetText(customer)
	birth.SetPlaceHolder(lang.L("например, 14.03.1948"))
	phone.SetPlaceHolder(lang.L("например, 8 912 123-45-67"))
	errLabel := errorText()
	var send *widget.Button
	submit := func() {
		if strings.TrimSpace(name.Text) == "" || strings.TrimSpace(birth.Text) == "" || strings.TrimSpace(phone.Text) == "" || strings.TrimSpace(number.Text) == "" {
			setErrorText(errLabel, lang.L("Заполните все поля: ФИО, дату рождения, номер клиента и номер сотового телефона."))
			return
		}
		born, ok := parseBirthDate(birth.Text, nowFunc())
		if !ok {
			setErrorText(errLabel, lang.L("Дата рождения записана непонятно. Введите её так: день, месяц, год через точку, например 14.03.1948 или 14.3.1948."))
			u.win.Canvas().Focus(birth)
			return
		}
		mobile, err := domain.NormalizePhone(phone.Text)
		if err != nil {
			setError(errLabel, err)
			u.win.Canvas().Focus(phone)
			return
		}
		errLabel.Hide()
		// The date goes as «1948-03-14», which every version of the portal
		// reads, however the person wrote it.
		r := portalclient.Recovery{Customer: strings.TrimSpace(number.Text), FullName: name.Text, BirthDate: born.String(), Phone: mobile}
		u.run(send, func(ctx context.Context) error {
			// The portal's answer is the same whether or not the details
			// matched; the page after says it in the window's own words.
			_, err := u.svc.RecoverPassword(ctx, r)
			return err
		}, func(err error) {
			if err != nil {
				setError(errLabel, err)
				return
			}
			u.showRecoveryDone(mobile)
		})
	}
	send = u.primary(lang.L("Отправить"), submit)
	for _, e := range []*widget.Entry{name, birth, number, phone} {
		e.OnSubmitted = func(string) { submit() }
	}
	u.win.SetContent(u.centered(
		heading(lang.L("Восстановление пароля доступа")),
		para(lang.L("Шаг 2 из 2. Заполните поля так, как записано в договоре. Новый пароль придёт по SMS на номер телефона из договора.")),
		bold(lang.L("ФИО")), name,
		bold(lang.L("Дата рождения")), birth,
		bold(lang.L("Номер клиента")), number,
		bold(lang.L("Номер сотового телефона")), phone,
		errLabel, send,
		u.button(lang.L("Назад"), u.showRecovery),
	))
	u.win.Canvas().Focus(name)
}

// showRecoveryDone is the page after a recovery request. The window cannot
// know whether an SMS was sent — the portal answers the same either way, so
// that nobody learns whose details match — so it says what happens if they
// matched, and what to do if no SMS comes. mobile is the number the person
// typed («+79121234567»); only its last two digits are shown.
func (u *UI) showRecoveryDone(mobile string) {
	u.win.SetContent(u.centered(
		heading(lang.L("Запрос принят")),
		para(lang.L("Если данные совпадают с договором, в течение нескольких минут на телефон, номер которого оканчивается на …{{.Last}}, придёт SMS с временным паролем.", map[string]any{"Last": domain.PhoneEnding(mobile)})),
		para(lang.L("Войдите с этим паролем: программа сразу попросит придумать свой.")),
		bold(lang.L("Если SMS не пришло за 15 минут, позвоните в контакт-центр по телефону {{.Phone}} — вам сообщат одноразовый пароль.", map[string]any{"Phone": contactPhone(u)})),
		u.primary(lang.L("Ко входу"), u.showLogin),
	))
}

// parseBirthDate reads a date of birth as people write it (see
// domain.ParseTypedDate: «14.3.1948», «14/3/1948», «1948-03-14», …) and
// refuses a date that cannot be a living person's birthday.
func parseBirthDate(s string, now time.Time) (domain.Date, bool) {
	d, err := domain.ParseTypedDate(s)
	if err != nil || d.Year < now.Year()-130 || !d.Time(time.UTC).Before(now) {
		return domain.Date{}, false
	}
	return d, true
}

// showPasswordChange asks for a new password after a temporary one.
func (u *UI) showPasswordChange(temporary string) {
	pw1, pw2 := widget.NewPasswordEntry(), widget.NewPasswordEntry()
	errLabel := errorText()
	var save *widget.Button
	submit := func() {
		if pw1.Text != pw2.Text {
			setErrorText(errLabel, lang.L("Пароли не совпадают. Введите новый пароль ещё раз в оба поля."))
			return
		}
		newPassword := pw1.Text
		u.run(save, func(ctx context.Context) error {
			return u.svc.ChangePassword(ctx, temporary, newPassword)
		}, func(err error) {
			if err != nil {
				setError(errLabel, err)
				return
			}
			u.startSession()
		})
	}
	save = u.primary(lang.L("Сохранить пароль"), submit)
	pw1.OnSubmitted = func(string) { u.win.Canvas().Focus(pw2) }
	pw2.OnSubmitted = func(string) { submit() }
	u.win.SetContent(u.centered(
		heading(lang.L("Придумайте свой пароль")),
		para(lang.L("Вы вошли с временным паролем. Придумайте свой: не короче 8 знаков, можно русскими буквами. Удобно взять три несвязанных слова, например «синий чайник окно».")),
		bold(lang.L("Новый пароль")), pw1,
		bold(lang.L("Повторите новый пароль")), pw2,
		errLabel, save,
	))
	u.win.Canvas().Focus(pw1)
}

// logout ends the session. On a public computer it says plainly what was
// sent and that nothing remains; then it shows the login screen (or runs
// after, when the window is closing).
func (u *UI) logout(after func()) { u.logoutWithin(45*time.Second, after) }

// logoutWithin is logout with the last delivery and the portal's goodbye
// cut to budget. A logout asked for while one runs (a second tap on
// «Выйти», the computer shutting down meanwhile) waits for it: its after
// runs when the first is done.
func (u *UI) logoutWithin(budget time.Duration, after func()) {
	if u.idle != nil {
		u.idle.close()
		u.idle = nil
	}
	if u.loggingOut {
		if after != nil {
			u.afterLogout = append(u.afterLogout, after)
		}
		return
	}
	u.loggingOut = true
	if after != nil {
		u.afterLogout = append(u.afterLogout, after)
	}
	since := u.sessionStart
	var report logoutReport
	var button *widget.Button // «Выйти», disabled until the logout is done
	if u.shell != nil {
		button = u.shell.logout
	}
	u.run(button, func(ctx context.Context) error {
		ctx, cancel := context.WithTimeout(ctx, budget)
		defer cancel()
		u.logoutMu.Lock()
		defer u.logoutMu.Unlock()
		r, err := u.svc.Logout(ctx, since)
		report = logoutReport{sent: r.Sent, unsent: r.Unsent, wiped: r.Wiped}
		return err
	}, func(err error) {
		u.shell, u.screen = nil, nil
		afters := u.afterLogout
		u.loggingOut, u.afterLogout = false, nil
		if len(afters) > 0 {
			for _, f := range afters {
				f()
			}
			return
		}
		u.showLoggedOut(report, err)
	})
}

type logoutReport struct {
	sent, unsent []cabinet.Item
	wiped        bool
}

func (u *UI) showLoggedOut(r logoutReport, err error) {
	objs := []fyne.CanvasObject{heading(lang.L("Вы вышли из личного кабинета"))}
	if len(r.sent) > 0 {
		objs = append(objs, bold(lang.L("Отправлено за этот сеанс: {{.N}}", map[string]any{"N": len(r.sent)})))
		for _, it := range r.sent {
			objs = append(objs, para("✓ "+describeItem(it)))
		}
	}
	switch {
	case len(r.unsent) > 0 && r.wiped:
		objs = append(objs, bold(lang.L("Не отправлено: {{.N}}. Связи с порталом не было, и эти данные удалены вместе с остальными. Передайте показания ещё раз с другого компьютера или по телефону контакт-центра.", map[string]any{"N": len(r.unsent)})))
	case len(r.unsent) > 0:
		objs = append(objs, bold(lang.L("Не отправлено: {{.N}}. Эти данные сохранены на компьютере и уйдут при следующем входе.", map[string]any{"N": len(r.unsent)})))
	case len(r.sent) > 0:
		objs = append(objs, para(lang.L("Всё, что вы передали, принято порталом.")))
	}
	for _, it := range r.unsent {
		objs = append(objs, para("✗ "+describeItem(it)))
	}
	if r.wiped {
		objs = append(objs, bold(lang.L("Ваши данные удалены с этого компьютера.")))
	}
	if err != nil {
		objs = append(objs, para(message(err)))
	}
	objs = append(objs, u.primary(lang.L("Войти снова"), u.showLogin))
	if !u.svc.Public() {
		u.win.SetContent(u.centered(objs...))
		return
	}
	// The next visitor must not find this one's account and readings on
	// the screen: any key, any click or a minute brings a clean login.
	objs = append(objs, para(lang.L("Эта страница закроется через минуту или при нажатии любой клавиши, чтобы следующий посетитель её не увидел.")))
	page := &loggedOutPage{}
	leave := func() {
		if u.loggedOut == page {
			u.showLogin()
		}
	}
	page.leave = leave
	page.stop = u.after(time.Minute, func() { do(leave) })
	u.loggedOut = page
	u.win.SetContent(newTapCatcher(u.centered(objs...), leave))
}

// describeItem names an outbox item for a person.
func describeItem(it cabinet.Item) string {
	if it.Kind == cabinet.KindQuestion {
		return lang.L("Вопрос «{{.Topic}}»", map[string]any{"Topic": it.Topic})
	}
	var vals []string
	for _, z := range []string{"t1", "t2", "t3"} {
		for zone, v := range it.Values {
			if string(zone) == z {
				vals = append(vals, v)
			}
		}
	}
	return lang.L("Показания {{.Values}} (лицевой счёт {{.Account}})", map[string]any{"Values": strings.Join(vals, " / "), "Account": it.Account})
}

// showFatal is for a start that cannot continue (a second copy running, a
// store written by a newer version).
func (u *UI) showFatal(err error) {
	title := lang.L("Программа не может начать работу")
	if domain.ErrorCode(err) == domain.CodeAlreadyRunning {
		title = lang.L("Программа уже открыта")
	}
	u.win.SetContent(u.centered(
		heading(title),
		bold(message(err)),
		para(lang.L("Если это повторяется, позвоните в контакт-центр: {{.Phone}}.", map[string]any{"Phone": "8 800 200-83-05"})),
		u.button(lang.L("Закрыть"), func() { u.app.Quit() }),
	))
}
