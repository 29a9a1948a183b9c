package pdf

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"kabinet/internal/domain"
)

// TestReceiptPage prints the receipt of a reading of a two-zone meter: one
// page that names the customer and the account, the meter, both values,
// the period, the day read, the Moscow time of acceptance and the receipt
// number, and says that the number confirms the reading was accepted.
func TestReceiptPage(t *testing.T) {
	needTool(t, "pdftotext")
	for _, c := range []struct{ customer, account string }{{"100001", "1100012345"}, {"100003", "1100034567"}} {
		doc := demoDocument(t, c.customer, c.account)
		m := doc.Meters[0]
		values := map[domain.Zone]domain.Decimal{}
		for i, z := range m.Zones {
			values[z.Code] = z.LastValue + domain.Decimal((i+1)*1234*domain.DecimalScale)
		}
		accepted := time.Date(2026, 11, 19, 7, 32, 0, 0, time.UTC) // 10:32 in Moscow
		r := domain.Reading{ID: "412", MeterID: m.ID, Period: domain.Period{Year: 2026, Month: 11}, TakenOn: domain.NewDate(2026, 11, 18),
			Source: domain.SourceCustomer, Status: domain.StatusAccepted, Values: values, SubmittedAt: accepted.Format(time.RFC3339)}
		data := render(t, func(b *bytes.Buffer) error { return Receipt(b, doc, r, testOpts) })
		path := writeTemp(t, "receipt.pdf", data)
		if n := pdfPages(t, path); n != 1 {
			t.Errorf("%s: %d pages, want one", c.account, n)
		}
		text := pdfText(t, path, 0, 0)
		mustContain(t, text, "Квитанция", "о приёме показаний", "№ 00412", doc.Customer.Number, doc.Customer.FullName,
			doc.Account.Number, m.Serial, "Ноябрь 2026", "18.11.2026", "19.11.2026 в 10:32",
			"номер квитанции 00412 подтверждает приём", supplierOf(doc))
		for _, z := range m.Zones {
			// pdftotext gives the narrow no-break space of thousands as a space.
			v := strings.ReplaceAll(values[z.Code].Format(m.FractionDigits), "\u202f", " ")
			mustContain(t, text, zoneLabel(z.Code, len(m.Zones)), v)
		}
		if dir := os.Getenv("KABINET_PDF_OUT"); dir != "" {
			os.WriteFile(dir+"/receipt-"+c.account+".pdf", data, 0o600)
		}
	}
}

// A reading without the portal's answer (still queued) has no receipt to
// print: Receipt refuses rather than print a paper that proves nothing.
func TestReceiptNeedsAnAcceptedReading(t *testing.T) {
	doc := demoDocument(t, "100001", "1100012345")
	queued := domain.Reading{MeterID: doc.Meters[0].ID, Status: domain.StatusQueued, Source: domain.SourceCustomer,
		Values: map[domain.Zone]domain.Decimal{domain.T1: 100}}
	if err := Receipt(&bytes.Buffer{}, doc, queued, testOpts); err == nil {
		t.Error("a queued reading got a receipt")
	}
}
