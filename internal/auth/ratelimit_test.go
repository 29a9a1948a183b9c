package auth

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestRateLimiterSlidingWindow(t *testing.T) {
	clk := newFakeClock()
	rl := NewRateLimiter(10, time.Hour, clk.Now)
	const key = "203.0.113.7"

	// Ten requests spread over 45 minutes pass, the eleventh does not.
	for i := range 10 {
		if wait, ok := rl.Allow(key); !ok {
			t.Fatalf("request %d refused, wait %v", i+1, wait)
		}
		clk.Advance(5 * time.Minute)
	}
	// Now 50 minutes after the first request.
	wait, ok := rl.Allow(key)
	if ok || wait != 10*time.Minute {
		t.Fatalf("11th request: %v, %v; want refused for 10m", wait, ok)
	}
	// Refused attempts are not counted: waiting the advertised time helps.
	clk.Advance(5 * time.Minute)
	if wait, ok := rl.Allow(key); ok || wait != 5*time.Minute {
		t.Fatalf("after 5 more minutes: %v, %v; want refused for 5m", wait, ok)
	}
	clk.Advance(5 * time.Minute)
	if _, ok := rl.Allow(key); !ok {
		t.Fatal("refused after the first request left the window")
	}
	// The window is full again; the next slot opens when request 2 leaves.
	if wait, ok := rl.Allow(key); ok || wait != 5*time.Minute {
		t.Fatalf("want refused for 5m, got %v, %v", wait, ok)
	}
	// Other keys are independent.
	if _, ok := rl.Allow("198.51.100.1"); !ok {
		t.Fatal("another key was refused")
	}
}

func TestRateLimiterNoBurstAcrossWindows(t *testing.T) {
	clk := newFakeClock()
	rl := NewRateLimiter(5, 24*time.Hour, clk.Now)
	allowed := 0
	// One attempt a minute for two days: never more than 5 in any 24 h.
	var times []time.Time
	for range 2 * 24 * 60 {
		if _, ok := rl.Allow("acct"); ok {
			allowed++
			times = append(times, clk.Now())
		}
		clk.Advance(time.Minute)
	}
	if allowed != 10 {
		t.Fatalf("allowed %d in two days, want 10", allowed)
	}
	for i := 5; i < len(times); i++ {
		if times[i].Sub(times[i-5]) < 24*time.Hour {
			t.Fatalf("6 events within 24h: %v and %v", times[i-5], times[i])
		}
	}
}

func TestRateLimiterLimitOne(t *testing.T) {
	clk := newFakeClock()
	rl := NewRateLimiter(1, time.Minute, clk.Now)
	if _, ok := rl.Allow("sms"); !ok {
		t.Fatal("first refused")
	}
	clk.Advance(59 * time.Second)
	if wait, ok := rl.Allow("sms"); ok || wait != time.Second {
		t.Fatalf("%v, %v; want refused for 1s", wait, ok)
	}
	clk.Advance(time.Second)
	if _, ok := rl.Allow("sms"); !ok {
		t.Fatal("refused after a full minute")
	}
}

func TestRateLimiterMemoryBound(t *testing.T) {
	clk := newFakeClock()
	rl := NewRateLimiter(3, time.Hour, clk.Now)
	rl.SetMaxKeys(100)
	for i := range 10_000 {
		rl.Allow(fmt.Sprint("k", i))
		if n := rl.Len(); n > 100 {
			t.Fatalf("Len = %d above the bound", n)
		}
	}
	clk.Advance(time.Hour)
	rl.Allow("fresh")
	if n := rl.Len(); n != 1 {
		t.Fatalf("Len = %d after the window passed, want 1", n)
	}
	rl.SetMaxKeys(0) // ignored
	if rl.maxKeys != 100 {
		t.Fatalf("SetMaxKeys(0) changed the bound to %d", rl.maxKeys)
	}
	for i := range 50 {
		rl.Allow(fmt.Sprint("x", i))
	}
	rl.SetMaxKeys(10)
	if n := rl.Len(); n != 10 {
		t.Fatalf("Len = %d after SetMaxKeys(10)", n)
	}
}

func TestRateLimiterEventsDoNotGrow(t *testing.T) {
	clk := newFakeClock()
	rl := NewRateLimiter(4, time.Minute, clk.Now)
	for range 10_000 {
		rl.Allow("k")
		clk.Advance(7 * time.Second)
	}
	e := rl.entries["k"].Value.(*rateEntry)
	if len(e.events) > 4 || cap(e.events) > 8 {
		t.Fatalf("events len %d cap %d, want bounded by the limit", len(e.events), cap(e.events))
	}
}

func TestRateLimiterPanicsOnBadConfig(t *testing.T) {
	for _, tc := range []struct {
		limit  int
		window time.Duration
	}{{0, time.Hour}, {-1, time.Hour}, {1, 0}, {1, -time.Second}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("NewRateLimiter(%d, %v) did not panic", tc.limit, tc.window)
				}
			}()
			NewRateLimiter(tc.limit, tc.window, nil)
		}()
	}
}

func TestRateLimiterConcurrent(t *testing.T) {
	clk := newFakeClock()
	rl := NewRateLimiter(5, time.Minute, clk.Now)
	rl.SetMaxKeys(40)
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		allowed = map[string]int{}
	)
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 1000 {
				key := fmt.Sprint("k", (g+i)%30)
				if _, ok := rl.Allow(key); ok {
					mu.Lock()
					allowed[key]++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	// The clock never moved, so each key got exactly its limit.
	for key, n := range allowed {
		if n != 5 {
			t.Errorf("key %s allowed %d times in one window, want 5", key, n)
		}
	}
	if len(allowed) != 30 {
		t.Errorf("%d keys got through, want 30", len(allowed))
	}
}
