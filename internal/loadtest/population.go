package loadtest

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"kabinet/internal/demo"
	"kabinet/internal/domain"
	"kabinet/internal/portaldb"
)

// The load population: customer i has the customer number firstCustomer+i
// and one account, 77 followed by i in eight digits, with one single-rate
// meter. Everything about a customer follows from i, so a run knows the
// last reading of every meter without asking the database.
const (
	firstCustomer = 7_000_000
	// MaxAccounts is the largest population the numbering allows.
	MaxAccounts = 1_000_000
	// Password is the password of every load customer.
	Password = "счётчик в прихожей 7"
)

// customerNumber returns the customer number of customer i.
func customerNumber(i int) string { return strconv.Itoa(firstCustomer + i) }

// accountNumber returns the account number of customer i.
func accountNumber(i int) string { return fmt.Sprintf("77%08d", i) }

// customerIndex returns i for a load customer's number, or false for any
// other customer.
func customerIndex(number string) (int, bool) {
	n, err := strconv.Atoi(number)
	if err != nil || n < firstCustomer || n >= firstCustomer+MaxAccounts || strconv.Itoa(n) != number {
		return 0, false
	}
	return n - firstCustomer, true
}

// monthlyUse returns customer i's usual monthly consumption: 120–319 kWh.
func monthlyUse(i int) domain.Decimal {
	return domain.DecimalFromInt(120 + int64(i*31%200))
}

// seededLast returns the last reading the seed gives customer i's meter: at
// most 90 000 kWh on a six-digit register with one fraction digit, so a
// long run of submissions never reaches a rollover.
func seededLast(i int) domain.Decimal {
	return domain.DecimalFromInt(10_000+int64(i*7919%80_000)) + domain.Decimal(i%10*10)
}

// world is what every batch of the seed shares.
type world struct {
	today  domain.Date
	hash   string
	tariff domain.Tariff
	// first is the first batch: it carries the tariffs and public pages,
	// which later batches must not insert again.
	first *portaldb.Seed
}

// newWorld builds the shared part of the seed as of now, with the demo's
// tariffs and public pages. hash is the one password hash every customer
// gets: argon2id takes about 50 ms, 300 000 of them would take hours.
func newWorld(now time.Time, hash string) (*world, error) {
	d, err := demo.Build(now, func(string) (string, error) { return hash, nil })
	if err != nil {
		return nil, err
	}
	w := &world{today: domain.DateOf(now, domain.Moscow), hash: hash,
		first: &portaldb.Seed{Payee: d.Payee, Tariffs: d.Tariffs, News: d.News, About: d.About, Offices: d.Offices, FAQ: d.FAQ}}
	for _, t := range d.Tariffs {
		if t.Zones == 1 && t.Group == domain.GroupCity {
			w.tariff = t
			return w, nil
		}
	}
	return nil, errors.New("the demo data has no single-rate city tariff")
}

// batch returns the seed of the customers with the given indices; withShared
// adds the tariffs and public pages (the database's first batch).
func (w *world) batch(indices []int, withShared bool) *portaldb.Seed {
	s := &portaldb.Seed{Payee: w.first.Payee}
	if withShared {
		*s = *w.first
		s.Customers = nil
	}
	s.Customers = make([]portaldb.SeedCustomer, 0, len(indices))
	for _, i := range indices {
		s.Customers = append(s.Customers, w.customer(i))
	}
	return s
}

var (
	surnames    = []string{"Иванов", "Попов", "Кузнецов", "Лыткин", "Носков", "Игушев", "Канев", "Мартюшев", "Сидоров", "Терентьев"}
	givenNames  = []string{"Алексей", "Виктор", "Николай", "Сергей", "Андрей", "Михаил", "Павел", "Юрий"}
	patronymics = []string{"Петрович", "Иванович", "Семёнович", "Николаевич", "Андреевич", "Васильевич"}
	streets     = []string{"ул. Коммунистическая", "ул. Первомайская", "Октябрьский пр-т", "ул. Карла Маркса", "ул. Ленина", "ул. Орджоникидзе", "ул. Морозова"}
)

// customer returns customer i: a household with one flat, one meter, the
// readings of the two months before this one, last month's bill for the
// month before, and its payment.
func (w *world) customer(i int) portaldb.SeedCustomer {
	number := customerNumber(i)
	opened := domain.Date{Year: 2005, Month: time.January, Day: 10}.AddDays(i % 5000)
	installed := opened.AddDays(30 + i%700)
	acc := portaldb.SeedAccount{
		Account: domain.Account{
			Number:         accountNumber(i),
			ContractNumber: "ЭС-" + number,
			Title:          "Квартира",
			Address: fmt.Sprintf("167000, Республика Коми, г. Сыктывкар, %s, д. %d, кв. %d",
				streets[i%len(streets)], 1+i/200%150, 1+i%200),
			Residents:   1 + i%4,
			Area:        domain.DecimalFromInt(30 + int64(i%60)),
			TariffGroup: domain.GroupCity,
			OpenedOn:    opened,
		},
		Services:       []domain.Service{{Name: "Электроснабжение", Unit: "кВт·ч", TariffID: w.tariff.ID, Since: opened}},
		ContractValues: domain.ContractValues{Residents: 1 + i%4, NormPerResident: domain.DecimalFromInt(95)},
		Subscriptions:  domain.Subscriptions{SMSReminders: i%3 == 0},
	}
	last, use := seededLast(i), monthlyUse(i)
	thisMonth := w.today.Period()
	m := portaldb.SeedMeter{
		Meter: domain.Meter{Serial: strconv.Itoa(40_000_000 + i), Model: "Меркурий 201.8", Place: "Лестничная площадка, этажный щит",
			InstalledOn: installed, Digits: 6, FractionDigits: 1, VerifiedOn: installed.AddDays(-10), VerificationYears: 16},
		ZoneCount: 1,
	}
	// The history is read by an inspector and by the automatic system,
	// never sent by the customer: a run's own readings are the only ones
	// with source "customer", which is how the next run finds them.
	for k, src := range []domain.ReadingSource{domain.SourceInspector, domain.SourceAutomatic} {
		p := thisMonth.AddMonths(k - 2)
		v := last - use*domain.Decimal(1-k)
		m.Readings = append(m.Readings, domain.Reading{Period: p, TakenOn: p.First().AddDays(19), Source: src,
			Values: map[domain.Zone]domain.Decimal{domain.T1: v}, Consumption: map[domain.Zone]domain.Decimal{domain.T1: use}})
	}
	acc.Meters = []portaldb.SeedMeter{m}
	billed := thisMonth.AddMonths(-2)
	price := w.price(billed)
	amount := domain.Kopecks(int64(use) * int64(price) / domain.DecimalScale)
	acc.Invoices = []domain.Invoice{{
		Number: accountNumber(i) + "-" + billed.String(), Period: billed,
		IssuedOn: billed.AddMonths(1).First().AddDays(1), DueOn: billed.AddMonths(1).First().AddDays(9),
		Lines: []domain.InvoiceLine{{Service: "Электроснабжение", Zone: domain.T1, ZoneName: domain.ZoneName(domain.T1, 1),
			MeterSerial: m.Serial, Previous: last - 2*use, Current: last - use, Volume: use, Unit: "кВт·ч", Price: price, Amount: amount}},
		Charged: amount, TotalDue: amount,
	}}
	acc.Payments = []domain.Payment{{PaidOn: billed.AddMonths(1).First().AddDays(4 + i%5), Amount: amount,
		Channel: "Сбербанк Онлайн", Status: domain.PaymentCredited}}
	return portaldb.SeedCustomer{
		Customer: domain.Customer{
			Number:    number,
			Kind:      domain.Individual,
			FullName:  surnames[i%len(surnames)] + " " + givenNames[i/7%len(givenNames)] + " " + patronymics[i/11%len(patronymics)],
			BirthDate: domain.Date{Year: 1940 + i%60, Month: time.Month(1 + i%12), Day: 1 + i%28},
			Phone:     fmt.Sprintf("+7912%07d", i),
		},
		PasswordHash: w.hash,
		Accounts:     []portaldb.SeedAccount{acc},
	}
}

// price returns the first tier's price of the load tariff in period p.
func (w *world) price(p domain.Period) domain.Kopecks {
	var price domain.Kopecks
	for _, r := range w.tariff.Rates {
		if r.ValidFrom.Before(p.First().AddDays(1)) && len(r.Tiers) > 0 {
			price = r.Tiers[0].Prices[domain.T1]
		}
	}
	return price
}
