package portaldb

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"kabinet/internal/auth"
)

// Throttle slows down password guessing per key (a customer number, a
// client address, a device) with the rule of auth.ThrottleConfig: the first
// FreeFailures consecutive failures cost nothing, each later one makes the
// key wait longer, up to MaxDelay, and failures are forgotten after Forget
// without one. Its state is in the database, so every portal instance on
// the database shares it and a restart hands out no fresh guesses.
//
// Allow lets an attempt through and counts it as pending until Fail,
// Succeed or Release reports how it ended: attempts running at once, on one
// instance or several, share one budget, so a hundred guesses sent together
// get no more tries than a hundred sent one by one. A pending attempt whose
// request never reports back lapses after a while (throttleLease).
//
// Its methods have no context and return no error, so that call sites stay
// as simple as those of auth.Throttle: an error is logged, and Allow then
// refuses (the login could not have been checked anyway).
type Throttle struct {
	db   *DB
	kind string
	cfg  auth.ThrottleConfig
	log  *slog.Logger
}

// throttleLease is how long an attempt let through stays pending without
// news: longer than a login may take (waiting for a hashing slot, then
// hashing).
const throttleLease = 30 * time.Second

// busyWait is the longest wait told to an attempt refused only because
// others are under way: they end in moments.
const busyWait = 5 * time.Second

// throttleTimeout bounds one throttle statement.
const throttleTimeout = 5 * time.Second

// Throttle returns the throttle of kind ("customer", "address", "device")
// with the rule cfg; its Now is ignored, the database's clock is used. Errors
// are logged to log (nil: slog.Default()).
func (db *DB) Throttle(kind string, cfg auth.ThrottleConfig, log *slog.Logger) *Throttle {
	if log == nil {
		log = slog.Default()
	}
	return &Throttle{db: db, kind: kind, cfg: cfg.WithDefaults(), log: log}
}

// throttleRow is a key's state; times are Unix milliseconds.
type throttleRow struct {
	failures      int
	lastFailure   int64
	blockedUntil  int64
	pending       int
	pendingUntil  int64
	forgetAfterMs int64
}

// settle applies the passage of time at now: failures long past are
// forgotten, pending attempts past their lease lapse.
func (r *throttleRow) settle(now int64) {
	if r.failures > 0 && now-r.lastFailure >= r.forgetAfterMs && now >= r.blockedUntil {
		r.failures, r.blockedUntil = 0, 0
	}
	if now >= r.pendingUntil {
		r.pending = 0
	}
}

// update locks the key's row (creating it) for the rest of the transaction,
// hands its state to fn and stores what fn left. On PostgreSQL the upsert
// takes the row lock, so two instances deciding about one key at the same
// moment go one after the other, the second seeing what the first stored.
func (t *Throttle) update(key string, fn func(r *throttleRow, now int64)) error {
	ctx, cancel := context.WithTimeout(context.Background(), throttleTimeout)
	defer cancel()
	return t.db.Write(ctx, func(tx *Tx) error {
		now := t.db.now().UnixMilli()
		r := throttleRow{forgetAfterMs: t.cfg.Forget.Milliseconds()}
		err := tx.QueryRowContext(ctx, `INSERT INTO login_throttles (kind, key, touched_at) VALUES (?, ?, ?)
			ON CONFLICT (kind, key) DO UPDATE SET touched_at = excluded.touched_at
			RETURNING failures, last_failure_at, blocked_until, pending, pending_until`, t.kind, key, now).
			Scan(&r.failures, &r.lastFailure, &r.blockedUntil, &r.pending, &r.pendingUntil)
		if err != nil {
			return fmt.Errorf("throttle %s: %w", t.kind, err)
		}
		r.settle(now)
		fn(&r, now)
		_, err = tx.ExecContext(ctx, `UPDATE login_throttles SET failures = ?, last_failure_at = ?, blocked_until = ?, pending = ?, pending_until = ?
			WHERE kind = ? AND key = ?`, r.failures, r.lastFailure, r.blockedUntil, r.pending, r.pendingUntil, t.kind, key)
		if err != nil {
			return fmt.Errorf("throttle %s: %w", t.kind, err)
		}
		return nil
	})
}

// Allow reports whether key may make an attempt now and, if so, counts the
// attempt as pending. If not, retryAfter is how long to wait (for a
// Retry-After header and for a message like «попробуйте снова через 2
// минуты»). While failures are free, attempts under way count against
// them; once they are used up, one attempt at a time goes through.
func (t *Throttle) Allow(key string) (retryAfter time.Duration, ok bool) {
	err := t.update(key, func(r *throttleRow, now int64) {
		switch {
		case now < r.blockedUntil:
			retryAfter = time.Duration(r.blockedUntil-now) * time.Millisecond
		case r.pending > 0 && r.failures+r.pending >= t.cfg.FreeFailures:
			retryAfter = min(time.Duration(r.pendingUntil-now)*time.Millisecond, busyWait)
		default:
			ok = true
			r.pending++
			r.pendingUntil = now + throttleLease.Milliseconds()
		}
	})
	if err != nil {
		t.log.Error("login throttle", "err", err)
		return time.Minute, false
	}
	return retryAfter, ok
}

// Fail records a failed attempt of key and returns the wait it imposes
// (zero while the failure is still free).
func (t *Throttle) Fail(key string) (wait time.Duration) {
	err := t.update(key, func(r *throttleRow, now int64) {
		r.pending = max(r.pending-1, 0)
		r.failures++
		r.lastFailure = now
		if d := t.cfg.Delay(r.failures); d > 0 {
			r.blockedUntil = max(r.blockedUntil, now+d.Milliseconds())
		}
		if r.blockedUntil > now {
			wait = time.Duration(r.blockedUntil-now) * time.Millisecond
		}
	})
	if err != nil {
		t.log.Error("login throttle", "err", err)
	}
	return wait
}

// Release ends an attempt of key that proved nothing either way (the
// request stopped before the password was checked, or it was checked by
// another key's rule): it no longer counts as pending.
func (t *Throttle) Release(key string) {
	err := t.update(key, func(r *throttleRow, _ int64) { r.pending = max(r.pending-1, 0) })
	if err != nil {
		t.log.Error("login throttle", "err", err)
	}
}

// Succeed forgets key's failures after a successful attempt, and sweeps the
// rows of this kind that have been quiet for longer than failures are
// remembered.
func (t *Throttle) Succeed(key string) {
	ctx, cancel := context.WithTimeout(context.Background(), throttleTimeout)
	defer cancel()
	err := t.db.Write(ctx, func(tx *Tx) error {
		stale := t.db.now().Add(-t.cfg.Forget - throttleLease).UnixMilli()
		return tx.execAll(ctx,
			statement{`DELETE FROM login_throttles WHERE kind = ? AND key = ?`, []any{t.kind, key}},
			statement{`DELETE FROM login_throttles WHERE kind = ? AND touched_at < ?`, []any{t.kind, stale}})
	})
	if err != nil {
		t.log.Error("login throttle", "err", err)
	}
}
