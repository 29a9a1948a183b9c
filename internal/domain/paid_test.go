package domain_test

import (
	"testing"
	"time"

	"kabinet/internal/domain"
)

// bills makes consecutive monthly bills from the first month with the
// charges given, each bill's opening debt worked out as the portal does:
// the previous one's, plus its charges, less the money credited in its month.
func bills(first domain.Period, opening domain.Kopecks, payments []domain.Payment, charges ...domain.Kopecks) []domain.Invoice {
	var out []domain.Invoice
	bf := opening
	for i, c := range charges {
		p := first.AddMonths(i)
		var paid domain.Kopecks
		for _, m := range payments {
			if m.Status == domain.PaymentCredited && m.PaidOn.Period() == p {
				paid += m.Amount
			}
		}
		out = append(out, domain.Invoice{Period: p, IssuedOn: p.AddMonths(1).First(), BroughtForward: bf,
			Charged: c, PaidInPeriod: paid, TotalDue: bf + c - paid})
		bf += c - paid
	}
	return out
}

func TestInvoicesPaidAllocatesOldestFirst(t *testing.T) {
	sep, oct, nov := domain.Period{Year: 2026, Month: 9}, domain.Period{Year: 2026, Month: 10}, domain.Period{Year: 2026, Month: 11}
	paid := func(m time.Month, d int, sum domain.Kopecks) domain.Payment {
		return domain.Payment{PaidOn: date(2026, m, d), Amount: sum, Status: domain.PaymentCredited}
	}
	type want struct {
		state     domain.PaidState
		remaining domain.Kopecks
		paidOn    domain.Date
	}
	none := domain.Date{}
	cases := []struct {
		name     string
		opening  domain.Kopecks
		payments []domain.Payment
		want     map[domain.Period]want
	}{
		{"nothing paid", 0, nil, map[domain.Period]want{
			sep: {domain.Unpaid, 100_00, none}, oct: {domain.Unpaid, 200_00, none}, nov: {domain.Unpaid, 300_00, none}}},
		{"one payment covers the oldest and part of the next", 0, []domain.Payment{paid(11, 5, 150_00)}, map[domain.Period]want{
			sep: {domain.Paid, 0, date(2026, 11, 5)}, oct: {domain.PartlyPaid, 150_00, none}, nov: {domain.Unpaid, 300_00, none}}},
		{"the payment that completes a bill dates it", 0, []domain.Payment{paid(10, 10, 100_00), paid(11, 10, 150_00), paid(11, 20, 50_00)}, map[domain.Period]want{
			sep: {domain.Paid, 0, date(2026, 10, 10)}, oct: {domain.Paid, 0, date(2026, 11, 20)}, nov: {domain.Unpaid, 300_00, none}}},
		{"pending payments do not count", 0, []domain.Payment{{PaidOn: date(2026, 12, 1), Amount: 600_00, Status: domain.PaymentPending}}, map[domain.Period]want{
			sep: {domain.Unpaid, 100_00, none}, oct: {domain.Unpaid, 200_00, none}, nov: {domain.Unpaid, 300_00, none}}},
		{"overpayment pays everything", 0, []domain.Payment{paid(12, 2, 1000_00)}, map[domain.Period]want{
			sep: {domain.Paid, 0, date(2026, 12, 2)}, oct: {domain.Paid, 0, date(2026, 12, 2)}, nov: {domain.Paid, 0, date(2026, 12, 2)}}},
		{"an older debt is paid first", 500_00, []domain.Payment{paid(10, 1, 550_00)}, map[domain.Period]want{
			sep: {domain.PartlyPaid, 50_00, none}, oct: {domain.Unpaid, 200_00, none}, nov: {domain.Unpaid, 300_00, none}}},
		{"a credit brought forward pays", -250_00, nil, map[domain.Period]want{
			sep: {domain.Paid, 0, none}, oct: {domain.PartlyPaid, 50_00, none}, nov: {domain.Unpaid, 300_00, none}}},
		{"money paid before a bill's month is in its opening debt", 0, []domain.Payment{paid(9, 20, 100_00), paid(11, 2, 200_00)}, map[domain.Period]want{
			sep: {domain.Paid, 0, date(2026, 9, 20)}, oct: {domain.Paid, 0, date(2026, 11, 2)}, nov: {domain.Unpaid, 300_00, none}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := domain.InvoicesPaid(bills(sep, c.opening, c.payments, 100_00, 200_00, 300_00), c.payments)
			if len(got) != len(c.want) {
				t.Fatalf("%d bills in the result, want %d", len(got), len(c.want))
			}
			for p, w := range c.want {
				g := got[p]
				if g.State != w.state || g.Remaining != w.remaining || g.PaidOn != w.paidOn {
					t.Errorf("%s: state %d, remaining %v, paid on %v; want %d, %v, %v", p, g.State, g.Remaining, g.PaidOn, w.state, w.remaining, w.paidOn)
				}
			}
		})
	}
}

// Recalculations and penalties are owed with the charges; a bill that asks
// for nothing is settled and its credit goes to the next.
func TestInvoicesPaidCountsRecalculationsAndPenalties(t *testing.T) {
	sep, oct := domain.Period{Year: 2026, Month: 9}, domain.Period{Year: 2026, Month: 10}
	invs := []domain.Invoice{
		{Period: sep, Charged: 100_00, Penalties: 5_00, Recalculations: []domain.Recalculation{{Reason: "x", Amount: -180_00}}},
		{Period: oct, BroughtForward: -75_00, Charged: 100_00},
	}
	got := domain.InvoicesPaid(invs, []domain.Payment{{PaidOn: date(2026, 10, 3), Amount: 5_00, Status: domain.PaymentCredited}})
	if g := got[sep]; g.State != domain.Paid {
		t.Errorf("a bill asking for nothing: %+v, want paid", g)
	}
	if g := got[oct]; g.State != domain.PartlyPaid || g.Remaining != 20_00 {
		t.Errorf("the next bill: %+v, want partly paid, 20 ₽ left", g)
	}
}
