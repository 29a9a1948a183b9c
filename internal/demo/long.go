package demo

import (
	"fmt"
	"time"

	"kabinet/internal/domain"
	"kabinet/internal/portaldb"
)

// LongCustomer is the customer of LongHistory.
const LongCustomer = "300001"

// LongHistory returns a data set with one customer, LongCustomer (password
// Password), whose flat has years of monthly readings, invoices and
// payments: the account the app's store and sync benchmarks measure. It is
// not part of the demo.
func LongHistory(now time.Time, years int, hashPassword func(string) (string, error)) (*portaldb.Seed, error) {
	today := domain.DateOf(now, domain.Moscow)
	w := &world{today: today, tariffs: buildTariffs(today.Period().AddMonths(-years*12).Year-1, lastJulyYear(today))}
	c, err := w.sidorova(years)
	if err != nil {
		return nil, err
	}
	if c.PasswordHash, err = hashPassword(Password); err != nil {
		return nil, err
	}
	return &portaldb.Seed{Payee: payee, Tariffs: w.tariffs, Customers: []portaldb.SeedCustomer{c}}, nil
}

// longYears is how much history the demo's customer 300001 has.
const longYears = 10

// lastJulyYear is the year of the latest 1 July on or before today, when
// the tariffs last changed.
func lastJulyYear(today domain.Date) int {
	if today.Month < time.July {
		return today.Year - 1
	}
	return today.Year
}

// sidorova is LongCustomer: a flat in Pechora with years of monthly
// readings, bills and payments.
func (w *world) sidorova(years int) (portaldb.SeedCustomer, error) {
	today := w.today
	months := years * 12
	opened := w.yearsAgo(years+1, 40)
	acc := portaldb.SeedAccount{
		Account: domain.Account{Number: "3300012345", ContractNumber: "ЭС-300001", Title: "Квартира",
			Address: "169600, Республика Коми, г. Печора, ул. Гагарина, д. 51, кв. 3", Residents: 3,
			Area: 6120, TariffGroup: domain.GroupCity, OpenedOn: opened},
		Services:       service(tariffCity1, opened),
		ContractValues: domain.ContractValues{Residents: 3, NormPerResident: 9500},
	}
	installed := w.yearsAgo(years, 60)
	m := meterPlan{meter: domain.Meter{Serial: "10000001", Model: "Меркурий 201.8", InstalledOn: installed,
		Digits: 6, FractionDigits: 1, VerifiedOn: installed.AddDays(-10), VerificationYears: 16}, start: 1000_00}
	h := history{
		tariff: tariffByID(w.tariffs, tariffCity1), months: months, profile: seasonal(230, winter), noise: 60,
		shares: []int64{100}, source: domain.SourceCustomer, estimated: []int{15, 40, 77}, inspector: []int{4, 30, 66},
		channels: []channel{{chSberbank, 3}, {chPost, 2}}, dueDay: 10, service: electricity, seed: 300001,
	}
	if err := h.fill(&acc, []meterPlan{m}, today); err != nil {
		return portaldb.SeedCustomer{}, fmt.Errorf("long history: %w", err)
	}
	return portaldb.SeedCustomer{Customer: domain.Customer{Number: LongCustomer, Kind: domain.Individual,
		FullName: "Сидорова Анна Ивановна", BirthDate: domain.Date{Year: 1951, Month: time.May, Day: 9}, Phone: "+79121234599"},
		Accounts: []portaldb.SeedAccount{acc}}, nil
}
