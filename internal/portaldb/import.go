package portaldb

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// The billing system's imports (kabinet-portal import, the service API)
// write through a BillingImport: the exchange package parses and checks a
// file and hands its records here a chunk at a time, inside one write
// transaction, so a file is loaded all or not at all. Every method compares
// a record with what is stored before writing: a record that changes
// nothing rewrites no row and moves no change number, so importing the same
// file twice changes nothing and no app downloads anything anew.

// ImportOutcome is what became of one record of an import.
type ImportOutcome int

// Outcomes of a record.
const (
	// Unchanged: the database already had the record as it is.
	Unchanged ImportOutcome = iota
	// Created: the record is new.
	Created
	// Updated: the record changed something stored.
	Updated
)

// ImportResult is what became of one record. A record with a Problem was
// not applied: the import must fail and roll back.
type ImportResult struct {
	Outcome ImportOutcome
	// Problem says in Russian what is wrong with the record that only the
	// database can tell (an account that does not exist, a meter change
	// that would falsify readings); "" when none.
	Problem string
	// Flagged: the record left something for the contact centre to sort
	// out (a billing phone that differs from the phone the customer
	// proved).
	Flagged bool
}

// ImportChunk is how many records a chunk should hold at most: each chunk
// costs a few queries whatever its size.
const ImportChunk = 500

// BillingImport applies the records of one import file within tx. It
// caches what it looked up (tariffs, payees) for the rest of the file.
type BillingImport struct {
	tx *Tx
	// tariffs holds the ids of the tariffs known, loaded on first use.
	tariffs map[string]bool
	// payees holds the payees known by payeeKey, loaded on first use.
	payees map[payeeKey]payeeRow
	// cacheGrown: growCache ran.
	cacheGrown bool
}

// BillingImport starts an import in the write transaction tx.
func (tx *Tx) BillingImport() *BillingImport {
	return &BillingImport{tx: tx}
}

// importCacheKiB is SQLite's page cache for an import. A file of a few
// hundred thousand records changes more pages than the default 2 MiB
// hold, and every page spilled mid-transaction is written twice.
const importCacheKiB = 64 << 10

// growCache gives the writer connection importCacheKiB of page cache,
// once. It stays for the connection's life: bounded, and the next import
// wants it again.
func (b *BillingImport) growCache(ctx context.Context) error {
	if b.tx.db.d.name != "sqlite" || b.cacheGrown {
		return nil
	}
	b.cacheGrown = true
	_, err := b.tx.ExecContext(ctx, fmt.Sprintf("PRAGMA cache_size = -%d", importCacheKiB))
	return err
}

// inList returns "?, ?, …" with ImportChunk placeholders and args padded
// to that many by repeating the first: one statement text whatever the
// chunk's size, so a prepared statement serves every chunk.
func inList[T any](vals []T) (string, []any) {
	if len(vals) == 0 || len(vals) > ImportChunk {
		panic(fmt.Sprintf("inList: %d values", len(vals)))
	}
	args := make([]any, ImportChunk)
	for i := range args {
		if i < len(vals) {
			args[i] = vals[i]
		} else {
			args[i] = vals[0]
		}
	}
	return placeholders, args
}

var placeholders = strings.TrimSuffix(strings.Repeat("?, ", ImportChunk), ", ")

// lockAccounts locks the accounts ids in id order (see lockAccount), so
// two writers locking several accounts cannot deadlock over them.
func (b *BillingImport) lockAccounts(ctx context.Context, ids []int64) error {
	tx := b.tx
	if !tx.write || tx.db.d.lockSuffix == "" {
		return nil
	}
	sorted := slices.DeleteFunc(slices.Clone(ids), func(id int64) bool { return tx.locked[id] })
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	// A chunk at a time, in id order across the chunks too.
	for start := 0; start < len(sorted); start += ImportChunk {
		list, args := inList(sorted[start:min(len(sorted), start+ImportChunk)])
		rows, err := tx.QueryContext(ctx, `SELECT a.id FROM accounts a WHERE a.id IN (`+list+`) ORDER BY a.id`+tx.db.d.lockSuffix, args...)
		if err != nil {
			return fmt.Errorf("lock accounts: %w", err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			tx.markLocked(id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("lock accounts: %w", err)
		}
	}
	return nil
}

// accountIDs returns the ids of the accounts with the numbers that exist.
func (b *BillingImport) accountIDs(ctx context.Context, numbers []string) (map[string]int64, error) {
	out := map[string]int64{}
	for start := 0; start < len(numbers); start += ImportChunk {
		list, args := inList(numbers[start:min(len(numbers), start+ImportChunk)])
		rows, err := b.tx.QueryContext(ctx, `SELECT id, number FROM accounts WHERE number IN (`+list+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("accounts: %w", err)
		}
		for rows.Next() {
			var id int64
			var n string
			if err := rows.Scan(&id, &n); err != nil {
				rows.Close()
				return nil, err
			}
			out[n] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// bulkRows is how many rows one INSERT of a bulkInsert carries: one
// statement of many rows costs SQLite a fraction of as many statements.
const bulkRows = 100

// bulkInsert queues new rows of one table and inserts them bulkRows to a
// statement. The statements are prepared once per row count, so a chunk's
// last, shorter statement adds at most bulkRows statements per table.
type bulkInsert struct {
	tx   *Tx
	head string
	row  string
	cols int
	args []any
}

// newBulkInsert inserts into table's columns.
func (tx *Tx) newBulkInsert(table string, columns ...string) *bulkInsert {
	return &bulkInsert{tx: tx, head: "INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES ",
		row: "(" + strings.TrimSuffix(strings.Repeat("?, ", len(columns)), ", ") + ")", cols: len(columns)}
}

// add queues one row's values, in the columns' order.
func (b *bulkInsert) add(ctx context.Context, vals ...any) error {
	if len(vals) != b.cols {
		return fmt.Errorf("bulk insert: %d values for %d columns", len(vals), b.cols)
	}
	b.args = append(b.args, vals...)
	if len(b.args) == bulkRows*b.cols {
		return b.flush(ctx)
	}
	return nil
}

// flush inserts the rows queued.
func (b *bulkInsert) flush(ctx context.Context) error {
	n := len(b.args) / b.cols
	if n == 0 {
		return nil
	}
	q := b.head + strings.TrimSuffix(strings.Repeat(b.row+", ", n), ", ")
	_, err := b.tx.ExecContext(ctx, q, b.args...)
	clear(b.args)
	b.args = b.args[:0]
	return err
}
