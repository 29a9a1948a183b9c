// Package portaldb is the portal server's storage: one SQLite file (pure Go,
// modernc.org/sqlite) in WAL mode with foreign keys on, its schema migrated
// at start by goose from SQL files embedded in the binary.
//
// Writes go through one connection (SQLite has one writer anyway) in
// BEGIN IMMEDIATE transactions, so a check and the write it guards — "this
// reading is not lower than the last one", "this Idempotency-Key is new" —
// see the same data. Reads use a small pool of read-only connections that
// never wait for the writer.
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
	"net/url"
	"time"

	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // the database/sql driver "sqlite"
)

//go:embed migrations/*.sql
var migrations embed.FS

// ErrNotFound is returned when a row asked for does not exist (or does not
// belong to the customer asking).
var ErrNotFound = errors.New("not found")

// DB is the portal's database.
type DB struct {
	write *sql.DB
	read  *sql.DB
	epoch string
	now   func() time.Time
}

// Options tune Open.
type Options struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Open opens (creating if needed) the database file at path and migrates it
// to the latest schema.
func Open(ctx context.Context, path string, opts Options) (*DB, error) {
	dsn := func(extra url.Values) string {
		q := url.Values{}
		q.Add("_pragma", "foreign_keys(1)")
		q.Add("_pragma", "busy_timeout(10000)")
		// FULL: a reading acknowledged with 201 survives a power cut.
		q.Add("_pragma", "synchronous(FULL)")
		for k, vs := range extra {
			for _, v := range vs {
				q.Add(k, v)
			}
		}
		return "file:" + path + "?" + q.Encode()
	}
	w, err := sql.Open("sqlite", dsn(url.Values{"_txlock": {"immediate"}, "_pragma": {"journal_mode(WAL)"}}))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db := &DB{write: w, now: opts.Now}
	if db.now == nil {
		db.now = time.Now
	}
	if err := db.migrate(ctx); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite", dsn(url.Values{"_pragma": {"query_only(1)"}}))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open %s for reading: %w", path, err)
	}
	r.SetMaxOpenConns(4)
	r.SetMaxIdleConns(4)
	db.read = r
	if err := db.loadEpoch(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func (db *DB) migrate(ctx context.Context) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db.write, sub)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// loadEpoch reads the database's identity, creating it on first use.
func (db *DB) loadEpoch(ctx context.Context) error {
	return db.Write(ctx, func(tx *Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'epoch'`).Scan(&db.epoch)
		if errors.Is(err, sql.ErrNoRows) {
			b := make([]byte, 6)
			rand.Read(b)
			db.epoch = hex.EncodeToString(b)
			_, err = tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('epoch', ?)`, db.epoch)
		}
		return err
	})
}

// Epoch identifies this database; cursors carry it.
func (db *DB) Epoch() string { return db.epoch }

// Now returns the database's clock.
func (db *DB) Now() time.Time { return db.now() }

// Close closes the database.
func (db *DB) Close() error {
	var errs []error
	if db.read != nil {
		errs = append(errs, db.read.Close())
	}
	errs = append(errs, db.write.Close())
	return errors.Join(errs...)
}

// Tx is a transaction; the methods that need one take it, so a caller sees
// which steps commit together.
type Tx struct {
	*sql.Tx
	db *DB
}

// Write runs fn in one write transaction, committed when fn returns nil.
func (db *DB) Write(ctx context.Context, fn func(*Tx) error) error {
	return db.run(ctx, db.write, false, fn)
}

// Read runs fn in one read-only transaction: a consistent snapshot.
func (db *DB) Read(ctx context.Context, fn func(*Tx) error) error {
	return db.run(ctx, db.read, true, fn)
}

func (db *DB) run(ctx context.Context, pool *sql.DB, readOnly bool, fn func(*Tx) error) error {
	stx, err := pool.BeginTx(ctx, &sql.TxOptions{ReadOnly: readOnly})
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(&Tx{Tx: stx, db: db}); err != nil {
		stx.Rollback()
		return err
	}
	if readOnly {
		return stx.Rollback()
	}
	if err := stx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// nextSeq returns the number of a new change.
func (tx *Tx) nextSeq(ctx context.Context) (int64, error) {
	var seq int64
	err := tx.QueryRowContext(ctx, `UPDATE counters SET value = value + 1 WHERE name = 'seq' RETURNING value`).Scan(&seq)
	if err != nil {
		return 0, fmt.Errorf("next seq: %w", err)
	}
	return seq, nil
}

// IsEmpty reports whether the database holds no customers yet.
func (db *DB) IsEmpty(ctx context.Context) (bool, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM customers`).Scan(&n)
	return n == 0, err
}

func unixNow(t time.Time) int64 { return t.Unix() }
