package domain_test

import (
	"time"

	"testing"

	"kabinet/internal/domain"
)

func TestInvoicesPaidAllocatesOldestFirst(t *testing.T) {
	sep, oct, nov := domain.Period{Year: 2026, Month: 9}, domain.Period{Year: 2026, Month: 10}, domain.Period{Year: 2026, Month: 11}
	bill := func(p domain.Period, charged, broughtForward domain.Kopecks) domain.Invoice {
		return domain.Invoice{Period: p, IssuedOn: p.AddMonths(1).First(), Charged: charged, BroughtForward: broughtForward}
	}
	paid := func(y int, m time.Month, d int, sum domain.Kopecks) domain.Payment {
		return domain.Payment{PaidOn: date(y, m, d), Amount: sum, Status: domain.PaymentCredited}
	}
	three := []domain.Invoice{bill(nov, 300_00, 0), bill(sep, 100_00, 0), bill(oct, 200_00, 0)} // any order
	type want struct {
		state     domain.PaidState
		remaining domain.Kopecks
		paidOn    domain.Date
	}
	cases := []struct {
		name     string
		invoices []domain.Invoice
		payments []domain.Payment
		want     map[domain.Period]want
	}{
		{"nothing paid", three, nil, map[domain.Period]want{
			sep: {domain.Unpaid, 100_00, domain.Date{}}, oct: {domain.Unpaid, 200_00, domain.Date{}}, nov: {domain.Unpaid, 300_00, domain.Date{}}}},
		{"one payment covers the oldest and part of the next", three, []domain.Payment{paid(2026, 11, 5, 150_00)}, map[domain.Period]want{
			sep: {domain.Paid, 0, date(2026, 11, 5)}, oct: {domain.PartlyPaid, 150_00, domain.Date{}}, nov: {domain.Unpaid, 300_00, domain.Date{}}}},
		{"the payment that completes a bill dates it", three, []domain.Payment{paid(2026, 10, 10, 100_00), paid(2026, 11, 10, 150_00), paid(2026, 11, 20, 50_00)}, map[domain.Period]want{
			sep: {domain.Paid, 0, date(2026, 10, 10)}, oct: {domain.Paid, 0, date(2026, 11, 20)}, nov: {domain.Unpaid, 300_00, domain.Date{}}}},
		{"pending payments and payments before the oldest bill's month do not count", three, []domain.Payment{
			{PaidOn: date(2026, 8, 31), Amount: 600_00, Status: domain.PaymentCredited},
			{PaidOn: date(2026, 12, 1), Amount: 600_00, Status: domain.PaymentPending}}, map[domain.Period]want{
			sep: {domain.Unpaid, 100_00, domain.Date{}}, oct: {domain.Unpaid, 200_00, domain.Date{}}, nov: {domain.Unpaid, 300_00, domain.Date{}}}},
		{"overpayment pays everything", three, []domain.Payment{paid(2026, 12, 2, 1000_00)}, map[domain.Period]want{
			sep: {domain.Paid, 0, date(2026, 12, 2)}, oct: {domain.Paid, 0, date(2026, 12, 2)}, nov: {domain.Paid, 0, date(2026, 12, 2)}}},
		{"the oldest bill's debt is paid first", []domain.Invoice{bill(sep, 100_00, 500_00), bill(oct, 200_00, 0)}, []domain.Payment{paid(2026, 10, 1, 550_00)}, map[domain.Period]want{
			sep: {domain.PartlyPaid, 50_00, domain.Date{}}, oct: {domain.Unpaid, 200_00, domain.Date{}}}},
		{"a credit brought forward pays", []domain.Invoice{bill(sep, 100_00, -250_00), bill(oct, 200_00, 0)}, nil, map[domain.Period]want{
			sep: {domain.Paid, 0, domain.Date{}}, oct: {domain.PartlyPaid, 50_00, domain.Date{}}}},
		{"recalculations and penalties are owed", []domain.Invoice{{Period: sep, Charged: 100_00, Penalties: 5_00,
			Recalculations: []domain.Recalculation{{Reason: "x", Amount: -30_00}}}}, []domain.Payment{paid(2026, 10, 1, 70_00)}, map[domain.Period]want{
			sep: {domain.PartlyPaid, 5_00, domain.Date{}}}},
		{"a bill that asks for nothing is settled and its credit pays the next", []domain.Invoice{
			{Period: sep, Recalculations: []domain.Recalculation{{Reason: "x", Amount: -80_00}}}, bill(oct, 100_00, 0)}, nil, map[domain.Period]want{
			sep: {domain.Paid, 0, domain.Date{}}, oct: {domain.PartlyPaid, 20_00, domain.Date{}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := domain.InvoicesPaid(c.invoices, c.payments)
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
