//go:build !windows

package notify

import "fyne.io/fyne/v2"

// New returns the notifier of this system: Fyne's notifications.
func New(a fyne.App) Notifier { return fyneNotifier{a} }

type fyneNotifier struct{ a fyne.App }

func (n fyneNotifier) Notify(title, body string) error {
	n.a.SendNotification(fyne.NewNotification(title, body))
	return nil
}
