package mailer

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// TestTemporaryFailureIsRetriedAndDeliveredOnce: the server answers 451
// once; the letter waits a minute and then arrives, once.
func TestTemporaryFailureIsRetriedAndDeliveredOnce(t *testing.T) {
	f := newFixture(t, nil)
	f.srv.setRcpt(func(_ string, n int) error {
		if n == 1 {
			return refuse(451, smtp.EnhancedCode{4, 3, 0}, "Try again later")
		}
		return nil
	})
	if n := f.sendDue(t); n != 1 {
		t.Fatalf("tried %d letters, want 1", n)
	}
	if c := f.counts(t); c != [3]int{1, 0, 0} || len(f.srv.letters()) != 0 {
		t.Fatalf("after 451: jobs %v, %d letters", c, len(f.srv.letters()))
	}
	f.clock.Add(time.Minute - time.Second)
	if n := f.sendDue(t); n != 0 {
		t.Errorf("tried %d letters before the backoff ended", n)
	}
	f.clock.Add(time.Second)
	if n := f.sendDue(t); n != 1 {
		t.Fatalf("tried %d letters after the backoff, want 1", n)
	}
	f.clock.Add(24 * time.Hour)
	f.sendDue(t)
	if got := f.srv.letters(); len(got) != 1 || got[0].To[0] != kuznetsovEmail {
		t.Fatalf("%d letters arrived, want 1", len(got))
	}
	if c := f.counts(t); c != [3]int{0, 1, 0} {
		t.Errorf("jobs pending/sent/failed %v", c)
	}
	if sent, retry, final := f.obs.get(); sent != 1 || retry != 1 || final != 0 {
		t.Errorf("observer: sent %d, retried %d, given up %d", sent, retry, final)
	}
	if log := f.log.String(); strings.Contains(log, "@") || !strings.Contains(log, "smtp_code=451") {
		t.Errorf("log:\n%s", log)
	}
}

// TestPermanentFailureIsFinal: 550 for the mailbox ends the job; it is
// never tried again.
func TestPermanentFailureIsFinal(t *testing.T) {
	f := newFixture(t, nil)
	f.srv.setRcpt(func(to string, _ int) error {
		return refuse(550, smtp.EnhancedCode{5, 1, 1}, "<"+to+">: Recipient address rejected: User unknown")
	})
	f.sendDue(t)
	for range 5 {
		f.clock.Add(2 * time.Hour)
		if n := f.sendDue(t); n != 0 {
			t.Errorf("a given-up letter was tried again")
		}
	}
	if c := f.counts(t); c != [3]int{0, 0, 1} {
		t.Errorf("jobs pending/sent/failed %v", c)
	}
	if n := f.srv.rcptCount(); n != 1 {
		t.Errorf("the server was asked %d times, want once", n)
	}
	if sent, retry, final := f.obs.get(); sent != 0 || retry != 0 || final != 1 {
		t.Errorf("observer: sent %d, retried %d, given up %d", sent, retry, final)
	}
	if log := f.log.String(); strings.Contains(log, "@") || !strings.Contains(log, "smtp_code=550") {
		t.Errorf("log:\n%s", log)
	}
}

// TestGivesUpAfterMaxAttempts: a mailbox that stays full is tried
// MaxAttempts times, the waits doubling.
func TestGivesUpAfterMaxAttempts(t *testing.T) {
	f := newFixture(t, func(_ *Config, rc *RunnerConfig) { rc.MaxAttempts = 4 })
	f.srv.setRcpt(func(string, int) error { return refuse(452, smtp.EnhancedCode{4, 2, 2}, "Mailbox full") })
	if n := f.sendDue(t); n != 1 {
		t.Fatalf("first attempt: tried %d", n)
	}
	for _, wait := range []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute} {
		f.clock.Add(wait - time.Second)
		if n := f.sendDue(t); n != 0 {
			t.Fatalf("tried again before %v", wait)
		}
		f.clock.Add(time.Second)
		if n := f.sendDue(t); n != 1 {
			t.Fatalf("not tried again after %v", wait)
		}
	}
	f.clock.Add(24 * time.Hour)
	if n := f.sendDue(t); n != 0 {
		t.Errorf("tried after the last attempt")
	}
	if c := f.counts(t); c != [3]int{0, 0, 1} {
		t.Errorf("jobs pending/sent/failed %v", c)
	}
	if sent, retry, final := f.obs.get(); sent != 0 || retry != 3 || final != 1 {
		t.Errorf("observer: sent %d, retried %d, given up %d", sent, retry, final)
	}
}

func TestBackoff(t *testing.T) {
	r := &Runner{cfg: RunnerConfig{BackoffBase: time.Minute, BackoffMax: time.Hour, Jitter: func(time.Duration) time.Duration { return 0 }}}
	want := []time.Duration{1, 2, 4, 8, 16, 32, 60, 60, 60, 60}
	for i, w := range want {
		if got := r.backoff(i + 1); got != w*time.Minute {
			t.Errorf("backoff(%d) = %v, want %v", i+1, got, w*time.Minute)
		}
	}
	if got := r.backoff(1000); got != time.Hour {
		t.Errorf("backoff(1000) = %v", got)
	}
	// The default jitter brings an attempt up to a quarter earlier, never later.
	s, err := NewSender(Config{Dir: t.TempDir(), From: "bills@example.ru"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewRunner(RunnerConfig{Sender: s}); err == nil {
		t.Error("NewRunner accepted a Runner without a Queue")
	}
	def, err := NewRunner(RunnerConfig{Queue: struct{ Queue }{}, Sender: s})
	if err != nil {
		t.Fatal(err)
	}
	for n := range 200 {
		d, full := def.backoff(n%9+1), r.backoff(n%9+1)
		if d > full || d < full*3/4 {
			t.Fatalf("backoff(%d) with jitter = %v, outside [%v, %v]", n%9+1, d, full*3/4, full)
		}
	}
}

// TestServerDownLettersWait: while the server cannot be reached, letters
// wait — past MaxAttempts, never given up — and the outage is logged once;
// when it is back, they go.
func TestServerDownLettersWait(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadPort := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	var port int
	f := newFixture(t, func(c *Config, rc *RunnerConfig) {
		port, c.Port = c.Port, deadPort
		rc.MaxAttempts, rc.Batch = 2, 2
	})
	for m := 1; m <= 2; m++ {
		issue(t, f.db, kuznetsovAccount, f.period.AddMonths(m))
	}
	for range 5 {
		if n := f.sendDue(t); n != 1 {
			t.Fatalf("tried %d letters while the server is down, want 1 per pause", n)
		}
		if c := f.counts(t); c != [3]int{3, 0, 0} {
			t.Fatalf("jobs pending/sent/failed %v while the server is down", c)
		}
		if n := f.sendDue(t); n != 0 {
			t.Fatalf("tried %d letters during the pause", n)
		}
		f.clock.Add(time.Hour)
	}
	if n := strings.Count(f.log.String(), "the mail server fails"); n != 1 {
		t.Errorf("the outage is logged %d times, want once:\n%s", n, f.log)
	}
	if _, retry, final := f.obs.get(); retry != 5 || final != 0 {
		t.Errorf("observer: retried %d, given up %d", retry, final)
	}

	// The server is back: a new Sender stands for the operator's fix.
	cfg := f.runner.sender.cfg
	cfg.Port = port
	s, err := NewSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	f.runner.sender = s
	if n := f.sendDue(t); n != 3 {
		t.Errorf("tried %d letters after the server came back, want 3", n)
	}
	if got := len(f.srv.letters()); got != 3 {
		t.Errorf("%d letters arrived, want 3", got)
	}
	if !strings.Contains(f.log.String(), "works again") {
		t.Errorf("the end of the outage is not logged:\n%s", f.log)
	}
}

// TestRunWakesOnKickAndStops: Run sends what is due at start and, when
// kicked, long before its timer; it returns nil when its context ends.
func TestRunWakesOnKickAndStops(t *testing.T) {
	f := newFixture(t, func(_ *Config, rc *RunnerConfig) { rc.Poll = time.Hour })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.runner.Run(ctx) }()
	waitLetters(t, f.srv, 1)
	issue(t, f.db, kuznetsovAccount, f.period.AddMonths(1))
	f.runner.Kick()
	f.runner.Kick() // kicks coalesce; Kick never blocks
	waitLetters(t, f.srv, 2)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not stop")
	}
}

func waitLetters(t *testing.T, srv *smtpServer, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(srv.letters()) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d letters arrived, want %d", len(srv.letters()), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
