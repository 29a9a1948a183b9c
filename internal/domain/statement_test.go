package domain

import (
	"testing"
	"time"
)

// statementDoc: a two-zone meter read from November 2025 to February 2026,
// with a bill for January (one line per zone) issued twice (the later one
// counts), and an old single-zone meter removed in November 2025.
func statementDoc() *AccountDocument {
	read := func(id, meter string, p Period, day int, src ReadingSource, t1, t2, c1, c2 Decimal) Reading {
		r := Reading{ID: id, MeterID: meter, Period: p, TakenOn: NewDate(p.Year, p.Month, day), Source: src, Status: StatusAccepted,
			Values: map[Zone]Decimal{T1: t1}, Consumption: map[Zone]Decimal{T1: c1}}
		if t2 != 0 {
			r.Values[T2], r.Consumption[T2] = t2, c2
		}
		return r
	}
	nov, dec, jan, feb := Period{2025, time.November}, Period{2025, time.December}, Period{2026, time.January}, Period{2026, time.February}
	return &AccountDocument{
		Meters: []Meter{
			{ID: "old", Serial: "111", FractionDigits: 1, RemovedOn: NewDate(2025, time.November, 10), Zones: []MeterZone{{Code: T1}}},
			{ID: "new", Serial: "222", FractionDigits: 2, Zones: []MeterZone{{Code: T1}, {Code: T2}}},
		},
		Readings: []Reading{
			read("1", "old", nov, 10, SourceInspector, 5000_00, 0, 100_00, 0),
			read("2", "new", nov, 25, SourceCustomer, 100_00, 50_00, 100_00, 50_00),
			read("3", "new", dec, 25, SourceCustomer, 250_00, 110_00, 150_00, 60_00),
			read("4", "new", jan, 20, SourceEstimated, 400_00, 180_00, 150_00, 70_00),
			read("5", "new", jan, 28, SourceCustomer, 420_00, 190_00, 20_00, 10_00), // a correction later in January
			{ID: "6", MeterID: "new", Period: feb, Status: StatusSuperseded, Values: map[Zone]Decimal{T1: 1, T2: 1}},
		},
		Invoices: []Invoice{
			{Period: jan, IssuedOn: NewDate(2026, time.February, 1), Lines: []InvoiceLine{{MeterSerial: "222", Zone: T1, Price: 500, Amount: 999}}},
			{Period: jan, IssuedOn: NewDate(2026, time.February, 3), Lines: []InvoiceLine{
				{MeterSerial: "222", Zone: T1, Price: 600, Amount: 170_00 * 6},
				{MeterSerial: "222", Zone: T2, Price: 300, Amount: 80_00 * 3},
			}},
		},
	}
}

func TestStatementFollowsReadingsAndBills(t *testing.T) {
	doc := statementDoc()
	st := doc.Statement(Period{2025, time.December}, Period{2026, time.February})

	// Installed meter first; the removed one has no month in the range.
	if len(st.Series) != 2 || st.Series[0].Meter.ID != "new" || st.Series[0].Zone != T1 || st.Series[1].Zone != T2 {
		t.Fatalf("series %+v", st.Series)
	}
	t1 := st.Series[0]
	if len(t1.Months) != 3 {
		t.Fatalf("T1 months %+v", t1.Months)
	}
	// December starts where November (outside the range) ended.
	if m := t1.Months[0]; m.Start != 100_00 || m.End != 250_00 || m.Volume != 150_00 || m.Billed {
		t.Errorf("December %+v", m)
	}
	// Two January readings: the first is not billed, the last carries the
	// later bill of the month.
	if m := t1.Months[1]; m.Billed || m.Amount != 0 || m.Start != 250_00 {
		t.Errorf("first January reading %+v", m)
	}
	if m := t1.Months[2]; !m.Billed || m.Amount != 170_00*6 || len(m.Prices) != 1 || m.Prices[0] != 600 || m.Start != 400_00 || m.End != 420_00 {
		t.Errorf("last January reading %+v", m)
	}
	if t1.Volume != 150_00+150_00+20_00 || t1.Amount != 170_00*6 || t1.Fraction != 2 {
		t.Errorf("T1 totals %+v", t1)
	}
	// Years: 2025 has December only, 2026 has January (counted once for
	// two readings and two zones).
	want := []StatementYear{
		{Year: 2025, Months: 1, Volume: 150_00 + 60_00},
		{Year: 2026, Months: 1, Volume: 150_00 + 20_00 + 70_00 + 10_00, Amount: 170_00*6 + 80_00*3},
	}
	if len(st.Years) != 2 || st.Years[0] != want[0] || st.Years[1] != want[1] {
		t.Errorf("years %+v, want %+v", st.Years, want)
	}
	if st.Volume != want[0].Volume+want[1].Volume || st.Amount != want[1].Amount || st.Zones != 2 || st.Fraction != 2 {
		t.Errorf("totals %+v", st)
	}
}

func TestStatementOfTheRemovedMetersMonth(t *testing.T) {
	st := statementDoc().Statement(Period{2025, time.November}, Period{2025, time.November})
	if len(st.Series) != 3 || st.Series[2].Meter.ID != "old" || st.Series[2].Fraction != 1 {
		t.Fatalf("series %+v", st.Series)
	}
	// The first reading of a meter starts at its value minus what it counted.
	if m := st.Series[2].Months[0]; m.Start != 4900_00 || m.End != 5000_00 {
		t.Errorf("old meter %+v", m)
	}
	if y := st.Years; len(y) != 1 || y[0].Months != 1 || y[0].Volume != 100_00+100_00+50_00 {
		t.Errorf("years %+v", y)
	}
}
