package notify

import (
	"testing"
	"time"

	"kabinet/internal/cabinet"
	"kabinet/internal/domain"
)

// month is a fake world: December 2026 with the window 18–25, a meter
// without a reading until sentOn (zero: never), the clock at now.
type month struct {
	now    time.Time
	sentOn int
	on     bool
	last   string // the settings file's slot, kept across "restarts"
	sent   []string
}

func (m *month) due() (cabinet.ReadingsDue, error) {
	today := domain.DateOf(m.now, domain.Moscow)
	start, end := domain.Date{Year: 2026, Month: 12, Day: 18}, domain.Date{Year: 2026, Month: 12, Day: 25}
	if today.Before(start) || today.After(end) {
		return cabinet.ReadingsDue{}, nil
	}
	d := cabinet.ReadingsDue{Open: true, Start: start, End: end, DaysLeft: today.DaysUntil(end) + 1}
	if m.sentOn == 0 || today.Day < m.sentOn {
		d.Missing = []cabinet.DueMeter{{Account: "100001", Meter: domain.Meter{ID: "m1", Serial: "0196"}}}
	}
	return d, nil
}

// reminder is the app's reminder as a restart makes it anew.
func (m *month) reminder() *Reminder {
	return &Reminder{
		Now: func() time.Time { return m.now }, On: func() bool { return m.on }, Due: m.due,
		Last: func() string { return m.last }, Remember: func(s string) { m.last = s },
		Send: func(d cabinet.ReadingsDue) error {
			m.sent = append(m.sent, domain.DateOf(m.now, domain.Moscow).String())
			return nil
		},
	}
}

// live runs the app through December, checking every hour of the day
// and restarting it every morning.
func (m *month) live(t *testing.T) {
	t.Helper()
	for day := 1; day <= 31; day++ {
		r := m.reminder() // a restart
		for hour := 0; hour < 24; hour++ {
			m.now = time.Date(2026, 12, day, hour, 15, 0, 0, domain.Moscow)
			if _, err := r.Check(); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestReminderOnTheFirstDayAndTwoDaysBeforeTheEnd(t *testing.T) {
	m := &month{on: true}
	m.live(t)
	if want := []string{"2026-12-18", "2026-12-23"}; len(m.sent) != 2 || m.sent[0] != want[0] || m.sent[1] != want[1] {
		t.Errorf("reminded on %v, want %v", m.sent, want)
	}
}

func TestReminderNoneOnceTheReadingIsSent(t *testing.T) {
	m := &month{on: true, sentOn: 18}
	m.live(t)
	if len(m.sent) != 0 {
		t.Errorf("the reading was sent on the 18th, still reminded on %v", m.sent)
	}
	m = &month{on: true, sentOn: 20}
	m.live(t)
	if len(m.sent) != 1 || m.sent[0] != "2026-12-18" {
		t.Errorf("the reading was sent on the 20th, reminded on %v, want the 18th only", m.sent)
	}
}

func TestReminderNoneWhenOffOrInPublicMode(t *testing.T) {
	// On a public computer On is false whatever was chosen (the app
	// wires it so); off is the default.
	m := &month{}
	m.live(t)
	if len(m.sent) != 0 {
		t.Errorf("reminders off, still reminded on %v", m.sent)
	}
}

// A computer off on the first day reminds when it starts on the 20th; one
// started only on the 24th reminds once, of the closing.
func TestReminderCatchesUpOncePerSlot(t *testing.T) {
	m := &month{on: true}
	for _, day := range []int{20, 21, 24, 24, 25} {
		m.now = time.Date(2026, 12, day, 9, 0, 0, 0, domain.Moscow)
		m.reminder().Check()
	}
	if len(m.sent) != 2 || m.sent[0] != "2026-12-20" || m.sent[1] != "2026-12-24" {
		t.Errorf("reminded on %v, want the 20th and the 24th", m.sent)
	}
}

func TestSlotOfAShortWindow(t *testing.T) {
	// A window of two days has only its closing slot.
	due := cabinet.ReadingsDue{Open: true, Start: domain.Date{Year: 2026, Month: 12, Day: 24}, End: domain.Date{Year: 2026, Month: 12, Day: 25}}
	if s := Slot(due, due.Start); s != "2026-12-25/closing" {
		t.Errorf("slot %q", s)
	}
	if s := Slot(cabinet.ReadingsDue{}, due.Start); s != "" {
		t.Errorf("a closed window has slot %q", s)
	}
}
