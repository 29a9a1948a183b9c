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
	// writers and readers hold the connections transactions run on, each
	// with its prepared statements: parsing SQL costs more than running
	// these small queries.
	writers chan *conn
	readers chan *conn
}

// conn is one connection with the statements prepared on it.
type conn struct {
	*sql.Conn
	stmts map[string]*sql.Stmt
}

// readConns is how many read transactions run at once.
const readConns = 4

func newConns(ctx context.Context, pool *sql.DB, n int) (chan *conn, error) {
	ch := make(chan *conn, n)
	for range n {
		c, err := pool.Conn(ctx)
		if err != nil {
			return nil, err
		}
		ch <- &conn{Conn: c, stmts: map[string]*sql.Stmt{}}
	}
	return ch, nil
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
	w, err := sql.Open("sqlite", dsn(url.Values{"_pragma": {"journal_mode(WAL)"}}))
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
	r.SetMaxOpenConns(readConns)
	r.SetMaxIdleConns(readConns)
	db.read = r
	if db.writers, err = newConns(ctx, w, 1); err != nil {
		db.Close()
		return nil, err
	}
	if db.readers, err = newConns(ctx, r, readConns); err != nil {
		db.Close()
		return nil, err
	}
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
	for _, ch := range []chan *conn{db.writers, db.readers} {
		for len(ch) > 0 {
			c := <-ch
			for _, st := range c.stmts {
				errs = append(errs, st.Close())
			}
			errs = append(errs, c.Close())
		}
	}
	if db.read != nil {
		errs = append(errs, db.read.Close())
	}
	errs = append(errs, db.write.Close())
	return errors.Join(errs...)
}

// Tx is a transaction; the methods that need one take it, so a caller sees
// which steps commit together. It runs on a connection the DB holds for
// itself, with BEGIN and COMMIT of its own: database/sql would prepare
// every statement of a transaction anew, and parsing SQL costs more than
// running these small queries.
type Tx struct {
	db   *DB
	conn *conn
}

// stmt returns query prepared on the transaction's connection, preparing it
// the first time.
func (tx *Tx) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	st, ok := tx.conn.stmts[query]
	if !ok {
		var err error
		if st, err = tx.conn.PrepareContext(ctx, query); err != nil {
			return nil, fmt.Errorf("prepare: %w", err)
		}
		tx.conn.stmts[query] = st
	}
	return st, nil
}

// QueryContext runs a query.
func (tx *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := tx.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// QueryRowContext runs a query for one row.
func (tx *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := tx.stmt(ctx, query)
	if err != nil {
		// Scan reports the error the usual way.
		return tx.conn.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// ExecContext runs a statement.
func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := tx.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

// Write runs fn in one write transaction (BEGIN IMMEDIATE: the write lock
// is taken before fn reads anything), committed when fn returns nil.
func (db *DB) Write(ctx context.Context, fn func(*Tx) error) error {
	return db.run(ctx, db.writers, "BEGIN IMMEDIATE", fn)
}

// Read runs fn in one read transaction: a consistent snapshot.
func (db *DB) Read(ctx context.Context, fn func(*Tx) error) error {
	return db.run(ctx, db.readers, "BEGIN", fn)
}

func (db *DB) run(ctx context.Context, conns chan *conn, begin string, fn func(*Tx) error) (err error) {
	var c *conn
	select {
	case c = <-conns:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { conns <- c }()
	// BEGIN, COMMIT and ROLLBACK run without the request's context: a
	// client that hangs up must not leave the connection inside a
	// transaction.
	bg := context.WithoutCancel(ctx)
	if _, err := c.ExecContext(bg, begin); err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if r := recover(); r != nil {
			c.ExecContext(bg, "ROLLBACK")
			panic(r)
		}
	}()
	if err := fn(&Tx{db: db, conn: c}); err != nil {
		if _, rerr := c.ExecContext(bg, "ROLLBACK"); rerr != nil {
			return errors.Join(err, fmt.Errorf("rollback: %w", rerr))
		}
		return err
	}
	if begin == "BEGIN" {
		if _, err := c.ExecContext(bg, "ROLLBACK"); err != nil {
			return fmt.Errorf("end read: %w", err)
		}
		return nil
	}
	if _, err := c.ExecContext(bg, "COMMIT"); err != nil {
		c.ExecContext(bg, "ROLLBACK")
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
	err := db.Read(ctx, func(tx *Tx) error {
		return tx.QueryRowContext(ctx, `SELECT count(*) FROM customers`).Scan(&n)
	})
	return n == 0, err
}

func unixNow(t time.Time) int64 { return t.Unix() }
