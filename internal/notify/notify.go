// Package notify reminds a person on a home computer, while the app runs,
// to send the meter readings before the reading window closes: Reminder
// decides when (once per slot, remembered across restarts), Notifier shows
// the desktop notification.
//
// On Windows the notification goes through the Windows Runtime's toast API,
// called from Go over COM (git.sr.ht/~jackmordaunt/go-toast/wintoast, with
// its PowerShell fallback never asked for): Fyne's own notifications write a
// PowerShell script to %TEMP% and run it with -ExecutionPolicy Bypass, which
// security software on office and library computers blocks. Elsewhere Fyne's
// notifications (D-Bus, the portal, macOS) are used.
package notify

import (
	"time"

	"kabinet/internal/cabinet"
	"kabinet/internal/domain"
)

// Notifier shows one desktop notification.
type Notifier interface {
	Notify(title, body string) error
}

// Slot names the reminder slot of today for an open window, or "" when
// today is in none. A window has two: from its first day, and from two
// days before its end. A slot lasts until the next one begins, so a
// computer that was off on the 18th still reminds on the 19th — but only
// once per slot.
func Slot(due cabinet.ReadingsDue, today domain.Date) string {
	if !due.Open || due.End.IsZero() || today.Before(due.Start) || today.After(due.End) {
		return ""
	}
	closing := due.End.AddDays(-2)
	if !today.Before(closing) {
		return due.End.String() + "/closing"
	}
	return due.End.String() + "/opening"
}

// Reminder is the desktop reminder of a running app. Its fields are how
// it learns the world, so a test drives it with a fake clock.
type Reminder struct {
	// Now is the clock.
	Now func() time.Time
	// On reports whether the person asked for reminders on this computer;
	// it is false in public mode, whatever was chosen.
	On func() bool
	// Due is what still needs a reading.
	Due func() (cabinet.ReadingsDue, error)
	// Last is the slot reminded of last; Remember keeps a new one across
	// restarts (the settings file).
	Last     func() string
	Remember func(slot string)
	// Send shows the reminder.
	Send func(due cabinet.ReadingsDue) error
}

// Check reminds when a slot began that was not reminded of and a meter
// still has no reading; it returns the slot reminded of, or "".
//
// The slot is remembered before the notification is shown: a crash in
// between loses one reminder rather than showing it twice, as the portal's
// SMS reminders do.
func (r *Reminder) Check() (string, error) {
	if !r.On() {
		return "", nil
	}
	due, err := r.Due()
	if err != nil || !due.Any() {
		return "", err
	}
	slot := Slot(due, domain.DateOf(r.Now(), domain.Moscow))
	if slot == "" || slot == r.Last() {
		return "", nil
	}
	r.Remember(slot)
	return slot, r.Send(due)
}
