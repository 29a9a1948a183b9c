package portaldb_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"kabinet/internal/domain"
	"kabinet/internal/portaldb"
)

// A staff login is taken once; a password change or disabling ends the
// person's sessions; a session ends after its idle time and its absolute
// limit, and is gone from the table then.
func TestStaffAccountsAndSessions(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		db := b.fresh(t, portaldb.Options{})
		write := func(fn func(tx *portaldb.Tx) error) error { return db.Write(ctx, fn) }
		var id int64
		if err := write(func(tx *portaldb.Tx) (err error) {
			id, err = tx.AddStaff(ctx, "ivanova", "hash", portaldb.RoleOperator)
			return
		}); err != nil {
			t.Fatal(err)
		}
		err := write(func(tx *portaldb.Tx) error {
			_, err := tx.AddStaff(ctx, "ivanova", "hash", portaldb.RoleEditor)
			return err
		})
		if !errors.Is(err, portaldb.ErrStaffExists) {
			t.Errorf("the same login twice: %v", err)
		}
		lim := portaldb.StaffSessionLimits{Idle: 30 * time.Minute, Absolute: 12 * time.Hour}
		start := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
		token := [32]byte{1}
		if err := write(func(tx *portaldb.Tx) error { return tx.StartStaffSession(ctx, token, id, "csrf", start) }); err != nil {
			t.Fatal(err)
		}
		s, err := db.TouchStaffSession(ctx, token, start.Add(29*time.Minute), lim)
		if err != nil || s.Login != "ivanova" || s.Role != portaldb.RoleOperator || s.CSRF != "csrf" {
			t.Fatalf("a live session: %+v %v", s, err)
		}
		if _, err := db.TouchStaffSession(ctx, token, start.Add(58*time.Minute), lim); err != nil {
			t.Errorf("29 minutes after the last request: %v", err)
		}
		if _, err := db.TouchStaffSession(ctx, token, start.Add(88*time.Minute), lim); !errors.Is(err, portaldb.ErrSessionExpired) {
			t.Errorf("30 minutes idle: %v", err)
		}
		if _, err := db.TouchStaffSession(ctx, token, start.Add(89*time.Minute), lim); !errors.Is(err, portaldb.ErrNotFound) {
			t.Errorf("an expired session is kept: %v", err)
		}

		busy := [32]byte{2}
		write(func(tx *portaldb.Tx) error { return tx.StartStaffSession(ctx, busy, id, "csrf", start) })
		for at := start; at.Before(start.Add(12 * time.Hour)); at = at.Add(20 * time.Minute) {
			if _, err := db.TouchStaffSession(ctx, busy, at, lim); err != nil {
				t.Fatalf("a busy session ended at %v: %v", at.Sub(start), err)
			}
		}
		if _, err := db.TouchStaffSession(ctx, busy, start.Add(12*time.Hour), lim); !errors.Is(err, portaldb.ErrSessionExpired) {
			t.Errorf("12 hours after the login: %v", err)
		}

		for name, change := range map[string]func(tx *portaldb.Tx) error{
			"password": func(tx *portaldb.Tx) error { return tx.SetStaffPassword(ctx, "ivanova", "new hash") },
			"disabled": func(tx *portaldb.Tx) error { return tx.SetStaffDisabled(ctx, "ivanova", true) },
		} {
			tok := [32]byte{3}
			write(func(tx *portaldb.Tx) error { return tx.StartStaffSession(ctx, tok, id, "csrf", start) })
			if err := write(change); err != nil {
				t.Fatal(err)
			}
			if _, err := db.TouchStaffSession(ctx, tok, start.Add(time.Minute), lim); !errors.Is(err, portaldb.ErrNotFound) {
				t.Errorf("%s: the session goes on: %v", name, err)
			}
		}
		if err := write(func(tx *portaldb.Tx) error { return tx.SetStaffDisabled(ctx, "nobody", true) }); !errors.Is(err, portaldb.ErrNotFound) {
			t.Errorf("disabling nobody: %v", err)
		}
	})
}

// Every edit of the public content moves the content version, in its own
// transaction; a rolled-back edit moves nothing.
func TestContentEditsMoveTheContentVersion(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		db := seeded(t, b, portaldb.Options{})
		version := func() int64 {
			v, err := db.ContentVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		v0 := version()
		var newsID, faqID string
		err := db.Write(ctx, func(tx *portaldb.Tx) (err error) {
			newsID, err = tx.SaveNews(ctx, domain.News{PublishedOn: date("2026-11-21"), Title: "Новость", Body: "Текст"})
			return err
		})
		if err != nil || version() != v0+1 {
			t.Fatalf("news added: %v, version %d → %d", err, v0, version())
		}
		db.Write(ctx, func(tx *portaldb.Tx) (err error) {
			faqID, err = tx.SaveFAQ(ctx, domain.FAQ{Question: "Вопрос?", Answer: "Ответ."}, 0)
			return err
		})
		db.Write(ctx, func(tx *portaldb.Tx) error { return tx.DeleteNews(ctx, newsID) })
		if version() != v0+3 {
			t.Errorf("after three edits the version is %d, want %d", version(), v0+3)
		}
		failed := errors.New("rolled back")
		db.Write(ctx, func(tx *portaldb.Tx) error {
			if _, err := tx.SaveFAQ(ctx, domain.FAQ{ID: faqID, Question: "Другой?", Answer: "Другой."}, 1); err != nil {
				return err
			}
			return failed
		})
		if version() != v0+3 {
			t.Errorf("a rolled-back edit moved the version to %d", version())
		}
		err = db.Write(ctx, func(tx *portaldb.Tx) error { return tx.DeleteNews(ctx, newsID) })
		if !errors.Is(err, portaldb.ErrNotFound) {
			t.Errorf("deleting deleted news: %v", err)
		}
	})
}

// An operator finds a customer by customer number, phone in any spelling,
// or account number; a question is answered once.
func TestFindCustomersAndAnswerOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		db := seeded(t, b, portaldb.Options{})
		for _, q := range []string{customerA, "8 912 123-45-67", "+7 (912) 1234567", accountA2} {
			var found []portaldb.CustomerRecord
			db.Read(ctx, func(tx *portaldb.Tx) (err error) { found, err = tx.FindCustomers(ctx, q, 10); return })
			if len(found) != 1 || found[0].Number != customerA {
				t.Errorf("%q found %+v", q, found)
			}
		}
		var q domain.Question
		db.Write(ctx, func(tx *portaldb.Tx) error {
			c, err := tx.CustomerByNumber(ctx, customerA)
			if err != nil {
				return err
			}
			q, err = tx.InsertQuestion(ctx, c.ID, domain.Question{Topic: "Счёт", Text: "Почему?"})
			return err
		})
		answer := func(text string) error {
			return db.Write(ctx, func(tx *portaldb.Tx) error { return tx.AnswerWaitingQuestion(ctx, q.ID, text) })
		}
		if err := answer("Потому что."); err != nil {
			t.Fatal(err)
		}
		if err := answer("Другой ответ."); !errors.Is(err, portaldb.ErrAlreadyAnswered) {
			t.Errorf("a second answer: %v", err)
		}
		var got portaldb.StaffQuestion
		db.Read(ctx, func(tx *portaldb.Tx) (err error) { got, err = tx.QuestionForStaff(ctx, q.ID); return })
		if got.Answer != "Потому что." || got.CustomerNumber != customerA {
			t.Errorf("the question: %+v", got)
		}
		if err := db.Write(ctx, func(tx *portaldb.Tx) error { return tx.AnswerWaitingQuestion(ctx, "999999", "x") }); !errors.Is(err, portaldb.ErrNotFound) {
			t.Errorf("no such question: %v", err)
		}
	})
}
