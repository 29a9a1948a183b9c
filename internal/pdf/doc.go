// Package pdf writes the printed documents of the personal account: the
// bill for a month («Счёт за …» with the payment QR code of ГОСТ Р
// 56042-2014), the energy statement («Ведомость энергопотребления») and the
// receipt for an accepted reading («Квитанция о приёме показаний»).
//
// The documents are A4 portrait in Noto Sans (embedded, subset to the
// characters used), meant to be printed at home or at a library computer
// and read by people who are not used to small print: clear headings,
// numbers aligned in columns, the sum and the due date the largest things
// on the page. The same input and clock give the same bytes.
package pdf

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"

	"kabinet/assets"
	"kabinet/internal/domain"
)

// Options are the settings shared by the documents.
type Options struct {
	// Now is the clock for «Сформировано …» and the PDF's dates; nil means
	// time.Now.
	Now func() time.Time
	// ContactPhone is the contact centre's number printed where the bill
	// says how to send readings; empty means the payee's phones.
	ContactPhone string
}

func (o Options) now() time.Time {
	if o.Now == nil {
		return time.Now()
	}
	return o.Now()
}

// The page: A4 portrait, in millimetres.
const (
	pageW         = 210.0
	pageH         = 297.0
	marginL       = 14.0
	marginR       = 14.0
	marginT       = 12.0
	contentW      = pageW - marginL - marginR
	footerH       = 12.0 // the footer's band above the bottom edge
	contentBottom = pageH - footerH - 4
)

const family = "Noto Sans"

// rgb is a colour.
type rgb struct{ r, g, b int }

// The palette: dark text, a deep blue for headings and bars that stays
// dark on a monochrome printer, and light fills that print as pale grey.
var (
	colText   = rgb{25, 25, 25}
	colMuted  = rgb{85, 85, 85}
	colAccent = rgb{0, 78, 140}
	colRule   = rgb{150, 150, 150}
	colLight  = rgb{205, 205, 205}
	colHead   = rgb{226, 233, 242}
	colStripe = rgb{244, 246, 249}
	colTotal  = rgb{255, 241, 204}
	colBarAlt = rgb{160, 170, 180}
)

// fontRanges are the characters of the fonts the documents use: Latin and
// Cyrillic with their extensions, Greek, punctuation, currency signs («₽»),
// letter-like symbols («№»), number forms, arrows, mathematical operators
// and geometric shapes — all a Russian bill may hold.
var fontRanges = [][2]rune{
	{0x20, 0x7e}, {0xa0, 0x24f}, {0x300, 0x36f}, {0x370, 0x3ff}, {0x400, 0x52f},
	{0x2000, 0x206f}, {0x20a0, 0x20cf}, {0x2100, 0x21ff}, {0x2200, 0x22ff}, {0x25a0, 0x25ff},
}

var cutFonts struct {
	once          sync.Once
	regular, bold []byte
}

// fonts returns Noto Sans Regular and Bold cut down to fontRanges, once per
// process. fpdf parses a font anew for every document, and the whole Noto
// Sans (Vietnamese, Greek extended, IPA and more) takes it about ten
// milliseconds; the cut fonts take a fraction of that. Each document then
// embeds only the characters it uses.
func fonts() (regular, bold []byte) {
	cutFonts.once.Do(func() {
		var set strings.Builder
		for _, r := range fontRanges {
			for c := r[0]; c <= r[1]; c++ {
				set.WriteRune(c)
			}
		}
		cutFonts.regular = fpdf.UTF8CutFont(assets.NotoSansRegular, set.String())
		cutFonts.bold = fpdf.UTF8CutFont(assets.NotoSansBold, set.String())
	})
	return cutFonts.regular, cutFonts.bold
}

// doc is a document being written.
type doc struct {
	f   *fpdf.Fpdf
	now time.Time // in Moscow time
}

// newDoc starts an A4 document with the fonts, the metadata and the
// footer: «Сформировано в личном кабинете …», the note given and
// «Страница N из M».
func newDoc(opts Options, title, subject, footerNote string) *doc {
	now := opts.now().In(domain.Moscow)
	f := fpdf.New("P", "mm", "A4", "")
	d := &doc{f: f, now: now}
	f.SetCreationDate(now)
	f.SetModificationDate(now)
	f.SetCatalogSort(true)
	f.SetCompression(true)
	regular, bold := fonts()
	f.AddUTF8FontFromBytes(family, "", regular)
	f.AddUTF8FontFromBytes(family, "B", bold)
	f.SetTitle(title, true)
	f.SetSubject(subject, true)
	f.SetCreator("Личный кабинет клиента", true)
	f.SetLang("ru-RU")
	f.SetMargins(marginL, marginT, marginR)
	f.SetAutoPageBreak(false, 0)
	f.SetCellMargin(1)
	f.AliasNbPages("{nb}")
	generated := "Сформировано в личном кабинете " + now.Format("02.01.2006 15:04")
	f.SetFooterFunc(func() {
		y := pageH - footerH
		d.color(colLight)
		f.SetLineWidth(0.2)
		f.Line(marginL, y, pageW-marginR, y)
		d.font("", 8, colMuted)
		f.SetXY(marginL, y+1.5)
		left := generated
		if footerNote != "" {
			left += " · " + footerNote
		}
		f.CellFormat(contentW-40, 4.5, clean(left), "", 0, "L", false, 0, "")
		f.CellFormat(40, 4.5, fmt.Sprintf("Страница %d из {nb}", f.PageNo()), "", 0, "R", false, 0, "")
	})
	return d
}

// finish writes the document to w.
func (d *doc) finish(w io.Writer) error {
	if err := d.f.Error(); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	if err := d.f.Output(w); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	return nil
}

// font sets the font: style "" or "B", size in points, and text colour.
func (d *doc) font(style string, size float64, c rgb) {
	d.f.SetFont(family, style, size)
	d.f.SetTextColor(c.r, c.g, c.b)
}

func (d *doc) fill(c rgb)  { d.f.SetFillColor(c.r, c.g, c.b) }
func (d *doc) color(c rgb) { d.f.SetDrawColor(c.r, c.g, c.b) }

// lineH is a comfortable line height in mm for a font size in points.
func lineH(size float64) float64 { return size * 0.3528 * 1.45 }

// text writes s at x, y (top of the line) in a cell w wide.
func (d *doc) text(x, y, w float64, s, align string) {
	size, _ := d.f.GetFontSize()
	d.f.SetXY(x, y)
	d.f.CellFormat(w, lineH(size), clean(s), "", 0, align, false, 0, "")
}

// para writes s wrapped to w from x, y and returns the y below it.
func (d *doc) para(x, y, w float64, s string) float64 {
	size, _ := d.f.GetFontSize()
	h := lineH(size)
	for _, line := range d.wrap(s, w) {
		d.f.SetXY(x, y)
		d.f.CellFormat(w, h, line, "", 0, "L", false, 0, "")
		y += h
	}
	return y
}

// wrap splits s into the lines that fit w in the current font.
func (d *doc) wrap(s string, w float64) []string {
	s = clean(s)
	if s == "" {
		return nil
	}
	var out []string
	for _, p := range strings.Split(s, "\n") {
		if p == "" {
			out = append(out, "")
			continue
		}
		out = append(out, d.f.SplitText(p, w)...)
	}
	return out
}

// field writes «name: value» wrapped to w, the name in grey, and returns the
// y below it.
func (d *doc) field(x, y, w, nameW float64, name, value string, size float64) float64 {
	if value == "" {
		return y
	}
	h := lineH(size)
	d.font("", size, colMuted)
	d.f.SetXY(x, y)
	d.f.CellFormat(nameW, h, clean(name), "", 0, "L", false, 0, "")
	d.font("", size, colText)
	for _, line := range d.wrap(value, w-nameW) {
		d.f.SetXY(x+nameW, y)
		d.f.CellFormat(w-nameW, h, line, "", 0, "L", false, 0, "")
		y += h
	}
	return y
}

// heading writes a section heading and returns the y below it.
func (d *doc) heading(y float64, s string) float64 {
	d.font("B", 11.5, colAccent)
	d.text(marginL, y, contentW, s, "L")
	return y + lineH(11.5) + 0.6
}

// clean makes s printable in Noto Sans: the font has no minus sign (U+2212),
// which domain formatting writes before negative amounts, so it becomes an
// en dash of nearly the same width; control characters become spaces.
func clean(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r == '\u2212' || r == '\t' || r == '\r' }) {
		return s
	}
	return cleaner.Replace(s)
}

var cleaner = strings.NewReplacer("\u2212", "\u2013", "\t", " ", "\r", "")

// money is an amount without the currency sign, for columns headed «₽»:
// «1 234,56», «–50,00».
func money(k domain.Kopecks) string { return clean(strings.TrimSuffix(k.String(), " ₽")) }

// rub is an amount with the currency sign: «1 234,56 ₽».
func rub(k domain.Kopecks) string { return clean(k.String()) }

// capital starts s with a capital letter: «Октябрь 2026».
func capital(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// periodGenitive is «октября 2026», as in «с октября 2026».
func periodGenitive(p domain.Period) string {
	return fmt.Sprintf("%s %d", domain.MonthGenitive(p.Month), p.Year)
}

// meterBySerial finds the document's meter with the serial number.
func meterBySerial(doc *domain.AccountDocument, serial string) *domain.Meter {
	for i := range doc.Meters {
		if doc.Meters[i].Serial == serial {
			return &doc.Meters[i]
		}
	}
	return nil
}

// legal reports whether the document is a legal entity's.
func legal(doc *domain.AccountDocument) bool {
	if doc.Customer != nil {
		return doc.Customer.Kind == domain.LegalEntity
	}
	return doc.Account != nil && doc.Account.PointOfSupply != ""
}

// zoneLabel names a zone for a bill: «Круглосуточно», «День (Т1)».
func zoneLabel(z domain.Zone, zones int) string {
	name := domain.ZoneName(z, zones)
	if name == "" {
		return string(z)
	}
	if zones <= 1 {
		return name
	}
	code := map[domain.Zone]string{domain.T1: "Т1", domain.T2: "Т2", domain.T3: "Т3"}[z]
	return name + " (" + code + ")"
}

// customerLines are the customer block of both documents: name, address,
// account and contract, and for a legal entity its INN and point of
// supply; for a household the residents and area.
func customerLines(doc *domain.AccountDocument) [][2]string {
	var out [][2]string
	add := func(name, value string) {
		if value != "" {
			out = append(out, [2]string{name, value})
		}
	}
	a := doc.Account
	isLegal := legal(doc)
	if c := doc.Customer; c != nil {
		if isLegal {
			add("Организация", c.FullName)
			add("ИНН", c.INN)
		} else {
			add("Плательщик", c.FullName)
		}
	}
	if a == nil {
		return out
	}
	add("Адрес", a.Address)
	if isLegal {
		add("Договор", a.ContractNumber)
		add("Точка поставки", a.PointOfSupply)
		if a.Number != a.ContractNumber {
			add("Лицевой счёт", a.Number)
		}
		return out
	}
	add("Лицевой счёт", a.Number)
	add("Договор", a.ContractNumber)
	var extra []string
	if a.Residents > 0 {
		extra = append(extra, fmt.Sprintf("проживает %d чел.", a.Residents))
	}
	if a.Area > 0 {
		extra = append(extra, "площадь "+clean(a.Area.Format(2))+" м²")
	}
	if g := a.TariffGroup.Russian(); g != "" {
		extra = append(extra, g)
	}
	add("Помещение", strings.Join(extra, ", "))
	return out
}
