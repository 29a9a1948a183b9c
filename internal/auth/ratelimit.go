package auth

import (
	"container/list"
	"fmt"
	"sync"
	"time"
)

// DefaultRateLimiterMaxKeys is the number of keys a RateLimiter remembers
// unless SetMaxKeys says otherwise.
const DefaultRateLimiterMaxKeys = 100_000

// RateLimiter allows at most limit events per key in any sliding window of
// the given length, for example 10 password-recovery requests per client
// address per hour. Unlike a token bucket it never lets through more than
// limit events in any window, which is what a limit written in a policy
// («не больше 5 SMS в сутки») means.
//
// It remembers the times of the last limit events of each key, so it is
// meant for small limits; memory is bounded by MaxKeys·limit·8 bytes plus
// bookkeeping. Keys whose events have all left the window are removed as it
// goes, without a goroutine. It is safe for concurrent use.
type RateLimiter struct {
	limit  int
	window time.Duration
	now    func() time.Time
	// epoch lets events be stored as 8-byte offsets; Sub keeps the
	// monotonic clock reading of time.Now, so wall-clock jumps do no harm.
	epoch time.Time

	mu      sync.Mutex
	maxKeys int
	entries map[string]*list.Element
	// order lists keys by their newest counted event, oldest first.
	order *list.List
}

type rateEntry struct {
	key    string
	events []time.Duration // offsets from epoch, ascending
}

// NewRateLimiter returns a RateLimiter of limit events per window. A nil now
// means time.Now. It panics if limit < 1 or window <= 0: that is a
// programming error, not a condition to handle at run time.
func NewRateLimiter(limit int, window time.Duration, now func() time.Time) *RateLimiter {
	if limit < 1 || window <= 0 {
		panic(fmt.Sprintf("auth: NewRateLimiter(%d, %v): need limit >= 1 and a positive window", limit, window))
	}
	if now == nil {
		now = time.Now
	}
	return &RateLimiter{
		limit:   limit,
		window:  window,
		now:     now,
		epoch:   now(),
		maxKeys: DefaultRateLimiterMaxKeys,
		entries: make(map[string]*list.Element),
		order:   list.New(),
	}
}

// SetMaxKeys changes how many keys r remembers (DefaultRateLimiterMaxKeys
// unless set); when full, the key whose latest event is the oldest is
// forgotten. Values below 1 are ignored.
func (r *RateLimiter) SetMaxKeys(n int) {
	if n < 1 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.maxKeys = n
	for len(r.entries) > r.maxKeys {
		r.remove(r.order.Front())
	}
}

// Allow reports whether key may have one more event now and, if so, counts
// it. If not, retryAfter is the time until the oldest event in the window
// leaves it; a refused attempt is not counted, so waiting that long always
// helps.
func (r *RateLimiter) Allow(key string) (retryAfter time.Duration, ok bool) {
	at := r.now().Sub(r.epoch)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sweep(at)
	el, found := r.entries[key]
	var e *rateEntry
	if found {
		e = el.Value.(*rateEntry)
		r.expire(e, at)
		if len(e.events) >= r.limit {
			return max(e.events[0]+r.window-at, time.Nanosecond), false
		}
		r.order.MoveToBack(el)
	} else {
		if len(r.entries) >= r.maxKeys {
			r.remove(r.order.Front())
		}
		e = &rateEntry{key: key, events: make([]time.Duration, 0, min(r.limit, 8))}
		r.entries[key] = r.order.PushBack(e)
	}
	e.events = append(e.events, at)
	return 0, true
}

// Len returns the number of keys r remembers, for metrics.
func (r *RateLimiter) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.entries)
}

// expire drops the events that have left the window, reusing the array.
func (r *RateLimiter) expire(e *rateEntry, at time.Duration) {
	i := 0
	for i < len(e.events) && at-e.events[i] >= r.window {
		i++
	}
	if i > 0 {
		n := copy(e.events, e.events[i:])
		e.events = e.events[:n]
	}
}

// sweep removes keys whose newest event has left the window.
func (r *RateLimiter) sweep(at time.Duration) {
	for el := r.order.Front(); el != nil; el = r.order.Front() {
		e := el.Value.(*rateEntry)
		if len(e.events) > 0 && at-e.events[len(e.events)-1] < r.window {
			return
		}
		r.remove(el)
	}
}

func (r *RateLimiter) remove(el *list.Element) {
	e := r.order.Remove(el).(*rateEntry)
	delete(r.entries, e.key)
}
