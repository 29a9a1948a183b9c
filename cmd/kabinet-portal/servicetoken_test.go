package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"kabinet/internal/auth"
	"kabinet/internal/portaldb"
)

// An administrator makes a token for the billing system, sees it in the
// list without its secret, and revokes it; wrong scopes and a name given
// twice are refused in Russian and make nothing.
func TestServiceTokenCommand(t *testing.T) {
	ctx := context.Background()
	dsn := filepath.Join(t.TempDir(), "portal.db")
	db, err := portaldb.Open(ctx, dsn, portaldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	run := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := serviceToken(ctx, args, &out)
		return out.String(), err
	}
	out, err := run("add", "-db", dsn, "-name", "billing", "-scopes", "import:*,export:readings")
	if err != nil {
		t.Fatal(err)
	}
	var secret string
	for _, f := range strings.Fields(out) {
		if strings.HasPrefix(f, "kbs_") {
			secret = f
		}
	}
	if secret == "" || !strings.Contains(out, "import:payments") || strings.Contains(out, "export:questions") {
		t.Fatalf("add printed:\n%s", out)
	}
	if _, err := run("add", "-db", dsn, "-name", "billing", "-scopes", "export:readings"); err == nil || !strings.Contains(err.Error(), "уже есть") {
		t.Errorf("the same name again: %v", err)
	}
	if _, err := run("add", "-db", dsn, "-name", "other", "-scopes", "import:everything"); err == nil || !strings.Contains(err.Error(), "нет такого права") {
		t.Errorf("an unknown scope: %v", err)
	}
	list, err := run("list", "-db", dsn)
	if err != nil || !strings.Contains(list, "billing") || strings.Contains(list, secret) || strings.Contains(list, "other") {
		t.Errorf("list: %v\n%s", err, list)
	}
	db, err = portaldb.Open(ctx, dsn, portaldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ServiceTokenByHash(ctx, auth.HashToken(secret)); err != nil {
		t.Errorf("the printed token is not the stored one: %v", err)
	}
	if out, err := run("revoke", "-db", dsn, "-name", "billing"); err != nil || !strings.Contains(out, "отозван") {
		t.Errorf("revoke: %v %s", err, out)
	}
	if _, err := db.ServiceTokenByHash(ctx, auth.HashToken(secret)); err == nil {
		t.Error("the revoked token still works")
	}
	if _, err := run("revoke", "-db", dsn, "-name", "billing"); err == nil {
		t.Error("revoking twice succeeded")
	}
}
