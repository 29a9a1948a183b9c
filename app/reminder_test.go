package app

import (
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// fakeNotifier records the desktop notifications.
type fakeNotifier struct {
	mu    sync.Mutex
	shown []string
}

func (f *fakeNotifier) Notify(title, body string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.shown = append(f.shown, title+" | "+body)
	return nil
}

func (f *fakeNotifier) list() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.shown...)
}

// remindCheck is the settings' check box of the desktop reminder, or nil.
func (tu *testUI) remindCheck() *widget.Check {
	var found *widget.Check
	tu.eachWidget(func(w fyne.Widget) {
		if c, ok := w.(*widget.Check); ok && c.Text == "Напоминать о показаниях на этом компьютере" {
			found = c
		}
	})
	return found
}

// On a home computer the reminder is off until the person ticks it in
// «Настройки»; then, the window being open and a meter without its
// reading, one notification says what to do and by when — with no account
// number — and the slot is remembered, so a restart does not repeat it.
func TestDesktopReminderIsOptInAndShownOncePerSlot(t *testing.T) {
	tu := newTestUI(t, false)
	n := &fakeNotifier{}
	tu.UI.notifier = n
	tu.loginAs("100001")
	tu.open("home")
	if got := n.list(); len(got) != 0 {
		t.Fatalf("reminders are off by default, yet shown: %q", got)
	}
	tu.open("settings")
	ck := tu.remindCheck()
	if ck == nil || ck.Checked {
		t.Fatalf("no unticked «Напоминать о показаниях на этом компьютере» in «Настройки»: %v", ck)
	}
	fyne.DoAndWait(func() { test.Tap(ck) })
	got := n.list()
	if len(got) != 1 || !strings.HasPrefix(got[0], "Kabinet: передайте показания счётчик") || !strings.Contains(got[0], "Осталось") && !strings.Contains(got[0], "Остался") {
		t.Fatalf("the reminder after ticking: %q", got)
	}
	if strings.Contains(got[0], "100001") {
		t.Errorf("the reminder names the account: %q", got[0])
	}
	if !tu.UI.opts.Settings.ReadingReminders || tu.UI.opts.Settings.ReminderSlot == "" {
		t.Errorf("the choice and the slot are not kept: %+v", tu.UI.opts.Settings)
	}
	// Later syncs and the hourly look find the same slot.
	tu.tapButton("Обновить данные")
	tu.settle()
	fyne.DoAndWait(tu.UI.remind)
	// A restart reads the slot from the settings.
	fyne.DoAndWait(func() { tu.UI.reminder = nil; tu.UI.startReminders() })
	if got := n.list(); len(got) != 1 {
		t.Errorf("one slot, %d reminders: %q", len(got), got)
	}
}

// A public computer has no such choice and never reminds, even when a
// preset turned reminders on.
func TestNoDesktopReminderInPublicMode(t *testing.T) {
	tu := newTestUI(t, true)
	n := &fakeNotifier{}
	tu.UI.notifier = n
	tu.UI.opts.Settings.ReadingReminders = true
	tu.loginAs("100001")
	tu.open("home")
	fyne.DoAndWait(func() { tu.UI.startReminders(); tu.UI.remind() })
	if got := n.list(); len(got) != 0 {
		t.Errorf("a public computer showed %q", got)
	}
	tu.open("settings")
	if tu.remindCheck() != nil {
		t.Error("a public computer offers desktop reminders")
	}
}
