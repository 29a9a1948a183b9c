package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"kabinet/internal/domain"
	"kabinet/internal/portaldb"
)

// history describes how to invent an account's past the way a billing
// system would have recorded it: a reading, an invoice and usually a
// payment for every month up to the previous one. Months are counted back
// from the current month: ago 1 is the previous month.
type history struct {
	tariff *domain.Tariff
	months int
	// profile is the mean monthly consumption in whole kWh by calendar
	// month (January first); noise is the spread around it in per mille.
	profile [12]int64
	noise   int
	// shares is each zone's part of the consumption in percent; its length
	// is the number of zones of the meters.
	shares []int64
	// source is who usually reads the meter; estimated and inspector list
	// the months that went differently.
	source    domain.ReadingSource
	estimated []int
	inspector []int
	// replace, when set, is the month and day the first meter was replaced
	// by the second.
	replace *replacement
	// unpaid is the month whose invoice was not paid (0: none); the next
	// invoice then carries the debt and a penalty.
	unpaid int
	recalc *recalculation
	// channels are the payment channels with their weights; roundUp is the
	// chance in percent that a payment is a round sum above the bill.
	channels []channel
	roundUp  int
	// dueDay is the day of the month after the period an invoice is due
	// on; it is issued on one of the first issueDays days.
	dueDay  int
	service string
	seed    uint64
}

type replacement struct{ ago, day int }

// recalculation credits an invoice (month ago) for volume kWh of the month
// forAgo, with the reason named after that month.
type recalculation struct {
	ago, forAgo int
	volume      domain.Decimal
	reason      string // a format with %s for «март 2026»
}

type channel struct {
	name   string
	weight int
}

// meterPlan is a meter with its register value (the same in every zone)
// before the history starts or at its installation, in hundredths of a kWh:
// 18234_50 is 18 234,50 kWh. The meters of one account have registers of
// the same resolution.
type meterPlan struct {
	meter domain.Meter
	start domain.Decimal
}

const (
	issueDays         = 3
	penaltyKeyRate    = 95  // the 9.5 % rate fixed for housing debts, in tenths of a percent
	penaltyFraction   = 300 // 1/300 of the rate per day
	estimateOverMonth = 6   // months averaged for an estimated reading
)

// fill writes the meters, readings, invoices and payments of acc.
func (h *history) fill(acc *portaldb.SeedAccount, plans []meterPlan, today domain.Date) error {
	rng := rand.New(rand.NewPCG(h.seed, 0x4b6f6d69))
	cur := today.Period()
	zones := domain.ZonesFor(len(h.shares))

	acc.Meters = make([]portaldb.SeedMeter, len(plans))
	for i, p := range plans {
		acc.Meters[i] = portaldb.SeedMeter{Meter: p.meter, ZoneCount: len(zones)}
	}
	active := 0
	unit := unitOf(&plans[0].meter)
	actual := uniform(zones, plans[0].start)   // what the register shows
	recorded := uniform(zones, plans[0].start) // the last accepted reading
	var past []map[domain.Zone]domain.Decimal  // real monthly consumption, for estimates
	var prev *domain.Invoice
	prevUnpaid := false

	for ago := h.months; ago >= 1; ago-- {
		per := cur.AddMonths(-ago)
		used := h.consumption(per, rng, zones, unit)
		billed := &acc.Meters[active]
		previous := clone(recorded)
		var r domain.Reading

		if h.replace != nil && ago == h.replace.ago {
			// The old meter is read and taken away part-way through the
			// month; what is used afterwards runs up the new one.
			day := domain.NewDate(per.Year, per.Month, h.replace.day)
			before := scale(used, int64(h.replace.day), int64(per.Last().Day), unit)
			add(actual, before)
			r = reading(per, day, domain.SourceInspector, actual, recorded)
			billed.RemovedOn = day
			billed.ReplacedBy = active + 1
			active++
			next := &acc.Meters[active]
			next.InstalledOn = day
			start := uniform(zones, plans[active].start)
			next.Readings = append(next.Readings, reading(per, day, domain.SourceInitial, start, start))
			rest := clone(used)
			sub(rest, before)
			actual, recorded = clone(start), clone(start)
			add(actual, rest)
		} else {
			add(actual, used)
			src := h.source
			switch {
			case slices.Contains(h.estimated, ago):
				src = domain.SourceEstimated
			case slices.Contains(h.inspector, ago):
				src = domain.SourceInspector
			}
			values := actual
			if src == domain.SourceEstimated {
				values = estimate(past, recorded, actual, used, unit)
			} else {
				past = append(past, used)
			}
			r = reading(per, takenOn(per, src, rng), src, values, recorded)
			recorded = clone(r.Values)
		}
		billed.Readings = append(billed.Readings, r)

		after := per.AddMonths(1)
		issued := domain.NewDate(after.Year, after.Month, 1+rng.IntN(issueDays))
		if issued.After(today) {
			issued = today
		}
		inv, err := h.invoice(acc, ago, issued, billed, r, previous, prev, prevUnpaid)
		if err != nil {
			return fmt.Errorf("account %s, %s: %w", acc.Number, per, err)
		}
		acc.Invoices = append(acc.Invoices, inv)
		prev = &acc.Invoices[len(acc.Invoices)-1]
		prevUnpaid = ago == h.unpaid
		if !prevUnpaid {
			if p, ok := h.payment(prev, today, rng); ok {
				acc.Payments = append(acc.Payments, p)
			}
		}
	}
	for i := range acc.Meters {
		fillZones(&acc.Meters[i])
	}
	return nil
}

// invoice bills reading r of meter m for the month ago months back, issued
// on issued. The previous invoice's total is brought forward, less the
// payments made since it was issued.
func (h *history) invoice(acc *portaldb.SeedAccount, ago int, issued domain.Date, m *portaldb.SeedMeter, r domain.Reading,
	previous map[domain.Zone]domain.Decimal, prev *domain.Invoice, prevUnpaid bool) (domain.Invoice, error) {
	per := r.Period
	charge, err := h.tariff.Price(r.Consumption, per.Last())
	if err != nil {
		return domain.Invoice{}, err
	}
	after := per.AddMonths(1)
	inv := domain.Invoice{
		Number:   fmt.Sprintf("%s-%04d%02d", acc.Number, per.Year, per.Month),
		Period:   per,
		IssuedOn: issued,
		DueOn:    domain.NewDate(after.Year, after.Month, h.dueDay),
		Payee:    payee,
	}
	for _, l := range charge.Lines {
		for _, other := range inv.Lines {
			if other.Zone == l.Zone {
				// A zone split over tiers would need a line per tier with
				// no readings; the demo households stay in the first.
				return domain.Invoice{}, fmt.Errorf("zone %s falls into tier %d", l.Zone, l.Tier)
			}
		}
		inv.Lines = append(inv.Lines, domain.InvoiceLine{
			Service:     h.service,
			Zone:        l.Zone,
			ZoneName:    domain.ZoneName(l.Zone, m.ZoneCount),
			MeterSerial: m.Serial,
			Previous:    previous[l.Zone],
			Current:     r.Values[l.Zone],
			Volume:      l.Volume,
			Unit:        "кВт·ч",
			Price:       l.Price,
			Amount:      l.Amount,
		})
	}
	if rc := h.recalc; rc != nil && rc.ago == ago {
		of := per.AddMonths(ago - rc.forAgo)
		c, err := h.tariff.Price(map[domain.Zone]domain.Decimal{domain.T1: rc.volume}, of.Last())
		if err != nil {
			return domain.Invoice{}, err
		}
		inv.Recalculations = append(inv.Recalculations, domain.Recalculation{Reason: fmt.Sprintf(rc.reason, of.Russian()), Amount: -c.Total})
	}
	if prev != nil {
		inv.BroughtForward = prev.TotalDue
		for _, p := range acc.Payments {
			if !p.PaidOn.Before(prev.IssuedOn) && p.PaidOn.Before(inv.IssuedOn) {
				inv.PaidInPeriod += p.Amount
			}
		}
		if prevUnpaid && prev.TotalDue > 0 {
			days := int64(prev.DueOn.DaysUntil(inv.IssuedOn))
			inv.Penalties = domain.Kopecks((int64(prev.TotalDue)*days*penaltyKeyRate + 500*penaltyFraction) / (1000 * penaltyFraction))
		}
	}
	for _, l := range inv.Lines {
		inv.Charged += l.Amount
	}
	for _, rc := range inv.Recalculations {
		inv.Charged += rc.Amount
	}
	inv.TotalDue = inv.BroughtForward + inv.Charged + inv.Penalties - inv.PaidInPeriod
	return inv, nil
}

// payment pays inv a few days before it is due (now and then a little
// after), when that day has come. It falls between this invoice's issue
// and the next one's, so the next invoice counts it as paid in its period.
func (h *history) payment(inv *domain.Invoice, today domain.Date, rng *rand.Rand) (domain.Payment, bool) {
	ch := pick(h.channels, rng)
	var paid domain.Date
	if rng.IntN(10) == 0 {
		paid = inv.DueOn.AddDays(1 + rng.IntN(8))
	} else {
		paid = inv.DueOn.AddDays(-1 - rng.IntN(6))
	}
	if paid.Before(inv.IssuedOn) {
		paid = inv.IssuedOn
	}
	amount := inv.TotalDue
	if rng.IntN(100) < h.roundUp {
		amount = (amount + 9999) / 10000 * 10000
	}
	if amount <= 0 || paid.After(today) {
		return domain.Payment{}, false
	}
	return domain.Payment{PaidOn: paid, Amount: amount, Channel: ch, Status: domain.PaymentCredited}, true
}

// consumption invents a month's use per zone, in whole units of the meter.
func (h *history) consumption(per domain.Period, rng *rand.Rand, zones []domain.Zone, unit domain.Decimal) map[domain.Zone]domain.Decimal {
	mean := h.profile[per.Month-1] * domain.DecimalScale
	total := mean * int64(1000-h.noise+rng.IntN(2*h.noise+1)) / 1000
	out := make(map[domain.Zone]domain.Decimal, len(zones))
	rest := total
	for i, z := range zones {
		if i == len(zones)-1 {
			out[z] = roundTo(domain.Decimal(rest), unit)
			break
		}
		share := h.shares[i]*10 - 20 + int64(rng.IntN(41)) // ± 2 percentage points
		part := total * share / 1000
		out[z] = roundTo(domain.Decimal(part), unit)
		rest -= part
	}
	return out
}

// estimate is the reading the supplier books when none arrived: the last
// reading plus the average monthly use, never above what the meter really
// shows, so the next real reading is not lower.
func estimate(past []map[domain.Zone]domain.Decimal, recorded, actual, used map[domain.Zone]domain.Decimal, unit domain.Decimal) map[domain.Zone]domain.Decimal {
	recent := past[max(0, len(past)-estimateOverMonth):]
	out := make(map[domain.Zone]domain.Decimal, len(recorded))
	for z, v := range recorded {
		avg := used[z]
		if len(recent) > 0 {
			var sum domain.Decimal
			for _, p := range recent {
				sum += p[z]
			}
			avg = roundTo(sum/domain.Decimal(len(recent)), unit)
		}
		out[z] = v + min(avg, actual[z]-v)
	}
	return out
}

// takenOn is the day a reading of source src was taken in per: customers
// send readings in the window (18th–25th), inspectors come earlier in the
// month, automatic and estimated readings are as of the month's end.
func takenOn(per domain.Period, src domain.ReadingSource, rng *rand.Rand) domain.Date {
	switch src {
	case domain.SourceCustomer:
		return domain.Date{Year: per.Year, Month: per.Month, Day: 18 + rng.IntN(8)}
	case domain.SourceInspector:
		return domain.Date{Year: per.Year, Month: per.Month, Day: 8 + rng.IntN(10)}
	}
	return per.Last()
}

func reading(per domain.Period, on domain.Date, src domain.ReadingSource, values, previous map[domain.Zone]domain.Decimal) domain.Reading {
	r := domain.Reading{
		Period:      per,
		TakenOn:     on,
		Source:      src,
		Status:      domain.StatusAccepted,
		Values:      clone(values),
		Consumption: make(map[domain.Zone]domain.Decimal, len(values)),
	}
	for z, v := range values {
		r.Consumption[z] = v - previous[z]
	}
	return r
}

// fillZones sets the meter's zones with their last accepted values, as the
// portal shows them; the loader works them out again from the readings.
func fillZones(m *portaldb.SeedMeter) {
	m.Zones = nil
	var last *domain.Reading
	if n := len(m.Readings); n > 0 {
		last = &m.Readings[n-1]
	}
	for _, z := range domain.ZonesFor(m.ZoneCount) {
		mz := domain.MeterZone{Code: z, Name: domain.ZoneName(z, m.ZoneCount)}
		if last != nil {
			mz.LastValue, mz.LastDate, mz.LastSource = last.Values[z], last.TakenOn, last.Source
		}
		m.Zones = append(m.Zones, mz)
	}
	m.NextVerification = m.NextVerificationDate()
}

func pick(cs []channel, rng *rand.Rand) string {
	total := 0
	for _, c := range cs {
		total += c.weight
	}
	n := rng.IntN(total)
	for _, c := range cs {
		if n < c.weight {
			return c.name
		}
		n -= c.weight
	}
	return cs[len(cs)-1].name
}

// unitOf is the smallest step of the meter's register in hundredths.
func unitOf(m *domain.Meter) domain.Decimal {
	if m.FractionDigits >= 2 {
		return 1
	}
	if m.FractionDigits == 1 {
		return 10
	}
	return 100
}

func roundTo(v, unit domain.Decimal) domain.Decimal { return (v + unit/2) / unit * unit }

// scale returns v·num/den per zone, in whole units.
func scale(v map[domain.Zone]domain.Decimal, num, den int64, unit domain.Decimal) map[domain.Zone]domain.Decimal {
	out := make(map[domain.Zone]domain.Decimal, len(v))
	for z, x := range v {
		out[z] = roundTo(domain.Decimal(int64(x)*num/den), unit)
	}
	return out
}

func uniform(zones []domain.Zone, v domain.Decimal) map[domain.Zone]domain.Decimal {
	out := make(map[domain.Zone]domain.Decimal, len(zones))
	for _, z := range zones {
		out[z] = v
	}
	return out
}

func clone(v map[domain.Zone]domain.Decimal) map[domain.Zone]domain.Decimal {
	out := make(map[domain.Zone]domain.Decimal, len(v))
	for z, x := range v {
		out[z] = x
	}
	return out
}

func add(dst, v map[domain.Zone]domain.Decimal) {
	for z, x := range v {
		dst[z] += x
	}
}

func sub(dst, v map[domain.Zone]domain.Decimal) {
	for z, x := range v {
		dst[z] -= x
	}
}
