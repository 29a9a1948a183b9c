package pdf

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"kabinet/internal/domain"
)

// TestStatementLongHistory prints ten years of one flat: several pages,
// numbered, the table's header row repeated, and the totals per year equal
// to the sums of the readings' consumption.
func TestStatementLongHistory(t *testing.T) {
	needTool(t, "pdftotext")
	doc := longDocument(t, 10)
	data := render(t, func(b *bytes.Buffer) error { return Statement(b, doc, domain.Period{}, domain.Period{}, testOpts) })
	path := writeTemp(t, "statement.pdf", data)
	pages := pdfPages(t, path)
	if pages < 3 {
		t.Fatalf("%d pages for ten years", pages)
	}
	t.Logf("ten years: %d pages, %d bytes", pages, len(data))
	text := pdfText(t, path, 0, 0)
	mustContain(t, text, "Ведомость энергопотребления", doc.Account.Number, doc.Customer.FullName,
		"Страница 1 из "+strconv.Itoa(pages), fmt.Sprintf("Страница %d из %d", pages, pages),
		"Расход электроэнергии по месяцам, кВт·ч", "Итоги по годам")

	// Every page after the first repeats the header row of the table.
	for p := 2; p <= pages; p++ {
		page := pdfText(t, path, p, p)
		mustContain(t, page, fmt.Sprintf("Страница %d из %d", p, pages), "(продолжение)")
		for _, h := range []string{"Месяц", "показания", "на начало", "на конец", "Как получено", "Расход,", "Тариф,", "Начислено"} {
			if !strings.Contains(page, h) {
				t.Errorf("page %d lacks the header %q", p, h)
			}
		}
	}

	// The totals per year are the sums of the readings' consumption.
	years := map[int]domain.Decimal{}
	var all domain.Decimal
	sources := map[string]bool{}
	for _, r := range doc.Readings {
		if r.Status != domain.StatusAccepted {
			continue
		}
		for _, v := range r.Consumption {
			years[r.Period.Year] += v
			all += v
		}
		sources[r.Source.Russian()] = true
	}
	if len(years) < 10 {
		t.Fatalf("only %d years of readings", len(years))
	}
	frac := doc.Meters[0].Fraction()
	for y, v := range years {
		vol := norm(v.Format(frac))
		// In the detail table…
		mustLine(t, text, fmt.Sprintf("Итого за %d год", y), vol)
		// …and in the table of years, the line starting with the year.
		re := regexp.MustCompile(`(?m)^\s*` + strconv.Itoa(y) + `\s+\d+\s+` + regexp.QuoteMeta(vol) + `\s`)
		if !re.MatchString(text) {
			t.Errorf("the table of years has no line %d … %s", y, vol)
		}
	}
	mustLine(t, text, "Итого за период", norm(all.Format(frac)))
	for s := range sources {
		mustContain(t, text, s)
	}
}

// TestStatementRange prints a year of a three-zone meter: the months and
// their charges from the bills.
func TestStatementRange(t *testing.T) {
	needTool(t, "pdftotext")
	doc := demoDocument(t, "100003", "1100034567")
	to := latestInvoice(t, doc).Period
	from := to.AddMonths(-11)
	data := render(t, func(b *bytes.Buffer) error { return Statement(b, doc, from, to, testOpts) })
	path := writeTemp(t, "statement.pdf", data)
	text := pdfText(t, path, 0, 0)
	mustContain(t, text, "за период с "+periodGenitive(from)+" по "+to.Russian(), "Пик (Т1)", "Полупик (Т2)", "Ночь (Т3)")
	bills := map[domain.Period]*domain.Invoice{}
	for i := range doc.Invoices {
		bills[doc.Invoices[i].Period] = &doc.Invoices[i]
	}
	checked := 0
	for _, r := range doc.Readings {
		if r.Status != domain.StatusAccepted || r.Period.Before(from) || to.Before(r.Period) {
			continue
		}
		inv := bills[r.Period]
		if inv == nil {
			continue
		}
		for _, l := range inv.Lines {
			mustLine(t, text, capital(r.Period.Russian()), r.TakenOn.Russian(), norm(r.Values[l.Zone].Format(1)), r.Source.Russian(),
				norm(r.Consumption[l.Zone].Format(1)), amount(l.Price), amount(l.Amount))
			checked++
		}
	}
	if checked < 30 {
		t.Errorf("only %d months checked", checked)
	}
	if before := capital(from.AddMonths(-1).Russian()); strings.Contains(text, before) {
		t.Errorf("%s, before the range, is printed", before)
	}
}

func TestStatementEdges(t *testing.T) {
	doc := demoDocument(t, "100001", "1100012345")
	var buf bytes.Buffer
	err := Statement(&buf, doc, domain.Period{Year: 2026, Month: 5}, domain.Period{Year: 2026, Month: 1}, testOpts)
	if err == nil || !strings.Contains(err.Error(), "позже") {
		t.Errorf("a backwards range: %v", err)
	}
	if err := Statement(&buf, nil, domain.Period{}, domain.Period{}, testOpts); err == nil {
		t.Error("no document printed")
	}
	// A range without readings still prints, and says so.
	data := render(t, func(b *bytes.Buffer) error {
		return Statement(b, doc, domain.Period{Year: 1990, Month: 1}, domain.Period{Year: 1990, Month: 12}, testOpts)
	})
	if _, err := lookTool("pdftotext"); err == nil {
		mustContain(t, pdfText(t, writeTemp(t, "empty.pdf", data), 0, 0), "За выбранный период показаний нет.")
	}
	// The same input and clock give the same bytes.
	a := render(t, func(b *bytes.Buffer) error { return Statement(b, doc, domain.Period{}, domain.Period{}, testOpts) })
	b := render(t, func(b *bytes.Buffer) error { return Statement(b, doc, domain.Period{}, domain.Period{}, testOpts) })
	if !bytes.Equal(a, b) {
		t.Error("the same statement came out different")
	}
}

func TestNiceStep(t *testing.T) {
	for _, tc := range []struct{ raw, want float64 }{{0, 1}, {0.3, 1}, {7, 10}, {42, 50}, {62, 100}, {180, 200}, {230, 250}, {2900, 5000}} {
		if got := niceStep(tc.raw); got != tc.want {
			t.Errorf("niceStep(%v) = %v, want %v", tc.raw, got, tc.want)
		}
	}
}
