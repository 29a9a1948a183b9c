// Package syncer keeps the local store and the portal in step: it delivers
// the outbox (readings and questions typed offline) exactly once, in order
// per meter, and pulls what changed on the portal into the store.
//
// One goroutine runs the engine. It wakes when the app starts, when
// something is queued or the network comes back (Poke), on a timer, and on
// demand (SyncNow), and it tells the GUI what happened through events.
//
// Exactly once rests on three things: an item gets its Idempotency-Key in
// the transaction that saves it; it keeps the key across retries and
// restarts; and it leaves the outbox only after the server's 2xx is
// committed locally. The crash windows and what recovers them:
//
//   - crash before the enqueue commits: nothing was said to be saved;
//   - crash after enqueue, before or during the send: the item is pending
//     and is sent again with its key;
//   - the server committed but the answer was lost (or the app died before
//     MarkSent committed): the resend with the same key gets the stored
//     answer back, and the server stores nothing new.
//
// Because of the last case an item is claimed in the store before its
// request starts and stays claimed until the attempt's outcome is known:
// the person can withdraw or correct a waiting reading, but not one the
// portal may already hold (store.ClaimForSending).
package syncer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
	"time"

	"kabinet/internal/domain"
	"kabinet/internal/portalclient"
	"kabinet/internal/store"
)

// Portal is what the engine needs of the portal; *portalclient.Client has it.
type Portal interface {
	Accounts(ctx context.Context) ([]domain.AccountSummary, error)
	Document(ctx context.Context, account, etag, cursor string) (*domain.AccountDocument, string, bool, error)
	Public(ctx context.Context, kind, etag string) ([]byte, string, bool, error)
	SubmitReading(ctx context.Context, account string, r portalclient.ReadingRequest, key string) (*portalclient.ReadingResult, error)
	AskQuestion(ctx context.Context, q portalclient.QuestionRequest, key string) (domain.Question, json.RawMessage, error)
}

// PublicKinds are the public pages kept for offline reading.
var PublicKinds = []string{"news", "about", "contacts", "faq"}

// Config is what an Engine is built from.
type Config struct {
	Store   *store.Store
	Portal  Portal
	Profile store.Profile
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Interval between background syncs while the app is open; 0 → 15 min.
	Interval time.Duration
	// PublicInterval between refreshes of news, contacts…; 0 → 6 h.
	PublicInterval time.Duration
	// BaseBackoff and MaxBackoff bound the wait before an item is tried
	// again after a failed attempt; 0 → 30 s and 30 min.
	BaseBackoff, MaxBackoff time.Duration
	// RequestTimeout bounds one call to the portal; 0 → 30 s.
	RequestTimeout time.Duration
	// OfflineProbe is how soon to look again after the portal could not be
	// reached; 0 → 1 min.
	OfflineProbe time.Duration
	// OnEvent receives events; it is called from the engine's goroutine and
	// must not block (the GUI hands them to fyne.Do).
	OnEvent func(Event)
	// Rand draws the jitter; nil → math/rand/v2.
	Rand func() float64
}

// Engine syncs one profile.
type Engine struct {
	cfg  Config
	poke chan struct{}

	mu          sync.Mutex
	paused      bool // the portal said 401: wait for a new login
	lastSuccess time.Time
	lastError   string
	lastErr     error
	lastPublic  time.Time
	checked     map[string]time.Time // account → last time the portal confirmed it

	passMu sync.Mutex // held by the running pass
}

// New returns an engine; Run starts its loop.
func New(cfg Config) *Engine {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Interval == 0 {
		cfg.Interval = 15 * time.Minute
	}
	if cfg.PublicInterval == 0 {
		cfg.PublicInterval = 6 * time.Hour
	}
	if cfg.BaseBackoff == 0 {
		cfg.BaseBackoff = 30 * time.Second
	}
	if cfg.MaxBackoff == 0 {
		cfg.MaxBackoff = 30 * time.Minute
	}
	if cfg.RequestTimeout == 0 {
		cfg.RequestTimeout = 30 * time.Second
	}
	if cfg.OfflineProbe == 0 {
		cfg.OfflineProbe = time.Minute
	}
	if cfg.OnEvent == nil {
		cfg.OnEvent = func(Event) {}
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Float64
	}
	return &Engine{cfg: cfg, poke: make(chan struct{}, 1), checked: map[string]time.Time{}}
}

// Poke wakes the engine: something was queued or the network came back.
// Pokes coalesce; it never blocks.
func (e *Engine) Poke() {
	select {
	case e.poke <- struct{}{}:
	default:
	}
}

// Resume lifts the pause a 401 put on the queue (after a new login) and
// wakes the engine.
func (e *Engine) Resume() {
	e.mu.Lock()
	e.paused = false
	e.mu.Unlock()
	e.Poke()
}

// Run syncs at once, then whenever poked, when an item's retry time comes,
// and every Interval, until ctx is done.
func (e *Engine) Run(ctx context.Context) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		force := false
		select {
		case <-ctx.Done():
			return
		case <-e.poke:
			force = true
		case <-timer.C:
		}
		r := e.pass(ctx, force)
		wait := e.cfg.Interval
		if errors.Is(r.Err, portalclient.ErrOffline) {
			// Notice the network's return within a minute, even with
			// nothing queued, so the data on screen gets fresh again.
			wait = min(wait, e.cfg.OfflineProbe)
		}
		if next := e.nextAttempt(); !next.IsZero() {
			wait = min(wait, max(next.Sub(e.cfg.Now()), time.Second))
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(wait)
	}
}

// Report sums up one sync pass.
type Report struct {
	Sent      int
	Attention int
	Waiting   int // still queued (offline, deferred, paused)
	Refreshed []string
	Unchanged []string
	Err       error
}

// SyncNow runs one pass now: push the outbox, then pull what changed. It
// is what the person asks for («Отправить сейчас») and what a poke (a new
// item, the network back) triggers, so items waiting out a backoff are
// tried at once; readings kept for a closed window still wait for it.
func (e *Engine) SyncNow(ctx context.Context) Report { return e.pass(ctx, true) }

func (e *Engine) pass(ctx context.Context, force bool) Report {
	// One pass at a time: a pass asked for while another runs waits for
	// it, then runs, so «send now» and the last delivery at logout are never
	// skipped.
	e.passMu.Lock()
	defer e.passMu.Unlock()

	e.emit(Event{Kind: SyncStarted})
	var r Report
	pushErr := e.push(ctx, &r, force)
	var pullErr error
	// Offline or logged out, a pull would fail the same way.
	if pushErr == nil || !(portalclient.Temporary(pushErr) || e.isPaused()) {
		pullErr = e.pull(ctx, &r)
	}
	r.Err = errors.Join(pushErr, pullErr)
	if pending, err := e.cfg.Store.Pending(e.cfg.Profile); err == nil {
		r.Waiting = 0
		for _, it := range pending {
			if it.State == store.StatePending {
				r.Waiting++
			}
		}
	}
	now := e.cfg.Now()
	e.mu.Lock()
	if r.Err == nil {
		e.lastSuccess, e.lastError, e.lastErr = now, "", nil
	} else {
		e.lastError, e.lastErr = portalclient.Message(r.Err), r.Err
	}
	e.mu.Unlock()
	e.emit(Event{Kind: SyncFinished, Report: &r, Err: r.Err})
	return r
}

func (e *Engine) isPaused() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.paused
}

func (e *Engine) emit(ev Event) {
	ev.Time = e.cfg.Now()
	if ev.Err != nil && ev.Message == "" {
		ev.Message = portalclient.Message(ev.Err)
	}
	e.cfg.OnEvent(ev)
}

// push delivers the outbox in ID order; a meter's later readings wait while
// an earlier one is unsent, so months arrive in order. Every item the pass
// does not send is told about, so a screen waiting for one learns why it
// did not go: refused items hold back their lane (Blocked), a reading kept
// for the window waits for it (Kept), and after a failed attempt the rest
// wait with it (Waiting), or for a login (Paused).
func (e *Engine) push(ctx context.Context, r *Report, force bool) error {
	items, err := e.cfg.Store.Pending(e.cfg.Profile)
	if err != nil {
		return err
	}
	if e.isPaused() {
		for _, it := range items {
			if it.State == store.StatePending {
				e.emit(Event{Kind: Paused, Item: &it, Err: portalclient.ErrUnauthorized})
			}
		}
		return portalclient.ErrUnauthorized
	}
	// lanes holds, per meter (or "questions"), the earliest unsent item
	// that holds the later ones back.
	lanes := map[string]store.OutboxItem{}
	var stopped error // the failure that ended the sending
	for _, it := range items {
		lane := it.Account + "/" + it.Meter
		if it.Kind == store.KindQuestion {
			lane = "questions"
		}
		if it.State == store.StateAttention {
			r.Attention++
			if _, held := lanes[lane]; !held {
				lanes[lane] = it
			}
			continue
		}
		if stopped != nil {
			e.emitHeld(it, lanes[lane], stopped)
			continue
		}
		// Attempts 0 with a future time is a reading kept for the window.
		wait := it.NextAttemptAt.After(e.cfg.Now()) && (!force || it.Attempts == 0)
		if first, held := lanes[lane]; held || wait {
			if !held {
				lanes[lane] = it
				first = it
			}
			e.emitHeld(it, first, nil)
			continue
		}
		if err := e.send(ctx, it, r); err != nil {
			// Offline, the portal failing, or logged out: the rest would
			// fare no better now.
			if e.isPaused() || ctx.Err() != nil {
				return err
			}
			stopped = err
			lanes[lane] = it
		}
	}
	return stopped
}

// emitHeld tells why pending item it was not sent in this pass: first is
// the item that holds its lane back (it itself when it waits on its own
// account), stopped the failure that ended the sending, if any.
func (e *Engine) emitHeld(it, first store.OutboxItem, stopped error) {
	switch {
	case first.ID != 0 && first.ID != it.ID && first.State == store.StateAttention:
		e.emit(Event{Kind: Blocked, Item: &it, Behind: first.ID})
	case stopped != nil:
		e.emit(Event{Kind: Waiting, Item: &it, Err: stopped, NextAttempt: it.NextAttemptAt})
	case first.Attempts == 0 && first.NextAttemptAt.After(e.cfg.Now()):
		e.emit(Event{Kind: Kept, Item: &it, NextAttempt: first.NextAttemptAt})
	}
	// Waiting out a backoff, alone or behind an item that is: it was told
	// when the attempt failed.
}

// send delivers one item and records the outcome. The item is claimed in
// the store first, so the person can no longer withdraw or change it while
// the portal may be receiving it; what goes out is the item as claimed,
// which may be newer than the pass's list. The claim is lifted when the
// attempt certainly did not reach the portal.
func (e *Engine) send(ctx context.Context, it store.OutboxItem, r *Report) error {
	it, err := e.cfg.Store.ClaimForSending(it.ID)
	if errors.Is(err, store.ErrNotWaiting) {
		return nil // withdrawn since the pass listed it
	}
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, e.cfg.RequestTimeout)
	defer cancel()
	var wrote atomic.Bool // some attempt wrote the request onto a connection
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{WroteHeaders: func() { wrote.Store(true) }})
	release := func() {
		if !wrote.Load() {
			// Should this fail, the item merely stays claimed until it
			// is sent: the safe side.
			_ = e.cfg.Store.ReleaseClaim(it.ID)
		}
	}
	var raw json.RawMessage
	switch it.Kind {
	case store.KindReading:
		var res *portalclient.ReadingResult
		res, err = e.cfg.Portal.SubmitReading(ctx, it.Account, portalclient.ReadingRequest{Meter: it.Meter, Values: it.Values, TakenOn: it.TakenOn, Confirm: it.Confirm}, it.IdempotencyKey)
		if res != nil {
			raw = res.Raw
		}
	case store.KindQuestion:
		_, raw, err = e.cfg.Portal.AskQuestion(ctx, portalclient.QuestionRequest{Account: it.Account, Topic: it.Topic, Text: it.Text}, it.IdempotencyKey)
	default:
		err = fmt.Errorf("unknown outbox item kind %q", it.Kind)
	}
	now := e.cfg.Now()
	var rej *portalclient.RejectedError
	switch {
	case err == nil:
		if err := e.cfg.Store.MarkSent(it.ID, raw, now); err != nil {
			return err
		}
		it.State, it.SentAt, it.Response = store.StateSent, now, raw
		r.Sent++
		e.emit(Event{Kind: ItemSent, Item: &it})
		return nil
	case errors.Is(err, portalclient.ErrUnauthorized), errors.Is(err, portalclient.ErrPasswordChangeRequired):
		// The portal refused the session: it recorded nothing.
		if err := e.cfg.Store.ReleaseClaim(it.ID); err != nil {
			return err
		}
		e.mu.Lock()
		e.paused = true
		e.mu.Unlock()
		e.emit(Event{Kind: Paused, Err: err})
		return err
	case errors.As(err, &rej) && rej.Status != 429 && rej.Status != 408:
		p := store.Problem{Status: rej.Status, Code: rej.Code, Detail: rej.Detail, Field: rej.Field, Params: rej.Params}
		if err := e.cfg.Store.MarkAttention(it.ID, p); err != nil {
			return err
		}
		it.State, it.Problem = store.StateAttention, &p
		r.Attention++
		e.emit(Event{Kind: ItemNeedsAttention, Item: &it, Message: rej.Detail})
		return nil
	case ctx.Err() != nil && errors.Is(err, context.Canceled):
		release()
		return err
	default:
		wait := e.backoff(it.Attempts)
		if ra, ok := portalclient.RetryAfter(err); ok {
			wait = min(ra, time.Hour)
		}
		next := now.Add(wait)
		if err := e.cfg.Store.MarkRetry(it.ID, it.Attempts+1, next, portalclient.Message(err)); err != nil {
			return err
		}
		release()
		e.emit(Event{Kind: Waiting, Item: &it, Err: err, NextAttempt: next})
		return err
	}
}

// backoff is full jitter: a random wait up to base·2^attempts, capped.
func (e *Engine) backoff(attempts int) time.Duration {
	ceiling := e.cfg.MaxBackoff
	if attempts < 20 {
		ceiling = min(ceiling, e.cfg.BaseBackoff<<attempts)
	}
	// A floor keeps an unlucky draw of zero from turning into a hot loop.
	return max(min(time.Second, e.cfg.BaseBackoff), time.Duration(e.cfg.Rand()*float64(ceiling)))
}

// nextAttempt is the earliest time a waiting item may be tried.
func (e *Engine) nextAttempt() time.Time {
	items, err := e.cfg.Store.Pending(e.cfg.Profile)
	if err != nil || e.isPaused() {
		return time.Time{}
	}
	var next time.Time
	for _, it := range items {
		if it.State == store.StatePending && (next.IsZero() || it.NextAttemptAt.Before(next)) {
			next = it.NextAttemptAt
		}
	}
	return next
}

// pull refreshes the accounts and public pages.
func (e *Engine) pull(ctx context.Context, r *Report) error {
	list, _, ok, err := e.cfg.Store.Accounts(e.cfg.Profile)
	if err != nil {
		return err
	}
	if !ok {
		if list, err = e.refreshAccounts(ctx); err != nil {
			return err
		}
	}
	for _, a := range list {
		changed, err := e.pullAccount(ctx, a.Number)
		if err != nil {
			return err
		}
		if changed {
			r.Refreshed = append(r.Refreshed, a.Number)
		} else {
			r.Unchanged = append(r.Unchanged, a.Number)
		}
	}
	e.mu.Lock()
	due := e.cfg.Now().Sub(e.lastPublic) >= e.cfg.PublicInterval
	e.mu.Unlock()
	if due {
		if err := e.pullPublic(ctx); err != nil {
			return err
		}
	}
	return nil
}

// RefreshAccounts fetches the list of the customer's accounts: after a
// login, or when the person asks. Routine syncs use the stored list, so a
// sync with nothing new is one request per account.
func (e *Engine) RefreshAccounts(ctx context.Context) error {
	_, err := e.refreshAccounts(ctx)
	return err
}

func (e *Engine) refreshAccounts(ctx context.Context) ([]domain.AccountSummary, error) {
	ctx, cancel := context.WithTimeout(ctx, e.cfg.RequestTimeout)
	defer cancel()
	list, err := e.cfg.Portal.Accounts(ctx)
	if err != nil {
		return nil, e.noteAuth(err)
	}
	return list, e.cfg.Store.SaveAccounts(e.cfg.Profile, list, e.cfg.Now())
}

// pullAccount brings one account up to date with one conditional request:
// a 304 writes nothing, a delta is merged in one transaction, and a cursor
// the portal no longer knows means a full download (the outbox is a
// separate bucket and is not touched).
func (e *Engine) pullAccount(ctx context.Context, account string) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, e.cfg.RequestTimeout)
	defer cancel()
	cached, have, err := e.cfg.Store.Document(e.cfg.Profile, account)
	if err != nil {
		return false, err
	}
	etag, cursor := "", ""
	if have {
		etag, cursor = cached.ETag, cached.Cursor
	}
	doc, newETag, notModified, err := e.cfg.Portal.Document(ctx, account, etag, cursor)
	if errors.Is(err, portalclient.ErrCursorExpired) {
		doc, newETag, notModified, err = e.cfg.Portal.Document(ctx, account, "", "")
		have = false
	}
	if err != nil {
		return false, e.noteAuth(err)
	}
	now := e.cfg.Now()
	e.mu.Lock()
	e.checked[account] = now
	e.mu.Unlock()
	if notModified {
		return false, nil
	}
	if have && doc.Delta {
		if err := e.cfg.Store.ApplyDelta(e.cfg.Profile, account, doc, newETag, now); err == nil {
			e.emit(Event{Kind: DataRefreshed, Account: account})
			return true, nil
		}
		// The stored base is unusable: start again from a full download.
		if doc, newETag, _, err = e.cfg.Portal.Document(ctx, account, "", ""); err != nil {
			return false, e.noteAuth(err)
		}
	}
	if doc.Delta {
		return false, fmt.Errorf("portal sent a delta for a full request of %s", account)
	}
	if err := e.cfg.Store.SaveDocument(e.cfg.Profile, account, store.CachedDocument{Doc: *doc, ETag: newETag, Cursor: doc.Cursor, FetchedAt: now}); err != nil {
		return false, err
	}
	e.emit(Event{Kind: DataRefreshed, Account: account})
	return true, nil
}

func (e *Engine) pullPublic(ctx context.Context) error {
	for _, kind := range PublicKinds {
		_, etag, _, _, err := e.cfg.Store.Public(e.cfg.Profile.Portal, kind)
		if err != nil {
			return err
		}
		rctx, cancel := context.WithTimeout(ctx, e.cfg.RequestTimeout)
		body, newETag, notModified, err := e.cfg.Portal.Public(rctx, kind, etag)
		cancel()
		if err != nil {
			return err
		}
		if !notModified {
			if err := e.cfg.Store.SavePublic(e.cfg.Profile.Portal, kind, body, newETag, e.cfg.Now()); err != nil {
				return err
			}
		}
	}
	e.mu.Lock()
	e.lastPublic = e.cfg.Now()
	e.mu.Unlock()
	return nil
}

// noteAuth pauses the queue on a 401.
func (e *Engine) noteAuth(err error) error {
	if errors.Is(err, portalclient.ErrUnauthorized) {
		e.mu.Lock()
		e.paused = true
		e.mu.Unlock()
		e.emit(Event{Kind: Paused, Err: err})
	}
	return err
}
