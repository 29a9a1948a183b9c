package store

import (
	"strconv"
	"testing"
	"time"

	"kabinet/internal/domain"
)

var (
	testProfile = Profile{Portal: "https://lk.example.ru", Customer: "100200300"}
	otherPerson = Profile{Portal: "https://lk.example.ru", Customer: "555000111"}
	testAccount = "1100223344"
)

// fixedClock returns a clock stopped at a November morning in Moscow.
func fixedClock() func() time.Time {
	t := time.Date(2026, 11, 27, 15, 4, 5, 0, domain.Moscow)
	return func() time.Time { return t }
}

// openTestStore opens a store in a fresh t.TempDir() and closes it when the
// test ends.
func openTestStore(t testing.TB) *Store {
	t.Helper()
	s, err := Open(t.TempDir()+"/kabinet/store.db", Options{Now: fixedClock()})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// tenYearDocument is an account's document with monthly readings, invoices
// (1–3 lines each) and payments over the given number of months, in the
// server's order.
func tenYearDocument(months int) domain.AccountDocument {
	start := domain.Period{Year: 2016, Month: time.December}
	payee := domain.Payee{
		Name: "АО «Коми энергосбытовая компания»", INN: "1101301856", KPP: "110101001",
		Account: "40702810828000000123", BankName: "Коми отделение № 8617 ПАО Сбербанк",
		BIC: "048702640", CorrAccount: "30101810400000000640",
		Address: "167000, Республика Коми, г. Сыктывкар, ул. Первомайская, д. 70",
		Phones:  "8 800 200-83-81", Site: "https://komiesc.ru", Email: "info@komiesc.ru",
	}
	doc := domain.AccountDocument{
		Cursor:      "c-" + strconv.Itoa(months),
		GeneratedAt: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC),
		Account: &domain.Account{
			Number: testAccount, ContractNumber: "Д-77/2016", Title: "Квартира",
			Address: "г. Сыктывкар, ул. Коммунистическая, д. 1, кв. 5", Residents: 2,
			TariffGroup: domain.GroupCity, OpenedOn: domain.NewDate(2016, 12, 1),
		},
		Customer: &domain.Customer{Number: "100200300", Kind: domain.Individual, FullName: "Иванова Мария Петровна", Phone: "+79121234567"},
		Services: []domain.Service{{Name: "Электроснабжение", Unit: "кВт·ч", TariffID: "city-2", Since: domain.NewDate(2016, 12, 1)}},
		Balance:  domain.Balance{Debt: 123456, Due: 123456, DueOn: domain.NewDate(2026, 12, 10), AsOf: domain.NewDate(2026, 11, 20)},
		Meters: []domain.Meter{{
			ID: "7", Serial: "01234567", Model: "Меркурий 200", Digits: 6, FractionDigits: 1,
			InstalledOn: domain.NewDate(2016, 12, 1), VerifiedOn: domain.NewDate(2016, 11, 1), VerificationYears: 16,
			Zones: []domain.MeterZone{
				{Code: domain.T1, Name: "День", LastValue: domain.DecimalFromInt(int64(months * 150))},
				{Code: domain.T2, Name: "Ночь", LastValue: domain.DecimalFromInt(int64(months * 70))},
			},
		}},
	}
	for i := range months {
		p := start.AddMonths(i)
		id := strconv.Itoa(1000 + i)
		doc.Readings = append(doc.Readings, domain.Reading{
			ID: id, MeterID: "7", Period: p, TakenOn: domain.Date{Year: p.Year, Month: p.Month, Day: 20},
			Source: domain.SourceCustomer, Status: domain.StatusAccepted,
			Values:      map[domain.Zone]domain.Decimal{domain.T1: domain.DecimalFromInt(int64(i * 150)), domain.T2: domain.DecimalFromInt(int64(i * 70))},
			Consumption: map[domain.Zone]domain.Decimal{domain.T1: domain.DecimalFromInt(150), domain.T2: domain.DecimalFromInt(70)},
		})
		inv := domain.Invoice{
			ID: id, Number: "С-" + id, Period: p, IssuedOn: domain.Date{Year: p.Year, Month: p.Month, Day: 28},
			DueOn: p.AddMonths(1).First().AddDays(9), Payee: payee, Charged: 98765, TotalDue: 98765,
		}
		for l := range 1 + i%3 {
			inv.Lines = append(inv.Lines, domain.InvoiceLine{
				Service: "Электроснабжение", Zone: domain.ZonesFor(3)[l], ZoneName: "День", MeterSerial: "01234567",
				Previous: domain.DecimalFromInt(int64(i * 150)), Current: domain.DecimalFromInt(int64(i*150 + 150)),
				Volume: domain.DecimalFromInt(150), Unit: "кВт·ч", Price: 658, Amount: 98700,
			})
		}
		doc.Invoices = append([]domain.Invoice{inv}, doc.Invoices...) // period descending
		doc.Payments = append([]domain.Payment{{
			ID: id, PaidOn: domain.Date{Year: p.Year, Month: p.Month, Day: 5}, Amount: 98765,
			Channel: "Сбербанк Онлайн", Status: domain.PaymentCredited,
		}}, doc.Payments...) // paid_on descending
	}
	return doc
}
