package portaldb_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"kabinet/internal/domain"
	"kabinet/internal/portaldb"
)

// settled waits until every record committed can be exported: on a shared
// PostgreSQL server a transaction of another test, begun before the
// records and still open, holds the export back for a moment.
func settled(t testing.TB, db *portaldb.DB) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		n, err := db.ExportHeldBack(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d records still held back by open transactions", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// readingsAfter returns the readings exported after pos, all of them.
func readingsAfter(t *testing.T, db *portaldb.DB, pos portaldb.ExportPosition) []portaldb.ExportedReading {
	t.Helper()
	settled(t, db)
	var out []portaldb.ExportedReading
	if _, err := db.ExportReadings(context.Background(), pos, 1000, func(e portaldb.ExportedReading) error {
		out = append(out, e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestExportTellsOfAcceptedAndSupersedingReadings(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		db := seeded(t, b, portaldb.Options{})
		ctx := context.Background()
		if got := readingsAfter(t, db, portaldb.ExportPosition{}); len(got) != 0 {
			t.Fatalf("the seed's readings came from billing, yet %d are exported", len(got))
		}
		r := ref(t, db, accountA1)
		m := meterOf(t, db, r)
		var ids []string
		for _, newMonth := range []bool{true, false} {
			if err := db.Write(ctx, func(tx *portaldb.Tx) error {
				id, err := addToLast(ctx, tx, r, m.ID, newMonth)
				ids = append(ids, id)
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		got := readingsAfter(t, db, portaldb.ExportPosition{})
		if len(got) != 2 || got[0].ID != ids[0] || got[1].ID != ids[1] {
			t.Fatalf("exported %+v, want readings %v in that order", got, ids)
		}
		first, second := got[0], got[1]
		if first.Account != accountA1 || first.Serial != accountA1+"-1" || first.Period != period("2026-10") ||
			first.Values[domain.T1] != 120010 || first.Consumption[domain.T1] != 10 || first.Status != domain.StatusAccepted || first.Supersedes != "" {
			t.Errorf("first reading exported as %+v", first)
		}
		if second.Supersedes != first.ID || second.Values[domain.T1] != 120020 || second.Consumption[domain.T1] != 20 {
			t.Errorf("the second reading of October, %+v, must say it supersedes %s, with the month's consumption", second, first.ID)
		}
		if again := readingsAfter(t, db, first.Position); len(again) != 1 || again[0].ID != second.ID {
			t.Errorf("after the first reading's position: %+v, want only %s", again, second.ID)
		}
		if again := readingsAfter(t, db, second.Position); len(again) != 0 {
			t.Errorf("after the last position: %+v", again)
		}
		n, err := db.QueueReadingsForExport(ctx, period("2026-09"))
		if err != nil || n != 6 {
			t.Errorf("queued %d of the seed's 6 readings of September (%v)", n, err)
		}
		if n, err := db.QueueReadingsForExport(ctx, period("2026-09")); err != nil || n != 0 {
			t.Errorf("queued %d again (%v), want none", n, err)
		}
	})
}

func TestExportTellsOfQuestionsAndProfileChanges(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		db := seeded(t, b, portaldb.Options{})
		ctx := context.Background()
		r := ref(t, db, accountA1)
		var q domain.Question
		write := func(fn func(tx *portaldb.Tx) error) {
			t.Helper()
			if err := db.Write(ctx, fn); err != nil {
				t.Fatal(err)
			}
		}
		write(func(tx *portaldb.Tx) error {
			var err error
			q, err = tx.InsertQuestion(ctx, r.CustomerID, domain.Question{Account: accountA1, Topic: "Счёт", Text: "Почему так много?"})
			return err
		})
		write(func(tx *portaldb.Tx) error { return tx.AnswerWaitingQuestion(ctx, q.ID, "Пересчитали.") })
		if err := db.Write(ctx, func(tx *portaldb.Tx) error { return tx.AnswerWaitingQuestion(ctx, "999999", "Кому?") }); err == nil {
			t.Error("an answer to no question was taken")
		}
		settled(t, db)
		var questions []portaldb.ExportedQuestion
		db.ExportQuestions(ctx, portaldb.ExportPosition{}, 100, func(e portaldb.ExportedQuestion) error { questions = append(questions, e); return nil })
		if len(questions) != 2 || questions[0].Event != "asked" || questions[1].Event != "answered" ||
			questions[0].Customer != customerA || questions[0].Text != "Почему так много?" || questions[1].Answer != "Пересчитали." || questions[1].AnsweredAt == "" {
			t.Errorf("questions exported: %+v", questions)
		}

		write(func(tx *portaldb.Tx) error { return tx.SetEmail(ctx, r.CustomerID, "ivanova@example.ru") }) // no change
		write(func(tx *portaldb.Tx) error {
			return tx.SetSubscriptions(ctx, r.ID, domain.Subscriptions{EmailBills: true, EmailReminders: true})
		})
		write(func(tx *portaldb.Tx) error { return tx.SetEmail(ctx, r.CustomerID, "") }) // ends e-mailed bills and reminders of A1
		write(func(tx *portaldb.Tx) error { return tx.SetProvenPhone(ctx, r.CustomerID, "+79120000000") })
		write(func(tx *portaldb.Tx) error {
			return tx.SetSubscriptions(ctx, r.ID, domain.Subscriptions{EmailBills: false, SMSReminders: true})
		})
		settled(t, db)
		var changes []string
		db.ExportProfileChanges(ctx, portaldb.ExportPosition{}, 100, func(e portaldb.ExportedProfileChange) error {
			changes = append(changes, e.Customer+" "+e.Account+" "+e.Field+"="+e.Value)
			return nil
		})
		want := []string{
			customerA + " " + accountA1 + " email_reminders=true",
			customerA + "  email=",
			customerA + " " + accountA1 + " email_bills=false",
			customerA + " " + accountA1 + " email_reminders=false",
			customerA + "  phone=+79120000000",
			customerA + " " + accountA1 + " sms_reminders=true",
		}
		if fmt.Sprint(changes) != fmt.Sprint(want) {
			t.Errorf("profile changes exported:\n%q\nwant\n%q", changes, want)
		}
	})
}

// Several writers commit readings and questions side by side, some holding
// their transaction open after the export row is written, while a reader
// pages through the export: every record must come exactly once. On
// PostgreSQL ids are taken in one order and committed in another; a reader
// going by id alone would skip the late ones.
func TestExportFromCursorsMissesNothingUnderConcurrentWriters(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		db := b.fresh(t, portaldb.Options{WriteConns: 8})
		ctx := context.Background()
		const accounts, each = 8, 12
		seed := fixture()
		base := seed.Customers[1]
		seed.Customers = seed.Customers[:0]
		for i := range accounts {
			c := base
			c.Number = strconv.Itoa(200000 + i)
			a := base.Accounts[0]
			a.Number = strconv.Itoa(1200000000 + i)
			c.Accounts = []portaldb.SeedAccount{a}
			seed.Customers = append(seed.Customers, c)
		}
		if err := db.LoadSeed(ctx, seed); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		wantReadings, wantQuestions := map[string]bool{}, map[string]bool{}
		var writers sync.WaitGroup
		for i := range accounts {
			r := ref(t, db, strconv.Itoa(1200000000+i))
			m := meterOf(t, db, r)
			writers.Go(func() {
				for k := range each {
					var id string
					var q domain.Question
					err := db.Write(ctx, func(tx *portaldb.Tx) error {
						var err error
						if id, err = addToLast(ctx, tx, r, m.ID, k%2 == 0); err != nil {
							return err
						}
						if k%3 == 0 {
							if q, err = tx.InsertQuestion(ctx, r.CustomerID, domain.Question{Topic: "Другое", Text: "?"}); err != nil {
								return err
							}
						}
						if (i+k)%4 == 0 {
							// The rows are written (a statement sends what
							// waits); the commit comes late.
							var one int
							if err := tx.QueryRowContext(ctx, `SELECT 1`).Scan(&one); err != nil {
								return err
							}
							time.Sleep(time.Duration(40+(i*7+k*13)%80) * time.Millisecond)
						}
						return nil
					})
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					wantReadings[id] = true
					if q.ID != "" {
						wantQuestions[q.ID] = true
					}
					mu.Unlock()
				}
			})
		}
		done := make(chan struct{})
		go func() { writers.Wait(); close(done) }()

		gotReadings, gotQuestions := map[string]int{}, map[string]int{}
		var rpos, qpos portaldb.ExportPosition
		page := func() int {
			n := 0
			_, err := db.ExportReadings(ctx, rpos, 5, func(e portaldb.ExportedReading) error {
				if !less(rpos, e.Position) {
					t.Errorf("position %+v after %+v", e.Position, rpos)
				}
				rpos = e.Position
				gotReadings[e.ID]++
				n++
				return nil
			})
			if err == nil {
				_, err = db.ExportQuestions(ctx, qpos, 3, func(e portaldb.ExportedQuestion) error {
					qpos = e.Position
					gotQuestions[e.ID]++
					n++
					return nil
				})
			}
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		for running := true; running; {
			select {
			case <-done:
				running = false
			default:
				if page() == 0 {
					time.Sleep(time.Millisecond)
				}
			}
		}
		// Transactions elsewhere on the server may still hold the
		// watermark back for a moment.
		deadline := time.Now().Add(30 * time.Second)
		for (len(gotReadings) < len(wantReadings) || len(gotQuestions) < len(wantQuestions)) && time.Now().Before(deadline) {
			if page() == 0 {
				time.Sleep(10 * time.Millisecond)
			}
		}
		for page() > 0 {
		}
		check := func(what string, want map[string]bool, got map[string]int) {
			for id := range want {
				if got[id] != 1 {
					t.Errorf("%s %s exported %d times, want once", what, id, got[id])
				}
			}
			for id := range got {
				if !want[id] {
					t.Errorf("%s %s exported but never committed", what, id)
				}
			}
		}
		check("reading", wantReadings, gotReadings)
		check("question", wantQuestions, gotQuestions)
		if len(wantReadings) != accounts*each {
			t.Errorf("%d readings committed, want %d", len(wantReadings), accounts*each)
		}
	})
}

func less(a, b portaldb.ExportPosition) bool { return a.Xid < b.Xid || a.Xid == b.Xid && a.ID < b.ID }

// A transaction begun before a reading and still open holds the reading
// back: were it given now, the open one could still commit a record that
// belongs before it, behind the billing system's cursor.
func TestOpenTransactionHoldsTheExportBack(t *testing.T) {
	db := seeded(t, postgresOnly(t), portaldb.Options{})
	ctx := context.Background()
	r := ref(t, db, accountA1)
	m := meterOf(t, db, r)
	began, release, ended := make(chan struct{}), make(chan struct{}), make(chan error)
	go func() {
		ended <- db.Write(ctx, func(tx *portaldb.Tx) error {
			// A write gives the transaction its id.
			if _, err := tx.ExecContext(ctx, `UPDATE meta SET value = value WHERE key = 'epoch'`); err != nil {
				return err
			}
			close(began)
			<-release
			return nil
		})
	}()
	<-began
	if err := db.Write(ctx, func(tx *portaldb.Tx) error { _, err := addToLast(ctx, tx, r, m.ID, true); return err }); err != nil {
		t.Fatal(err)
	}
	var got []portaldb.ExportedReading
	db.ExportReadings(ctx, portaldb.ExportPosition{}, 10, func(e portaldb.ExportedReading) error { got = append(got, e); return nil })
	held, err := db.ExportHeldBack(ctx)
	if len(got) != 0 || held != 1 || err != nil {
		t.Errorf("while an older transaction is open: exported %d, held back %d (%v); want 0 and 1", len(got), held, err)
	}
	close(release)
	if err := <-ended; err != nil {
		t.Fatal(err)
	}
	if got := readingsAfter(t, db, portaldb.ExportPosition{}); len(got) != 1 {
		t.Errorf("after it ended: %d readings exported, want 1", len(got))
	}
}
