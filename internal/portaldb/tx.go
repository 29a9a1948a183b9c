package portaldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"kabinet/internal/domain"
)

// pool is a fixed set of connections held for transactions.
type pool struct {
	db    *sql.DB
	d     *dialect
	size  int
	conns chan *conn
	// waits and waited count the transactions that found every connection
	// busy, and their time waiting in nanoseconds.
	waits, waited atomic.Int64
}

// conn is one connection with the statements prepared on it.
type conn struct {
	// sql is nil after the connection broke, until the next transaction
	// on this slot opens a new one.
	sql   *sql.Conn
	stmts map[string]*sql.Stmt
	// batched holds the queries execAll sent, as the driver wants them.
	batched map[string]string
}

func newPool(ctx context.Context, db *sql.DB, d *dialect, n int) (*pool, error) {
	p := &pool{db: db, d: d, size: n, conns: make(chan *conn, n)}
	for range n {
		c, err := db.Conn(ctx)
		if err != nil {
			p.close()
			return nil, err
		}
		p.conns <- &conn{sql: c, stmts: map[string]*sql.Stmt{}, batched: map[string]string{}}
	}
	return p, nil
}

func (p *pool) get(ctx context.Context) (*conn, error) {
	var c *conn
	select {
	case c = <-p.conns:
	default:
		start := time.Now()
		select {
		case c = <-p.conns:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		p.waits.Add(1)
		p.waited.Add(int64(time.Since(start)))
	}
	if c.sql == nil {
		sc, err := p.db.Conn(ctx)
		if err != nil {
			p.conns <- c
			return nil, fmt.Errorf("connect: %w", err)
		}
		c.sql = sc
	}
	return c, nil
}

// put gives c back. After a failed transaction a connection that broke
// (the client hung up mid-query, the server restarted) or is stuck inside a
// transaction is dropped; the next transaction on its slot opens a new one.
func (p *pool) put(c *conn, failed bool) {
	if failed && !p.d.idle(c.sql) {
		c.drop()
	}
	p.conns <- c
}

func (c *conn) drop() error {
	var errs []error
	for _, st := range c.stmts {
		errs = append(errs, st.Close())
	}
	errs = append(errs, c.sql.Close())
	c.sql, c.stmts, c.batched = nil, map[string]*sql.Stmt{}, map[string]string{}
	return errors.Join(errs...)
}

// close closes the connections not inside a transaction.
func (p *pool) close() error {
	var errs []error
	for len(p.conns) > 0 {
		if c := <-p.conns; c.sql != nil {
			errs = append(errs, c.drop())
		}
	}
	return errors.Join(errs...)
}

func (p *pool) addStats(s *sql.DBStats) {
	free := len(p.conns)
	s.MaxOpenConnections += p.size
	s.OpenConnections += p.size
	s.InUse += p.size - free
	s.Idle += free
	s.WaitCount += p.waits.Load()
	s.WaitDuration += time.Duration(p.waited.Load())
}

// Tx is a transaction; the methods that need one take it, so a caller sees
// which steps commit together. It runs on a connection the DB holds for
// itself, with BEGIN and COMMIT of its own: database/sql would prepare
// every statement of a transaction anew, and parsing SQL costs more than
// running these small queries.
type Tx struct {
	db    *DB
	conn  *conn
	write bool
	// locked holds the accounts whose rows this transaction locked.
	locked map[int64]bool
	// atCommit are statements to run with COMMIT (runAtCommit).
	atCommit []statement
	// inserted holds the readings this transaction stored, by id.
	inserted map[string]domain.Reading
	// begin is the BEGIN not sent yet: where the dialect batches queries
	// it goes with the transaction's first statements.
	begin string
	// pending are writes that need nothing back, to send with the next
	// statements (deferWrites).
	pending []statement
}

// deferWrites queues writes that need nothing back but errors to go to the
// server with the transaction's next statements or its COMMIT, in order and
// before them: on PostgreSQL they cost no round trip of their own. Their
// errors fail whatever carried them. Elsewhere they run at once.
func (tx *Tx) deferWrites(ctx context.Context, stmts ...statement) error {
	if tx.db.d.execBatch == nil {
		return tx.execAll(ctx, stmts...)
	}
	tx.pending = append(tx.pending, stmts...)
	return nil
}

// sendPending sends the pending BEGIN and writes before a statement that
// cannot carry them.
func (tx *Tx) sendPending(ctx context.Context) error {
	if len(tx.pending) > 0 {
		return tx.execAll(ctx)
	}
	return tx.sendBegin(ctx)
}

// sendBegin sends the pending BEGIN on its own, before a statement that
// cannot carry it. It runs without the request's context, as run's do.
func (tx *Tx) sendBegin(ctx context.Context) error {
	if tx.begin == "" {
		return nil
	}
	if _, err := tx.conn.sql.ExecContext(context.WithoutCancel(ctx), tx.begin); err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	tx.begin = ""
	return nil
}

// takeBegin returns the pending BEGIN as a statement to send first in a
// batch, or nothing.
func (tx *Tx) takeBegin() []statement {
	if tx.begin == "" {
		return nil
	}
	b := tx.begin
	tx.begin = ""
	return []statement{{query: b}}
}

// rowScanner is the rows of a query, from database/sql or a pgx batch.
type rowScanner interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// batchQuery is a query and what reads its rows (nil: nothing).
type batchQuery struct {
	statement
	read func(rowScanner) error
}

// queryAll runs queries in order and hands each one's rows to its read. On
// PostgreSQL they go to the server together, with a pending BEGIN: one
// round trip instead of one each. A read must return only errors of
// reading the rows.
func (tx *Tx) queryAll(ctx context.Context, qs ...batchQuery) error {
	if tx.db.d.queryBatch != nil {
		first := tx.takeBegin()
		first = append(first, tx.pending...)
		tx.pending = nil
		if len(first) > 0 {
			all := make([]batchQuery, 0, len(first)+len(qs))
			for _, s := range first {
				all = append(all, batchQuery{statement: s})
			}
			qs = append(all, qs...)
		}
		queries := make([]string, len(qs))
		for i, q := range qs {
			r, ok := tx.conn.batched[q.query]
			if !ok {
				r = tx.db.d.rebind(q.query)
				tx.conn.batched[q.query] = r
			}
			queries[i] = r
		}
		return tx.db.d.queryBatch(ctx, tx.conn.sql, queries, qs)
	}
	for _, q := range qs {
		rows, err := tx.QueryContext(ctx, q.query, q.args...)
		if err != nil {
			return err
		}
		if q.read != nil {
			err = q.read(rows)
		}
		rows.Close()
		if err == nil {
			err = rows.Err()
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// stmt returns query prepared on the transaction's connection, preparing it
// (with the dialect's placeholders) the first time.
func (tx *Tx) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	st, ok := tx.conn.stmts[query]
	if !ok {
		var err error
		if st, err = tx.conn.sql.PrepareContext(ctx, tx.db.d.rebind(query)); err != nil {
			return nil, fmt.Errorf("prepare: %w", err)
		}
		tx.conn.stmts[query] = st
	}
	return st, nil
}

// QueryContext runs a query written with ? placeholders.
func (tx *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if err := tx.sendPending(ctx); err != nil {
		return nil, err
	}
	st, err := tx.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// QueryRowContext runs a query written with ? placeholders for one row.
func (tx *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if tx.sendPending(ctx) != nil {
		// The query must not run outside the transaction nor after a
		// failed write: this one fails (on a broken connection or in the
		// aborted transaction as they did), and Scan reports it.
		return tx.conn.sql.QueryRowContext(ctx, `SELECT CAST('earlier statement failed' AS INTEGER)`)
	}
	st, err := tx.stmt(ctx, query)
	if err != nil {
		// Scan reports the error the usual way.
		return tx.conn.sql.QueryRowContext(ctx, tx.db.d.rebind(query), args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// ExecContext runs a statement written with ? placeholders.
func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if err := tx.sendPending(ctx); err != nil {
		return nil, err
	}
	st, err := tx.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

// statement is a query and its arguments.
type statement struct {
	query string
	args  []any
}

// execAll runs statements that need nothing back but errors, in order. On
// PostgreSQL they go to the server together: one round trip instead of one
// each.
func (tx *Tx) execAll(ctx context.Context, stmts ...statement) error {
	if tx.db.d.execBatch != nil {
		if first := append(tx.takeBegin(), tx.pending...); len(first) > 0 {
			tx.pending = nil
			stmts = append(first, stmts...)
		}
		if len(stmts) == 0 {
			return nil
		}
		queries := make([]string, len(stmts))
		for i, s := range stmts {
			q, ok := tx.conn.batched[s.query]
			if !ok {
				q = tx.db.d.rebind(s.query)
				tx.conn.batched[s.query] = q
			}
			queries[i] = q
		}
		return tx.db.d.execBatch(ctx, tx.conn.sql, queries, stmts)
	}
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s.query, s.args...); err != nil {
			return err
		}
	}
	return nil
}

// runAtCommit queues a write whose failure must fail the transaction
// to run just before COMMIT: on PostgreSQL both go in one round trip.
func (tx *Tx) runAtCommit(query string, args ...any) {
	tx.atCommit = append(tx.atCommit, statement{query, args})
}

// commit runs the statements queued by runAtCommit and commits.
func (tx *Tx) commit(ctx context.Context) error {
	if len(tx.pending) > 0 {
		tx.atCommit = append(tx.pending, tx.atCommit...)
		tx.pending = nil
	}
	if tx.db.d.execBatch != nil && len(tx.atCommit) > 0 {
		return tx.execAll(ctx, append(tx.atCommit, statement{query: "COMMIT"})...)
	}
	if tx.begin != "" {
		// Nothing was sent: there is nothing to commit.
		return nil
	}
	for _, s := range tx.atCommit {
		if _, err := tx.ExecContext(ctx, s.query, s.args...); err != nil {
			return err
		}
	}
	_, err := tx.conn.sql.ExecContext(ctx, "COMMIT")
	return err
}

// maxAttempts bounds how many times Write runs a function whose
// transaction lost a race.
const maxAttempts = 5

// Write runs fn in one write transaction, committed when fn returns nil.
// On SQLite the write lock is taken before fn reads anything (BEGIN
// IMMEDIATE). On PostgreSQL writes run side by side: the methods that
// change an account lock its row first, and a transaction that lost a race
// (a request with the same Idempotency-Key committed meanwhile, a deadlock,
// a serialization failure) is rolled back and fn runs again, at most
// maxAttempts times in all; so fn must have no effects outside tx but the
// variables it sets. On PostgreSQL a statement that fails ends the
// transaction's use: fn must return its error.
func (db *DB) Write(ctx context.Context, fn func(*Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := db.run(ctx, db.writers, writeTx, fn)
		if err == nil || attempt == maxAttempts || !db.d.retryable(err) {
			return err
		}
		if attempt > 1 {
			// Those who collided twice spread out before the next try.
			t := time.NewTimer(rand.N(time.Duration(attempt) * time.Millisecond))
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return err
			}
		}
	}
}

// Read runs fn in one read transaction: a consistent snapshot.
func (db *DB) Read(ctx context.Context, fn func(*Tx) error) error {
	return db.run(ctx, db.readers, readTx, fn)
}

// readOne runs fn, which runs one statement, on a read connection outside
// a transaction: one statement sees one moment anyway, and BEGIN and
// ROLLBACK would be two more round trips to PostgreSQL.
func (db *DB) readOne(ctx context.Context, fn func(*Tx) error) error {
	return db.run(ctx, db.readers, readStatement, fn)
}

// txMode is what run wraps its function in.
type txMode int

const (
	writeTx txMode = iota
	readTx
	readStatement
)

func (db *DB) run(ctx context.Context, p *pool, mode txMode, fn func(*Tx) error) (err error) {
	c, err := p.get(ctx)
	if err != nil {
		return err
	}
	defer func() { p.put(c, err != nil) }()
	write := mode == writeTx
	if mode == readStatement {
		return fn(&Tx{db: db, conn: c})
	}
	// BEGIN, COMMIT and ROLLBACK run without the request's context: a
	// client that hangs up must not leave the connection inside a
	// transaction.
	bg := context.WithoutCancel(ctx)
	begin := db.d.beginRead
	if write {
		begin = db.d.beginWrite
	}
	tx := &Tx{db: db, conn: c, write: write}
	if db.d.queryBatch != nil {
		// It goes with the first statements.
		tx.begin = begin
	} else if _, err := c.sql.ExecContext(bg, begin); err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	// rollback ends the transaction if its BEGIN was sent.
	rollback := func() error {
		if tx.begin != "" {
			return nil
		}
		_, err := c.sql.ExecContext(bg, "ROLLBACK")
		return err
	}
	defer func() {
		if r := recover(); r != nil {
			rollback()
			panic(r)
		}
	}()
	if err := fn(tx); err != nil {
		if rerr := rollback(); rerr != nil {
			return errors.Join(err, fmt.Errorf("rollback: %w", rerr))
		}
		return err
	}
	if !write {
		if err := rollback(); err != nil {
			return fmt.Errorf("end read: %w", err)
		}
		return nil
	}
	if err := tx.commit(bg); err != nil {
		c.sql.ExecContext(bg, "ROLLBACK")
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// lockAccount locks the account's row until the transaction ends. A write
// that changes an account's data calls it before nextSeq: the next write
// of the account waits for this one to commit, so within an account change
// numbers follow the commits and a cursor never skips a change committed
// after it was handed out. It also makes the checks that follow see every
// earlier write of the account. On SQLite the one writer holds every lock
// already; a read transaction needs none, its snapshot does not change.
func (tx *Tx) lockAccount(ctx context.Context, accountID int64) error {
	if !tx.write || tx.db.d.lockAccount == "" || tx.locked[accountID] {
		return nil
	}
	var id int64
	err := tx.QueryRowContext(ctx, tx.db.d.lockAccount, accountID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("lock account %d: %w", accountID, err)
	}
	tx.markLocked(id)
	return nil
}

// lockCustomerAccounts locks every account of the customer, in id order so
// two such writes cannot deadlock.
func (tx *Tx) lockCustomerAccounts(ctx context.Context, customerID int64) error {
	if !tx.write || tx.db.d.lockCustomerAccounts == "" {
		return nil
	}
	rows, err := tx.QueryContext(ctx, tx.db.d.lockCustomerAccounts, customerID)
	if err != nil {
		return fmt.Errorf("lock accounts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		tx.markLocked(id)
	}
	return rows.Err()
}

func (tx *Tx) markLocked(accountID int64) {
	if tx.locked == nil {
		tx.locked = map[int64]bool{}
	}
	tx.locked[accountID] = true
}

// nextSeq returns the number of a new change. A write of an account's data
// locks the account first (lockAccount).
func (tx *Tx) nextSeq(ctx context.Context) (int64, error) {
	var seq int64
	if err := tx.QueryRowContext(ctx, tx.db.d.nextSeq).Scan(&seq); err != nil {
		return 0, fmt.Errorf("next seq: %w", err)
	}
	return seq, nil
}
