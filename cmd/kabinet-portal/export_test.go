package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"kabinet/internal/domain"
	"kabinet/internal/portaldb"
)

// acceptReading stores a reading of the account's first meter, 10 kWh
// above its last one, as the portal does, and returns its id.
func acceptReading(t *testing.T, dbPath, account string) string {
	t.Helper()
	ctx := context.Background()
	db, err := portaldb.Open(ctx, dbPath, portaldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	accountID, err := db.AccountIDByNumber(ctx, account)
	if err != nil {
		t.Fatal(err)
	}
	var meterID int64
	if err := db.Read(ctx, func(tx *portaldb.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT min(id) FROM meters WHERE account_id = ? AND removed_on = ''`, accountID).Scan(&meterID)
	}); err != nil {
		t.Fatal(err)
	}
	var id string
	if err := db.Write(ctx, func(tx *portaldb.Tx) error {
		m, err := tx.MeterForUpdate(ctx, accountID, strconv.FormatInt(meterID, 10))
		if err != nil {
			return err
		}
		values := map[domain.Zone]domain.Decimal{}
		for _, z := range m.Zones {
			values[z.Code] = z.LastValue + 10_00
		}
		id, err = tx.InsertReading(ctx, accountID, portaldb.NewReading{MeterID: meterID, Period: thisMonth(), TakenOn: thisMonth().First(),
			Source: domain.SourceCustomer, Values: values})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return id
}

// runExport runs the command and returns its stderr.
func runExport(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := exportCmd(context.Background(), args, &stdout, &stderr)
	if stdout.Len() > 0 {
		t.Errorf("with -o nothing goes to stdout, got %q", stdout.String())
	}
	return stderr.String(), err
}

// A cron job runs the same command every night: each reading comes once.
func TestCronExportWithACursorFileGivesEachReadingOnce(t *testing.T) {
	dir := t.TempDir()
	dbPath := demoFile(t)
	cursor, out := filepath.Join(dir, "readings.cursor"), filepath.Join(dir, "readings.jsonl")
	nightly := func() (string, string) {
		t.Helper()
		stderr, err := runExport(t, "readings", "-db", dbPath, "-cursor-file", cursor, "-o", out)
		if err != nil {
			t.Fatalf("%v\n%s", err, stderr)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return string(b), stderr
	}
	first := acceptReading(t, dbPath, ivanova)
	got, stderr := nightly()
	if strings.Count(got, "\n") != 1 || !strings.Contains(got, `"id":"`+first+`"`) {
		t.Errorf("first night: %q, want reading %s", got, first)
	}
	if !strings.Contains(stderr, "Выгружено записей: 1.") || !strings.Contains(stderr, "Следующий курсор: readings.") {
		t.Errorf("stderr: %q", stderr)
	}
	if fi, err := os.Stat(cursor); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("cursor file: %v %v, want mode 0600", fi, err)
	}
	if got, _ := nightly(); got != "" {
		t.Errorf("second night with nothing new: %q", got)
	}
	second := acceptReading(t, dbPath, kuznetsov)
	if got, _ := nightly(); strings.Count(got, "\n") != 1 || !strings.Contains(got, `"id":"`+second+`"`) {
		t.Errorf("third night: %q, want only reading %s", got, second)
	}
}

// An export that fails leaves the cursor where it was: the records come
// again next time.
func TestFailedExportKeepsTheCursor(t *testing.T) {
	dir := t.TempDir()
	dbPath := demoFile(t)
	cursor := filepath.Join(dir, "readings.cursor")
	acceptReading(t, dbPath, ivanova)
	if _, err := runExport(t, "readings", "-db", dbPath, "-cursor-file", cursor, "-o", filepath.Join(dir, "no", "such", "dir.jsonl")); err == nil {
		t.Fatal("writing into a missing folder succeeded")
	}
	if _, err := os.Stat(cursor); !os.IsNotExist(err) {
		t.Errorf("the cursor file was written after a failed export: %v", err)
	}
	os.WriteFile(cursor, []byte("readings.0000.1.2\n"), 0o600)
	_, err := runExport(t, "readings", "-db", dbPath, "-cursor-file", cursor, "-o", filepath.Join(dir, "out.jsonl"))
	if err == nil || !strings.Contains(err.Error(), "другой базой данных") {
		t.Errorf("a cursor of another database: %v", err)
	}
	if b, _ := os.ReadFile(cursor); string(b) != "readings.0000.1.2\n" {
		t.Errorf("the cursor file became %q", b)
	}
	if _, err := runExport(t, "meters", "-db", dbPath); err == nil || !strings.Contains(err.Error(), "readings") {
		t.Errorf("an unknown export: %v", err)
	}
}
