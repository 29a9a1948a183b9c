// Package dbtest opens a fresh portal database for a test: a SQLite file in
// the test's temporary directory, or, when KABINET_TEST_POSTGRES holds a
// PostgreSQL URL, a schema of its own on that server, dropped when the test
// ends. So one test runs on either backend:
//
//	KABINET_TEST_POSTGRES=postgres://kabinet:kabinet@127.0.0.1:5432/kabinet_test?sslmode=disable go test ./internal/portal/...
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the database/sql driver "pgx"

	"kabinet/internal/portaldb"
)

// EnvPostgres names the variable with the PostgreSQL URL tests run against.
const EnvPostgres = "KABINET_TEST_POSTGRES"

// Open opens a fresh database for t, closed when t ends: SQLite unless
// KABINET_TEST_POSTGRES is set.
func Open(t testing.TB, opts portaldb.Options) *portaldb.DB {
	t.Helper()
	if dsn := os.Getenv(EnvPostgres); dsn != "" {
		return OpenPostgres(t, dsn, opts)
	}
	return OpenSQLite(t, opts)
}

// OpenSQLite opens a new SQLite database in t's temporary directory.
func OpenSQLite(t testing.TB, opts portaldb.Options) *portaldb.DB {
	t.Helper()
	return open(t, filepath.Join(t.TempDir(), "portal.db"), opts)
}

// OpenPostgres opens a new schema kt_<random> on the PostgreSQL server at
// dsn, dropped with everything in it when t ends.
func OpenPostgres(t testing.TB, dsn string, opts portaldb.Options) *portaldb.DB {
	t.Helper()
	return open(t, NewSchema(t, dsn), opts)
}

// NewSchema creates a schema kt_<random> on the PostgreSQL server at dsn,
// dropped with everything in it when t ends, and returns dsn with the
// schema as its search_path, for portaldb.Open.
func NewSchema(t testing.TB, dsn string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("%s: not a URL", EnvPostgres)
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "kt_" + hex.EncodeToString(b)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		admin.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := admin.ExecContext(ctx, `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema) // pgx passes it to the server as a run-time parameter
	u.RawQuery = q.Encode()
	return u.String()
}

func open(t testing.TB, dsn string, opts portaldb.Options) *portaldb.DB {
	t.Helper()
	db, err := portaldb.Open(context.Background(), dsn, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
