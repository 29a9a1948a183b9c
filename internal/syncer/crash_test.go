package syncer_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"kabinet/internal/demo"
	"kabinet/internal/domain"
	"kabinet/internal/portalclient"
	"kabinet/internal/store"
	"kabinet/internal/syncer"
)

// runChild is the app in a child process: it logs in, then queues readings
// and syncs in a loop, printing SAVED <key> once a reading is saved, until
// it is killed.
func runChild() int {
	st, err := store.Open(os.Getenv("KABINET_SYNC_STORE"), store.Options{})
	if err != nil {
		fmt.Println("ERR", err)
		return 1
	}
	client, err := portalclient.New(os.Getenv("KABINET_SYNC_PORTAL"), portalclient.Options{MaxWait: 10 * time.Millisecond})
	if err != nil {
		return 1
	}
	ctx := context.Background()
	if _, err := client.Login(ctx, "100001", demo.Password); err != nil {
		fmt.Println("ERR", err)
		return 1
	}
	profile := store.Profile{Portal: client.BaseURL(), Customer: "100001"}
	eng := syncer.New(syncer.Config{Store: st, Portal: client, Profile: profile, BaseBackoff: time.Millisecond, MaxBackoff: time.Millisecond})
	if err := eng.RefreshAccounts(ctx); err != nil {
		fmt.Println("ERR", err)
		return 1
	}
	eng.SyncNow(ctx)
	list, _, _, _ := st.Accounts(profile)
	account := list[0].Number
	for {
		doc, _, _ := st.Document(profile, account)
		var meter domain.Meter
		for _, m := range doc.Doc.Meters {
			if m.Active() {
				meter = m
			}
		}
		// One more than the highest value known, queued or stored.
		items, _ := st.Pending(profile)
		last := meter.Zones[0].LastValue
		for _, it := range items {
			if v, err := domain.ParseReading(it.Values[domain.T1], meter.Digits, meter.FractionDigits); err == nil && v > last {
				last = v
			}
		}
		meter.Zones[0].LastValue = last
		q, err := eng.QueueReading(account, meter.ID, plus(meter, 1), domain.Date{}, false)
		if err != nil {
			fmt.Println("ERR", err)
			return 1
		}
		fmt.Println("SAVED", q.Item.IdempotencyKey)
		eng.SyncNow(ctx)
	}
}

// TestKillDuringSyncLosesAndDuplicatesNothing kills the app with SIGKILL at
// random points of queueing and syncing, 20 times, and then checks the
// portal: every reading the app said was saved is there exactly once.
func TestKillDuringSyncLosesAndDuplicatesNothing(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SIGKILL")
	}
	p := startPortal(t)
	before := p.CustomerReadings(t)
	storePath := filepath.Join(t.TempDir(), "store.db")
	saved := map[string]bool{}
	rng := rand.New(rand.NewPCG(7, 11))
	for round := range 20 {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "KABINET_SYNC_CHILD=1", "KABINET_SYNC_STORE="+storePath, "KABINET_SYNC_PORTAL="+p.URL)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string)
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		// Let it get going — its first reading saved, however long a busy
		// machine takes to start it — then kill it at a random moment.
		var deadline <-chan time.Time
		started := false
		stuck := time.After(time.Minute)
	read:
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					break read
				}
				if key, ok := strings.CutPrefix(l, "SAVED "); ok {
					saved[key] = true
					if !started {
						started = true
						deadline = time.After(time.Duration(rng.IntN(250)) * time.Millisecond)
					}
				} else if strings.HasPrefix(l, "ERR") {
					t.Fatalf("round %d: child: %s", round, l)
				}
			case <-deadline:
				cmd.Process.Signal(syscall.SIGKILL)
				deadline = nil
			case <-stuck:
				cmd.Process.Signal(syscall.SIGKILL)
				t.Fatalf("round %d: the child saved nothing in a minute", round)
			}
		}
		cmd.Wait()
	}
	if len(saved) < 20 {
		t.Fatalf("only %d readings saved in 20 rounds", len(saved))
	}
	// The app starts once more and delivers what is left.
	a := newApp(t, p, storePath, portalclient.Options{})
	a.login(t)
	for range 20 {
		if r := a.engine.SyncNow(context.Background()); r.Waiting == 0 && r.Err == nil {
			break
		}
	}
	if st := a.engine.Status(); st.Pending != 0 || st.Attention != 0 {
		t.Fatalf("after the last sync: %+v", st)
	}
	for key := range saved {
		if n := p.Count(t, `SELECT count(*) FROM idempotency WHERE key = ?`, key); n != 1 {
			t.Errorf("reading %s is on the portal %d times", key, n)
		}
	}
	// A kill between the save and its SAVED line leaves a reading the app
	// never announced; it is delivered too, so the portal may hold a few
	// more readings than were announced, but never a second copy of one.
	sent, err := a.store.Sent(a.profile, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	n := p.CustomerReadings(t) - before
	if keys := p.Count(t, `SELECT count(*) FROM idempotency`); n != keys || n != len(sent) {
		t.Errorf("%d new readings on the portal, %d keys, %d items the app sent", n, keys, len(sent))
	}
	if n < len(saved) || n > len(saved)+20 {
		t.Errorf("%d readings on the portal for %d announced saves", n, len(saved))
	}
	t.Logf("%d readings saved over 20 kills, each on the portal once", len(saved))
}
