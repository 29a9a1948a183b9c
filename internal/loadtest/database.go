package loadtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // the database/sql driver "pgx", for the schema

	"kabinet/internal/portaldb"
)

// DefaultSchema is the PostgreSQL schema a run works in when the URL names
// none: the load population never lands in the database's public schema.
const DefaultSchema = "kabinet_loadtest"

// DefaultSQLitePath is the SQLite file a run uses when given no -db: the
// same file every time, so only the first run pays the seeding.
func DefaultSQLitePath() string { return filepath.Join(os.TempDir(), "kabinet-loadtest.db") }

func isPostgres(dsn string) bool {
	scheme, _, ok := strings.Cut(dsn, "://")
	scheme = strings.ToLower(scheme)
	return ok && (scheme == "postgres" || scheme == "postgresql")
}

var schemaName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// postgresSchema returns the schema of the URL dsn (its search_path, or
// DefaultSchema) and dsn with that search_path.
func postgresSchema(dsn string) (schema, withPath string, err error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", "", errors.New("the PostgreSQL URL does not parse")
	}
	q := u.Query()
	schema = q.Get("search_path")
	if schema == "" {
		schema = DefaultSchema
	}
	if !schemaName.MatchString(schema) {
		return "", "", fmt.Errorf("search_path %q: name one schema in lower-case letters, digits and _", schema)
	}
	q.Set("search_path", schema) // pgx passes it to the server as a run-time parameter
	u.RawQuery = q.Encode()
	return schema, u.String(), nil
}

// openDatabase opens the database at dsn for a run. With fresh, the
// PostgreSQL schema is dropped and created again, or the SQLite file is
// removed, so the population is seeded anew; either only after checking
// that it holds nothing but a load population.
func openDatabase(ctx context.Context, dsn string, fresh bool, opts portaldb.Options) (*portaldb.DB, error) {
	if isPostgres(dsn) {
		schema, withPath, err := postgresSchema(dsn)
		if err != nil {
			return nil, err
		}
		if err := prepareSchema(ctx, dsn, schema, fresh); err != nil {
			return nil, err
		}
		return portaldb.Open(ctx, withPath, opts)
	}
	if fresh {
		if err := removeSQLite(ctx, dsn); err != nil {
			return nil, err
		}
	}
	return portaldb.Open(ctx, dsn, opts)
}

// removeSQLite removes the SQLite database at path if it holds a load
// population and nothing else.
func removeSQLite(ctx context.Context, path string) error {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	db, err := portaldb.Open(ctx, path, portaldb.Options{})
	if err != nil {
		return fmt.Errorf("-fresh: %s is not a portal database, not removing it: %w", path, err)
	}
	_, err = scanPopulation(ctx, db)
	db.Close()
	if err != nil {
		return fmt.Errorf("-fresh: not removing %s: %w", path, err)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// prepareSchema creates the schema if it is missing; with fresh it drops
// it first, with everything in it. A schema with tables of anything but a
// load population is refused either way, before anything is changed.
func prepareSchema(ctx context.Context, dsn, schema string, fresh bool) error {
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	defer admin.Close()
	if schema == "public" {
		// Whatever else uses the database lives there.
		return errors.New("the load test does not work in the public schema: name a schema of its own in search_path")
	}
	var tables int
	var hasCustomers bool
	if err := admin.QueryRowContext(ctx, `SELECT count(*), coalesce(bool_or(table_name = 'customers'), false)
		FROM information_schema.tables WHERE table_schema = $1`, schema).Scan(&tables, &hasCustomers); err != nil {
		return fmt.Errorf("schema %s: %w", schema, err)
	}
	if tables > 0 && !hasCustomers {
		return fmt.Errorf("schema %s holds %d tables but no portal database: name another schema in search_path", schema, tables)
	}
	if hasCustomers {
		// The pattern is customerIndex's: 7000000 to 7999999.
		var foreign int
		if err := admin.QueryRowContext(ctx, `SELECT count(*) FROM `+schema+`.customers WHERE number !~ '^7[0-9]{6}$'`).Scan(&foreign); err != nil {
			return fmt.Errorf("schema %s: %w", schema, err)
		}
		if foreign > 0 {
			return fmt.Errorf("schema %s holds %d customers that are not load-test customers; name a schema of the load test's own in search_path", schema, foreign)
		}
	}
	if fresh {
		if _, err := admin.ExecContext(ctx, `DROP SCHEMA IF EXISTS `+schema+` CASCADE`); err != nil {
			return fmt.Errorf("drop schema %s: %w", schema, err)
		}
	}
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA IF NOT EXISTS `+schema); err != nil {
		return fmt.Errorf("create schema %s: %w", schema, err)
	}
	return nil
}

// member is a load customer as stored: the ids a run needs.
type member struct {
	customerID, accountID, meterID int64
	// seq is the account's latest change: with the epoch it gives the
	// ETag and cursor of the document the app holds.
	seq int64
}

// scanPopulation returns the stored load customers by index. Any customer
// outside the load numbering makes it fail: the run deletes what it finds
// of earlier runs, and must never do that in a real database.
func scanPopulation(ctx context.Context, db *portaldb.DB) (map[int]member, error) {
	found := map[int]member{}
	foreign := 0
	err := db.Read(ctx, func(tx *portaldb.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT c.number, c.id, a.id, a.seq, m.id FROM customers c
			LEFT JOIN accounts a ON a.customer_id = c.id LEFT JOIN meters m ON m.account_id = a.id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var number string
			var m member
			var accountID, seq, meterID sql.NullInt64
			if err := rows.Scan(&number, &m.customerID, &accountID, &seq, &meterID); err != nil {
				return err
			}
			i, ok := customerIndex(number)
			if _, dup := found[i]; !ok || dup || !accountID.Valid || !meterID.Valid {
				foreign++
				continue
			}
			m.accountID, m.seq, m.meterID = accountID.Int64, seq.Int64, meterID.Int64
			found[i] = m
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("read the population: %w", err)
	}
	if foreign > 0 {
		return nil, fmt.Errorf("the database holds %d customers (or accounts) that are not load-test customers; give the load test a database of its own", foreign)
	}
	return found, nil
}

// reset undoes what earlier runs added: the readings customers sent (the
// seed has none) with their receipt echoes and export records, their
// idempotency records and the sessions real logins opened. Sessions the run creates itself live for a week and are kept.
func reset(ctx context.Context, db *portaldb.DB, keepSessionsAfter int64) error {
	return db.Write(ctx, func(tx *portaldb.Tx) error {
		for _, q := range []string{
			`DELETE FROM reminder_jobs WHERE reading_id IN (SELECT id FROM readings WHERE source = 'customer')`,
			`DELETE FROM export_log WHERE kind = 'reading' AND ref_id IN (SELECT id FROM readings WHERE source = 'customer')`,
			`DELETE FROM reading_values WHERE reading_id IN (SELECT id FROM readings WHERE source = 'customer')`,
			`DELETE FROM readings WHERE source = 'customer'`,
			`DELETE FROM idempotency`,
		} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("reset: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < ?`, keepSessionsAfter); err != nil {
			return fmt.Errorf("reset sessions: %w", err)
		}
		return nil
	})
}
