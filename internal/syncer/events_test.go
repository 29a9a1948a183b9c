package syncer_test

import (
	"context"
	"testing"
	"time"

	"kabinet/internal/domain"
	"kabinet/internal/portalclient"
	"kabinet/internal/store"
	"kabinet/internal/syncer"
)

// itemEvents is what the engine said about item id, in order.
func (l *eventLog) itemEvents(id uint64) []syncer.Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []syncer.Event
	for _, e := range l.events {
		if e.Item != nil && e.Item.ID == id {
			out = append(out, e)
		}
	}
	return out
}

// TestReadingBehindARefusedOneIsToldItIsBlocked: a meter's next reading
// waits while an earlier one the portal refused is not corrected or
// discarded; the engine says so for the new reading, naming the refused
// one, instead of staying silent about it.
func TestReadingBehindARefusedOneIsToldItIsBlocked(t *testing.T) {
	p, a, account, meter := synced(t, portalclient.Options{})
	raiseLastAccepted(t, p, meter.ID)
	bad, err := a.engine.QueueReading(account, meter.ID, plus(meter, 100), domain.Date{}, false)
	if err != nil {
		t.Fatal(err)
	}
	if r := a.engine.SyncNow(context.Background()); r.Attention != 1 {
		t.Fatalf("the first reading was not refused: %+v", r)
	}
	next, err := a.engine.QueueReading(account, meter.ID, plus(meter, 150), domain.Date{}, false)
	if err != nil {
		t.Fatal(err)
	}
	before := p.ReadingKeys()
	a.engine.SyncNow(context.Background())
	evs := a.events.itemEvents(next.Item.ID)
	if len(evs) == 0 || evs[len(evs)-1].Kind != syncer.Blocked || evs[len(evs)-1].Behind != bad.Item.ID {
		t.Fatalf("events for the reading behind the refused one: %+v", evs)
	}
	if after := p.ReadingKeys(); len(after) != len(before) {
		t.Errorf("the reading behind the refused one was sent: %d → %d keys", len(before), len(after))
	}
}

// TestReadingKeptForTheWindowIsToldWhenItGoes: a reading kept until the
// reading window opens is not sent; the engine says when it will go, and
// a later reading of the same meter waits for the same day.
func TestReadingKeptForTheWindowIsToldWhenItGoes(t *testing.T) {
	_, a, account, meter := synced(t, portalclient.Options{})
	opens := time.Now().Add(72 * time.Hour).Truncate(time.Second)
	kept, err := a.store.Enqueue(store.OutboxItem{Kind: store.KindReading, Profile: a.profile, Account: account, Meter: meter.ID,
		Values: plus(meter, 40), TakenOn: domain.DateOf(time.Now(), domain.Moscow), NextAttemptAt: opens})
	if err != nil {
		t.Fatal(err)
	}
	later, err := a.store.Enqueue(store.OutboxItem{Kind: store.KindReading, Profile: a.profile, Account: account, Meter: meter.ID,
		Values: plus(meter, 50), TakenOn: domain.DateOf(time.Now(), domain.Moscow)})
	if err != nil {
		t.Fatal(err)
	}
	if r := a.engine.SyncNow(context.Background()); r.Sent != 0 || r.Waiting != 2 {
		t.Fatalf("report %+v", r)
	}
	for _, id := range []uint64{kept.ID, later.ID} {
		evs := a.events.itemEvents(id)
		if len(evs) != 1 || evs[0].Kind != syncer.Kept || !evs[0].NextAttempt.Equal(opens) {
			t.Errorf("events for reading %d: %+v", id, evs)
		}
	}
}

// TestReadingsBehindAFailedAttemptAreToldTheyWait: offline, the first
// reading's attempt fails and the pass stops; the reading queued after it
// hears that it waits too, not nothing.
func TestReadingsBehindAFailedAttemptAreToldTheyWait(t *testing.T) {
	p, a, account, meter := synced(t, portalclient.Options{})
	p.Down.Store(true)
	first, err := a.engine.QueueReading(account, meter.ID, plus(meter, 40), domain.Date{}, false)
	if err != nil {
		t.Fatal(err)
	}
	question, err := a.engine.QueueQuestion(account, "Счёт", "Почему счёт вырос?")
	if err != nil {
		t.Fatal(err)
	}
	a.engine.SyncNow(context.Background())
	for _, id := range []uint64{first.Item.ID, question.ID} {
		evs := a.events.itemEvents(id)
		if len(evs) != 1 || evs[0].Kind != syncer.Waiting || evs[0].Err == nil {
			t.Errorf("events for item %d: %+v", id, evs)
		}
	}
}

// TestPausedQueueSaysWhichItemsWaitForALogin: with the session ended, a
// pass tells each waiting item that it waits for the next login.
func TestPausedQueueSaysWhichItemsWaitForALogin(t *testing.T) {
	_, a, account, meter := synced(t, portalclient.Options{})
	if err := a.client.Logout(context.Background()); err != nil {
		t.Fatal(err)
	}
	q, err := a.engine.QueueReading(account, meter.ID, plus(meter, 60), domain.Date{}, false)
	if err != nil {
		t.Fatal(err)
	}
	a.engine.SyncNow(context.Background()) // the 401 pauses the queue
	a.engine.SyncNow(context.Background())
	evs := a.events.itemEvents(q.Item.ID)
	if len(evs) == 0 || evs[len(evs)-1].Kind != syncer.Paused {
		t.Fatalf("events for the reading in a paused queue: %+v", evs)
	}
}
