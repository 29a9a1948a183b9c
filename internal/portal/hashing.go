package portal

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"sync"
	"time"
)

// hashQueue bounds the argon2id computations running at once (19 MiB
// each), so a burst of logins cannot exhaust memory, and queues the rest.
// A request that would have to wait past maxWait for its turn is answered
// at once with 503 and Retry-After instead: the app gives up after 15
// seconds, and hashing a password whose answer nobody reads only makes the
// queue longer.
type hashQueue struct {
	slots   chan struct{}
	maxWait time.Duration

	mu sync.Mutex
	// queued counts the requests waiting for a slot or holding one.
	queued int
	// took is how long a request holds a slot, as a moving average.
	took time.Duration
	// hook, when set (by tests), runs inside every slot before the work.
	hook func()
}

// initialHashTime is what a request is expected to hold a slot for before
// any was measured: two argon2id computations of the default cost on a
// slow core.
const initialHashTime = 100 * time.Millisecond

func newHashQueue(slots int, maxWait time.Duration) *hashQueue {
	if slots <= 0 {
		slots = 2 * runtime.NumCPU()
	}
	if maxWait <= 0 {
		maxWait = 10 * time.Second
	}
	return &hashQueue{slots: make(chan struct{}, slots), maxWait: maxWait, took: initialHashTime}
}

// errBusy is the answer to a request that would wait too long.
func errBusy(wait time.Duration) *Problem {
	p := problem(http.StatusServiceUnavailable, codeServiceBusy,
		fmt.Sprintf("Сейчас в личный кабинет входит очень много людей. Подождите %s и попробуйте снова.", humanDuration(wait)))
	p.retryAfter = wait
	return p
}

// withHashing runs f while holding one of the argon2id slots. It returns a
// 503 problem without running f when the wait would be too long, and the
// context's error when the client went away while waiting.
func (s *Server) withHashing(ctx context.Context, f func()) error {
	q := s.hashing
	q.mu.Lock()
	// The requests ahead go through the slots in rounds; this one ends
	// with the round after them.
	expected := time.Duration(q.queued/cap(q.slots)+1) * q.took
	if expected > q.maxWait {
		q.mu.Unlock()
		return errBusy(expected)
	}
	q.queued++
	hook := q.hook
	q.mu.Unlock()
	defer func() {
		q.mu.Lock()
		q.queued--
		q.mu.Unlock()
	}()

	timer := time.NewTimer(q.maxWait)
	defer timer.Stop()
	select {
	case q.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		// Slower than measured: the work is not started for a client
		// about to give up.
		return errBusy(q.maxWait)
	}
	defer func() { <-q.slots }()
	start := time.Now()
	if hook != nil {
		hook()
	}
	f()
	took := time.Since(start)
	q.mu.Lock()
	// An exponential moving average over about the last eight requests.
	q.took += (took - q.took) / 8
	q.mu.Unlock()
	return nil
}
