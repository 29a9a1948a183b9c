package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"kabinet/internal/cabinet"
	"kabinet/internal/domain"
)

// dueBanner is the banner at the top of Главная while the reading window is
// open and a meter has no reading this month: the last day, the days left,
// the meters without a reading, and one button to the reading of the
// first of them. Nil when nothing is due.
//
// A reading typed without a connection keeps the banner, saying it waits
// to be sent: an elderly person who sees the banner go takes it for «sent»,
// while the reading still has to reach the portal before the window
// closes. The button is only for meters with nothing typed.
func dueBanner(d cabinet.ReadingsDue, severalAccounts bool, send func(cabinet.DueMeter)) fyne.CanvasObject {
	if !d.Open || len(d.Missing)+len(d.Queued) == 0 {
		return nil
	}
	// Compact: at twice the text on a 1366×768 laptop the account's «К
	// оплате» must still be in view under it.
	box := container.NewVBox(bold(lang.L("Приём показаний открыт до {{.Day}} {{.Month}}.", map[string]any{
		"Day": d.End.Day, "Month": dataWord(domain.MonthGenitive(d.End.Month))}) + " " + daysLeftText(d.DaysLeft) + "."))
	if len(d.Missing) > 0 {
		first := d.Missing[0]
		b := widget.NewButton(lang.L("Передать показания"), func() { send(first) })
		b.Importance = widget.HighImportance
		missing := bold(lang.L("Нет показаний: {{.Meters}}", map[string]any{"Meters": dueMeters(d.Missing, severalAccounts)}))
		box.Add(container.NewBorder(nil, nil, container.NewCenter(b), nil, missing))
	}
	if len(d.Queued) > 0 {
		box.Add(para(lang.L("Записано и ждёт отправки: {{.Meters}}. Показания уйдут сами, как только появится связь с порталом.",
			map[string]any{"Meters": dueMeters(d.Queued, severalAccounts)})))
	}
	return widget.NewCard("", "", box)
}

// dueMeters names meters as the banner lists them: «счётчик …96, счётчик
// …12», with the account when the customer has several.
func dueMeters(list []cabinet.DueMeter, severalAccounts bool) string {
	names := make([]string, 0, len(list))
	for _, m := range list {
		data := map[string]any{"Serial": domain.MaskedSerial(m.Meter.Serial), "Account": m.Account}
		if severalAccounts {
			names = append(names, lang.L("счётчик {{.Serial}} (лицевой счёт {{.Account}})", data))
		} else {
			names = append(names, lang.L("счётчик {{.Serial}}", data))
		}
	}
	return strings.Join(names, ", ")
}

// dueStatus is the status line's part about readings: «Передайте показания
// до 25.12 — осталось 3 дня»; "" when nothing needs typing.
func dueStatus(d cabinet.ReadingsDue) string {
	if !d.Open || !d.Any() {
		return ""
	}
	return lang.L("Передайте показания до {{.Date}} — {{.Left}}", map[string]any{
		"Date": d.End.Time(domain.Moscow).Format("02.01"), "Left": strings.ToLower(daysLeftText(d.DaysLeft))})
}

// daysLeftText is «Остался 1 день», «Осталось 3 дня», «Осталось 5 дней»
// (in English «1 day left», «3 days left»).
func daysLeftText(n int) string {
	data := map[string]any{"N": n}
	form := domain.Plural(n, "one", "few", "many")
	if englishUI.Load() && n != 1 {
		form = "many" // English has no «21 день»: one form besides 1
	}
	switch form {
	case "one":
		return lang.L("Остался {{.N}} день", data)
	case "few":
		return lang.L("Осталось {{.N}} дня", data)
	}
	return lang.L("Осталось {{.N}} дней", data)
}
