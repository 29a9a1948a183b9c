package app

import (
	"cmp"
	"io"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"kabinet/internal/cabinet"
	"kabinet/internal/domain"
)

// invoicesService is what «Выставленные счета» asks of the personal
// account: the stored document, and a bill's PDF made from it.
type invoicesService interface {
	Document(account string) (cabinet.Document, bool, error)
	InvoicePDF(w io.Writer, account string, period domain.Period) error
}

// invoicesScreen is «Выставленные счета»: the bills by month, newest first,
// in a list that draws only the rows in view; a chosen bill opens as its
// own page (with «← К списку счетов»), which the wheel scrolls whole.
type invoicesScreen struct {
	frame   frame
	svc     invoicesService
	print   printer
	account string
	found   string // the ID of the bill «Поиск» opened, shown first
	root    *fyne.Container
	doc     *domain.AccountDocument
	// invoices are the document's, newest period first.
	invoices []domain.Invoice
	paid     map[domain.Period]domain.InvoicePaid
	list     *widget.List
	listPage fyne.CanvasObject
	chosen   domain.Period // the bill open, zero when the list is shown
	quiet    bool          // selecting in code, not by the person
	opened   bool          // the first bill was shown once
	// sample is the longest month, sum and paid mark of the bills: the
	// row template.
	sample [3]string
}

func newInvoices(d deps[invoicesService], p printer) Screen {
	return &invoicesScreen{frame: d.frame, svc: d.svc, print: p, account: d.account, found: d.found}
}

func (s *invoicesScreen) Content() fyne.CanvasObject {
	s.root = container.NewStack()
	s.build()
	return s.root
}

// Refresh shows new data and keeps the bill the person is reading.
func (s *invoicesScreen) Refresh() {
	if s.root == nil {
		return
	}
	if s.list == nil {
		s.build()
		return
	}
	doc, _, ok := storedDocument(s.svc, s.account)
	if !ok || doc.Account == nil || len(doc.Invoices) == 0 {
		s.build()
		return
	}
	s.load(doc)
	s.list.Refresh()
	if i := s.indexOf(s.chosen); i >= 0 {
		s.showBill(i)
	} else {
		s.showList()
	}
}

func (s *invoicesScreen) load(doc *domain.AccountDocument) {
	s.doc = doc
	s.invoices = slices.Clone(doc.Invoices)
	slices.SortStableFunc(s.invoices, func(a, b domain.Invoice) int {
		if c := cmp.Compare(b.Period.Year, a.Period.Year); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Period.Month, a.Period.Month); c != 0 {
			return c
		}
		return b.IssuedOn.Compare(a.IssuedOn)
	})
	s.paid = doc.InvoicesPaid()
	s.sample = [3]string{}
	for _, inv := range s.invoices {
		month, sum := invoiceRowParts(inv)
		s.sample = [3]string{dataLonger(s.sample[0], month), dataLonger(s.sample[1], sum), dataLonger(s.sample[2], paidText(s.paid[inv.Period]))}
	}
}

func (s *invoicesScreen) indexOf(p domain.Period) int {
	if p == (domain.Period{}) {
		return -1
	}
	for i, inv := range s.invoices {
		if inv.Period == p {
			return i
		}
	}
	return -1
}

func (s *invoicesScreen) build() {
	s.list = nil
	title := lang.L("Выставленные счета")
	doc, _, ok := storedDocument(s.svc, s.account)
	switch {
	case !ok || doc.Account == nil:
		s.root.Objects = []fyne.CanvasObject{page(title, noData())}
	case len(doc.Invoices) == 0:
		s.root.Objects = []fyne.CanvasObject{page(title, para(accountTitle(s.account, doc)), para(lang.L("Счетов пока нет.")))}
	default:
		s.load(doc)
		// Rows are three lines so that they fit at twice the text size; the
		// template holds the longest texts of the bills, which fixes the
		// height and width of every row.
		s.list = widget.NewList(
			func() int { return len(s.invoices) },
			func() fyne.CanvasObject {
				return container.New(layout.NewCustomPaddedVBoxLayout(0), bold(s.sample[0]), widget.NewLabel(s.sample[1]), widget.NewLabel(s.sample[2]))
			},
			func(id widget.ListItemID, o fyne.CanvasObject) {
				if id >= 0 && id < len(s.invoices) {
					inv := s.invoices[id]
					month, sum := invoiceRowParts(inv)
					objs := o.(*fyne.Container).Objects
					objs[0].(*widget.Label).SetText(month)
					objs[1].(*widget.Label).SetText(sum)
					mark := objs[2].(*widget.Label)
					mark.SetText(paidText(s.paid[inv.Period]))
					mark.Importance = paidImportance(s.paid[inv.Period])
					mark.Refresh()
				}
			})
		s.list.OnSelected = func(id widget.ListItemID) {
			if !s.quiet {
				s.frame.touch()
				s.showBill(id)
			}
		}
		s.listPage = container.NewBorder(container.NewPadded(container.NewVBox(heading(title), para(accountTitle(s.account, doc)),
			para(lang.L("Выберите месяц — счёт за него откроется целиком.")))), nil, nil, nil, s.list)
		s.root.Objects = []fyne.CanvasObject{s.listPage}
		// The screen opens with the bill «Поиск» found, else the newest,
		// the one a person looks for; «← К списку счетов» shows the others.
		if !s.opened {
			s.opened = true
			s.chosen = s.first()
		}
		if i := s.indexOf(s.chosen); i >= 0 {
			s.showBill(i)
		}
	}
	s.root.Refresh()
}

// first is the period of the bill the screen opens with: the one «Поиск»
// found, else the newest.
func (s *invoicesScreen) first() domain.Period {
	for _, inv := range s.invoices {
		if s.found != "" && inv.ID == s.found {
			return inv.Period
		}
	}
	return s.invoices[0].Period
}

// showList goes back from a bill to the list.
func (s *invoicesScreen) showList() {
	s.chosen = domain.Period{}
	s.quiet = true
	s.list.UnselectAll()
	s.quiet = false
	s.root.Objects = []fyne.CanvasObject{s.listPage}
	s.root.Refresh()
}

// showBill opens bill id of the list as its own page.
func (s *invoicesScreen) showBill(id int) {
	if id < 0 || id >= len(s.invoices) {
		s.showList()
		return
	}
	inv := s.invoices[id]
	s.chosen = inv.Period
	svc, account, period := s.svc, s.account, inv.Period
	back := s.frame.button("← "+lang.L("К списку счетов"), s.showList)
	buttons := s.print.printButtons(func() string { return "Счёт-" + account + "-" + period.String() + ".pdf" },
		func(w io.Writer) error { return svc.InvoicePDF(w, account, period) })
	detail := invoiceDetail(s.doc, &inv, s.paid[inv.Period])
	// The bill's top holds what matters: the sum or that it is paid, then
	// «Печать / PDF»; the page scrolls whole with the wheel.
	section := subheading(lang.L("Выставленные счета"))
	section.Wrapping = fyne.TextWrapOff
	objs := append([]fyne.CanvasObject{newWrap(back, section)}, detail[:2]...)
	if inv.TotalDue > 0 && s.paid[inv.Period].State != domain.Paid {
		// An unpaid bill offers to pay what is due now.
		objs = append(objs, container.NewHBox(s.frame.primary(lang.L("Оплатить"), func() {
			s.frame.goTo(place{screen: "pay", account: account})
		})))
	}
	objs = append(append(objs, buttons), detail[2:]...)
	page := newVScroll(container.NewPadded(container.NewVBox(objs...)))
	s.root.Objects = []fyne.CanvasObject{page}
	s.root.Refresh()
}

// paidText is a bill's mark: «Оплачен 09.11.2026», «Оплачен частично,
// осталось 500,00 ₽», «Не оплачен».
func paidText(p domain.InvoicePaid) string {
	switch p.State {
	case domain.Paid:
		if p.PaidOn.IsZero() {
			return lang.L("Оплачен")
		}
		return lang.L("Оплачен {{.Date}}", map[string]any{"Date": dateText(p.PaidOn)})
	case domain.PartlyPaid:
		return lang.L("Оплачен частично, осталось {{.Sum}}", map[string]any{"Sum": money(p.Remaining)})
	}
	return lang.L("Не оплачен")
}

// paidImportance colours the mark (it starts with its words, so it does not
// rely on the colour).
func paidImportance(p domain.InvoicePaid) widget.Importance {
	switch p.State {
	case domain.Paid:
		return widget.SuccessImportance
	case domain.PartlyPaid:
		return widget.WarningImportance
	}
	return widget.MediumImportance
}

// invoiceRowParts are the two lines of a bill in the list: «Ноябрь 2026»
// and «к оплате 1 234,56 ₽ до 10.12.2026».
func invoiceRowParts(inv domain.Invoice) (month, sum string) {
	month = dataCapital(dataPeriod(inv.Period))
	switch {
	case inv.TotalDue > 0 && !inv.DueOn.IsZero():
		sum = lang.L("к оплате {{.Sum}} до {{.Date}}", map[string]any{"Sum": money(inv.TotalDue), "Date": dateText(inv.DueOn)})
	case inv.TotalDue < 0:
		sum = lang.L("переплата {{.Sum}}", map[string]any{"Sum": money(-inv.TotalDue)})
	default:
		sum = lang.L("к оплате {{.Sum}}", map[string]any{"Sum": money(max(inv.TotalDue, 0))})
	}
	return month, sum
}

// invoiceRow is a bill's line as one sentence: «Ноябрь 2026 — к оплате
// 1 234,56 ₽ до 10.12.2026».
func invoiceRow(inv domain.Invoice) string {
	month, sum := invoiceRowParts(inv)
	return month + " — " + sum
}

// invoiceDue is what the bill asks to pay and by when: «Итого к оплате:
// 1 234,56 ₽ — оплатить до 10.12.2026».
func invoiceDue(inv *domain.Invoice) string {
	if inv.TotalDue > 0 && !inv.DueOn.IsZero() {
		return lang.L("Итого к оплате: {{.Sum}} — оплатить до {{.Date}}", map[string]any{"Sum": money(inv.TotalDue), "Date": dateText(inv.DueOn)})
	}
	return lang.L("Итого к оплате: {{.Sum}}", map[string]any{"Sum": money(max(inv.TotalDue, 0))})
}

// invoiceStanding is what the bill asks for now: its sum and date, what is
// left of it, or that it is paid — a paid bill does not ask again.
func invoiceStanding(inv *domain.Invoice, paid domain.InvoicePaid) fyne.CanvasObject {
	mark := bold(paidText(paid))
	mark.Importance = paidImportance(paid)
	switch {
	case inv.TotalDue <= 0:
		return bold(invoiceDue(inv))
	case paid.State == domain.Paid:
		return mark
	case paid.State == domain.PartlyPaid:
		return container.NewVBox(mark, bold(invoiceDue(inv)))
	}
	return container.NewVBox(bold(invoiceDue(inv)), mark)
}

// invoiceTotal is the last line of the bill's working: «Итого к оплате»,
// or for a paid bill «Итого по счёту» (it asks for nothing any more).
func invoiceTotal(inv *domain.Invoice, paid domain.InvoicePaid) string {
	if paid.State == domain.Paid && inv.TotalDue > 0 {
		return lang.L("Итого по счёту: {{.Sum}}", map[string]any{"Sum": money(inv.TotalDue)})
	}
	return invoiceDue(inv)
}

// invoiceDetail is the whole bill: what it is for, every charge, the
// recalculations, the sum and where to pay it.
func invoiceDetail(doc *domain.AccountDocument, inv *domain.Invoice, paid domain.InvoicePaid) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	title := lang.L("Счёт за {{.Period}}", map[string]any{"Period": dataPeriod(inv.Period)})
	if inv.Number != "" {
		title = lang.L("Счёт № {{.Number}} за {{.Period}}", map[string]any{"Number": inv.Number, "Period": dataPeriod(inv.Period)})
	}
	out = append(out, subheading(title))
	out = append(out, invoiceStanding(inv, paid))
	if !inv.IssuedOn.IsZero() {
		out = append(out, dataField(lang.L("Выставлен"), dateText(inv.IssuedOn)))
	}
	if c := doc.Customer; c != nil {
		out = append(out, dataField(lang.L("Плательщик"), c.FullName))
	}
	if a := doc.Account; a != nil {
		out = append(out, dataField(lang.L("Лицевой счёт"), a.Number))
		out = append(out, dataField(lang.L("Адрес"), a.Address))
		if a.Area > 0 {
			out = append(out, dataField(lang.L("Площадь помещения"), lang.L("{{.Area}} м²", map[string]any{"Area": a.Area.Format(2)})))
		}
		if a.Residents > 0 {
			out = append(out, dataField(lang.L("Количество проживающих"), dataInt(int64(a.Residents))))
		}
	}

	out = append(out, subheading(lang.L("Начисления")))
	if len(inv.Lines) == 0 {
		out = append(out, para(lang.L("Начислений за этот месяц нет.")))
	}
	if len(inv.Lines) > 0 {
		out = append(out, invoiceLines(doc, inv))
	}

	if len(inv.Recalculations) > 0 {
		out = append(out, subheading(lang.L("Перерасчёты")))
		for _, r := range inv.Recalculations {
			out = append(out, para("• "+r.Reason+": "+money(r.Amount)))
		}
	}

	out = append(out, subheading(lang.L("Расчёт суммы")))
	switch {
	case inv.BroughtForward > 0:
		out = append(out, dataField(lang.L("Долг на начало периода"), money(inv.BroughtForward)))
	case inv.BroughtForward < 0:
		out = append(out, dataField(lang.L("Переплата на начало периода"), money(-inv.BroughtForward)))
	default:
		out = append(out, para(lang.L("Долга на начало периода нет")))
	}
	out = append(out, dataField(lang.L("Начислено за период"), money(inv.Charged)))
	if inv.Penalties != 0 {
		out = append(out, dataField(lang.L("Пени"), money(inv.Penalties)))
	}
	out = append(out, dataField(lang.L("Оплачено в периоде"), money(inv.PaidInPeriod)))
	out = append(out, bold(invoiceTotal(inv, paid)))
	if inv.TotalDue < 0 {
		out = append(out, para(lang.L("Переплата {{.Sum}} будет учтена в следующем счёте.", map[string]any{"Sum": money(-inv.TotalDue)})))
	}

	p := inv.Payee
	if p.Name != "" {
		out = append(out, subheading(lang.L("Получатель платежа")))
		out = append(out, bold(p.Name))
		add := func(name, value string) {
			if value != "" {
				out = append(out, dataField(name, value))
			}
		}
		add(lang.L("ИНН"), p.INN)
		add(lang.L("КПП"), p.KPP)
		add(lang.L("Расчётный счёт"), p.Account)
		add(lang.L("Банк"), p.BankName)
		add(lang.L("БИК"), p.BIC)
		add(lang.L("Корреспондентский счёт"), p.CorrAccount)
		add(lang.L("Адрес"), p.Address)
		add(lang.L("Телефон"), p.Phones)
		add(lang.L("Сайт"), p.Site)
		add(lang.L("Электронная почта"), p.Email)
	}
	return out
}

// selectFirst opens the newest bill.
func (s *invoicesScreen) selectFirst() {
	if s.list != nil && len(s.invoices) > 0 {
		s.showBill(0)
	}
}

// The columns of a bill's charges.
const (
	lineService = iota
	lineMeter
	lineReadings
	lineVolume
	linePrice
	lineAmount
	lineCols
)

// invoiceLines is the bill's charges: a table with every column whole when
// the room allows, one card per charge at large text or in a narrow window.
func invoiceLines(doc *domain.AccountDocument, inv *domain.Invoice) fyne.CanvasObject {
	headers := []string{lang.L("Услуга"), lang.L("Счётчик"), lang.L("Показания"), lang.L("Объём,\nкВт·ч"), lang.L("Тариф,\nза кВт·ч"), lang.L("Сумма")}
	align := []fyne.TextAlign{fyne.TextAlignLeading, fyne.TextAlignLeading, fyne.TextAlignTrailing, fyne.TextAlignTrailing, fyne.TextAlignTrailing, fyne.TextAlignTrailing}
	var rows []fitRow
	for _, l := range inv.Lines {
		m := dataMeterBySerial(doc, l.MeterSerial)
		frac := 2
		zones := 1
		if m != nil {
			frac, zones = m.Fraction(), max(1, len(m.Zones))
		}
		// The service and its zone on two lines, so the columns fit.
		name := l.Service
		zone := l.ZoneName
		if l.Zone != "" {
			zone = dataZone(l.Zone, zones)
		}
		if zone != "" {
			name += " —\n" + dataWord(zone)
		}
		cells := make([]string, lineCols)
		cells[lineService] = name
		if l.MeterSerial != "" {
			cells[lineMeter] = "№ " + l.MeterSerial
			cells[lineReadings] = l.Previous.Format(frac) + " → " + l.Current.Format(frac)
		}
		cells[lineVolume] = l.Volume.Format(frac)
		cells[linePrice] = money(l.Price)
		cells[lineAmount] = money(l.Amount)
		rows = append(rows, fitRow{cells: cells})
	}
	return newFitTable(headers, align, rows, func(r fitRow) fyne.CanvasObject {
		c := r.cells
		box := container.NewVBox(bold(strings.ReplaceAll(c[lineService], "\n", " ")))
		if c[lineMeter] != "" {
			box.Add(para(lang.L("Счётчик {{.Meter}}: показания {{.Readings}}", map[string]any{"Meter": c[lineMeter], "Readings": c[lineReadings]})))
		}
		box.Add(para(lang.L("Объём {{.Volume}} × тариф {{.Price}} = {{.Amount}}", map[string]any{
			"Volume": c[lineVolume] + " " + lang.L("кВт·ч"), "Price": lang.L("{{.Price}} за кВт·ч", map[string]any{"Price": c[linePrice]}), "Amount": c[lineAmount]})))
		return widget.NewCard("", "", box)
	})
}
