package cabinet

import (
	"io"
	"strings"
	"time"

	"kabinet/internal/domain"
	"kabinet/internal/pdf"
	"kabinet/internal/syncer"
)

// ReadingReceipt is the portal's receipt for an accepted reading: what
// «Квитанция о приёме показаний» prints.
type ReadingReceipt struct {
	Account string
	Reading domain.Reading
	// Number is the receipt's number («00412»).
	Number string
}

// FileName is the name the printed receipt is saved under.
func (r ReadingReceipt) FileName() string { return "Квитанция-" + r.Number + ".pdf" }

// ReceiptOf is the receipt of a delivered reading item, false when the
// portal's answer held no reading (nothing to print).
func ReceiptOf(it Item) (ReadingReceipt, bool) {
	a := it.Answer
	if it.State != Delivered || a == nil || a.Reading == nil || a.Receipt == "" || a.Reading.AcceptedAt().IsZero() {
		return ReadingReceipt{}, false
	}
	return ReadingReceipt{Account: it.Account, Reading: *a.Reading, Number: a.Receipt}, true
}

// FindReceipt finds the receipt with the number (leading zeros optional)
// among the readings sent from this computer and, for those sent from
// another one, the readings of the stored documents. It works offline.
func (s *Service) FindReceipt(number string) (ReadingReceipt, bool, error) {
	want := strings.TrimLeft(strings.TrimSpace(number), "0")
	if want == "" {
		return ReadingReceipt{}, false, nil
	}
	same := func(n string) bool { return strings.TrimLeft(n, "0") == want }
	sent, err := s.SentSince(time.Time{})
	if err != nil {
		return ReadingReceipt{}, false, err
	}
	for _, it := range sent {
		if r, ok := ReceiptOf(it); ok && same(r.Number) {
			return r, true, nil
		}
	}
	list, err := s.Accounts()
	if err != nil {
		return ReadingReceipt{}, false, err
	}
	for _, a := range list {
		doc, ok, err := s.Document(a.Number)
		if err != nil || !ok {
			continue
		}
		for _, r := range doc.Doc.Readings {
			if n := r.ReceiptNo(); n != "" && same(n) && !r.AcceptedAt().IsZero() {
				return ReadingReceipt{Account: a.Number, Reading: r, Number: n}, true, nil
			}
		}
	}
	return ReadingReceipt{}, false, nil
}

// ReceiptPDF writes «Квитанция о приёме показаний» of r to w, with the
// customer and the account from the stored data (it works offline).
func (s *Service) ReceiptPDF(w io.Writer, r ReadingReceipt) error {
	doc, ok, err := s.Document(r.Account)
	if err != nil {
		return err
	}
	if !ok {
		return syncer.ErrNoData
	}
	reading := r.Reading
	reading.Receipt = r.Number
	return pdf.Receipt(w, &doc.Doc, reading, pdf.Options{Now: s.cfg.Now})
}
