package app

// Helpers of the account-data screens («Основные данные», «Оказываемые
// услуги», «Выставленные счета», «Зачисленные платежи», «Договорные
// значения», «Приборы учета», «Ведомость энергопотребления»).

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"kabinet/internal/cabinet"
	"kabinet/internal/domain"
)

// dataService is what the account-data screens ask of the personal
// account: the stored document of the account shown.
type dataService interface {
	Document(account string) (cabinet.Document, bool, error)
}

// dataScreen is a plain account-data screen: a heading, the account it is
// about and a body drawn from the stored document. When new data arrive it
// redraws the body in place, so the person keeps the place they scrolled to.
type dataScreen struct {
	svc     dataService
	account string
	title   string
	body    func(doc *domain.AccountDocument) []fyne.CanvasObject
	box     *fyne.Container
	scroll  *lineScroll
}

func newDataScreen(d deps[dataService], title string, body func(doc *domain.AccountDocument) []fyne.CanvasObject) *dataScreen {
	return &dataScreen{svc: d.svc, account: d.account, title: title, body: body}
}

func (s *dataScreen) Content() fyne.CanvasObject {
	s.box = container.NewVBox()
	s.scroll = newVScroll(container.NewPadded(s.box))
	s.fill()
	return s.scroll
}

// Refresh redraws the body from the stored document.
func (s *dataScreen) Refresh() {
	if s.box != nil {
		s.fill()
	}
}

func (s *dataScreen) fill() {
	objs := []fyne.CanvasObject{heading(s.title)}
	if doc, _, ok := storedDocument(s.svc, s.account); ok && doc.Account != nil {
		objs = append(objs, para(accountTitle(s.account, doc)))
		objs = append(objs, s.body(doc)...)
	} else {
		objs = append(objs, noData())
	}
	s.box.Objects = objs
	s.box.Refresh()
}

// card groups the lines of one thing (a meter, a service) under a title.
func dataCard(title string, lines ...fyne.CanvasObject) fyne.CanvasObject {
	box := container.NewVBox()
	if title != "" {
		box.Add(subheading(title))
	}
	for _, l := range lines {
		box.Add(l)
	}
	return widget.NewCard("", "", box)
}

// dataField is a «Название: значение» line that wraps.
func dataField(name, value string) *widget.Label {
	return para(name + ": " + value)
}

// dataWords are the Russian words that come with the data (zone names,
// tariff groups, reading sources, months) and have a translation.
var dataWords = map[string]bool{}

func init() {
	for _, w := range []string{
		"Круглосуточно", "День", "Ночь", "Пик", "Полупик",
		"городское население", "сельское население", "дома с электроплитами",
		"передано клиентом", "снято контролёром", "автоматически", "расчётное", "при установке",
	} {
		dataWords[w] = true
	}
	for _, m := range dataMonths[1:] {
		dataWords[m] = true
	}
	for m := 1; m <= 12; m++ {
		dataWords[domain.MonthGenitive(time.Month(m))] = true
	}
}

// dataWord translates a word that came with the data, when it is one of
// the known ones; other data (names, addresses) are shown as they are.
func dataWord(s string) string {
	if dataWords[s] {
		return lang.L(s)
	}
	return s
}

var dataMonths = [...]string{"", "январь", "февраль", "март", "апрель", "май", "июнь",
	"июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь"}

// dataPeriod names a month: «ноябрь 2026».
func dataPeriod(p domain.Period) string {
	if p.Month < 1 || p.Month > 12 {
		return p.String()
	}
	return dataWord(dataMonths[p.Month]) + " " + strconv.Itoa(p.Year)
}

// dataPeriodGenitive names a month after «с»: «ноября 2026».
func dataPeriodGenitive(p domain.Period) string {
	if p.Month < 1 || p.Month > 12 {
		return p.String()
	}
	return dataWord(domain.MonthGenitive(p.Month)) + " " + strconv.Itoa(p.Year)
}

// dataCapital starts s with a capital letter: «Ноябрь 2026».
func dataCapital(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// dataZone names a zone of a meter or tariff with zones zones: «Круглосуточно»,
// «День (Т1)».
func dataZone(z domain.Zone, zones int) string {
	name := domain.ZoneName(z, zones)
	if name == "" {
		return string(z)
	}
	if zones <= 1 {
		return dataWord(name)
	}
	return dataWord(name) + " (" + dataZoneCode(z) + ")"
}

// dataZoneCode is the zone's code as printed on meters: «Т1».
func dataZoneCode(z domain.Zone) string {
	switch z {
	case domain.T1:
		return lang.L("Т1")
	case domain.T2:
		return lang.L("Т2")
	case domain.T3:
		return lang.L("Т3")
	}
	return string(z)
}

// dataZones lists a meter's or tariff's zones: «День (Т1), Ночь (Т2)».
func dataZones(codes []domain.Zone, zones int) string {
	names := make([]string, len(codes))
	for i, z := range codes {
		names[i] = dataZone(z, zones)
	}
	return strings.Join(names, ", ")
}

// dataDecimal writes a figure with as many fraction digits as it has:
// «95», «48,6», «0,25».
func dataDecimal(d domain.Decimal) string {
	switch {
	case d%domain.DecimalScale == 0:
		return d.Format(0)
	case d%10 == 0:
		return d.Format(1)
	}
	return d.Format(2)
}

// dataInt writes a whole number with groups of thousands: «3 900».
func dataInt(n int64) string {
	s := strconv.FormatInt(max(n, -n), 10)
	var b strings.Builder
	first := len(s) % 3
	b.WriteString(s[:first])
	for i := first; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteString("\u202f")
		}
		b.WriteString(s[i : i+3])
	}
	if n < 0 {
		return "−" + b.String()
	}
	return b.String()
}

// dataPrice is a price per kWh: «6,71 ₽ за кВт·ч».
func dataPrice(k domain.Kopecks) string {
	return lang.L("{{.Price}} за кВт·ч", map[string]any{"Price": money(k)})
}

// dataPhone writes a Russian mobile number the way it is read aloud:
// «+7 912 123-45-01».
func dataPhone(p string) string {
	digits := strings.TrimPrefix(p, "+")
	if len(digits) != 11 || (digits[0] != '7' && digits[0] != '8') {
		return p
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return p
		}
	}
	return "+7 " + digits[1:4] + " " + digits[4:7] + "-" + digits[7:9] + "-" + digits[9:]
}

// dataToday is today's date in the supplier's calendar.
func dataToday() domain.Date { return domain.DateOf(nowFunc(), domain.Moscow) }

// dataMeterBySerial finds a meter of the document by its serial number.
func dataMeterBySerial(doc *domain.AccountDocument, serial string) *domain.Meter {
	for i := range doc.Meters {
		if doc.Meters[i].Serial == serial {
			return &doc.Meters[i]
		}
	}
	return nil
}

// dataLegal reports whether the document belongs to a legal entity.
func dataLegal(doc *domain.AccountDocument) bool {
	if doc.Customer != nil {
		return doc.Customer.Kind == domain.LegalEntity
	}
	return doc.Account != nil && doc.Account.PointOfSupply != ""
}

// dataTallLayout gives a list or table, which scrolls by itself and so
// asks for the height of one row only, the height of several rows: the
// screen around it scrolls as a whole, so at twice the text size nothing
// is squeezed out of sight.
type dataTallLayout struct{ height func() float32 }

func (l dataTallLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return fyne.NewSize(s.Width, max(s.Height, l.height()))
}

func (l dataTallLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

// dataListRows is a list as tall as rows of its rows.
func dataListRows(l *widget.List, rows int) fyne.CanvasObject {
	return container.New(dataTallLayout{func() float32 {
		return float32(rows) * (l.MinSize().Height + theme.Padding())
	}}, l)
}

// dataWrap is a row of objects that wraps when it does not fit.
func dataWrap(objs ...fyne.CanvasObject) *fyne.Container {
	return newWrap(objs...)
}

// dataTwoLines is the template of a list row of two lines: a bold one and
// a plain one.
func dataTwoLines(first, second string) *fyne.Container {
	return container.New(layout.NewCustomPaddedVBoxLayout(0), bold(first), widget.NewLabel(second))
}

// dataLonger returns the longer of two texts.
func dataLonger(a, b string) string {
	if utf8.RuneCountInString(b) > utf8.RuneCountInString(a) {
		return b
	}
	return a
}
