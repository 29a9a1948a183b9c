package domain

import (
	"fmt"
	"strconv"
	"time"
)

// SubmissionWindow is the days of each month in which the supplier accepts
// readings for that month, in the supplier's time zone. The real window is
// set by the supplier (for example the 18th to the 25th); a window of 1–31 is
// open every day.
type SubmissionWindow struct {
	StartDay int
	EndDay   int
	Location *time.Location
}

// DefaultWindow is the window of the reference supplier: the 18th to the 25th.
var DefaultWindow = SubmissionWindow{StartDay: 18, EndDay: 25, Location: Moscow}

// AlwaysOpen is the demo window: every day of every month.
var AlwaysOpen = SubmissionWindow{StartDay: 1, EndDay: 31, Location: Moscow}

// Validate reports a window that cannot work.
func (w SubmissionWindow) Validate() error {
	if w.StartDay < 1 || w.StartDay > 28 || w.EndDay < w.StartDay || w.EndDay > 31 {
		return fmt.Errorf("submission window %d–%d: start must be 1–28 and end start–31", w.StartDay, w.EndDay)
	}
	return nil
}

func (w SubmissionWindow) loc() *time.Location {
	if w.Location == nil {
		return Moscow
	}
	return w.Location
}

// bounds returns the window of period p, the end clipped to the month.
func (w SubmissionWindow) bounds(p Period) (Date, Date) {
	end := min(w.EndDay, p.Last().Day)
	return Date{p.Year, p.Month, w.StartDay}, Date{p.Year, p.Month, end}
}

// WindowState is what a person needs to know about the window today.
type WindowState struct {
	Open bool `json:"open"`
	// Start and End are the current window when Open, otherwise the next one.
	Start Date `json:"start"`
	End   Date `json:"end"`
	// DaysLeft counts the days left including today when Open.
	DaysLeft int  `json:"days_left,omitempty"`
	Today    Date `json:"today"`
}

// State returns the window state at now.
func (w SubmissionWindow) State(now time.Time) WindowState {
	today := DateOf(now, w.loc())
	start, end := w.bounds(today.Period())
	switch {
	case today.Before(start):
		return WindowState{Start: start, End: end, Today: today}
	case today.After(end):
		start, end = w.bounds(today.Period().AddMonths(1))
		return WindowState{Start: start, End: end, Today: today}
	}
	return WindowState{Open: true, Start: start, End: end, DaysLeft: today.DaysUntil(end) + 1, Today: today}
}

// Check returns nil when readings are accepted at now, otherwise an error
// that names the next window.
func (w SubmissionWindow) Check(now time.Time) error {
	st := w.State(now)
	if st.Open {
		return nil
	}
	return &Error{Code: CodeOutsideWindow,
		Message: fmt.Sprintf("Показания принимаются с %d по %d число каждого месяца. Следующий приём: с %s по %s. Запишите показание и передайте его в эти дни.",
			w.StartDay, w.EndDay, st.Start.Russian(), st.End.Russian()),
		Params: map[string]string{"window_start": st.Start.String(), "window_end": st.End.String(), "today": st.Today.String(),
			"start_day": strconv.Itoa(w.StartDay), "end_day": strconv.Itoa(w.EndDay)}}
}
