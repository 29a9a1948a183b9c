package portaldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Staff roles of the contact centre's back office.
const (
	// RoleOperator finds customers, issues one-time passwords and answers
	// questions.
	RoleOperator = "operator"
	// RoleEditor publishes news, «О сервисе» and FAQ entries.
	RoleEditor = "editor"
	// RoleAdmin does everything, and sees the staff and the audit log.
	RoleAdmin = "admin"
)

// ErrStaffExists is returned when a staff login is taken.
var ErrStaffExists = errors.New("staff login taken")

// StaffMember is one person of the back office.
type StaffMember struct {
	ID           int64
	Login        string
	Role         string
	Disabled     bool
	PasswordHash string
	CreatedAt    time.Time
	// LastLoginAt is zero before the first login.
	LastLoginAt time.Time
}

const staffColumns = `id, login, password_hash, role, disabled, created_at, last_login_at`

func scanStaff(row interface{ Scan(...any) error }) (StaffMember, error) {
	var m StaffMember
	var created int64
	var last sql.NullInt64
	err := row.Scan(&m.ID, &m.Login, &m.PasswordHash, &m.Role, &m.Disabled, &created, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return m, ErrNotFound
	}
	if err != nil {
		return m, fmt.Errorf("staff: %w", err)
	}
	m.CreatedAt = time.Unix(created, 0)
	if last.Valid {
		m.LastLoginAt = time.Unix(last.Int64, 0)
	}
	return m, nil
}

// ValidRole reports whether role is one of the back office's roles.
func ValidRole(role string) bool {
	return role == RoleOperator || role == RoleEditor || role == RoleAdmin
}

// AddStaff adds a person with a password hash (argon2id, auth.HashPassword)
// and a role; ErrStaffExists when the login is taken.
func (tx *Tx) AddStaff(ctx context.Context, login, passwordHash, role string) (int64, error) {
	if !ValidRole(role) {
		return 0, fmt.Errorf("staff role %q", role)
	}
	var taken int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM staff WHERE login = ?`, login).Scan(&taken); err != nil {
		return 0, fmt.Errorf("staff: %w", err)
	}
	if taken > 0 {
		return 0, ErrStaffExists
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO staff (login, password_hash, role, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
		login, passwordHash, role, tx.db.now().Unix()).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("add staff: %w", err)
	}
	return id, nil
}

// StaffByLogin returns the person with the login.
func (tx *Tx) StaffByLogin(ctx context.Context, login string) (StaffMember, error) {
	return scanStaff(tx.QueryRowContext(ctx, `SELECT `+staffColumns+` FROM staff WHERE login = ?`, login))
}

// StaffList returns everybody, by login.
func (tx *Tx) StaffList(ctx context.Context) ([]StaffMember, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+staffColumns+` FROM staff ORDER BY login`)
	if err != nil {
		return nil, fmt.Errorf("staff: %w", err)
	}
	defer rows.Close()
	var out []StaffMember
	for rows.Next() {
		m, err := scanStaff(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// SetStaffPassword changes the person's password hash and ends their
// sessions: whoever knew the old one is out.
func (tx *Tx) SetStaffPassword(ctx context.Context, login, passwordHash string) error {
	return tx.changeStaff(ctx, login, `UPDATE staff SET password_hash = ? WHERE login = ?`, passwordHash, login)
}

// SetStaffDisabled disables (or enables again) the person; disabling ends
// their sessions at once.
func (tx *Tx) SetStaffDisabled(ctx context.Context, login string, disabled bool) error {
	return tx.changeStaff(ctx, login, `UPDATE staff SET disabled = ? WHERE login = ?`, disabled, login)
}

// SetStaffRole changes the person's role and ends their sessions, so the
// new role applies from the next login.
func (tx *Tx) SetStaffRole(ctx context.Context, login, role string) error {
	if !ValidRole(role) {
		return fmt.Errorf("staff role %q", role)
	}
	return tx.changeStaff(ctx, login, `UPDATE staff SET role = ? WHERE login = ?`, role, login)
}

func (tx *Tx) changeStaff(ctx context.Context, login, query string, args ...any) error {
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("staff: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM staff_sessions WHERE staff_id = (SELECT id FROM staff WHERE login = ?)`, login)
	return err
}

// StaffSession is a logged-in person of the back office.
type StaffSession struct {
	StaffMember
	// CSRF is the token every form of the session carries.
	CSRF      string
	StartedAt time.Time
	LastSeen  time.Time
}

// StaffSessionLimits are when a staff session ends.
type StaffSessionLimits struct {
	// Idle: this long after the last request.
	Idle time.Duration
	// Absolute: this long after the login, however busy.
	Absolute time.Duration
}

// ErrSessionExpired is returned for a session that ended by time; it is
// deleted.
var ErrSessionExpired = errors.New("staff session expired")

// StartStaffSession stores a new session of the person (the token's hash
// only) and notes the login time.
func (tx *Tx) StartStaffSession(ctx context.Context, tokenHash [32]byte, staffID int64, csrf string, now time.Time) error {
	return tx.execAll(ctx,
		statement{`INSERT INTO staff_sessions (token_hash, staff_id, csrf, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)`,
			[]any{tokenHash[:], staffID, csrf, now.Unix(), now.Unix()}},
		statement{`UPDATE staff SET last_login_at = ? WHERE id = ?`, []any{now.Unix(), staffID}})
}

// TouchStaffSession returns the session of the token and moves its idle
// deadline on. A session past its limits is deleted and ErrSessionExpired
// returned; a disabled person's, or an unknown token, is ErrNotFound.
func (db *DB) TouchStaffSession(ctx context.Context, tokenHash [32]byte, now time.Time, lim StaffSessionLimits) (StaffSession, error) {
	var s StaffSession
	err := db.Write(ctx, func(tx *Tx) error {
		var created, seen int64
		var last sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT s.csrf, s.created_at, s.last_seen_at,
				m.id, m.login, m.password_hash, m.role, m.disabled, m.created_at, m.last_login_at
			FROM staff_sessions s JOIN staff m ON m.id = s.staff_id WHERE s.token_hash = ?`, tokenHash[:]).
			Scan(&s.CSRF, &created, &seen, &s.ID, &s.Login, &s.PasswordHash, &s.Role, &s.Disabled, new(int64), &last)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("staff session: %w", err)
		}
		s.StartedAt, s.LastSeen = time.Unix(created, 0), time.Unix(seen, 0)
		if s.Disabled {
			return ErrNotFound
		}
		if now.Sub(s.LastSeen) >= lim.Idle || now.Sub(s.StartedAt) >= lim.Absolute {
			return ErrSessionExpired
		}
		s.LastSeen = now
		_, err = tx.ExecContext(ctx, `UPDATE staff_sessions SET last_seen_at = ? WHERE token_hash = ?`, now.Unix(), tokenHash[:])
		return err
	})
	if errors.Is(err, ErrSessionExpired) {
		// An error rolls the transaction back: the session goes in one
		// of its own.
		if derr := db.EndStaffSession(ctx, tokenHash); derr != nil {
			return s, derr
		}
	}
	return s, err
}

// EndStaffSession deletes the session (logout).
func (db *DB) EndStaffSession(ctx context.Context, tokenHash [32]byte) error {
	return db.Write(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM staff_sessions WHERE token_hash = ?`, tokenHash[:])
		return err
	})
}
