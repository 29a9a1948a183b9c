package app

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// EndSession ends the visit because the program is being stopped from
// outside: SIGTERM or SIGINT, or Windows logging the user off or shutting
// down. On a public computer the person is logged out and everything of
// theirs — the store, printed documents — is deleted, exactly as «Выйти»
// does, with the last delivery and the portal's goodbye cut to budget; at
// home the store is closed cleanly and the login kept. Then the window
// quits. The returned channel is closed once nothing more needs doing, so a
// caller that must hold the system back (Windows' end of session) knows
// when to let go. EndSession may be called from any goroutine, and more
// than once.
func (u *UI) EndSession(budget time.Duration) <-chan struct{} {
	done := make(chan struct{})
	do(func() {
		u.endSession(budget, func() {
			close(done)
			u.app.Quit()
		})
	})
	return done
}

// endSession runs on the UI goroutine; finished runs once, after the
// public logout and the store's closing.
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
