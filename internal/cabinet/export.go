package cabinet

import (
	"io"
	"os"

	"kabinet/internal/domain"
	"kabinet/internal/syncer"
)

// InvoicePeriod picks the bill of an account to print: the one for period,
// or the latest when period is zero. ok is false when no such bill is
// stored.
func (s *Service) InvoicePeriod(account string, period domain.Period) (p domain.Period, ok bool, err error) {
	doc, found, err := s.st().Document(s.profile(), account)
	if err != nil || !found {
		return domain.Period{}, false, noData(err)
	}
	for _, inv := range doc.Doc.Invoices {
		if inv.Period == period || period == (domain.Period{}) && (!ok || p.Before(inv.Period)) {
			p, ok = inv.Period, true
		}
	}
	return p, ok, nil
}

// StatementPeriods fills in the months of a consumption statement: to
// defaults to the month of the latest reading, from to the 12 months
// ending with to.
func (s *Service) StatementPeriods(account string, from, to domain.Period) (domain.Period, domain.Period, error) {
	if to == (domain.Period{}) {
		doc, found, err := s.st().Document(s.profile(), account)
		if err != nil || !found {
			return from, to, noData(err)
		}
		for _, r := range doc.Doc.Readings {
			if to.Before(r.Period) {
				to = r.Period
			}
		}
	}
	if from == (domain.Period{}) {
		from = to.AddMonths(-11)
	}
	return from, to, nil
}

// noData is err, or syncer.ErrNoData when there is none: a document not
// stored yet.
func noData(err error) error {
	if err != nil {
		return err
	}
	return syncer.ErrNoData
}

// WritePDF writes a document to the file at path, readable by its owner
// only; a document that fails half-way leaves no file behind.
func WritePDF(path string, write func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	return f.Close()
}
