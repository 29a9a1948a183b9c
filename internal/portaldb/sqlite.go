package portaldb

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"

	_ "modernc.org/sqlite" // the database/sql driver "sqlite"
)

// sqliteReadConns is how many read transactions run at once on SQLite by
// default.
const sqliteReadConns = 4

// openSQLite opens (creating if needed) the SQLite file at path: one writer
// connection and a pool of read-only ones.
func (db *DB) openSQLite(ctx context.Context, path string, opts Options) error {
	db.d = sqliteDialect
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
		return fmt.Errorf("open %s: %w", path, err)
	}
	db.write = w
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	if err := db.migrate(ctx, w); err != nil {
		return err
	}
	r, err := sql.Open("sqlite", dsn(url.Values{"_pragma": {"query_only(1)"}}))
	if err != nil {
		return fmt.Errorf("open %s for reading: %w", path, err)
	}
	db.read = r
	n := opts.ReadConns
	if n <= 0 {
		n = sqliteReadConns
	}
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	if db.writers, err = newPool(ctx, w, db.d, 1); err != nil {
		return err
	}
	db.readers, err = newPool(ctx, r, db.d, n)
	return err
}
