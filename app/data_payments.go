package app

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"kabinet/internal/domain"
)

// paymentsScreen is «Зачисленные платежи»: what was paid in the last 12
// months and every payment, newest first, in a list that draws only the
// rows in view.
type paymentsScreen struct {
	svc      dataService
	account  string
	root     *fyne.Container
	payments []domain.Payment
	list     *widget.List
	summary  *fyne.Container
	sample   [2]string // the longest lines of the payments: the row template
}

func newPayments(d deps[dataService]) Screen { return &paymentsScreen{svc: d.svc, account: d.account} }

func (s *paymentsScreen) Content() fyne.CanvasObject {
	s.root = container.NewStack()
	s.build()
	return s.root
}

// Refresh shows new payments and keeps the list where it was scrolled to.
func (s *paymentsScreen) Refresh() {
	if s.root == nil {
		return
	}
	doc, _, ok := storedDocument(s.svc, s.account)
	if s.list == nil || !ok || doc.Account == nil || len(doc.Payments) == 0 {
		s.build()
		return
	}
	s.load(doc)
	s.list.Refresh()
}

func (s *paymentsScreen) load(doc *domain.AccountDocument) {
	s.payments = slices.Clone(doc.Payments)
	slices.SortStableFunc(s.payments, func(a, b domain.Payment) int { return b.PaidOn.Compare(a.PaidOn) })
	s.sample = [2]string{}
	for _, p := range s.payments {
		when, how := paymentRowParts(p)
		s.sample = [2]string{dataLonger(s.sample[0], when), dataLonger(s.sample[1], how)}
	}
	s.summary.Objects = paymentsSummary(s.payments, dataToday())
	s.summary.Refresh()
}

func (s *paymentsScreen) build() {
	s.list = nil
	title := lang.L("Зачисленные платежи")
	doc, _, ok := storedDocument(s.svc, s.account)
	switch {
	case !ok || doc.Account == nil:
		s.root.Objects = []fyne.CanvasObject{page(title, noData())}
	case len(doc.Payments) == 0:
		s.root.Objects = []fyne.CanvasObject{page(title, para(accountTitle(s.account, doc)), para(lang.L("Платежей пока нет.")))}
	default:
		s.summary = container.NewVBox()
		s.load(doc)
		// Two lines a row, so that rows fit at twice the text size; the
		// template holds the longest lines of the payments.
		s.list = widget.NewList(
			func() int { return len(s.payments) },
			func() fyne.CanvasObject { return dataTwoLines(s.sample[0], s.sample[1]) },
			func(id widget.ListItemID, o fyne.CanvasObject) {
				if id >= 0 && id < len(s.payments) {
					when, how := paymentRowParts(s.payments[id])
					objs := o.(*fyne.Container).Objects
					objs[0].(*widget.Label).SetText(when)
					objs[1].(*widget.Label).SetText(how)
				}
			})
		s.list.OnSelected = func(widget.ListItemID) { s.list.UnselectAll() }
		top := container.NewVBox(heading(title), para(accountTitle(s.account, doc)), s.summary, subheading(lang.L("Все платежи")))
		s.root.Objects = []fyne.CanvasObject{newVScroll(container.NewPadded(
			container.NewBorder(top, nil, nil, nil, dataListRows(s.list, 8))))}
	}
	s.root.Refresh()
}

// paymentsSummary says what was paid in the last 12 months, and what is
// still being processed.
func paymentsSummary(payments []domain.Payment, today domain.Date) []fyne.CanvasObject {
	since := today.AddYears(-1)
	var credited, pending domain.Kopecks
	for _, p := range payments {
		if !p.PaidOn.After(since) {
			continue
		}
		if p.Status == domain.PaymentPending {
			pending += p.Amount
		} else {
			credited += p.Amount
		}
	}
	out := []fyne.CanvasObject{bold(lang.L("За последние 12 месяцев зачислено: {{.Sum}}", map[string]any{"Sum": money(credited)}))}
	if pending != 0 {
		out = append(out, para(lang.L("Ещё в обработке: {{.Sum}}", map[string]any{"Sum": money(pending)})))
	}
	return out
}

// paymentRowParts are the two lines of a payment: «25.11.2026 —
// 1 234,56 ₽» and «Сбербанк Онлайн — зачислен».
func paymentRowParts(p domain.Payment) (when, how string) {
	status := lang.L("зачислен")
	if p.Status == domain.PaymentPending {
		status = lang.L("в обработке")
	}
	channel := p.Channel
	if channel == "" {
		channel = lang.L("способ оплаты не указан")
	}
	return dateText(p.PaidOn) + " — " + money(p.Amount), channel + " — " + status
}
