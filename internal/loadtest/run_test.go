package loadtest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kabinet/internal/auth"
	"kabinet/internal/demo"
	"kabinet/internal/portaldb"
	"kabinet/internal/portaldb/dbtest"
)

func TestMain(m *testing.M) {
	// Tiny argon2id parameters for the seeded hash and the logins: the
	// runs here check behaviour, not speed.
	auth.UseFastParamsForTests()
	os.Exit(m.Run())
}

// tinyRun is a short run on a small population, with more retries than
// usual so that a couple of seconds have some.
func tinyRun(t *testing.T, dsn string, fresh bool) *Report {
	t.Helper()
	rep, err := Run(context.Background(), Config{DSN: dsn, Fresh: fresh, Accounts: 200, Duration: 2 * time.Second,
		Concurrency: 8, LoginRate: 10, Mix: Mix{ColdShare: 0.1, RetryShare: 0.2, CommaShare: 0.3}, BatchSize: 64, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// checkCounters: every visit fetched a document once (200 or 304) and sent
// one reading, every reading was acknowledged and stored once, every retry
// got the stored answer.
func checkCounters(t *testing.T, rep *Report) {
	t.Helper()
	var text strings.Builder
	rep.WriteText(&text)
	t.Log("\n" + text.String())
	if !rep.Integrity.OK {
		t.Errorf("integrity check failed: %v", rep.Integrity.Problems)
	}
	if len(rep.Errors) > 0 {
		t.Errorf("errors: %v", rep.Errors)
	}
	d200, d304, sub, replay, login := rep.Op("document 200").Count, rep.Op("document 304").Count, rep.Op("submission").Count,
		rep.Op("replay").Count, rep.Op("login").Count
	if rep.Visits == 0 || d200+d304 != rep.Visits || sub != rep.Visits {
		t.Errorf("%d visits: %d documents 200 + %d 304, %d submissions", rep.Visits, d200, d304, sub)
	}
	if d304 == 0 || d200 == 0 {
		t.Errorf("documents: %d 200, %d 304; want both (cold apps and kept ETags)", d200, d304)
	}
	in := rep.Integrity
	if in.Acknowledged != sub || in.Rows != sub || in.Replays != replay || in.Identical != replay || replay == 0 {
		t.Errorf("integrity %+v for %d submissions and %d replays", in, sub, replay)
	}
	if login == 0 {
		t.Error("no logins")
	}
}

// TestRunTwiceOnSQLite: the first run seeds and passes; the second reuses
// the population and sessions, finds the first run's readings undone and
// passes again.
func TestRunTwiceOnSQLite(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "load.db")
	first := tinyRun(t, dsn, false)
	checkCounters(t, first)
	if first.Seeding.Seeded != 200 || first.Seeding.SessionsCreated != 200 || first.Backend != "sqlite" {
		t.Errorf("first run: %+v on %s", first.Seeding, first.Backend)
	}
	second := tinyRun(t, dsn, false)
	checkCounters(t, second)
	if second.Seeding.Seeded != 0 || second.Seeding.SessionsCreated != 0 {
		t.Errorf("second run seeded again: %+v", second.Seeding)
	}
	third := tinyRun(t, dsn, true)
	if third.Seeding.Seeded != 200 {
		t.Errorf("a fresh run seeded %d", third.Seeding.Seeded)
	}
}

// TestRunOnPostgres is TestRunTwiceOnSQLite's first half on PostgreSQL,
// in a schema of its own, when KABINET_TEST_POSTGRES names a server.
func TestRunOnPostgres(t *testing.T) {
	dsn := os.Getenv(dbtest.EnvPostgres)
	if dsn == "" {
		t.Skip(dbtest.EnvPostgres + " is not set")
	}
	rep := tinyRun(t, dbtest.NewSchema(t, dsn), false)
	checkCounters(t, rep)
	if rep.Backend != "postgres" || rep.Seeding.Seeded != 200 {
		t.Errorf("%s, seeded %d", rep.Backend, rep.Seeding.Seeded)
	}
	if again := tinyRun(t, dbtest.NewSchema(t, dsn), false); again.Seeding.Seeded != 200 {
		t.Errorf("a new schema seeded %d", again.Seeding.Seeded)
	}
}

// TestRunRefusesADatabaseWithOtherCustomers: a run deletes what it takes
// for an earlier run's readings, so it must not run on real data.
func TestRunRefusesADatabaseWithOtherCustomers(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "demo.db")
	db, err := portaldb.Open(context.Background(), dsn, portaldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(context.Background(), db, time.Now()); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, fresh := range []bool{false, true} {
		_, err = Run(context.Background(), Config{DSN: dsn, Fresh: fresh, Accounts: 10, Duration: time.Second, Concurrency: 2, Mix: DefaultMix})
		if err == nil || !strings.Contains(err.Error(), "not load-test customers") {
			t.Errorf("Run (fresh %v) on the demo database: %v", fresh, err)
		}
		if _, err := os.Stat(dsn); err != nil {
			t.Fatalf("the demo database is gone: %v", err)
		}
	}
	for _, fresh := range []bool{false, true} {
		_, err = Run(context.Background(), Config{DSN: "postgres://u:p@127.0.0.1:1/db?search_path=public", Fresh: fresh, Accounts: 10,
			Duration: time.Second, Concurrency: 2, Mix: DefaultMix})
		if err == nil || !strings.Contains(err.Error(), "public schema") {
			t.Errorf("Run (fresh %v) in the public schema: %v", fresh, err)
		}
	}
}
