package app

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"kabinet/internal/cabinet"
	"kabinet/internal/domain"
	"kabinet/internal/notify"
)

// reminderEvery is how often a running app looks at the clock for a new
// reminder slot (a day that begins while it runs); the data's changes come
// by the sync's events.
const reminderEvery = time.Hour

// reminderChoice is the check box of «Напоминать о показаниях на этом
// компьютере»: what is chosen and how to change it.
type reminderChoice struct {
	on  bool
	set func(on bool)
}

// reminderChoice is nil on a public computer: nothing is kept there, and
// a notification would show a visitor's business on a shared screen.
func (u *UI) reminderChoice() *reminderChoice {
	if u.opts.Settings.Public || u.svc == nil || u.svc.Public() {
		return nil
	}
	return &reminderChoice{on: u.opts.Settings.ReadingReminders, set: func(on bool) {
		u.opts.Settings.ReadingReminders = on
		u.saveSettings()
		u.remind()
	}}
}

// startReminders arms the desktop reminder of a session: it looks now,
// after every sync (onEvent) and every reminderEvery.
func (u *UI) startReminders() {
	if u.reminder != nil {
		return
	}
	u.reminder = &notify.Reminder{
		Now: nowFunc,
		On: func() bool {
			return u.opts.Settings.ReadingReminders && !u.opts.Settings.Public && u.svc != nil && !u.svc.Public() && u.svc.Customer() != ""
		},
		Due:  u.svc.ReadingsDue,
		Last: func() string { return u.opts.Settings.ReminderSlot },
		Remember: func(slot string) {
			u.opts.Settings.ReminderSlot = slot
			u.saveSettings()
		},
		Send: u.sendReminder,
	}
	var tick func()
	tick = func() {
		u.remind()
		u.stopReminders = u.after(reminderEvery, func() { do(tick) })
	}
	tick()
}

// remind shows a reminder if one is due; on the UI goroutine (on Windows
// the toast's COM calls then always come from the same thread).
func (u *UI) remind() {
	if u.reminder == nil {
		return
	}
	if _, err := u.reminder.Check(); err != nil {
		fyne.LogError("reading reminder", err)
	}
}

// sendReminder is the notification: what to do and by when, with no
// account number, amount or address — it shows on the screen for anyone
// passing by.
func (u *UI) sendReminder(due cabinet.ReadingsDue) error {
	data := map[string]any{"Date": due.End.Time(domain.Moscow).Format("02.01")}
	title := lang.L("Kabinet: передайте показания счётчика до {{.Date}}", data)
	if len(due.Missing) > 1 {
		title = lang.L("Kabinet: передайте показания счётчиков до {{.Date}}", data)
	}
	body := lang.L("Приём показаний открыт до {{.Day}} {{.Month}}.", map[string]any{
		"Day": due.End.Day, "Month": dataWord(domain.MonthGenitive(due.End.Month))}) + " " + daysLeftText(due.DaysLeft) + ". " +
		lang.L("Откройте окно программы и нажмите «Передать показания».")
	return u.notifier.Notify(title, body)
}
