package pdf

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"kabinet/internal/domain"
)

// Statement writes «Ведомость энергопотребления» of doc's account for the
// months from–to (a zero from or to means the first or last month with
// readings): the customer and account; a bar chart of the monthly
// consumption; the totals per year; and for every meter and zone a table of
// the months — the readings at the start and the end, who took the reading,
// the volume, and the tariff and charge of that month's bill — with totals
// per year and for the whole range. Pages are numbered «Страница N из M»
// and a table going on to a new page repeats its header row.
func Statement(w io.Writer, doc *domain.AccountDocument, from, to domain.Period, opts Options) error {
	if doc == nil || doc.Account == nil {
		return errors.New("pdf: в документе нет лицевого счёта")
	}
	readings := doc.AcceptedReadings()
	if from == (domain.Period{}) || to == (domain.Period{}) {
		first, last := domain.Period{}, domain.Period{}
		for _, r := range readings {
			if first == (domain.Period{}) || r.Period.Before(first) {
				first = r.Period
			}
			if last.Before(r.Period) {
				last = r.Period
			}
		}
		if first == (domain.Period{}) {
			first = domain.DateOf(opts.now(), domain.Moscow).Period()
			last = first
		}
		if from == (domain.Period{}) {
			from = first
		}
		if to == (domain.Period{}) {
			to = last
		}
	}
	if to.Before(from) {
		return fmt.Errorf("pdf: начало периода ведомости (%s) позже конца (%s)", from.Russian(), to.Russian())
	}
	st := statementOf(doc, from, to)

	title := "Ведомость энергопотребления"
	span := "за " + from.Russian()
	if from != to {
		span = "за период с " + periodGenitive(from) + " по " + to.Russian()
	}
	d := newDoc(opts, title, title+" "+span+", лицевой счёт "+doc.Account.Number, "лицевой счёт "+doc.Account.Number)
	for _, inv := range doc.Invoices {
		if inv.Payee.Name != "" {
			d.f.SetAuthor(inv.Payee.Name, true)
			break
		}
	}
	s := &sheet{doc: d, acc: doc, st: st, span: span}
	s.draw()
	return d.finish(w)
}

// stmtBar is a month of the chart: the volume per zone and whether any of
// it was estimated.
type stmtBar struct {
	period    domain.Period
	volumes   []domain.Decimal // by zone index
	estimated bool
	has       bool
}

// stmt is the statement with its chart.
type stmt struct {
	domain.Statement
	bars []stmtBar
}

// statementOf is the account's statement (the same the window shows) and a
// bar for every month from the first with readings to the last.
func statementOf(doc *domain.AccountDocument, from, to domain.Period) stmt {
	st := stmt{Statement: doc.Statement(from, to)}
	bars := map[domain.Period]*stmtBar{}
	for _, ser := range st.Series {
		for _, mo := range ser.Months {
			b := bars[mo.Period]
			if b == nil {
				b = &stmtBar{period: mo.Period, has: true}
				bars[mo.Period] = b
			}
			for len(b.volumes) <= ser.ZoneIndex {
				b.volumes = append(b.volumes, 0)
			}
			b.volumes[ser.ZoneIndex] += mo.Volume
			b.estimated = b.estimated || mo.Source == domain.SourceEstimated
		}
	}
	// The chart runs from the first month with readings to the last.
	first, last := domain.Period{}, domain.Period{}
	for p := range bars {
		if first == (domain.Period{}) || p.Before(first) {
			first = p
		}
		if last.Before(p) {
			last = p
		}
	}
	if first != (domain.Period{}) {
		for p := first; !last.Before(p); p = p.AddMonths(1) {
			if b := bars[p]; b != nil {
				st.bars = append(st.bars, *b)
			} else {
				st.bars = append(st.bars, stmtBar{period: p})
			}
		}
	}
	return st
}

// sheet lays out a statement.
type sheet struct {
	*doc
	acc  *domain.AccountDocument
	st   stmt
	span string
}

func (s *sheet) draw() {
	s.f.AddPage()
	y := s.header(marginT)
	if len(s.st.Series) == 0 {
		s.font("", 11, colText)
		s.para(marginL, y+6, contentW, "За выбранный период показаний нет.")
		return
	}
	y = s.chart(y + 4)
	y = s.yearTable(y + 5)
	s.details(y + 6)
}

// newPage starts a continuation page with a running header and returns
// where its content starts.
func (s *sheet) newPage() float64 {
	s.f.AddPage()
	a := s.acc.Account
	text := "Ведомость энергопотребления " + s.span + " · лицевой счёт " + a.Number
	s.font("", 8.5, colMuted)
	if c := s.acc.Customer; c != nil && c.FullName != "" && s.f.GetStringWidth(text+" · "+c.FullName) < contentW-2 {
		text += " · " + c.FullName
	}
	s.text(marginL, marginT, contentW, text, "L")
	y := marginT + lineH(8.5) + 0.5
	s.color(colLight)
	s.f.SetLineWidth(0.2)
	s.f.Line(marginL, y, pageW-marginR, y)
	return y + 3
}

// header is the first page's head: the supplier, the title and the range,
// the account number and the customer.
func (s *sheet) header(y float64) float64 {
	payee := ""
	for _, inv := range s.acc.Invoices {
		if inv.Payee.Name != "" {
			payee = inv.Payee.Name
			break
		}
	}
	rightW := 58.0
	if payee != "" {
		s.font("B", 11, colAccent)
		s.text(marginL, y, contentW-rightW, payee, "L")
	}
	label, number := "Лицевой счёт", s.acc.Account.Number
	if legal(s.acc) && s.acc.Account.ContractNumber != "" {
		label, number = "Договор", s.acc.Account.ContractNumber
	}
	s.font("", 9, colMuted)
	s.text(pageW-marginR-rightW, y, rightW, label, "R")
	s.font("B", 16, colText)
	s.text(pageW-marginR-rightW, y+lineH(9), rightW, number, "R")
	yt := y + lineH(11) + 2
	s.font("B", 20, colText)
	s.text(marginL, yt, contentW-rightW, "Ведомость энергопотребления", "L")
	yt += lineH(20)
	s.font("", 11, colText)
	s.text(marginL, yt, contentW-rightW, s.span, "L")
	y = max(yt+lineH(11), y+lineH(9)+lineH(16)) + 1.5
	s.color(colAccent)
	s.f.SetLineWidth(0.7)
	s.f.Line(marginL, y, pageW-marginR, y)
	y += 2.5

	// The customer.
	lines := customerLines(s.acc)
	for _, l := range lines {
		y = s.field(marginL, y, contentW, 34, l[0], l[1], 9.5)
	}
	return y
}

// shades are the zones' colours in the chart, the first zone's first.
var shades = []rgb{colAccent, {80, 140, 200}, {150, 190, 225}}

// total is the month's consumption over all zones.
func (b stmtBar) total() domain.Decimal {
	var sum domain.Decimal
	for _, v := range b.volumes {
		sum += v
	}
	return sum
}

// bar draws a month's bar, one segment a zone, mmPerKWh high, from bottom
// up, and returns the y of its top.
func (s *sheet) bar(b stmtBar, x, bottom, w, mmPerKWh float64) float64 {
	y := bottom
	for zi, v := range b.volumes {
		h := mmPerKWh * float64(v) / domain.DecimalScale
		if h <= 0 {
			continue
		}
		c := shades[min(zi, len(shades)-1)]
		if b.estimated {
			c = colBarAlt
			if zi > 0 {
				c = rgb{190, 198, 205}
			}
		}
		s.fill(c)
		s.f.Rect(x, y-h, w, h, "F")
		y -= h
	}
	return y
}

// chart draws the bar chart of monthly consumption and returns the y below
// it.
func (s *sheet) chart(y float64) float64 {
	st := s.st
	y = s.heading(y, "Расход электроэнергии по месяцам, кВт·ч")
	const (
		axisW  = 14.0
		plotH  = 46.0
		labelH = 9.0
	)
	x0 := marginL + axisW
	plotW := contentW - axisW
	top := y + 3
	bottom := top + plotH

	// The scale: a round step giving four to six gridlines.
	var peak float64
	for _, b := range st.bars {
		peak = max(peak, float64(b.total())/domain.DecimalScale)
	}
	n := len(st.bars)
	labels := n <= 13 // the volume above each bar
	if labels {
		peak *= 1.1
	}
	step := niceStep(peak / 5)
	ticks := int(math.Ceil(peak / step))
	ticks = max(ticks, 1)
	scaleMax := step * float64(ticks)

	s.font("", 7.5, colMuted)
	s.f.SetLineWidth(0.15)
	for i := 0; i <= ticks; i++ {
		yy := bottom - plotH*float64(i)/float64(ticks)
		s.color(colLight)
		s.f.Line(x0, yy, x0+plotW, yy)
		label := clean(domain.DecimalFromInt(int64(math.Round(step * float64(i)))).Format(0))
		s.text(marginL, yy-lineH(7.5)/2, axisW-1.5, label, "R")
	}

	slot := plotW / float64(max(n, 1))
	barW := slot * 0.7
	for i, b := range st.bars {
		x := x0 + slot*float64(i) + (slot-barW)/2
		top := s.bar(b, x, bottom, barW, plotH/scaleMax)
		if labels && b.has {
			s.font("", 7, colText)
			s.text(x-3, top-lineH(7)-0.3, barW+6, clean(b.total().Format(0)), "C")
		}
	}
	s.color(colRule)
	s.f.SetLineWidth(0.3)
	s.f.Line(x0, bottom, x0+plotW, bottom)

	// The months under the bars: each one when there are few, otherwise
	// the years with a mark where each begins.
	short := [...]string{"", "янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"}
	s.font("", 7, colMuted)
	if n <= 24 {
		for i, b := range st.bars {
			x := x0 + slot*float64(i)
			s.text(x-1, bottom+0.5, slot+2, short[b.period.Month], "C")
			if b.period.Month == 1 || i == 0 {
				s.font("B", 7, colText)
				s.text(x-4, bottom+0.5+lineH(7), slot+8, strconv.Itoa(b.period.Year), "C")
				s.font("", 7, colMuted)
			}
		}
	} else {
		for i := 0; i < n; {
			year := st.bars[i].period.Year
			j := i
			for j < n && st.bars[j].period.Year == year {
				j++
			}
			xa, xb := x0+slot*float64(i), x0+slot*float64(j)
			s.color(colRule)
			s.f.SetLineWidth(0.2)
			s.f.Line(xa, bottom, xa, bottom+3)
			if xb-xa >= 7 {
				s.font("B", 7.5, colText)
				s.text(xa, bottom+1, xb-xa, strconv.Itoa(year), "C")
			}
			i = j
		}
		s.f.Line(x0+plotW, bottom, x0+plotW, bottom+3)
	}

	// The legend.
	ly := bottom + labelH
	lx := x0
	item := func(c rgb, text string) {
		s.fill(c)
		s.f.Rect(lx, ly+1, 3.5, 2.5, "F")
		s.font("", 8, colText)
		w := s.f.GetStringWidth(text) + 3
		s.text(lx+4, ly, w, text, "L")
		lx += 4 + w + 4
	}
	shown := false
	if st.Zones > 1 {
		for zi, z := range domain.ZonesFor(st.Zones) {
			item(shades[min(zi, len(shades)-1)], zoneLabel(z, st.Zones))
		}
		shown = true
	}
	for _, b := range st.bars {
		if b.estimated {
			item(colBarAlt, "расчётный объём (показания не поступили)")
			shown = true
			break
		}
	}
	if shown {
		return ly + lineH(8)
	}
	return ly
}

// niceStep rounds a step up to 1, 2, 2.5 or 5 times a power of ten.
func niceStep(raw float64) float64 {
	if raw <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if raw <= m*p {
			return max(1, m*p)
		}
	}
	return 10 * p
}

// yearTable is the totals per year and for the whole range, with the
// average month.
func (s *sheet) yearTable(y float64) float64 {
	st := s.st
	t := newTable(s.doc, 9.5,
		column{"Год", 0, "L"},
		column{"Месяцев\nс показаниями", 0, "R"},
		column{"Расход,\nкВт·ч", 0, "R"},
		column{"В среднем за месяц,\nкВт·ч", 0, "R"},
		column{"Начислено\nпо счетам, ₽", 0, "R"},
	)
	avg := func(v domain.Decimal, months int) string {
		if months == 0 {
			return "—"
		}
		return clean((v / domain.Decimal(months)).Format(st.Fraction))
	}
	var rows [][]string
	months := 0
	for _, yr := range st.Years {
		rows = append(rows, []string{strconv.Itoa(yr.Year), strconv.Itoa(yr.Months), clean(yr.Volume.Format(st.Fraction)), avg(yr.Volume, yr.Months), money(yr.Amount)})
		months += yr.Months
	}
	total := []string{"Итого за период", strconv.Itoa(months), clean(st.Volume.Format(st.Fraction)), avg(st.Volume, months), money(st.Amount)}
	t.bold = [][]string{total}
	t.fit(contentW, -1, rows)
	y = s.ensure(y, lineH(11.5)+t.headerHeight()+2*t.rowHeight([]string{"1"}, rowPlain))
	y = s.heading(y, "Итоги по годам")
	y = t.header(y)
	for i, r := range rows {
		kind := rowPlain
		if i%2 == 1 {
			kind = rowStripe
		}
		y = t.add(y, r, kind, s.newPage)
	}
	return t.add(y, total, rowTotal, s.newPage)
}

// ensure starts a new page when h mm do not fit below y.
func (s *sheet) ensure(y, h float64) float64 {
	if y+h <= contentBottom {
		return y
	}
	return s.newPage()
}

// details is a table per meter zone with the months, the year totals and
// the range's total.
func (s *sheet) details(y float64) {
	type rowT struct {
		cells []string
		kind  rowKind
	}
	cols := []column{
		{"Месяц", 0, "L"},
		{"Дата\nпоказания", 0, "C"},
		{"Показание\nна начало", 0, "R"},
		{"Показание\nна конец", 0, "R"},
		{"Как получено\nпоказание", 0, "L"},
		{"Расход,\nкВт·ч", 0, "R"},
		{"Тариф,\n₽/кВт·ч", 0, "R"},
		{"Начислено\nпо счёту, ₽", 0, "R"},
	}
	// One set of widths for all the tables, so the columns line up from
	// page to page.
	var all, bold [][]string
	tables := make([][]rowT, len(s.st.Series))
	for si, ser := range s.st.Series {
		several := ser.Months[0].Period.Year != ser.Months[len(ser.Months)-1].Period.Year
		var yearVol, vol domain.Decimal
		var yearAmt, amt domain.Kopecks
		stripe := 0
		for i, mo := range ser.Months {
			price, amount := "—", "—"
			if mo.Billed {
				ps := make([]string, len(mo.Prices))
				for j, p := range mo.Prices {
					ps[j] = money(p)
				}
				price, amount = strings.Join(ps, " / "), money(mo.Amount)
			}
			cells := []string{capital(mo.Period.Russian()), mo.TakenOn.Russian(), clean(mo.Start.Format(ser.Fraction)), clean(mo.End.Format(ser.Fraction)),
				mo.Source.Russian(), clean(mo.Volume.Format(ser.Fraction)), price, amount}
			kind := rowPlain
			if stripe%2 == 1 {
				kind = rowStripe
			}
			stripe++
			tables[si] = append(tables[si], rowT{cells, kind})
			all = append(all, cells)
			yearVol += mo.Volume
			yearAmt += mo.Amount
			vol += mo.Volume
			amt += mo.Amount
			if several && (i == len(ser.Months)-1 || ser.Months[i+1].Period.Year != mo.Period.Year) {
				total := []string{fmt.Sprintf("Итого за %d год", mo.Period.Year), "", "", "", "", clean(yearVol.Format(ser.Fraction)), "", money(yearAmt)}
				tables[si] = append(tables[si], rowT{total, rowSection})
				bold = append(bold, total)
				yearVol, yearAmt, stripe = 0, 0, 0
			}
		}
		total := []string{"Итого за период", "", "", "", "", clean(vol.Format(ser.Fraction)), "", money(amt)}
		tables[si] = append(tables[si], rowT{total, rowTotal})
		bold = append(bold, total)
	}
	t := newTable(s.doc, 9.5, cols...)
	t.bold = bold
	t.fit(contentW, 4, all, 9, 8.5)

	for si, ser := range s.st.Series {
		title := s.seriesTitle(ser)
		// The heading, the header row and two rows at least go together.
		y = s.ensure(y, lineH(11.5)+t.headerHeight()+2*t.rowHeight(tables[si][0].cells, rowPlain))
		y = s.heading(y, title)
		y = t.header(y)
		for _, r := range tables[si] {
			y = t.add(y, r.cells, r.kind, func() float64 {
				yy := s.newPage()
				return s.heading(yy, title+" (продолжение)")
			})
		}
		y += 6
	}
}

// seriesTitle names a meter zone: «Счётчик № 35087264 (Меркурий 201.8)»,
// with the zone when the meter has several and «снят» when taken away.
func (s *sheet) seriesTitle(ser domain.StatementSeries) string {
	m := ser.Meter
	title := "Счётчик № " + m.Serial
	var notes []string
	if m.Model != "" {
		notes = append(notes, m.Model)
	}
	if !m.Active() {
		note := "снят"
		if !m.RemovedOn.IsZero() {
			note += " " + m.RemovedOn.Russian()
		}
		notes = append(notes, note)
	}
	if len(notes) > 0 {
		title += " (" + strings.Join(notes, ", ") + ")"
	}
	if ser.Zones > 1 {
		title += ", зона " + zoneLabel(ser.Zone, ser.Zones)
	} else {
		title += ", " + strings.ToLower(zoneLabel(ser.Zone, ser.Zones))
	}
	return title
}
