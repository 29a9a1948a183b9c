package cabinet

import (
	"time"

	"kabinet/internal/domain"
)

// ReadingsDue is an account's reading window today and which of its meters
// in service still want a reading this period: what `kabinet status`
// reports and exits 4 on, so a script or the task scheduler can remind.
type ReadingsDue struct {
	Account string
	// Window is the window as of today (Moscow), worked out from the
	// stored one, so a document fetched days ago still tells the truth.
	Window domain.WindowState
	// Missing are the meters with no reading this period: none accepted
	// by the portal (as last received, or sent from here since) and none
	// waiting on this computer.
	Missing []domain.Meter
	// Queued are the meters whose reading of this period waits on this
	// computer: entered, so not missing, but not yet at the portal.
	Queued []domain.Meter
}

// ReadingsDue reports, for every account with stored data, the window
// today and the meters still without a reading this period, from the
// stored data and the outbox alone (it works offline). A reading the
// portal refused counts as missing: it has to be corrected.
func (s *Service) ReadingsDue() ([]ReadingsDue, error) {
	accounts, err := s.Overview()
	if err != nil {
		return nil, err
	}
	now := s.cfg.Now()
	today := domain.DateOf(now, domain.Moscow)
	period := today.Period()
	pending, err := s.Outbox()
	if err != nil {
		return nil, err
	}
	sent, err := s.SentSince(domain.NewDate(period.Year, period.Month, 1).Time(domain.Moscow))
	if err != nil {
		return nil, err
	}
	var out []ReadingsDue
	for _, a := range accounts {
		if !a.HasData || len(a.Meters) == 0 {
			continue
		}
		due := ReadingsDue{Account: a.Number, Window: windowToday(a.Window, today)}
		for _, m := range a.Meters {
			switch {
			case acceptedIn(m, period) || itemFor(sent, a.Number, m.ID, Delivered, now):
			case itemFor(pending, a.Number, m.ID, Waiting, now):
				due.Queued = append(due.Queued, m)
			default:
				due.Missing = append(due.Missing, m)
			}
		}
		out = append(out, due)
	}
	return out, nil
}

// windowToday is the stored window w as of today: open from its start to
// its end, with the days left counted from today.
func windowToday(w domain.WindowState, today domain.Date) domain.WindowState {
	if w.Start.IsZero() {
		return domain.WindowState{Today: today}
	}
	w.Today = today
	if today.After(w.End) {
		// The stored window is over: the next one is a month on.
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

// acceptedIn reports whether the portal had accepted a reading of the
// meter for period when the data were received.
func acceptedIn(m domain.Meter, period domain.Period) bool {
	for _, r := range m.Recent {
		if r.Period == period && r.Status != domain.StatusQueued {
			return true
		}
	}
	return false
}

// itemFor reports whether list holds a reading of the account's meter in
// state; a waiting one counts only if it is not kept for a later window.
func itemFor(list []Item, account, meter string, state ItemState, now time.Time) bool {
	for _, it := range list {
		if it.Kind == KindReading && it.Account == account && it.Meter == meter && it.State == state && !it.KeptForWindow(now) {
			return true
		}
	}
	return false
}
