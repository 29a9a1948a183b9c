package pdf

import (
	"errors"
	"fmt"
	"io"
	"slices"

	"kabinet/internal/domain"
)

// Receipt writes «Квитанция о приёме показаний» for reading r of doc's
// account: one A4 page that a person keeps as proof that the portal took
// the reading in time, should the bill later come out estimated. It names
// the supplier, the customer and the account, the meter and its values per
// zone, the period, the day the values were read, when the portal accepted
// them (Moscow time) and the receipt number, the largest thing on the
// page after the title. r comes separately from doc because a reading just
// sent is in the portal's answer before it is in the stored document.
func Receipt(w io.Writer, doc *domain.AccountDocument, r domain.Reading, opts Options) error {
	if doc == nil || doc.Account == nil {
		return errors.New("pdf: в документе нет лицевого счёта")
	}
	number := r.ReceiptNo()
	accepted := r.AcceptedAt()
	if number == "" || accepted.IsZero() {
		return errors.New("pdf: у показаний нет квитанции портала")
	}
	at := accepted.In(domain.Moscow)
	title := "Квитанция о приёме показаний"
	d := newDoc(opts, title, fmt.Sprintf("%s № %s, лицевой счёт %s", title, number, doc.Account.Number), "квитанция № "+number)
	supplier := supplierOf(doc)
	if supplier != "" {
		d.f.SetAuthor(supplier, true)
	}
	d.f.AddPage()

	// The head: the supplier, the title, and on the right the number.
	y := marginT
	rightW := 62.0
	if supplier != "" {
		d.font("B", 11, colAccent)
		d.text(marginL, y, contentW-rightW, supplier, "L")
	}
	d.font("", 10, colMuted)
	d.text(pageW-marginR-rightW, y, rightW, "Номер квитанции", "R")
	d.font("B", 24, colText)
	d.text(pageW-marginR-rightW, y+lineH(10), rightW, "№ "+number, "R")
	yt := y + lineH(11) + 2
	d.font("B", 20, colText)
	d.text(marginL, yt, contentW-rightW, "Квитанция", "L")
	yt += lineH(20)
	d.text(marginL, yt, contentW-rightW, "о приёме показаний", "L")
	y = yt + lineH(20) + 2
	d.color(colAccent)
	d.f.SetLineWidth(0.7)
	d.f.Line(marginL, y, pageW-marginR, y)
	y += 5

	// The customer and the account.
	y = d.heading(y, "Клиент и лицевой счёт")
	nameW := 48.0
	if c := doc.Customer; c != nil {
		y = d.field(marginL, y, contentW, nameW, "Номер клиента", c.Number, 12)
	}
	for _, l := range customerLines(doc) {
		y = d.field(marginL, y, contentW, nameW, l[0], l[1], 12)
	}
	y += 4

	// The meter and its values.
	y = d.heading(y, "Показания")
	meter := meterByID(doc, r.MeterID)
	if meter != nil {
		name := "№ " + meter.Serial
		if meter.Model != "" {
			name = meter.Model + ", " + name
		}
		y = d.field(marginL, y, contentW, nameW, "Счётчик", name, 12)
	}
	y = d.field(marginL, y, contentW, nameW, "Расчётный период", capital(r.Period.Russian()), 12)
	y = d.field(marginL, y, contentW, nameW, "Показания сняты", r.TakenOn.Russian(), 12)
	y += 2
	y = d.receiptValues(y, meter, r)
	y += 4

	// The acceptance.
	y = d.heading(y, "Приём порталом")
	when := at.Format("02.01.2006") + " в " + at.Format("15:04") + " (время московское)"
	y = d.field(marginL, y, contentW, nameW, "Приняты", when, 12)
	y = d.field(marginL, y, contentW, nameW, "Номер квитанции", number, 12)
	y += 5
	d.fill(colTotal)
	d.color(colRule)
	d.f.SetLineWidth(0.3)
	note := fmt.Sprintf("Показания приняты порталом %s в %s по московскому времени; номер квитанции %s подтверждает приём. Назовите его в контакт-центре, если в счёте окажутся другие показания.",
		at.Format("02.01.2006"), at.Format("15:04"), number)
	d.font("B", 12.5, colText)
	lines := d.wrap(note, contentW-8)
	h := float64(len(lines))*lineH(12.5) + 6
	d.f.Rect(marginL, y, contentW, h, "FD")
	d.para(marginL+4, y+3, contentW-8, note)
	return d.finish(w)
}

// receiptValues writes the table of the reading's zones — the zone and the
// value from the display — and returns the y below it.
func (d *doc) receiptValues(y float64, meter *domain.Meter, r domain.Reading) float64 {
	zones := make([]domain.Zone, 0, len(r.Values))
	fraction := 1
	if meter != nil {
		zones, fraction = meter.ZoneCodes(), meter.FractionDigits
	} else {
		for z := range r.Values {
			zones = append(zones, z)
		}
		slices.Sort(zones)
	}
	zoneW, valueW := 90.0, 60.0
	h := lineH(13) + 2
	d.fill(colHead)
	d.color(colLight)
	d.f.SetLineWidth(0.2)
	d.font("B", 11, colText)
	d.f.SetXY(marginL, y)
	d.f.CellFormat(zoneW, h, "Зона", "1", 0, "L", true, 0, "")
	d.f.CellFormat(valueW, h, "Показание, кВт·ч", "1", 0, "R", true, 0, "")
	y += h
	for _, z := range zones {
		v, ok := r.Values[z]
		if !ok {
			continue
		}
		d.font("", 13, colText)
		d.f.SetXY(marginL, y)
		d.f.CellFormat(zoneW, h, clean(zoneLabel(z, len(zones))), "1", 0, "L", false, 0, "")
		d.font("B", 13, colText)
		d.f.CellFormat(valueW, h, clean(v.Format(fraction)), "1", 0, "R", false, 0, "")
		y += h
	}
	return y
}

// supplierOf is the supplier's name as its bills give it; "" before the
// first bill.
func supplierOf(doc *domain.AccountDocument) string {
	for _, inv := range doc.Invoices {
		if inv.Payee.Name != "" {
			return inv.Payee.Name
		}
	}
	return ""
}

// meterByID finds the document's meter with the id.
func meterByID(doc *domain.AccountDocument, id string) *domain.Meter {
	for i := range doc.Meters {
		if doc.Meters[i].ID == id {
			return &doc.Meters[i]
		}
	}
	return nil
}
