package domain

// Statement is the consumption statement («ведомость энергопотребления») of
// an account for a range of months, worked out from the accepted readings
// and the bills: for every meter (installed ones first, then those taken
// away) and zone, each month's reading at the start and the end, who took
// it and the volume, with the tariff and the charge of that month's bill;
// totals per calendar year and for the range. The window and the PDF draw
// the same Statement.
type Statement struct {
	From, To Period
	Series   []StatementSeries // only zones with months in the range
	Years    []StatementYear   // in order, only years with months
	Volume   Decimal
	Amount   Kopecks
	// Fraction is the most fraction digits of the series' meters, for
	// totals over several meters; Zones the most zones of a meter.
	Fraction int
	Zones    int
}

// StatementSeries is the months of one zone of one meter.
type StatementSeries struct {
	Meter     *Meter
	Zone      Zone
	ZoneIndex int // the zone's place on its meter, from 0
	Zones     int // how many zones the meter has
	Fraction  int // the meter's Fraction
	Months    []StatementMonth
	Volume    Decimal
	Amount    Kopecks
}

// StatementMonth is a month of one meter zone.
type StatementMonth struct {
	Period  Period
	TakenOn Date
	Start   Decimal // the register at the month's start: the previous reading
	End     Decimal
	Source  ReadingSource
	Volume  Decimal
	// Prices and Amount come from the month's bill, carried by the month's
	// last reading; Billed says whether the bill had a line for the zone.
	Prices []Kopecks
	Amount Kopecks
	Billed bool
}

// StatementYear is what was used and charged in a calendar year.
type StatementYear struct {
	Year   int
	Months int // months with readings
	Volume Decimal
	Amount Kopecks
}

// Fraction is how many fraction digits the meter's readings are shown with
// (0–2); a nil meter shows 2.
func (m *Meter) Fraction() int {
	if m == nil {
		return 2
	}
	return max(0, min(m.FractionDigits, 2))
}

// InRange reports whether from ≤ p ≤ to.
func (p Period) InRange(from, to Period) bool { return !p.Before(from) && !to.Before(p) }

// Statement works out the statement of the months from..to.
func (d *AccountDocument) Statement(from, to Period) Statement {
	st := Statement{From: from, To: to}
	readings := d.AcceptedReadings()
	// The latest bill of a month counts.
	bills := map[Period]*Invoice{}
	for i := range d.Invoices {
		inv := &d.Invoices[i]
		if old, ok := bills[inv.Period]; !ok || old.IssuedOn.Before(inv.IssuedOn) {
			bills[inv.Period] = inv
		}
	}
	var meters []*Meter
	for _, active := range []bool{true, false} {
		for i := range d.Meters {
			if d.Meters[i].Active() == active {
				meters = append(meters, &d.Meters[i])
			}
		}
	}
	years := map[int]*StatementYear{}
	yearMonths := map[Period]bool{}
	for _, m := range meters {
		var mine []Reading
		last := map[Period]int{} // the month's last reading carries its bill
		for _, r := range readings {
			if r.MeterID == m.ID {
				last[r.Period] = len(mine)
				mine = append(mine, r)
			}
		}
		zones := m.ZoneCodes()
		if len(zones) == 0 {
			zones = ZonesFor(1)
		}
		st.Zones = max(st.Zones, len(zones))
		for zi, z := range zones {
			s := StatementSeries{Meter: m, Zone: z, ZoneIndex: zi, Zones: len(zones), Fraction: m.Fraction()}
			var prev Decimal
			havePrev := false
			for i, r := range mine {
				end, ok := r.Values[z]
				if !ok {
					continue
				}
				used := r.Consumption[z]
				start := end - used
				if havePrev {
					start = prev
				}
				prev, havePrev = end, true
				if !r.Period.InRange(from, to) {
					continue
				}
				mo := StatementMonth{Period: r.Period, TakenOn: r.TakenOn, Start: start, End: end, Source: r.Source, Volume: used}
				if inv := bills[r.Period]; inv != nil && last[r.Period] == i {
					for _, l := range inv.Lines {
						if l.MeterSerial == m.Serial && (l.Zone == z || (l.Zone == "" && len(zones) == 1)) {
							mo.Prices = append(mo.Prices, l.Price)
							mo.Amount += l.Amount
							mo.Billed = true
						}
					}
				}
				s.Months = append(s.Months, mo)
				s.Volume += used
				s.Amount += mo.Amount
				y := years[r.Period.Year]
				if y == nil {
					y = &StatementYear{Year: r.Period.Year}
					years[r.Period.Year] = y
				}
				y.Volume += used
				y.Amount += mo.Amount
				if !yearMonths[r.Period] {
					yearMonths[r.Period] = true
					y.Months++
				}
			}
			if len(s.Months) > 0 {
				st.Fraction = max(st.Fraction, s.Fraction)
				st.Series = append(st.Series, s)
			}
		}
	}
	for y := from.Year; y <= to.Year; y++ {
		if t := years[y]; t != nil {
			st.Years = append(st.Years, *t)
			st.Volume += t.Volume
			st.Amount += t.Amount
		}
	}
	return st
}
