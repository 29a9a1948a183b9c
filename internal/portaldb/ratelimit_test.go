package portaldb_test

import (
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kabinet/internal/portaldb"
)

// Two portal instances on one database count against one budget of 20 an
// hour per key, however the requests are spread and however many run at
// once; the budget comes back as the oldest events leave the window, and
// other keys have their own.
func TestRateLimitIsSharedByInstances(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		var clock atomic.Int64
		clock.Store(time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC).UnixMilli())
		now := func() time.Time { return time.UnixMilli(clock.Load()) }
		dsn := b.location(t)
		one, two := b.open(t, dsn, portaldb.Options{Now: now}), b.open(t, dsn, portaldb.Options{Now: now})
		quiet := slog.New(slog.DiscardHandler)
		limits := []*portaldb.RateLimit{one.RateLimit("recovery", 20, time.Hour, quiet), two.RateLimit("recovery", 20, time.Hour, quiet)}

		var allowed atomic.Int32
		var wg sync.WaitGroup
		for i := range 50 {
			wg.Go(func() {
				if _, ok := limits[i%2].Allow("203.0.113.7"); ok {
					allowed.Add(1)
				}
			})
		}
		wg.Wait()
		if n := allowed.Load(); n != 20 {
			t.Fatalf("%d requests let through by two instances, want 20", n)
		}
		clock.Add((20 * time.Minute).Milliseconds())
		if w, ok := limits[1].Allow("203.0.113.7"); ok || w != 40*time.Minute {
			t.Errorf("over the limit: allowed %v, wait %v; want refused for 40m", ok, w)
		}
		if _, ok := limits[0].Allow("198.51.100.1"); !ok {
			t.Error("another address was refused")
		}
		// An hour after the first twenty, they have left the window.
		clock.Add((40*time.Minute + time.Millisecond).Milliseconds())
		if _, ok := limits[0].Allow("203.0.113.7"); !ok {
			t.Error("an hour later the address is still refused")
		}
	})
}
