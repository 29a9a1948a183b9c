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

// TestInvoiceDueNow: a bill's QR code asks for what paying it off takes
// now — nothing once it is paid, the rest when part is paid, and for the
// newest bill the balance's due.
func TestInvoiceDueNow(t *testing.T) {
	sep, oct, nov := domain.Period{Year: 2026, Month: 9}, domain.Period{Year: 2026, Month: 10}, domain.Period{Year: 2026, Month: 11}
	paid := func(m time.Month, d int, sum domain.Kopecks) domain.Payment {
		return domain.Payment{PaidOn: date(2026, m, d), Amount: sum, Status: domain.PaymentCredited}
	}
	cases := []struct {
		name     string
		payments []domain.Payment
		want     map[domain.Period]domain.Kopecks
	}{
		{"nothing paid: each bill its debt, the newest the whole", nil,
			map[domain.Period]domain.Kopecks{sep: 100_00, oct: 300_00, nov: 600_00}},
		{"the oldest paid, the next partly", []domain.Payment{paid(11, 5, 150_00)},
			map[domain.Period]domain.Kopecks{sep: 0, oct: 150_00, nov: 450_00}},
		{"pending money is still due", []domain.Payment{{PaidOn: date(2026, 12, 1), Amount: 600_00, Status: domain.PaymentPending}},
			map[domain.Period]domain.Kopecks{sep: 100_00, oct: 300_00, nov: 600_00}},
		{"everything paid", []domain.Payment{paid(12, 2, 600_00)},
			map[domain.Period]domain.Kopecks{sep: 0, oct: 0, nov: 0}},
		{"overpaid", []domain.Payment{paid(12, 2, 1000_00)},
			map[domain.Period]domain.Kopecks{sep: 0, oct: 0, nov: 0}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := &domain.AccountDocument{Invoices: bills(sep, 0, c.payments, 100_00, 200_00, 300_00), Payments: c.payments}
			// The portal's balance: the newest bill less the money credited since it was issued.
			newest := doc.Invoices[len(doc.Invoices)-1]
			debt := newest.TotalDue
			for _, p := range c.payments {
				if p.Status == domain.PaymentCredited && !p.PaidOn.Before(newest.IssuedOn) {
					debt -= p.Amount
				}
			}
			doc.Balance = domain.Balance{Debt: debt, Due: max(debt, 0)}
			for i := range doc.Invoices {
				inv := &doc.Invoices[i]
				if got := doc.InvoiceDueNow(inv); got != c.want[inv.Period] {
					t.Errorf("%s: due now %v, want %v", inv.Period, got, c.want[inv.Period])
				}
			}
			if got := doc.DueNow(); got != c.want[nov] {
				t.Errorf("the account: due now %v, want %v", got, c.want[nov])
			}
		})
	}
}
