package loadtest

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"kabinet/internal/auth"
	"kabinet/internal/portaldb"
)

// Seeding is what preparing the population took.
type Seeding struct {
	// Seeded is how many customers this run had to add: 0 when the
	// database had them all from an earlier run.
	Seeded  int `json:"seeded"`
	Batches int `json:"batches"`
	// Parallel is how many LoadSeed calls ran at once.
	Parallel int     `json:"parallel"`
	Seconds  float64 `json:"seconds"`
	// FirstBatchSeconds and LastBatchSeconds tell whether a batch gets
	// slower as the database fills up.
	FirstBatchSeconds float64 `json:"first_batch_seconds"`
	LastBatchSeconds  float64 `json:"last_batch_seconds"`
	// SessionsCreated is how many remembered sessions were written, and
	// SessionSeconds how long that took.
	SessionsCreated int     `json:"sessions_created"`
	SessionSeconds  float64 `json:"session_seconds"`
}

// seedMissing adds the customers of [0, n) that found lacks, batchSize per
// LoadSeed call and transaction, parallel calls at once after the first.
func seedMissing(ctx context.Context, db *portaldb.DB, found map[int]member, n, batchSize, parallel int, progress io.Writer) (Seeding, error) {
	var missing []int
	for i := range n {
		if _, ok := found[i]; !ok {
			missing = append(missing, i)
		}
	}
	s := Seeding{Seeded: len(missing), Parallel: parallel}
	if len(missing) == 0 {
		return s, nil
	}
	start := time.Now()
	hash, err := auth.HashPassword(Password)
	if err != nil {
		return s, err
	}
	w, err := newWorld(time.Now(), hash)
	if err != nil {
		return s, err
	}
	var tariffs int
	if err := db.Read(ctx, func(tx *portaldb.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT count(*) FROM tariffs`).Scan(&tariffs)
	}); err != nil {
		return s, err
	}
	batches := slices.Collect(slices.Chunk(missing, batchSize))
	s.Batches = len(batches)
	fmt.Fprintf(progress, "seeding %d customers in %d batches of up to %d…\n", len(missing), len(batches), batchSize)

	var mu sync.Mutex
	done, took := 0, make([]time.Duration, len(batches))
	load := func(k int) error {
		t := time.Now()
		// The tariffs and public pages go in with the database's first
		// batch, which commits before any other starts.
		if err := db.LoadSeed(ctx, w.batch(batches[k], k == 0 && tariffs == 0)); err != nil {
			return fmt.Errorf("seed batch %d: %w", k+1, err)
		}
		mu.Lock()
		defer mu.Unlock()
		took[k] = time.Since(t)
		done += len(batches[k])
		if k == 0 || done == len(missing) || done/50_000 != (done-len(batches[k]))/50_000 {
			fmt.Fprintf(progress, "  %d/%d customers, %.0f s, batch %d took %.2f s\n", done, len(missing), time.Since(start).Seconds(), k+1, took[k].Seconds())
		}
		return nil
	}
	if err := load(0); err != nil {
		return s, err
	}
	if err := parallelDo(ctx, len(batches)-1, parallel, func(k int) error { return load(k + 1) }); err != nil {
		return s, err
	}
	// Fresh statistics, so the planner knows the tables are big now (the
	// autovacuum daemon would gather them during the replay instead): of
	// the seeded tables only, a bare ANALYZE would go through every
	// schema of a shared PostgreSQL database.
	if err := db.Write(ctx, func(tx *portaldb.Tx) error {
		for _, table := range seededTables {
			if _, err := tx.ExecContext(ctx, `ANALYZE `+table); err != nil {
				return fmt.Errorf("analyze %s: %w", table, err)
			}
		}
		return nil
	}); err != nil {
		return s, err
	}
	s.Seconds = time.Since(start).Seconds()
	s.FirstBatchSeconds, s.LastBatchSeconds = took[0].Seconds(), took[len(took)-1].Seconds()
	return s, nil
}

// seededTables are the tables LoadSeed fills for a load customer.
var seededTables = []string{"customers", "accounts", "services", "meters", "readings", "reading_values",
	"invoices", "invoice_lines", "payments"}

// parallelDo runs f(0) … f(n-1), at most width at once, and returns the
// first error; after an error no new call starts.
func parallelDo(ctx context.Context, n, width int, f func(int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(1, width) {
		wg.Go(func() {
			for k := range next {
				if err := f(k); err != nil {
					cancel(err)
				}
			}
		})
	}
	for k := 0; k < n && ctx.Err() == nil; k++ {
		select {
		case next <- k:
		case <-ctx.Done():
		}
	}
	close(next)
	wg.Wait()
	return context.Cause(ctx)
}

// sessionLife is how long the sessions a run writes last: the app keeps
// its login, and a week covers many runs.
const sessionLife = 7 * 24 * time.Hour

// sessionToken returns the token of customer i's remembered session. It is
// derived from the database's epoch, so the next run on the same database
// knows it without storing it; it has the form of a real token (43
// characters of base64url).
func sessionToken(epoch string, i int) string {
	mac := hmac.New(sha256.New, []byte("kabinet-loadtest session "+epoch))
	mac.Write([]byte(customerNumber(i)))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// sessionRowsPerInsert is how many sessions one INSERT writes: far below
// the bound on parameters of both databases.
const sessionRowsPerInsert = 500

// ensureSessions gives every load customer in found a session that lasts
// past the run, unless they all have one. It writes the rows
// portaldb.Tx.CreateSession writes, under the hash the portal looks
// tokens up by (auth.HashToken), but 500 rows per statement: CreateSession
// is two statements a session (it also drops expired ones), and 600 000
// round trips to PostgreSQL take minutes where this takes seconds. The
// replay checks the result: checkETags fetches documents with these tokens.
func ensureSessions(ctx context.Context, db *portaldb.DB, found map[int]member, now time.Time) (int, error) {
	var live int
	err := db.Read(ctx, func(tx *portaldb.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT count(*) FROM sessions WHERE expires_at > ?`, now.Add(24*time.Hour).Unix()).Scan(&live)
	})
	if err != nil || live == len(found) {
		return 0, err
	}
	indices := make([]int, 0, len(found))
	for i := range found {
		indices = append(indices, i)
	}
	slices.Sort(indices)
	expires := now.Add(sessionLife).Unix()
	err = db.Write(ctx, func(tx *portaldb.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions`); err != nil {
			return err
		}
		for chunk := range slices.Chunk(indices, sessionRowsPerInsert) {
			args := make([]any, 0, 5*len(chunk))
			for _, i := range chunk {
				h := auth.HashToken(sessionToken(db.Epoch(), i))
				args = append(args, h[:], found[i].customerID, now.Unix(), expires, false)
			}
			q := `INSERT INTO sessions (token_hash, customer_id, created_at, expires_at, must_change_password) VALUES ` +
				strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?), ", len(chunk)), ", ")
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				return fmt.Errorf("create sessions: %w", err)
			}
		}
		return nil
	})
	return len(indices), err
}
