package auth

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock that moves only when told; safe for concurrent use.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func mustAllow(t *testing.T, th *Throttle, key string) {
	t.Helper()
	if wait, ok := th.Allow(key); !ok {
		t.Fatalf("Allow(%q) refused, retry after %v", key, wait)
	}
}

func mustWait(t *testing.T, th *Throttle, key string, want time.Duration) {
	t.Helper()
	wait, ok := th.Allow(key)
	if ok || wait != want {
		t.Fatalf("Allow(%q) = %v, %v; want %v, false", key, wait, ok, want)
	}
}

func TestThrottleSchedule(t *testing.T) {
	clk := newFakeClock()
	th := NewThrottle(ThrottleConfig{Now: clk.Now})
	const key = "3301234567"

	for i := 1; i <= 5; i++ {
		mustAllow(t, th, key)
		if w := th.Fail(key); w != 0 {
			t.Fatalf("free failure %d imposed %v", i, w)
		}
	}
	mustAllow(t, th, key)

	wants := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 15 * time.Minute, 15 * time.Minute}
	for i, want := range wants {
		if w := th.Fail(key); w != want {
			t.Fatalf("failure %d: wait %v, want %v", 6+i, w, want)
		}
		mustWait(t, th, key, want)
		clk.Advance(want - time.Second)
		mustWait(t, th, key, time.Second)
		clk.Advance(time.Second)
		mustAllow(t, th, key) // never permanent
	}

	// Many more failures stay at the cap and do not overflow.
	for range 200 {
		if w := th.Fail(key); w != 15*time.Minute {
			t.Fatalf("wait %v after many failures, want the 15m cap", w)
		}
	}
}

func TestThrottleSucceedResets(t *testing.T) {
	clk := newFakeClock()
	th := NewThrottle(ThrottleConfig{Now: clk.Now})
	for range 7 {
		th.Fail("k")
	}
	if _, ok := th.Allow("k"); ok {
		t.Fatal("want a penalty after 7 failures")
	}
	th.Succeed("k")
	mustAllow(t, th, "k")
	for range 5 {
		if w := th.Fail("k"); w != 0 {
			t.Fatalf("after Succeed the free failures should start over, got wait %v", w)
		}
	}
	th.Succeed("unknown") // no effect, no panic
}

func TestThrottleForgets(t *testing.T) {
	clk := newFakeClock()
	th := NewThrottle(ThrottleConfig{Now: clk.Now})
	for range 4 {
		th.Fail("k")
	}
	clk.Advance(59 * time.Minute)
	if w := th.Fail("k"); w != 0 {
		t.Fatalf("5th failure within the hour should still be free, got %v", w)
	}
	if w := th.Fail("k"); w != time.Minute {
		t.Fatalf("6th failure within the hour: %v, want 1m", w)
	}
	clk.Advance(time.Hour)
	mustAllow(t, th, "k")
	if th.Len() != 0 {
		t.Fatalf("forgotten key still stored: Len = %d", th.Len())
	}
	if w := th.Fail("k"); w != 0 {
		t.Fatalf("first failure after forgetting imposed %v", w)
	}
}

func TestThrottleKeysIndependent(t *testing.T) {
	clk := newFakeClock()
	th := NewThrottle(ThrottleConfig{Now: clk.Now, FreeFailures: 1, BaseDelay: time.Second, MaxDelay: time.Minute})
	th.Fail("a")
	th.Fail("a")
	mustWait(t, th, "a", 2*time.Second)
	mustAllow(t, th, "b")
}

func TestThrottleConfigDefaultsAndForgetFloor(t *testing.T) {
	th := NewThrottle(ThrottleConfig{})
	if th.free != 5 || th.base != 30*time.Second || th.max != 15*time.Minute || th.forget != time.Hour || th.maxKeys != 100_000 || th.now == nil {
		t.Errorf("defaults: %+v", th)
	}
	th = NewThrottle(ThrottleConfig{MaxDelay: 2 * time.Hour, Forget: time.Minute})
	if th.forget != 2*time.Hour {
		t.Errorf("Forget %v below MaxDelay was not raised", th.forget)
	}
}

func TestThrottleStaleEntriesCleaned(t *testing.T) {
	clk := newFakeClock()
	th := NewThrottle(ThrottleConfig{Now: clk.Now})
	for i := range 1000 {
		th.Fail(fmt.Sprint("old", i))
	}
	clk.Advance(2 * time.Hour)
	th.Fail("new") // any call sweeps
	if n := th.Len(); n != 1 {
		t.Fatalf("Len = %d after the old keys went stale, want 1", n)
	}
}

func TestThrottleEvictionBound(t *testing.T) {
	clk := newFakeClock()
	th := NewThrottle(ThrottleConfig{Now: clk.Now, MaxKeys: 100})
	for range 7 {
		th.Fail("victim")
	}
	for i := range 10_000 {
		clk.Advance(time.Millisecond)
		th.Fail(fmt.Sprint("k", i))
		if n := th.Len(); n > 100 {
			t.Fatalf("Len = %d, above MaxKeys", n)
		}
	}
	// The oldest key went first.
	mustAllow(t, th, "victim")
	if _, ok := th.entries["k9999"]; !ok {
		t.Error("the newest key was evicted")
	}
	if _, ok := th.entries["k0"]; ok {
		t.Error("an old key survived eviction")
	}
}

func TestThrottleConcurrent(t *testing.T) {
	clk := newFakeClock()
	th := NewThrottle(ThrottleConfig{Now: clk.Now, MaxKeys: 50})
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 2000 {
				key := fmt.Sprint("k", (g*31+i)%80)
				switch i % 5 {
				case 0:
					th.Succeed(key)
				case 1:
					clk.Advance(time.Second)
					fallthrough
				default:
					if _, ok := th.Allow(key); ok {
						th.Fail(key)
					}
				}
				_ = th.Len()
			}
		}()
	}
	wg.Wait()
	if n := th.Len(); n > 50 {
		t.Fatalf("Len = %d above MaxKeys", n)
	}
	if len(th.entries) != th.order.Len() {
		t.Fatalf("map has %d keys, list %d", len(th.entries), th.order.Len())
	}
}
