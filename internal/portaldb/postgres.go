package portaldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
)

// Default PostgreSQL pool sizes. Writes mostly wait for the server (round
// trips, the commit's flush), so a few more than the cores keep it busy;
// on two cores 8 writers did 1 150–1 200 readings a second, 12 fewer and
// with a p99 half as high again.
const (
	postgresWriteConns = 8
	postgresReadConns  = 8
)

const pgReadingValues = `string_agg(v.zone || ':' || v.value || ':' || v.consumption || ':' || CASE WHEN v.rollover THEN '1' ELSE '0' END, ';')`

var postgresDialect = &dialect{
	name:  "postgres",
	goose: goose.DialectPostgres,
	// Spelt out, so a server whose default isolation differs changes
	// nothing: writes rely on row locks taken in READ COMMITTED (each
	// statement sees what committed before it started, so a check made
	// after a lock sees the writes that held it), reads on a snapshot.
	beginWrite: "BEGIN ISOLATION LEVEL READ COMMITTED",
	beginRead:  "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
	nextSeq:    `SELECT nextval('change_seq')`,
	// NO KEY UPDATE: the lock a row's UPDATE takes, so it queues writes of
	// the account but not the inserts whose foreign keys point at it.
	lockAccount:          `SELECT id FROM accounts WHERE id = ? FOR NO KEY UPDATE`,
	lockCustomerAccounts: `SELECT id FROM accounts WHERE customer_id = ? ORDER BY id FOR NO KEY UPDATE`,
	lockSuffix:           ` FOR NO KEY UPDATE OF a`,
	execBatch:            execBatch,
	queryBatch:           queryBatch,
	// The account is locked already, so the number is taken after the
	// lock; readings_id_seq is the sequence of readings.id (BIGSERIAL).
	startReading: `WITH s AS (SELECT nextval('change_seq') AS seq, nextval('readings_id_seq') AS id),
		old AS (UPDATE readings SET status = 'superseded', seq = (SELECT seq FROM s)
			WHERE meter_id = ? AND period = ? AND status = 'accepted' RETURNING id)
		SELECT s.seq, s.id, (SELECT ` + pgReadingValues + ` FROM reading_values v WHERE v.reading_id = old.id)
		FROM s LEFT JOIN old ON TRUE`,
	reserveIDs:    `SELECT nextval(pg_get_serial_sequence(?, 'id')) FROM generate_series(1, ?)`,
	readingValues: pgReadingValues,
	// Two senders claiming at once get different jobs instead of waiting.
	claimLock:       ` FOR UPDATE OF j SKIP LOCKED`,
	claimOnlineLock: ` FOR UPDATE OF o SKIP LOCKED`,
	rebind:          rebind,
	retryable: func(err error) bool {
		var pe *pgconn.PgError
		if !errors.As(err, &pe) {
			return false
		}
		switch pe.Code {
		case "40001", "40P01": // serialization_failure, deadlock_detected
			return true
		case "23505": // unique_violation
			// A request with the same Idempotency-Key committed first:
			// run again, and it is answered with that one's response.
			// The same for an online payment's key; and a payment
			// credited meanwhile by another path is found credited.
			switch pe.ConstraintName {
			case "idempotency_pkey", "online_payments_key", "payments_provider_ref":
				return true
			}
			return false
		}
		return false
	},
	idle: func(c *sql.Conn) bool {
		idle := false
		c.Raw(func(dc any) error {
			if pc, ok := dc.(*stdlib.Conn); ok {
				pg := pc.Conn().PgConn()
				idle = !pg.IsClosed() && pg.TxStatus() == 'I'
			}
			return nil
		})
		return idle
	},
}

// openPostgres connects to the PostgreSQL database at the URL dsn: one pool
// of connections, some held for writes and some for reads.
func (db *DB) openPostgres(ctx context.Context, dsn string, opts Options) error {
	db.d = postgresDialect
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return fmt.Errorf("postgres: %w", err) // pgx hides the password
	}
	where := cfg.Host + "/" + cfg.Database
	db.write = stdlib.OpenDB(*cfg)
	if err := db.write.PingContext(ctx); err != nil {
		return fmt.Errorf("connect to postgres %s: %w", where, err)
	}
	if err := db.migratePostgres(ctx); err != nil {
		return fmt.Errorf("postgres %s: %w", where, err)
	}
	w, r := opts.WriteConns, opts.ReadConns
	if w <= 0 {
		w = postgresWriteConns
	}
	if r <= 0 {
		r = postgresReadConns
	}
	db.write.SetMaxOpenConns(w + r)
	db.write.SetMaxIdleConns(w + r)
	if db.writers, err = newPool(ctx, db.write, db.d, w); err != nil {
		return fmt.Errorf("connect to postgres %s: %w", where, err)
	}
	if db.readers, err = newPool(ctx, db.write, db.d, r); err != nil {
		return fmt.Errorf("connect to postgres %s: %w", where, err)
	}
	return nil
}

// migratePostgres migrates under an advisory lock on the schema, so of two
// servers starting at once the second waits and then finds nothing to do.
func (db *DB) migratePostgres(ctx context.Context) (err error) {
	c, err := db.write.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	// 0x6b6162 is "kab": the lock's class, so other users of advisory
	// locks on the server do not collide with this one.
	const key = `x'6b6162'::int, hashtext(coalesce(current_schema(), ''))`
	if _, err := c.ExecContext(ctx, `SELECT pg_advisory_lock(`+key+`)`); err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	defer func() {
		if _, uerr := c.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(`+key+`)`); uerr != nil {
			err = errors.Join(err, fmt.Errorf("migration unlock: %w", uerr))
		}
	}()
	return db.migrate(ctx, db.write)
}

// execBatch sends the statements in one pipeline (pgx's batch on the
// connection under database/sql) and reads their results, failing at the
// first error.
func execBatch(ctx context.Context, c *sql.Conn, queries []string, stmts []statement) error {
	return c.Raw(func(dc any) error {
		pc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("batch: connection %T is not pgx's", dc)
		}
		b := &pgx.Batch{}
		for i, s := range stmts {
			b.Queue(queries[i], s.args...)
		}
		return pc.Conn().SendBatch(ctx, b).Close()
	})
}

// queryBatch sends the queries in one pipeline and reads their rows in
// order, failing at the first error. The server runs them one after another,
// so a query after one that waited for a lock sees what committed before.
func queryBatch(ctx context.Context, c *sql.Conn, queries []string, qs []batchQuery) error {
	return c.Raw(func(dc any) error {
		pc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("batch: connection %T is not pgx's", dc)
		}
		b := &pgx.Batch{}
		for i, q := range qs {
			b.Queue(queries[i], q.args...)
		}
		br := pc.Conn().SendBatch(ctx, b)
		for _, q := range qs {
			rows, err := br.Query()
			if err == nil && q.read != nil {
				err = q.read(rows)
			}
			if rows != nil {
				rows.Close()
				if err == nil {
					err = rows.Err()
				}
			}
			if err != nil {
				br.Close()
				return err
			}
		}
		return br.Close()
	})
}

// rebind rewrites the ? placeholders of query to $1…$n, leaving string
// literals, quoted names and comments alone.
func rebind(query string) string {
	if !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for i := 0; i < len(query); i++ {
		end := -1 // where a literal, quoted name or comment starting at i ends
		switch {
		case query[i] == '\'' || query[i] == '"':
			if j := strings.IndexByte(query[i+1:], query[i]); j >= 0 {
				end = i + 1 + j + 1
			}
		case strings.HasPrefix(query[i:], "--"):
			if j := strings.IndexByte(query[i:], '\n'); j >= 0 {
				end = i + j
			}
		case strings.HasPrefix(query[i:], "/*"):
			if j := strings.Index(query[i+2:], "*/"); j >= 0 {
				end = i + 2 + j + 2
			}
		case query[i] == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		default:
			b.WriteByte(query[i])
			continue
		}
		if end < 0 {
			// Unterminated: the rest is the literal or comment.
			end = len(query)
		}
		b.WriteString(query[i:end])
		i = end - 1
	}
	return b.String()
}
