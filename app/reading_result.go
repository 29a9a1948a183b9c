package app

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"kabinet/internal/cabinet"
	"kabinet/internal/domain"
)

// readingResult is the last step: what became of the reading just saved,
// as the engine's events for its item tell it.
type readingResult struct {
	box  *fyne.Container
	text *widget.Label
	// detail is the portal's sentence under the receipt («Расход …»),
	// hidden unless a reading was accepted with a receipt.
	detail *widget.Label
	btns   *fyne.Container
	kit    readingKit

	OnFix     func(cabinet.Item) // «Исправить» a refused reading
	OnDiscard func(cabinet.Item) // «Удалить» a refused reading
	OnAgain   func()             // back to the form
}

func newReadingResult(kit readingKit) *readingResult {
	r := &readingResult{text: bold(""), detail: para(""), btns: container.NewVBox(), kit: kit}
	r.detail.Hide()
	r.box = container.NewVBox(r.text, r.detail, r.btns)
	return r
}

// Sending says the reading is saved and on its way.
func (r *readingResult) Sending() {
	r.set(lang.L("Показания сохранены. Отправляем их на портал…"))
}

// Kept says the reading waits for the reading window.
func (r *readingResult) Kept(at time.Time) {
	r.set(readingKeptText(at), r.kit.button(lang.L("Вернуться к вводу показаний"), r.OnAgain))
}

// Show says what the event tells of the reading; behind is the refused
// reading an ItemBlocked event names, when it is still there.
func (r *readingResult) Show(e cabinet.Event, behind *cabinet.Item) {
	again := r.kit.button(lang.L("Вернуться к вводу показаний"), r.OnAgain)
	switch e.Kind {
	case cabinet.ItemDelivered:
		r.delivered(*e.Item, again)
	case cabinet.ItemRefused:
		it := *e.Item
		r.set(lang.L("Портал не принял показания: {{.Reason}}", map[string]any{"Reason": problemText(it.Problem)}),
			r.kit.button(lang.L("Исправить"), func() { r.OnFix(it) }),
			r.kit.button(lang.L("Удалить"), func() { r.OnDiscard(it) }), again)
	case cabinet.ItemBlocked:
		if behind == nil {
			r.set(lang.L("Показания сохранены. Они ждут, пока вы исправите или удалите непринятые показания этого счётчика."), again)
			return
		}
		b := *behind
		r.set(lang.L("Показания сохранены, но ещё не отправлены: они ждут, пока вы исправите или удалите непринятые показания от {{.Date}}.",
			map[string]any{"Date": readingDay(b)}),
			r.kit.primary(lang.L("Открыть непринятые показания"), func() { r.OnFix(b) }), again)
	case cabinet.ItemKept:
		r.Kept(e.NextAttempt)
	case cabinet.ItemRetrying:
		r.set(lang.L("Нет связи. Показания сохранены и будут отправлены автоматически."), again)
	case cabinet.PausedForLogin:
		r.set(lang.L("Показания сохранены и будут отправлены, когда вы войдёте в личный кабинет заново."), again)
	}
}

// Focus puts the keyboard on the first thing to do next.
func (r *readingResult) Focus() {
	if len(r.btns.Objects) == 0 {
		return
	}
	if row, ok := r.btns.Objects[0].(*fyne.Container); ok && len(row.Objects) > 0 {
		if f, ok := row.Objects[0].(fyne.Focusable); ok {
			r.kit.focus(f)
		}
	}
}

// delivered says the portal accepted the reading. With the portal's
// receipt the first line, large, is the proof a person looks for —
// «Показания приняты 19.12.2026 в 10:32. Квитанция № 00412» — with the
// portal's sentence under it and the buttons that print the receipt.
func (r *readingResult) delivered(it cabinet.Item, again fyne.CanvasObject) {
	rc, ok := cabinet.ReceiptOf(it)
	if !ok {
		r.set(readingDeliveredText(it), again)
		return
	}
	btns := []fyne.CanvasObject{again}
	if r.kit.receipt != nil {
		btns = []fyne.CanvasObject{r.kit.receipt(rc), again}
	}
	r.set(readingReceiptText(it.Answer.AcceptedAt, rc.Number), btns...)
	r.text.SizeName = theme.SizeNameSubHeadingText
	r.text.Refresh()
	if d := readingAnswerDetail(it.Answer); d != "" {
		r.detail.SetText(d)
		r.detail.Show()
	}
	// The larger line and the shown detail change the heights: lay the
	// box out again, or its rows overlap.
	r.box.Refresh()
}

// readingReceiptText is «Показания приняты 19.12.2026 в 10:32. Квитанция
// № 00412», the time in Moscow as the portal and the printed receipt say.
func readingReceiptText(at time.Time, number string) string {
	t := at.In(domain.Moscow)
	return lang.L("Показания приняты {{.Date}} в {{.Time}}. Квитанция № {{.Number}}",
		map[string]any{"Date": t.Format("02.01.2006"), "Time": t.Format("15:04"), "Number": number})
}

func (r *readingResult) set(text string, btns ...fyne.CanvasObject) {
	r.text.SizeName = ""
	r.detail.Hide()
	r.text.SetText(text)
	r.btns.Objects = readingButtons(btns...).Objects
	r.btns.Refresh()
}

// readingKeptText says when a reading kept for the window goes.
func readingKeptText(at time.Time) string {
	return lang.L("Сейчас показания не принимаются. Показания сохранены и будут отправлены {{.Date}}, когда откроется приём.",
		map[string]any{"Date": domain.DateOf(at, domain.Moscow).DayMonth()})
}

// readingDeliveredText says the portal accepted the reading, and when: in
// Russian with the portal's own sentence, in English in our words.
func readingDeliveredText(it cabinet.Item) string {
	text := lang.L("Показания переданы.")
	a := it.Answer
	if a == nil {
		return text
	}
	if d := readingAnswerDetail(a); d != "" {
		text += " " + d
	}
	if !a.AcceptedAt.IsZero() {
		t := a.AcceptedAt.In(domain.Moscow)
		text += " " + lang.L("Портал принял их {{.Date}} в {{.Time}}.", map[string]any{"Date": t.Format("02.01"), "Time": t.Format("15:04")})
	}
	return text
}

// readingAnswerDetail is what the portal's answer says besides the
// acceptance: its own Russian sentence, or in English the month's
// consumption in our words; "" when it says nothing.
func readingAnswerDetail(a *cabinet.Answer) string {
	if a.Message != "" && russianUI() {
		return a.Message
	}
	if a.Reading != nil && a.Reading.Consumption != nil {
		var total domain.Decimal
		for _, v := range a.Reading.Consumption {
			total += v
		}
		return lang.L("Расход за месяц: {{.Energy}}.", map[string]any{"Energy": domain.FormatKWh(total, 1) + " " + lang.L("кВт·ч")})
	}
	return ""
}

// readingDay is the day a reading was taken, «05.12».
func readingDay(it cabinet.Item) string {
	if !it.TakenOn.IsZero() {
		return it.TakenOn.DayMonth()
	}
	return domain.DateOf(it.CreatedAt, domain.Moscow).DayMonth()
}

// readingButtons puts buttons in a row, each as wide as its words, and
// moves one to the next row when they do not fit: «Передать показания» and
// «Исправить» stay in view together at twice the text, nothing is cut.
func readingButtons(btns ...fyne.CanvasObject) *fyne.Container {
	return newWrap(btns...)
}
