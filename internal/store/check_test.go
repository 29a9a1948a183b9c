package store

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	mathrand "math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
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

func TestOpenCheckedRecoversTheOutboxFromTheJournal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := s.Enqueue(reading(testProfile, "100", "50"))
	sent, _ := s.Enqueue(reading(testProfile, "110", "55"))
	c, _ := s.Enqueue(question(testProfile, "Почему так много?"))
	if err := s.MarkSent(sent.ID, nil, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveDocument(testProfile, testAccount, CachedDocument{Doc: tenYearDocument(12)}); err != nil {
		t.Fatal(err)
	}
	pageSize := s.db.Info().PageSize
	s.Close()
	overwrite(t, path, 0, make([]byte, 2*pageSize)) // both meta pages gone

	verify := func(p string) error { return checkInChild(t, p) }
	s, rec, err := OpenChecked(path, Options{Now: fixedClock()}, verify)
	if err != nil {
		t.Fatalf("OpenChecked: %v", err)
	}
	defer s.Close()

	if want := path + ".corrupt-20261127-150405"; rec.Quarantined != want {
		t.Errorf("Quarantined = %q, want %q", rec.Quarantined, want)
	}
	if matches, _ := filepath.Glob(path + ".corrupt-*"); len(matches) != 1 {
		t.Errorf("quarantined files: %v", matches)
	}
	if !equalIDs(idsOf(rec.Recovered), a.ID, c.ID) {
		t.Errorf("Recovered = %v", idsOf(rec.Recovered))
	}
	pending, err := s.Pending(testProfile)
	if err != nil {
		t.Fatal(err)
	}
	if !equalIDs(idsOf(pending), a.ID, c.ID) {
		t.Fatalf("Pending = %v, want [%d %d]; the sent item must not come back", idsOf(pending), a.ID, c.ID)
	}
	if pending[0].IdempotencyKey != a.IdempotencyKey || pending[1].IdempotencyKey != c.IdempotencyKey {
		t.Error("the restored items have new idempotency keys: the portal would record them twice")
	}
	if pending[0].Values["t1"] != "100" || pending[1].Text != "Почему так много?" || pending[0].State != StatePending {
		t.Errorf("restored %+v", pending)
	}
	if _, ok, _ := s.Item(sent.ID); ok {
		t.Error("the sent item was resurrected")
	}
	if _, ok, _ := s.Document(testProfile, testAccount); ok {
		t.Error("the cache came back from a damaged file")
	}
	// New items never reuse a restored or sent item's ID.
	d, _ := s.Enqueue(question(testProfile, "новый"))
	if d.ID <= c.ID {
		t.Errorf("new item got ID %d, not after %d", d.ID, c.ID)
	}
	s.Close()
	if err := Check(path); err != nil {
		t.Errorf("the new store fails its check: %v", err)
	}

	// A second start finds everything in order and restores nothing twice.
	s, rec, err = OpenChecked(path, Options{}, verify)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Quarantined != "" || len(rec.Recovered) != 0 {
		t.Errorf("second start: %+v", rec)
	}
	if pending, _ := s.Pending(testProfile); !equalIDs(idsOf(pending), a.ID, c.ID, d.ID) {
		t.Errorf("Pending after the second start = %v", idsOf(pending))
	}
}

func TestOpenCheckedPassesAlreadyRunningThrough(t *testing.T) {
	path, _ := healthyStore(t)
	first, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	_, rec, err := OpenChecked(path, Options{}, func(p string) error { return checkInChild(t, p) })
	if err != ErrAlreadyRunning {
		t.Fatalf("OpenChecked: %v, want ErrAlreadyRunning as is", err)
	}
	if rec.Quarantined != "" {
		t.Error("a file in use was set aside")
	}
	if _, err := os.Stat(path); err != nil {
		t.Error(err)
	}
}

func TestOpenCheckedCreatesAMissingFileAndRestoresAnOrphanJournal(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "store.db")
	verify := func(string) error { t.Error("verify called for a missing file"); return nil }
	s, rec, err := OpenChecked(path, Options{}, verify)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Quarantined != "" || len(rec.Recovered) != 0 {
		t.Errorf("fresh start: %+v", rec)
	}
	a, _ := s.Enqueue(question(testProfile, "?"))
	s.Close()

	// A crash after the damaged file was renamed aside, before the new one
	// had the items back: only the journal is left.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	s, rec, err = OpenChecked(path, Options{}, verify)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !equalIDs(idsOf(rec.Recovered), a.ID) || rec.Recovered[0].IdempotencyKey != a.IdempotencyKey {
		t.Errorf("Recovered = %+v", rec.Recovered)
	}
}

func TestOpenCheckedRewritesAJournalThatFellBehind(t *testing.T) {
	path, _ := healthyStore(t) // 200 unsent items
	if err := os.Remove(path + ".journal"); err != nil {
		t.Fatal(err)
	}
	s, rec, err := OpenChecked(path, Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if len(rec.Recovered) != 0 {
		t.Errorf("Recovered %d items from a missing journal", len(rec.Recovered))
	}
	items, err := readJournal(s.journal)
	if err != nil || len(items) != 200 {
		t.Errorf("journal has %d items, %v; want the store's 200", len(items), err)
	}
}

// TestKillNineLosesNoAcknowledgedItem kills a writing child with SIGKILL at
// random moments and checks that every item it reported as saved is there
// and the file passes its check.
func TestKillNineLosesNoAcknowledgedItem(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("needs SIGKILL")
	}
	if testing.Short() {
		t.Skip("20 child processes")
	}
	path := filepath.Join(t.TempDir(), "store.db")
	acked := map[string]bool{}
	for round := range 20 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperChild$", path)
		cmd.Env = append(os.Environ(), helperEnv+"=enqueue")
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := bufio.NewScanner(out)
		if !lines.Scan() || lines.Text() != "READY" {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			t.Fatalf("round %d: child did not start: %q", round, lines.Text())
		}
		killed := make(chan struct{})
		go func() {
			time.Sleep(time.Duration(mathrand.IntN(100)) * time.Millisecond)
			_ = cmd.Process.Signal(syscall.SIGKILL)
			close(killed)
		}()
		for lines.Scan() {
			if key, ok := strings.CutPrefix(lines.Text(), "ACK "); ok && uuidV4.MatchString(key) {
				acked[key] = true
			}
		}
		<-killed
		_ = cmd.Wait()

		if err := checkInChild(t, path); err != nil {
			t.Fatalf("round %d: the file fails its check after SIGKILL: %v", round, err)
		}
		s, err := Open(path, Options{})
		if err != nil {
			t.Fatalf("round %d: reopen: %v", round, err)
		}
		stored := map[string]bool{}
		pending, err := s.Pending(testProfile)
		s.Close()
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		for _, it := range pending {
			stored[it.IdempotencyKey] = true
		}
		journaled, err := readJournal(path + ".journal")
		if err != nil {
			t.Fatal(err)
		}
		inJournal := map[string]bool{}
		for _, it := range journaled {
			inJournal[it.IdempotencyKey] = true
		}
		for key := range acked {
			if !stored[key] {
				t.Fatalf("round %d: acknowledged item %s is not in the store", round, key)
			}
			if !inJournal[key] {
				t.Fatalf("round %d: acknowledged item %s is not in the journal", round, key)
			}
		}
	}
	if len(acked) == 0 {
		t.Fatal("no child acknowledged anything: the test tested nothing")
	}
	t.Logf("%d acknowledged items survived 20 kills", len(acked))
}
