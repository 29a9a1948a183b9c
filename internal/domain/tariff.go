package domain

import (
	"fmt"
	"sort"
)

// RateOn returns the prices valid on day d: the latest Rate that started on
// or before d.
func (t *Tariff) RateOn(d Date) (Rate, bool) {
	var best Rate
	found := false
	for _, r := range t.Rates {
		if !r.ValidFrom.After(d) && (!found || r.ValidFrom.After(best.ValidFrom)) {
			best, found = r, true
		}
	}
	return best, found
}

// ChargeLine is the cost of one zone's volume within one consumption tier.
type ChargeLine struct {
	Zone   Zone    `json:"zone"`
	Tier   int     `json:"tier"`
	Volume Decimal `json:"volume_kwh"`
	Price  Kopecks `json:"price_kop"`
	Amount Kopecks `json:"amount_kop"`
}

// Charge is what a consumption costs at a tariff: the preview a person sees
// before sending a reading, and the lines of a bill.
type Charge struct {
	TariffID  string       `json:"tariff_id"`
	RateFrom  Date         `json:"rate_valid_from"`
	Lines     []ChargeLine `json:"lines"`
	Volume    Decimal      `json:"volume_kwh"`
	Total     Kopecks      `json:"total_kop"`
	Estimated bool         `json:"estimated"`
}

// Price computes the charge for consumption per zone on day d. With tiers,
// the month's total is split into the tiers' bands and each zone takes its
// share of every band in proportion to its part of the total, which is how
// differentiated household tariffs are applied to zone meters. Rounding is
// done so the zone volumes add up exactly.
func (t *Tariff) Price(consumption map[Zone]Decimal, d Date) (Charge, error) {
	rate, ok := t.RateOn(d)
	if !ok || len(rate.Tiers) == 0 {
		return Charge{}, fmt.Errorf("tariff %s has no prices on %s", t.ID, d)
	}
	zones := make([]Zone, 0, len(consumption))
	var total Decimal
	for z, v := range consumption {
		if v < 0 {
			return Charge{}, fmt.Errorf("negative consumption in zone %s", z)
		}
		zones = append(zones, z)
		total += v
	}
	sort.Slice(zones, func(i, j int) bool { return zones[i] < zones[j] })
	c := Charge{TariffID: t.ID, RateFrom: rate.ValidFrom, Volume: total}
	bands := splitIntoBands(total, rate.Tiers)
	vols := make([]Decimal, len(zones))
	for k, z := range zones {
		vols[k] = consumption[z]
	}
	shares := shareBands(vols, bands, total)
	for k, z := range zones {
		for i, band := range bands {
			if band == 0 {
				continue
			}
			part := shares[k][i]
			price, ok := rate.Tiers[i].Prices[z]
			if !ok {
				return Charge{}, fmt.Errorf("tariff %s has no price for zone %s", t.ID, z)
			}
			amount := Cost(part, price)
			c.Lines = append(c.Lines, ChargeLine{Zone: z, Tier: i + 1, Volume: part, Price: price, Amount: amount})
			c.Total += amount
		}
		if total == 0 {
			price := rate.Tiers[0].Prices[z]
			c.Lines = append(c.Lines, ChargeLine{Zone: z, Tier: 1, Price: price})
		}
	}
	return c, nil
}

// splitIntoBands returns how much of total falls in each tier.
func splitIntoBands(total Decimal, tiers []Tier) []Decimal {
	bands := make([]Decimal, len(tiers))
	rest := total
	lower := Decimal(0)
	for i, tier := range tiers {
		if rest <= 0 {
			break
		}
		if tier.UpTo == 0 || i == len(tiers)-1 {
			bands[i] = rest
			break
		}
		width := DecimalFromInt(tier.UpTo) - lower
		lower = DecimalFromInt(tier.UpTo)
		take := min(rest, width)
		if take < 0 {
			take = 0
		}
		bands[i] = take
		rest -= take
	}
	return bands
}

// shareBands divides every band among the zones in proportion to the zones'
// volumes. Each share is its exact value v·band/total rounded down or up to a
// hundredth, the roundings up chosen so that a zone's shares add up to its
// volume and a band's shares to the band: tier 1 of a bill never holds more
// than the tier's bound.
func shareBands(vols, bands []Decimal, total Decimal) [][]Decimal {
	shares := make([][]Decimal, len(vols))
	up := make([][]bool, len(vols))       // share rounded up
	fraction := make([][]bool, len(vols)) // exact share is not whole
	zoneNeed := make([]int64, len(vols))  // roundings up the zone still needs
	bandNeed := make([]int64, len(bands)) // roundings up the band still needs
	for j, b := range bands {
		bandNeed[j] = int64(b)
	}
	for i, v := range vols {
		shares[i] = make([]Decimal, len(bands))
		up[i] = make([]bool, len(bands))
		fraction[i] = make([]bool, len(bands))
		zoneNeed[i] = int64(v)
		for j, b := range bands {
			if total == 0 {
				continue
			}
			p := int64(v) * int64(b)
			shares[i][j] = Decimal(p / int64(total))
			fraction[i][j] = p%int64(total) != 0
			zoneNeed[i] -= int64(shares[i][j])
			bandNeed[j] -= int64(shares[i][j])
		}
	}
	// The fractions of a zone add up to what it needs, and so do those of
	// a band, so augmenting paths (a zone takes a band's rounding up from
	// another zone, which takes one elsewhere) always find a choice.
	var seen []bool
	var augment func(i int) bool
	augment = func(i int) bool {
		for j := range bands {
			if !fraction[i][j] || up[i][j] || seen[j] {
				continue
			}
			seen[j] = true
			if bandNeed[j] > 0 {
				bandNeed[j]--
				up[i][j] = true
				return true
			}
			for k := range vols {
				if up[k][j] && augment(k) {
					up[k][j], up[i][j] = false, true
					return true
				}
			}
		}
		return false
	}
	for i := range vols {
		for zoneNeed[i] > 0 {
			seen = make([]bool, len(bands))
			if !augment(i) {
				break
			}
			zoneNeed[i]--
		}
	}
	for i := range vols {
		for j := range bands {
			if up[i][j] {
				shares[i][j]++
			}
		}
	}
	return shares
}
