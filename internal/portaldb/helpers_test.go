package portaldb_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"kabinet/internal/domain"
	"kabinet/internal/portaldb"
	"kabinet/internal/portaldb/dbtest"
)

// backend is where a test's database lives.
type backend struct {
	name string
	// location returns the DSN of a new, empty database, gone after t.
	location func(t testing.TB) string
}

func (b backend) open(t testing.TB, dsn string, opts portaldb.Options) *portaldb.DB {
	t.Helper()
	db, err := portaldb.Open(context.Background(), dsn, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// fresh opens a new, empty database.
func (b backend) fresh(t testing.TB, opts portaldb.Options) *portaldb.DB {
	t.Helper()
	return b.open(t, b.location(t), opts)
}

// eachBackend runs test on SQLite, and on PostgreSQL when
// KABINET_TEST_POSTGRES holds its URL.
func eachBackend(t *testing.T, test func(t *testing.T, b backend)) {
	backends := []backend{
		{"sqlite", func(t testing.TB) string { return filepath.Join(t.TempDir(), "portal.db") }},
		{"postgres", func(t testing.TB) string { return dbtest.NewSchema(t, os.Getenv(dbtest.EnvPostgres)) }},
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			if b.name == "postgres" && os.Getenv(dbtest.EnvPostgres) == "" {
				t.Skip("set " + dbtest.EnvPostgres + " to a PostgreSQL URL to run this on PostgreSQL too")
			}
			test(t, b)
		})
	}
}

// postgresOnly returns the PostgreSQL backend or skips t.
func postgresOnly(t *testing.T) backend {
	t.Helper()
	dsn := os.Getenv(dbtest.EnvPostgres)
	if dsn == "" {
		t.Skip("set " + dbtest.EnvPostgres + " to a PostgreSQL URL to run this")
	}
	return backend{"postgres", func(t testing.TB) string { return dbtest.NewSchema(t, dsn) }}
}

func date(s string) domain.Date     { d, _ := domain.ParseDate(s); return d }
func period(s string) domain.Period { p, _ := domain.ParsePeriod(s); return p }

// Numbers in the fixture.
const (
	customerA = "100001" // with an e-mail; two accounts
	customerB = "100002" // without an e-mail
	accountA1 = "1100011111"
	accountA2 = "1100012222"
	accountB  = "1100023333"
)

// fixture: customer A has an e-mail and two accounts (A1 subscribed to
// e-mailed bills), customer B none; every account has a single-zone meter
// with one reading of 12 000,0 in September 2026 and a two-zone meter.
func fixture() *portaldb.Seed {
	account := func(number string, emailBills bool) portaldb.SeedAccount {
		return portaldb.SeedAccount{
			Account:       domain.Account{Number: number, ContractNumber: "ЭС-" + number, Title: "Квартира", Address: "г. Сыктывкар", TariffGroup: domain.GroupCity, OpenedOn: date("2010-01-01")},
			Services:      []domain.Service{{Name: "Электроснабжение", Unit: "кВт·ч", TariffID: "city-1", Since: date("2010-01-01")}},
			Subscriptions: domain.Subscriptions{EmailBills: emailBills},
			Meters: []portaldb.SeedMeter{
				{Meter: domain.Meter{Serial: number + "-1", Model: "Меркурий 201.8", InstalledOn: date("2015-05-05"), Digits: 6, FractionDigits: 1}, ZoneCount: 1,
					Readings: []domain.Reading{{Period: period("2026-09"), TakenOn: date("2026-09-20"), Source: domain.SourceCustomer,
						Values: map[domain.Zone]domain.Decimal{domain.T1: 120000}, Consumption: map[domain.Zone]domain.Decimal{domain.T1: 1500}}}},
				{Meter: domain.Meter{Serial: number + "-2", Model: "Меркурий 200.02", InstalledOn: date("2018-01-01"), Digits: 5, FractionDigits: 1}, ZoneCount: 2,
					Readings: []domain.Reading{{Period: period("2026-09"), TakenOn: date("2026-09-21"), Source: domain.SourceCustomer,
						Values:   map[domain.Zone]domain.Decimal{domain.T1: 50000, domain.T2: 20000},
						Rollover: map[domain.Zone]bool{domain.T2: true}}}},
			},
			Payments: []domain.Payment{{PaidOn: date("2026-10-05"), Amount: 50000, Channel: "Сбербанк Онлайн", Status: domain.PaymentCredited}},
		}
	}
	return &portaldb.Seed{
		Payee: domain.Payee{Name: "ОАО «Коми энергосбытовая компания»", INN: "1101301856"},
		Tariffs: []domain.Tariff{{ID: "city-1", Name: "Одноставочный, город", Zones: 1, Group: domain.GroupCity,
			Rates: []domain.Rate{{ValidFrom: date("2025-07-01"), Tiers: []domain.Tier{{Prices: map[domain.Zone]domain.Kopecks{domain.T1: 583}}}}}}},
		Customers: []portaldb.SeedCustomer{
			{Customer: domain.Customer{Number: customerA, Kind: domain.Individual, FullName: "Иванова Мария Петровна", Phone: "+79121234567", Email: "ivanova@example.ru"},
				PasswordHash: "x", Accounts: []portaldb.SeedAccount{account(accountA1, true), account(accountA2, false)}},
			{Customer: domain.Customer{Number: customerB, Kind: domain.Individual, FullName: "Петров Иван Сергеевич", Phone: "+79127654321"},
				PasswordHash: "x", Accounts: []portaldb.SeedAccount{account(accountB, true)}},
		},
	}
}

// seeded opens a new database of b holding the fixture.
func seeded(t *testing.T, b backend, opts portaldb.Options) *portaldb.DB {
	t.Helper()
	db := b.fresh(t, opts)
	if err := db.LoadSeed(context.Background(), fixture()); err != nil {
		t.Fatal(err)
	}
	return db
}

// ref returns the account's reference.
func ref(t testing.TB, db *portaldb.DB, number string) portaldb.AccountRef {
	t.Helper()
	ctx := context.Background()
	id, err := db.AccountIDByNumber(ctx, number)
	if err != nil {
		t.Fatal(err)
	}
	var r portaldb.AccountRef
	err = db.Read(ctx, func(tx *portaldb.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT id, customer_id, number, seq, main_seq FROM accounts WHERE id = ?`, id).
			Scan(&r.ID, &r.CustomerID, &r.Number, &r.Seq, &r.MainSeq)
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// invoice is an invoice of the period.
func invoice(p string) domain.Invoice {
	return domain.Invoice{Number: "Счёт " + p, Period: period(p), IssuedOn: period(p).AddMonths(1).First().AddDays(1), DueOn: period(p).AddMonths(1).First().AddDays(9),
		Lines:   []domain.InvoiceLine{{Service: "Электроснабжение", Zone: domain.T1, Volume: 1500, Unit: "кВт·ч", Price: 583, Amount: 87450}},
		Charged: 87450, TotalDue: 87450}
}
