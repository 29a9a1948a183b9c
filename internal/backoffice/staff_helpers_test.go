package backoffice_test

import (
	"context"

	"kabinet/internal/portaldb"
)

func disable(e *env, login string) error {
	return e.db.Write(context.Background(), func(tx *portaldb.Tx) error {
		return tx.SetStaffDisabled(context.Background(), login, true)
	})
}
