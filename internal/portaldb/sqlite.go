package portaldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"

	_ "modernc.org/sqlite" // the database/sql driver "sqlite"
)

// sqliteReadConns is how many read transactions run at once on SQLite by
// default.
const sqliteReadConns = 4

// openSQLite opens (creating if needed) the SQLite file at path: one writer
// connection and a pool of read-only ones.
func (db *DB) openSQLite(ctx context.Context, path string, opts Options) error {
	db.d = sqliteDialect
	if err := privateFiles(path); err != nil {
		return err
	}
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

// privateFiles makes the database file and its -wal and -shm readable by
// the portal's user only: they hold password hashes, phone numbers and
// birth dates. SQLite gives the -wal and -shm it creates the mode of the
// database file, so creating that file 0600 first is enough for a new
// database; the files of an older one are tightened.
func privateFiles(path string) error {
	if path == "" || path == ":memory:" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	f.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("open %s: %w", path, err)
		}
	}
	return nil
}
