package portaldb_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/pressly/goose/v3"

	"kabinet/internal/portaldb"
)

// column is a column as both dialects can describe it.
type column struct {
	Name    string
	Type    string // integer, text or blob
	NotNull bool
}

// schema is the tables with their columns, and the index names.
type schema struct {
	Tables  map[string][]column
	Indexes []string
}

// Tables that differ on purpose: goose's own, and SQLite's counters
// (PostgreSQL numbers changes with the sequence change_seq instead, as a
// row would make every write queue behind the one before).
var notCompared = []string{"goose_db_version", "counters"}

func sqliteSchema(t *testing.T, db *sql.DB) schema {
	t.Helper()
	s := schema{Tables: map[string][]column{}}
	rows, err := db.Query(`SELECT type, name FROM sqlite_master WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var kind, name string
		rows.Scan(&kind, &name)
		if kind == "index" {
			s.Indexes = append(s.Indexes, name)
		} else if !slices.Contains(notCompared, name) {
			tables = append(tables, name)
		}
	}
	rows.Close()
	for _, table := range tables {
		rows, err := db.Query(`SELECT name, type, "notnull" OR pk FROM pragma_table_info(?) ORDER BY cid`, table)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var c column
			rows.Scan(&c.Name, &c.Type, &c.NotNull)
			c.Type = strings.ToLower(c.Type)
			s.Tables[table] = append(s.Tables[table], c)
		}
		rows.Close()
	}
	return s
}

func postgresSchema(t *testing.T, db *portaldb.DB) schema {
	t.Helper()
	ctx := context.Background()
	s := schema{Tables: map[string][]column{}}
	err := db.Read(ctx, func(tx *portaldb.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT table_name, column_name, data_type, is_nullable = 'NO' FROM information_schema.columns
			WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var table string
			var c column
			rows.Scan(&table, &c.Name, &c.Type, &c.NotNull)
			if slices.Contains(notCompared, table) {
				continue
			}
			switch c.Type {
			case "bigint", "integer", "boolean": // SQLite keeps booleans as 0 and 1
				c.Type = "integer"
			case "bytea":
				c.Type = "blob"
			}
			s.Tables[table] = append(s.Tables[table], c)
		}
		rows.Close()
		// Indexes of primary keys and UNIQUE constraints have made-up names
		// in SQLite; the others are named in the migrations.
		rows, err = tx.QueryContext(ctx, `SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()
			AND indexname NOT LIKE '%\_pkey' AND indexname NOT LIKE '%\_key' ORDER BY indexname`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var name string
			rows.Scan(&name)
			s.Indexes = append(s.Indexes, name)
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestBothDialectsHaveTheSameTablesAndColumns(t *testing.T) {
	pg := postgresOnly(t).fresh(t, portaldb.Options{})
	path := filepath.Join(t.TempDir(), "portal.db")
	lite, err := portaldb.Open(context.Background(), path, portaldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	lite.Close()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	want, got := sqliteSchema(t, raw), postgresSchema(t, pg)
	if len(want.Tables) < 20 {
		t.Fatalf("SQLite has only %d tables", len(want.Tables))
	}
	for table, cols := range want.Tables {
		if !slices.Equal(cols, got.Tables[table]) {
			t.Errorf("table %s\nSQLite:     %v\nPostgreSQL: %v", table, cols, got.Tables[table])
		}
	}
	for table := range got.Tables {
		if _, ok := want.Tables[table]; !ok {
			t.Errorf("table %s is only in PostgreSQL", table)
		}
	}
	if !slices.Equal(want.Indexes, got.Indexes) {
		t.Errorf("indexes\nSQLite:     %v\nPostgreSQL: %v", want.Indexes, got.Indexes)
	}
}

// The first migration ran on databases in use: changing it would leave them
// with a schema no new database has.
func TestFirstSQLiteMigrationIsUnchanged(t *testing.T) {
	b, err := os.ReadFile("migrations/sqlite/00001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	if got := hex.EncodeToString(sum[:]); got != "7592adfddd918db3858cfc412d15f2081a4f7b0a97524a7419acdf52a310ec8f" {
		t.Errorf("migrations/sqlite/00001_init.sql changed (sha256 %s): add a new migration instead", got)
	}
}

func TestDatabaseOfTheFirstSchemaOpensAndMigrates(t *testing.T) {
	first, err := os.ReadFile("migrations/sqlite/00001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	// A database as the portal left it before migration 2 existed.
	path := filepath.Join(t.TempDir(), "old.db")
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	p, err := goose.NewProvider(goose.DialectSQLite3, raw, fstest.MapFS{"00001_init.sql": {Data: first}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO meta (key, value) VALUES ('epoch', 'old-epoch')`,
		`INSERT INTO news (published_on, title, body) VALUES ('2026-01-01', 'Старая новость', 'Текст')`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()

	db, err := portaldb.Open(ctx, path, portaldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.Epoch() != "old-epoch" {
		t.Errorf("epoch %q: cursors handed out before the upgrade would be refused", db.Epoch())
	}
	if n := news(t, db); len(n) != 1 || n[0].Title != "Старая новость" {
		t.Errorf("news after the upgrade: %+v", n)
	}
	if p, s, f, err := db.MailJobCounts(ctx); err != nil || p+s+f != 0 {
		t.Errorf("mail jobs after the upgrade: %d %d %d %v", p, s, f, err)
	}
	var version int64
	db.Read(ctx, func(tx *portaldb.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT max(version_id) FROM goose_db_version`).Scan(&version)
	})
	if latest := latestMigration(t, "migrations/sqlite"); version != latest {
		t.Errorf("schema version %d, want %d", version, latest)
	}
	if latest := latestMigration(t, "migrations/postgres"); version != latest {
		t.Errorf("the latest PostgreSQL migration is %d, the latest SQLite one %d", latest, version)
	}
}

// latestMigration returns the highest version among the migrations in dir
// (their names start with it).
func latestMigration(t *testing.T, dir string) int64 {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var latest int64
	for _, e := range entries {
		v, _, _ := strings.Cut(e.Name(), "_")
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			t.Fatalf("migration %s: name does not start with its version", e.Name())
		}
		latest = max(latest, n)
	}
	return latest
}
