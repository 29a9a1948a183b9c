package app

import (
	"context"
	"errors"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// Finish runs after the window's loop has ended, however it ended: the
// close button, Fyne quitting by itself on SIGINT or SIGTERM, or Windows
// logging the user off (internal/shutdown quits the loop). On a public
// computer a visitor still logged in is logged out and everything of
// theirs — the store, printed documents — is deleted, exactly as «Выйти»
// does, with the last delivery and the portal's goodbye cut to budget; at
// home the store is closed cleanly and the login kept. It runs on the
// caller's goroutine and touches no widget: the loop is gone.
func (u *UI) Finish(budget time.Duration) error {
	// A logout the person started may still be running: wait for it.
	u.logoutMu.Lock()
	defer u.logoutMu.Unlock()
	if u.stopReminders != nil {
		u.stopReminders()
	}
	if u.svc == nil {
		return nil
	}
	var err error
	if u.svc.Public() && u.svc.Customer() != "" {
		ctx, cancel := context.WithTimeout(context.Background(), budget)
		_, err = u.svc.Logout(ctx, u.sessionStart)
		cancel()
	}
	// A public computer's store — even the empty one opened for the next
	// visitor — goes with it.
	return errors.Join(err, u.svc.Close())
}

// endSession is the close button's end, on the UI goroutine: a public
// visitor is logged out with the window still open; finished runs once,
// after the logout and the store's closing.
func (u *UI) endSession(budget time.Duration, finished func()) {
	if u.ended != nil {
		// Already ending (the window's close button, then a signal): wait
		// for the same end.
		ended := u.ended
		go func() {
			<-ended
			do(finished)
		}()
		return
	}
	u.ended = make(chan struct{})
	closeStore := func() {
		if u.svc != nil {
			// A public computer's store — even the empty one opened for
			// the next visitor — goes with it.
			if err := u.svc.Close(); err != nil {
				fyne.LogError("close the store", err)
			}
		}
		close(u.ended)
		finished()
	}
	if u.svc != nil && u.svc.Public() && (u.svc.Customer() != "" || u.loggingOut) {
		u.logoutWithin(budget, closeStore)
		return
	}
	closeStore()
}

// afterFunc is UI.after outside tests.
func afterFunc(d time.Duration, f func()) func() {
	t := time.AfterFunc(d, f)
	return func() { t.Stop() }
}

// loggedOutPage is the page after a public logout while it is shown: leave
// takes the window to a clean login, stop cancels its minute.
type loggedOutPage struct {
	leave func()
	stop  func()
}

// typedRune handles letters typed where no field has the cursor: they
// count as activity, and take the page after a public logout away.
func (u *UI) typedRune(rune) {
	u.touch()
	if u.loggedOut != nil {
		u.loggedOut.leave()
	}
}

// tapCatcher lies under a page and calls onTap for a click anywhere on it
// that no button took.
type tapCatcher struct {
	widget.BaseWidget
	content fyne.CanvasObject
	onTap   func()
}

func newTapCatcher(content fyne.CanvasObject, onTap func()) *tapCatcher {
	t := &tapCatcher{content: content, onTap: onTap}
	t.ExtendBaseWidget(t)
	return t
}

func (t *tapCatcher) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(t.content)
}

// Tapped and TappedSecondary make the catcher fyne.Tappable and
// fyne.SecondaryTappable.
func (t *tapCatcher) Tapped(*fyne.PointEvent)          { t.onTap() }
func (t *tapCatcher) TappedSecondary(*fyne.PointEvent) { t.onTap() }
