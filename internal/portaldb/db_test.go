package portaldb_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"kabinet/internal/domain"
	"kabinet/internal/portaldb"
)

func open(t *testing.T, path string) *portaldb.DB {
	t.Helper()
	db, err := portaldb.Open(context.Background(), path, portaldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func TestReopenKeepsDataAndIdentity(t *testing.T) {
	path := filepath.Join(t.TempDir(), "portal.db")
	db := open(t, path)
	epoch := db.Epoch()
	ctx := context.Background()
	if err := db.LoadSeed(ctx, &portaldb.Seed{News: []domain.News{{PublishedOn: domain.NewDate(2026, 11, 1), Title: "Новость", Body: "Текст"}}}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db = open(t, path) // the migrations run again and change nothing
	defer db.Close()
	if db.Epoch() != epoch || epoch == "" {
		t.Errorf("epoch %q after reopening, was %q", db.Epoch(), epoch)
	}
	var news []domain.News
	db.Read(ctx, func(tx *portaldb.Tx) error { var err error; news, err = tx.News(ctx); return err })
	if len(news) != 1 || news[0].Title != "Новость" {
		t.Errorf("news after reopening: %+v", news)
	}
	other := open(t, filepath.Join(t.TempDir(), "other.db"))
	defer other.Close()
	if other.Epoch() == epoch {
		t.Error("two databases share an epoch, so one's cursors would pass in the other")
	}
	if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
		t.Errorf("database file: %v", err)
	}
}

func TestFailedWriteChangesNothing(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "portal.db"))
	defer db.Close()
	ctx := context.Background()
	boom := errors.New("boom")
	err := db.Write(ctx, func(tx *portaldb.Tx) error {
		if _, err := tx.InsertQuestion(ctx, 1, domain.Question{Topic: "t", Text: "x"}); err == nil {
			t.Error("a question of a missing customer was stored: foreign keys are off")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO news (published_on, title, body) VALUES ('2026-11-01', 'a', 'b')`); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Write returned %v", err)
	}
	var news []domain.News
	db.Read(ctx, func(tx *portaldb.Tx) error { var err error; news, err = tx.News(ctx); return err })
	if len(news) != 0 {
		t.Errorf("a rolled-back write left %d news", len(news))
	}
}

func TestConcurrentWritesAllCommit(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "portal.db"))
	defer db.Close()
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := db.Write(ctx, func(tx *portaldb.Tx) error {
				_, err := tx.ExecContext(ctx, `INSERT INTO news (published_on, title, body) VALUES ('2026-11-01', ?, 'b')`, i)
				return err
			})
			if err != nil {
				t.Error(err)
			}
		}()
		wg.Add(1)
		go func() {
			defer wg.Done()
			db.Read(ctx, func(tx *portaldb.Tx) error { _, err := tx.News(ctx); return err })
		}()
	}
	wg.Wait()
	var news []domain.News
	db.Read(ctx, func(tx *portaldb.Tx) error { var err error; news, err = tx.News(ctx); return err })
	if len(news) != 20 {
		t.Errorf("%d news after 20 concurrent writes", len(news))
	}
}
