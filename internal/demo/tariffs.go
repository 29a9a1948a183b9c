package demo

import (
	"time"

	"kabinet/internal/domain"
)

// Tariff ids of the demo price lists.
const (
	tariffCity1  = "city-1"
	tariffCity2  = "city-2"
	tariffCity3  = "city-3"
	tariffRural1 = "rural-1"
	tariffStove3 = "stove-3"
	tariffLegal1 = "legal-1"
)

// tieredSince is the first year whose 1 July prices split household
// consumption into tiers (in Komi: up to 3 900 kWh a month, up to 6 000 and
// above).
const tieredSince = 2024

// Household tier bounds and how much dearer the upper tiers are, in percent
// of the first tier's price.
const (
	tier1UpTo    = 3900
	tier2UpTo    = 6000
	tier2Percent = 150
	tier3Percent = 190
	baseYear     = 2025
	unbounded    = 0 // Tier.UpTo of the last tier
)

// tariffSpec is a price list described by its prices from 1 July 2025;
// other years follow from the yearly rise.
type tariffSpec struct {
	id     string
	name   string
	group  domain.TariffGroup
	base   map[domain.Zone]int64 // kopecks per kWh from 1 July 2025
	tiered bool
}

var tariffSpecs = []tariffSpec{
	{tariffCity1, "Городское население, одноставочный тариф", domain.GroupCity,
		map[domain.Zone]int64{domain.T1: 583}, true},
	{tariffCity2, "Городское население, двухзонный тариф (день/ночь)", domain.GroupCity,
		map[domain.Zone]int64{domain.T1: 612, domain.T2: 352}, true},
	{tariffCity3, "Городское население, трёхзонный тариф (пик/полупик/ночь)", domain.GroupCity,
		map[domain.Zone]int64{domain.T1: 680, domain.T2: 583, domain.T3: 352}, true},
	{tariffRural1, "Сельское население, одноставочный тариф", domain.GroupRural,
		map[domain.Zone]int64{domain.T1: 408}, true},
	{tariffStove3, "Дома с электроплитами, трёхзонный тариф (пик/полупик/ночь)", domain.GroupElectricStove,
		map[domain.Zone]int64{domain.T1: 476, domain.T2: 408, domain.T3: 246}, true},
	{tariffLegal1, "Прочие потребители, первая ценовая категория, одноставочный тариф", "",
		map[domain.Zone]int64{domain.T1: 865}, false},
}

// rise is the percentage by which prices went up on 1 July of year y: 8 to
// 10 percent, as the yearly indexation of household tariffs goes.
func rise(y int) int64 { return 8 + int64(y%3) }

// priceIn carries a price of 1 July 2025 to the rate that started on 1 July
// of year y, rounding to the kopeck at every step as a tariff decision does.
func priceIn(base int64, y int) int64 {
	p := base
	for yy := baseYear + 1; yy <= y; yy++ {
		p = (p*(100+rise(yy)) + 50) / 100
	}
	for yy := baseYear; yy > y; yy-- {
		p = (p*100 + (100+rise(yy))/2) / (100 + rise(yy))
	}
	return p
}

func percentOf(p, pct int64) domain.Kopecks { return domain.Kopecks((p*pct + 50) / 100) }

// buildTariffs returns every demo tariff with a rate starting on 1 July of
// each year from fromYear to toYear.
func buildTariffs(fromYear, toYear int) []domain.Tariff {
	out := make([]domain.Tariff, 0, len(tariffSpecs))
	for _, s := range tariffSpecs {
		t := domain.Tariff{ID: s.id, Name: s.name, Zones: len(s.base), Group: s.group}
		for y := fromYear; y <= toYear; y++ {
			r := domain.Rate{ValidFrom: domain.Date{Year: y, Month: time.July, Day: 1}}
			tier := func(upTo int64, pct int64) domain.Tier {
				prices := map[domain.Zone]domain.Kopecks{}
				for z, b := range s.base {
					prices[z] = percentOf(priceIn(b, y), pct)
				}
				return domain.Tier{UpTo: upTo, Prices: prices}
			}
			if s.tiered && y >= tieredSince {
				r.Tiers = []domain.Tier{tier(tier1UpTo, 100), tier(tier2UpTo, tier2Percent), tier(unbounded, tier3Percent)}
			} else {
				r.Tiers = []domain.Tier{tier(unbounded, 100)}
			}
			t.Rates = append(t.Rates, r)
		}
		out = append(out, t)
	}
	return out
}

// tariffByID finds a tariff in ts.
func tariffByID(ts []domain.Tariff, id string) *domain.Tariff {
	for i := range ts {
		if ts[i].ID == id {
			return &ts[i]
		}
	}
	return nil
}

// payee is the supplier the bills are paid to.
var payee = domain.Payee{
	Name:        "ОАО «Коми энергосбытовая компания»",
	INN:         "1101301856",
	KPP:         "110101001",
	Account:     "40702810728000100563",
	BankName:    "Коми отделение № 8617 ПАО Сбербанк",
	BIC:         "048702640",
	CorrAccount: "30101810400000000640",
	Address:     "167000, Республика Коми, г. Сыктывкар, ул. Первомайская, д. 70",
	Phones:      "8 800 200-83-05 (звонок бесплатный)",
	Site:        "www.komiesc.ru",
	Email:       "info@komiesc.ru",
}
