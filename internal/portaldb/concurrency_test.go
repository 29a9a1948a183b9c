package portaldb_test

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kabinet/internal/domain"
	"kabinet/internal/portaldb"
)

// The guarantees SQLite gives by having one writer must hold on
// PostgreSQL's many: these tests run writers side by side.

// meterOf returns the account's single-zone meter.
func meterOf(t testing.TB, db *portaldb.DB, r portaldb.AccountRef) domain.Meter {
	t.Helper()
	ctx := context.Background()
	var doc *domain.AccountDocument
	if err := db.Read(ctx, func(tx *portaldb.Tx) error {
		var err error
		doc, err = tx.Document(ctx, r, 0, domain.AlwaysOpen)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for _, m := range doc.Meters {
		if len(m.Zones) == 1 {
			return m
		}
	}
	t.Fatal("no single-zone meter")
	return domain.Meter{}
}

// addToLast stores a reading 1,0 kWh above the meter's last accepted one,
// as the portal does: look, check, insert, in one write transaction. The
// reading is of the month after the last one's, or of the same month,
// superseding it.
func addToLast(ctx context.Context, tx *portaldb.Tx, r portaldb.AccountRef, meterID string, newMonth bool) (string, error) {
	m, err := tx.MeterForUpdate(ctx, r.ID, meterID)
	if err != nil {
		return "", err
	}
	last := m.Zones[0]
	month := last.LastDate.Period()
	if newMonth {
		month = month.AddMonths(1)
	}
	id, _ := portaldb.MeterID(meterID)
	// The month's consumption, counted from the month before, as
	// domain.CheckReading counts it.
	from := m.BaselineFor(month).Zones[0].LastValue
	return tx.InsertReading(ctx, r.ID, portaldb.NewReading{MeterID: id, Period: month, TakenOn: month.First(), Source: domain.SourceCustomer,
		Values: map[domain.Zone]domain.Decimal{domain.T1: last.LastValue + 10}, Consumption: map[domain.Zone]domain.Decimal{domain.T1: last.LastValue + 10 - from}})
}

func TestConcurrentReadingsOfOneMeterSeeEachOther(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		db := seeded(t, b, portaldb.Options{WriteConns: 8})
		ctx := context.Background()
		r := ref(t, db, accountA1)
		m := meterOf(t, db, r)
		start := m.Zones[0].LastValue
		const workers, each = 8, 10
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for i := range each {
					// Every other reading supersedes the month's last one.
					if err := db.Write(ctx, func(tx *portaldb.Tx) error {
						_, err := addToLast(ctx, tx, r, m.ID, i%2 == 0)
						return err
					}); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		after := meterOf(t, db, r)
		if want := start + workers*each*10; after.Zones[0].LastValue != want {
			t.Errorf("last value %s after %d readings of +1,0 from %s, want %s: a check did not see a reading committed before it",
				after.Zones[0].LastValue, workers*each, start, want)
		}
		// One accepted reading a month, and their consumption adds up to
		// what the meter counted.
		var accepted, total int64
		db.Read(ctx, func(tx *portaldb.Tx) error {
			return tx.QueryRowContext(ctx, `SELECT count(*), CAST(coalesce(sum(v.consumption), 0) AS BIGINT) FROM readings r JOIN reading_values v ON v.reading_id = r.id
				WHERE r.meter_id = ? AND r.status = 'accepted'`, mustID(m.ID)).Scan(&accepted, &total)
		})
		if want := int64(1 + workers*each/2); accepted != want || total != 1500+workers*each*10 {
			t.Errorf("%d accepted readings with %d consumption, want %d and %d", accepted, total, want, 1500+workers*each*10)
		}
	})
}

func mustID(s string) int64 { id, _ := portaldb.MeterID(s); return id }

func TestDeltasFromCursorsMissNothing(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		db := seeded(t, b, portaldb.Options{WriteConns: 8})
		ctx := context.Background()
		r := ref(t, db, accountA1)
		other := ref(t, db, accountA2)
		m := meterOf(t, db, r)
		otherMeter := meterOf(t, db, other)
		customer, err := func() (c portaldb.CustomerRecord, err error) {
			err = db.Read(ctx, func(tx *portaldb.Tx) error { c, err = tx.CustomerByID(ctx, r.CustomerID); return err })
			return c, err
		}()
		if err != nil {
			t.Fatal(err)
		}

		// A client's copy of the account, merged from deltas.
		readings := map[string]domain.Reading{}
		invoices := map[string]bool{}
		var subs domain.Subscriptions
		var cursor int64
		pull := func() {
			t.Helper()
			var doc *domain.AccountDocument
			err := db.Read(ctx, func(tx *portaldb.Tx) error {
				cur, err := tx.AccountRef(ctx, r.CustomerID, r.Number)
				if err != nil {
					return err
				}
				if doc, err = tx.Document(ctx, cur, cursor, domain.AlwaysOpen); err != nil {
					return err
				}
				cursor = cur.Seq
				return nil
			})
			if err != nil {
				t.Error(err)
				return
			}
			for _, rd := range doc.Readings {
				readings[rd.ID] = rd
			}
			for _, inv := range doc.Invoices {
				invoices[inv.ID] = true
			}
			if doc.Subscriptions != nil {
				subs = *doc.Subscriptions
			}
		}
		pull()

		var done atomic.Bool
		var readerDone sync.WaitGroup
		readerDone.Go(func() {
			for !done.Load() {
				pull()
			}
		})
		var wg sync.WaitGroup
		const workers, each = 6, 12
		for w := range workers {
			wg.Go(func() {
				for i := range each {
					err := db.Write(ctx, func(tx *portaldb.Tx) error {
						switch (w + i) % 6 {
						case 0:
							_, err := tx.IssueInvoice(ctx, r.ID, invoice(period("2030-01").AddMonths(w*each+i).String()))
							return err
						case 1:
							return tx.SetSubscriptions(ctx, r.ID, domain.Subscriptions{EmailBills: i%2 == 0, SMSReminders: w%2 == 0})
						case 2:
							if i%2 == 0 {
								return tx.SetProvenPhone(ctx, r.CustomerID, customer.Phone)
							}
							return tx.SetEmail(ctx, r.CustomerID, fmt.Sprintf("w%d.%d@example.ru", w, i))
						case 3:
							// The customer's other account: it must not disturb this one.
							_, err := addToLast(ctx, tx, other, otherMeter.ID, true)
							return err
						default:
							_, err := addToLast(ctx, tx, r, m.ID, i%2 == 0)
							return err
						}
					})
					if err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		done.Store(true)
		readerDone.Wait()
		pull()

		var full *domain.AccountDocument
		db.Read(ctx, func(tx *portaldb.Tx) error {
			cur, err := tx.AccountRef(ctx, r.CustomerID, r.Number)
			if err != nil {
				return err
			}
			full, err = tx.Document(ctx, cur, 0, domain.AlwaysOpen)
			return err
		})
		if len(full.Readings) != len(readings) {
			t.Errorf("deltas gave %d readings, the full document has %d", len(readings), len(full.Readings))
		}
		for _, rd := range full.Readings {
			got, ok := readings[rd.ID]
			if !ok {
				t.Errorf("reading %s (%s, %s) missing from the deltas", rd.ID, rd.Period, rd.Status)
			} else if got.Status != rd.Status || got.Values[domain.T1] != rd.Values[domain.T1] {
				t.Errorf("reading %s: %s %s from the deltas, %s %s in full", rd.ID, got.Status, got.Values[domain.T1], rd.Status, rd.Values[domain.T1])
			}
		}
		if len(full.Invoices) != len(invoices) {
			t.Errorf("deltas gave %d invoices, the full document has %d", len(invoices), len(full.Invoices))
		}
		if *full.Subscriptions != subs {
			t.Errorf("subscriptions %+v from the deltas, %+v in full", subs, *full.Subscriptions)
		}
	})
}

func TestOneIdempotencyKeyFromManyRequestsStoresOneReading(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		db := seeded(t, b, portaldb.Options{WriteConns: 8})
		ctx := context.Background()
		r := ref(t, db, accountA1)
		m := meterOf(t, db, r)
		count := func() (n int) {
			db.Read(ctx, func(tx *portaldb.Tx) error {
				return tx.QueryRowContext(ctx, `SELECT count(*) FROM readings WHERE meter_id = ?`, mustID(m.ID)).Scan(&n)
			})
			return n
		}
		before := count()
		// What the portal does with a reading and its Idempotency-Key.
		submit := func(key string) (portaldb.StoredResponse, error) {
			var out portaldb.StoredResponse
			err := db.Write(ctx, func(tx *portaldb.Tx) error {
				prev, found, err := tx.IdempotentResponse(ctx, r.CustomerID, key)
				if err != nil || found {
					out = prev
					return err
				}
				id, err := addToLast(ctx, tx, r, m.ID, true)
				if err != nil {
					return err
				}
				out = portaldb.StoredResponse{RequestHash: []byte("hash"), Status: 201, Body: []byte(`{"reading":"` + id + `"}`)}
				return tx.SaveIdempotentResponse(ctx, r.CustomerID, key, out)
			})
			return out, err
		}
		for round := range 5 {
			key := fmt.Sprintf("key-%d", round)
			answers := make([]portaldb.StoredResponse, 8)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range answers {
				wg.Go(func() {
					<-start
					var err error
					if answers[i], err = submit(key); err != nil {
						t.Error(err)
					}
				})
			}
			close(start)
			wg.Wait()
			for i, a := range answers {
				if a.Status != 201 || !bytes.Equal(a.Body, answers[0].Body) {
					t.Errorf("round %d, request %d: %d %s, the first got %s", round, i, a.Status, a.Body, answers[0].Body)
				}
			}
			if n := count(); n != before+round+1 {
				t.Fatalf("%d readings after %d keys sent 8 times each, want %d", n, round+1, before+round+1)
			}
		}
	})
}

func TestWritesOfDifferentAccountsRunSideBySide(t *testing.T) {
	b := postgresOnly(t) // SQLite writes one at a time
	{
		db := seeded(t, b, portaldb.Options{WriteConns: 4})
		ctx := context.Background()
		a1, a2 := ref(t, db, accountA1), ref(t, db, accountA2)
		m1 := meterOf(t, db, a1)
		m2 := meterOf(t, db, a2)
		locked := make(chan struct{})
		release := make(chan struct{})
		errc := make(chan error, 1)
		go func() {
			errc <- db.Write(ctx, func(tx *portaldb.Tx) error {
				if _, err := addToLast(ctx, tx, a1, m1.ID, true); err != nil {
					return err
				}
				close(locked)
				<-release // A1 stays locked
				return nil
			})
		}()
		select {
		case <-locked:
		case err := <-errc:
			t.Fatalf("the first write of A1: %v", err)
		}
		// A2's reading commits while A1's transaction is open…
		done := make(chan error, 1)
		go func() {
			done <- db.Write(ctx, func(tx *portaldb.Tx) error { _, err := addToLast(ctx, tx, a2, m2.ID, true); return err })
		}()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("a write of another account waited for A1's lock")
		}
		// …and a reading of A1 waits for it.
		blocked := make(chan error, 1)
		go func() {
			blocked <- db.Write(ctx, func(tx *portaldb.Tx) error { _, err := addToLast(ctx, tx, a1, m1.ID, true); return err })
		}()
		select {
		case err := <-blocked:
			t.Fatalf("a second write of A1 did not wait for the first: %v", err)
		case <-time.After(200 * time.Millisecond):
		}
		close(release)
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
		if err := <-blocked; err != nil {
			t.Fatal(err)
		}
		if got, want := meterOf(t, db, a1).Zones[0].LastValue, m1.Zones[0].LastValue+20; got != want {
			t.Errorf("A1's meter at %s, want %s", got, want)
		}
	}
}

func TestDeadlockedWriteRunsAgain(t *testing.T) {
	b := postgresOnly(t) // SQLite writes one at a time
	db := seeded(t, b, portaldb.Options{WriteConns: 4})
	ctx := context.Background()
	a1, a2 := ref(t, db, accountA1), ref(t, db, accountA2)
	// Two writes lock the same two accounts in opposite orders: the server
	// kills one of them, and Write runs it again.
	var attempts atomic.Int32
	var bothLocked sync.WaitGroup
	bothLocked.Add(2)
	lockBoth := func(first, second int64) error {
		return db.Write(ctx, func(tx *portaldb.Tx) error {
			n := attempts.Add(1)
			if _, err := tx.ExecContext(ctx, `SELECT id FROM accounts WHERE id = ? FOR NO KEY UPDATE`, first); err != nil {
				return err
			}
			if n <= 2 {
				bothLocked.Done()
				bothLocked.Wait()
			}
			_, err := tx.ExecContext(ctx, `SELECT id FROM accounts WHERE id = ? FOR NO KEY UPDATE`, second)
			return err
		})
	}
	errs := make(chan error, 2)
	go func() { errs <- lockBoth(a1.ID, a2.ID) }()
	go func() { errs <- lockBoth(a2.ID, a1.ID) }()
	for range 2 {
		if err := <-errs; err != nil {
			t.Errorf("a deadlocked write was not run again: %v", err)
		}
	}
	if n := attempts.Load(); n != 3 {
		t.Errorf("%d attempts, want 3", n)
	}
}

func TestServersStartingTogetherAgree(t *testing.T) {
	b := postgresOnly(t) // one SQLite file has one server
	dsn := b.location(t)
	dbs := make([]*portaldb.DB, 4)
	var wg sync.WaitGroup
	for i := range dbs {
		wg.Go(func() {
			db, err := portaldb.Open(context.Background(), dsn, portaldb.Options{WriteConns: 1, ReadConns: 1})
			if err != nil {
				t.Error(err)
				return
			}
			t.Cleanup(func() { db.Close() })
			dbs[i] = db
		})
	}
	wg.Wait()
	for _, db := range dbs {
		if db != nil && db.Epoch() != dbs[0].Epoch() {
			t.Errorf("epochs %q and %q: one server would refuse the other's cursors", db.Epoch(), dbs[0].Epoch())
		}
	}
}
