package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kabinet/internal/portal"
	"kabinet/internal/portaldb"
)

// runImport runs `kabinet-portal import` and returns what it printed.
func runImport(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := importCmd(context.Background(), args, &out)
	return out.String(), err
}

// From a fresh database, the billing system's sample files make a
// customer who can get in only with the contact centre's one-time
// password — no password typed before that gets in — and who, having
// set a password of their own, sees the account with its meter open for readings.
func TestImportedCustomerLogsInOnlyWithTheOneTimePassword(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the portal")
	}
	eachDatabase(t, func(t *testing.T, dsn string, postgres bool) {
		examples := filepath.Join("..", "..", "docs", "examples")
		if _, err := runImport(t, "customers", "-db", dsn, filepath.Join(examples, "customers.csv")); err == nil && !postgres {
			t.Error("import into a database that does not exist, without -create, created it")
		}
		for i, f := range []string{"customers.csv", "tariffs.jsonl", "accounts.jsonl", "meters.csv", "payments.csv", "invoices.jsonl"} {
			kind, _, _ := strings.Cut(f, ".")
			args := []string{kind, "-db", dsn}
			if i == 0 {
				args = append(args, "-create")
			}
			out, err := runImport(t, append(args, filepath.Join(examples, f))...)
			if err != nil || !strings.Contains(out, "новых") {
				t.Fatalf("import %s: %v\n%s", f, err, out)
			}
		}
		bad := filepath.Join(t.TempDir(), "bad.csv")
		os.WriteFile(bad, []byte("number;kind;full_name\n200009;someone;Никто\n"), 0o600)
		if _, err := runImport(t, "customers", "-db", dsn, bad); err == nil || !strings.Contains(err.Error(), "строка 2: kind") {
			t.Errorf("a bad file: %v", err)
		}

		url, stop := startDemo(t, dsn)
		defer stop()
		api := url + "/api/v1"
		_, unknown, _ := call(t, "POST", api+"/session", "", `{"customer":"299999","password":"demo12345"}`)
		for _, pw := range []string{"demo12345", "x", " "} {
			st, m, _ := call(t, "POST", api+"/session", "", `{"customer":"200001","password":"`+pw+`"}`)
			if st != 401 || m["code"] != unknown["code"] || m["detail"] != unknown["detail"] {
				t.Errorf("an imported customer with password %q: %d %v (an unknown customer gets %v)", pw, st, m, unknown)
			}
		}

		db, err := portaldb.Open(context.Background(), dsn, portaldb.Options{})
		if err != nil {
			t.Fatal(err)
		}
		otp, err := portal.IssueOneTimePassword(context.Background(), db, "200001", time.Hour)
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
		st, m, _ := call(t, "POST", api+"/session", "", `{"customer":"200001","password":"`+otp+`"}`)
		if st != 201 || m["must_change_password"] != true {
			t.Fatalf("login with the one-time password: %d %v", st, m)
		}
		tok := m["token"].(string)
		if st, m, _ := call(t, "PUT", api+"/password", tok, `{"current":"`+otp+`","new":"Берёзовая роща 1985"}`); st != 200 {
			t.Fatalf("set a password: %d %v", st, m)
		}
		_, m, _ = call(t, "GET", api+"/accounts", tok, "")
		if list, _ := m["accounts"].([]any); len(list) != 1 || list[0].(map[string]any)["number"] != "2200011111" {
			t.Fatalf("accounts: %v", m)
		}
		st, doc, _ := call(t, "GET", api+"/accounts/2200011111", tok, "")
		meters, _ := doc["meters"].([]any)
		if st != 200 || len(meters) != 1 {
			t.Fatalf("document: %d %v", st, doc)
		}
		if w := meters[0].(map[string]any)["window"].(map[string]any); w["open"] != true {
			t.Errorf("the meter is not open for readings: %v", w)
		}
	})
}
