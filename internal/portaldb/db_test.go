package portaldb_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"kabinet/internal/domain"
	"kabinet/internal/portaldb"
)

func news(t testing.TB, db *portaldb.DB) []domain.News {
	t.Helper()
	ctx := context.Background()
	var out []domain.News
	if err := db.Read(ctx, func(tx *portaldb.Tx) error { var err error; out, err = tx.News(ctx); return err }); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestReopenKeepsDataAndIdentity(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		dsn := b.location(t)
		ctx := context.Background()
		db, err := portaldb.Open(ctx, dsn, portaldb.Options{})
		if err != nil {
			t.Fatal(err)
		}
		epoch := db.Epoch()
		if err := db.LoadSeed(ctx, &portaldb.Seed{News: []domain.News{{PublishedOn: domain.NewDate(2026, 11, 1), Title: "Новость", Body: "Текст"}}}); err != nil {
			t.Fatal(err)
		}
		db.Close()
		db = b.open(t, dsn, portaldb.Options{}) // the migrations run again and change nothing
		if db.Epoch() != epoch || epoch == "" {
			t.Errorf("epoch %q after reopening, was %q", db.Epoch(), epoch)
		}
		if n := news(t, db); len(n) != 1 || n[0].Title != "Новость" {
			t.Errorf("news after reopening: %+v", n)
		}
		if db.Dialect() != b.name {
			t.Errorf("Dialect() = %q on %s", db.Dialect(), b.name)
		}
		if other := b.fresh(t, portaldb.Options{}); other.Epoch() == epoch {
			t.Error("two databases share an epoch, so one's cursors would pass in the other")
		}
		if b.name == "sqlite" {
			if fi, err := os.Stat(dsn); err != nil || fi.Size() == 0 {
				t.Errorf("database file: %v", err)
			}
		}
	})
}

func TestForeignKeysAreEnforced(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		db := b.fresh(t, portaldb.Options{})
		ctx := context.Background()
		err := db.Write(ctx, func(tx *portaldb.Tx) error {
			_, err := tx.InsertQuestion(ctx, 1, domain.Question{Topic: "t", Text: "x"})
			return err
		})
		if err == nil {
			t.Error("a question of a missing customer was stored: foreign keys are off")
		}
	})
}

func TestFailedWriteChangesNothing(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		db := b.fresh(t, portaldb.Options{})
		ctx := context.Background()
		boom := errors.New("boom")
		err := db.Write(ctx, func(tx *portaldb.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO news (published_on, title, body) VALUES ('2026-11-01', 'a', 'b')`); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Write returned %v", err)
		}
		if n := news(t, db); len(n) != 0 {
			t.Errorf("a rolled-back write left %d news", len(n))
		}
		// The connection is usable again after the failed transaction.
		if err := db.Write(ctx, func(tx *portaldb.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO news (published_on, title, body) VALUES ('2026-11-01', ?, 'b')`, "после")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if n := news(t, db); len(n) != 1 {
			t.Errorf("%d news after a write following a failed one", len(n))
		}
	})
}

func TestFailedStatementDoesNotSpoilTheConnection(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		db := b.fresh(t, portaldb.Options{WriteConns: 1, ReadConns: 1})
		ctx := context.Background()
		for i := range 3 {
			// The second and third fail on the primary key, each in a
			// transaction of its own on the one connection.
			err := db.Write(ctx, func(tx *portaldb.Tx) error {
				_, err := tx.ExecContext(ctx, `INSERT INTO news (id, published_on, title, body) VALUES (1, '2026-11-01', 'a', 'b')`)
				return err
			})
			if (i == 0) != (err == nil) {
				t.Errorf("write %d: %v", i, err)
			}
		}
		if n := news(t, db); len(n) != 1 {
			t.Errorf("%d news", len(n))
		}
	})
}

func TestConcurrentWritesAllCommit(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		db := b.fresh(t, portaldb.Options{})
		ctx := context.Background()
		var wg sync.WaitGroup
		for i := range 20 {
			wg.Go(func() {
				err := db.Write(ctx, func(tx *portaldb.Tx) error {
					_, err := tx.ExecContext(ctx, `INSERT INTO news (published_on, title, body) VALUES ('2026-11-01', ?, 'b')`, fmt.Sprint(i))
					return err
				})
				if err != nil {
					t.Error(err)
				}
			})
			wg.Go(func() {
				db.Read(ctx, func(tx *portaldb.Tx) error { _, err := tx.News(ctx); return err })
			})
		}
		wg.Wait()
		if n := news(t, db); len(n) != 20 {
			t.Errorf("%d news after 20 concurrent writes", len(n))
		}
		if s := db.Stats(); s.OpenConnections == 0 || s.InUse != 0 || s.Idle != s.OpenConnections {
			t.Errorf("stats after the writes: %+v", s)
		}
	})
}

func TestCanceledRequestLeavesTheConnectionUsable(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		db := b.fresh(t, portaldb.Options{WriteConns: 1, ReadConns: 1})
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		err := db.Write(ctx, func(tx *portaldb.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO news (published_on, title, body) VALUES ('2026-11-01', 'a', 'b')`); err != nil {
				return err
			}
			// The client hangs up while a long query runs.
			var n int64
			return tx.QueryRowContext(ctx, `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000)
				SELECT count(*) FROM c`).Scan(&n)
		})
		if err == nil {
			t.Fatal("a write whose context ended committed")
		}
		if n := news(t, db); len(n) != 0 {
			t.Errorf("a canceled write left %d news", len(n))
		}
		bg := context.Background()
		if err := db.Write(bg, func(tx *portaldb.Tx) error {
			_, err := tx.ExecContext(bg, `INSERT INTO news (published_on, title, body) VALUES ('2026-11-01', 'e', 'f')`)
			return err
		}); err != nil {
			t.Fatalf("the next write: %v", err)
		}
		if n := news(t, db); len(n) != 1 {
			t.Errorf("%d news", len(n))
		}
	})
}

func TestSQLiteIsTheDefault(t *testing.T) {
	path := filepath.Join(t.TempDir(), "postgres:x.db") // a file name, not a URL
	db, err := portaldb.Open(context.Background(), path, portaldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.Dialect() != "sqlite" {
		t.Errorf("Dialect() = %q", db.Dialect())
	}
}
