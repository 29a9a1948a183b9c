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
	// Remaining is what is still owed of the bill's own charges (zero when
	// Paid).
	Remaining Kopecks
	// PaidOn is the day of the payment that completed it (Paid only; zero
	// when the bill asked for nothing or its month's opening credit paid it).
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
// are allocated to the bills oldest first. Under that rule a bill is
// settled once the money credited from the first day of its month covers
// the debt it opened with (BroughtForward: every older bill not yet paid,
// net of all money before) and then its own charges, recalculations and
// penalties. So the rule needs no payment history older than the bill's
// month, which is what the portal keeps. A bill is Paid when the money
// covers it, PartlyPaid when some reached it (Remaining is the rest),
// Unpaid otherwise. The result is keyed by the bill's period.
func InvoicesPaid(invoices []Invoice, payments []Payment) map[Period]InvoicePaid {
	var money []Payment
	for _, p := range payments {
		if p.Status == PaymentCredited && p.Amount > 0 {
			money = append(money, p)
		}
	}
	slices.SortStableFunc(money, func(a, b Payment) int { return a.PaidOn.Compare(b.PaidOn) })
	out := make(map[Period]InvoicePaid, len(invoices))
	for i := range invoices {
		inv := &invoices[i]
		own := inv.ownCharge()
		need := inv.BroughtForward + own
		if own <= 0 || need <= 0 {
			// A bill that asks for nothing (a refund, a month without
			// charges), or one an opening credit covers, is settled.
			out[inv.Period] = InvoicePaid{State: Paid}
			continue
		}
		start := inv.Period.First()
		var got Kopecks
		var on Date
		for _, p := range money {
			if p.PaidOn.Before(start) {
				continue
			}
			if got += p.Amount; got >= need {
				on = p.PaidOn
				break
			}
		}
		switch rest := need - got; {
		case rest <= 0:
			out[inv.Period] = InvoicePaid{State: Paid, PaidOn: on}
		case rest < own:
			out[inv.Period] = InvoicePaid{State: PartlyPaid, Remaining: rest}
		default:
			out[inv.Period] = InvoicePaid{State: Unpaid, Remaining: own}
		}
	}
	return out
}

// InvoicesPaid is the rule over the document's bills and payments.
func (d *AccountDocument) InvoicesPaid() map[Period]InvoicePaid {
	return InvoicesPaid(d.Invoices, d.Payments)
}

// DueNow is what the account asks to be paid now: the balance's due
// (decisions "Money"), never negative. Zero means nothing is due (the payer
// may still pay any amount).
func (d *AccountDocument) DueNow() Kopecks {
	return max(d.Balance.Due, 0)
}

// InvoiceDueNow is what paying the bill off takes now — the sum its payment
// QR code asks for. A bill the rule calls paid asks for nothing, so a
// payer scanning an old paper bill does not pay twice. The newest bill asks
// for what is due now; an older one for what is left of the debt it
// carried and its own charges, never more than is due now.
func (d *AccountDocument) InvoiceDueNow(inv *Invoice) Kopecks {
	due := d.DueNow()
	if due == 0 || d.InvoicesPaid()[inv.Period].State == Paid {
		return 0
	}
	newest := true
	for i := range d.Invoices {
		if inv.Period.Before(d.Invoices[i].Period) {
			newest = false
			break
		}
	}
	if newest {
		return due
	}
	left := inv.BroughtForward + inv.ownCharge()
	start := inv.Period.First()
	for _, p := range d.Payments {
		if p.Status == PaymentCredited && p.Amount > 0 && !p.PaidOn.Before(start) {
			left -= p.Amount
		}
	}
	return min(max(left, 0), due)
}
