package app

import (
	"cmp"
	"io"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"kabinet/internal/domain"
)

// invoicesScreen is «Выставленные счета»: the bills by month, newest first,
// in a list that draws only the rows in view; the chosen bill is shown in
// full below the list.
type invoicesScreen struct {
	u       *UI
	account string
	root    *fyne.Container
	doc     *domain.AccountDocument
	// invoices are the document's, newest period first.
	invoices []domain.Invoice
	list     *widget.List
	detail   *fyne.Container
	scroll   *container.Scroll
	chosen   domain.Period // the period shown below, zero if none
	quiet    bool          // selecting in code, not by the person
	// sample is the longest month and sum of the bills: the row template.
	sample [2]string
}

func newInvoices(u *UI) Screen { return &invoicesScreen{u: u} }

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
	if s.list == nil || s.account != s.u.account {
		s.build()
		return
	}
	doc, _, ok := s.u.currentDocument()
	if !ok || doc.Account == nil || len(doc.Invoices) == 0 {
		s.build()
		return
	}
	s.load(doc)
	s.list.Refresh()
	if i := s.indexOf(s.chosen); i >= 0 {
		s.selectRow(i)
	} else {
		s.chosen = domain.Period{}
		s.list.UnselectAll()
		s.showHint()
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
	s.sample = [2]string{}
	for _, inv := range s.invoices {
		month, sum := invoiceRowParts(inv)
		s.sample = [2]string{dataLonger(s.sample[0], month), dataLonger(s.sample[1], sum)}
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
	u := s.u
	s.account = u.account
	s.list = nil
	title := lang.L("Выставленные счета")
	doc, _, ok := u.currentDocument()
	switch {
	case !ok || doc.Account == nil:
		s.root.Objects = []fyne.CanvasObject{page(title, noData())}
	case len(doc.Invoices) == 0:
		s.root.Objects = []fyne.CanvasObject{page(title, para(u.accountTitle(doc)), para(lang.L("Счетов пока нет.")))}
	default:
		s.load(doc)
		// Rows are two lines so that they fit at twice the text size; the
		// template holds the longest month and sum of the bills, which
		// fixes the height and width of every row.
		s.list = widget.NewList(
			func() int { return len(s.invoices) },
			func() fyne.CanvasObject { return dataTwoLines(s.sample[0], s.sample[1]) },
			func(id widget.ListItemID, o fyne.CanvasObject) {
				if id >= 0 && id < len(s.invoices) {
					month, sum := invoiceRowParts(s.invoices[id])
					objs := o.(*fyne.Container).Objects
					objs[0].(*widget.Label).SetText(month)
					objs[1].(*widget.Label).SetText(sum)
				}
			})
		s.list.OnSelected = func(id widget.ListItemID) {
			if !s.quiet {
				u.touch()
				s.showDetail(id)
			}
		}
		s.detail = container.NewVBox()
		s.scroll = container.NewVScroll(container.NewPadded(container.NewVBox(heading(title), para(u.accountTitle(doc)),
			para(lang.L("Выберите месяц в списке — счёт за него будет показан ниже.")),
			dataListRows(s.list, 6), widget.NewSeparator(), s.detail)))
		s.root.Objects = []fyne.CanvasObject{s.scroll}
		s.selectRow(max(0, s.indexOf(s.chosen)))
	}
	s.root.Refresh()
}

// selectRow marks row i and shows its bill; it is not the person's action,
// so it does not count as activity on a public computer.
func (s *invoicesScreen) selectRow(i int) {
	s.quiet = true
	s.list.Select(i)
	s.quiet = false
	s.showDetail(i)
}

func (s *invoicesScreen) showHint() {
	s.detail.Objects = []fyne.CanvasObject{para(lang.L("Выберите месяц в списке выше, чтобы увидеть счёт полностью."))}
	s.detail.Refresh()
}

// showDetail shows bill id of the list in full.
func (s *invoicesScreen) showDetail(id int) {
	if id < 0 || id >= len(s.invoices) {
		s.showHint()
		return
	}
	inv := s.invoices[id]
	s.chosen = inv.Period
	account, period := s.u.account, inv.Period
	buttons := s.u.printButtons(func() string { return "Счёт-" + account + "-" + period.String() + ".pdf" },
		func(w io.Writer) error { return s.u.svc.InvoicePDF(w, account, period) })
	s.detail.Objects = append([]fyne.CanvasObject{buttons}, invoiceDetail(s.doc, &inv)...)
	s.detail.Refresh()
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

// invoiceDetail is the whole bill: what it is for, every charge, the
// recalculations, the sum and where to pay it.
func invoiceDetail(doc *domain.AccountDocument, inv *domain.Invoice) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	title := lang.L("Счёт за {{.Period}}", map[string]any{"Period": dataPeriod(inv.Period)})
	if inv.Number != "" {
		title = lang.L("Счёт № {{.Number}} за {{.Period}}", map[string]any{"Number": inv.Number, "Period": dataPeriod(inv.Period)})
	}
	out = append(out, subheading(title))
	out = append(out, bold(invoiceDue(inv)))
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
	for _, l := range inv.Lines {
		m := dataMeterBySerial(doc, l.MeterSerial)
		frac := 2
		zones := 1
		if m != nil {
			frac, zones = m.Fraction(), max(1, len(m.Zones))
		}
		name := l.Service
		zone := l.ZoneName
		if l.Zone != "" {
			zone = dataZone(l.Zone, zones)
		}
		if zone != "" {
			name += " — " + dataWord(zone)
		}
		out = append(out, bold(name))
		if l.MeterSerial != "" {
			out = append(out, para(lang.L("Счётчик № {{.Serial}}: показания {{.Previous}} → {{.Current}}", map[string]any{
				"Serial": l.MeterSerial, "Previous": l.Previous.Format(frac), "Current": l.Current.Format(frac)})))
		}
		out = append(out, para(lang.L("Объём {{.Volume}} × тариф {{.Price}} = {{.Amount}}", map[string]any{
			"Volume": kwh(l.Volume, frac), "Price": dataPrice(l.Price), "Amount": money(l.Amount)})))
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
	out = append(out, bold(invoiceDue(inv)))
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

// selectFirst shows the newest bill (as the screen opens with).
func (s *invoicesScreen) selectFirst() {
	if s.list != nil && len(s.invoices) > 0 {
		s.selectRow(0)
	}
}
