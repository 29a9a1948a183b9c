package portaldb_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"kabinet/internal/portaldb"
)

// A service token is found by its hash with its scopes until it is
// revoked, on every instance of the database at once; a name is never
// given twice, not even after a revocation, so the log's names stay clear.
func TestServiceTokensAreRevokedEverywhere(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		dsn := b.location(t)
		one, two := b.open(t, dsn, portaldb.Options{}), b.open(t, dsn, portaldb.Options{})
		hash := [32]byte{1, 2, 3}
		if err := one.AddServiceToken(ctx, "billing", []string{"import:customers", "export:readings"}, hash); err != nil {
			t.Fatal(err)
		}
		tok, err := two.ServiceTokenByHash(ctx, hash)
		if err != nil {
			t.Fatal(err)
		}
		if tok.Name != "billing" || !tok.Has("export:readings") || tok.Has("import:payments") {
			t.Errorf("token: %+v", tok)
		}
		if time.Since(tok.LastUsedAt) > time.Minute {
			t.Errorf("last use not noted: %v", tok.LastUsedAt)
		}
		if _, err := two.ServiceTokenByHash(ctx, [32]byte{9}); !errors.Is(err, portaldb.ErrNotFound) {
			t.Errorf("an unknown hash: %v", err)
		}
		if err := two.AddServiceToken(ctx, "billing", []string{"export:readings"}, [32]byte{4}); !errors.Is(err, portaldb.ErrNameTaken) {
			t.Errorf("a second token named billing: %v", err)
		}
		if err := one.RevokeServiceToken(ctx, "billing"); err != nil {
			t.Fatal(err)
		}
		if _, err := two.ServiceTokenByHash(ctx, hash); !errors.Is(err, portaldb.ErrNotFound) {
			t.Errorf("the revoked token on the other instance: %v", err)
		}
		if err := one.RevokeServiceToken(ctx, "billing"); !errors.Is(err, portaldb.ErrNotFound) {
			t.Errorf("revoking twice: %v", err)
		}
		list, err := two.ServiceTokens(ctx)
		if err != nil || len(list) != 1 || list[0].RevokedAt.IsZero() {
			t.Errorf("list: %+v %v", list, err)
		}
	})
}
