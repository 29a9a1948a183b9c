package app

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"kabinet/internal/cabinet"
	"kabinet/internal/domain"
)

// dashboardService is what «Главная» asks for.
type dashboardService interface {
	Accounts() ([]domain.AccountSummary, error)
	Document(account string) (cabinet.Document, bool, error)
	FreshAt(account string) time.Time
	Outbox() ([]cabinet.Item, error)
	ReadingsDue() (cabinet.ReadingsDue, error)
}

// dashboard («Главная») shows, while the reading window is open, which
// meters still need their reading; for every account, the balance and what is
// due, the reading window, meters due for verification, and what waits to
// be sent.
type dashboard struct {
	frame frame
	svc   dashboardService
}

func newDashboard(d deps[dashboardService]) Screen { return &dashboard{frame: d.frame, svc: d.svc} }

// Content reads each account's document once; «Данные на …» comes from
// the store's cheap fetched-at read.
func (d *dashboard) Content() fyne.CanvasObject {
	list, _ := d.svc.Accounts()
	if len(list) == 0 {
		return page(lang.L("Главная"), noData())
	}
	body := []fyne.CanvasObject{}
	// The banner first: at twice the text on a laptop it is what is in view.
	if due, err := d.svc.ReadingsDue(); err == nil {
		if b := dueBanner(due, len(list) > 1, d.sendReading); b != nil {
			body = append(body, b)
		}
	}
	today := domain.DateOf(nowFunc(), domain.Moscow)
	for _, a := range list {
		body = append(body, d.card(a, today))
	}
	if q := queueSummary(d.svc); q != nil {
		body = append(body, q)
	}
	return page(lang.L("Главная"), body...)
}

// sendReading opens the reading screen on the meter the banner names.
func (d *dashboard) sendReading(m cabinet.DueMeter) {
	d.frame.goTo(place{screen: "reading", account: m.Account, found: m.Meter.ID})
}

// card is one account: its balance, each meter's reading window and
// verification, and the way to its readings and bills.
func (d *dashboard) card(a domain.AccountSummary, today domain.Date) fyne.CanvasObject {
	card := container.NewVBox(subheading(fmt.Sprintf("%s %s — %s", lang.L("Лицевой счёт"), a.Number, a.Title)), para(a.Address))
	doc, ok, _ := d.svc.Document(a.Number)
	if !ok {
		card.Add(noData())
		return widget.NewCard("", "", card)
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
		d.frame.primary(lang.L("Передать показания"), func() { d.frame.goTo(place{screen: "reading", account: number}) }),
		d.frame.button(lang.L("Оплатить"), func() { d.frame.goTo(place{screen: "pay", account: number}) }),
		d.frame.button(lang.L("Счета"), func() { d.frame.goTo(place{screen: "invoices", account: number}) }),
	))
	card.Add(para(lang.L("Данные на {{.Time}}", map[string]any{"Time": timeText(d.svc.FreshAt(a.Number))})))
	return widget.NewCard("", "", card)
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
func queueSummary(svc interface {
	Outbox() ([]cabinet.Item, error)
}) fyne.CanvasObject {
	items, _ := svc.Outbox()
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
