package mailer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"kabinet/internal/domain"
	"kabinet/internal/pdf"
	"kabinet/internal/portaldb"
)

// Job is a queued letter as the database hands it out.
type Job = portaldb.MailJob

// Queue is the durable queue of letters: *portaldb.DB, or a fake in tests.
type Queue interface {
	// ClaimMailJobs returns up to limit jobs due at now that are not sent,
	// given up or leased, and leases them until now+lease.
	ClaimMailJobs(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Job, error)
	// MailJobSent marks the job sent: it is never claimed again.
	MailJobSent(ctx context.Context, id int64, at time.Time) error
	// MailJobFailed records a failed attempt: the job is due again at next,
	// or never when final.
	MailJobFailed(ctx context.Context, id int64, next time.Time, reason string, final bool) error
	// AccountDocumentByID returns the account's whole document.
	AccountDocumentByID(ctx context.Context, accountID int64, w domain.SubmissionWindow) (*domain.AccountDocument, error)
}

// Observer hears how every attempt ends; the portal's metrics implement
// it. Its methods are called on the Runner's goroutine and must return at
// once.
type Observer interface {
	// Sent: the server accepted a letter.
	Sent()
	// Failed: a letter was not sent; final when its job was given up,
	// otherwise it will be tried again.
	Failed(final bool)
}

// Defaults applied to zero fields of RunnerConfig.
const (
	DefaultPoll        = 15 * time.Second
	DefaultLease       = 2 * time.Minute
	DefaultBatch       = 10
	DefaultMaxAttempts = 10
	DefaultBackoffBase = time.Minute
	DefaultBackoffMax  = time.Hour
)

// RunnerConfig is what a Runner is built from. Queue and Sender are
// required; zero fields take the documented defaults.
type RunnerConfig struct {
	Queue  Queue
	Sender *Sender
	// Window is the reading window the bill's «when to send readings»
	// tells about; the zero value means domain.DefaultWindow.
	Window domain.SubmissionWindow
	// Logger defaults to slog.Default().
	Logger *slog.Logger
	// Observer, when set, hears how every attempt ends.
	Observer Observer
	// Now is the clock of leases and backoff; nil means the Sender's clock.
	Now func() time.Time
	// Poll is how often Run looks for due jobs besides Kick: 15 s.
	Poll time.Duration
	// Lease is how long a claimed job is this Runner's alone: 2 min.
	Lease time.Duration
	// Batch is how many jobs one claim takes: 10.
	Batch int
	// MaxAttempts is the attempt after which a failing letter is given
	// up: 10.
	MaxAttempts int
	// BackoffBase and BackoffMax space the attempts: 1 min after the
	// first failure, doubling up to 1 h.
	BackoffBase, BackoffMax time.Duration
	// Jitter returns how much earlier than d the next attempt comes; nil
	// means a random part of up to a quarter of d, so letters that failed
	// together do not come back together.
	Jitter func(d time.Duration) time.Duration
}

// Runner delivers the queued letters: one loop, woken by a timer and by
// Kick. See the package comment for the job's life.
type Runner struct {
	cfg    RunnerConfig
	sender *Sender
	log    *slog.Logger
	kick   chan struct{}

	mu sync.Mutex // one SendDue at a time
	// pauseUntil: after the server failed, no job is claimed before it.
	pauseUntil time.Time
	// serverFailures counts the server's failures in a row, for the pause
	// and to log an outage once.
	serverFailures int
	// claimFailing: a failing claim is logged once until it works again.
	claimFailing bool
}

// NewRunner returns a Runner for cfg.
func NewRunner(cfg RunnerConfig) (*Runner, error) {
	if cfg.Queue == nil || cfg.Sender == nil {
		return nil, errors.New("mailer: a Runner needs a Queue and a Sender")
	}
	if cfg.Window == (domain.SubmissionWindow{}) {
		cfg.Window = domain.DefaultWindow
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = cfg.Sender.cfg.Now
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&cfg.Poll, DefaultPoll)
	def(&cfg.Lease, DefaultLease)
	def(&cfg.BackoffBase, DefaultBackoffBase)
	def(&cfg.BackoffMax, DefaultBackoffMax)
	if cfg.Batch <= 0 {
		cfg.Batch = DefaultBatch
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	if cfg.Jitter == nil {
		cfg.Jitter = func(d time.Duration) time.Duration { return rand.N(d/4 + 1) }
	}
	return &Runner{cfg: cfg, sender: cfg.Sender, log: cfg.Logger, kick: make(chan struct{}, 1)}, nil
}

// Kick wakes Run to look for due jobs now, e.g. after an invoice was
// issued. It never blocks; kicks while Run is busy coalesce into one.
func (r *Runner) Kick() {
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// Run sends due letters until ctx is cancelled, then returns nil. A letter
// being sent when ctx is cancelled is finished or put back first.
func (r *Runner) Run(ctx context.Context) error {
	t := time.NewTicker(r.cfg.Poll)
	defer t.Stop()
	for {
		r.SendDue(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-r.kick:
		}
	}
}

// SendDue sends every letter due now and returns how many it tried. It
// stops early when the server fails (the letters wait for the pause to
// end) or ctx is cancelled. Calls do not overlap: a second waits for the
// first.
func (r *Runner) SendDue(ctx context.Context) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	tried := 0
	for ctx.Err() == nil && !r.cfg.Now().Before(r.pauseUntil) {
		claimedAt := r.cfg.Now()
		jobs, err := r.cfg.Queue.ClaimMailJobs(ctx, claimedAt, r.cfg.Lease, r.cfg.Batch)
		if err != nil {
			if !r.claimFailing && ctx.Err() == nil {
				r.log.Error("e-mailed bills: cannot claim jobs", "err", err)
			}
			r.claimFailing = true
			return tried, err
		}
		r.claimFailing = false
		if len(jobs) == 0 {
			return tried, nil
		}
		for i, j := range jobs {
			// A letter started late in the lease could still be on its way
			// when another Runner claims the job again: the rest of the
			// batch is put back instead. The first job of a claim always
			// goes, so a lease shorter than the timeouts still makes progress.
			late := i > 0 && r.cfg.Now().After(claimedAt.Add(r.cfg.Lease-2*r.sender.cfg.Timeout))
			if late || ctx.Err() != nil || r.cfg.Now().Before(r.pauseUntil) {
				r.putBack(ctx, jobs[i:])
				break
			}
			tried++
			r.deliver(ctx, j)
		}
	}
	return tried, ctx.Err()
}

// deliver makes one attempt at job j and records how it ended.
//
// The crash states it leaves behind, and what happens to them:
//   - killed before the server accepted the letter: the lease expires and
//     the job is claimed again, one attempt spent;
//   - killed after the server accepted it, before MailJobSent committed
//     (or MailJobSent failed): the letter goes again after the lease, with
//     the same Message-ID;
//   - ctx cancelled (shutdown) during the attempt: the outcome is recorded
//     with a context that outlives ctx, so an accepted letter is marked
//     sent and an interrupted one is due again at once.
func (r *Runner) deliver(ctx context.Context, j Job) {
	err := r.attempt(ctx, j)
	record, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	now := r.cfg.Now()
	if err == nil {
		if err := r.cfg.Queue.MailJobSent(record, j.ID, now); err != nil {
			r.log.Error("e-mailed bill sent but not marked sent; it may be sent again after the lease", "job", j.ID, "err", err)
		} else {
			r.log.Info("e-mailed bill sent", "job", j.ID, "attempt", j.Attempts)
		}
		r.serverUp()
		r.observe(func(o Observer) { o.Sent() })
		return
	}
	if ctx.Err() != nil {
		// Shutdown, not the letter's fault: due again when the portal is back.
		r.fail(record, j, now, "interrupted by shutdown", false)
		return
	}
	var e *Error
	if !errors.As(err, &e) {
		e = &Error{Stage: "prepare", err: err}
	}
	final := e.Permanent || (!e.Server && j.Attempts >= r.cfg.MaxAttempts)
	next := now.Add(r.backoff(j.Attempts))
	switch {
	case e.Server:
		r.serverDown(now, e)
	case e.Stage != "prepare":
		r.serverUp() // it answered, if only to refuse this letter
	}
	attrs := []any{"job", j.ID, "attempt", j.Attempts, "stage", e.Stage, "smtp_code", e.Code, "final", final, "err", e.Error()}
	if final {
		r.log.Error("e-mailed bill given up", attrs...)
	} else {
		r.log.Warn("e-mailed bill not sent, will retry", append(attrs, "next", next)...)
	}
	r.fail(record, j, next, e.Error(), final)
	r.observe(func(o Observer) { o.Failed(final) })
}

// attempt renders j's bill and sends it, or sends j's notice.
func (r *Runner) attempt(ctx context.Context, j Job) error {
	if j.Kind == portaldb.MailEmailChanged {
		return r.sender.SendNotice(ctx, Notice{Job: j})
	}
	doc, err := r.cfg.Queue.AccountDocumentByID(ctx, j.AccountID, r.cfg.Window)
	if errors.Is(err, portaldb.ErrNotFound) {
		return &Error{Stage: "prepare", Permanent: true, err: fmt.Errorf("the account of job %d is gone", j.ID)}
	}
	if err != nil {
		return fmt.Errorf("account document of job %d: %w", j.ID, err)
	}
	inv := findInvoice(doc, j.InvoiceID)
	if inv == nil {
		return &Error{Stage: "prepare", Permanent: true, err: fmt.Errorf("invoice %s of job %d is not in the account document", j.InvoiceID, j.ID)}
	}
	var buf bytes.Buffer
	opts := pdf.Options{Now: r.sender.cfg.Now, ContactPhone: r.sender.cfg.ContactPhone}
	if err := pdf.Invoice(&buf, doc, j.InvoiceID, opts); err != nil {
		return fmt.Errorf("render the bill of job %d: %w", j.ID, err)
	}
	return r.sender.Send(ctx, Bill{Job: j, Invoice: *inv, PDF: buf.Bytes()})
}

func findInvoice(doc *domain.AccountDocument, id string) *domain.Invoice {
	for i := range doc.Invoices {
		if doc.Invoices[i].ID == id {
			return &doc.Invoices[i]
		}
	}
	return nil
}

// fail records a failed attempt, logging when even that fails: the lease
// then brings the job back.
func (r *Runner) fail(ctx context.Context, j Job, next time.Time, reason string, final bool) {
	if len(reason) > 500 {
		reason = reason[:500]
	}
	if err := r.cfg.Queue.MailJobFailed(ctx, j.ID, next, reason, final); err != nil {
		r.log.Error("e-mailed bill: cannot record the failed attempt", "job", j.ID, "err", err)
	}
}

// putBack returns claimed jobs that were not tried: due again at once, or
// when the pause after a server failure ends.
func (r *Runner) putBack(ctx context.Context, jobs []Job) {
	record, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	next := r.cfg.Now()
	if r.pauseUntil.After(next) {
		next = r.pauseUntil
	}
	for _, j := range jobs {
		r.fail(record, j, next, "not tried: put back", false)
	}
}

// serverDown pauses claiming after a failure of the server itself and logs
// the outage once.
func (r *Runner) serverDown(now time.Time, e *Error) {
	r.serverFailures++
	r.pauseUntil = now.Add(r.backoff(r.serverFailures))
	if r.serverFailures == 1 {
		r.log.Error("e-mailed bills: the mail server fails; letters wait in the queue", "stage", e.Stage, "smtp_code", e.Code, "err", e.Error())
	}
}

func (r *Runner) serverUp() {
	if r.serverFailures > 0 {
		r.log.Info("e-mailed bills: the mail server works again", "failures", r.serverFailures)
	}
	r.serverFailures = 0
	r.pauseUntil = time.Time{}
}

// backoff is the wait after the n-th failure: BackoffBase·2ⁿ⁻¹, at most
// BackoffMax, less the jitter.
func (r *Runner) backoff(n int) time.Duration {
	d := r.cfg.BackoffBase
	for i := 1; i < n && d < r.cfg.BackoffMax; i++ {
		d *= 2
	}
	d = min(d, r.cfg.BackoffMax)
	return d - min(r.cfg.Jitter(d), d)
}

func (r *Runner) observe(f func(Observer)) {
	if r.cfg.Observer != nil {
		f(r.cfg.Observer)
	}
}

var _ Queue = (*portaldb.DB)(nil)
