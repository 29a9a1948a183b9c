// Package portaldb is the portal server's storage: either one SQLite file
// (pure Go, modernc.org/sqlite) in WAL mode with foreign keys on, or a
// PostgreSQL database (pgx), its schema migrated at start by goose from SQL
// files embedded in the binary (migrations/sqlite and migrations/postgres,
// the same versions with the same tables and columns).
//
// The Go code and its SQL are one for both: queries are written with ?
// placeholders, rewritten to $1…$n for PostgreSQL once per connection when
// the statement is prepared; the little SQL that differs is in dialect.
//
// Every transaction runs on a connection the DB holds, with its prepared
// statements. What a write can rely on is the same on both:
//
//   - SQLite has one writer connection and BEGIN IMMEDIATE: writes run one
//     at a time, so a check and the write it guards — "this reading is not
//     lower than the last one", "this Idempotency-Key is new" — see the
//     same data, and change numbers follow the commits.
//   - PostgreSQL has a pool of writers in READ COMMITTED. A write that
//     changes an account's data locks the account's row first (lockAccount)
//     and only then takes a change number from a sequence, so within an
//     account the numbers follow the commits and a check made after the lock
//     sees every earlier write of the account. An Idempotency-Key stored
//     meanwhile by another request, a deadlock or a serialization failure
//     make Write run the whole function again (a few times at most).
//
// Reads are consistent snapshots (SQLite read transactions, PostgreSQL
// REPEATABLE READ READ ONLY) on connections of their own that never wait
// for a writer.
//
// To PostgreSQL a round trip costs more than these small queries, so there
// are few: writes that need nothing back go together (execAll, rowWriter),
// the Idempotency-Key record goes with the COMMIT, a read of one statement
// runs without BEGIN, and a reading's number, id and superseding are one
// statement.
package portaldb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// ErrNotFound is returned when a row asked for does not exist (or does not
// belong to the customer asking).
var ErrNotFound = errors.New("not found")

// DB is the portal's database.
type DB struct {
	d     *dialect
	write *sql.DB
	// read is SQLite's pool of read-only connections; PostgreSQL reads
	// from write's pool.
	read  *sql.DB
	epoch string
	now   func() time.Time
	// writers and readers hold the connections transactions run on, each
	// with its prepared statements: parsing SQL costs more than running
	// these small queries.
	writers *pool
	readers *pool
}

// Options tune Open.
type Options struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// WriteConns is how many write transactions run at once on PostgreSQL
	// (0 means 8). SQLite always has one writer.
	WriteConns int
	// ReadConns is how many read transactions run at once (0 means 4 on
	// SQLite, 8 on PostgreSQL).
	ReadConns int
}

// Open opens the database and migrates it to the latest schema. dsn is a
// postgres:// or postgresql:// URL for PostgreSQL, anything else the path of
// a SQLite file (created if missing).
func Open(ctx context.Context, dsn string, opts Options) (*DB, error) {
	db := &DB{now: opts.Now}
	if db.now == nil {
		db.now = time.Now
	}
	var err error
	if isPostgres(dsn) {
		err = db.openPostgres(ctx, dsn, opts)
	} else {
		err = db.openSQLite(ctx, dsn, opts)
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	if err := db.loadEpoch(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func isPostgres(dsn string) bool {
	scheme, _, ok := strings.Cut(dsn, "://")
	scheme = strings.ToLower(scheme)
	return ok && (scheme == "postgres" || scheme == "postgresql")
}

// migrate runs the dialect's migrations over conn.
func (db *DB) migrate(ctx context.Context, conn *sql.DB) error {
	sub, err := fs.Sub(migrations, "migrations/"+db.d.name)
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(db.d.goose, conn, sub)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// loadEpoch reads the database's identity, creating it on first use. Two
// servers starting on a new PostgreSQL database agree on one.
func (db *DB) loadEpoch(ctx context.Context) error {
	return db.Write(ctx, func(tx *Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'epoch'`).Scan(&db.epoch)
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		b := make([]byte, 6)
		rand.Read(b)
		if _, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('epoch', ?) ON CONFLICT (key) DO NOTHING`,
			hex.EncodeToString(b)); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'epoch'`).Scan(&db.epoch)
	})
}

// Epoch identifies this database; cursors carry it.
func (db *DB) Epoch() string { return db.epoch }

// Now returns the database's clock.
func (db *DB) Now() time.Time { return db.now() }

// Dialect names the database behind: "sqlite" or "postgres".
func (db *DB) Dialect() string { return db.d.name }

// Stats describes the connections transactions run on, the writers' and the
// readers' together (for metrics): OpenConnections are those held, InUse
// those inside a transaction, Idle those free; WaitCount and WaitDuration
// count the transactions that had to wait for a free connection and how
// long they waited in all.
func (db *DB) Stats() sql.DBStats {
	var s sql.DBStats
	for _, p := range []*pool{db.writers, db.readers} {
		if p != nil {
			p.addStats(&s)
		}
	}
	return s
}

// Close closes the database. Transactions still running keep their
// connections; Close does not wait for them.
func (db *DB) Close() error {
	var errs []error
	for _, p := range []*pool{db.writers, db.readers} {
		if p != nil {
			errs = append(errs, p.close())
		}
	}
	if db.read != nil {
		errs = append(errs, db.read.Close())
	}
	if db.write != nil {
		errs = append(errs, db.write.Close())
	}
	return errors.Join(errs...)
}

// IsEmpty reports whether the database holds no customers yet.
func (db *DB) IsEmpty(ctx context.Context) (bool, error) {
	var n int
	err := db.readOne(ctx, func(tx *Tx) error {
		return tx.QueryRowContext(ctx, `SELECT count(*) FROM customers`).Scan(&n)
	})
	return n == 0, err
}
