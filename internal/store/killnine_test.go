package store

import (
	"bufio"
	mathrand "math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

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
