package syncer_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"kabinet/internal/domain"
	"kabinet/internal/portalclient"
	"kabinet/internal/store"
	"kabinet/internal/syncer"
)

// quoted is a key as the Idempotency-Key header carries it.
func quoted(key string) string { return `"` + key + `"` }

func TestWithdrawnReadingNeverReachesThePortal(t *testing.T) {
	p, a, account, meter := synced(t, portalclient.Options{})
	before := p.CustomerReadings(t)
	q, err := a.engine.QueueReading(account, meter.ID, plus(meter, 40), domain.Date{}, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.engine.WithdrawReading(q.Item.ID); err != nil {
		t.Fatalf("withdraw a waiting reading: %v", err)
	}
	if r := a.engine.SyncNow(context.Background()); r.Sent != 0 || r.Waiting != 0 || r.Err != nil {
		t.Errorf("sync after the withdrawal: %+v", r)
	}
	if n := p.CustomerReadings(t); n != before {
		t.Errorf("%d readings on the portal, want %d", n, before)
	}
	if slices.Contains(p.ReadingKeys(), quoted(q.Item.IdempotencyKey)) {
		t.Error("the withdrawn reading was sent")
	}
	// The meter's last value is the portal's again: the withdrawn values
	// no longer count for the next reading's check.
	if m, _ := a.engine.LatestMeter(account, meter.ID); m.Zones[0].LastValue != meter.Zones[0].LastValue {
		t.Errorf("last value %v after the withdrawal, want %v", m.Zones[0].LastValue, meter.Zones[0].LastValue)
	}
}

func TestCorrectedReadingReachesThePortalOnceWithTheNewValues(t *testing.T) {
	p, a, account, meter := synced(t, portalclient.Options{})
	before := p.CustomerReadings(t)
	q, err := a.engine.QueueReading(account, meter.ID, plus(meter, 90), domain.Date{}, false)
	if err != nil {
		t.Fatal(err)
	}
	// The person typed one digit too many; the corrected value is lower
	// than the wrong one, which must not count as the «last» value.
	fixed, err := a.engine.CorrectReading(q.Item.ID, plus(meter, 9), domain.Date{}, false)
	if err != nil {
		t.Fatalf("correct a waiting reading: %v", err)
	}
	if fixed.Item.ID != q.Item.ID || fixed.Item.IdempotencyKey == q.Item.IdempotencyKey {
		t.Errorf("corrected item %d key %s (was %d %s)", fixed.Item.ID, fixed.Item.IdempotencyKey, q.Item.ID, q.Item.IdempotencyKey)
	}
	if r := a.engine.SyncNow(context.Background()); r.Sent != 1 || r.Err != nil {
		t.Fatalf("sync: %+v", r)
	}
	a.engine.SyncNow(context.Background())
	if n := p.CustomerReadings(t); n != before+1 {
		t.Errorf("%d readings on the portal, want %d", n, before+1)
	}
	if keys := p.ReadingKeys(); !slices.Equal(keys, []string{quoted(fixed.Item.IdempotencyKey)}) {
		t.Errorf("keys the portal saw: %q, want only the corrected one", keys)
	}
	doc, _, _ := a.store.Document(a.profile, account)
	for _, m := range doc.Doc.Meters {
		if m.ID == meter.ID && m.Zones[0].LastValue != meter.Zones[0].LastValue+domain.DecimalFromInt(9) {
			t.Errorf("the portal has %v, want the corrected value", m.Zones[0].LastValue)
		}
	}
	// A correction is checked like a new reading, and a bad one changes nothing.
	q2, _ := a.engine.QueueReading(account, meter.ID, plus(meter, 20), domain.Date{}, false)
	if _, err := a.engine.CorrectReading(q2.Item.ID, map[domain.Zone]string{domain.T1: "1"}, domain.Date{}, false); domain.ErrorCode(err) != domain.CodeLowerThanPrevious {
		t.Errorf("a correction below the last value: %v", err)
	}
	if it, _, _ := a.store.Item(q2.Item.ID); it.IdempotencyKey != q2.Item.IdempotencyKey || it.Values[domain.T1] != q2.Item.Values[domain.T1] {
		t.Errorf("a refused correction changed the item: %+v", it)
	}
}

func TestReadingThatMayHaveReachedThePortalCannotBeWithdrawn(t *testing.T) {
	// Without retries, and without net/http's own replay of a request with
	// an Idempotency-Key on a reused connection, the lost answer stays lost.
	p, a, account, meter := synced(t, portalclient.Options{Retries: -1, Transport: &http.Transport{DisableKeepAlives: true}})
	before := p.CustomerReadings(t)
	q, err := a.engine.QueueReading(account, meter.ID, plus(meter, 30), domain.Date{}, false)
	if err != nil {
		t.Fatal(err)
	}
	// The portal stores the reading and the answer is lost on the way.
	p.CutNext.Store(true)
	if r := a.engine.SyncNow(context.Background()); r.Sent != 0 || r.Waiting != 1 {
		t.Fatalf("sync with a lost answer: %+v", r)
	}
	if n := p.CustomerReadings(t); n != before+1 {
		t.Fatalf("the portal did not store the reading whose answer was lost: %d → %d", before, n)
	}
	_, err = a.engine.WithdrawReading(q.Item.ID)
	if domain.ErrorCode(err) != domain.CodeBeingSent || !strings.Contains(err.Error(), "портал мог их принять") {
		t.Errorf("withdraw after an unanswered attempt: %v", err)
	}
	if _, err := a.engine.CorrectReading(q.Item.ID, plus(meter, 31), domain.Date{}, false); domain.ErrorCode(err) != domain.CodeBeingSent {
		t.Errorf("correct after an unanswered attempt: %v", err)
	}
	// The retry carries the same key: the portal answers with what it
	// stored, and the reading is there once.
	for range 50 {
		if r := a.engine.SyncNow(context.Background()); r.Sent == 1 {
			break
		}
	}
	if n := p.CustomerReadings(t); n != before+1 {
		t.Errorf("%d readings on the portal, want %d", n, before+1)
	}
	_, err = a.engine.WithdrawReading(q.Item.ID)
	if domain.ErrorCode(err) != domain.CodeAlreadySent || !strings.Contains(err.Error(), "уже переданы на портал") {
		t.Errorf("withdraw after delivery: %v", err)
	}
}

func TestReadingStaysChangeableWhenTheConnectionNeverOpened(t *testing.T) {
	p, a, account, meter := synced(t, portalclient.Options{})
	q, err := a.engine.QueueReading(account, meter.ID, plus(meter, 25), domain.Date{}, false)
	if err != nil {
		t.Fatal(err)
	}
	// The same store, but the portal's address cannot be reached at all:
	// nothing ever leaves this computer.
	nowhere, err := portalclient.New("http://127.0.0.1:1", portalclient.Options{Retries: 2, MaxWait: 1})
	if err != nil {
		t.Fatal(err)
	}
	offline := syncer.New(syncer.Config{Store: a.store, Portal: nowhere, Profile: a.profile})
	if r := offline.SyncNow(context.Background()); r.Waiting != 1 || r.Err == nil {
		t.Fatalf("offline sync: %+v", r)
	}
	if it, _, _ := a.store.Item(q.Item.ID); !it.Changeable() || it.Attempts != 1 {
		t.Errorf("after a connection that never opened: %+v", it)
	}
	if _, err := a.engine.WithdrawReading(q.Item.ID); err != nil {
		t.Errorf("withdraw after a failed connection: %v", err)
	}
	before := p.CustomerReadings(t)
	a.engine.SyncNow(context.Background())
	if n := p.CustomerReadings(t); n != before {
		t.Error("the withdrawn reading reached the portal")
	}
}

// Withdrawing or correcting while the engine sends: whichever wins, the
// portal holds exactly what the person was told.
func TestWithdrawOrCorrectRacingTheSenderNeverLies(t *testing.T) {
	p, a, account, meter := synced(t, portalclient.Options{})
	ctx := context.Background()
	outcomes := map[string]int{}
	step := int64(0)
	for i := range 30 {
		step += 3
		q, err := a.engine.QueueReading(account, meter.ID, plus(meter, step), domain.Date{}, false)
		if err != nil {
			t.Fatalf("round %d: queue: %v", i, err)
		}
		step += 3
		corrected := plus(meter, step)
		before := p.CustomerReadings(t)

		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			a.engine.SyncNow(ctx)
		}()
		var changeErr error
		var newKey string
		withdraw := i%2 == 0
		if withdraw {
			_, changeErr = a.engine.WithdrawReading(q.Item.ID)
		} else {
			var fixed syncer.Queued
			fixed, changeErr = a.engine.CorrectReading(q.Item.ID, corrected, domain.Date{}, false)
			newKey = fixed.Item.IdempotencyKey
		}
		wg.Wait()
		a.engine.SyncNow(ctx) // whatever is left goes now

		keys := p.ReadingKeys()
		n := p.CustomerReadings(t)
		it, _, _ := a.store.Item(q.Item.ID)
		switch code := domain.ErrorCode(changeErr); {
		case changeErr == nil && withdraw:
			outcomes["withdrawn"]++
			if n != before || slices.Contains(keys, quoted(q.Item.IdempotencyKey)) {
				t.Fatalf("round %d: withdrawn, yet the portal got it (%d → %d readings)", i, before, n)
			}
		case changeErr == nil:
			outcomes["corrected"]++
			if n != before+1 || slices.Contains(keys, quoted(q.Item.IdempotencyKey)) || !slices.Contains(keys, quoted(newKey)) {
				t.Fatalf("round %d: corrected, but the portal has %d new readings and keys %q", i, n-before, keys)
			}
			if it.State != store.StateSent || it.Values[domain.T1] != corrected[domain.T1] {
				t.Fatalf("round %d: the corrected item %+v", i, it)
			}
		case code == domain.CodeBeingSent || code == domain.CodeAlreadySent:
			outcomes["refused"]++
			if n != before+1 || it.State != store.StateSent || it.IdempotencyKey != q.Item.IdempotencyKey {
				t.Fatalf("round %d: refused (%v), but the portal has %d new readings, item %+v", i, changeErr, n-before, it)
			}
		default:
			t.Fatalf("round %d: %v", i, changeErr)
		}
		if !withdraw && changeErr != nil {
			step -= 3 // the corrected value never went
		}
		if withdraw && changeErr == nil {
			step -= 6
		}
	}
	t.Logf("outcomes: %v", outcomes)
}
