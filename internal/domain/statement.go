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
	bills := d.latestBills()
	years := yearTotals{years: map[int]*StatementYear{}, months: map[Period]bool{}}
	for _, m := range d.metersInServiceFirst() {
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
					mo.bill(inv, m, z, len(zones) == 1)
				}
				s.Months = append(s.Months, mo)
				s.Volume += used
				s.Amount += mo.Amount
				years.add(mo)
			}
			if len(s.Months) > 0 {
				st.Fraction = max(st.Fraction, s.Fraction)
				st.Series = append(st.Series, s)
			}
		}
	}
	for y := from.Year; y <= to.Year; y++ {
		if t := years.years[y]; t != nil {
			st.Years = append(st.Years, *t)
			st.Volume += t.Volume
			st.Amount += t.Amount
		}
	}
	return st
}

// latestBills is the bill of each month: the latest issued counts.
func (d *AccountDocument) latestBills() map[Period]*Invoice {
	bills := map[Period]*Invoice{}
	for i := range d.Invoices {
		inv := &d.Invoices[i]
		if old, ok := bills[inv.Period]; !ok || old.IssuedOn.Before(inv.IssuedOn) {
			bills[inv.Period] = inv
		}
	}
	return bills
}

// metersInServiceFirst lists the meters, those in service first.
func (d *AccountDocument) metersInServiceFirst() []*Meter {
	var meters []*Meter
	for _, active := range []bool{true, false} {
		for i := range d.Meters {
			if d.Meters[i].Active() == active {
				meters = append(meters, &d.Meters[i])
			}
		}
	}
	return meters
}

// bill adds the lines of inv for meter m's zone z (a line without a zone
// is a single-zone meter's) to the month.
func (mo *StatementMonth) bill(inv *Invoice, m *Meter, z Zone, oneZone bool) {
	for _, l := range inv.Lines {
		if l.MeterSerial == m.Serial && (l.Zone == z || (l.Zone == "" && oneZone)) {
			mo.Prices = append(mo.Prices, l.Price)
			mo.Amount += l.Amount
			mo.Billed = true
		}
	}
}

// yearTotals adds up the months of a statement by year; a month of several
// meters or zones counts once.
type yearTotals struct {
	years  map[int]*StatementYear
	months map[Period]bool
}

func (t yearTotals) add(mo StatementMonth) {
	y := t.years[mo.Period.Year]
	if y == nil {
		y = &StatementYear{Year: mo.Period.Year}
		t.years[mo.Period.Year] = y
	}
	y.Volume += mo.Volume
	y.Amount += mo.Amount
	if !t.months[mo.Period] {
		t.months[mo.Period] = true
		y.Months++
	}
}
