package app

import (
	"errors"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

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

// russianUI reports whether the window speaks Russian: the language
// LoadTranslations was last asked for.
func russianUI() bool { return !englishUI.Load() }

// codeSentences are the sentences of the codes the window knows, each
// built from the error's template data p.
var codeSentences = map[domain.Code]func(de *domain.Error, p map[string]any) string{}

func init() {
	say := func(f func(de *domain.Error, p map[string]any) string, codes ...domain.Code) {
		for _, c := range codes {
			codeSentences[c] = f
		}
	}
	// A reading.
	say(func(de *domain.Error, p map[string]any) string {
		if has(p, "ZoneName") {
			return lang.L("Введите показание шкалы «{{.ZoneName}}» — у этого счётчика их нужно передавать вместе.", p)
		}
		return lang.L("Введите показание счётчика — цифры с его табло.", p)
	}, domain.CodeEmpty)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Показание записывается только цифрами, например 12345 или 12345,6. Уберите буквы, пробелы внутри числа и другие знаки.")
	}, domain.CodeNotANumber)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Слишком много цифр: на табло этого счётчика цифр до запятой — {{.Digits}}. Проверьте показание.", p)
	}, domain.CodeTooManyDigits)
	say(func(de *domain.Error, p map[string]any) string {
		if p["FractionDigits"] == "0" {
			return lang.L("На этом счётчике нет цифр после запятой. Запишите только целую часть — цифры до запятой.")
		}
		return lang.L("После запятой на этом счётчике цифр: {{.FractionDigits}}. Лишние цифры уберите.", p)
	}, domain.CodeTooManyDecimals)
	say(func(de *domain.Error, p map[string]any) string {
		if has(p, "PreviousDate") {
			return lang.L("Показание меньше прошлого ({{.Previous}} от {{.PreviousDate}}). Показания счётчика не уменьшаются: проверьте, все ли цифры вы переписали с табло. Если счётчик заменили, позвоните в контакт-центр.", p)
		}
		return lang.L("Показание меньше прошлого ({{.Previous}}). Показания счётчика не уменьшаются: проверьте, все ли цифры вы переписали с табло. Если счётчик заменили, позвоните в контакт-центр.", p)
	}, domain.CodeLowerThanPrevious)
	say(func(de *domain.Error, p map[string]any) string {
		switch {
		case p["Reason"] == "rollover":
			return lang.L("Новое показание меньше прошлого (было {{.Previous}}, стало {{.Value}}). Так бывает, только если счётчик дошёл до конца шкалы и начал счёт с нуля. Если это так — подтвердите; если нет — проверьте цифры.", p)
		case p["Reason"] == "jump" && has(p, "ReplacesDate"):
			return lang.L("Расход за месяц получился {{.Consumption}} кВт·ч (новое показание заменит показания, переданные {{.ReplacesDate}}) — намного больше обычного (около {{.AverageMonthly}} кВт·ч в месяц). Проверьте, нет ли лишней цифры. Если всё верно — подтвердите.", p)
		case p["Reason"] == "jump":
			return lang.L("Расход получился {{.Consumption}} кВт·ч — намного больше обычного (около {{.AverageMonthly}} кВт·ч в месяц). Проверьте, нет ли лишней цифры. Если всё верно — подтвердите.", p)
		}
		return lang.L("Показание необычное. Проверьте цифры; если всё верно — подтвердите.")
	}, domain.CodeNeedsConfirmation)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Показания принимаются с {{.StartDay}} по {{.EndDay}} число каждого месяца. Следующий приём: с {{.WindowStart}} по {{.WindowEnd}}. Запишите показание и передайте его в эти дни.", p)
	}, domain.CodeOutsideWindow)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Такого счётчика нет на этом лицевом счёте. Обновите данные и выберите счётчик из списка.")
	}, domain.CodeUnknownMeter)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Счётчик {{.Serial}} снят {{.RemovedOn}}. Передавайте показания нового счётчика.", p)
	}, domain.CodeMeterRemoved)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("У счётчика {{.Serial}} нет такой шкалы. Введите только показания, которые видно на его табло.", p)
	}, domain.CodeZoneMismatch)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Дата снятия показаний ({{.TakenOn}}) ещё не наступила. Укажите сегодняшнюю дату или день, когда вы смотрели на счётчик.", p)
	}, domain.CodeTakenInFuture)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Показание снято слишком давно ({{.TakenOn}}). Посмотрите на счётчик сегодня и введите то, что он показывает.", p)
	}, domain.CodeTakenTooEarly)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Дата записана непонятно. Введите её так: день, месяц, год через точку, например 14.03.2026.")
	}, domain.CodeBadDate)
	// Passwords, e-mail, phone.
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Пароль слишком короткий: нужно не меньше {{.Min}} знаков.", p)
	}, domain.CodePasswordTooShort)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Пароль слишком длинный: нужно не больше {{.Max}} знаков.", p)
	}, domain.CodePasswordTooLong)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Этот пароль слишком простой и известен взломщикам. Придумайте другой — например, три несвязанных слова.")
	}, domain.CodePasswordTooCommon)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Пароль не должен совпадать с номером клиента. Придумайте другой — например, три несвязанных слова.")
	}, domain.CodePasswordSameAsLogin)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Адрес электронной почты записан с ошибкой. Пример: ivanova@mail.ru")
	}, domain.CodeBadEmail)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Введите номер мобильного телефона из 11 цифр, например 8 912 345-67-89.")
	}, domain.CodeBadPhone)
	// The data on this computer and the outbox.
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Данные программы на этом компьютере повреждены. Закройте программу и запустите её снова: она восстановит неотправленные показания и обращения и заново загрузит остальное с портала.")
	}, domain.CodeStoreDamaged)
	say(func(de *domain.Error, p map[string]any) string {
		if has(p, "SentDate") {
			return lang.L("Эти показания уже переданы на портал {{.SentDate}} в {{.SentTime}}, поэтому отменить или изменить их нельзя. Если в них ошибка, передайте правильные показания: они заменят прежние за этот месяц.", p)
		}
		return lang.L("Эти показания уже переданы на портал, поэтому отменить или изменить их нельзя. Если в них ошибка, передайте правильные показания: они заменят прежние за этот месяц.")
	}, domain.CodeAlreadySent)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Эти показания уже отправляются на портал, и ответа ещё нет, поэтому отменить или изменить их нельзя: портал мог их принять. Дождитесь отправки; если в них ошибка, передайте потом правильные показания — они заменят прежние за этот месяц.")
	}, domain.CodeBeingSent)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Таких показаний нет среди ожидающих отправки: возможно, их уже отменили. Посмотрите список ожидающих отправки.")
	}, domain.CodeNotQueued)
	// The profile and its phone proof.
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Чтобы изменить почту или телефон, введите текущий пароль — тот, с которым вы вошли.")
	}, domain.CodeCurrentPasswordRequired)
	say(func(de *domain.Error, p map[string]any) string {
		if de.Field == "current_password" {
			return lang.L("Текущий пароль введён неверно. Введите пароль, с которым вы вошли в личный кабинет. Почта и телефон не изменены.")
		}
		return lang.L("Текущий пароль введён неверно. Введите пароль, с которым вы вошли в личный кабинет.")
	}, domain.CodeWrongCurrentPassword)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("На новый номер отправлен код из 6 цифр. Введите его в течение 15 минут — тогда номер телефона изменится. До этого остаётся прежний номер.")
	}, domain.CodePhoneCodeSent)
	say(func(de *domain.Error, p map[string]any) string {
		if has(p, "TriesLeft") {
			return lang.L("Код неверный. Проверьте цифры в последнем SMS и введите их снова. Осталось попыток: {{.TriesLeft}}.", p)
		}
		return lang.L("Код — это 6 цифр из SMS. Введите их без букв.")
	}, domain.CodePhoneCodeWrong)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Код больше не действует: прошло 15 минут или он 5 раз введён неверно. Номер не изменён. Нажмите «Сохранить» ещё раз — придёт новый код.")
	}, domain.CodePhoneCodeExpired)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Новый номер не ожидает подтверждения. Введите новый номер телефона и текущий пароль и нажмите «Сохранить» — придёт SMS с кодом.")
	}, domain.CodeNoPhoneChange)
	say(func(de *domain.Error, p map[string]any) string {
		if has(p, "ContactPhone") {
			return lang.L("Сегодня коды для смены номера уже отправлялись {{.PerDay}} раза. Попробуйте завтра или позвоните в контакт-центр: {{.ContactPhone}}. Почта и телефон не изменены.", p)
		}
		return lang.L("Сегодня коды для смены номера уже отправлялись несколько раз. Попробуйте завтра или позвоните в контакт-центр. Почта и телефон не изменены.")
	}, domain.CodeTooManyPhoneCodes)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Если данные совпадают с договором, в течение нескольких минут придёт SMS с временным паролем. Если SMS не пришло за 15 минут, позвоните в контакт-центр — вам продиктуют одноразовый пароль.")
	}, domain.CodeRecoveryRequested)
	// The app's own service.
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Войдите в личный кабинет.")
	}, domain.CodeNotLoggedIn)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Нет связи с порталом. Это действие требует связи — попробуйте, когда появится интернет.")
	}, domain.CodeNeedsConnection)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Данных по этому лицевому счёту ещё нет. Подключитесь к интернету, чтобы загрузить их.")
	}, domain.CodeNoData)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Программа уже запущена. Закройте другое окно Kabinet и попробуйте снова.")
	}, domain.CodeAlreadyRunning)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Данные сохранены более новой версией программы. Обновите программу.")
	}, domain.CodeNewerVersion)
	say(func(de *domain.Error, p map[string]any) string {
		if has(p, "Period") {
			return lang.L("Счёта за {{.Period}} на этом лицевом счёте нет. Выберите другой месяц.", p)
		}
		return lang.L("Счёта за этот месяц на этом лицевом счёте нет. Выберите другой месяц.")
	}, domain.CodeNoInvoice)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Первый месяц ведомости позже последнего. Поменяйте их местами.")
	}, domain.CodeMonthsReversed)
	// The connection to the portal.
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Нет связи с порталом. Проверьте интернет — введённые данные сохранены и будут отправлены автоматически.")
	}, domain.CodeNoConnection)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Не удаётся установить защищённое соединение с порталом: на компьютере, похоже, неверные дата и время. Проверьте дату и время на компьютере и попробуйте снова.")
	}, domain.CodeComputerClock)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Не удаётся проверить подлинность портала: его сертификат безопасности не прошёл проверку. Не вводите пароль на этом компьютере и сообщите об ошибке в контакт-центр.")
	}, domain.CodeCertificate)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Портал временно не отвечает. Попробуйте ещё раз через несколько минут — введённые данные не потеряны.")
	}, domain.CodePortalUnavailable)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Портал прислал непонятный ответ. Проверьте адрес портала в настройках и попробуйте позже; если ошибка повторится, позвоните в контакт-центр.")
	}, domain.CodeBadAnswer)
	// The portal's problems.
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Портал не понял запрос. Проверьте, что всё заполнено, и попробуйте снова; если ошибка повторится, обновите программу или позвоните в контакт-центр.")
	}, domain.CodeBadRequest)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Запрос слишком большой. Сократите текст и отправьте снова.")
	}, domain.CodeBodyTooLarge)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Портал не принял запрос этой версии программы. Обновите программу или позвоните в контакт-центр.")
	}, domain.CodeUnsupportedMedia, domain.CodeKeyRequired, domain.CodeBadKey)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Сеанс завершён. Войдите снова с номером клиента и паролем.")
	}, domain.CodeSessionEnded)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Неверный номер клиента или пароль. Номер клиента напечатан в квитанции. Если забыли пароль, нажмите «Не получили или забыли пароль?».")
	}, domain.CodeWrongCredentials)
	say(func(de *domain.Error, p map[string]any) string {
		if de.Field == "current_password" {
			return lang.L("Текущий пароль несколько раз введён неверно. Подождите {{.Wait}} и попробуйте снова.", p)
		}
		return lang.L("Слишком много неудачных попыток входа. Подождите {{.Wait}} и попробуйте снова. Если забыли пароль, нажмите «Не получили или забыли пароль?».", p)
	}, domain.CodeTooManyAttempts)
	say(func(de *domain.Error, p map[string]any) string {
		if has(p, "ContactPhone") {
			return lang.L("С этого компьютера уже было много запросов пароля. Подождите {{.Wait}} или позвоните в контакт-центр: {{.ContactPhone}}.", p)
		}
		return lang.L("С этого компьютера уже было много запросов пароля. Подождите {{.Wait}} или позвоните в контакт-центр.", p)
	}, domain.CodeTooManyRequests)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Вы вошли с временным паролем. Сначала придумайте свой новый пароль.")
	}, domain.CodePasswordChangeRequired)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Новый пароль совпадает с текущим. Придумайте другой.")
	}, domain.CodePasswordNotChanged)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Портал не нашёл этих данных. Обновите данные и попробуйте снова; если ошибка повторится, позвоните в контакт-центр.")
	}, domain.CodeNotFound)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Этот запрос уже был отправлен с другими данными. Обновите данные и отправьте показания заново.")
	}, domain.CodeKeyReused)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Сохранённые данные устарели. Программа загрузит их заново.")
	}, domain.CodeCursorExpired)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Чтобы получать счета по электронной почте, сначала укажите адрес почты в «Настройках личного кабинета».")
	}, domain.CodeEmailRequired)
	say(func(de *domain.Error, p map[string]any) string {
		switch {
		case de.Field == "topic":
			return lang.L("Тема слишком длинная: не больше {{.Max}} знаков.", p)
		case has(p, "Max"):
			return lang.L("Вопрос слишком длинный: не больше {{.Max}} знаков. Сократите его.", p)
		}
		return lang.L("Напишите ваш вопрос.")
	}, domain.CodeBadQuestion)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Введите, что вы ищете, например «показания» или «тариф».")
	}, domain.CodeEmptyQuery)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("На сервере произошла ошибка. Ваши данные не потеряны. Попробуйте ещё раз через несколько минут.")
	}, domain.CodeInternal)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Сейчас в личный кабинет входит очень много людей. Подождите {{.Wait}} и попробуйте снова.", p)
	}, domain.CodeServiceBusy)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Портал не принимает этот запрос с вашего компьютера. Сообщите об этом в контакт-центр.")
	}, domain.CodeForbidden)
	// Paying online.
	say(func(de *domain.Error, p map[string]any) string {
		if has(p, "MinKop") && has(p, "MaxKop") {
			return lang.L("Сумма оплаты должна быть не меньше {{.MinKop}} и не больше {{.MaxKop}}. Исправьте сумму.", p)
		}
		return lang.L("Проверьте сумму оплаты: не меньше 1 рубля.")
	}, domain.CodePaymentAmount)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Сейчас оплачивать нечего: долга нет. Если хотите заплатить вперёд, введите сумму.")
	}, domain.CodeNothingDue)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Оплата картой в личном кабинете пока не подключена. Оплатите по QR-коду в приложении банка или в отделении.")
	}, domain.CodePaymentsOff)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Платёжный сервис сейчас не отвечает. Деньги не списаны. Попробуйте через {{.Wait}} или оплатите по QR-коду.", p)
	}, domain.CodePaymentProvider)
	say(func(de *domain.Error, p map[string]any) string {
		return lang.L("Для оплаты картой нужен интернет, а связи с порталом сейчас нет. Оплатите по QR-коду в приложении банка — он работает без связи.")
	}, domain.CodePaymentNeedsNetwork)
}

// has reports whether the template data carry k.
func has(p map[string]any, k string) bool { _, ok := p[k]; return ok }

// codeSentence is the sentence for de's code, built from p; false for a
// code it does not know.
func codeSentence(de *domain.Error, p map[string]any) (string, bool) {
	f, ok := codeSentences[de.Code]
	if !ok {
		return "", false
	}
	return f(de, p), true
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
		case "min_kop", "max_kop":
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				p[name] = domain.Kopecks(n).String()
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
