package auth

import (
	"container/list"
	"sync"
	"time"
)

// ThrottleConfig configures a Throttle. Zero fields take the defaults.
type ThrottleConfig struct {
	// FreeFailures is how many consecutive failures cost nothing
	// (default 5).
	FreeFailures int
	// BaseDelay and MaxDelay shape the wait after further failures
	// (defaults 30 s and 15 min); see Throttle.
	BaseDelay time.Duration
	MaxDelay  time.Duration
	// Forget is how long a key must go without failures before its count
	// starts over (default 1 h). It is raised to MaxDelay if smaller, so
	// that a penalty is never forgotten before it ends.
	Forget time.Duration
	// MaxKeys bounds memory (default 100 000 keys, about 20 MB); when it
	// is reached the key whose last failure is oldest is dropped.
	MaxKeys int
	// Now is the clock (default time.Now); tests pass a fake one.
	Now func() time.Time
}

// Throttle slows down password guessing per key (a customer number, or a
// client address). The first FreeFailures consecutive failures of a key cost
// nothing; the n-th consecutive failure after them makes the key wait
// BaseDelay·2^(n−FreeFailures), capped at MaxDelay. With the defaults the
// 6th failure in a row means a 1-minute wait, the 7th 2 minutes, the 8th 4,
// the 9th 8 and every later one 15 minutes.
//
// The wait is never permanent, so an attacker who knows a customer number
// cannot lock the customer out for good (ASVS 6.1.1, NIST 800-63B): once
// the wait is over the key may try again, a success resets it, and after
// Forget without failures its count starts over.
//
// A Throttle lives in memory and forgets everything on restart, and each
// process has its own: the portal keeps its throttles in its database
// instead (portaldb.Throttle, with the same ThrottleConfig). A Throttle
// keeps at most MaxKeys keys and removes stale ones as it goes, without a
// goroutine. It is safe for concurrent use.
type Throttle struct {
	free      int
	base, max time.Duration
	forget    time.Duration
	maxKeys   int
	now       func() time.Time

	mu      sync.Mutex
	entries map[string]*list.Element
	// order lists entries by their last failure, oldest first, so that both
	// the stale ones and the eviction candidate are at the front.
	order *list.List
}

type throttleEntry struct {
	key      string
	failures int
	last     time.Time // last failure
	until    time.Time // end of the current wait
}

// WithDefaults returns cfg with its zero fields set to the defaults, as
// NewThrottle and the database's throttle read it.
func (cfg ThrottleConfig) WithDefaults() ThrottleConfig {
	if cfg.FreeFailures <= 0 {
		cfg.FreeFailures = 5
	}
	if cfg.BaseDelay <= 0 {
		cfg.BaseDelay = 30 * time.Second
	}
	if cfg.MaxDelay <= 0 {
		cfg.MaxDelay = 15 * time.Minute
	}
	if cfg.MaxDelay < cfg.BaseDelay {
		cfg.MaxDelay = cfg.BaseDelay
	}
	if cfg.Forget <= 0 {
		cfg.Forget = time.Hour
	}
	if cfg.Forget < cfg.MaxDelay {
		cfg.Forget = cfg.MaxDelay
	}
	if cfg.MaxKeys <= 0 {
		cfg.MaxKeys = 100_000
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return cfg
}

// Delay returns the wait that the failures-th consecutive failure imposes
// under cfg (with its defaults): zero while failures are free, then
// BaseDelay·2^(failures−FreeFailures) capped at MaxDelay.
func (cfg ThrottleConfig) Delay(failures int) time.Duration {
	cfg = cfg.WithDefaults()
	if failures <= cfg.FreeFailures {
		return 0
	}
	d := cfg.BaseDelay
	// Doubling step by step, so that a long run of failures cannot
	// overflow the Duration.
	for i := 0; i < failures-cfg.FreeFailures && d < cfg.MaxDelay; i++ {
		d *= 2
	}
	return min(d, cfg.MaxDelay)
}

// NewThrottle returns a Throttle configured by cfg.
func NewThrottle(cfg ThrottleConfig) *Throttle {
	cfg = cfg.WithDefaults()
	return &Throttle{
		free:    cfg.FreeFailures,
		base:    cfg.BaseDelay,
		max:     cfg.MaxDelay,
		forget:  cfg.Forget,
		maxKeys: cfg.MaxKeys,
		now:     cfg.Now,
		entries: make(map[string]*list.Element),
		order:   list.New(),
	}
}

// Allow reports whether key may make an attempt now. If not, retryAfter is
// how long it has to wait (for a Retry-After header and for a message like
// «попробуйте снова через 2 минуты»).
func (t *Throttle) Allow(key string) (retryAfter time.Duration, ok bool) {
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sweep(now)
	el, found := t.entries[key]
	if !found {
		return 0, true
	}
	e := el.Value.(*throttleEntry)
	if t.stale(e, now) {
		t.remove(el)
		return 0, true
	}
	if now.Before(e.until) {
		return e.until.Sub(now), false
	}
	return 0, true
}

// Fail records a failed attempt of key and returns the wait it imposes (zero
// while the failure is still free).
func (t *Throttle) Fail(key string) (wait time.Duration) {
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sweep(now)
	var e *throttleEntry
	if el, found := t.entries[key]; found {
		e = el.Value.(*throttleEntry)
		if t.stale(e, now) {
			e.failures, e.until = 0, time.Time{}
		}
		t.order.MoveToBack(el)
	} else {
		if len(t.entries) >= t.maxKeys {
			t.remove(t.order.Front())
		}
		e = &throttleEntry{key: key}
		t.entries[key] = t.order.PushBack(e)
	}
	e.failures++
	e.last = now
	if e.failures <= t.free {
		return 0
	}
	wait = t.delay(e.failures - t.free)
	e.until = now.Add(wait)
	return wait
}

// Succeed forgets key's failures after a successful attempt.
func (t *Throttle) Succeed(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if el, found := t.entries[key]; found {
		t.remove(el)
	}
}

// Len returns the number of keys the Throttle remembers, for metrics.
func (t *Throttle) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.entries)
}

// delay returns BaseDelay·2^exp capped at MaxDelay, doubling step by step so
// that a long run of failures cannot overflow the Duration.
func (t *Throttle) delay(exp int) time.Duration {
	d := t.base
	for i := 0; i < exp && d < t.max; i++ {
		d *= 2
	}
	return min(d, t.max)
}

// stale reports an entry whose failures are forgotten. Because Forget is at
// least MaxDelay, a stale entry's wait is over too.
func (t *Throttle) stale(e *throttleEntry, now time.Time) bool {
	return now.Sub(e.last) >= t.forget
}

// sweep drops stale entries from the front of the order. Each entry is
// dropped once, so the cost is constant on average.
func (t *Throttle) sweep(now time.Time) {
	for el := t.order.Front(); el != nil; el = t.order.Front() {
		if !t.stale(el.Value.(*throttleEntry), now) {
			return
		}
		t.remove(el)
	}
}

func (t *Throttle) remove(el *list.Element) {
	e := t.order.Remove(el).(*throttleEntry)
	delete(t.entries, e.key)
}
