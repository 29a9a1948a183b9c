package portaldb

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"kabinet/internal/domain"
)

// What the billing system learns from the portal (kabinet-portal export)
// is listed in export_log, one row per event, written by the transaction
// of the change itself: InsertReading, InsertQuestion, AnswerQuestion,
// SetEmail, SetProvenPhone, SetSubscriptions. A row is there exactly when
// its change committed.
//
// The export reads a stream in commit order from a position. On SQLite the
// one writer commits in id order. On PostgreSQL ids are taken from a
// sequence before the commit, in another order, so the rows are read in
// (xid, id) order and only those whose transaction id is below the
// reading snapshot's xmin: every transaction below it has ended, so no row
// can appear later before a position already handed out. A transaction
// held open holds the stream back until it ends; it never makes it skip.

// Streams of export_log.
const (
	exportReading  = "reading"
	exportQuestion = "question"
	exportProfile  = "profile"
)

// ExportPosition is a place in an export stream: the last row read. The
// zero position is before the first row.
type ExportPosition struct {
	// Xid is the writing transaction's id on PostgreSQL, 0 on SQLite.
	Xid int64
	// ID is the row's id.
	ID int64
}

// logExport is the statement that adds a row to export_log.
func logExport(kind string, refID int64, account, field, value string, at int64) statement {
	return statement{`INSERT INTO export_log (kind, ref_id, account, field, value, at) VALUES (?, ?, ?, ?, ?, ?)`,
		[]any{kind, refID, account, field, value, at}}
}

// logSubscriptionChange is the statement that records a change of one of
// the account's subscriptions (column, over alias a) to on, if it is one:
// it must run before the UPDATE that makes it.
func logSubscriptionChange(accountID int64, field, column string, on bool, at int64) statement {
	return statement{`INSERT INTO export_log (kind, ref_id, account, field, value, at)
		SELECT 'profile', a.customer_id, a.number, ?, ?, ? FROM accounts a WHERE a.id = ? AND ` + column + ` <> ?`,
		[]any{field, strconv.FormatBool(on), at, accountID, on}}
}

// exportWhere selects the rows of a stream (alias l) after a position
// (arguments kind, xid, id), those of ended transactions only.
func (db *DB) exportWhere() string {
	if db.d.name != "postgres" {
		// xid is always 0 here; said so, the index is searched from the
		// position on, where a comparison of (xid, id) would have SQLite
		// scan every earlier row of the stream for each page.
		return `l.kind = ? AND l.xid = ? AND l.id > ? ORDER BY l.xid, l.id LIMIT ?`
	}
	// The snapshot is the transaction's (REPEATABLE READ): every
	// transaction below its xmin ended before it was taken, so each of
	// their rows is visible to this very query.
	return `l.kind = ? AND (l.xid, l.id) > (?, ?) AND l.xid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
		ORDER BY l.xid, l.id LIMIT ?`
}

// readExport runs a stream's query (columns after l.xid, l.id) in one read
// transaction and hands each row to scan, which calls the caller's fn.
func (db *DB) readExport(ctx context.Context, query, kind string, after ExportPosition, limit int,
	scan func(rows *sql.Rows) error) (int, error) {
	n := 0
	err := db.Read(ctx, func(tx *Tx) error {
		n = 0
		rows, err := tx.QueryContext(ctx, query+` WHERE `+db.exportWhere(), kind, after.Xid, after.ID, limit)
		if err != nil {
			return fmt.Errorf("export %s: %w", kind, err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return err
			}
			n++
		}
		return rows.Err()
	})
	return n, err
}

// ExportedReading is an accepted reading as the billing system gets it.
type ExportedReading struct {
	Position ExportPosition
	domain.Reading
	// Account is the account's number, Serial the meter's.
	Account string
	Serial  string
	// Supersedes is the id of the month's reading this one replaced, ""
	// when it is the month's first.
	Supersedes string
}

// ExportReadings calls fn with at most limit readings accepted after the
// position, in commit order, and returns how many. A reading is listed
// once, when it was accepted, with the status it got then.
func (db *DB) ExportReadings(ctx context.Context, after ExportPosition, limit int, fn func(ExportedReading) error) (int, error) {
	query := `SELECT l.xid, l.id, r.id, r.meter_id, r.period, r.taken_on, r.source, r.submitted_at, a.number, m.serial,
			(SELECT max(p.id) FROM readings p WHERE p.meter_id = r.meter_id AND p.status = 'superseded' AND p.period = r.period AND p.id < r.id),
			(SELECT ` + db.d.readingValues + ` FROM reading_values v WHERE v.reading_id = r.id)
		FROM export_log l JOIN readings r ON r.id = l.ref_id JOIN meters m ON m.id = r.meter_id JOIN accounts a ON a.id = m.account_id`
	return db.readExport(ctx, query, exportReading, after, limit, func(rows *sql.Rows) error {
		var pos ExportPosition
		var e ExportedReading
		var id, meterID, submitted int64
		var period, taken string
		var supersedes sql.NullInt64
		var values sql.NullString
		if err := rows.Scan(&pos.Xid, &pos.ID, &id, &meterID, &period, &taken, &e.Source, &submitted, &e.Account, &e.Serial,
			&supersedes, &values); err != nil {
			return err
		}
		e.Position = pos
		e.ID, e.MeterID = strconv.FormatInt(id, 10), strconv.FormatInt(meterID, 10)
		e.Period, _ = domain.ParsePeriod(period)
		e.TakenOn, _ = domain.ParseDate(taken)
		e.Status = domain.StatusAccepted
		e.SubmittedAt = unixRFC3339(submitted)
		if supersedes.Valid {
			e.Supersedes = strconv.FormatInt(supersedes.Int64, 10)
		}
		if err := parseValues(values.String, &e.Reading); err != nil {
			return fmt.Errorf("reading %d: %w", id, err)
		}
		return fn(e)
	})
}

// ExportedQuestion is a question asked, or the answer given to it.
type ExportedQuestion struct {
	Position ExportPosition
	// Event is "asked" or "answered".
	Event    string
	ID       string
	Customer string
	Account  string
	Topic    string
	Text     string
	AskedAt  string
	// Answer and AnsweredAt are the answer as it was given (an "answered"
	// event only): a later edit is an event of its own.
	Answer     string
	AnsweredAt string
}

// ExportQuestions calls fn with at most limit questions asked or answered
// after the position, in commit order, and returns how many.
func (db *DB) ExportQuestions(ctx context.Context, after ExportPosition, limit int, fn func(ExportedQuestion) error) (int, error) {
	query := `SELECT l.xid, l.id, q.id, c.number, q.account, q.topic, q.text, q.asked_at, l.field, l.value, l.at
		FROM export_log l JOIN questions q ON q.id = l.ref_id JOIN customers c ON c.id = q.customer_id`
	return db.readExport(ctx, query, exportQuestion, after, limit, func(rows *sql.Rows) error {
		var pos ExportPosition
		var e ExportedQuestion
		var id, asked, at int64
		if err := rows.Scan(&pos.Xid, &pos.ID, &id, &e.Customer, &e.Account, &e.Topic, &e.Text, &asked, &e.Event, &e.Answer, &at); err != nil {
			return err
		}
		e.Position, e.ID, e.AskedAt = pos, strconv.FormatInt(id, 10), unixRFC3339(asked)
		if e.Event == "answered" {
			e.AnsweredAt = unixRFC3339(at)
		}
		return fn(e)
	})
}

// ExportedProfileChange is a change a customer made to the profile.
type ExportedProfileChange struct {
	Position ExportPosition
	Customer string
	// Account is the account's number for a subscription, "" for what is
	// the customer's (e-mail, phone).
	Account string
	// Field is "email", "phone" (proven by a code), "email_bills",
	// "sms_reminders" or "email_reminders"; Value the new value ("true"/"false" for the
	// subscriptions).
	Field     string
	Value     string
	ChangedAt string
}

// ExportProfileChanges calls fn with at most limit profile changes after
// the position, in commit order, and returns how many.
func (db *DB) ExportProfileChanges(ctx context.Context, after ExportPosition, limit int, fn func(ExportedProfileChange) error) (int, error) {
	query := `SELECT l.xid, l.id, c.number, l.account, l.field, l.value, l.at
		FROM export_log l JOIN customers c ON c.id = l.ref_id`
	return db.readExport(ctx, query, exportProfile, after, limit, func(rows *sql.Rows) error {
		var pos ExportPosition
		var e ExportedProfileChange
		var at int64
		if err := rows.Scan(&pos.Xid, &pos.ID, &e.Customer, &e.Account, &e.Field, &e.Value, &at); err != nil {
			return err
		}
		e.Position, e.ChangedAt = pos, unixRFC3339(at)
		return fn(e)
	})
}

// ExportHeldBack returns how many records have committed but wait behind
// a transaction begun before them and still open (on PostgreSQL; anywhere
// on the server, not only in this database): the export gives them once
// it has ended. On SQLite it is always 0.
func (db *DB) ExportHeldBack(ctx context.Context) (int, error) {
	if db.d.name != "postgres" {
		return 0, nil
	}
	var n int
	err := db.readOne(ctx, func(tx *Tx) error {
		return tx.QueryRowContext(ctx, `SELECT count(*) FROM export_log WHERE kind IN ('reading', 'question', 'profile')
			AND xid >= pg_snapshot_xmin(pg_current_snapshot())::text::bigint`).Scan(&n)
	})
	return n, err
}

// QueueReadingsForExport lists for export the accepted readings of period
// since and later that are in the database but not in the export: those of
// the demo seed, or accepted before the export existed. It returns how
// many; running it again adds none.
func (db *DB) QueueReadingsForExport(ctx context.Context, since domain.Period) (int64, error) {
	var n int64
	err := db.Write(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO export_log (kind, ref_id)
			SELECT 'reading', r.id FROM readings r WHERE r.status = 'accepted' AND r.period >= ?
				AND NOT EXISTS (SELECT 1 FROM export_log l WHERE l.kind = 'reading' AND l.ref_id = r.id)
			ORDER BY r.id`, since.String())
		if err != nil {
			return fmt.Errorf("queue readings for export: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

func unixRFC3339(t int64) string { return time.Unix(t, 0).UTC().Format(time.RFC3339) }
