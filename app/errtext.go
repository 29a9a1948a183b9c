package app

import (
	"errors"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"kabinet/internal/cabinet"
	"kabinet/internal/domain"
)

// errorSentence is what the window says about err, in the chosen language.
// Services (cabinet, the outbox, the portal client) give every error a
// person can act on a domain code; the sentence is chosen by that code and
// built from the error's params. An error without a code, or with a code
// this version has no words for, gets one general sentence and goes to the
// log — except that a Russian window still shows the portal's own Russian
// sentence for a code it does not know yet.
func errorSentence(err error) string {
	if err == nil {
		return ""
	}
	var de *domain.Error
	if !errors.As(err, &de) || de.Code == "" {
		logError("error without a code", err)
		return genericError()
	}
	if s, ok := codeSentence(de, errorData(de)); ok && !strings.Contains(s, "<no value>") {
		return s
	}
	logError("error code without a sentence: "+string(de.Code), err)
	if de.Message != "" && russianUI() {
		return de.Message
	}
	return genericError()
}

// genericError is the sentence for an error the window has no words for.
func genericError() string {
	return lang.L("Не удалось выполнить действие. Попробуйте ещё раз; если ошибка повторится, позвоните в контакт-центр.")
}

// russianUI reports whether the window speaks Russian (the general
// sentence comes out in Cyrillic).
func russianUI() bool {
	return strings.ContainsFunc(genericError(), func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) })
}

// codeSentence is the sentence for de's code, built from p; false for a
// code it does not know.
func codeSentence(de *domain.Error, p map[string]any) (string, bool) {
	has := func(k string) bool { _, ok := p[k]; return ok }
	switch de.Code {
	// A reading.
	case domain.CodeEmpty:
		if has("ZoneName") {
			return lang.L("Введите показание шкалы «{{.ZoneName}}» — у этого счётчика их нужно передавать вместе.", p), true
		}
		return lang.L("Введите показание счётчика — цифры с его табло.", p), true
	case domain.CodeNotANumber:
		return lang.L("Показание записывается только цифрами, например 12345 или 12345,6. Уберите буквы, пробелы внутри числа и другие знаки."), true
	case domain.CodeTooManyDigits:
		return lang.L("Слишком много цифр: на табло этого счётчика цифр до запятой — {{.Digits}}. Проверьте показание.", p), true
	case domain.CodeTooManyDecimals:
		if p["FractionDigits"] == "0" {
			return lang.L("На этом счётчике нет цифр после запятой. Запишите только целую часть — цифры до запятой."), true
		}
		return lang.L("После запятой на этом счётчике цифр: {{.FractionDigits}}. Лишние цифры уберите.", p), true
	case domain.CodeLowerThanPrevious:
		if has("PreviousDate") {
			return lang.L("Показание меньше прошлого ({{.Previous}} от {{.PreviousDate}}). Показания счётчика не уменьшаются: проверьте, все ли цифры вы переписали с табло. Если счётчик заменили, позвоните в контакт-центр.", p), true
		}
		return lang.L("Показание меньше прошлого ({{.Previous}}). Показания счётчика не уменьшаются: проверьте, все ли цифры вы переписали с табло. Если счётчик заменили, позвоните в контакт-центр.", p), true
	case domain.CodeNeedsConfirmation:
		switch {
		case p["Reason"] == "rollover":
			return lang.L("Новое показание меньше прошлого (было {{.Previous}}, стало {{.Value}}). Так бывает, только если счётчик дошёл до конца шкалы и начал счёт с нуля. Если это так — подтвердите; если нет — проверьте цифры.", p), true
		case p["Reason"] == "jump" && has("ReplacesDate"):
			return lang.L("Расход за месяц получился {{.Consumption}} кВт·ч (новое показание заменит показания, переданные {{.ReplacesDate}}) — намного больше обычного (около {{.AverageMonthly}} кВт·ч в месяц). Проверьте, нет ли лишней цифры. Если всё верно — подтвердите.", p), true
		case p["Reason"] == "jump":
			return lang.L("Расход получился {{.Consumption}} кВт·ч — намного больше обычного (около {{.AverageMonthly}} кВт·ч в месяц). Проверьте, нет ли лишней цифры. Если всё верно — подтвердите.", p), true
		}
		return lang.L("Показание необычное. Проверьте цифры; если всё верно — подтвердите."), true
	case domain.CodeOutsideWindow:
		return lang.L("Показания принимаются с {{.StartDay}} по {{.EndDay}} число каждого месяца. Следующий приём: с {{.WindowStart}} по {{.WindowEnd}}. Запишите показание и передайте его в эти дни.", p), true
	case domain.CodeUnknownMeter:
		return lang.L("Такого счётчика нет на этом лицевом счёте. Обновите данные и выберите счётчик из списка."), true
	case domain.CodeMeterRemoved:
		return lang.L("Счётчик {{.Serial}} снят {{.RemovedOn}}. Передавайте показания нового счётчика.", p), true
	case domain.CodeZoneMismatch:
		return lang.L("У счётчика {{.Serial}} нет такой шкалы. Введите только показания, которые видно на его табло.", p), true
	case domain.CodeTakenInFuture:
		return lang.L("Дата снятия показаний ({{.TakenOn}}) ещё не наступила. Укажите сегодняшнюю дату или день, когда вы смотрели на счётчик.", p), true
	case domain.CodeTakenTooEarly:
		return lang.L("Показание снято слишком давно ({{.TakenOn}}). Посмотрите на счётчик сегодня и введите то, что он показывает.", p), true
	case domain.CodeBadDate:
		return lang.L("Дата записана непонятно. Введите её так: день, месяц, год через точку, например 14.03.2026."), true

	// Passwords, e-mail, phone.
	case domain.CodePasswordTooShort:
		return lang.L("Пароль слишком короткий: нужно не меньше {{.Min}} знаков.", p), true
	case domain.CodePasswordTooLong:
		return lang.L("Пароль слишком длинный: нужно не больше {{.Max}} знаков.", p), true
	case domain.CodePasswordTooCommon:
		return lang.L("Этот пароль слишком простой и известен взломщикам. Придумайте другой — например, три несвязанных слова."), true
	case domain.CodePasswordSameAsLogin:
		return lang.L("Пароль не должен совпадать с номером клиента. Придумайте другой — например, три несвязанных слова."), true
	case domain.CodeBadEmail:
		return lang.L("Адрес электронной почты записан с ошибкой. Пример: ivanova@mail.ru"), true
	case domain.CodeBadPhone:
		return lang.L("Введите номер мобильного телефона из 11 цифр, например 8 912 345-67-89."), true

	// The data on this computer and the outbox.
	case domain.CodeStoreDamaged:
		return lang.L("Данные программы на этом компьютере повреждены. Закройте программу и запустите её снова: она восстановит неотправленные показания и обращения и заново загрузит остальное с портала."), true
	case domain.CodeAlreadySent:
		if has("SentDate") {
			return lang.L("Эти показания уже переданы на портал {{.SentDate}} в {{.SentTime}}, поэтому отменить или изменить их нельзя. Если в них ошибка, передайте правильные показания: они заменят прежние за этот месяц.", p), true
		}
		return lang.L("Эти показания уже переданы на портал, поэтому отменить или изменить их нельзя. Если в них ошибка, передайте правильные показания: они заменят прежние за этот месяц."), true
	case domain.CodeBeingSent:
		return lang.L("Эти показания уже отправляются на портал, и ответа ещё нет, поэтому отменить или изменить их нельзя: портал мог их принять. Дождитесь отправки; если в них ошибка, передайте потом правильные показания — они заменят прежние за этот месяц."), true
	case domain.CodeNotQueued:
		return lang.L("Таких показаний нет среди ожидающих отправки: возможно, их уже отменили. Посмотрите список ожидающих отправки."), true

	// The profile and its phone proof.
	case domain.CodeCurrentPasswordRequired:
		return lang.L("Чтобы изменить почту или телефон, введите текущий пароль — тот, с которым вы вошли."), true
	case domain.CodeWrongCurrentPassword:
		if de.Field == "current_password" {
			return lang.L("Текущий пароль введён неверно. Введите пароль, с которым вы вошли в личный кабинет. Почта и телефон не изменены."), true
		}
		return lang.L("Текущий пароль введён неверно. Введите пароль, с которым вы вошли в личный кабинет."), true
	case domain.CodePhoneCodeSent:
		return lang.L("На новый номер отправлен код из 6 цифр. Введите его в течение 15 минут — тогда номер телефона изменится. До этого остаётся прежний номер."), true
	case domain.CodePhoneCodeWrong:
		if has("TriesLeft") {
			return lang.L("Код неверный. Проверьте цифры в последнем SMS и введите их снова. Осталось попыток: {{.TriesLeft}}.", p), true
		}
		return lang.L("Код — это 6 цифр из SMS. Введите их без букв."), true
	case domain.CodePhoneCodeExpired:
		return lang.L("Код больше не действует: прошло 15 минут или он 5 раз введён неверно. Номер не изменён. Нажмите «Сохранить» ещё раз — придёт новый код."), true
	case domain.CodeNoPhoneChange:
		return lang.L("Новый номер не ожидает подтверждения. Введите новый номер телефона и текущий пароль и нажмите «Сохранить» — придёт SMS с кодом."), true
	case domain.CodeTooManyPhoneCodes:
		if has("ContactPhone") {
			return lang.L("Сегодня коды для смены номера уже отправлялись {{.PerDay}} раза. Попробуйте завтра или позвоните в контакт-центр: {{.ContactPhone}}. Почта и телефон не изменены.", p), true
		}
		return lang.L("Сегодня коды для смены номера уже отправлялись несколько раз. Попробуйте завтра или позвоните в контакт-центр. Почта и телефон не изменены."), true
	case domain.CodeRecoveryRequested:
		return lang.L("Если данные совпадают с договором, в течение нескольких минут придёт SMS с временным паролем. Если SMS не пришло за 15 минут, позвоните в контакт-центр — вам продиктуют одноразовый пароль."), true

	// The app's own service.
	case domain.CodeNotLoggedIn:
		return lang.L("Войдите в личный кабинет."), true
	case domain.CodeNeedsConnection:
		return lang.L("Нет связи с порталом. Это действие требует связи — попробуйте, когда появится интернет."), true
	case domain.CodeNoData:
		return lang.L("Данных по этому лицевому счёту ещё нет. Подключитесь к интернету, чтобы загрузить их."), true
	case domain.CodeAlreadyRunning:
		return lang.L("Программа уже запущена. Закройте другое окно Kabinet и попробуйте снова."), true
	case domain.CodeNewerVersion:
		return lang.L("Данные сохранены более новой версией программы. Обновите программу."), true
	case domain.CodeNoInvoice:
		if has("Period") {
			return lang.L("Счёта за {{.Period}} на этом лицевом счёте нет. Выберите другой месяц.", p), true
		}
		return lang.L("Счёта за этот месяц на этом лицевом счёте нет. Выберите другой месяц."), true
	case domain.CodeMonthsReversed:
		return lang.L("Первый месяц ведомости позже последнего. Поменяйте их местами."), true

	// The connection to the portal.
	case domain.CodeNoConnection:
		return lang.L("Нет связи с порталом. Проверьте интернет — введённые данные сохранены и будут отправлены автоматически."), true
	case domain.CodeComputerClock:
		return lang.L("Не удаётся установить защищённое соединение с порталом: на компьютере, похоже, неверные дата и время. Проверьте дату и время на компьютере и попробуйте снова."), true
	case domain.CodeCertificate:
		return lang.L("Не удаётся проверить подлинность портала: его сертификат безопасности не прошёл проверку. Не вводите пароль на этом компьютере и сообщите об ошибке в контакт-центр."), true
	case domain.CodePortalUnavailable:
		return lang.L("Портал временно не отвечает. Попробуйте ещё раз через несколько минут — введённые данные не потеряны."), true
	case domain.CodeBadAnswer:
		return lang.L("Портал прислал непонятный ответ. Проверьте адрес портала в настройках и попробуйте позже; если ошибка повторится, позвоните в контакт-центр."), true

	// The portal's problems.
	case domain.CodeBadRequest:
		return lang.L("Портал не понял запрос. Проверьте, что всё заполнено, и попробуйте снова; если ошибка повторится, обновите программу или позвоните в контакт-центр."), true
	case domain.CodeBodyTooLarge:
		return lang.L("Запрос слишком большой. Сократите текст и отправьте снова."), true
	case domain.CodeUnsupportedMedia, domain.CodeKeyRequired, domain.CodeBadKey:
		return lang.L("Портал не принял запрос этой версии программы. Обновите программу или позвоните в контакт-центр."), true
	case domain.CodeSessionEnded:
		return lang.L("Сеанс завершён. Войдите снова с номером клиента и паролем."), true
	case domain.CodeWrongCredentials:
		return lang.L("Неверный номер клиента или пароль. Номер клиента напечатан в квитанции. Если забыли пароль, нажмите «Не получили или забыли пароль?»."), true
	case domain.CodeTooManyAttempts:
		if de.Field == "current_password" {
			return lang.L("Текущий пароль несколько раз введён неверно. Подождите {{.Wait}} и попробуйте снова.", p), true
		}
		return lang.L("Слишком много неудачных попыток входа. Подождите {{.Wait}} и попробуйте снова. Если забыли пароль, нажмите «Не получили или забыли пароль?».", p), true
	case domain.CodeTooManyRequests:
		if has("ContactPhone") {
			return lang.L("С этого компьютера уже было много запросов пароля. Подождите {{.Wait}} или позвоните в контакт-центр: {{.ContactPhone}}.", p), true
		}
		return lang.L("С этого компьютера уже было много запросов пароля. Подождите {{.Wait}} или позвоните в контакт-центр.", p), true
	case domain.CodePasswordChangeRequired:
		return lang.L("Вы вошли с временным паролем. Сначала придумайте свой новый пароль."), true
	case domain.CodePasswordNotChanged:
		return lang.L("Новый пароль совпадает с текущим. Придумайте другой."), true
	case domain.CodeNotFound:
		return lang.L("Портал не нашёл этих данных. Обновите данные и попробуйте снова; если ошибка повторится, позвоните в контакт-центр."), true
	case domain.CodeKeyReused:
		return lang.L("Этот запрос уже был отправлен с другими данными. Обновите данные и отправьте показания заново."), true
	case domain.CodeCursorExpired:
		return lang.L("Сохранённые данные устарели. Программа загрузит их заново."), true
	case domain.CodeEmailRequired:
		return lang.L("Чтобы получать счета по электронной почте, сначала укажите адрес почты в «Настройках личного кабинета»."), true
	case domain.CodeBadQuestion:
		switch {
		case de.Field == "topic":
			return lang.L("Тема слишком длинная: не больше {{.Max}} знаков.", p), true
		case has("Max"):
			return lang.L("Вопрос слишком длинный: не больше {{.Max}} знаков. Сократите его.", p), true
		}
		return lang.L("Напишите ваш вопрос."), true
	case domain.CodeEmptyQuery:
		return lang.L("Введите, что вы ищете, например «показания» или «тариф»."), true
	case domain.CodeInternal:
		return lang.L("На сервере произошла ошибка. Ваши данные не потеряны. Попробуйте ещё раз через несколько минут."), true
	case domain.CodeServiceBusy:
		return lang.L("Сейчас в личный кабинет входит очень много людей. Подождите {{.Wait}} и попробуйте снова.", p), true
	}
	return "", false
}

// errorData is the template data of de: its params under CamelCase names
// ("previous_date" → PreviousDate), with dates, numbers, months and waits
// written for a person in the chosen language.
func errorData(de *domain.Error) map[string]any {
	p := make(map[string]any, len(de.Params)+2)
	for k, v := range de.Params {
		p[camelCase(k)] = v
	}
	for k, v := range de.Params {
		name := camelCase(k)
		switch k {
		case "previous", "value", "consumption":
			if d, err := domain.ParseDecimal(v); err == nil {
				_, frac, _ := strings.Cut(v, ".")
				p[name] = d.Format(len(frac))
			}
		case "average_monthly":
			if d, err := domain.ParseDecimal(v); err == nil {
				p[name] = d.Format(0)
			}
		case "period":
			if per, err := domain.ParsePeriod(v); err == nil {
				p[name] = dataPeriod(per)
			}
		case "zone_name":
			p[name] = dataWord(v)
		case "sent_at":
			if t, err := time.Parse(time.RFC3339, v); err == nil {
				t = t.In(domain.Moscow)
				p["SentDate"], p["SentTime"] = t.Format("02.01.2006"), t.Format("15:04")
			}
		case "retry_after":
			if n, err := strconv.Atoi(v); err == nil {
				p["Wait"] = waitText(time.Duration(n) * time.Second)
			}
		default:
			if d, err := domain.ParseDate(v); err == nil {
				p[name] = dateText(d)
			}
		}
	}
	if _, ok := p["Wait"]; !ok {
		p["Wait"] = lang.L("несколько минут")
	}
	return p
}

// waitText says how long to wait: «15 минут», «1 минуту», «30 секунд».
func waitText(d time.Duration) string {
	if d < time.Minute {
		n := max(1, int((d+time.Second-1)/time.Second))
		data := map[string]any{"N": n}
		switch domain.Plural(n, "one", "few", "many") {
		case "one":
			return lang.L("{{.N}} секунду", data)
		case "few":
			return lang.L("{{.N}} секунды", data)
		}
		return lang.L("{{.N}} секунд", data)
	}
	n := int((d + time.Minute - 1) / time.Minute)
	data := map[string]any{"N": n}
	switch domain.Plural(n, "one", "few", "many") {
	case "one":
		return lang.L("{{.N}} минуту", data)
	case "few":
		return lang.L("{{.N}} минуты", data)
	}
	return lang.L("{{.N}} минут", data)
}

// camelCase turns a param name into a template name: "tries_left" →
// "TriesLeft".
func camelCase(s string) string {
	var b strings.Builder
	for _, part := range strings.Split(s, "_") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

// longNumber is a run of digits as long as a customer, account or phone
// number.
var longNumber = regexp.MustCompile(`\d{6,}`)

// logError logs an error the window could not put in words, without the
// personal data it may carry: the home folder (the user's name) and long
// numbers (customer, account and phone numbers) are masked.
func logError(what string, err error) {
	text := err.Error()
	if home, _ := os.UserHomeDir(); len(home) > 1 {
		text = strings.ReplaceAll(text, home, "~")
	}
	text = longNumber.ReplaceAllString(text, "…")
	fyne.LogError(what, errors.New(text))
}

// refusalText is the sentence for the portal's refusal of an item of the
// problemText says why the portal refused an item (or why its last attempt
// failed), by the problem's code in the chosen language.
func problemText(p *cabinet.Problem) string {
	if p == nil {
		return lang.L("причина не указана. Позвоните в контакт-центр.")
	}
	return errorSentence(&domain.Error{Code: p.Code, Message: p.Detail, Field: p.Field, Params: p.Params})
}
