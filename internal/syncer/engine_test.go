package syncer_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"go.uber.org/goleak"

	"kabinet/internal/domain"
	"kabinet/internal/portalclient"
	"kabinet/internal/portaldb"
	"kabinet/internal/portaltest"
	"kabinet/internal/store"
	"kabinet/internal/syncer"
)

func TestMain(m *testing.M) {
	if os.Getenv("KABINET_SYNC_CHILD") != "" {
		os.Exit(runChild())
	}
	goleak.VerifyTestMain(m, goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
		goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"))
}

func TestReadingQueuedOfflineIsDeliveredOnceWhenThePortalReturns(t *testing.T) {
	p, a, account, meter := synced(t, portalclient.Options{})
	before := p.CustomerReadings(t)

	p.Down.Store(true)
	q, err := a.engine.QueueReading(account, meter.ID, plus(meter, 120), domain.Date{}, false)
	if err != nil {
		t.Fatal(err)
	}
	r := a.engine.SyncNow(context.Background())
	if r.Waiting != 1 || !errors.Is(r.Err, portalclient.ErrOffline) {
		t.Fatalf("offline sync: %+v", r)
	}
	if st := a.engine.Status(); st.Pending != 1 || st.LastError == "" {
		t.Errorf("status offline: %+v", st)
	}
	p.Down.Store(false)
	// The item waits for its backoff; a second pass after it sends.
	for range 50 {
		if r = a.engine.SyncNow(context.Background()); r.Sent == 1 {
			break
		}
	}
	if r.Sent != 1 || r.Err != nil {
		t.Fatalf("online sync: %+v", r)
	}
	if n := p.CustomerReadings(t); n != before+1 {
		t.Errorf("%d readings on the portal, want %d", n, before+1)
	}
	it, _, _ := a.store.Item(q.Item.ID)
	if it.State != store.StateSent || len(it.Response) == 0 {
		t.Errorf("item after delivery: %+v", it)
	}
	// The pulled document shows the new value.
	doc, _, _ := a.store.Document(a.profile, account)
	for _, m := range doc.Doc.Meters {
		if m.ID == meter.ID && m.Zones[0].LastValue != meter.Zones[0].LastValue+domain.DecimalFromInt(120) {
			t.Errorf("last value after sync %v", m.Zones[0].LastValue)
		}
	}
	if !slices.Contains(a.events.kinds(), syncer.ItemSent) {
		t.Errorf("no ItemSent event: %v", a.events.kinds())
	}
}

func TestLostAnswerIsRetriedWithTheSameKeyAndStoredOnce(t *testing.T) {
	p, a, account, meter := synced(t, portalclient.Options{Retries: 2})
	before := p.CustomerReadings(t)
	p.CutNext.Store(true)
	q, err := a.engine.QueueReading(account, meter.ID, plus(meter, 80), domain.Date{}, false)
	if err != nil {
		t.Fatal(err)
	}
	r := a.engine.SyncNow(context.Background())
	if r.Sent != 1 {
		t.Fatalf("sync after a lost answer: %+v", r)
	}
	if n := p.CustomerReadings(t); n != before+1 {
		t.Errorf("%d readings on the portal after a retry, want %d", n, before+1)
	}
	keys := p.ReadingKeys()
	if len(keys) != 2 || keys[0] != keys[1] || keys[0] != `"`+q.Item.IdempotencyKey+`"` {
		t.Errorf("keys sent: %q, item key %q", keys, q.Item.IdempotencyKey)
	}
}

func TestRejectedReadingNeedsAttentionAndOthersGoOn(t *testing.T) {
	p, a, account, meter := synced(t, portalclient.Options{})
	// The supplier corrects the last accepted reading upwards (an
	// inspector read the meter) after this app last synced: the app's
	// reading passes its local check but the portal refuses it. (A higher
	// reading of this month sent through another channel would not do:
	// the app's reading replaces it as a correction.)
	raiseLastAccepted(t, p, meter.ID)
	bad, err := a.engine.QueueReading(account, meter.ID, plus(meter, 100), domain.Date{}, false)
	if err != nil {
		t.Fatal(err)
	}
	question, err := a.engine.QueueQuestion(account, "Счёт", "Почему счёт вырос?")
	if err != nil {
		t.Fatal(err)
	}
	r := a.engine.SyncNow(context.Background())
	if r.Sent != 1 || r.Attention != 1 {
		t.Fatalf("report %+v", r)
	}
	it, _, _ := a.store.Item(bad.Item.ID)
	if it.State != store.StateAttention || it.Problem == nil || it.Problem.Code != "reading_lower_than_previous" || it.Problem.Detail == "" {
		t.Errorf("refused item %+v", it)
	}
	if q, _, _ := a.store.Item(question.ID); q.State != store.StateSent {
		t.Errorf("the question was held back: %+v", q)
	}
	// A refusal is not retried.
	a.engine.SyncNow(context.Background())
	if n := p.Count(t, `SELECT count(*) FROM idempotency WHERE key = ?`, bad.Item.IdempotencyKey); n != 0 {
		t.Errorf("the refused reading was stored")
	}
	if st := a.engine.Status(); st.Attention != 1 || st.Pending != 0 {
		t.Errorf("status %+v", st)
	}
}

func TestLoggedOutQueuePausesAndResumesAfterLogin(t *testing.T) {
	p, a, account, meter := synced(t, portalclient.Options{})
	// The session ends on the portal (expired, or the password changed elsewhere).
	if err := a.client.Logout(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := a.engine.QueueReading(account, meter.ID, plus(meter, 60), domain.Date{}, false); err != nil {
		t.Fatal(err)
	}
	r := a.engine.SyncNow(context.Background())
	if !errors.Is(r.Err, portalclient.ErrUnauthorized) || r.Waiting != 1 {
		t.Fatalf("sync with an ended session: %+v", r)
	}
	if st := a.engine.Status(); !st.Paused || st.Pending != 1 {
		t.Errorf("status %+v", st)
	}
	requests := p.Requests.Load()
	a.engine.SyncNow(context.Background())
	if p.Requests.Load() != requests {
		t.Error("a paused queue kept calling the portal")
	}
	a.login(t)
	a.engine.Resume()
	if r := a.engine.SyncNow(context.Background()); r.Sent != 1 {
		t.Errorf("after a new login: %+v", r)
	}
}

func fileHash(t *testing.T, path string) [32]byte {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

func TestNothingNewWritesNothingAndDeltasMerge(t *testing.T) {
	p := startPortal(t)
	path := filepath.Join(t.TempDir(), "store.db")
	a := newApp(t, p, path, portalclient.Options{})
	a.login(t)
	if r := a.engine.SyncNow(context.Background()); len(r.Refreshed) != 1 || r.Err != nil {
		t.Fatalf("first sync %+v", r)
	}
	account, meter := a.account(t)
	before := fileHash(t, path)
	requests := p.Requests.Load()
	r := a.engine.SyncNow(context.Background())
	if len(r.Unchanged) != 1 || len(r.Refreshed) != 0 {
		t.Errorf("second sync %+v", r)
	}
	if got := p.Requests.Load() - requests; got != 1 {
		t.Errorf("a sync with nothing new made %d requests, want 1 per account", got)
	}
	if fileHash(t, path) != before {
		t.Error("a sync with nothing new wrote to the store")
	}
	if a.engine.CheckedAt(account).IsZero() {
		t.Error("the 304 did not count as confirmation of freshness")
	}
	// A reading through another channel arrives as a delta.
	other := newApp(t, p, filepath.Join(t.TempDir(), "other.db"), portalclient.Options{})
	other.login(t)
	if _, err := other.client.SubmitReading(context.Background(), account, portalclient.ReadingRequest{Meter: meter.ID, Values: plus(meter, 7)}, "delta-key-0001"); err != nil {
		t.Fatal(err)
	}
	old, _, _ := a.store.Document(a.profile, account)
	if r := a.engine.SyncNow(context.Background()); len(r.Refreshed) != 1 {
		t.Fatalf("sync after a change %+v", r)
	}
	doc, _, _ := a.store.Document(a.profile, account)
	if len(doc.Doc.Readings) != len(old.Doc.Readings)+1 || doc.Cursor == old.Cursor || doc.ETag == old.ETag {
		t.Errorf("delta: %d readings (was %d), cursor %q→%q", len(doc.Doc.Readings), len(old.Doc.Readings), old.Cursor, doc.Cursor)
	}
	if len(doc.Doc.Invoices) != len(old.Doc.Invoices) || doc.Doc.Account == nil {
		t.Errorf("the delta lost data: %d invoices, account %v", len(doc.Doc.Invoices), doc.Doc.Account)
	}
}

func TestUnknownCursorMeansAFullRefreshAndKeepsTheOutbox(t *testing.T) {
	p, a, account, meter := synced(t, portalclient.Options{})
	cached, _, _ := a.store.Document(a.profile, account)
	// A cursor from another portal database (the portal was restored).
	cached.Cursor, cached.ETag = "0123456789ab.5", `"stale"`
	if err := a.store.SaveDocument(a.profile, account, cached); err != nil {
		t.Fatal(err)
	}
	p.Down.Store(true)
	q, _ := a.engine.QueueReading(account, meter.ID, plus(meter, 30), domain.Date{}, false)
	a.engine.SyncNow(context.Background())
	p.Down.Store(false)
	var r syncer.Report
	for range 50 {
		if r = a.engine.SyncNow(context.Background()); r.Sent == 1 || r.Err == nil && r.Waiting == 0 {
			break
		}
	}
	if r.Err != nil || len(r.Refreshed) != 1 {
		t.Fatalf("sync with an unknown cursor: %+v", r)
	}
	doc, _, _ := a.store.Document(a.profile, account)
	if doc.Cursor == "0123456789ab.5" || doc.Doc.Delta || len(doc.Doc.Invoices) == 0 {
		t.Errorf("not refreshed: cursor %q", doc.Cursor)
	}
	if it, _, _ := a.store.Item(q.Item.ID); it.State != store.StateSent {
		t.Errorf("the queued reading: %+v", it)
	}
}

// A reading queued behind another of the month replaces it when both
// arrive, so the local check counts it, as the portal will, from the month
// before's accepted reading: a value below the queued one is a correction,
// one below the accepted one is refused.
func TestLocalCheckUsesTheQueuedReadings(t *testing.T) {
	p, a, account, meter := synced(t, portalclient.Options{})
	p.Down.Store(true)
	if _, err := a.engine.QueueReading(account, meter.ID, plus(meter, 100), domain.Date{}, false); err != nil {
		t.Fatal(err)
	}
	q, err := a.engine.QueueReading(account, meter.ID, plus(meter, 50), domain.Date{}, false)
	if err != nil {
		t.Fatalf("a correction below the queued one: %v", err)
	}
	if q.Assessment.Total != domain.DecimalFromInt(50) || q.Assessment.Replaces == nil || q.Assessment.Replaces.Status != domain.StatusQueued {
		t.Errorf("the correction is counted %v kWh replacing %+v; want 50 kWh replacing the queued one", q.Assessment.Total, q.Assessment.Replaces)
	}
	_, err = a.engine.QueueReading(account, meter.ID, plus(meter, -1), domain.Date{}, false)
	if domain.ErrorCode(err) != domain.CodeLowerThanPrevious {
		t.Errorf("a value below the accepted one: %v", err)
	}
	_, err = a.engine.QueueReading(account, meter.ID, map[domain.Zone]string{domain.T1: "12a"}, domain.Date{}, false)
	if domain.ErrorCode(err) != domain.CodeNotANumber {
		t.Errorf("letters: %v", err)
	}
	if st := a.engine.Status(); st.Pending != 2 {
		t.Errorf("%d readings queued, want the two accepted ones: %+v", st.Pending, st)
	}
}

func TestEngineStopsWithoutLeaks(t *testing.T) {
	// Registered first, so it runs after the portal and the store are closed.
	t.Cleanup(func() {
		goleak.VerifyNone(t, goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
			goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"), goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"))
	})
	p := startPortal(t)
	a := newApp(t, p, filepath.Join(t.TempDir(), "store.db"), portalclient.Options{})
	a.login(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { a.engine.Run(ctx); close(done) }()
	a.engine.Poke()
	a.engine.Poke()
	cancel()
	<-done
}

// raiseLastAccepted makes the supplier correct the meter's last accepted
// reading upwards on the portal (an inspector read the meter), so a reading
// the app checked against the old value is refused.
func raiseLastAccepted(t *testing.T, p *portaltest.Server, meterID string) {
	t.Helper()
	if err := p.DB.Write(context.Background(), func(tx *portaldb.Tx) error {
		_, err := tx.ExecContext(context.Background(), `UPDATE reading_values SET value = value + 50000 WHERE reading_id =
			(SELECT id FROM readings WHERE meter_id = ? AND status = 'accepted' ORDER BY taken_on DESC, id DESC LIMIT 1)`, meterID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
}
