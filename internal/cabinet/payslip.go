package cabinet

import (
	"time"

	"kabinet/internal/domain"
	"kabinet/internal/gostqr"
)

// PaymentSlip is what paying an account from a bank app by the ГОСТ Р
// 56042 QR code takes, from the stored data alone: the payee's bank
// details (of the newest bill), the account, what is due now and the
// code's text.
type PaymentSlip struct {
	Account string
	Payee   domain.Payee
	// Period is the newest bill's month; Purpose names that bill.
	Period  domain.Period
	Purpose string
	// DueNow is the balance's due (domain's rule); zero when nothing is
	// due, and the code then carries no sum.
	DueNow domain.Kopecks
	DueOn  domain.Date
	// Payload is the code's text; "" when the payee's details cannot make
	// a valid code (Problem says why, in Russian, for the log).
	Payload string
	Problem string
	// FetchedAt is when the data came from the portal.
	FetchedAt time.Time
}

// PaymentSlip returns the account's payment slip from the local store,
// without the network, so «Оплатить по QR-коду» works offline. ok is false
// when nothing is stored for the account or it has no bill yet (no payee
// to pay).
func (s *Service) PaymentSlip(account string) (PaymentSlip, bool, error) {
	d, ok, err := s.st().Document(s.profile(), account)
	if err != nil || !ok || d.Doc.Account == nil {
		return PaymentSlip{}, false, err
	}
	doc := &d.Doc
	var newest *domain.Invoice
	for i := range doc.Invoices {
		if newest == nil || newest.Period.Before(doc.Invoices[i].Period) {
			newest = &doc.Invoices[i]
		}
	}
	if newest == nil {
		return PaymentSlip{}, false, nil
	}
	slip := PaymentSlip{
		Account:   doc.Account.Number,
		Payee:     newest.Payee,
		Period:    newest.Period,
		Purpose:   gostqr.Purpose(newest, doc.Account.Number),
		DueNow:    doc.DueNow(),
		FetchedAt: d.FetchedAt,
	}
	if slip.DueNow > 0 {
		slip.DueOn = doc.Balance.DueOn
	}
	slip.Payload, err = gostqr.Payload(gostqr.Slip{Payee: slip.Payee, Account: slip.Account, Period: slip.Period,
		Sum: slip.DueNow, Purpose: slip.Purpose})
	if err != nil {
		slip.Problem = err.Error()
	}
	return slip, true, nil
}
