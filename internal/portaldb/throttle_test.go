package portaldb_test

import (
	"context"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kabinet/internal/auth"
	"kabinet/internal/portaldb"
)

var guessRule = auth.ThrottleConfig{FreeFailures: 5, BaseDelay: 30 * time.Second, MaxDelay: 15 * time.Minute, Forget: time.Hour}

// Two portal instances on one database (two handles, each with its own
// connections) hand out the free guesses of a key once between them, however
// the attempts are spread and however many run at once.
func TestThrottleIsSharedByInstances(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		dsn := b.location(t)
		one, two := b.open(t, dsn, portaldb.Options{}), b.open(t, dsn, portaldb.Options{})
		throttles := []*portaldb.Throttle{
			one.Throttle("customer", guessRule, slog.New(slog.DiscardHandler)),
			two.Throttle("customer", guessRule, slog.New(slog.DiscardHandler)),
		}
		var allowed atomic.Int32
		var wg sync.WaitGroup
		for i := range 40 {
			wg.Go(func() {
				if _, ok := throttles[i%2].Allow("100001"); ok {
					allowed.Add(1)
				}
			})
		}
		wg.Wait()
		if n := allowed.Load(); n != 5 {
			t.Fatalf("%d attempts let through at once, want the 5 free ones", n)
		}
		// The five fail: the next failure, on either instance, costs a wait.
		for i := range 5 {
			if w := throttles[i%2].Fail("100001"); w != 0 {
				t.Fatalf("free failure %d imposed %v", i+1, w)
			}
		}
		if _, ok := throttles[1].Allow("100001"); !ok {
			t.Fatal("the sixth attempt after five failures was refused")
		}
		if _, ok := throttles[0].Allow("100001"); ok {
			t.Error("a second attempt was let through while the sixth was under way")
		}
		if w := throttles[1].Fail("100001"); w != time.Minute {
			t.Errorf("the sixth failure imposed %v, want 1m", w)
		}
		for _, th := range throttles {
			if w, ok := th.Allow("100001"); ok || w <= 50*time.Second {
				t.Errorf("during the wait: %v %v", w, ok)
			}
		}
		// Another key is not affected; a success clears the key.
		if _, ok := throttles[0].Allow("100002"); !ok {
			t.Error("another customer was refused")
		}
		throttles[0].Succeed("100001")
		if _, ok := throttles[1].Allow("100001"); !ok {
			t.Error("refused after a success")
		}
	})
}

// An attempt whose request never reported back stops counting after a
// while, and failures are forgotten after an hour without one.
func TestThrottleForgets(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	db := backend{"sqlite", func(t testing.TB) string { return filepath.Join(t.TempDir(), "portal.db") }}.fresh(t, portaldb.Options{Now: clock})
	th := db.Throttle("customer", guessRule, nil)
	for range 5 {
		th.Allow("k")
	}
	if _, ok := th.Allow("k"); ok {
		t.Fatal("a sixth attempt while five are under way")
	}
	now = now.Add(time.Minute)
	if _, ok := th.Allow("k"); !ok {
		t.Fatal("abandoned attempts still count after a minute")
	}
	for range 7 {
		th.Fail("k")
	}
	if _, ok := th.Allow("k"); ok {
		t.Fatal("no wait after seven failures")
	}
	now = now.Add(61 * time.Minute)
	for range 5 {
		if _, ok := th.Allow("k"); !ok {
			t.Fatal("failures an hour old still count")
		}
		th.Fail("k")
	}
}

func TestSQLiteFilesArePrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "portal.db")
	db, err := portaldb.Open(context.Background(), path, portaldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.LoadSeed(context.Background(), fixture()); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want -rw-------: it holds password hashes and phones", filepath.Base(p), fi.Mode().Perm())
		}
	}
}

func TestOlderSQLiteFilesAreMadePrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "portal.db")
	db, err := portaldb.Open(context.Background(), path, portaldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	os.Chmod(path, 0o644)
	db, err = portaldb.Open(context.Background(), path, portaldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if fi, _ := os.Stat(path); fi.Mode().Perm() != fs.FileMode(0o600) {
		t.Errorf("a database file of mode 0644 keeps mode %v", fi.Mode().Perm())
	}
}
