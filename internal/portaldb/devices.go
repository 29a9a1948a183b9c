package portaldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// maxDevices is how many devices of a customer are remembered; a new one
// pushes out the one that would expire first.
const maxDevices = 20

// Device reports whether tokenHash is the hash of a live device token of
// the customer.
func (tx *Tx) Device(ctx context.Context, customerID int64, tokenHash [32]byte) (bool, error) {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM devices WHERE token_hash = ? AND customer_id = ? AND expires_at > ?`,
		tokenHash[:], customerID, tx.db.now().Unix()).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("device: %w", err)
	}
	return true, nil
}

// AddDevice remembers a device of the customer until expires, in place of
// the device whose token hash is replaces (nil: none), and drops the
// customer's expired devices and those beyond maxDevices.
func (tx *Tx) AddDevice(ctx context.Context, customerID int64, tokenHash [32]byte, expires time.Time, replaces *[32]byte) error {
	now := tx.db.now().Unix()
	stmts := []statement{
		{`INSERT INTO devices (token_hash, customer_id, created_at, expires_at) VALUES (?, ?, ?, ?)`, []any{tokenHash[:], customerID, now, expires.Unix()}},
		{`DELETE FROM devices WHERE customer_id = ? AND expires_at <= ?`, []any{customerID, now}},
		{`DELETE FROM devices WHERE customer_id = ? AND token_hash NOT IN
			(SELECT token_hash FROM devices WHERE customer_id = ? ORDER BY expires_at DESC, created_at DESC LIMIT ?)`, []any{customerID, customerID, maxDevices}},
	}
	if replaces != nil {
		stmts = append(stmts, statement{`DELETE FROM devices WHERE token_hash = ? AND customer_id = ?`, []any{replaces[:], customerID}})
	}
	if err := tx.execAll(ctx, stmts...); err != nil {
		return fmt.Errorf("add device: %w", err)
	}
	return nil
}

// ForgetDevices ends every device of the customer: after a password change
// or a new temporary password, no computer keeps its standing.
func (tx *Tx) ForgetDevices(ctx context.Context, customerID int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM devices WHERE customer_id = ?`, customerID); err != nil {
		return fmt.Errorf("forget devices: %w", err)
	}
	return nil
}
