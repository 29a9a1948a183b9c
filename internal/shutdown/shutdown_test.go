//go:build unix

package shutdown

import (
	"os"
	"syscall"
	"testing"
	"time"
)

// TestSIGTERMEndsTheSessionAndWaitsForIt: SIGTERM quits the window once,
// and the program is not ended while the cleanup runs.
func TestSIGTERMEndsTheSessionAndWaitsForIt(t *testing.T) {
	exited := make(chan int, 1)
	exit = func(code int) { exited <- code }
	defer func() { exit = os.Exit }()
	ended := make(chan struct{})
	release := make(chan struct{})
	stop := Watch(func() { close(ended) }, release, time.Hour)
	defer stop()
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ended:
	case <-time.After(10 * time.Second):
		t.Fatal("SIGTERM did not end the session")
	}
	close(release)
	select {
	case code := <-exited:
		t.Fatalf("exited with %d though the window finished", code)
	default:
	}
}

// TestSIGINTThatCannotFinishExits: when the window cannot finish (it
// hangs), the program still ends rather than ignoring the signal.
func TestSIGINTThatCannotFinishExits(t *testing.T) {
	exited := make(chan int, 1)
	exit = func(code int) { exited <- code }
	defer func() { exit = os.Exit }()
	stop := Watch(func() {}, make(chan struct{}), time.Millisecond)
	defer stop()
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-exited:
		if code != 1 {
			t.Errorf("exit code %d", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the program did not end")
	}
}
