package portaldb

import (
	"context"
	"fmt"
)

// rowWriter queues inserts and sends them in batches (execAll): on
// PostgreSQL one round trip a batch instead of one a row. The ids of new
// rows are taken ahead (id), so no insert waits for another's RETURNING.
type rowWriter struct {
	tx    *Tx
	ahead int
	queue []statement
	// ids holds ids taken and not used yet, per table; lastID the last
	// taken on SQLite.
	ids    map[string][]int64
	lastID map[string]int64
}

// writerBatch is how many statements a batch carries at most.
const writerBatch = 1000

// newRowWriter returns a writer that takes ahead ids of a table at a time.
func (tx *Tx) newRowWriter(ahead int) *rowWriter {
	return &rowWriter{tx: tx, ahead: max(ahead, 1), ids: map[string][]int64{}, lastID: map[string]int64{}}
}

// add queues a statement; the queue goes out when it is full or at flush.
func (w *rowWriter) add(ctx context.Context, query string, args ...any) error {
	w.queue = append(w.queue, statement{query, args})
	if len(w.queue) >= writerBatch {
		return w.flush(ctx)
	}
	return nil
}

// flush sends the statements queued.
func (w *rowWriter) flush(ctx context.Context) error {
	if len(w.queue) == 0 {
		return nil
	}
	err := w.tx.execAll(ctx, w.queue...)
	clear(w.queue)
	w.queue = w.queue[:0]
	return err
}

// id returns the id of a new row of table (one of the tables with an
// integer id of their own).
func (w *rowWriter) id(ctx context.Context, table string) (int64, error) {
	ids := w.ids[table]
	if len(ids) == 0 {
		var err error
		if ids, err = w.reserve(ctx, table); err != nil {
			return 0, fmt.Errorf("%s ids: %w", table, err)
		}
	}
	w.ids[table] = ids[1:]
	return ids[0], nil
}

// reserve takes w.ahead ids of table: from its sequence on PostgreSQL;
// on SQLite, where this writer is the only one, those after the largest
// (as SQLite itself would give them without AUTOINCREMENT).
func (w *rowWriter) reserve(ctx context.Context, table string) ([]int64, error) {
	ids := make([]int64, 0, w.ahead)
	if q := w.tx.db.d.reserveIDs; q != "" {
		rows, err := w.tx.QueryContext(ctx, q, table, w.ahead)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return nil, err
			}
			ids = append(ids, id)
		}
		return ids, rows.Err()
	}
	// The rows queued are not in the table yet: count on from the last id
	// handed out, once there is one.
	last, ok := w.lastID[table]
	if !ok {
		if err := w.tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM `+table).Scan(&last); err != nil {
			return nil, err
		}
	}
	for range w.ahead {
		last++
		ids = append(ids, last)
	}
	w.lastID[table] = last
	return ids, nil
}
