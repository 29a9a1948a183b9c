package syncer_test

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"kabinet/internal/domain"
	"kabinet/internal/portalclient"
	"kabinet/internal/store"
	"kabinet/internal/syncer"
)

// fakePortal answers from a script; it records when readings were tried.
type fakePortal struct {
	mu       sync.Mutex
	attempts []time.Time
	answer   func(n int) error
}

func (f *fakePortal) Accounts(context.Context) ([]domain.AccountSummary, error) {
	return nil, errors.New("not used")
}
func (f *fakePortal) Document(context.Context, string, string, string) (*domain.AccountDocument, string, bool, error) {
	return nil, "", true, nil
}
func (f *fakePortal) Public(context.Context, string, string) ([]byte, string, bool, error) {
	return nil, "", true, nil
}
func (f *fakePortal) AskQuestion(context.Context, portalclient.QuestionRequest, string) (domain.Question, json.RawMessage, error) {
	return domain.Question{}, nil, errors.New("not used")
}
func (f *fakePortal) SubmitReading(context.Context, string, portalclient.ReadingRequest, string) (*portalclient.ReadingResult, error) {
	f.mu.Lock()
	f.attempts = append(f.attempts, time.Now())
	n := len(f.attempts)
	f.mu.Unlock()
	if err := f.answer(n); err != nil {
		return nil, err
	}
	return &portalclient.ReadingResult{Raw: json.RawMessage(`{"message":"ok"}`)}, nil
}

// queueOne puts a reading straight into the outbox, as QueueReading would.
func queueOne(t *testing.T, st *store.Store, p store.Profile) store.OutboxItem {
	it, err := st.Enqueue(store.OutboxItem{Kind: store.KindReading, Profile: p, Account: "1", Meter: "1", Values: map[domain.Zone]string{domain.T1: "100"}})
	if err != nil {
		t.Fatal(err)
	}
	return it
}

func TestRetryAfterIsHonouredWithoutAHotLoop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st, err := store.Open(filepath.Join(t.TempDir(), "store.db"), store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		profile := store.Profile{Portal: "http://portal", Customer: "1"}
		fake := &fakePortal{answer: func(n int) error {
			if n <= 3 {
				return &portalclient.ServerError{Status: 503, RetryAfter: 120 * time.Second}
			}
			return nil
		}}
		eng := syncer.New(syncer.Config{Store: st, Portal: fake, Profile: profile, Interval: time.Hour, PublicInterval: 1000 * time.Hour})
		item := queueOne(t, st, profile)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { eng.Run(ctx); close(done) }()
		time.Sleep(10 * time.Minute)
		synctest.Wait()
		cancel()
		<-done
		fake.mu.Lock()
		defer fake.mu.Unlock()
		if len(fake.attempts) != 4 {
			t.Fatalf("%d attempts in 10 minutes, want 4 (three 503s, then success)", len(fake.attempts))
		}
		for i := 1; i < len(fake.attempts); i++ {
			if gap := fake.attempts[i].Sub(fake.attempts[i-1]); gap < 120*time.Second {
				t.Errorf("attempt %d came %v after the one before, Retry-After said 120 s", i+1, gap)
			}
		}
		if it, _, _ := st.Item(item.ID); it.State != store.StateSent {
			t.Errorf("item %+v", it)
		}
	})
}

func TestLongOutageBacksOffExponentially(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st, err := store.Open(filepath.Join(t.TempDir(), "store.db"), store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		profile := store.Profile{Portal: "http://portal", Customer: "1"}
		fake := &fakePortal{answer: func(int) error { return portalclient.ErrOffline }}
		// Rand 1 takes the top of each jitter range: the waits are the ceilings.
		eng := syncer.New(syncer.Config{Store: st, Portal: fake, Profile: profile, Interval: 24 * time.Hour,
			PublicInterval: 1000 * time.Hour, Rand: func() float64 { return 1 }})
		queueOne(t, st, profile)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { eng.Run(ctx); close(done) }()
		time.Sleep(6 * time.Hour)
		synctest.Wait()
		cancel()
		<-done
		fake.mu.Lock()
		defer fake.mu.Unlock()
		// 30 s, 1, 2, 4, 8, 16 min, then every 30 min: about 16 attempts in 6 hours.
		if n := len(fake.attempts); n < 10 || n > 20 {
			t.Errorf("%d attempts in a 6-hour outage", n)
		}
		for i := 2; i < len(fake.attempts); i++ {
			gap := fake.attempts[i].Sub(fake.attempts[i-1])
			if gap > 31*time.Minute {
				t.Errorf("gap %v above the 30-minute cap", gap)
			}
			if i < 6 && gap < fake.attempts[i-1].Sub(fake.attempts[i-2]) {
				t.Errorf("waits shrink: %v after %v", gap, fake.attempts[i-1].Sub(fake.attempts[i-2]))
			}
		}
	})
}

// offlinePortal fails every call as if the network were gone until up is set.
type offlinePortal struct {
	fakePortal
	up   atomic.Bool
	docs atomic.Int64
}

func (o *offlinePortal) Accounts(context.Context) ([]domain.AccountSummary, error) {
	if !o.up.Load() {
		return nil, portalclient.ErrOffline
	}
	return []domain.AccountSummary{{Number: "1"}}, nil
}

func (o *offlinePortal) Document(context.Context, string, string, string) (*domain.AccountDocument, string, bool, error) {
	if !o.up.Load() {
		return nil, "", false, portalclient.ErrOffline
	}
	o.docs.Add(1)
	return &domain.AccountDocument{Cursor: "c"}, `"e"`, false, nil
}

func TestNetworkReturnIsNoticedWithinAMinute(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st, err := store.Open(filepath.Join(t.TempDir(), "store.db"), store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		profile := store.Profile{Portal: "http://portal", Customer: "1"}
		fake := &offlinePortal{}
		eng := syncer.New(syncer.Config{Store: st, Portal: fake, Profile: profile, PublicInterval: 1000 * time.Hour})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { eng.Run(ctx); close(done) }()
		time.Sleep(5 * time.Minute)
		fake.up.Store(true)
		time.Sleep(61 * time.Second)
		synctest.Wait()
		cancel()
		<-done
		if fake.docs.Load() == 0 {
			t.Error("a minute after the network came back the data was still not refreshed")
		}
	})
}
