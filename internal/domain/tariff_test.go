package domain_test

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"kabinet/internal/domain"
)

func flat(from domain.Date, prices map[domain.Zone]domain.Kopecks) domain.Rate {
	return domain.Rate{ValidFrom: from, Tiers: []domain.Tier{{Prices: prices}}}
}

func TestTariffRateOn(t *testing.T) {
	// Listed out of order on purpose: the choice must not depend on it.
	tr := &domain.Tariff{ID: "city-1", Zones: 1, Rates: []domain.Rate{
		flat(date(2025, 7, 1), map[domain.Zone]domain.Kopecks{domain.T1: 500}),
		flat(date(2026, 7, 1), map[domain.Zone]domain.Kopecks{domain.T1: 650}),
		flat(date(2026, 1, 1), map[domain.Zone]domain.Kopecks{domain.T1: 583}),
	}}
	tests := []struct {
		day   domain.Date
		found bool
		price domain.Kopecks
	}{
		{date(2020, 1, 1), false, 0},
		{date(2025, 6, 30), false, 0},
		{date(2025, 7, 1), true, 500},
		{date(2025, 12, 31), true, 500},
		{date(2026, 1, 1), true, 583},
		{date(2026, 6, 30), true, 583},
		{date(2026, 7, 1), true, 650},
		{date(2030, 1, 1), true, 650},
	}
	for _, tt := range tests {
		r, ok := tr.RateOn(tt.day)
		if ok != tt.found {
			t.Errorf("RateOn(%v): found %v, want %v", tt.day, ok, tt.found)
			continue
		}
		if ok && r.Tiers[0].Prices[domain.T1] != tt.price {
			t.Errorf("RateOn(%v) = rate from %v at %d kop, want %d kop", tt.day, r.ValidFrom, r.Tiers[0].Prices[domain.T1], tt.price)
		}
		if ok && r.ValidFrom.After(tt.day) {
			t.Errorf("RateOn(%v) = a rate starting later, on %v", tt.day, r.ValidFrom)
		}
	}
	if _, ok := (&domain.Tariff{}).RateOn(date(2026, 1, 1)); ok {
		t.Error("a tariff without rates has a rate")
	}
}

func TestTariffPriceSingleRate(t *testing.T) {
	tr := &domain.Tariff{ID: "city-1", Zones: 1, Rates: []domain.Rate{
		flat(date(2026, 1, 1), map[domain.Zone]domain.Kopecks{domain.T1: 583}),
	}}
	c, err := tr.Price(map[domain.Zone]domain.Decimal{domain.T1: kwh(t, "123.45")}, date(2026, 11, 20))
	if err != nil {
		t.Fatal(err)
	}
	// 123.45 kWh × 5.83 ₽ = 719.7135 ₽: 71 971 kop.
	if c.Total != 71971 || costRef(12345, 583) != 71971 {
		t.Errorf("total %d kop, want 71971", int64(c.Total))
	}
	if c.Volume != kwh(t, "123.45") || c.TariffID != "city-1" || c.RateFrom != date(2026, 1, 1) {
		t.Errorf("charge %+v", c)
	}
	want := domain.ChargeLine{Zone: domain.T1, Tier: 1, Volume: 12345, Price: 583, Amount: 71971}
	if len(c.Lines) != 1 || c.Lines[0] != want {
		t.Errorf("lines %+v, want [%+v]", c.Lines, want)
	}
}

func TestTariffPriceTwoZones(t *testing.T) {
	tr := &domain.Tariff{ID: "day-night", Zones: 2, Rates: []domain.Rate{
		flat(date(2026, 1, 1), map[domain.Zone]domain.Kopecks{domain.T1: 650, domain.T2: 320}),
	}}
	cons := map[domain.Zone]domain.Decimal{domain.T2: kwh(t, "80.25"), domain.T1: kwh(t, "150.5")}
	c, err := tr.Price(cons, date(2026, 11, 20))
	if err != nil {
		t.Fatal(err)
	}
	want := []domain.ChargeLine{
		{Zone: domain.T1, Tier: 1, Volume: 15050, Price: 650, Amount: domain.Kopecks(costRef(15050, 650))},
		{Zone: domain.T2, Tier: 1, Volume: 8025, Price: 320, Amount: domain.Kopecks(costRef(8025, 320))},
	}
	if len(c.Lines) != 2 || c.Lines[0] != want[0] || c.Lines[1] != want[1] {
		t.Fatalf("lines %+v, want %+v", c.Lines, want)
	}
	if c.Total != want[0].Amount+want[1].Amount || c.Volume != kwh(t, "230.75") {
		t.Errorf("total %d, volume %v", int64(c.Total), c.Volume)
	}
}

// tiered is a household tariff with a social norm: up to 3900 kWh a month
// at the lowest price, up to 6000 at a higher one, the rest at the highest.
func tiered(zones ...domain.Zone) *domain.Tariff {
	prices := func(base domain.Kopecks) map[domain.Zone]domain.Kopecks {
		m := map[domain.Zone]domain.Kopecks{}
		for i, z := range zones {
			m[z] = base - domain.Kopecks(100*i)
		}
		return m
	}
	return &domain.Tariff{ID: "tiered", Zones: len(zones), Rates: []domain.Rate{{
		ValidFrom: date(2026, 1, 1),
		Tiers: []domain.Tier{
			{UpTo: 3900, Prices: prices(583)},
			{UpTo: 6000, Prices: prices(700)},
			{Prices: prices(900)},
		},
	}}}
}

func TestTariffPriceTiers(t *testing.T) {
	tests := []struct {
		name  string
		total string
		parts []string // the volume of tiers 1, 2, 3
	}{
		{"below the first bound", "3000", []string{"3000"}},
		{"exactly the first bound", "3900", []string{"3900"}},
		{"a hundredth above it", "3900.01", []string{"3900", "0.01"}},
		{"in the second tier", "5000", []string{"3900", "1100"}},
		{"exactly the second bound", "6000", []string{"3900", "2100"}},
		{"in the third tier", "7000.5", []string{"3900", "2100", "1000.5"}},
	}
	prices := []domain.Kopecks{583, 700, 900}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := tiered(domain.T1).Price(map[domain.Zone]domain.Decimal{domain.T1: kwh(t, tt.total)}, date(2026, 11, 20))
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Lines) != len(tt.parts) {
				t.Fatalf("lines %+v, want %d", c.Lines, len(tt.parts))
			}
			var total domain.Kopecks
			for i, p := range tt.parts {
				v := kwh(t, p)
				want := domain.ChargeLine{Zone: domain.T1, Tier: i + 1, Volume: v, Price: prices[i], Amount: domain.Kopecks(costRef(int64(v), int64(prices[i])))}
				if c.Lines[i] != want {
					t.Errorf("line %d = %+v, want %+v", i, c.Lines[i], want)
				}
				total += want.Amount
			}
			if c.Total != total || c.Volume != kwh(t, tt.total) {
				t.Errorf("total %d kop, volume %v; want %d kop, %s", int64(c.Total), c.Volume, int64(total), tt.total)
			}
		})
	}
}

func TestTariffPriceTiersTwoZones(t *testing.T) {
	// 5000 kWh: 3900 in tier 1 and 1100 in tier 2. Day used 3/5 of it, night
	// 2/5, so day takes 2340 + 660 and night 1560 + 440.
	c, err := tiered(domain.T1, domain.T2).Price(map[domain.Zone]domain.Decimal{
		domain.T1: kwh(t, "3000"), domain.T2: kwh(t, "2000"),
	}, date(2026, 11, 20))
	if err != nil {
		t.Fatal(err)
	}
	want := []domain.ChargeLine{
		{Zone: domain.T1, Tier: 1, Volume: kwh(t, "2340"), Price: 583},
		{Zone: domain.T1, Tier: 2, Volume: kwh(t, "660"), Price: 700},
		{Zone: domain.T2, Tier: 1, Volume: kwh(t, "1560"), Price: 483},
		{Zone: domain.T2, Tier: 2, Volume: kwh(t, "440"), Price: 600},
	}
	if len(c.Lines) != len(want) {
		t.Fatalf("lines %+v, want %+v", c.Lines, want)
	}
	var total domain.Kopecks
	for i := range want {
		want[i].Amount = domain.Kopecks(costRef(int64(want[i].Volume), int64(want[i].Price)))
		if c.Lines[i] != want[i] {
			t.Errorf("line %d = %+v, want %+v", i, c.Lines[i], want[i])
		}
		total += want[i].Amount
	}
	if c.Total != total {
		t.Errorf("total %d, want %d", int64(c.Total), int64(total))
	}
}

// TestTariffPriceTierHoldsItsBand: three zones of 100 kWh each and a first
// tier up to 100 kWh. Each zone's exact share of tier 1 is 33.333… kWh; the
// shares must still add up to the tier's 100 kWh, not 99.99.
func TestTariffPriceTierHoldsItsBand(t *testing.T) {
	tr := &domain.Tariff{ID: "x", Rates: []domain.Rate{{ValidFrom: date(2026, 1, 1), Tiers: []domain.Tier{
		{UpTo: 100, Prices: map[domain.Zone]domain.Kopecks{domain.T1: 500, domain.T2: 400, domain.T3: 300}},
		{Prices: map[domain.Zone]domain.Kopecks{domain.T1: 700, domain.T2: 600, domain.T3: 500}},
	}}}}
	cons := map[domain.Zone]domain.Decimal{domain.T1: kwh(t, "100"), domain.T2: kwh(t, "100"), domain.T3: kwh(t, "100")}
	c, err := tr.Price(cons, date(2026, 11, 20))
	if err != nil {
		t.Fatal(err)
	}
	perTier := map[int]domain.Decimal{}
	perZone := map[domain.Zone]domain.Decimal{}
	for _, l := range c.Lines {
		perTier[l.Tier] += l.Volume
		perZone[l.Zone] += l.Volume
		if l.Tier == 1 && l.Volume != kwh(t, "33.33") && l.Volume != kwh(t, "33.34") {
			t.Errorf("tier-1 share %v of zone %s, want 33.33 or 33.34", l.Volume, l.Zone)
		}
	}
	if perTier[1] != kwh(t, "100") || perTier[2] != kwh(t, "200") {
		t.Errorf("tiers hold %v and %v kWh, want 100 and 200: %+v", perTier[1], perTier[2], c.Lines)
	}
	for z, v := range cons {
		if perZone[z] != v {
			t.Errorf("zone %s: parts add up to %v, want %v", z, perZone[z], v)
		}
	}
}

// TestTariffPriceTierSplitProperty prices random consumptions of meters with
// one to three zones at random tiered tariffs and checks the split against
// the rule: the month's total is cut into the tiers' bands, each zone takes
// its share of every band in proportion to its part of the total, rounded to
// a hundredth, the parts of a zone add up exactly to its volume and the parts
// in a tier exactly to the tier's band.
func TestTariffPriceTierSplitProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(2026, 11))
	allZones := []domain.Zone{domain.T1, domain.T2, domain.T3}
	for iter := range 20000 {
		zones := allZones[:1+rng.IntN(3)]
		// 1–4 tiers with increasing whole-kWh bounds; the last unbounded.
		nTiers := 1 + rng.IntN(4)
		var bounds []int64
		bound := int64(0)
		tiers := make([]domain.Tier, nTiers)
		for i := range tiers {
			tiers[i].Prices = map[domain.Zone]domain.Kopecks{}
			for _, z := range zones {
				tiers[i].Prices[z] = domain.Kopecks(100 + rng.IntN(1000))
			}
			if i < nTiers-1 {
				bound += 1 + rng.Int64N(500)
				tiers[i].UpTo = bound
				bounds = append(bounds, bound*100)
			}
		}
		tr := &domain.Tariff{ID: "random", Rates: []domain.Rate{{ValidFrom: date(2026, 1, 1), Tiers: tiers}}}

		cons := map[domain.Zone]domain.Decimal{}
		var total int64
		for _, z := range zones {
			var v int64
			switch rng.IntN(6) {
			case 0:
				v = 0
			case 1:
				v = rng.Int64N(10) // a few hundredths
			default:
				v = rng.Int64N(100_000)
			}
			cons[z] = domain.Decimal(v)
			total += v
		}
		// The bands, from the bounds alone.
		bands := make([]int64, nTiers)
		lower := int64(0)
		for i := range bands {
			upper := total
			if i < len(bounds) {
				upper = min(total, bounds[i])
			}
			bands[i] = max(0, upper-lower)
			lower = max(lower, upper)
		}

		c, err := tr.Price(cons, date(2026, 11, 20))
		if err != nil {
			t.Fatalf("#%d: %v", iter, err)
		}
		if int64(c.Volume) != total {
			t.Fatalf("#%d: volume %v, want %d hundredths", iter, c.Volume, total)
		}
		perZone := map[domain.Zone]int64{}
		perTier := make([]int64, nTiers)
		var amount domain.Kopecks
		for _, l := range c.Lines {
			if l.Volume < 0 {
				t.Fatalf("#%d: negative volume in %+v (consumption %v, bands %v)", iter, l, cons, bands)
			}
			if l.Tier < 1 || l.Tier > nTiers {
				t.Fatalf("#%d: line %+v in a tier that does not exist", iter, l)
			}
			if want := tiers[l.Tier-1].Prices[l.Zone]; l.Price != want {
				t.Fatalf("#%d: line %+v at %d kop, want %d", iter, l, int64(l.Price), int64(want))
			}
			if want := costRef(int64(l.Volume), int64(l.Price)); int64(l.Amount) != want {
				t.Fatalf("#%d: line %+v costs %d kop, want %d", iter, l, int64(l.Amount), want)
			}
			if total > 0 {
				// The exact proportional share, v·band/total, may be
				// missed by rounding, but by less than a hundredth.
				ideal := big.NewRat(int64(cons[l.Zone])*bands[l.Tier-1], total)
				diff := new(big.Rat).Sub(big.NewRat(int64(l.Volume), 1), ideal)
				if diff.Abs(diff).Cmp(big.NewRat(1, 1)) >= 0 {
					t.Fatalf("#%d: line %+v, proportional share %s (consumption %v, bands %v)", iter, l, ideal.FloatString(2), cons, bands)
				}
			}
			perZone[l.Zone] += int64(l.Volume)
			perTier[l.Tier-1] += int64(l.Volume)
			amount += l.Amount
		}
		for _, z := range zones {
			if perZone[z] != int64(cons[z]) {
				t.Fatalf("#%d: zone %s parts add up to %d, want %d: %+v", iter, z, perZone[z], int64(cons[z]), c.Lines)
			}
		}
		for i := range bands {
			if perTier[i] != bands[i] {
				t.Fatalf("#%d: tier %d holds %d hundredths, want %d: %+v", iter, i+1, perTier[i], bands[i], c.Lines)
			}
		}
		if amount != c.Total {
			t.Fatalf("#%d: lines add up to %d kop, total says %d", iter, int64(amount), int64(c.Total))
		}
	}
}

func TestTariffPriceZeroConsumption(t *testing.T) {
	for _, tr := range []*domain.Tariff{tiered(domain.T1), tiered(domain.T1, domain.T2)} {
		cons := map[domain.Zone]domain.Decimal{}
		for z := range tr.Rates[0].Tiers[0].Prices {
			cons[z] = 0
		}
		c, err := tr.Price(cons, date(2026, 11, 20))
		if err != nil {
			t.Fatal(err)
		}
		if c.Total != 0 || c.Volume != 0 {
			t.Errorf("zero consumption costs %d kop, volume %v", int64(c.Total), c.Volume)
		}
		for _, l := range c.Lines {
			if l.Volume != 0 || l.Amount != 0 || l.Tier != 1 {
				t.Errorf("line %+v for zero consumption", l)
			}
		}
	}
}

func TestTariffPriceErrors(t *testing.T) {
	dayOnly := &domain.Tariff{ID: "day-only", Rates: []domain.Rate{
		flat(date(2026, 1, 1), map[domain.Zone]domain.Kopecks{domain.T1: 650}),
	}}
	tests := []struct {
		name string
		tr   *domain.Tariff
		cons map[domain.Zone]domain.Decimal
		day  domain.Date
	}{
		{"zone without a price", dayOnly, map[domain.Zone]domain.Decimal{domain.T1: 10000, domain.T2: 5000}, date(2026, 11, 20)},
		{"zone without a price in the second tier", &domain.Tariff{ID: "x", Rates: []domain.Rate{{ValidFrom: date(2026, 1, 1), Tiers: []domain.Tier{
			{UpTo: 100, Prices: map[domain.Zone]domain.Kopecks{domain.T1: 500}},
			{Prices: map[domain.Zone]domain.Kopecks{domain.T2: 700}},
		}}}}, map[domain.Zone]domain.Decimal{domain.T1: kwh(t, "150")}, date(2026, 11, 20)},
		{"negative consumption", dayOnly, map[domain.Zone]domain.Decimal{domain.T1: -100}, date(2026, 11, 20)},
		{"negative in one of two zones", tiered(domain.T1, domain.T2), map[domain.Zone]domain.Decimal{domain.T1: 10000, domain.T2: -1}, date(2026, 11, 20)},
		{"before the first rate", dayOnly, map[domain.Zone]domain.Decimal{domain.T1: 10000}, date(2025, 12, 31)},
		{"a rate without tiers", &domain.Tariff{ID: "empty", Rates: []domain.Rate{{ValidFrom: date(2026, 1, 1)}}},
			map[domain.Zone]domain.Decimal{domain.T1: 10000}, date(2026, 11, 20)},
	}
	for _, tt := range tests {
		if c, err := tt.tr.Price(tt.cons, tt.day); err == nil {
			t.Errorf("%s: charge %+v, want an error", tt.name, c)
		}
	}
}
