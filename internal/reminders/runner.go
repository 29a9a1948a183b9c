package reminders

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"kabinet/internal/domain"
	"kabinet/internal/mailer"
	"kabinet/internal/portaldb"
	"kabinet/internal/sms"
)

// Store is the durable queue of reminders: *portaldb.DB, or a fake.
type Store interface {
	PlanWindowReminders(ctx context.Context, period domain.Period, slot string, due time.Time) (int64, error)
	ClaimReminderJobs(ctx context.Context, now time.Time, lease time.Duration, limit int, email, sms bool) ([]portaldb.ReminderJob, error)
	StartReminder(ctx context.Context, j portaldb.ReminderJob, now time.Time, budget portaldb.SMSBudget) (portaldb.ReminderDelivery, error)
	CancelReminder(ctx context.Context, id int64, now time.Time, reason string) error
	ReminderSent(ctx context.Context, id int64, at time.Time) error
	ReminderFailed(ctx context.Context, id int64, next time.Time, reason string, final bool) error
}

// SMS purposes in sms_log: each has a budget of its own, apart from the
// recovery codes and security notices (decisions-wave2 «SMS budgets»).
const (
	PurposeReminder = "reminder"
	PurposeReceipt  = "receipt"
)

// Quiet hours in Moscow time: no SMS from QuietFrom:00 to QuietUntil:00.
const (
	QuietFrom  = 21
	QuietUntil = 9
)

// Defaults applied to zero fields of Config.
const (
	DefaultPoll           = time.Minute
	DefaultPlanEvery      = time.Hour
	DefaultLease          = 2 * time.Minute
	DefaultBatch          = 20
	DefaultMaxAttempts    = 10
	DefaultReceiptsPerDay = 10
)

// Mailer sends a letter: *mailer.Sender, the way the e-mailed bills go.
// A failure is a *mailer.Error.
type Mailer interface {
	SendLetter(ctx context.Context, l mailer.Letter) error
}

// Config is what a Runner is built from. Store is required; a nil Mail or
// SMS leaves the jobs of that channel waiting in the database.
type Config struct {
	Store  Store
	Mail   Mailer
	SMS    sms.Sender
	Window domain.SubmissionWindow
	Texts  Texts
	// Now is the clock of planning, quiet hours and leases; nil means
	// time.Now.
	Now    func() time.Time
	Logger *slog.Logger
	// Poll is how often Run plans and sends besides Kick: 1 min.
	Poll time.Duration
	// PlanEvery is how often the current slot is planned again, for the
	// accounts subscribed since: 1 h.
	PlanEvery time.Duration
	// Lease is how long a claimed job is this Runner's alone: 2 min.
	Lease time.Duration
	// Batch is how many jobs one claim takes: 20.
	Batch int
	// MaxAttempts is the e-mail attempt after which a letter is given up.
	MaxAttempts int
	// ReceiptsPerDay is how many receipt SMS a customer gets in 24 hours.
	ReceiptsPerDay int
}

// Runner plans the window reminders and sends the due reminders and
// receipts: one loop, woken by a timer and by Kick.
type Runner struct {
	cfg  Config
	log  *slog.Logger
	kick chan struct{}

	mu sync.Mutex // one Tick at a time
	// planned is the slot planned last («2026-12 opens») and when.
	planned   string
	plannedAt time.Time
	// failing: a failing step is logged once until it works again.
	failing map[string]bool
}

// New returns a Runner for cfg.
func New(cfg Config) (*Runner, error) {
	if cfg.Store == nil {
		return nil, errors.New("reminders: a Runner needs a Store")
	}
	if cfg.Window == (domain.SubmissionWindow{}) {
		cfg.Window = domain.DefaultWindow
	}
	if cfg.Window.Location == nil {
		cfg.Window.Location = domain.Moscow
	}
	if cfg.Texts.Signature == "" {
		cfg.Texts.Signature = DefaultSignature
	}
	if cfg.Texts.FromName == "" {
		cfg.Texts.FromName = mailer.DefaultFromName
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&cfg.Poll, DefaultPoll)
	def(&cfg.PlanEvery, DefaultPlanEvery)
	def(&cfg.Lease, DefaultLease)
	for _, p := range []struct {
		n *int
		v int
	}{{&cfg.Batch, DefaultBatch}, {&cfg.MaxAttempts, DefaultMaxAttempts}, {&cfg.ReceiptsPerDay, DefaultReceiptsPerDay}} {
		if *p.n <= 0 {
			*p.n = p.v
		}
	}
	return &Runner{cfg: cfg, log: cfg.Logger, kick: make(chan struct{}, 1), failing: map[string]bool{}}, nil
}

// Kick wakes Run now, e.g. after a reading was accepted. It never blocks.
func (r *Runner) Kick() {
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// Run plans and sends until ctx is cancelled, then returns nil.
func (r *Runner) Run(ctx context.Context) error {
	t := time.NewTicker(r.cfg.Poll)
	defer t.Stop()
	for {
		r.Tick(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-r.kick:
		}
	}
}

// Tick plans the current slot's reminders when due and sends every job due
// now; it returns how many messages went out.
func (r *Runner) Tick(ctx context.Context) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.plan(ctx, r.cfg.Now())
	return r.sendDue(ctx)
}

// Quiet reports whether t falls in the SMS quiet hours (Moscow).
func Quiet(t time.Time) bool {
	h := t.In(domain.Moscow).Hour()
	return h >= QuietFrom || h < QuietUntil
}

// currentSlot is the slot of the open window st and the day it began:
// «closes» from two days before the end, «opens» before that. A window too
// short for two slots has only «opens».
func currentSlot(st domain.WindowState) (string, domain.Date) {
	closes := st.End.AddDays(-2)
	if closes.After(st.Start) && !st.Today.Before(closes) {
		return portaldb.SlotCloses, closes
	}
	return portaldb.SlotOpens, st.Start
}

// plan makes the current slot's jobs, due at 09:00 of today: on the slot's
// day, and on the later days of the window for whoever was missed (the
// portal was down) or subscribed since.
func (r *Runner) plan(ctx context.Context, now time.Time) {
	st := r.cfg.Window.State(now)
	if !st.Open {
		return
	}
	slot, _ := currentSlot(st)
	key := st.Today.Period().String() + " " + slot
	if key == r.planned && now.Sub(r.plannedAt) < r.cfg.PlanEvery {
		return
	}
	due := st.Today.Time(domain.Moscow).Add(QuietUntil * time.Hour)
	n, err := r.cfg.Store.PlanWindowReminders(ctx, st.Today.Period(), slot, due)
	if r.failed("plan", err) {
		return
	}
	r.planned, r.plannedAt = key, now
	if n > 0 {
		r.log.Info("reading reminders planned", "period", st.Today.Period().String(), "slot", slot, "jobs", n)
	}
}

// sendDue claims and sends the due jobs, batch by batch.
func (r *Runner) sendDue(ctx context.Context) int {
	sent := 0
	for ctx.Err() == nil {
		now := r.cfg.Now()
		email, text := r.cfg.Mail != nil, r.cfg.SMS != nil && !Quiet(now)
		if !email && !text {
			return sent
		}
		jobs, err := r.cfg.Store.ClaimReminderJobs(ctx, now, r.cfg.Lease, r.cfg.Batch, email, text)
		if r.failed("claim", err) || len(jobs) == 0 {
			return sent
		}
		for _, j := range jobs {
			if r.deliver(ctx, j) {
				sent++
			}
		}
	}
	return sent
}

// deliver checks job j again and sends it; it reports whether a message
// went out.
func (r *Runner) deliver(ctx context.Context, j portaldb.ReminderJob) bool {
	now := r.cfg.Now()
	st := r.cfg.Window.State(now)
	budget := portaldb.SMSBudget{Purpose: PurposeReceipt, Since: now.Add(-24 * time.Hour), Max: r.cfg.ReceiptsPerDay}
	if j.Kind == portaldb.ReminderWindow {
		if !st.Open || st.Today.Period() != j.Period {
			return r.cancel(ctx, j, now, "the window closed")
		}
		slot, day := currentSlot(st)
		if slot != j.Slot {
			return r.cancel(ctx, j, now, "a later reminder replaces it")
		}
		budget = portaldb.SMSBudget{Purpose: PurposeReminder, Since: day.Time(domain.Moscow), Max: 1}
	}
	d, err := r.cfg.Store.StartReminder(ctx, j, now, budget)
	var c *portaldb.ReminderCancelled
	if errors.As(err, &c) {
		r.log.Info("reminder not needed any more", "job", j.ID, "kind", j.Kind, "channel", j.Channel, "reason", c.Reason)
		return false
	}
	if err != nil {
		r.log.Error("reminder: cannot start", "job", j.ID, "err", err)
		r.record(ctx, j, now.Add(r.cfg.Lease), err.Error(), false)
		return false
	}
	if j.Channel == portaldb.ChannelSMS {
		return r.sendSMS(ctx, j, d, st)
	}
	return r.sendLetter(ctx, j, d, st)
}

// sendSMS sends j, already marked sent: a failure gives it up, never
// retried (at most once).
func (r *Runner) sendSMS(ctx context.Context, j portaldb.ReminderJob, d portaldb.ReminderDelivery, st domain.WindowState) bool {
	text := r.cfg.Texts.windowSMS(st.End)
	if j.Kind == portaldb.ReminderReceipt {
		text = domain.ReceiptText(d.Serial, d.AcceptedAt, strconv.FormatInt(j.ReadingID, 10)) + "."
	}
	if err := r.cfg.SMS.Send(ctx, sms.Message{Phone: d.To, Text: text}); err != nil {
		r.log.Warn("reminder SMS not sent; it is not tried again", "job", j.ID, "kind", j.Kind, "err", err)
		r.record(ctx, j, r.cfg.Now(), "sms gateway: "+err.Error(), true)
		return false
	}
	r.log.Info("reminder SMS sent", "job", j.ID, "kind", j.Kind)
	return true
}

// sendLetter sends j by e-mail and records the outcome: a failure the
// server may get over is tried again later, with the same Message-ID.
func (r *Runner) sendLetter(ctx context.Context, j portaldb.ReminderJob, d portaldb.ReminderDelivery, st domain.WindowState) bool {
	l := mailer.Letter{JobID: j.ID, Key: "reminder." + strconv.FormatInt(j.ID, 10), To: d.To}
	if j.Kind == portaldb.ReminderReceipt {
		id := strconv.FormatInt(j.ReadingID, 10)
		l.Key = "receipt." + strconv.FormatInt(j.ID, 10)
		l.Subject, l.Body = r.cfg.Texts.receiptLetter(domain.ReceiptText(d.Serial, d.AcceptedAt, id), domain.ReceiptNumber(id))
	} else {
		l.Subject, l.Body = r.cfg.Texts.windowLetter(j.Slot, st)
	}
	err := r.cfg.Mail.SendLetter(ctx, l)
	rec, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	now := r.cfg.Now()
	if err == nil {
		if err := r.cfg.Store.ReminderSent(rec, j.ID, now); err != nil {
			r.log.Error("reminder letter sent but not marked sent; it may go again with the same Message-ID", "job", j.ID, "err", err)
		} else {
			r.log.Info("reminder letter sent", "job", j.ID, "kind", j.Kind)
		}
		return true
	}
	// As with the bills: a failing server (or folder) gives up no letter,
	// a refusal of this one gives it up at once.
	var e *mailer.Error
	isErr := errors.As(err, &e)
	final := (isErr && e.Permanent) || (!(isErr && e.Server) && j.Attempts >= r.cfg.MaxAttempts)
	next := now.Add(backoff(j.Attempts))
	r.log.Warn("reminder letter not sent", "job", j.ID, "attempt", j.Attempts, "final", final, "err", err)
	r.record(rec, j, next, err.Error(), final)
	return false
}

// backoff is the wait after the n-th failed letter: 1 min doubling, at
// most 1 h.
func backoff(n int) time.Duration {
	d := time.Minute
	for i := 1; i < n && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

func (r *Runner) cancel(ctx context.Context, j portaldb.ReminderJob, now time.Time, reason string) bool {
	if err := r.cfg.Store.CancelReminder(ctx, j.ID, now, reason); err != nil {
		r.log.Error("reminder: cannot cancel", "job", j.ID, "err", err)
	}
	return false
}

func (r *Runner) record(ctx context.Context, j portaldb.ReminderJob, next time.Time, reason string, final bool) {
	if len(reason) > 500 {
		reason = reason[:500]
	}
	if err := r.cfg.Store.ReminderFailed(ctx, j.ID, next, reason, final); err != nil {
		r.log.Error("reminder: cannot record the failed attempt", "job", j.ID, "err", err)
	}
}

// failed logs err of step once until the step works again, and reports
// whether it failed.
func (r *Runner) failed(step string, err error) bool {
	if err == nil {
		if r.failing[step] {
			r.log.Info("reminders work again", "step", step)
		}
		r.failing[step] = false
		return false
	}
	if !r.failing[step] {
		r.log.Error("reminders: "+step+" fails", "err", err)
	}
	r.failing[step] = true
	return true
}

var _ Store = (*portaldb.DB)(nil)
