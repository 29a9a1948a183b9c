package portaldb

import (
	"context"
	"fmt"
	"time"
)

// AuditEntry is one action of the back office's staff. It never holds a
// password, a one-time password or an answer's text.
type AuditEntry struct {
	At time.Time
	// Staff is the login acting (at a failed login: what was typed).
	Staff  string
	Action string
	// Customer is the customer number concerned, if any.
	Customer string
	// Record names what was touched: «question 12», «news 3».
	Record string
	// Detail says more, e.g. how a caller was identified.
	Detail  string
	Address string
}

// Audit writes an entry to the audit log, in the transaction of the action
// it records, so the two commit together.
func (tx *Tx) Audit(ctx context.Context, e AuditEntry) error {
	if e.At.IsZero() {
		e.At = tx.db.now()
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (at, staff, action, customer, record, detail, address) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		e.At.Unix(), e.Staff, e.Action, e.Customer, e.Record, e.Detail, e.Address)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// AuditLog returns the latest entries, newest first; with customer set,
// only those about that customer.
func (tx *Tx) AuditLog(ctx context.Context, customer string, limit int) ([]AuditEntry, error) {
	q := `SELECT at, staff, action, customer, record, detail, address FROM audit_log ORDER BY id DESC LIMIT ?`
	args := []any{limit}
	if customer != "" {
		q = `SELECT at, staff, action, customer, record, detail, address FROM audit_log WHERE customer = ? ORDER BY id DESC LIMIT ?`
		args = []any{customer, limit}
	}
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at int64
		if err := rows.Scan(&at, &e.Staff, &e.Action, &e.Customer, &e.Record, &e.Detail, &e.Address); err != nil {
			return nil, err
		}
		e.At = time.Unix(at, 0)
		out = append(out, e)
	}
	return out, rows.Err()
}
