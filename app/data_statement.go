package app

import (
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"kabinet/internal/domain"
)

// The columns of the statement table.
const (
	stmtMonth = iota
	stmtTaken
	stmtStart
	stmtEnd
	stmtSource
	stmtVolume
	stmtPrice
	stmtAmount
	stmtCols
)

// stmtHeaders are the column titles, each on up to two lines.
func stmtHeaders() [stmtCols]string {
	return [stmtCols]string{
		lang.L("Месяц"),
		lang.L("Дата\nпоказания"),
		lang.L("Показание\nна начало"),
		lang.L("Показание\nна конец"),
		lang.L("Как получено\nпоказание"),
		lang.L("Расход,\nкВт·ч"),
		lang.L("Тариф,\nза кВт·ч"),
		lang.L("Начислено\nпо счёту"),
	}
}

// stmtRow is a line of the statement: a month of a meter zone or a total.
type stmtRow struct {
	cells [stmtCols]string
	total bool
}

// stmtSeries is the statement of one zone of one meter.
type stmtSeries struct {
	title   string
	serial  string // the meter's
	zone    string // the zone's name
	removed bool
	rows    []stmtRow
	volume  domain.Decimal
	amount  domain.Kopecks
}

// stmtYear is what was used and charged in a calendar year.
type stmtYear struct {
	year   int
	volume domain.Decimal
	amount domain.Kopecks
}

// statement is the energy statement of an account for a range of months.
type statement struct {
	series []stmtSeries
	years  []stmtYear
	volume domain.Decimal
	amount domain.Kopecks
	frac   int // fraction digits of the totals
}

// statementOf lays out the account's statement (domain.Statement, the one
// the PDF draws too) as the rows of the screen's table: every month of a
// meter zone, a total after each year when the range spans several, and the
// total of the range.
func statementOf(doc *domain.AccountDocument, from, to domain.Period) statement {
	ds := doc.Statement(from, to)
	st := statement{volume: ds.Volume, amount: ds.Amount, frac: ds.Fraction}
	for _, y := range ds.Years {
		st.years = append(st.years, stmtYear{year: y.Year, volume: y.Volume, amount: y.Amount})
	}
	for _, ser := range ds.Series {
		m, frac := ser.Meter, ser.Fraction
		zone := dataZone(ser.Zone, ser.Zones)
		s := stmtSeries{title: lang.L("Счётчик № {{.Serial}}, {{.Zone}}", map[string]any{"Serial": m.Serial, "Zone": zone}),
			serial: m.Serial, zone: zone, removed: !m.Active(), volume: ser.Volume, amount: ser.Amount}
		if !m.Active() {
			s.title = lang.L("Счётчик № {{.Serial}} (снят), {{.Zone}}", map[string]any{"Serial": m.Serial, "Zone": zone})
		}
		several := ser.Months[0].Period.Year != ser.Months[len(ser.Months)-1].Period.Year
		var yearVol domain.Decimal
		var yearAmt domain.Kopecks
		for i, mo := range ser.Months {
			var row stmtRow
			c := &row.cells
			c[stmtMonth] = dataCapital(dataPeriod(mo.Period))
			c[stmtTaken] = dateText(mo.TakenOn)
			c[stmtStart] = mo.Start.Format(frac)
			c[stmtEnd] = mo.End.Format(frac)
			c[stmtSource] = dataWord(mo.Source.Russian())
			c[stmtVolume] = mo.Volume.Format(frac)
			c[stmtPrice], c[stmtAmount] = "—", "—"
			if mo.Billed {
				prices := make([]string, len(mo.Prices))
				for j, p := range mo.Prices {
					prices[j] = money(p)
				}
				c[stmtPrice] = strings.Join(prices, " / ")
				c[stmtAmount] = money(mo.Amount)
			}
			s.rows = append(s.rows, row)
			yearVol += mo.Volume
			yearAmt += mo.Amount
			if i == len(ser.Months)-1 || ser.Months[i+1].Period.Year != mo.Period.Year {
				if several {
					s.rows = append(s.rows, stmtTotal(lang.L("Итого за {{.Year}} год", map[string]any{"Year": strconv.Itoa(mo.Period.Year)}), yearVol.Format(frac), money(yearAmt)))
				}
				yearVol, yearAmt = 0, 0
			}
		}
		s.rows = append(s.rows, stmtTotal(lang.L("Итого за период"), s.volume.Format(frac), money(s.amount)))
		st.series = append(st.series, s)
	}
	return st
}

// stmtTotal is a total line of the statement.
func stmtTotal(name, volume, amount string) stmtRow {
	r := stmtRow{total: true}
	r.cells[stmtMonth] = name
	r.cells[stmtVolume] = volume
	r.cells[stmtAmount] = amount
	return r
}

// statementScreen is «Ведомость энергопотребления»: the person picks the
// months (our own picker: Fyne's calendar writes month names in English),
// and sees the totals and, for a meter zone, every month in a table that
// draws only the rows in view.
type statementScreen struct {
	u       *UI
	account string
	root    *fyne.Container
	doc     *domain.AccountDocument
	periods []domain.Period // newest first
	from    domain.Period
	to      domain.Period
	st      statement
	series  int // the meter zone shown in the table

	fromSel, toSel *widget.Select
	seriesHint     *widget.Label
	seriesButtons  *fyne.Container // a button per meter zone, when there are several
	seriesTitle    *widget.Label
	summary        *fyne.Container // the total of the months
	details        *fyne.Container // the totals by year and by meter zone
	problem        *widget.Label
	table          *stmtTable
	quiet          bool // setting the selects in code
}

func newStatement(u *UI) Screen { return &statementScreen{u: u} }

func (s *statementScreen) Content() fyne.CanvasObject {
	s.root = container.NewStack()
	s.build()
	return s.root
}

// Refresh shows new data for the months the person chose.
func (s *statementScreen) Refresh() {
	if s.root == nil {
		return
	}
	doc, _, ok := s.u.currentDocument()
	if s.table == nil || s.account != s.u.account || !ok || doc.Account == nil || len(doc.Readings) == 0 {
		s.build()
		return
	}
	s.load(doc)
	s.setOptions()
	s.update()
}

// load takes the document and the months it has readings for.
func (s *statementScreen) load(doc *domain.AccountDocument) {
	s.doc = doc
	first, last := domain.Period{}, domain.Period{}
	for _, r := range doc.AcceptedReadings() {
		if first == (domain.Period{}) || r.Period.Before(first) {
			first = r.Period
		}
		if last == (domain.Period{}) || last.Before(r.Period) {
			last = r.Period
		}
	}
	newest := dataToday().Period()
	if newest.Before(last) {
		newest = last
	}
	if first == (domain.Period{}) {
		first, last = newest, newest
	}
	s.periods = s.periods[:0]
	for p := newest; !p.Before(first); p = p.AddMonths(-1) {
		s.periods = append(s.periods, p)
	}
	if s.to == (domain.Period{}) {
		s.lastYear(last)
	}
	s.from = s.clamp(s.from)
	s.to = s.clamp(s.to)
}

// lastYear chooses the 12 months up to last (or as many as there are).
func (s *statementScreen) lastYear(last domain.Period) {
	s.to = s.clamp(last)
	s.from = s.clamp(s.to.AddMonths(-11))
}

// clamp keeps p within the months of the picker.
func (s *statementScreen) clamp(p domain.Period) domain.Period {
	newest, oldest := s.periods[0], s.periods[len(s.periods)-1]
	if p.Before(oldest) {
		return oldest
	}
	if newest.Before(p) {
		return newest
	}
	return p
}

func (s *statementScreen) build() {
	u := s.u
	s.account = u.account
	s.table = nil
	s.from, s.to, s.series = domain.Period{}, domain.Period{}, 0
	title := lang.L("Ведомость энергопотребления")
	doc, _, ok := u.currentDocument()
	switch {
	case !ok || doc.Account == nil:
		s.root.Objects = []fyne.CanvasObject{page(title, noData())}
	case len(doc.Readings) == 0:
		s.root.Objects = []fyne.CanvasObject{page(title, para(u.accountTitle(doc)), para(lang.L("Показаний пока нет.")))}
	default:
		s.load(doc)
		s.fromSel = widget.NewSelect(nil, func(string) { s.picked() })
		s.toSel = widget.NewSelect(nil, func(string) { s.picked() })
		s.seriesHint = para(lang.L("Таблица ниже — по одному счётчику и зоне. Выберите, какую показать:"))
		s.seriesButtons = dataWrap()
		s.seriesTitle = subheading("")
		s.summary = container.NewVBox()
		s.details = container.NewVBox()
		s.problem = errorText()
		s.table = newStmtTable(func() []stmtRow {
			if s.series < len(s.st.series) {
				return s.st.series[s.series].rows
			}
			return nil
		})
		s.setOptions()
		// The months in one row, their words inline: «С [декабрь 2025] по
		// [ноябрь 2026]», and the quick choices beside when they fit.
		pickers := dataWrap(
			container.NewHBox(widget.NewLabel(lang.L("С")), s.fromSel),
			container.NewHBox(widget.NewLabel(lang.L("по")), s.toSel),
			u.button(lang.L("За 12 месяцев"), func() {
				last := s.periods[0]
				if l := s.lastReading(); l != (domain.Period{}) {
					last = l
				}
				s.lastYear(last)
				s.setOptions()
				s.update()
			}),
			u.button(lang.L("Вся история"), func() {
				s.from, s.to = s.periods[len(s.periods)-1], s.periods[0]
				s.setOptions()
				s.update()
			}))
		account := u.account
		print := u.printButtons(func() string {
			return "Ведомость-" + account + "-" + s.from.String() + "-" + s.to.String() + ".pdf"
		},
			func(w io.Writer) error { return u.svc.StatementPDF(w, account, s.from, s.to) })
		// The total in one line and the months to choose, then every month
		// (at twice the text the first month's card is in view); the totals
		// by year and by meter, printing and the notes after the table.
		top := container.NewVBox(heading(title), s.summary, pickers, s.problem,
			s.seriesHint, s.seriesButtons, s.seriesTitle)
		bottom := container.NewVBox(s.details, print,
			para(lang.L("Расход — по принятым показаниям. «Начислено по счёту» — из счёта за тот месяц, без перерасчётов и пеней.")),
			para(u.accountTitle(doc)))
		// One scroll for the whole page: the wheel moves the table with it.
		scroll := newVScroll(container.NewPadded(container.NewVBox(top, s.table.box, bottom)))
		s.table.changed = scroll.Refresh
		s.root.Objects = []fyne.CanvasObject{scroll}
		s.update()
	}
	s.root.Refresh()
}

// lastReading is the latest month with a reading.
func (s *statementScreen) lastReading() domain.Period {
	var last domain.Period
	for _, r := range s.doc.AcceptedReadings() {
		if last.Before(r.Period) {
			last = r.Period
		}
	}
	return last
}

// setOptions fills the month pickers and selects the chosen months.
func (s *statementScreen) setOptions() {
	opts := make([]string, len(s.periods))
	longest := ""
	for i, p := range s.periods {
		opts[i] = dataPeriod(p)
		if utf8.RuneCountInString(opts[i]) > utf8.RuneCountInString(longest) {
			longest = opts[i]
		}
	}
	// A select is as wide as its placeholder: make it fit every month.
	s.fromSel.PlaceHolder, s.toSel.PlaceHolder = longest, longest
	s.quiet = true
	s.fromSel.SetOptions(opts)
	s.toSel.SetOptions(opts)
	s.fromSel.SetSelectedIndex(s.indexOf(s.from))
	s.toSel.SetSelectedIndex(s.indexOf(s.to))
	s.quiet = false
}

func (s *statementScreen) indexOf(p domain.Period) int {
	for i, q := range s.periods {
		if q == p {
			return i
		}
	}
	return 0
}

// picked follows a month the person chose.
func (s *statementScreen) picked() {
	if s.quiet {
		return
	}
	s.u.touch()
	if i := s.fromSel.SelectedIndex(); i >= 0 && i < len(s.periods) {
		s.from = s.periods[i]
	}
	if i := s.toSel.SelectedIndex(); i >= 0 && i < len(s.periods) {
		s.to = s.periods[i]
	}
	s.update()
}

// setRange chooses the months from and to and shows their statement.
func (s *statementScreen) setRange(from, to domain.Period) {
	s.from, s.to = s.clamp(from), s.clamp(to)
	s.setOptions()
	s.update()
}

// update works the statement out again and shows it.
func (s *statementScreen) update() {
	if s.to.Before(s.from) {
		s.problem.SetText("⚠ " + lang.L("Месяц «с» позже месяца «по». Выберите месяцы ещё раз."))
		s.problem.Show()
		s.st = statement{}
		s.summary.Objects, s.details.Objects = nil, nil
		s.summary.Refresh()
		s.details.Refresh()
		s.showSeries()
		return
	}
	s.problem.Hide()
	s.st = statementOf(s.doc, s.from, s.to)
	s.summary.Objects, s.details.Objects = statementSummary(s.st, s.from, s.to)
	s.summary.Refresh()
	s.details.Refresh()
	s.series = min(s.series, max(0, len(s.st.series)-1))
	s.seriesButtons.Objects = nil
	if len(s.st.series) > 1 {
		oneMeter := true
		for _, se := range s.st.series {
			oneMeter = oneMeter && se.serial == s.st.series[0].serial
		}
		for i, se := range s.st.series {
			name := se.zone
			switch {
			case se.removed:
				name = lang.L("№ {{.Serial}} (снят) — {{.Zone}}", map[string]any{"Serial": se.serial, "Zone": se.zone})
			case !oneMeter:
				name = lang.L("№ {{.Serial}} — {{.Zone}}", map[string]any{"Serial": se.serial, "Zone": se.zone})
			}
			s.seriesButtons.Add(s.u.button(name, func() {
				s.series = i
				s.showSeries()
			}))
		}
	}
	s.seriesButtons.Refresh()
	s.showSeries()
}

// showSeries shows the chosen meter zone in the table.
func (s *statementScreen) showSeries() {
	n := len(s.st.series)
	if n > 1 {
		s.seriesHint.Show()
		s.seriesButtons.Show()
	} else {
		s.seriesHint.Hide()
		s.seriesButtons.Hide()
	}
	for i, o := range s.seriesButtons.Objects {
		b := o.(*widget.Button)
		if i == s.series {
			b.Importance = widget.HighImportance
		} else {
			b.Importance = widget.MediumImportance
		}
		b.Refresh()
	}
	// One meter zone needs no title over its months: its meter is named
	// in the totals after them, and its first month stays in view at
	// twice the text.
	if s.series < n && n > 1 {
		s.seriesTitle.SetText(s.st.series[s.series].title)
		s.seriesTitle.Show()
	} else {
		s.seriesTitle.Hide()
	}
	s.table.Refresh()
}

// statementSummary is the statement's totals in sentences: the total of
// the months, in one line, and the details for after the table — the
// totals by year when the months span several, by meter zone when there
// are several.
func statementSummary(st statement, from, to domain.Period) (total, details []fyne.CanvasObject) {
	if len(st.series) == 0 {
		return []fyne.CanvasObject{para(lang.L("За выбранные месяцы показаний нет."))}, nil
	}
	total = []fyne.CanvasObject{bold(lang.L("Всего с {{.From}} по {{.To}}: {{.Volume}}, начислено {{.Amount}}", map[string]any{
		"From": dataPeriodGenitive(from), "To": dataPeriod(to), "Volume": kwh(st.volume, st.frac), "Amount": money(st.amount)}))}
	if len(st.years) > 1 {
		for _, y := range st.years {
			details = append(details, para("• "+lang.L("{{.Year}} год: {{.Volume}}, начислено {{.Amount}}", map[string]any{
				"Year": strconv.Itoa(y.year), "Volume": kwh(y.volume, st.frac), "Amount": money(y.amount)})))
		}
	}
	// By meter zone, even for one: its meter is named here.
	for _, se := range st.series {
		details = append(details, para("• "+lang.L("{{.Series}}: {{.Volume}}, начислено {{.Amount}}", map[string]any{
			"Series": se.title, "Volume": kwh(se.volume, st.frac), "Amount": money(se.amount)})))
	}
	return total, append([]fyne.CanvasObject{subheading(lang.L("Итоги"))}, details...)
}

// stmtTable is the statement's table of one meter zone: every column
// whole when the room allows, one card per month at large text or in a
// narrow window (fitTable). It is built again for new rows.
type stmtTable struct {
	rows    func() []stmtRow
	box     *fyne.Container
	view    *fitTable
	changed func() // the page measures the table again
}

func newStmtTable(rows func() []stmtRow) *stmtTable {
	return &stmtTable{rows: rows, box: container.NewStack()}
}

// stmtAlign puts figures to the right, words to the left.
func stmtAlign(col int) fyne.TextAlign {
	switch col {
	case stmtMonth, stmtTaken, stmtSource:
		return fyne.TextAlignLeading
	}
	return fyne.TextAlignTrailing
}

// Refresh lays the current rows out.
func (t *stmtTable) Refresh() {
	headers := stmtHeaders()
	align := make([]fyne.TextAlign, stmtCols)
	for c := range align {
		align[c] = stmtAlign(c)
	}
	var rows []fitRow
	for _, r := range t.rows() {
		cells := r.cells
		// «передано клиентом» on two lines, so the eight columns fit.
		cells[stmtSource] = strings.Replace(cells[stmtSource], " ", "\n", 1)
		rows = append(rows, fitRow{cells: cells[:], bold: r.total})
	}
	t.view = newFitTable(headers[:], align, rows, stmtCard)
	t.view.changed = t.changed
	t.box.Objects = []fyne.CanvasObject{t.view}
	t.box.Refresh()
}

// stmtCard is a month (or a total) of the statement as a card.
func stmtCard(r fitRow) fyne.CanvasObject {
	c := r.cells
	if r.bold {
		return fitPairsCard(c[stmtMonth], [2]string{lang.L("Расход"), c[stmtVolume] + " " + lang.L("кВт·ч")},
			[2]string{lang.L("Начислено"), c[stmtAmount]})
	}
	// In two columns: what was used, how it was read, what it cost.
	return fitPairsCard(c[stmtMonth],
		[2]string{lang.L("Показания"), c[stmtStart] + " → " + c[stmtEnd]},
		[2]string{lang.L("Расход"), c[stmtVolume] + " " + lang.L("кВт·ч")},
		[2]string{lang.L("Дата показания"), c[stmtTaken]},
		[2]string{lang.L("Как получено"), strings.ReplaceAll(c[stmtSource], "\n", " ")},
		[2]string{lang.L("Тариф за кВт·ч"), c[stmtPrice]},
		[2]string{lang.L("Начислено по счёту"), c[stmtAmount]})
}
