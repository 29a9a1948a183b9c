// Package shutdown tells the window that the program must end from
// outside: SIGINT or SIGTERM on every system, and on Windows the end of the
// user's session (log-off, restart, shutdown). A GUI program on Windows gets
// no console signals, and GLFW does not pass WM_QUERYENDSESSION and
// WM_ENDSESSION on, so there a hidden top-level window of our own receives
// them. On a public computer the visitor's data must be gone before the
// program is: Watch holds the event until the window says it is done.
package shutdown

import (
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

// exit ends the program when the window did not finish in time after a
// signal; tests replace it.
var exit = os.Exit

// Watch calls quit once, on the first signal or end of session, and then
// waits until finished is closed (the window's loop has ended and the
// visitor's data are gone) or wait has passed. Fyne quits its loop on
// SIGINT and SIGTERM by itself; Watch adds the Windows end of session, and
// makes sure a signal ends the program with code 1 if the cleanup hangs.
// After the first signal a second Ctrl+C ends the program at once, as
// people expect. stop undoes Watch.
func Watch(quit func(), finished <-chan struct{}, wait time.Duration) (stop func()) {
	var once sync.Once
	finish := func() bool {
		once.Do(quit)
		select {
		case <-finished:
			return true
		case <-time.After(wait):
			return false
		}
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	stopped := make(chan struct{})
	go func() {
		select {
		case <-sigs:
			signal.Stop(sigs)
			if !finish() {
				exit(1)
			}
		case <-stopped:
		}
	}()
	stopSession := watchSession(func() { finish() })
	var stopOnce sync.Once
	return func() {
		stopOnce.Do(func() {
			signal.Stop(sigs)
			close(stopped)
			stopSession()
		})
	}
}
