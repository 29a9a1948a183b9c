package portaldb

import (
	"context"
	"database/sql"

	"github.com/pressly/goose/v3"
)

// dialect is the little that differs between SQLite and PostgreSQL; the
// rest of the SQL is written once, with ? placeholders.
type dialect struct {
	name  string
	goose goose.Dialect
	// beginWrite and beginRead start a transaction; both end with COMMIT
	// or ROLLBACK.
	beginWrite, beginRead string
	// nextSeq returns the number of a new change.
	nextSeq string
	// lockAccount (one account, by id) and lockCustomerAccounts (a
	// customer's, in id order) lock account rows until the transaction
	// ends and return their ids; empty where writes run one at a time.
	lockAccount, lockCustomerAccounts string
	// lockSuffix ends a query over accounts (alias a) that locks the rows
	// it returns as lockAccount does; empty where lockAccount is.
	lockSuffix string
	// startReading, given a meter and a month, takes a change number and
	// the id of a new reading, supersedes the month's accepted reading and
	// returns rows of (number, id, the superseded reading's values as
	// readingValues writes them, or NULL): one round trip where there
	// would be three. Empty: startReading runs them one by one.
	startReading string
	// reserveIDs, given a table and n, returns n new ids of the table;
	// empty: the ids after the table's largest (SQLite, one writer).
	reserveIDs string
	// readingValues aggregates a reading's values (alias v) into
	// «zone:value:consumption:rollover;…» with rollover 0 or 1.
	readingValues string
	// claimLock ends the query that picks mail jobs to claim (alias j).
	claimLock string
	// claimOnlineLock ends the query that picks online payments for the
	// reconciler to claim (alias o).
	claimOnlineLock string
	// execBatch runs statements together, queries being their rebound
	// SQL; nil runs them one by one.
	execBatch func(ctx context.Context, c *sql.Conn, queries []string, stmts []statement) error
	// queryBatch runs queries together and reads their rows, queries
	// being their rebound SQL; nil runs them one by one. Where it is set,
	// a transaction's BEGIN waits to go with its first statements.
	queryBatch func(ctx context.Context, c *sql.Conn, queries []string, qs []batchQuery) error
	// rebind rewrites a query's ? placeholders for the driver.
	rebind func(query string) string
	// retryable reports an error after which Write runs its function again.
	retryable func(error) bool
	// idle reports whether a connection whose transaction failed is
	// still usable: open and outside any transaction.
	idle func(*sql.Conn) bool
}

var sqliteDialect = &dialect{
	name:  "sqlite",
	goose: goose.DialectSQLite3,
	// IMMEDIATE takes the write lock at once: a transaction that read
	// first and then found the lock taken could not go on.
	beginWrite:    "BEGIN IMMEDIATE",
	beginRead:     "BEGIN",
	nextSeq:       `UPDATE counters SET value = value + 1 WHERE name = 'seq' RETURNING value`,
	readingValues: `group_concat(v.zone || ':' || v.value || ':' || v.consumption || ':' || v.rollover, ';')`,
	rebind:        func(q string) string { return q },
	// The one writer loses no races.
	retryable: func(error) bool { return false },
	idle:      func(*sql.Conn) bool { return true },
}
