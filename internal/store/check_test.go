package store

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// helperEnv selects what TestHelperChild does when the test binary is run
// again as a child process.
const helperEnv = "KABINET_STORE_HELPER"

// TestHelperChild is not a test: it is the child process of the tests below.
// With helperEnv=check it does what the app's hidden --verify-store flag
// does; with helperEnv=enqueue it enqueues items until it is killed.
func TestHelperChild(t *testing.T) {
	mode := os.Getenv(helperEnv)
	if mode == "" {
		t.Skip("run as a child process only")
	}
	args := flag.Args()
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "no path")
		os.Exit(2)
	}
	path := args[len(args)-1]
	switch mode {
	case "check":
		err := Check(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, err) // the parent shows the tail of this
		}
		os.Exit(ExitCodeFor(err))
	case "enqueue":
		s, err := Open(path, Options{})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		fmt.Println("READY")
		for i := 0; ; i++ {
			it, err := s.Enqueue(reading(testProfile, fmt.Sprint(i), "0"))
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(2)
			}
			// Printed only once Enqueue has returned: this is what the
			// person would have been told was saved.
			fmt.Printf("ACK %s\n", it.IdempotencyKey)
		}
	}
	os.Exit(2)
}

// checkInChild runs Check on path in a child process.
func checkInChild(t *testing.T, path string) error {
	t.Helper()
	t.Setenv(helperEnv, "check")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return CheckInChild(ctx, os.Args[0], []string{"-test.run=^TestHelperChild$"}, path)
}

// healthyStore writes a store with enough in it to span many pages and
// returns its path and page size.
func healthyStore(t *testing.T) (string, int) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "store.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SaveDocument(testProfile, testAccount, CachedDocument{Doc: tenYearDocument(24)}); err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		if _, err := s.Enqueue(reading(testProfile, fmt.Sprint(i), "1")); err != nil {
			t.Fatal(err)
		}
	}
	pageSize := s.db.Info().PageSize
	s.Close()
	return path, pageSize
}

// usedPage returns a branch or leaf page of a store, one bbolt reads.
func usedPage(t *testing.T, path string) int {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	page := 0
	err = db.Update(func(tx *bolt.Tx) error { // Page is safe only in a writable tx
		for id := 2; ; id++ {
			info, err := tx.Page(id)
			if err != nil || info == nil {
				return err
			}
			if info.Type == "leaf" || info.Type == "branch" {
				page = id
			}
		}
	})
	if err != nil || page == 0 {
		t.Fatalf("no used page: %v", err)
	}
	return page
}

func overwrite(t *testing.T, path string, off int64, b []byte) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(b, off); err != nil {
		t.Fatal(err)
	}
}

func repeat(b byte, n int) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = b
	}
	return out
}

func TestCheckInChildFindsDamage(t *testing.T) {
	damages := []struct {
		name   string
		damage func(t *testing.T, path string, pageSize int)
	}{
		{"random bytes", func(t *testing.T, path string, _ int) {
			noise := make([]byte, 64<<10)
			_, _ = rand.Read(noise)
			if err := os.WriteFile(path, noise, 0o600); err != nil {
				t.Fatal(err)
			}
		}},
		{"both meta pages zeroed", func(t *testing.T, path string, pageSize int) {
			overwrite(t, path, 0, make([]byte, 2*pageSize))
		}},
		{"data page overwritten with 0xAB", func(t *testing.T, path string, pageSize int) {
			overwrite(t, path, int64(usedPage(t, path)*pageSize), repeat(0xAB, pageSize))
		}},
		{"truncated to 3 pages", func(t *testing.T, path string, pageSize int) {
			if err := os.Truncate(path, int64(3*pageSize)); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, d := range damages {
		t.Run(d.name, func(t *testing.T) {
			path, pageSize := healthyStore(t)
			d.damage(t, path, pageSize)
			err := checkInChild(t, path)
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("CheckInChild: %v, want ErrCorrupt", err)
			}
			t.Logf("child said: %v", err)
			// And we, the parent, are still here to say so.
		})
	}
}

func TestCheckInChildPassesAHealthyFile(t *testing.T) {
	path, _ := healthyStore(t)
	if err := checkInChild(t, path); err != nil {
		t.Fatalf("CheckInChild: %v", err)
	}
	if err := Check(path); err != nil {
		t.Fatalf("Check: %v", err)
	}
}

func TestCheckInChildSeesAnotherWindow(t *testing.T) {
	path, _ := healthyStore(t)
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := checkInChild(t, path); !errors.Is(err, ErrAlreadyRunning) {
		t.Fatalf("CheckInChild: %v, want ErrAlreadyRunning", err)
	}
}

func TestCheckDoesNotCreateAFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	if err := Check(path); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Check of a missing file: %v", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Check created the file: %v", err)
	}
}

func TestExitCodeFor(t *testing.T) {
	for _, c := range []struct {
		err  error
		want int
	}{
		{nil, 0},
		{ErrAlreadyRunning, 3},
		{fmt.Errorf("x: %w", ErrAlreadyRunning), 3},
		{fmt.Errorf("x: %w", ErrCorrupt), 1},
		{errors.New("other"), 1},
	} {
		if got := ExitCodeFor(c.err); got != c.want {
			t.Errorf("ExitCodeFor(%v) = %d, want %d", c.err, got, c.want)
		}
	}
}
