package pdf

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"kabinet/internal/domain"
	"kabinet/internal/gostqr"
)

// norm makes text comparable with what pdftotext gives: it writes the
// narrow no-break space of grouped digits as a plain space, and the PDF has
// an en dash where domain formatting writes a minus sign.
func norm(s string) string {
	return strings.NewReplacer("\u202f", " ", "\u00a0", " ", "\u2212", "\u2013").Replace(s)
}

// hasLine reports whether a line of text holds all parts, in order.
func hasLine(text string, parts ...string) bool {
	for _, line := range strings.Split(text, "\n") {
		rest, ok := line, true
		for _, p := range parts {
			i := strings.Index(rest, p)
			if i < 0 {
				ok = false
				break
			}
			rest = rest[i+len(p):]
		}
		if ok {
			return true
		}
	}
	return false
}

func mustLine(t *testing.T, text string, parts ...string) {
	t.Helper()
	for i := range parts {
		parts[i] = norm(parts[i])
	}
	if !hasLine(text, parts...) {
		t.Errorf("no line holds %q", parts)
	}
}

// amount is how a column headed «₽» prints an amount.
func amount(k domain.Kopecks) string { return norm(strings.TrimSuffix(k.String(), " ₽")) }

// invoiceCase is a bill to print.
type invoiceCase struct {
	name string
	doc  *domain.AccountDocument
	inv  *domain.Invoice
}

// invoiceCases are bills of every kind the demo has: a plain one, one with
// a recalculation, one with penalties, a three-zone meter, a legal entity,
// and a credit.
func invoiceCases(t *testing.T) []invoiceCase {
	t.Helper()
	ivanova := demoDocument(t, "100001", "1100012345")
	cases := []invoiceCase{{"latest", ivanova, latestInvoice(t, ivanova)}}
	var recalc, penalty *domain.Invoice
	for i := range ivanova.Invoices {
		inv := &ivanova.Invoices[i]
		if len(inv.Recalculations) > 0 && recalc == nil {
			recalc = inv
		}
		if inv.Penalties > 0 && penalty == nil {
			penalty = inv
		}
	}
	if recalc == nil || penalty == nil {
		t.Fatal("the demo lost its recalculation or penalty")
	}
	cases = append(cases, invoiceCase{"recalculation", ivanova, recalc}, invoiceCase{"penalties", ivanova, penalty})
	popova := demoDocument(t, "100003", "1100034567")
	cases = append(cases, invoiceCase{"three zones", popova, latestInvoice(t, popova)})
	bakery := demoDocument(t, "200001", "2200010001")
	cases = append(cases, invoiceCase{"legal entity", bakery, latestInvoice(t, bakery)})

	// A credit: the latest bill of Ivanova as if she had paid ahead.
	credit := *ivanova
	credit.Invoices = append([]domain.Invoice(nil), ivanova.Invoices...)
	c := latestInvoice(t, &credit)
	c.PaidInPeriod += c.TotalDue + domain.Rubles(2500)
	c.BroughtForward = -domain.Rubles(300)
	c.TotalDue = c.BroughtForward + c.Charged + c.Penalties - c.PaidInPeriod
	cases = append(cases, invoiceCase{"credit", &credit, c})

	// The latest bill before its payment was credited, and with part of it.
	for _, part := range []struct {
		name string
		cut  domain.Kopecks
	}{{"unpaid", 0}, {"partly paid", domain.Rubles(500)}} {
		d := *ivanova
		latest := latestInvoice(t, &d)
		d.Payments = nil
		for _, p := range ivanova.Payments {
			if p.PaidOn.Before(latest.IssuedOn) {
				d.Payments = append(d.Payments, p)
			}
		}
		if part.cut > 0 {
			d.Payments = append(d.Payments, domain.Payment{PaidOn: latest.IssuedOn.AddDays(3), Amount: part.cut, Status: domain.PaymentCredited})
		}
		// The portal's balance: the bill less the money since it was issued.
		d.Balance.Debt = latest.TotalDue - part.cut
		d.Balance.Due = max(d.Balance.Debt, 0)
		cases = append(cases, invoiceCase{part.name, &d, latest})
	}
	return cases
}

func TestInvoiceText(t *testing.T) {
	needTool(t, "pdftotext")
	for _, tc := range invoiceCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			doc, inv := tc.doc, tc.inv
			data := render(t, func(b *bytes.Buffer) error { return Invoice(b, doc, inv.ID, testOpts) })
			path := writeTemp(t, "invoice.pdf", data)
			if n := pdfPages(t, path); n != 1 {
				t.Errorf("%d pages, want 1", n)
			}
			text := pdfText(t, path, 0, 0)

			// The figures add up as the bill says.
			var lines, recalcs domain.Kopecks
			for _, l := range inv.Lines {
				lines += l.Amount
			}
			for _, r := range inv.Recalculations {
				recalcs += r.Amount
			}
			if lines+recalcs != inv.Charged || inv.BroughtForward+inv.Charged+inv.Penalties-inv.PaidInPeriod != inv.TotalDue {
				t.Fatalf("the test data does not add up: %+v", inv)
			}

			mustContain(t, text, norm(inv.Payee.Name), doc.Account.Number, "Счёт за "+inv.Period.Russian(),
				"Отсканируйте", "в приложении банка", "Сформировано в личном кабинете 20.11.2026 14:05", "Страница 1 из 1")
			mustLine(t, text, "Начисления за "+inv.Period.Russian())
			for _, l := range inv.Lines {
				mustLine(t, text, l.Service, l.MeterSerial, l.Unit, amount(l.Price), amount(l.Amount))
			}
			if len(inv.Lines) > 1 {
				mustLine(t, text, "Итого по услугам", amount(lines))
			}
			for _, r := range inv.Recalculations {
				mustLine(t, text, r.Reason, amount(r.Amount))
			}
			switch {
			case inv.BroughtForward < 0:
				mustLine(t, text, "Переплата на начало периода", (-inv.BroughtForward).String())
			default:
				mustLine(t, text, "Долг на начало периода", inv.BroughtForward.String())
			}
			mustLine(t, text, "Начислено", inv.Charged.String())
			if inv.Penalties != 0 {
				mustLine(t, text, "Пени", inv.Penalties.String())
			}
			mustLine(t, text, "Оплачено в периоде", inv.PaidInPeriod.String())
			mustLine(t, text, "Итого к оплате", max(inv.TotalDue, 0).String())
			// The slip's sum is its QR code's: what is due now.
			switch due := qrSum(t, tc); {
			case due > 0:
				mustLine(t, text, "Сумма", due.String())
			case inv.TotalDue > 0:
				mustLine(t, text, "Сумма", "счёт оплачен")
			default:
				mustLine(t, text, "Сумма", "0,00 ₽ (долга нет)")
			}
			if inv.TotalDue > 0 {
				// The mark of the one rule: a paid bill says so instead of
				// asking for its sum by a date.
				switch paid := doc.InvoicesPaid()[inv.Period]; paid.State {
				case domain.Paid:
					mustLine(t, text, "Оплачен "+paid.PaidOn.Russian())
					if hasLine(text, "Оплатить до "+inv.DueOn.Russian()) {
						t.Error("a paid bill asks to pay by its date")
					}
				case domain.PartlyPaid:
					mustLine(t, text, "Оплачен частично")
					mustLine(t, text, paid.Remaining.String())
				default:
					mustLine(t, text, "Оплатить до "+inv.DueOn.Russian())
					if strings.Contains(text, "Оплачен ") {
						t.Error("an unpaid bill says «Оплачен»")
					}
				}
			} else {
				mustLine(t, text, "Переплата "+(-inv.TotalDue).String())
			}
			p := inv.Payee
			mustLine(t, text, "ИНН / КПП", p.INN+" / "+p.KPP)
			mustLine(t, text, "Расчётный счёт", p.Account)
			mustLine(t, text, "БИК", p.BIC)
			mustLine(t, text, "Корр. счёт", p.CorrAccount)
			mustLine(t, text, "Банк", p.BankName)
			if legal(doc) {
				mustLine(t, text, "Организация", doc.Customer.FullName)
				mustLine(t, text, "Точка поставки", doc.Account.PointOfSupply)
				mustLine(t, text, "Договор", doc.Account.ContractNumber)
			} else {
				mustLine(t, text, "Плательщик", doc.Customer.FullName)
				mustLine(t, text, "Лицевой счёт", doc.Account.Number)
			}
			mustContain(t, text, "Приём показаний открыт до 25 ноября 2026", "8 800 200-83-05")
		})
	}
}

// TestInvoiceQR decodes the QR code on the printed page and compares it
// with the ГОСТ text byte for byte; its sum is what is due now: none for a
// paid bill or a credit, the rest for a partly paid one.
func TestInvoiceQR(t *testing.T) {
	needTool(t, "pdftoppm")
	needTool(t, "zbarimg")
	for _, tc := range invoiceCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			doc, inv := tc.doc, tc.inv
			want, err := gostqr.Payload(gostqr.Slip{Payee: inv.Payee, Account: doc.Account.Number, Period: inv.Period,
				Sum: qrSum(t, tc), Purpose: gostqr.Purpose(inv, doc.Account.Number)})
			if err != nil {
				t.Fatal(err)
			}
			data := render(t, func(b *bytes.Buffer) error { return Invoice(b, doc, inv.ID, testOpts) })
			png := renderPage(t, writeTemp(t, "invoice.pdf", data), 1, "-r", "150")
			cmd := exec.Command("zbarimg", "--raw", "-q", png)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("zbarimg: %v\n%s", err, stderr.Bytes())
			}
			got := strings.TrimSuffix(string(out), "\n")
			if got != want {
				t.Errorf("decoded QR\n got %q\nwant %q", got, want)
			}
		})
	}
}

// qrSum is the sum a case's QR code must ask for, worked out from the
// case's story rather than by the rule under test.
func qrSum(t *testing.T, tc invoiceCase) domain.Kopecks {
	t.Helper()
	switch tc.name {
	case "unpaid":
		return tc.inv.TotalDue
	case "partly paid":
		return tc.inv.TotalDue - domain.Rubles(500)
	case "credit":
		return 0
	}
	// The demo's bills: the newest asks for the balance's due, an older
	// one for nothing once paid.
	if paid := tc.doc.InvoicesPaid()[tc.inv.Period]; paid.State == domain.Paid {
		return 0
	}
	return tc.doc.Balance.Due
}

func TestInvoiceSizeAndDeterminism(t *testing.T) {
	doc := demoDocument(t, "100003", "1100034567")
	inv := latestInvoice(t, doc)
	a := render(t, func(b *bytes.Buffer) error { return Invoice(b, doc, inv.ID, testOpts) })
	b := render(t, func(b *bytes.Buffer) error { return Invoice(b, doc, inv.ID, testOpts) })
	if len(a) > 100<<10 {
		t.Errorf("the invoice is %d bytes, want at most 100 KB (are the fonts subset?)", len(a))
	}
	t.Logf("invoice: %d bytes", len(a))
	if !bytes.Equal(a, b) {
		t.Error("the same bill and clock gave different bytes")
	}
	if !bytes.Contains(a, []byte("/CreationDate (D:20261120140500")) {
		t.Error("the creation date is not the clock's")
	}
}

func TestInvoiceErrors(t *testing.T) {
	doc := demoDocument(t, "100001", "1100012345")
	var buf bytes.Buffer
	if err := Invoice(&buf, doc, "no-such-bill", testOpts); err == nil || !strings.Contains(err.Error(), "не найден") {
		t.Errorf("an unknown bill: %v", err)
	}
	if err := Invoice(&buf, &domain.AccountDocument{}, "1", testOpts); err == nil {
		t.Error("a document without an account printed")
	}
	if err := Invoice(&buf, nil, "1", testOpts); err == nil {
		t.Error("no document printed")
	}
	// A bill found by its number prints the same as by its ID.
	inv := latestInvoice(t, doc)
	byID := render(t, func(b *bytes.Buffer) error { return Invoice(b, doc, inv.ID, testOpts) })
	byNumber := render(t, func(b *bytes.Buffer) error { return Invoice(b, doc, inv.Number, testOpts) })
	if !bytes.Equal(byID, byNumber) {
		t.Error("the bill by number differs from the bill by ID")
	}
}

// TestInvoiceBadPayee prints a bill whose bank details cannot make a QR
// code: the bill still prints, saying so.
func TestInvoiceBadPayee(t *testing.T) {
	needTool(t, "pdftotext")
	doc := *demoDocument(t, "100001", "1100012345")
	doc.Invoices = append([]domain.Invoice(nil), doc.Invoices...)
	inv := latestInvoice(t, &doc)
	inv.Payee.BIC = "12345"
	data := render(t, func(b *bytes.Buffer) error { return Invoice(b, &doc, inv.ID, testOpts) })
	text := pdfText(t, writeTemp(t, "invoice.pdf", data), 0, 0)
	mustContain(t, text, "QR-код для оплаты не", "Итого к оплате")
	if strings.Contains(text, "Отсканируйте") {
		t.Error("the bill asks to scan a code it does not have")
	}
}

func TestWindowText(t *testing.T) {
	ws := domain.WindowState{Start: domain.Date{Year: 2026, Month: 11, Day: 18}, End: domain.Date{Year: 2026, Month: 11, Day: 25}}
	for _, tc := range []struct {
		today domain.Date
		want  string
	}{
		{domain.Date{Year: 2026, Month: 11, Day: 20}, "Приём показаний открыт до 25 ноября 2026 (осталось дней: 6)."},
		{domain.Date{Year: 2026, Month: 11, Day: 25}, "Приём показаний открыт до 25 ноября 2026 (осталось дней: 1)."},
		{domain.Date{Year: 2026, Month: 11, Day: 2}, "Показания принимаются с 18 по 25 ноября 2026."},
		// A document fetched in November and printed in December.
		{domain.Date{Year: 2026, Month: 12, Day: 3}, "Показания принимаются с 18 по 25 декабря 2026."},
		{domain.Date{Year: 2027, Month: 2, Day: 26}, "Показания принимаются с 18 по 25 марта 2027."},
	} {
		if got := windowText(ws, tc.today); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.today, got, tc.want)
		}
	}
	if got := windowText(domain.WindowState{}, domain.Date{Year: 2026, Month: 1, Day: 1}); got != "" {
		t.Errorf("no window: %q", got)
	}
}
