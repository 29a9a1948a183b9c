package portaldb

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// RateLimit allows at most limit events per key in any sliding window, for
// example 20 password-recovery requests per client address an hour, across
// every portal instance on the database and across restarts. Keys are told
// apart by kind.
type RateLimit struct {
	db     *DB
	kind   string
	limit  int
	window time.Duration
	log    *slog.Logger
}

// RateLimit returns the limit of kind: at most limit events per key in any
// window. The database's clock is used. Errors are logged to log (nil:
// slog.Default()), and an event the database could not count is refused.
func (db *DB) RateLimit(kind string, limit int, window time.Duration, log *slog.Logger) *RateLimit {
	if limit < 1 || window <= 0 {
		panic(fmt.Sprintf("portaldb: RateLimit(%q, %d, %v): need limit >= 1 and a positive window", kind, limit, window))
	}
	if log == nil {
		log = slog.Default()
	}
	return &RateLimit{db: db, kind: kind, limit: limit, window: window, log: log}
}

// Allow counts an event of key now if fewer than limit were counted in the
// window before it; otherwise it counts nothing and says how long until
// the oldest counted event leaves the window. On PostgreSQL the upsert
// takes the key's row lock, so two instances deciding at once go one after
// the other.
func (l *RateLimit) Allow(key string) (retryAfter time.Duration, ok bool) {
	ctx, cancel := context.WithTimeout(context.Background(), throttleTimeout)
	defer cancel()
	err := l.db.Write(ctx, func(tx *Tx) error {
		now := l.db.now().UnixMilli()
		since := now - l.window.Milliseconds()
		var stored string
		err := tx.QueryRowContext(ctx, `INSERT INTO rate_limits (kind, key, touched_at) VALUES (?, ?, ?)
			ON CONFLICT (kind, key) DO UPDATE SET touched_at = excluded.touched_at
			RETURNING events`, l.kind, key, now).Scan(&stored)
		if err != nil {
			return err
		}
		var events []int64
		for f := range strings.SplitSeq(stored, ",") {
			if at, err := strconv.ParseInt(f, 10, 64); err == nil && at > since {
				events = append(events, at)
			}
		}
		retryAfter, ok = 0, len(events) < l.limit
		if ok {
			events = append(events, now)
		} else {
			retryAfter = time.Duration(events[len(events)-l.limit]-since) * time.Millisecond
		}
		parts := make([]string, len(events))
		for i, at := range events {
			parts[i] = strconv.FormatInt(at, 10)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE rate_limits SET events = ? WHERE kind = ? AND key = ?`,
			strings.Join(parts, ","), l.kind, key); err != nil {
			return err
		}
		// Keys whose every event has left the window are forgotten.
		_, err = tx.ExecContext(ctx, `DELETE FROM rate_limits WHERE kind = ? AND touched_at <= ?`, l.kind, since)
		return err
	})
	if err != nil {
		l.log.Error("rate limit", "kind", l.kind, "err", err)
		return time.Minute, false
	}
	return retryAfter, ok
}
