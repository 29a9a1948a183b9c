package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"codeberg.org/go-pdf/fpdf"

	"kabinet/internal/domain"
	"kabinet/internal/gostqr"
)

// Invoice writes the bill invoiceID (an Invoice.ID of doc, or its Number)
// as a PDF: «Счёт за <месяц год>» on one A4 page for a household — the
// supplier and the payer, every charge with its readings and tariff, the
// recalculations, the debt or credit brought forward, penalties and
// payments, the sum to pay and by when, when and how to send readings, and
// the bank details with the payment QR code.
//
// A bill whose payee details cannot make a valid QR code is still printed,
// with its bank details and a note instead of the code.
func Invoice(w io.Writer, doc *domain.AccountDocument, invoiceID string, opts Options) error {
	if doc == nil || doc.Account == nil {
		return errors.New("pdf: в документе нет лицевого счёта")
	}
	inv := findInvoice(doc, invoiceID)
	if inv == nil {
		return fmt.Errorf("pdf: счёт %q не найден", invoiceID)
	}
	// The QR code takes as long to encode as the rest of the bill to lay
	// out (the encoder tries all eight masks): it is made meanwhile.
	qrc := make(chan qrImage, 1)
	go func() {
		var q qrImage
		payload, err := gostqr.Payload(invoiceSlip(doc, inv))
		if q.err = err; err == nil {
			q.png, q.modules, q.err = qrPNG(payload)
		}
		qrc <- q
	}()
	title := "Счёт за " + inv.Period.Russian()
	d := newDoc(opts, title, title+", лицевой счёт "+doc.Account.Number, "лицевой счёт "+doc.Account.Number)
	d.f.SetAuthor(inv.Payee.Name, true)
	d.f.AddPage()
	b := &bill{doc: d, acc: doc, inv: inv, opts: opts, qr: qrc}
	b.draw()
	return d.finish(w)
}

// findInvoice finds the bill with the ID, or else with the number.
func findInvoice(doc *domain.AccountDocument, id string) *domain.Invoice {
	if id == "" {
		return nil
	}
	for i := range doc.Invoices {
		if doc.Invoices[i].ID == id {
			return &doc.Invoices[i]
		}
	}
	for i := range doc.Invoices {
		if doc.Invoices[i].Number == id {
			return &doc.Invoices[i]
		}
	}
	return nil
}

// invoiceSlip is what the bill's QR code fills in: the sum is what paying
// the bill off takes now (domain's rule), so a paid bill printed again asks
// for no sum and a partly paid one for the rest.
func invoiceSlip(doc *domain.AccountDocument, inv *domain.Invoice) gostqr.Slip {
	return gostqr.Slip{Payee: inv.Payee, Account: doc.Account.Number, Period: inv.Period,
		Sum: doc.InvoiceDueNow(inv), Purpose: gostqr.Purpose(inv, doc.Account.Number)}
}

// qrImage is the payment QR code drawn, or why it could not be.
type qrImage struct {
	png     []byte
	modules int
	err     error
}

// bill lays out one invoice.
type bill struct {
	*doc
	acc  *domain.AccountDocument
	inv  *domain.Invoice
	opts Options
	qr   <-chan qrImage
}

func (b *bill) draw() {
	y := b.header(marginT)
	y = b.titleRow(y + 3)
	y = b.payerAndDue(y + 3)
	y = b.charges(y + 5)
	y = b.recalculations(y + 3)
	y = b.readingsAndSum(y + 5)
	b.payment(y + 6)
}

// space starts a new page when h mm do not fit below y and returns where to
// go on.
func (b *bill) space(y, h float64) float64 {
	if y+h <= contentBottom {
		return y
	}
	return b.newPage()
}

// newPage starts a page and returns where its content starts.
func (b *bill) newPage() float64 {
	b.f.AddPage()
	return marginT
}

// header is the supplier: name, address and contacts on the left, the
// account number on the right.
func (b *bill) header(y float64) float64 {
	p := b.inv.Payee
	rightW := 58.0
	leftW := contentW - rightW - 4
	b.font("B", 12.5, colAccent)
	yl := b.para(marginL, y, leftW, p.Name)
	b.font("", 8.5, colMuted)
	yl = b.para(marginL, yl+0.3, leftW, p.Address)
	if p.Phones != "" {
		yl = b.para(marginL, yl, leftW, "Телефон: "+p.Phones)
	}
	var web []string
	if p.Site != "" {
		web = append(web, "Сайт: "+p.Site)
	}
	if p.Email != "" {
		web = append(web, "e-mail: "+p.Email)
	}
	yl = b.para(marginL, yl, leftW, strings.Join(web, " · "))

	x := pageW - marginR - rightW
	label, number := "Лицевой счёт", b.acc.Account.Number
	if legal(b.acc) && b.acc.Account.ContractNumber != "" {
		label, number = "Договор", b.acc.Account.ContractNumber
	}
	b.font("", 9, colMuted)
	b.text(x, y, rightW, label, "R")
	b.font("B", 16, colText)
	b.text(x, y+lineH(9), rightW, number, "R")
	yr := y + lineH(9) + lineH(16)

	y = max(yl, yr) + 1.5
	b.color(colAccent)
	b.f.SetLineWidth(0.7)
	b.f.Line(marginL, y, pageW-marginR, y)
	return y + 0.7
}

// titleRow is «Счёт за октябрь 2026» with the bill's number and date.
func (b *bill) titleRow(y float64) float64 {
	b.font("B", 20, colText)
	b.text(marginL, y, contentW-60, "Счёт за "+b.inv.Period.Russian(), "L")
	b.font("", 9, colMuted)
	yr := y + 1
	if b.inv.Number != "" {
		b.text(pageW-marginR-60, yr, 60, "№ "+b.inv.Number, "R")
		yr += lineH(9)
	}
	if !b.inv.IssuedOn.IsZero() {
		b.text(pageW-marginR-60, yr, 60, "от "+b.inv.IssuedOn.Russian(), "R")
	}
	return y + lineH(20)
}

// payerAndDue is the payer's box and, beside it, the sum to pay and the due
// date, the largest figures on the page.
func (b *bill) payerAndDue(y float64) float64 {
	dueW := 66.0
	gap := 5.0
	payW := contentW - dueW - gap
	const nameW = 34.0
	lines := customerLines(b.acc)
	h := 3.0 + lineH(10)
	b.font("", 9.5, colText)
	for _, l := range lines {
		h += float64(max(1, len(b.wrap(l[1], payW-4-nameW)))) * lineH(9.5)
	}
	h = max(h+2, 36)

	// The payer.
	b.color(colLight)
	b.f.SetLineWidth(0.3)
	b.f.RoundedRect(marginL, y, payW, h, 1.5, "1234", "D")
	b.font("B", 10, colAccent)
	b.text(marginL+2, y+1.5, payW-4, "Плательщик и помещение", "L")
	yy := y + 1.5 + lineH(10)
	for _, l := range lines {
		yy = b.field(marginL+2, yy, payW-4, nameW, l[0], l[1], 9.5)
	}

	// The sum.
	x := marginL + payW + gap
	b.fill(colTotal)
	b.color(colAccent)
	b.f.SetLineWidth(0.6)
	b.f.RoundedRect(x, y, dueW, h, 1.5, "1234", "FD")
	inv := b.inv
	top := y + max(3, (h-lineH(10.5)-lineH(22)-0.5-lineH(12))/2)
	b.font("", 10.5, colText)
	b.text(x, top, dueW, "Итого к оплате", "C")
	b.font("B", 22, colText)
	b.text(x, top+lineH(10.5), dueW, rub(max(inv.TotalDue, 0)), "C")
	yy = top + lineH(10.5) + lineH(22) + 0.5
	// Whether the bill is paid, by the one rule of domain: a paid bill
	// does not ask for its sum again.
	paid := b.acc.InvoicesPaid()[inv.Period]
	switch {
	case inv.TotalDue > 0 && paid.State == domain.Paid && !paid.PaidOn.IsZero():
		b.font("B", 12, colText)
		b.text(x, yy, dueW, "Оплачен "+paid.PaidOn.Russian(), "C")
	case inv.TotalDue > 0 && paid.State == domain.Paid:
		b.font("B", 12, colText)
		b.text(x, yy, dueW, "Оплачен", "C")
	case inv.TotalDue > 0 && paid.State == domain.PartlyPaid:
		b.font("B", 9.5, colText)
		b.para(x+3, yy, dueW-6, "Оплачен частично, осталось "+rub(paid.Remaining))
	case inv.TotalDue > 0 && !inv.DueOn.IsZero():
		b.font("B", 12, colText)
		b.text(x, yy, dueW, "Оплатить до "+inv.DueOn.Russian(), "C")
	case inv.TotalDue < 0:
		b.font("", 9, colText)
		b.para(x+3, yy, dueW-6, "Переплата "+rub(-inv.TotalDue)+" будет учтена в следующем счёте.")
	default:
		b.font("", 9.5, colText)
		b.text(x, yy, dueW, "Долга нет", "C")
	}
	return y + h
}

// charges is the table of the month's charges.
func (b *bill) charges(y float64) float64 {
	inv := b.inv
	unit := ""
	sameUnit := true
	for i, l := range inv.Lines {
		if i == 0 {
			unit = l.Unit
		} else if l.Unit != unit {
			sameUnit = false
		}
	}
	tariff := "Тариф,\n₽ за ед."
	if sameUnit && unit != "" {
		tariff = "Тариф,\n₽/" + unit
	}
	t := newTable(b.doc, 9.5,
		column{"Услуга", 0, "L"},
		column{"Зона\nсуток", 0, "L"},
		column{"Номер\nсчётчика", 0, "L"},
		column{"Предыдущие\nпоказания", 0, "R"},
		column{"Текущие\nпоказания", 0, "R"},
		column{"Объём", 0, "R"},
		column{"Ед.\nизм.", 0, "C"},
		column{tariff, 0, "R"},
		column{"Сумма,\n₽", 0, "R"},
	)
	rows := make([][]string, 0, len(inv.Lines))
	var sum domain.Kopecks
	for _, l := range inv.Lines {
		m := meterBySerial(b.acc, l.MeterSerial)
		frac := m.Fraction()
		zones := 1
		if m != nil {
			zones = max(1, len(m.Zones))
		}
		zone := l.ZoneName
		if l.Zone != "" {
			zone = zoneLabel(l.Zone, zones)
		}
		prev, cur := "", ""
		if l.MeterSerial != "" {
			prev, cur = clean(l.Previous.Format(frac)), clean(l.Current.Format(frac))
		}
		rows = append(rows, []string{l.Service, zone, l.MeterSerial, prev, cur, clean(l.Volume.Format(frac)), l.Unit, money(l.Price), money(l.Amount)})
		sum += l.Amount
	}
	total := []string{"Итого по услугам", "", "", "", "", "", "", "", money(sum)}
	t.bold = [][]string{total}
	t.fit(contentW, 0, rows, 9, 8.5)
	y = b.space(y, lineH(11.5)+t.headerHeight()+3*lineH(t.size))
	y = b.heading(y, "Начисления за "+inv.Period.Russian())
	y = t.header(y)
	if len(rows) == 0 {
		return t.row(y, []string{"Начислений за этот месяц нет"}, rowSection)
	}
	for i, cells := range rows {
		kind := rowPlain
		if i%2 == 1 {
			kind = rowStripe
		}
		y = t.add(y, cells, kind, b.newPage)
	}
	if len(inv.Lines) > 1 {
		y = t.add(y, total, rowSection, b.newPage)
	}
	return y
}

// recalculations lists the corrections of earlier months, if any.
func (b *bill) recalculations(y float64) float64 {
	if len(b.inv.Recalculations) == 0 {
		return y - 3
	}
	t := newTable(b.doc, 9.5, column{"Причина перерасчёта", 0, "L"}, column{"Сумма, ₽", 0, "R"})
	var rows [][]string
	for _, r := range b.inv.Recalculations {
		rows = append(rows, []string{r.Reason, money(r.Amount)})
	}
	t.cols[0].w, t.cols[1].w = contentW-24, 24
	y = b.space(y+2, lineH(11.5)+t.headerHeight()+t.rowHeight(rows[0], rowPlain))
	y = b.heading(y, "Перерасчёты")
	y = t.header(y)
	var sum domain.Kopecks
	for _, r := range b.inv.Recalculations {
		cells := []string{r.Reason, money(r.Amount)}
		y = t.add(y, cells, rowPlain, b.newPage)
		sum += r.Amount
	}
	if len(b.inv.Recalculations) > 1 {
		y = t.add(y, []string{"Итого перерасчётов", money(sum)}, rowSection, b.newPage)
	}
	return y
}

// readingsAndSum puts the readings box (when to send readings and how) and
// the working of the sum side by side.
func (b *bill) readingsAndSum(y float64) float64 {
	gap := 6.0
	leftW := (contentW - gap) * 0.52
	rightW := contentW - gap - leftW
	body, bold := b.readingsBody()
	y = b.space(y, max(b.readingsHeight(body, leftW), b.sumHeight()))
	yl := b.readings(marginL, y, leftW, body, bold)
	yr := b.sum(marginL+leftW+gap, y, rightW)
	return max(yl, yr)
}

// readingsBody is what the readings box says: the window as of the
// printing day (the first line, bold when there is one), each meter's last
// reading and next verification, and the ways to send readings.
func (b *bill) readingsBody() (body []string, boldFirst bool) {
	today := domain.DateOf(b.now, domain.Moscow)
	var active []*domain.Meter
	for i := range b.acc.Meters {
		if b.acc.Meters[i].Active() {
			active = append(active, &b.acc.Meters[i])
		}
	}
	if len(active) > 0 {
		if s := windowText(active[0].Window, today); s != "" {
			body = append(body, s)
			boldFirst = true
		}
	}
	for _, m := range active {
		s := "Счётчик № " + m.Serial
		if m.Model != "" {
			s += " (" + m.Model + ")"
		}
		var last []string
		var on domain.Date
		for _, z := range m.Zones {
			v := clean(z.LastValue.Format(m.Fraction()))
			if len(m.Zones) > 1 {
				v = zoneLabel(z.Code, len(m.Zones)) + " " + v
			}
			last = append(last, v)
			if z.LastDate.After(on) {
				on = z.LastDate
			}
		}
		if len(last) > 0 {
			s += ": последнее показание " + strings.Join(last, ", ")
			if !on.IsZero() {
				s += " от " + on.Russian()
			}
		}
		next := m.NextVerification
		if next.IsZero() {
			next = m.NextVerificationDate()
		}
		switch {
		case next.IsZero():
		case next.Before(today):
			s += ". Срок поверки истёк " + next.Russian() + " — обратитесь в компанию"
		case today.DaysUntil(next) <= 183:
			s += ". Поверка до " + next.Russian() + " — срок подходит, обратитесь в компанию"
		default:
			s += ". Поверка до " + next.Russian()
		}
		body = append(body, s+".")
	}
	phone := b.opts.ContactPhone
	if phone == "" {
		phone = b.inv.Payee.Phones
	}
	how := "Передайте показания в личном кабинете"
	if phone != "" {
		how += " или по телефону контакт-центра " + phone
	}
	return append(body, how+"."), boldFirst
}

const readingsSize = 9.5

func (b *bill) readingsHeight(body []string, w float64) float64 {
	h := 2 + lineH(10.5) + 0.5 + 1.5
	for i, s := range body {
		style := ""
		if i == 0 {
			style = "B"
		}
		b.font(style, readingsSize, colText)
		h += float64(len(b.wrap(s, w-5)))*lineH(readingsSize) + 1
	}
	return h
}

// readings draws the readings box.
func (b *bill) readings(x, y, w float64, body []string, boldFirst bool) float64 {
	h := b.readingsHeight(body, w)
	b.color(colAccent)
	b.f.SetLineWidth(0.4)
	b.f.RoundedRect(x, y, w, h, 1.5, "1234", "D")
	b.font("B", 10.5, colAccent)
	b.text(x+2, y+2, w-4, "Показания счётчика", "L")
	yy := y + 2 + lineH(10.5) + 0.5
	for i, s := range body {
		style := ""
		if i == 0 && boldFirst {
			style = "B"
		}
		b.font(style, readingsSize, colText)
		yy = b.para(x+2, yy, w-5, s) + 1
	}
	return y + h
}

// windowText says when readings are taken, as of today: «Приём показаний
// открыт до 25 ноября 2026 (осталось 6 дн.)» or «Следующий приём
// показаний: с 18 по 25 декабря 2026». The state in the document may be
// older than the day of printing; a window that has passed moves on a
// month.
func windowText(ws domain.WindowState, today domain.Date) string {
	start, end := ws.Start, ws.End
	if start.IsZero() || end.IsZero() {
		return ""
	}
	for i := 0; i < 24 && end.Before(today); i++ {
		next := start.Period().AddMonths(1)
		start = domain.Date{Year: next.Year, Month: next.Month, Day: min(start.Day, next.Last().Day)}
		end = domain.Date{Year: next.Year, Month: next.Month, Day: min(ws.End.Day, next.Last().Day)}
	}
	if !today.Before(start) {
		left := today.DaysUntil(end) + 1
		return fmt.Sprintf("Приём показаний открыт до %d %s %d (осталось дней: %d).",
			end.Day, domain.MonthGenitive(end.Month), end.Year, left)
	}
	if start.Period() == end.Period() {
		return fmt.Sprintf("Показания принимаются с %d по %d %s %d.",
			start.Day, end.Day, domain.MonthGenitive(end.Month), end.Year)
	}
	return fmt.Sprintf("Показания принимаются с %s по %s.", start.Russian(), end.Russian())
}

// sumLines are the lines of the working of the sum.
func (b *bill) sumLines() [][2]string {
	inv := b.inv
	var lines [][2]string
	switch {
	case inv.BroughtForward < 0:
		lines = append(lines, [2]string{"Переплата на начало периода", rub(-inv.BroughtForward)})
	default:
		lines = append(lines, [2]string{"Долг на начало периода", rub(inv.BroughtForward)})
	}
	charged := "Начислено за период"
	if len(inv.Recalculations) > 0 {
		charged = "Начислено с перерасчётами"
	}
	lines = append(lines, [2]string{charged, rub(inv.Charged)})
	if inv.Penalties != 0 {
		lines = append(lines, [2]string{"Пени", rub(inv.Penalties)})
	}
	return append(lines, [2]string{"Оплачено в периоде", rub(inv.PaidInPeriod)})
}

const sumSize = 10

func (b *bill) sumHeight() float64 {
	h := 2 + lineH(10.5) + 0.5 + float64(len(b.sumLines()))*(lineH(sumSize)+0.4) + 1 + lineH(12) + 1.5
	if !b.inv.DueOn.IsZero() && b.inv.TotalDue > 0 {
		h += lineH(sumSize)
	}
	return h
}

// sum is the working of the sum: brought forward, charged, penalties, paid
// and the total with the due date.
func (b *bill) sum(x, y, w float64) float64 {
	inv := b.inv
	b.font("B", 10.5, colAccent)
	b.text(x, y+2, w, "Расчёт суммы к оплате", "L")
	yy := y + 2 + lineH(10.5) + 0.5
	valueW := 0.0
	b.font("B", 12, colText)
	valueW = b.f.GetStringWidth(rub(max(inv.TotalDue, 0))) + 3
	b.font("", sumSize, colText)
	for _, l := range b.sumLines() {
		valueW = max(valueW, b.f.GetStringWidth(l[1])+3)
	}
	for _, l := range b.sumLines() {
		b.font("", sumSize, colText)
		b.text(x, yy, w-valueW, l[0], "L")
		b.text(x+w-valueW, yy, valueW, l[1], "R")
		yy += lineH(sumSize)
		b.color(colLight)
		b.f.SetLineWidth(0.2)
		b.f.Line(x, yy, x+w, yy)
		yy += 0.4
	}
	yy += 1
	b.fill(colTotal)
	h := lineH(12) + 1.5
	if !inv.DueOn.IsZero() && inv.TotalDue > 0 {
		h += lineH(sumSize)
	}
	b.f.Rect(x, yy, w, h, "F")
	b.font("B", 12, colText)
	b.text(x, yy+0.8, w-valueW, "Итого к оплате", "L")
	b.text(x+w-valueW, yy+0.8, valueW, rub(max(inv.TotalDue, 0)), "R")
	if !inv.DueOn.IsZero() && inv.TotalDue > 0 {
		b.font("", sumSize, colText)
		b.text(x, yy+0.8+lineH(12), w-valueW, "Оплатить до", "L")
		b.font("B", sumSize, colText)
		b.text(x+w-valueW, yy+0.8+lineH(12), valueW, inv.DueOn.Russian(), "R")
	}
	return yy + h
}

// The payment slip: the QR code's side, the width of the names of the
// bank details and their type size.
const (
	qrW       = 38.0
	slipNameW = 36.0
	slipSize  = 9.5
)

// slipRows are the bank details of the payment slip.
func (b *bill) slipRows() [][2]string {
	p := b.inv.Payee
	innKpp := p.INN
	if p.KPP != "" {
		innKpp += " / " + p.KPP
	}
	return [][2]string{
		{"Получатель", p.Name},
		{"ИНН / КПП", innKpp},
		{"Расчётный счёт", p.Account},
		{"Банк", p.BankName},
		{"БИК", p.BIC},
		{"Корр. счёт", p.CorrAccount},
		{"Лицевой счёт", b.acc.Account.Number},
		{"Назначение", gostqr.Purpose(b.inv, b.acc.Account.Number)},
	}
}

// payment is the slip at the bottom, below a dashed line: the bank details
// and the QR code.
func (b *bill) payment(y float64) {
	inv := b.inv
	leftW := contentW - qrW - 12
	b.font("", slipSize, colText)
	h := 2.5 + lineH(11.5) + 0.5 + 0.5 + lineH(10.5)
	for _, r := range b.slipRows() {
		if r[1] != "" {
			h += float64(len(b.wrap(r[1], leftW-slipNameW))) * lineH(slipSize)
		}
	}
	h = max(h, 2.5+1+qrW+2*lineH(9)+lineH(7.5))
	y = b.space(y, h)

	// A dashed line to cut along.
	b.color(colRule)
	b.f.SetLineWidth(0.25)
	b.f.SetDashPattern([]float64{1.5, 1.2}, 0)
	b.f.Line(marginL, y, pageW-marginR, y)
	b.f.SetDashPattern(nil, 0)
	y += 2.5

	b.font("B", 11.5, colAccent)
	b.text(marginL, y, leftW, "Реквизиты для оплаты", "L")
	yy := y + lineH(11.5) + 0.5
	for _, r := range b.slipRows() {
		yy = b.field(marginL, yy, leftW, slipNameW, r[0], r[1], slipSize)
	}
	// The slip's sum is the QR code's: what paying the bill off takes now.
	due := b.acc.InvoiceDueNow(inv)
	var sum string
	switch {
	case due > 0:
		sum = rub(due)
	case inv.TotalDue > 0:
		sum = "счёт оплачен"
	default:
		sum = rub(0) + " (долга нет)"
	}
	b.field(marginL, yy+0.5, leftW, slipNameW, "Сумма", sum, 10.5)

	x := pageW - marginR - qrW
	capX, capW := x-6, qrW+6
	q := <-b.qr
	if q.err != nil {
		b.font("", 8.5, colMuted)
		b.para(capX, y+2, capW, q.err.Error()+". Оплатите по реквизитам слева.")
		return
	}
	name := fmt.Sprintf("qr-%d", q.modules)
	opt := fpdf.ImageOptions{ImageType: "PNG"}
	b.f.RegisterImageOptionsReader(name, opt, bytes.NewReader(q.png))
	b.f.ImageOptions(name, x, y+1, qrW, qrW, false, opt, 0, "")
	b.font("B", 9, colText)
	yq := y + 1 + qrW
	for _, line := range []string{"Отсканируйте", "в приложении банка"} {
		b.text(capX, yq, capW, line, "C")
		yq += lineH(9)
	}
	b.font("", 7.5, colMuted)
	hint := "реквизиты и сумма заполнятся сами"
	if due <= 0 {
		hint = "реквизиты заполнятся, сумму введите сами"
	}
	b.text(capX-3, yq, capW+6, hint, "C")
}
