package mailer

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"kabinet/internal/demo"
	"kabinet/internal/domain"
	"kabinet/internal/portaldb"
)

// testNow is inside the reading window, in the month after the demo's
// history ends.
var testNow = time.Date(2026, time.November, 20, 14, 5, 0, 0, domain.Moscow)

// clock is a fake clock a test moves by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: testNow} }

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *clock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.now = c.now.Add(d) }

// counter is an Observer that counts.
type counter struct {
	mu                 sync.Mutex
	sent, retry, final int
}

func (c *counter) Sent() { c.mu.Lock(); c.sent++; c.mu.Unlock() }

func (c *counter) Failed(final bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if final {
		c.final++
	} else {
		c.retry++
	}
}

func (c *counter) get() (sent, retry, final int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sent, c.retry, c.final
}

// syncBuffer is a log the test reads while the Runner writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func testLogger() (*slog.Logger, *syncBuffer) {
	b := &syncBuffer{}
	return slog.New(slog.NewTextHandler(b, nil)), b
}

var (
	kuznetsovOnce sync.Once
	kuznetsovDoc  *domain.AccountDocument
	kuznetsovErr  error
)

// kuznetsov is the demo customer who gets his bills by e-mail.
const (
	kuznetsovCustomer = "100002"
	kuznetsovAccount  = "1100023456"
	kuznetsovEmail    = "kuznetsov.an@example.com"
)

// kuznetsovDocument returns the demo account 1100023456's document as the
// portal database assembles it (built once).
func kuznetsovDocument(t *testing.T) *domain.AccountDocument {
	t.Helper()
	kuznetsovOnce.Do(func() {
		ctx := context.Background()
		dir := t.TempDir()
		db, err := portaldb.Open(ctx, filepath.Join(dir, "portal.db"), portaldb.Options{Now: func() time.Time { return testNow }})
		if err != nil {
			kuznetsovErr = err
			return
		}
		defer db.Close()
		seed, err := demo.Build(testNow, func(string) (string, error) { return "not-a-hash", nil })
		if err == nil {
			err = db.LoadSeed(ctx, seed)
		}
		if err != nil {
			kuznetsovErr = err
			return
		}
		kuznetsovErr = db.Read(ctx, func(tx *portaldb.Tx) error {
			c, err := tx.CustomerByNumber(ctx, kuznetsovCustomer)
			if err != nil {
				return err
			}
			ref, err := tx.AccountRef(ctx, c.ID, kuznetsovAccount)
			if err != nil {
				return err
			}
			kuznetsovDoc, err = tx.Document(ctx, ref, 0, domain.DefaultWindow)
			return err
		})
	})
	if kuznetsovErr != nil {
		t.Fatal(kuznetsovErr)
	}
	return kuznetsovDoc
}

// kuznetsovJob is a job for the latest bill of Kuznetsov's account.
func kuznetsovJob(t *testing.T) (Job, domain.Invoice) {
	doc := kuznetsovDocument(t)
	inv := doc.Invoices[0] // newest first
	return Job{AccountID: 1, Account: kuznetsovAccount, InvoiceID: inv.ID, Period: inv.Period, To: kuznetsovEmail}, inv
}

// fixture is a Runner on a demo portal database, on a fake clock, with
// a new bill for Kuznetsov's account waiting to be e-mailed to the test
// SMTP server.
type fixture struct {
	srv    *smtpServer
	db     *portaldb.DB
	clock  *clock
	obs    *counter
	log    *syncBuffer
	runner *Runner
	period domain.Period
}

func newFixture(t *testing.T, tweak func(*Config, *RunnerConfig)) *fixture {
	t.Helper()
	f := &fixture{srv: startSMTP(t), clock: newClock(), obs: &counter{}}
	f.db = demoDB(t, filepath.Join(t.TempDir(), "portal.db"), f.clock.Now, false)
	f.period = domain.DateOf(f.clock.Now(), domain.Moscow).Period()
	issue(t, f.db, kuznetsovAccount, f.period)
	cfg := f.srv.config()
	cfg.Now = f.clock.Now
	logger, buf := testLogger()
	f.log = buf
	rc := RunnerConfig{Queue: f.db, Logger: logger, Observer: f.obs, Window: domain.DefaultWindow,
		Jitter: func(time.Duration) time.Duration { return 0 }}
	if tweak != nil {
		tweak(&cfg, &rc)
	}
	s, err := NewSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rc.Sender = s
	if f.runner, err = NewRunner(rc); err != nil {
		t.Fatal(err)
	}
	return f
}

// sendDue runs one SendDue and returns how many letters it tried.
func (f *fixture) sendDue(t *testing.T) int {
	t.Helper()
	n, err := f.runner.SendDue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// counts returns the fixture's mail jobs pending, sent and failed.
func (f *fixture) counts(t *testing.T) [3]int {
	t.Helper()
	return counts(t, f.db)
}
