package cabinet

import (
	"sort"

	"kabinet/internal/domain"
)

// DueMeter is a meter in service whose reading for the open window's
// month has not reached the portal.
type DueMeter struct {
	Account string
	Meter   domain.Meter
	// Queued: the person entered it and it waits on this computer to be
	// sent (no connection yet); the person need not type it again.
	Queued bool
}

// ReadingsDue is what still needs a reading in the open reading window,
// over all the customer's accounts, as Главная's banner, the status line
// and the desktop reminder show it.
type ReadingsDue struct {
	// Open: a window is open today for at least one meter in service.
	Open bool
	// Start and End are the first and last day of the open window that
	// closes first, DaysLeft the days left including today.
	Start, End domain.Date
	DaysLeft   int
	// Missing have no reading at all this month; Queued were entered and
	// wait to be sent. Both in account and serial order.
	Missing, Queued []DueMeter
}

// Any reports whether some meter still needs its reading typed.
func (d ReadingsDue) Any() bool { return len(d.Missing) > 0 }

// ReadingsDue works out, from the stored data and what waits on this
// computer, which meters still need a reading while the window is open.
// The window comes with the data; it is counted against today's date, so
// the days left stay right while the app runs offline. A meter whose last
// readings came automatically is read by the supplier and never due; a
// reading the portal refused does not count.
func (s *Service) ReadingsDue() (ReadingsDue, error) {
	var out ReadingsDue
	list, err := s.Accounts()
	if err != nil {
		return out, err
	}
	today := domain.DateOf(s.cfg.Now(), domain.Moscow)
	items, err := s.Outbox()
	if err != nil {
		return out, err
	}
	// Delivered this month: they count before the data come again.
	sent, err := s.SentSince(today.Period().First().Time(domain.Moscow))
	if err != nil {
		return out, err
	}
	items = append(items, sent...)
	sort.Slice(list, func(i, j int) bool { return list[i].Number < list[j].Number })
	for _, a := range list {
		doc, ok, err := s.st().Document(s.profile(), a.Number)
		if err != nil {
			return out, err
		}
		if !ok {
			continue
		}
		for _, m := range doc.Doc.Meters {
			w := windowToday(m.Window, today)
			if !m.Active() || readAutomatically(m) || !w.Open {
				continue
			}
			days := w.DaysLeft
			if !out.Open || w.End.Before(out.End) {
				out.Start, out.End, out.DaysLeft = w.Start, w.End, days
			}
			out.Open = true
			period := today.Period()
			switch {
			case hasReading(doc.Doc.Readings, m.ID, period) || sentFromHere(items, a.Number, m.ID, period, Delivered):
			case sentFromHere(items, a.Number, m.ID, period, Waiting):
				out.Queued = append(out.Queued, DueMeter{Account: a.Number, Meter: m, Queued: true})
			default:
				out.Missing = append(out.Missing, DueMeter{Account: a.Number, Meter: m})
			}
		}
	}
	return out, nil
}

// windowToday is the stored window w as of today: open from its start to
// its end, with the days left counted from today. Data fetched during an
// earlier month's window say when the next one opens only by its days: a
// month on, until the next sync brings the portal's word.
func windowToday(w domain.WindowState, today domain.Date) domain.WindowState {
	if w.Start.IsZero() {
		return domain.WindowState{Today: today}
	}
	w.Today = today
	if today.After(w.End) {
		w.Start = domain.NewDate(w.Start.Year, w.Start.Month+1, w.Start.Day)
		w.End = domain.NewDate(w.End.Year, w.End.Month+1, w.End.Day)
	}
	w.Open = !today.Before(w.Start) && !today.After(w.End)
	w.DaysLeft = 0
	if w.Open {
		w.DaysLeft = today.DaysUntil(w.End) + 1
	}
	return w
}

// readAutomatically reports a meter the supplier reads itself: every
// register's last value came automatically.
func readAutomatically(m domain.Meter) bool {
	if len(m.Zones) == 0 {
		return false
	}
	for _, z := range m.Zones {
		if z.LastSource != domain.SourceAutomatic {
			return false
		}
	}
	return true
}

// hasReading reports an accepted reading of the meter for the month.
func hasReading(readings []domain.Reading, meterID string, p domain.Period) bool {
	for _, r := range readings {
		if r.MeterID == meterID && r.Period == p && r.Status == domain.StatusAccepted {
			return true
		}
	}
	return false
}

// sentFromHere reports a reading of the meter for the month in the outbox
// in state st: delivered ones count before the data are fetched again.
func sentFromHere(items []Item, account, meterID string, p domain.Period, st ItemState) bool {
	for _, it := range items {
		if it.Kind == KindReading && it.Account == account && it.Meter == meterID && it.State == st && it.TakenOn.Period() == p {
			return true
		}
	}
	return false
}
