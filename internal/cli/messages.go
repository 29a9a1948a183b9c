package cli

import "fmt"

// messages holds every sentence the command line says, in Russian and
// English; Russian is the default, `--lang en` picks English.
var messages = map[string][2]string{
	"usage": {`Kabinet — личный кабинет клиента энергосбыта.

Команды:
  kabinet login --portal АДРЕС --customer НОМЕР   войти (пароль спросит программа или возьмёт из KABINET_PASSWORD)
  kabinet sync                                    отправить ожидающие показания и обновить данные
  kabinet status                                  счета, долг, свежесть данных, что ждёт отправки
  kabinet reading add --value 12345 [--value-night 6789] [--value-half-peak 1234]
                      [--account ЛС] [--meter ID] [--date ГГГГ-ММ-ДД] [--confirm]
                                                  передать показания (без связи — сохранить и отправить позже)
  kabinet reading correct --id N --value 12345 [...]
                                                  исправить показания, которые ещё ждут отправки (N — из kabinet status)
  kabinet reading withdraw --id N                 отменить отправку ожидающих показаний
  kabinet reading receipt --id НОМЕР [-o файл.pdf]
                                                  квитанция о приёме показаний в PDF (номер — из ответа портала)
  kabinet question --text "…" [--topic "…"] [--account ЛС]
                                                  задать вопрос компании (без связи — отправить позже)
  kabinet export invoice --period 2026-10 -o счёт.pdf       счёт за месяц в PDF (без связи тоже)
  kabinet export statement --from 2024-01 --to 2026-10 -o ведомость.pdf
                                                  ведомость энергопотребления в PDF
  kabinet pay [--account ЛС] [--amount 1234,56] [--wait 15m]
                                                  оплатить онлайн (по умолчанию — сколько нужно сейчас) и дождаться результата
  kabinet logout [--wipe]                         выйти; --wipe удаляет все сохранённые данные

Общие флаги (до или после команды): --store ПАПКА (где хранить данные), --lang en (по-английски).
Коды выхода: 0 — готово, 1 — ошибка, 2 — неверная команда, 3 — сохранено, но ещё не отправлено (для pay — оплата ещё не завершена),
4 — для status: приём показаний открыт, а по счётчику нет показаний за этот месяц (важнее 3).`,
		`Kabinet — the personal account of an electricity supplier's customer.

Commands:
  kabinet login --portal URL --customer NUMBER   log in (password prompted or from KABINET_PASSWORD)
  kabinet sync                                   send queued readings and refresh the data
  kabinet status                                 accounts, debt, data freshness, what waits to be sent
  kabinet reading add --value 12345 [--value-night 6789] [--value-half-peak 1234]
                      [--account A] [--meter ID] [--date YYYY-MM-DD] [--confirm]
                                                 send a meter reading (offline: keep it and send later)
  kabinet reading correct --id N --value 12345 [...]
                                                 correct a reading still waiting to be sent (N from kabinet status)
  kabinet reading withdraw --id N                cancel sending a waiting reading
  kabinet reading receipt --id NUMBER [-o file.pdf]
                                                 the receipt for an accepted reading as a PDF (the number the portal gave)
  kabinet question --text "…" [--topic "…"] [--account A]
                                                 ask the company a question (offline: send it later)
  kabinet export invoice --period 2026-10 -o bill.pdf     a month's bill as PDF (offline too)
  kabinet export statement --from 2024-01 --to 2026-10 -o statement.pdf
                                                 the consumption statement as PDF
  kabinet pay [--account A] [--amount 1234.56] [--wait 15m]
                                                 pay online (default: what is due now) and wait for the result
  kabinet logout [--wipe]                        log out; --wipe deletes all data kept on this computer

Common flags (before or after the command): --store DIR (where data is kept), --lang en (English).
Exit codes: 0 done, 1 failed, 2 usage, 3 saved but not yet delivered (for pay: the payment is still open),
4 for status: the reading window is open and a meter has no reading this month (wins over 3).`},
	"unknown_command":   {"Неизвестная команда «%s». Список команд: kabinet help", "Unknown command %q. See: kabinet help"},
	"need_login":        {"Сначала войдите: kabinet login --portal АДРЕС --customer НОМЕР", "Log in first: kabinet login --portal URL --customer NUMBER"},
	"need_portal":       {"Укажите адрес портала и номер клиента: kabinet login --portal АДРЕС --customer НОМЕР", "Give the portal and the customer: kabinet login --portal URL --customer NUMBER"},
	"password_prompt":   {"Пароль: ", "Password: "},
	"no_password":       {"Пароль не введён. Введите его или задайте KABINET_PASSWORD.", "No password given. Type it or set KABINET_PASSWORD."},
	"logged_in":         {"Вход выполнен: клиент %s.", "Logged in: customer %s."},
	"must_change":       {"Вы вошли с временным паролем. Придумайте свой пароль в приложении Kabinet («Настройки личного кабинета»).", "You logged in with a temporary password. Choose your own password in the Kabinet app (Settings)."},
	"token_memory":      {"Системное хранилище паролей недоступно, поэтому вход не запоминается: следующие команды снова спросят пароль (или возьмут его из KABINET_PASSWORD).", "The system keyring is not available, so the login is not remembered: the next commands ask for the password again (or take KABINET_PASSWORD)."},
	"synced":            {"Данные обновлены: отправлено %d, обновлено счетов %d, без изменений %d.", "Sync done: %d sent, %d accounts updated, %d unchanged."},
	"waiting":           {"Ожидают отправки: %d.", "Waiting to be sent: %d."},
	"attention":         {"Требуют внимания: %d.", "Need attention: %d."},
	"no_accounts":       {"Данных ещё нет. Выполните kabinet sync, когда будет связь.", "No data yet. Run kabinet sync when online."},
	"account_line":      {"Лицевой счёт %s — %s, %s", "Account %s — %s, %s"},
	"debt":              {"  К оплате: %s (до %s)", "  Due: %s (by %s)"},
	"debt_nodate":       {"  Задолженность: %s", "  Debt: %s"},
	"overpaid":          {"  Переплата: %s", "  Credit: %s"},
	"no_debt":           {"  Задолженности нет", "  Nothing due"},
	"meter_line":        {"  Счётчик %s (%s), id %s: %s", "  Meter %s (%s), id %s: %s"},
	"zone_value":        {"%s %s от %s", "%s %s on %s"},
	"verification_due":  {"  ! Поверка счётчика %s — до %s", "  ! Meter %s must be verified by %s"},
	"window_open":       {"  Приём показаний открыт до %s, %s", "  Readings accepted until %s, %s"},
	"days_left":         {"осталось %d %s", "%d %s left"},
	"day_one":           {"день", "day"},
	"day_few":           {"дня", "days"},
	"day_many":          {"дней", "days"},
	"last_day":          {"сегодня последний день", "today is the last day"},
	"no_reading":        {"нет показаний: %s", "no reading yet: %s"},
	"all_read":          {"показания всех счётчиков переданы", "every meter has its reading"},
	"reading_queued":    {"  Показания (%s) введены и ждут отправки — они уже учтены, отправятся сами.", "  The reading (%s) is entered and waits to be sent; it counts and goes by itself."},
	"meter_short":       {"счётчик %s", "meter %s"},
	"receipt_line":      {"Показания приняты %s в %s. Квитанция № %s (распечатать: kabinet reading receipt --id %s)", "Accepted on %s at %s. Receipt No. %s (to print: kabinet reading receipt --id %s)"},
	"receipt_usage":     {"Так: kabinet reading receipt --id НОМЕР_КВИТАНЦИИ [-o файл.pdf]", "Use: kabinet reading receipt --id RECEIPT_NUMBER [-o file.pdf]"},
	"no_receipt":        {"Квитанции № %s на этом компьютере нет. Выполните kabinet sync и проверьте номер.", "There is no receipt No. %s on this computer. Run kabinet sync and check the number."},
	"receipt_saved":     {"Квитанция № %s о приёме показаний сохранена: %s", "Receipt No. %s for the accepted reading saved: %s"},
	"window_closed":     {"  Приём показаний: с %s по %s", "  Readings accepted from %s to %s"},
	"fresh":             {"  Данные на %s", "  Data as of %s"},
	"queued_item":       {"  • № %d, %s: показание %s счётчика %s — %s", "  • No. %d, %s: reading %s of meter %s — %s"},
	"queued_question":   {"  • %s: вопрос «%s» — %s", "  • %s: question %q — %s"},
	"state_pending":     {"ждёт отправки", "waiting"},
	"state_attention":   {"не принято: %s", "refused: %s"},
	"sent_ok":           {"Показание передано. %s", "Reading delivered. %s"},
	"saved_later":       {"Показание сохранено и будет отправлено, когда появится связь с порталом.", "Reading saved; it will be sent when the portal can be reached."},
	"saved_not_sent":    {"Показание сохранено, но не отправлено: %s", "Reading saved but not sent: %s"},
	"refused":           {"Портал не принял показание: %s", "The portal refused the reading: %s"},
	"confirm_hint":      {"Если всё верно, повторите команду с --confirm.", "If it is right, repeat the command with --confirm."},
	"choose_account":    {"У вас несколько лицевых счетов; укажите --account: %s", "You have several accounts; give --account: %s"},
	"choose_meter":      {"На счёте несколько счётчиков; укажите --meter: %s", "The account has several meters; give --meter: %s"},
	"bad_value_flag":    {"Для этого счётчика нужны показания: %s", "This meter needs the values: %s"},
	"bad_date":          {"Дата записана неверно; пример: 2026-11-20", "Bad date; example: 2026-11-20"},
	"logged_out":        {"Вы вышли из личного кабинета.", "Logged out."},
	"wiped":             {"Все данные личного кабинета удалены с этого компьютера.", "All personal-account data was deleted from this computer."},
	"wipe_unsent":       {"Внимание: %d неотправленных показаний удалено вместе с данными.", "Warning: %d unsent readings were deleted with the data."},
	"unsent_on_logout":  {"Не отправлено: %d. Они отправятся при следующем входе.", "Not sent: %d. They will be sent at the next login."},
	"store_recovered":   {"Файл данных был повреждён и заменён (%s). Восстановлено неотправленных показаний: %d.", "The data file was damaged and replaced (%s). Unsent readings recovered: %d."},
	"zone_peak":         {"пик", "peak"},
	"zone_half_peak":    {"полупик", "half-peak"},
	"zone_night":        {"ночь", "night"},
	"zone_day":          {"день", "day"},
	"zone_single":       {"показание", "reading"},
	"export_usage":      {"Так: kabinet export invoice [--account ЛС] [--period ГГГГ-ММ] -o файл.pdf или kabinet export statement [--account ЛС] [--from ГГГГ-ММ] [--to ГГГГ-ММ] -o файл.pdf", "Use: kabinet export invoice [--account A] [--period YYYY-MM] -o file.pdf or kabinet export statement [--account A] [--from YYYY-MM] [--to YYYY-MM] -o file.pdf"},
	"no_invoice":        {"Счёта за этот месяц (%s) нет. Посмотрите список счетов: kabinet status, затем kabinet sync.", "There is no bill for that month (%s). See kabinet status, then kabinet sync."},
	"bad_period":        {"Месяц записан неверно или «с» позже «по». Пример: --from 2024-01 --to 2026-10", "Bad month, or --from after --to. Example: --from 2024-01 --to 2026-10"},
	"exported":          {"Документ сохранён: %s", "Document saved: %s"},
	"no_connection":     {"Нет связи с порталом. Проверьте интернет и повторите команду позже — показания, сохранённые на этом компьютере, не пропадут.", "The portal cannot be reached. Check the internet connection and run the command again later; readings saved on this computer are kept."},
	"need_id":           {"Укажите номер показаний: --id N. Номера ожидающих отправки показаний показывает kabinet status.", "Give the reading's number: --id N. kabinet status lists the numbers of waiting readings."},
	"withdrawn":         {"Показания № %d отменены: они не будут отправлены.", "Reading No. %d cancelled: it will not be sent."},
	"corrected":         {"Показания № %d исправлены.", "Reading No. %d corrected."},
	"withdraw_hint":     {"Отменить их: kabinet reading withdraw --id %d", "To cancel it: kabinet reading withdraw --id %d"},
	"no_data":           {"Данных по этому лицевому счёту ещё нет. Выполните kabinet sync, когда будет связь.", "No data for this account yet. Run kabinet sync when online."},
	"question_sent":     {"%s", "Question delivered. %s"},
	"question_later":    {"Вопрос сохранён и будет отправлен, когда появится связь с порталом.", "Question saved; it will be sent when the portal can be reached."},
	"question_not_sent": {"Вопрос сохранён, но не отправлен: %s", "Question saved but not sent: %s"},
	"question_refused":  {"Портал не принял вопрос: %s", "The portal refused the question: %s"},
	"pay_bad_amount":    {"Сумма записана неверно. Пример: --amount 1234,56", "Bad amount. Example: --amount 1234.56"},
	"pay_page":          {"Платёж на %s создан. Страница оплаты:\n  %s", "A payment of %s was created. The payment page:\n  %s"},
	"pay_commission":    {"Комиссия платёжного сервиса: %s", "Payment service commission: %s"},
	"pay_hint":          {"Откройте этот адрес в браузере или на телефоне и оплатите картой или через СБП. Программа ждёт результата (до %d мин.).", "Open this address in a browser or on a phone and pay by card or SBP. Waiting for the result (up to %d min)."},
	"pay_paid":          {"Оплата получена: %s зачислено на лицевой счёт %s.", "Payment received: %s credited to account %s."},
	"pay_canceled":      {"Оплата отменена. Деньги не списаны.", "The payment was cancelled. No money was taken."},
	"pay_expired":       {"Время на оплату истекло. Деньги не списаны.", "The time to pay ran out. No money was taken."},
	"pay_open":          {"Оплата ещё не завершена (платёж %s). Когда она пройдёт, она появится в kabinet status после kabinet sync.", "The payment is not finished yet (payment %s). Once paid it shows in kabinet status after kabinet sync."},
	"pay_needs_network": {"Для оплаты онлайн нужна связь с порталом, а её нет. Оплатите по QR-коду счёта в приложении банка (kabinet export invoice) или повторите, когда появится интернет.", "Paying online needs the portal, which cannot be reached. Pay with the bill's QR code in your bank's app (kabinet export invoice) or try again when online."},
}

// say formats a message in the chosen language.
func (c *command) say(key string, args ...any) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	s := m[0]
	if c.english {
		s = m[1]
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}
