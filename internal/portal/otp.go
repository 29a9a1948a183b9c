package portal

import (
	"context"
	"errors"
	"fmt"
	"time"

	"kabinet/internal/auth"
	"kabinet/internal/portaldb"
)

// IssueOneTimePassword makes the password the contact centre reads out to a
// customer whose SMS did not arrive: it works for one login, which must set
// a new password. It returns the password.
func IssueOneTimePassword(ctx context.Context, db *portaldb.DB, customerNumber string, ttl time.Duration) (string, error) {
	otp, err := NewOneTimePassword()
	if err != nil {
		return "", err
	}
	err = db.Write(ctx, func(tx *portaldb.Tx) error {
		cust, err := tx.CustomerByNumber(ctx, normalizeCustomerNumber(customerNumber))
		if errors.Is(err, portaldb.ErrNotFound) {
			return fmt.Errorf("no customer with number %q", customerNumber)
		}
		if err != nil {
			return err
		}
		return otp.Store(ctx, tx, cust.ID, db.Now().Add(ttl))
	})
	if err != nil {
		return "", err
	}
	return otp.Password, nil
}

// OneTimePassword is a one-time password for the contact centre to read
// out, made (and hashed, which takes a while) before the transaction that
// stores it, so the back office can store it with its audit entry.
type OneTimePassword struct {
	// Password is shown to the operator once and never stored.
	Password string
	hash     string
}

// NewOneTimePassword makes a one-time password.
func NewOneTimePassword() (OneTimePassword, error) {
	password, err := auth.GenerateTemporaryPassword()
	if err != nil {
		return OneTimePassword{}, err
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return OneTimePassword{}, err
	}
	return OneTimePassword{Password: password, hash: hash}, nil
}

// Store gives the customer the password, valid for one login until
// expires, and logs out whoever is logged in with the old password: the
// customer called because they cannot get in.
func (p OneTimePassword) Store(ctx context.Context, tx *portaldb.Tx, customerID int64, expires time.Time) error {
	if err := tx.SetTempPassword(ctx, customerID, portaldb.TempPassword{Hash: p.hash, Kind: "otp", SingleUse: true, ExpiresAt: expires}); err != nil {
		return err
	}
	return tx.EndAllSessions(ctx, customerID)
}

// SMSNoticePurpose is the sms_log purpose of security notices (a changed
// phone or e-mail, a one-time password issued): always sent, counted apart
// from the other purposes' budgets.
const SMSNoticePurpose = smsNotice
