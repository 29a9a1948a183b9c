package app

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"kabinet/internal/cabinet"
	"kabinet/internal/domain"
)

// dashboard («Главная») shows, for every account, the balance and what is
// due, the reading window, meters due for verification, and what waits to
// be sent.
type dashboard struct{ u *UI }

func newDashboard(u *UI) Screen { return &dashboard{u: u} }

func (d *dashboard) Content() fyne.CanvasObject {
	u := d.u
	list, _ := u.svc.Accounts()
	if len(list) == 0 {
		return page(lang.L("Главная"), noData())
	}
	body := []fyne.CanvasObject{}
	today := domain.DateOf(nowFunc(), domain.Moscow)
	for _, a := range list {
		doc, ok, _ := u.svc.Document(a.Number)
		card := container.NewVBox(subheading(fmt.Sprintf("%s %s — %s", lang.L("Лицевой счёт"), a.Number, a.Title)), para(a.Address))
		if !ok {
			card.Add(noData())
			body = append(body, widget.NewCard("", "", card))
			continue
		}
		card.Add(balanceLine(doc.Doc.Balance))
		for _, m := range doc.Doc.Meters {
			if !m.Active() {
				continue
			}
			card.Add(para(windowLine(m, doc.Doc.Readings, today)))
			if nv := m.NextVerification; !nv.IsZero() && today.DaysUntil(nv) <= 90 {
				card.Add(bold("⚠ " + lang.L("Поверка счётчика {{.Serial}} — до {{.Date}}. Закажите поверку или замену счётчика заранее.", map[string]any{"Serial": m.Serial, "Date": dateText(nv)})))
			}
		}
		number := a.Number
		card.Add(container.NewHBox(
			u.primary(lang.L("Передать показания"), func() { u.account = number; u.shell.refreshAccounts(); u.navigate("reading") }),
			u.button(lang.L("Счета"), func() { u.account = number; u.shell.refreshAccounts(); u.navigate("invoices") }),
		))
		card.Add(para(lang.L("Данные на {{.Time}}", map[string]any{"Time": timeText(u.svc.FreshAt(a.Number))})))
		body = append(body, widget.NewCard("", "", card))
	}
	if q := queueSummary(u); q != nil {
		body = append(body, q)
	}
	return page(lang.L("Главная"), body...)
}

// balanceLine says what is owed, in words.
func balanceLine(b domain.Balance) fyne.CanvasObject {
	switch {
	case b.Debt > 0 && !b.DueOn.IsZero():
		return bold(lang.L("К оплате: {{.Sum}} до {{.Date}}", map[string]any{"Sum": money(b.Debt), "Date": dateText(b.DueOn)}))
	case b.Debt > 0:
		return bold(lang.L("Задолженность: {{.Sum}}", map[string]any{"Sum": money(b.Debt)}))
	case b.Debt < 0:
		return bold(lang.L("Переплата: {{.Sum}}", map[string]any{"Sum": money(-b.Debt)}))
	}
	return bold(lang.L("Задолженности нет"))
}

// windowLine says whether readings are due: «Передайте показания с 18 по 25
// ноября — осталось 3 дня» or «Показания за ноябрь переданы 19.11».
func windowLine(m domain.Meter, readings []domain.Reading, today domain.Date) string {
	for i := len(readings) - 1; i >= 0; i-- {
		r := readings[i]
		if r.MeterID == m.ID && r.Status == domain.StatusAccepted && r.Period == today.Period() && r.Source == domain.SourceCustomer {
			return lang.L("Счётчик {{.Serial}}: показания за {{.Month}} переданы {{.Date}}", map[string]any{
				"Serial": m.Serial, "Month": dataPeriod(today.Period()), "Date": dateText(r.TakenOn)})
		}
	}
	w := m.Window
	if w.Open {
		return lang.L("Счётчик {{.Serial}}: передайте показания с {{.Start}} по {{.End}} {{.Month}} — осталось дней: {{.Days}}", map[string]any{
			"Serial": m.Serial, "Start": w.Start.Day, "End": w.End.Day, "Month": dataWord(domain.MonthGenitive(w.End.Month)), "Days": w.DaysLeft})
	}
	if w.Start.IsZero() {
		return lang.L("Счётчик {{.Serial}}", map[string]any{"Serial": m.Serial})
	}
	return lang.L("Счётчик {{.Serial}}: показания принимаются с {{.Start}} по {{.End}} {{.Month}}", map[string]any{
		"Serial": m.Serial, "Start": w.Start.Day, "End": w.End.Day, "Month": dataWord(domain.MonthGenitive(w.End.Month))})
}

// queueSummary lists what waits to be sent, or nil.
func queueSummary(u *UI) fyne.CanvasObject {
	items, _ := u.svc.Outbox()
	if len(items) == 0 {
		return nil
	}
	box := container.NewVBox(subheading(lang.L("Ожидают отправки")))
	for _, it := range items {
		state := lang.L("будет отправлено, как только появится связь")
		if it.State == cabinet.Refused && it.Problem != nil {
			state = lang.L("не принято порталом: {{.Reason}}", map[string]any{"Reason": problemText(it.Problem)})
		}
		box.Add(para("• " + describeItem(it) + " — " + state))
	}
	return widget.NewCard("", "", box)
}
