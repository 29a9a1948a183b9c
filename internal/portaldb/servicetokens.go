package portaldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ServiceToken is a token of one of the supplier's own systems (the billing
// system, an export job) for the service API. Its secret is never stored,
// only its SHA-256.
type ServiceToken struct {
	ID         int64
	Name       string
	Scopes     []string
	CreatedAt  time.Time
	LastUsedAt time.Time // zero: never used
	RevokedAt  time.Time // zero: valid
}

// Has reports whether the token carries scope.
func (t ServiceToken) Has(scope string) bool {
	for _, s := range t.Scopes {
		if s == scope {
			return true
		}
	}
	return false
}

// ErrNameTaken is returned when a service token of that name exists.
var ErrNameTaken = errors.New("name taken")

// AddServiceToken stores a new token named name (unique, kept after it is
// revoked so the log's names stay unambiguous) with its scopes.
func (db *DB) AddServiceToken(ctx context.Context, name string, scopes []string, hash [32]byte) error {
	return db.Write(ctx, func(tx *Tx) error {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM service_tokens WHERE name = ?`, name).Scan(&one)
		if err == nil {
			return ErrNameTaken
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO service_tokens (name, token_hash, scopes, created_at) VALUES (?, ?, ?, ?)`,
			name, hash[:], strings.Join(scopes, " "), db.now().Unix())
		return err
	})
}

// ServiceTokenByHash returns the valid (not revoked) token whose SHA-256 is
// hash and notes that it was used; ErrNotFound when there is none.
func (db *DB) ServiceTokenByHash(ctx context.Context, hash [32]byte) (ServiceToken, error) {
	var t ServiceToken
	err := db.readOne(ctx, func(tx *Tx) error {
		var err error
		t, err = scanServiceToken(tx.QueryRowContext(ctx, `SELECT id, name, scopes, created_at, last_used_at, revoked_at
			FROM service_tokens WHERE token_hash = ? AND revoked_at IS NULL`, hash[:]))
		return err
	})
	if err != nil {
		return t, err
	}
	// Once a minute is enough to see which tokens are still in use.
	if now := db.now(); now.Sub(t.LastUsedAt) >= time.Minute {
		err = db.Write(ctx, func(tx *Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE service_tokens SET last_used_at = ? WHERE id = ?`, now.Unix(), t.ID)
			return err
		})
		t.LastUsedAt = now
	}
	return t, err
}

// ServiceTokens lists every token, revoked ones too, by name.
func (db *DB) ServiceTokens(ctx context.Context) ([]ServiceToken, error) {
	var list []ServiceToken
	err := db.Read(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, name, scopes, created_at, last_used_at, revoked_at FROM service_tokens ORDER BY name`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			t, err := scanServiceToken(rows)
			if err != nil {
				return err
			}
			list = append(list, t)
		}
		return rows.Err()
	})
	return list, err
}

// RevokeServiceToken ends the token named name at once, on every instance;
// ErrNotFound when no valid token has that name.
func (db *DB) RevokeServiceToken(ctx context.Context, name string) error {
	return db.Write(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE service_tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL`, db.now().Unix(), name)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errors.Join(ErrNotFound, err)
		}
		return nil
	})
}

func scanServiceToken(row interface{ Scan(...any) error }) (ServiceToken, error) {
	var t ServiceToken
	var scopes string
	var created int64
	var used, revoked sql.NullInt64
	err := row.Scan(&t.ID, &t.Name, &scopes, &created, &used, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return t, ErrNotFound
	}
	if err != nil {
		return t, fmt.Errorf("service token: %w", err)
	}
	t.Scopes = strings.Fields(scopes)
	t.CreatedAt = time.Unix(created, 0)
	if used.Valid {
		t.LastUsedAt = time.Unix(used.Int64, 0)
	}
	if revoked.Valid {
		t.RevokedAt = time.Unix(revoked.Int64, 0)
	}
	return t, nil
}
