package app

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"kabinet/internal/cabinet"
	"kabinet/internal/domain"
)

// readingQueue lists the account's readings sent from this computer:
// those waiting or refused, with what can be done about each, and the
// last ones delivered.
type readingQueue struct {
	box *fyne.Container
	kit readingKit

	// Each gets the item and the button pressed (to hold it disabled while
	// the work runs).
	OnFix      func(cabinet.Item)
	OnDiscard  func(cabinet.Item, *widget.Button)
	OnWithdraw func(cabinet.Item, *widget.Button)
}

func newReadingQueue(kit readingKit) *readingQueue {
	return &readingQueue{box: container.NewVBox(), kit: kit}
}

// Show lists pending (the outbox) and the last five of sent for account;
// fixable says whether the form can take a reading of the meter back.
func (q *readingQueue) Show(doc *domain.AccountDocument, account string, pending, sent []cabinet.Item, fixable func(meter string) bool, now time.Time) {
	var objs []fyne.CanvasObject
	for _, it := range pending {
		if it.Kind != cabinet.KindReading || it.Account != account {
			continue
		}
		objs = append(objs, para("• "+readingDescribe(doc, it)+" — "+readingStateWords(it, now)))
		var btns []fyne.CanvasObject
		if (it.State == cabinet.Refused || it.Changeable) && fixable(it.Meter) {
			btns = append(btns, q.kit.button(lang.L("Исправить"), func() { q.OnFix(it) }))
		}
		switch {
		case it.State == cabinet.Refused:
			var b *widget.Button
			b = q.kit.button(lang.L("Удалить"), func() { q.OnDiscard(it, b) })
			btns = append(btns, b)
		case it.Changeable:
			var b *widget.Button
			b = q.kit.button(lang.L("Отменить отправку"), func() { q.OnWithdraw(it, b) })
			btns = append(btns, b)
		}
		if len(btns) > 0 {
			objs = append(objs, readingButtons(btns...))
		}
	}
	shown := 0
	for i := len(sent) - 1; i >= 0 && shown < 5; i-- {
		it := sent[i]
		if it.Kind != cabinet.KindReading || it.Account != account {
			continue
		}
		objs = append(objs, para("• "+readingDescribe(doc, it)+" — "+readingStateWords(it, now)))
		if r, ok := cabinet.ReceiptOf(it); ok && q.kit.receiptRow != nil {
			objs = append(objs, q.kit.receiptRow(r))
		}
		shown++
	}
	if len(objs) == 0 {
		objs = append(objs, para(lang.L("Показаний, переданных с этого компьютера, пока нет.")))
	}
	q.box.Objects = objs
	q.box.Refresh()
}

// readingDescribe names a queued reading: «Счётчик № 35087264: 18 500,0»
// or «Счётчик № 012457896: День 12 345,0, Ночь 6 789,0».
func readingDescribe(doc *domain.AccountDocument, it cabinet.Item) string {
	var meter *domain.Meter
	if doc != nil {
		for i := range doc.Meters {
			if doc.Meters[i].ID == it.Meter {
				meter = &doc.Meters[i]
			}
		}
	}
	if meter == nil {
		return describeItem(it)
	}
	var parts []string
	for _, z := range meter.Zones {
		text, ok := it.Values[z.Code]
		if !ok {
			continue
		}
		if v, err := domain.ParseReading(text, meter.Digits, meter.FractionDigits); err == nil {
			text = v.Format(meter.FractionDigits)
		}
		if len(meter.Zones) > 1 {
			text = readingZoneName(z.Code, len(meter.Zones)) + " " + text
		}
		parts = append(parts, text)
	}
	return lang.L("Счётчик № {{.Serial}}: {{.Values}}", map[string]any{"Serial": meter.Serial, "Values": strings.Join(parts, ", ")})
}

// readingStateWords says where an item is: «ждёт отправки», «не принято:
// …», «принято порталом 27.11.2026 в 14:05, квитанция № 00412» (or
// «отправлено 27.11 в 14:05» when the answer held no receipt).
func readingStateWords(it cabinet.Item, now time.Time) string {
	switch it.State {
	case cabinet.Delivered:
		if r, ok := cabinet.ReceiptOf(it); ok {
			t := it.Answer.AcceptedAt.In(domain.Moscow)
			return lang.L("принято порталом {{.Date}} в {{.Time}}, квитанция № {{.Number}}",
				map[string]any{"Date": t.Format("02.01.2006"), "Time": t.Format("15:04"), "Number": r.Number})
		}
		t := it.SentAt.In(domain.Moscow)
		return lang.L("отправлено {{.Date}} в {{.Time}}", map[string]any{"Date": t.Format("02.01"), "Time": t.Format("15:04")})
	case cabinet.Refused:
		return lang.L("не принято: {{.Reason}}", map[string]any{"Reason": problemText(it.Problem)})
	}
	if it.KeptForWindow(now) {
		return lang.L("будет отправлено {{.Date}}, когда откроется приём показаний", map[string]any{"Date": dateText(domain.DateOf(it.NextAttempt, domain.Moscow))})
	}
	return lang.L("ждёт отправки")
}
