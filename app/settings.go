package app

import (
	"context"
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"kabinet/internal/cabinet"
	"kabinet/internal/domain"
	"kabinet/internal/portalclient"
)

// settingsService is what «Настройки личного кабинета» asks for.
type settingsService interface {
	Customer() string
	Document(account string) (cabinet.Document, bool, error)
	ChangePassword(ctx context.Context, current, newPassword string) error
	UpdateProfile(ctx context.Context, email, phone, currentPassword string) (portalclient.ProfileResult, error)
	ConfirmPhone(ctx context.Context, code string) (portalclient.ProfileResult, error)
}

// settingsScreen («Настройки личного кабинета») changes the password, the
// e-mail and the phone (a new phone after the code sent to it); only
// online.
type settingsScreen struct {
	frame   frame
	svc     settingsService
	account string

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

	// reminders is the desktop reminder's choice; nil on a public computer.
	reminders *reminderChoice
	remindCk  *widget.Check

	lay *formPage
}

func newSettings(d deps[settingsService], reminders *reminderChoice) Screen {
	return &settingsScreen{frame: d.frame, svc: d.svc, account: d.account, reminders: reminders}
}

func (s *settingsScreen) Content() fyne.CanvasObject {
	u := s.frame
	s.current, s.new1, s.new2 = widget.NewPasswordEntry(), widget.NewPasswordEntry(), widget.NewPasswordEntry()
	s.pwErr, s.pwOK = errorText(), okText()
	s.savePassword = u.primary(lang.L("Сохранить пароль"), s.changePassword)
	s.current.OnSubmitted = func(string) { u.touch(); u.focus(s.new1) }
	s.new1.OnSubmitted = func(string) { u.touch(); u.focus(s.new2) }
	s.new2.OnSubmitted = func(string) { u.touch(); s.changePassword() }

	s.email, s.phone, s.profilePassword = widget.NewEntry(), widget.NewEntry(), widget.NewPasswordEntry()
	s.email.SetPlaceHolder(lang.L("например, ivanova@mail.ru"))
	s.phone.SetPlaceHolder(lang.L("например, 8 912 345-67-89"))
	if doc, ok, _ := s.svc.Document(s.account); ok && doc.Doc.Customer != nil {
		s.email.SetText(doc.Doc.Customer.Email)
		s.phone.SetText(infoPhone(doc.Doc.Customer.Phone))
	}
	s.emailErr, s.phoneErr, s.profilePwErr, s.profileErr, s.profileOK = errorText(), errorText(), errorText(), errorText(), okText()
	s.saveProfile = u.primary(lang.L("Сохранить"), s.updateProfile)
	s.email.OnSubmitted = func(string) { u.touch(); u.focus(s.phone) }
	s.phone.OnSubmitted = func(string) { u.touch(); u.focus(s.profilePassword) }
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

	body := []fyne.CanvasObject{
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
	}
	if s.reminders != nil {
		s.remindCk = widget.NewCheck(lang.L("Напоминать о показаниях на этом компьютере"), func(on bool) {
			u.touch()
			s.reminders.set(on)
		})
		s.remindCk.Checked = s.reminders.on
		body = append(body, widget.NewSeparator(),
			subheading(lang.L("На этом компьютере")),
			s.remindCk,
			para(lang.L("Пока программа открыта, в первый день приёма показаний и за два дня до его конца в углу экрана появится напоминание, если показания ещё не переданы. В напоминании нет номера счёта и сумм. Галочка сохраняется сразу, связь с порталом для этого не нужна.")))
	}
	s.lay = newFormPage(lang.L("Настройки личного кабинета"), body...)
	return s.lay.scroll
}

// Refresh keeps what the person typed.
func (s *settingsScreen) Refresh() {}

func (s *settingsScreen) changePassword() {
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
	if err := domain.CheckNewPassword(pw, s.svc.Customer()); err != nil {
		setError(s.pwErr, err)
		return
	}
	s.frame.run(s.savePassword, func(ctx context.Context) error {
		return s.svc.ChangePassword(ctx, current, pw)
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
	s.frame.run(s.saveProfile, func(ctx context.Context) error {
		var err error
		res, err = s.svc.UpdateProfile(ctx, email, phone, password)
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
	s.frame.focus(s.code)
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
	defer s.lay.relayout()
	setError(s.codeErr, nil)
	setOK(s.profileOK, "")
	code := s.code.Text
	var res portalclient.ProfileResult
	s.frame.run(s.confirm, func(ctx context.Context) error {
		var err error
		res, err = s.svc.ConfirmPhone(ctx, code)
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
