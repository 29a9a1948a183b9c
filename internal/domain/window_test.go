package domain_test

import (
	"strings"
	"testing"
	"time"

	"kabinet/internal/domain"
)

func msk(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, domain.Moscow)
}

func date(y int, m time.Month, d int) domain.Date {
	return domain.Date{Year: y, Month: m, Day: d}
}

func TestSubmissionWindowState(t *testing.T) {
	w1831 := domain.SubmissionWindow{StartDay: 18, EndDay: 31, Location: domain.Moscow}
	w1030 := domain.SubmissionWindow{StartDay: 10, EndDay: 30, Location: domain.Moscow}
	tests := []struct {
		name string
		w    domain.SubmissionWindow
		now  time.Time
		want domain.WindowState
	}{
		{"before the window", domain.DefaultWindow, msk(2026, 11, 10, 12, 0),
			domain.WindowState{Open: false, Start: date(2026, 11, 18), End: date(2026, 11, 25), Today: date(2026, 11, 10)}},
		{"the day before, late evening", domain.DefaultWindow, msk(2026, 11, 17, 23, 59),
			domain.WindowState{Open: false, Start: date(2026, 11, 18), End: date(2026, 11, 25), Today: date(2026, 11, 17)}},
		{"first day, just after midnight", domain.DefaultWindow, msk(2026, 11, 18, 0, 0),
			domain.WindowState{Open: true, Start: date(2026, 11, 18), End: date(2026, 11, 25), DaysLeft: 8, Today: date(2026, 11, 18)}},
		{"middle", domain.DefaultWindow, msk(2026, 11, 22, 9, 0),
			domain.WindowState{Open: true, Start: date(2026, 11, 18), End: date(2026, 11, 25), DaysLeft: 4, Today: date(2026, 11, 22)}},
		{"last day, late evening", domain.DefaultWindow, msk(2026, 11, 25, 23, 59),
			domain.WindowState{Open: true, Start: date(2026, 11, 18), End: date(2026, 11, 25), DaysLeft: 1, Today: date(2026, 11, 25)}},
		{"after the window: next month's", domain.DefaultWindow, msk(2026, 11, 26, 0, 0),
			domain.WindowState{Open: false, Start: date(2026, 12, 18), End: date(2026, 12, 25), Today: date(2026, 11, 26)}},
		{"after December's window: January's of next year", domain.DefaultWindow, msk(2026, 12, 26, 10, 0),
			domain.WindowState{Open: false, Start: date(2027, 1, 18), End: date(2027, 1, 25), Today: date(2026, 12, 26)}},
		{"New Year's Eve", domain.DefaultWindow, msk(2026, 12, 31, 23, 0),
			domain.WindowState{Open: false, Start: date(2027, 1, 18), End: date(2027, 1, 25), Today: date(2026, 12, 31)}},
		{"23:30 UTC on the 17th is the 18th in Moscow", domain.DefaultWindow, time.Date(2026, 11, 17, 23, 30, 0, 0, time.UTC),
			domain.WindowState{Open: true, Start: date(2026, 11, 18), End: date(2026, 11, 25), DaysLeft: 8, Today: date(2026, 11, 18)}},
		{"21:30 UTC on the 25th is the 26th in Moscow", domain.DefaultWindow, time.Date(2026, 11, 25, 21, 30, 0, 0, time.UTC),
			domain.WindowState{Open: false, Start: date(2026, 12, 18), End: date(2026, 12, 25), Today: date(2026, 11, 26)}},
		{"end 31 in a 30-day month", w1831, msk(2026, 11, 30, 12, 0),
			domain.WindowState{Open: true, Start: date(2026, 11, 18), End: date(2026, 11, 30), DaysLeft: 1, Today: date(2026, 11, 30)}},
		{"end 31 in a 31-day month", w1831, msk(2026, 12, 30, 12, 0),
			domain.WindowState{Open: true, Start: date(2026, 12, 18), End: date(2026, 12, 31), DaysLeft: 2, Today: date(2026, 12, 30)}},
		{"end 31 in February", w1831, msk(2026, 2, 20, 12, 0),
			domain.WindowState{Open: true, Start: date(2026, 2, 18), End: date(2026, 2, 28), DaysLeft: 9, Today: date(2026, 2, 20)}},
		{"end 31 in February of a leap year", w1831, msk(2028, 2, 29, 12, 0),
			domain.WindowState{Open: true, Start: date(2028, 2, 18), End: date(2028, 2, 29), DaysLeft: 1, Today: date(2028, 2, 29)}},
		{"end 31 in January", w1831, msk(2026, 1, 31, 12, 0),
			domain.WindowState{Open: true, Start: date(2026, 1, 18), End: date(2026, 1, 31), DaysLeft: 1, Today: date(2026, 1, 31)}},
		{"after a window ending on the 30th: February's, clipped", w1030, msk(2026, 1, 31, 12, 0),
			domain.WindowState{Open: false, Start: date(2026, 2, 10), End: date(2026, 2, 28), Today: date(2026, 1, 31)}},
		{"always open, 1 January", domain.AlwaysOpen, msk(2027, 1, 1, 0, 0),
			domain.WindowState{Open: true, Start: date(2027, 1, 1), End: date(2027, 1, 31), DaysLeft: 31, Today: date(2027, 1, 1)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.w.State(tt.now); got != tt.want {
				t.Errorf("State(%v):\n got %+v\nwant %+v", tt.now, got, tt.want)
			}
		})
	}
}

// TestDefaultWindowEveryDay walks two years day by day (and hour by hour
// near midnight) and checks the state against the rule itself.
func TestDefaultWindowEveryDay(t *testing.T) {
	for day := date(2027, 1, 1); day.Before(date(2029, 1, 1)); day = day.AddDays(1) {
		for _, h := range []int{0, 2, 12, 23} {
			now := msk(day.Year, day.Month, day.Day, h, 30)
			st := domain.DefaultWindow.State(now)
			open := day.Day >= 18 && day.Day <= 25
			if st.Open != open || st.Today != day {
				t.Fatalf("%v %02d:30: open %v today %v, want open %v today %v", day, h, st.Open, st.Today, open, day)
			}
			if st.Start.Day != 18 || st.End.Day != 25 || st.Start.Period() != st.End.Period() {
				t.Fatalf("%v: window %v–%v is not the 18th–25th of one month", day, st.Start, st.End)
			}
			wantPeriod := day.Period()
			if day.Day > 25 {
				wantPeriod = wantPeriod.AddMonths(1)
			}
			if st.Start.Period() != wantPeriod {
				t.Fatalf("%v: window in %v, want %v", day, st.Start.Period(), wantPeriod)
			}
			if open && st.DaysLeft != 25-day.Day+1 {
				t.Fatalf("%v: %d days left, want %d", day, st.DaysLeft, 25-day.Day+1)
			}
			if !open && st.DaysLeft != 0 {
				t.Fatalf("%v: closed but %d days left", day, st.DaysLeft)
			}
			if err := domain.DefaultWindow.Check(now); (err == nil) != open {
				t.Fatalf("%v: Check = %v while open = %v", day, err, open)
			}
		}
	}
}

func TestAlwaysOpenEveryDay(t *testing.T) {
	for day := date(2028, 1, 1); day.Before(date(2029, 1, 1)); day = day.AddDays(1) {
		st := domain.AlwaysOpen.State(msk(day.Year, day.Month, day.Day, 12, 0))
		// The days left run to the end of the month: count them by
		// walking, not with the code under test.
		left := 0
		for d := day; d.Month == day.Month; d = d.AddDays(1) {
			left++
		}
		if !st.Open || st.DaysLeft != left || st.Start != day.Period().First() || st.End.Period() != day.Period() || st.End.AddDays(1).Month == day.Month {
			t.Fatalf("%v: %+v, want open with %d days left", day, st, left)
		}
		if err := domain.AlwaysOpen.Check(msk(day.Year, day.Month, day.Day, 12, 0)); err != nil {
			t.Fatalf("%v: AlwaysOpen refused: %v", day, err)
		}
	}
}

func TestSubmissionWindowCheck(t *testing.T) {
	err := domain.DefaultWindow.Check(msk(2026, 11, 26, 10, 0))
	de := asDomainError(t, err)
	if de.Code != domain.CodeOutsideWindow {
		t.Fatalf("code %s, want %s", de.Code, domain.CodeOutsideWindow)
	}
	want := map[string]string{"window_start": "2026-12-18", "window_end": "2026-12-25", "today": "2026-11-26"}
	for k, v := range want {
		if de.Params[k] != v {
			t.Errorf("Params[%s] = %q, want %q", k, de.Params[k], v)
		}
	}
	// The person is told, in their own calendar, when to come back.
	for _, s := range []string{"18.12.2026", "25.12.2026"} {
		if !strings.Contains(de.Message, s) {
			t.Errorf("message %q does not name %s", de.Message, s)
		}
	}
	if err := domain.DefaultWindow.Check(msk(2026, 11, 20, 10, 0)); err != nil {
		t.Errorf("Check on the 20th = %v, want nil", err)
	}
}

func TestSubmissionWindowWithoutLocationIsMoscow(t *testing.T) {
	w := domain.SubmissionWindow{StartDay: 18, EndDay: 25}
	now := time.Date(2026, 11, 17, 22, 0, 0, 0, time.UTC) // 01:00 on the 18th in Moscow
	if st := w.State(now); !st.Open || st.Today != date(2026, 11, 18) {
		t.Errorf("State without Location = %+v, want Moscow's 18th, open", st)
	}
}

func TestSubmissionWindowValidate(t *testing.T) {
	for _, w := range []domain.SubmissionWindow{
		domain.DefaultWindow, domain.AlwaysOpen,
		{StartDay: 1, EndDay: 1}, {StartDay: 28, EndDay: 28}, {StartDay: 28, EndDay: 31}, {StartDay: 15, EndDay: 30},
	} {
		if err := w.Validate(); err != nil {
			t.Errorf("Validate(%d–%d) = %v, want nil", w.StartDay, w.EndDay, err)
		}
	}
	for _, w := range []domain.SubmissionWindow{
		{}, {StartDay: 0, EndDay: 5}, {StartDay: -1, EndDay: 5}, {StartDay: 29, EndDay: 31},
		{StartDay: 25, EndDay: 18}, {StartDay: 1, EndDay: 32}, {StartDay: 31, EndDay: 31},
	} {
		if err := w.Validate(); err == nil {
			t.Errorf("Validate(%d–%d) = nil, want an error", w.StartDay, w.EndDay)
		}
	}
}
