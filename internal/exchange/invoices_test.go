package exchange_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"kabinet/internal/demo"
	"kabinet/internal/domain"
	"kabinet/internal/exchange"
	"kabinet/internal/portaldb"
	"kabinet/internal/portaldb/dbtest"
)

const (
	subscribed   = "1100023456" // Кузнецов: bills by e-mail
	unsubscribed = "1100012345" // Иванова: paper only
)

// thisMonth is the month the demo's history stops short of.
func thisMonth() domain.Period { return domain.DateOf(time.Now(), domain.Moscow).Period() }

// bill is a bill the billing system would issue for the account and
// period: 1 000 ₽ of electricity on top of 250 ₽ brought forward.
func bill(account string, p domain.Period) exchange.IssuedInvoice {
	inv := domain.Invoice{
		Number:   account + "-" + strings.ReplaceAll(p.String(), "-", ""),
		Period:   p,
		IssuedOn: p.AddMonths(1).First(),
		DueOn:    domain.NewDate(p.Year, p.Month+1, 10),
		Lines: []domain.InvoiceLine{{Service: "Электроснабжение", Zone: domain.T1, Previous: 1000_0, Current: 1150_0,
			Volume: 150_0, Unit: "кВт·ч", Price: 666, Amount: 999_00}},
		Recalculations: []domain.Recalculation{{Reason: "Округление", Amount: 1_00}},
		BroughtForward: 250_00,
		Charged:        1000_00,
		TotalDue:       1250_00,
	}
	return exchange.IssuedInvoice{Account: account, Invoice: inv}
}

// demoDB is a portal database with the demo customers (on PostgreSQL when
// KABINET_TEST_POSTGRES names one).
func demoDB(t *testing.T) *portaldb.DB {
	t.Helper()
	db := dbtest.Open(t, portaldb.Options{})
	// Passwords not hashed: the import does not need them.
	seed, err := demo.Build(time.Now(), func(string) (string, error) { return "not-a-hash", nil })
	if err == nil {
		err = db.LoadSeed(context.Background(), seed)
	}
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// importFile imports v written as the billing system's JSON file.
func importFile(t *testing.T, db *portaldb.DB, v any) (exchange.Imported, error) {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	bills, err := exchange.ReadInvoices(data)
	if err != nil {
		return exchange.Imported{}, err
	}
	return bills.Import(context.Background(), db)
}

// state is what an import may change: the mail jobs, and the invoices of
// the two accounts the tests bill.
func state(t *testing.T, db *portaldb.DB) string {
	t.Helper()
	ctx := context.Background()
	p, s, f, err := db.MailJobCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := fmt.Sprintf("jobs %d/%d/%d", p, s, f)
	for _, acc := range []string{subscribed, unsubscribed} {
		id, err := db.AccountIDByNumber(ctx, acc)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := db.AccountDocumentByID(ctx, id, domain.DefaultWindow)
		if err != nil {
			t.Fatal(err)
		}
		out += fmt.Sprintf(", %s: %d invoices, latest %s", acc, len(doc.Invoices), doc.Invoices[0].Period)
	}
	return out
}

// TestImportQueuesLettersOfSubscribers: the billing system's file is
// loaded; the subscribed account's bill is queued for e-mail, the other's
// is not.
func TestImportQueuesLettersOfSubscribers(t *testing.T) {
	db := demoDB(t)
	done, err := importFile(t, db, []exchange.IssuedInvoice{bill(subscribed, thisMonth()), bill(unsubscribed, thisMonth())})
	if err != nil {
		t.Fatal(err)
	}
	if done != (exchange.Imported{Invoices: 2, Letters: 1}) {
		t.Errorf("imported %+v, want 2 bills and 1 letter", done)
	}
	if got := state(t, db); !strings.HasPrefix(got, "jobs 1/0/0") || strings.Count(got, "latest "+thisMonth().String()) != 2 {
		t.Errorf("after the import: %s", got)
	}
}

// TestInvoicesImportAllOrNothing: a file with any mistake changes nothing,
// and the message says what to mend.
func TestImportIsAllOrNothing(t *testing.T) {
	db := demoDB(t)
	before := state(t, db)
	good := bill(subscribed, thisMonth())
	last := thisMonth().AddMonths(-1) // the demo's latest bill
	badTotal := bill(unsubscribed, thisMonth())
	badTotal.Invoice.TotalDue = 1_00
	negative := bill(unsubscribed, thisMonth())
	negative.Invoice.Lines[0].Amount, negative.Invoice.Charged, negative.Invoice.TotalDue = -999_00, -998_00, -748_00
	noPeriod := bill(unsubscribed, thisMonth())
	noPeriod.Invoice.Period, noPeriod.Invoice.Number = domain.Period{}, ""
	lateDue := bill(unsubscribed, thisMonth())
	lateDue.Invoice.DueOn = lateDue.Invoice.IssuedOn.AddDays(-1)

	for name, c := range map[string]struct {
		file any
		want []string
	}{
		"unknown account":         {[]exchange.IssuedInvoice{good, bill("1100099999", thisMonth())}, []string{"запись 2 (лицевой счёт 1100099999", "такого лицевого счёта нет"}},
		"twice in the file":       {[]exchange.IssuedInvoice{good, good}, []string{"запись 2", "уже есть в записи 1"}},
		"already in the database": {[]exchange.IssuedInvoice{good, bill(unsubscribed, last)}, []string{"запись 2 (лицевой счёт " + unsubscribed + ", " + last.String(), "уже загружен", "ничего не загружено"}},
		"sums do not add up":      {[]exchange.IssuedInvoice{good, badTotal}, []string{"запись 2", "к оплате (total_due_kop) 100 коп., а", "дают 125000 коп."}},
		"negative line":           {[]exchange.IssuedInvoice{negative}, []string{"строка 1: объём, цена и сумма не могут быть отрицательными"}},
		"missing fields":          {[]exchange.IssuedInvoice{noPeriod}, []string{"не указан расчётный период", "не указан номер счёта"}},
		"due before issued":       {[]exchange.IssuedInvoice{lateDue}, []string{"срок оплаты", "раньше даты выставления"}},
		"unknown field":           {[]map[string]any{{"account": subscribed, "invoce": good.Invoice}}, []string{"не читается", "invoce"}},
		"empty":                   {[]exchange.IssuedInvoice{}, []string{"нет ни одного счёта"}},
		"not an array":            {map[string]any{"account": subscribed}, []string{"не читается как JSON-массив"}},
	} {
		done, err := importFile(t, db, c.file)
		if err == nil {
			t.Errorf("%s: imported %+v", name, done)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: the message lacks %q:\n%v", name, w, err)
			}
		}
		if after := state(t, db); after != before {
			t.Errorf("%s: the database changed:\n%s\n%s", name, before, after)
		}
	}
}
