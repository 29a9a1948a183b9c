package cabinet

import (
	"testing"

	"kabinet/internal/domain"
)

// The window as stored may be days old: today decides whether it is open
// and how many days are left, as `kabinet status` prints them.
func TestWindowTodayFromAStoredWindow(t *testing.T) {
	d := domain.NewDate
	open := domain.WindowState{Open: true, Start: d(2026, 12, 18), End: d(2026, 12, 25), DaysLeft: 8, Today: d(2026, 12, 18)}
	next := domain.WindowState{Start: d(2026, 12, 18), End: d(2026, 12, 25), Today: d(2026, 12, 6)}
	for _, c := range []struct {
		name   string
		stored domain.WindowState
		today  domain.Date
		open   bool
		left   int
		start  domain.Date
	}{
		{"open, three days left", open, d(2026, 12, 23), true, 3, d(2026, 12, 18)},
		{"the last day", open, d(2026, 12, 25), true, 1, d(2026, 12, 18)},
		{"closed since: the next one a month on", open, d(2026, 12, 26), false, 0, d(2027, 1, 18)},
		{"stored before it opened, open now", next, d(2026, 12, 19), true, 7, d(2026, 12, 18)},
		{"not open yet", next, d(2026, 12, 17), false, 0, d(2026, 12, 18)},
	} {
		w := windowToday(c.stored, c.today)
		if w.Open != c.open || w.DaysLeft != c.left || w.Start != c.start {
			t.Errorf("%s: %+v", c.name, w)
		}
	}
	if w := windowToday(domain.WindowState{}, d(2026, 12, 20)); w.Open {
		t.Errorf("a meter with no window is open: %+v", w)
	}
}
