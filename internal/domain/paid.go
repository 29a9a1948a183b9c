package domain

import "slices"

// PaidState says how far the credited payments cover a bill.
type PaidState int

// The states of a bill.
const (
	// Unpaid: no credited money reached this bill yet.
	Unpaid PaidState = iota
	// PartlyPaid: some money reached it; Remaining is what is still owed.
	PartlyPaid
	// Paid: the money allocated to it covers it (or it asked for nothing).
	Paid
)

// InvoicePaid is one bill's state under the allocation rule.
type InvoicePaid struct {
	State PaidState
	// Owed is the bill's own sum the money is allocated against: its
	// charges, recalculations and penalties (for the oldest bill also the
	// debt it brought forward).
	Owed Kopecks
	// Remaining is Owed less the money allocated to it.
	Remaining Kopecks
	// PaidOn is the day of the payment that completed it (Paid only; zero
	// when the bill asked for nothing).
	PaidOn Date
}

// ownCharge is what a bill adds to the debt: its charges, recalculations
// and penalties.
func (inv *Invoice) ownCharge() Kopecks {
	t := inv.Charged + inv.Penalties
	for _, r := range inv.Recalculations {
		t += r.Amount
	}
	return t
}

// InvoicesPaid applies the money rule (decisions "Money"): credited payments
// are allocated to the bills oldest first. The oldest bill's brought-forward
// debt is owed with it (a credit there is money to allocate), and payments
// made before the oldest bill's month are already counted in that figure.
// A bill is Paid when its allocation covers it, PartlyPaid when some money
// reached it, Unpaid otherwise. The result is keyed by the bill's period.
func InvoicesPaid(invoices []Invoice, payments []Payment) map[Period]InvoicePaid {
	out := make(map[Period]InvoicePaid, len(invoices))
	if len(invoices) == 0 {
		return out
	}
	bills := slices.Clone(invoices)
	slices.SortStableFunc(bills, func(a, b Invoice) int {
		if a.Period != b.Period {
			if a.Period.Before(b.Period) {
				return -1
			}
			return 1
		}
		return a.IssuedOn.Compare(b.IssuedOn)
	})
	start := bills[0].Period.First()
	var money []Payment
	for _, p := range payments {
		if p.Status == PaymentCredited && p.Amount > 0 && !p.PaidOn.Before(start) {
			money = append(money, p)
		}
	}
	slices.SortStableFunc(money, func(a, b Payment) int { return a.PaidOn.Compare(b.PaidOn) })

	// credit is money not yet allocated; next is the first payment not yet
	// drawn into it, and last the day of the latest drawn.
	var credit Kopecks
	var last Date
	next := 0
	if bf := bills[0].BroughtForward; bf < 0 {
		credit = -bf
	}
	for i := range bills {
		inv := &bills[i]
		owed := inv.ownCharge()
		if i == 0 && inv.BroughtForward > 0 {
			owed += inv.BroughtForward
		}
		if owed <= 0 {
			// A bill that asks for nothing (a refund, a month without
			// charges) is settled; a negative one is a credit for later.
			credit -= owed
			out[inv.Period] = InvoicePaid{State: Paid, Owed: owed}
			continue
		}
		for credit < owed && next < len(money) {
			credit += money[next].Amount
			last = money[next].PaidOn
			next++
		}
		switch {
		case credit >= owed:
			credit -= owed
			out[inv.Period] = InvoicePaid{State: Paid, Owed: owed, PaidOn: last}
		case credit > 0:
			out[inv.Period] = InvoicePaid{State: PartlyPaid, Owed: owed, Remaining: owed - credit}
			credit = 0
		default:
			out[inv.Period] = InvoicePaid{State: Unpaid, Owed: owed, Remaining: owed}
		}
	}
	return out
}

// InvoicesPaid is the rule over the document's bills and payments.
func (d *AccountDocument) InvoicesPaid() map[Period]InvoicePaid {
	return InvoicesPaid(d.Invoices, d.Payments)
}
