package exchange_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"kabinet/internal/demo"
	"kabinet/internal/domain"
	"kabinet/internal/exchange"
	"kabinet/internal/portaldb"
	"kabinet/internal/portaldb/dbtest"
)

// Demo accounts with a single-zone meter.
const (
	ivanovaAccount   = "1100012345"
	kuznetsovAccount = "1100023456"
)

// exportDB is a portal database with the demo customers.
func exportDB(t testing.TB) *portaldb.DB {
	t.Helper()
	db := dbtest.Open(t, portaldb.Options{})
	seed, err := demo.Build(time.Now(), func(string) (string, error) { return "not-a-hash", nil })
	if err == nil {
		err = db.LoadSeed(context.Background(), seed)
	}
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// submit stores a reading of the account's first meter, 10 kWh above its
// last one, for this month, as the portal does; it returns its id.
func submit(t testing.TB, db *portaldb.DB, account string) string {
	t.Helper()
	ctx := context.Background()
	accountID, err := db.AccountIDByNumber(ctx, account)
	if err != nil {
		t.Fatal(err)
	}
	var doc *domain.AccountDocument
	if err := db.Read(ctx, func(tx *portaldb.Tx) error {
		ref := portaldb.AccountRef{ID: accountID}
		err := tx.QueryRowContext(ctx, `SELECT customer_id, number, seq, main_seq FROM accounts WHERE id = ?`, accountID).
			Scan(&ref.CustomerID, &ref.Number, &ref.Seq, &ref.MainSeq)
		if err == nil {
			doc, err = tx.Document(ctx, ref, 0, domain.AlwaysOpen)
		}
		if err != nil {
			return fmt.Errorf("document: %w", err)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	meter := doc.Meters[0]
	meterID, _ := portaldb.MeterID(meter.ID)
	month := domain.DateOf(time.Now(), domain.Moscow).Period()
	var id string
	if err := db.Write(ctx, func(tx *portaldb.Tx) error {
		m, err := tx.MeterForUpdate(ctx, accountID, meter.ID)
		if err != nil {
			return fmt.Errorf("meter %s: %w", meter.ID, err)
		}
		values := map[domain.Zone]domain.Decimal{}
		for _, z := range m.Zones {
			values[z.Code] = z.LastValue + 10_00
		}
		id, err = tx.InsertReading(ctx, accountID, portaldb.NewReading{MeterID: meterID, Period: month, TakenOn: month.First(),
			Source: domain.SourceCustomer, Values: values, Consumption: map[domain.Zone]domain.Decimal{domain.T1: 10_00}})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	settled(t, db)
	return id
}

// settled waits until every record committed can be exported: on a shared
// PostgreSQL server a transaction of another test, begun before the
// records and still open, holds the export back for a moment.
func settled(t testing.TB, db *portaldb.DB) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		n, err := db.ExportHeldBack(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d records still held back by open transactions", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// export runs an export and returns its output.
func export(t testing.TB, db *portaldb.DB, kind exchange.ExportKind, since string, limit int, format exchange.ExportFormat) (string, exchange.ExportResult) {
	t.Helper()
	var out bytes.Buffer
	res, err := exchange.Export(context.Background(), db, kind, since, limit, format, &out)
	if err != nil {
		t.Fatal(err)
	}
	return out.String(), res
}

// readingIDs returns the ids of the JSON Lines readings.
func readingIDs(t testing.TB, jsonl string) []string {
	t.Helper()
	var ids []string
	for line := range strings.Lines(jsonl) {
		var r exchange.ExportedReading
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		ids = append(ids, r.ID)
	}
	return ids
}

func TestBillingGetsEachReadingOnceFromItsCursor(t *testing.T) {
	db := exportDB(t)
	first, second, third := submit(t, db, ivanovaAccount), submit(t, db, kuznetsovAccount), submit(t, db, ivanovaAccount)

	out, res := export(t, db, exchange.ExportReadings, "", 2, "")
	if got := readingIDs(t, out); strings.Join(got, ",") != first+","+second || res.Records != 2 || !res.More {
		t.Fatalf("first export: %v, %+v; want readings %s,%s and more to come", got, res, first, second)
	}
	var line map[string]any
	json.Unmarshal([]byte(strings.SplitN(out, "\n", 2)[0]), &line)
	if line["account"] != ivanovaAccount || line["serial"] != "35087264" || line["status"] != "accepted" {
		t.Errorf("first line: %v", line)
	}
	if values, _ := line["values"].(map[string]any); values == nil || values["t1"] == nil {
		t.Errorf("values %v: want decimals as strings by zone", line["values"])
	} else if _, isString := values["t1"].(string); !isString {
		t.Errorf("value %v: want a decimal written as a string, as the API writes it", values["t1"])
	}

	// The billing system crashed before storing the cursor: the same one
	// gives the same records.
	again, res2 := export(t, db, exchange.ExportReadings, "", 2, "")
	if again != out || res2 != res {
		t.Errorf("the same cursor gave\n%s%+v\nthen\n%s%+v", out, res, again, res2)
	}

	out, res = export(t, db, exchange.ExportReadings, res.Next, 0, exchange.ExportJSONL)
	if got := readingIDs(t, out); len(got) != 1 || got[0] != third || res.More {
		t.Errorf("from the cursor: %v, %+v; want only %s", got, res, third)
	}
	var r exchange.ExportedReading
	json.Unmarshal([]byte(out), &r)
	if r.Supersedes != first {
		t.Errorf("the second reading of the month supersedes %q, want %s", r.Supersedes, first)
	}
	next := res.Next
	out, res = export(t, db, exchange.ExportReadings, next, 0, exchange.ExportJSONL)
	if out != "" || res.Records != 0 || res.Next != next {
		t.Errorf("nothing new: got %q, %+v; want nothing and the same cursor", out, res)
	}
	fourth := submit(t, db, kuznetsovAccount)
	if out, _ = export(t, db, exchange.ExportReadings, next, 0, exchange.ExportJSONL); strings.Join(readingIDs(t, out), ",") != fourth {
		t.Errorf("after a new reading: %q, want %s", out, fourth)
	}
}

func TestExportRefusesACursorItDidNotHandOut(t *testing.T) {
	db, other := exportDB(t), exportDB(t)
	submit(t, db, ivanovaAccount)
	_, res := export(t, db, exchange.ExportReadings, "", 0, "")
	cases := map[string]struct {
		db     *portaldb.DB
		kind   exchange.ExportKind
		cursor string
		says   string
	}{
		"another database": {other, exchange.ExportReadings, res.Next, "другой базой данных"},
		"another kind":     {db, exchange.ExportQuestions, res.Next, "у каждой выгрузки свой курсор"},
		"malformed":        {db, exchange.ExportReadings, res.Next + "x", "повреждён"},
		"garbage":          {db, exchange.ExportReadings, "abc", "повреждён"},
	}
	for name, c := range cases {
		var out bytes.Buffer
		_, err := exchange.Export(context.Background(), c.db, c.kind, c.cursor, 0, "", &out)
		if !errors.Is(err, exchange.ErrBadCursor) || !strings.Contains(err.Error(), c.says) || out.Len() != 0 {
			t.Errorf("%s: %v (wrote %d bytes); want ErrBadCursor saying %q and nothing written", name, err, out.Len(), c.says)
		}
	}
}

func TestExportInCSVForSpreadsheetsAndOldBillingSystems(t *testing.T) {
	db := exportDB(t)
	id := submit(t, db, ivanovaAccount)
	out, res := export(t, db, exchange.ExportReadings, "", 0, exchange.ExportCSV)
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) != 2 || res.Records != 1 {
		t.Fatalf("CSV:\n%s", out)
	}
	if !strings.HasPrefix(lines[0], "account;meter_id;serial;id;period;taken_on;value_t1;") {
		t.Errorf("header %q", lines[0])
	}
	f := strings.Split(lines[1], ";")
	if f[0] != ivanovaAccount || f[3] != id || f[12] != "customer" || f[13] != "accepted" {
		t.Errorf("row %q", lines[1])
	}
	if strings.Contains(f[6], ",") || f[6] == "" {
		t.Errorf("value %q: want a decimal with a dot", f[6])
	}
}

func TestExportOfQuestionsAndProfileChanges(t *testing.T) {
	db := exportDB(t)
	ctx := context.Background()
	accountID, _ := db.AccountIDByNumber(ctx, ivanovaAccount)
	var q domain.Question
	err := db.Write(ctx, func(tx *portaldb.Tx) error {
		var err error
		var customer int64
		if err = tx.QueryRowContext(ctx, `SELECT customer_id FROM accounts WHERE id = ?`, accountID).Scan(&customer); err != nil {
			return err
		}
		if q, err = tx.InsertQuestion(ctx, customer, domain.Question{Account: ivanovaAccount, Topic: "Показания", Text: "Как передать; показания?"}); err != nil {
			return err
		}
		return tx.SetSubscriptions(ctx, accountID, domain.Subscriptions{EmailBills: true, SMSReminders: true})
	})
	if err != nil {
		t.Fatal(err)
	}
	settled(t, db)
	out, _ := export(t, db, exchange.ExportQuestions, "", 0, exchange.ExportCSV)
	if !strings.Contains(out, `asked;`+q.ID+`;100001;`+ivanovaAccount+`;Показания;"Как передать; показания?";`) {
		t.Errorf("questions CSV:\n%s", out)
	}
	out, _ = export(t, db, exchange.ExportProfileChanges, "", 0, exchange.ExportJSONL)
	if !strings.Contains(out, `"customer":"100001","account":"`+ivanovaAccount+`","field":"email_bills","value":"true"`) {
		t.Errorf("profile changes:\n%s", out)
	}
}

func TestExportKindsAndFormatsAreNamedInRussianWhenWrong(t *testing.T) {
	if _, err := exchange.ParseExportKind("payments"); err == nil || !strings.Contains(err.Error(), "readings") {
		t.Errorf("unknown kind: %v", err)
	}
	if k, err := exchange.ParseExportKind("profile-changes"); err != nil || k != exchange.ExportProfileChanges {
		t.Errorf("profile-changes: %v %v", k, err)
	}
	if _, err := exchange.ParseExportFormat("xml"); err == nil || !strings.Contains(err.Error(), "jsonl или csv") {
		t.Errorf("unknown format: %v", err)
	}
}

// The readings' lines are written by hand for speed: they must be what
// encoding/json writes for ExportedReading, whatever the text holds.
func TestReadingLinesAreWhatEncodingJSONWrites(t *testing.T) {
	db := exportDB(t)
	ctx := context.Background()
	if err := db.Write(ctx, func(tx *portaldb.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE meters SET serial = ? WHERE serial = '35087264'`, "35\"08\\72\n64\t№ <1>&\x01")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	submit(t, db, ivanovaAccount)
	submit(t, db, ivanovaAccount)
	out, _ := export(t, db, exchange.ExportReadings, "", 0, "")
	for line := range strings.Lines(out) {
		var r exchange.ExportedReading
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		enc.Encode(r)
		if line != want.String() {
			t.Errorf("written\n%s\nencoding/json\n%s", line, want.String())
		}
	}
}
