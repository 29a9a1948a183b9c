package exchange_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"kabinet/internal/domain"
	"kabinet/internal/exchange"
	"kabinet/internal/portaldb"
	"kabinet/internal/portaldb/dbtest"
)

// examples are the sample files of docs/examples, in the order a fresh
// database loads them.
var examples = []struct {
	kind exchange.Kind
	file string
}{
	{exchange.KindCustomers, "customers.csv"},
	{exchange.KindTariffs, "tariffs.jsonl"},
	{exchange.KindAccounts, "accounts.jsonl"},
	{exchange.KindMeters, "meters.csv"},
	{exchange.KindPayments, "payments.csv"},
	{exchange.KindInvoices, "invoices.jsonl"},
}

func loadFile(t testing.TB, db *portaldb.DB, kind exchange.Kind, path string) exchange.ImportReport {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := exchange.Import(context.Background(), db, kind, f, exchange.ImportOptions{Name: filepath.Base(path)})
	if err != nil {
		t.Fatalf("import %s: %v", path, err)
	}
	return rep
}

// importText imports a file given as text (UTF-8) through a plain reader.
func importText(db *portaldb.DB, kind exchange.Kind, name, text string) (exchange.ImportReport, error) {
	return exchange.Import(context.Background(), db, kind, io.MultiReader(strings.NewReader(text)), exchange.ImportOptions{Name: name})
}

// document is what the app of the account's owner downloads.
func document(t *testing.T, db *portaldb.DB, customer, account string) (*domain.AccountDocument, portaldb.AccountRef) {
	t.Helper()
	ctx := context.Background()
	var doc *domain.AccountDocument
	var ref portaldb.AccountRef
	err := db.Read(ctx, func(tx *portaldb.Tx) error {
		c, err := tx.CustomerByNumber(ctx, customer)
		if err != nil {
			return err
		}
		if ref, err = tx.AccountRef(ctx, c.ID, account); err != nil {
			return err
		}
		doc, err = tx.Document(ctx, ref, 0, domain.AlwaysOpen)
		return err
	})
	if err != nil {
		t.Fatalf("document of %s: %v", account, err)
	}
	return doc, ref
}

// From a fresh database, the sample files give customer 200001 an account
// with its meter open for readings, its bill and its payment; loading
// them all again changes nothing any app would download.
func TestExamplesLoadIntoFreshDatabaseAndAgainChangeNothing(t *testing.T) {
	db := dbtest.Open(t, portaldb.Options{})
	for _, e := range examples {
		rep := loadFile(t, db, e.kind, filepath.Join("..", "..", "docs", "examples", e.file))
		if rep.Created == 0 || rep.Updated != 0 || rep.Created != rep.Records {
			t.Errorf("%s: %s", e.file, rep.Summary())
		}
	}
	doc, ref := document(t, db, "200001", "2200011111")
	if doc.Customer.FullName != "Смирнова Анна Петровна" || doc.Customer.Phone != "+79125550101" ||
		doc.Customer.BirthDate != domain.NewDate(1985, 3, 14) {
		t.Errorf("customer from the Windows-1251 file: %+v", doc.Customer)
	}
	if len(doc.Meters) != 1 || doc.Meters[0].Serial != "01234567" || !doc.Meters[0].Active() || !doc.Meters[0].Window.Open {
		t.Fatalf("meters: %+v", doc.Meters)
	}
	if len(doc.Services) != 1 || doc.Services[0].Tariff == nil || len(doc.Services[0].Tariff.Rates) != 2 {
		t.Errorf("services: %+v", doc.Services)
	}
	if len(doc.Invoices) != 1 || doc.Invoices[0].TotalDue != 987_00 || doc.Invoices[0].Payee.INN != "1101301856" {
		t.Errorf("invoices: %+v", doc.Invoices)
	}
	if len(doc.Payments) != 1 || doc.Payments[0].Amount != 1000_00 || doc.Payments[0].Status != domain.PaymentCredited {
		t.Errorf("payments: %+v", doc.Payments)
	}
	if doc.Balance.Debt != -13_00 {
		t.Errorf("debt %v, want −13,00 ₽ (987,00 billed, 1 000,00 paid after)", doc.Balance.Debt)
	}
	replaced, _ := document(t, db, "200002", "2200022222")
	if len(replaced.Meters) != 2 || replaced.Meters[0].Serial != "33334444" || replaced.Meters[1].RemovedOn != domain.NewDate(2026, 9, 10) ||
		replaced.Meters[1].ReplacedBy != replaced.Meters[0].ID {
		t.Errorf("the replaced meter: %+v", replaced.Meters)
	}
	legal, _ := document(t, db, "200003", "2200033333")
	if cv := legal.ContractValues; cv == nil || len(cv.MonthlyVolumes) != 3 || cv.MaxCapacityKW != domain.DecimalFromInt(45) {
		t.Errorf("contract values: %+v", legal.ContractValues)
	}

	for _, e := range examples {
		rep := loadFile(t, db, e.kind, filepath.Join("..", "..", "docs", "examples", e.file))
		if rep.Unchanged != rep.Records || rep.Created+rep.Updated+rep.Flagged != 0 {
			t.Errorf("%s again: %s", e.file, rep.Summary())
		}
	}
	if _, again := document(t, db, "200001", "2200011111"); again != ref {
		t.Errorf("loading the same files again moved the account's change numbers: %+v, then %+v", ref, again)
	}
}

// A file with mistakes loads nothing, and says which lines to mend.
func TestBadLinesLoadNothingAndAreListedWithTheirNumbers(t *testing.T) {
	db := dbtest.Open(t, portaldb.Options{})
	text := "number;kind;full_name;birth_date;inn;phone;email\n" +
		"300001;individual;Иванов Иван;01.02.1970;;+79120000001;\n" +
		"30000X;individual;Петров Пётр;1970-13-01;;+79120000002;\n" +
		"300003;company;ООО «Ромашка»;;123;;\n" +
		"300001;individual;Иванов Иван;01.02.1970;;+79120000001;\n"
	_, err := importText(db, exchange.KindCustomers, "customers.csv", text)
	var le *exchange.LineErrors
	if !errors.As(err, &le) {
		t.Fatalf("error %v, want LineErrors", err)
	}
	lines := map[int]string{}
	for _, p := range le.Problems {
		lines[p.Line] = p.Text
	}
	if le.Total != 3 || !strings.Contains(lines[3], "number") || !strings.Contains(lines[3], "birth_date") ||
		!strings.Contains(lines[4], "kind") || !strings.Contains(lines[4], "inn") || !strings.Contains(lines[5], "строке 2") {
		t.Errorf("problems: %v", err)
	}
	if !strings.Contains(err.Error(), "ничего не загружено") || !strings.Contains(err.Error(), "строка 3:") {
		t.Errorf("message: %v", err)
	}
	if empty, _ := db.IsEmpty(context.Background()); !empty {
		t.Error("a file with mistakes loaded customers")
	}

	// What only the database can tell fails the file too, rolling back
	// what the lines before it did.
	if _, err := importText(db, exchange.KindCustomers, "c.csv", "number;kind;full_name\n300001;individual;Иванов Иван\n"); err != nil {
		t.Fatal(err)
	}
	_, err = importText(db, exchange.KindAccounts, "accounts.csv",
		"number;customer;title;address;opened_on;tariff\n1;300001;Квартира;Адрес;2026-01-01;t\n")
	if !errors.As(err, &le) || !strings.Contains(le.Problems[0].Text, "тарифа") || le.Problems[0].Line != 2 {
		t.Errorf("unknown tariff: %v", err)
	}
}

// A customers file is the billing system's whole list: whoever it lacks
// is flagged, not deleted, and unflagged when it has them again.
func TestCustomerMissingFromTheListIsFlaggedNotDeleted(t *testing.T) {
	ctx := context.Background()
	db := dbtest.Open(t, portaldb.Options{})
	both := "number;kind;full_name\n300001;individual;Иванов Иван\n300002;individual;Петров Пётр\n"
	if _, err := importText(db, exchange.KindCustomers, "c.csv", both); err != nil {
		t.Fatal(err)
	}
	rep, err := importText(db, exchange.KindCustomers, "c.csv", "number;kind;full_name\n300001;individual;Иванов Иван\n")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Flagged != 1 || len(rep.Missing) != 1 || rep.Missing[0] != "300002" || !strings.Contains(rep.Summary(), "отмечены: 1 (300002)") {
		t.Errorf("report: %+v", rep)
	}
	flags, err := db.BillingFlags(ctx, "300002")
	if err != nil || flags.MissingSince.IsZero() {
		t.Fatalf("the missing customer: %+v %v", flags, err)
	}
	rep, _ = importText(db, exchange.KindCustomers, "c.csv", both)
	if flags, _ := db.BillingFlags(ctx, "300002"); !flags.MissingSince.IsZero() || rep.Updated != 1 || rep.Flagged != 0 {
		t.Errorf("back in the list: %+v, %s", flags, rep.Summary())
	}
}

// A phone the customer proved with a code is not replaced by billing's:
// that one is kept apart for the contact centre. An unproven phone is
// replaced, and the apps see the change.
func TestBillingPhoneReplacesOnlyAnUnprovenPhone(t *testing.T) {
	ctx := context.Background()
	db := dbtest.Open(t, portaldb.Options{})
	for _, e := range examples[:4] {
		loadFile(t, db, e.kind, filepath.Join("..", "..", "docs", "examples", e.file))
	}
	err := db.Write(ctx, func(tx *portaldb.Tx) error {
		c, err := tx.CustomerByNumber(ctx, "200001")
		if err != nil {
			return err
		}
		return tx.SetProvenPhone(ctx, c.ID, "+79990000001")
	})
	if err != nil {
		t.Fatal(err)
	}
	_, before := document(t, db, "200002", "2200022222")
	text := "number;kind;full_name;birth_date;inn;phone;email\n" +
		"200001;individual;Смирнова Анна Петровна;14.03.1985;;+79125550111;anna.smirnova@example.ru\n" +
		"200002;individual;Попов Игорь Викторович;1979-07-02;;+79125550122;\n" +
		"200003;legal;ООО «Северный хлеб»;;1101123456;+79125550103;buh@sevhleb.example.ru\n" +
		"200004;individual;Кузьмина Ольга Сергеевна;22.11.1960;;;\n"
	rep, err := importText(db, exchange.KindCustomers, "c.csv", text)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Updated != 2 || rep.PhonesFlagged != 1 {
		t.Errorf("report: %s", rep.Summary())
	}
	proven, _ := document(t, db, "200001", "2200011111")
	flags, _ := db.BillingFlags(ctx, "200001")
	if proven.Customer.Phone != "+79990000001" || flags.BillingPhone != "+79125550111" {
		t.Errorf("proven phone %s, billing's kept apart %q", proven.Customer.Phone, flags.BillingPhone)
	}
	doc, after := document(t, db, "200002", "2200022222")
	if doc.Customer.Phone != "+79125550122" || after.MainSeq <= before.MainSeq || after.Seq <= before.Seq {
		t.Errorf("unproven phone %s; change numbers %+v, then %+v", doc.Customer.Phone, before, after)
	}
}

// Russian billing exports: Windows-1251 or UTF-8 with a byte-order mark,
// «;», decimal commas and dd.mm.yyyy dates.
func TestCSVInWindows1251AndUTF8WithBOM(t *testing.T) {
	db := dbtest.Open(t, portaldb.Options{})
	text := "number;kind;full_name\n300001;individual;Ёлкина Мария\n"
	cp, err := charmap.Windows1251.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	for _, data := range []string{cp, "\ufeff" + strings.Replace(text, "Ёлкина", "Ёлкина-Белова", 1)} {
		if _, err := exchange.Import(context.Background(), db, exchange.KindCustomers, bytes.NewReader([]byte(data)),
			exchange.ImportOptions{Name: "c.csv"}); err != nil {
			t.Fatal(err)
		}
	}
	c, err := customer(db, "300001")
	if err != nil || c.FullName != "Ёлкина-Белова Мария" {
		t.Errorf("customer %+v %v", c, err)
	}
}

func customer(db *portaldb.DB, number string) (portaldb.CustomerRecord, error) {
	var c portaldb.CustomerRecord
	err := db.Read(context.Background(), func(tx *portaldb.Tx) error {
		var err error
		c, err = tx.CustomerByNumber(context.Background(), number)
		return err
	})
	return c, err
}

// What a billing programmer gets wrong first is named for what it is.
func TestFileMistakesAreNamed(t *testing.T) {
	db := dbtest.Open(t, portaldb.Options{})
	cases := []struct {
		name, kind, file, text, want string
	}{
		{"unknown JSON field", "customers", "c.jsonl", `{"number": "1", "kind": "individual", "full_name": "А", "fullname": "Б"}`, `строка 1: неизвестное поле "fullname"`},
		{"unknown CSV column", "customers", "c.csv", "number;kind;full_name;fio\n1;individual;А;Б\n", `строка 1: в заголовке неизвестный столбец "fio"`},
		{"a JSON array", "invoices", "i.json", `[{"account": "1", "invoice": {}}]`, "строка 1: это JSON-массив"},
		{"invoices as CSV", "invoices", "i.csv", "account;invoice\n", "только в формате JSON Lines"},
		{"missing fields", "meters", "m.csv", "account;serial\n2200011111;1\n", "строка 2: не указано поле model"},
		{"a broken quote", "customers", "c.csv", "number;kind;full_name\n1;individual;\"А\n2;legal;В\n", "строка 2: непарная кавычка"},
		{"a bare quote", "customers", "c.csv", "number;kind;full_name\n1;legal;ООО \"Ромашка\"\n", "строка 2: кавычка внутри поля"},
		{"an empty file", "customers", "c.csv", "number;kind;full_name\n", "нет ни одной записи"},
		{"money", "payments", "p.csv", "account;paid_on;amount;reference\n1;2026-11-05;-5,00;R\n", "строка 2: amount"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			kind, err := exchange.ParseKind(c.kind)
			if err != nil {
				t.Fatal(err)
			}
			_, err = importText(db, kind, c.file, c.text)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want it to say %q", err, c.want)
			}
		})
	}
	if _, err := exchange.ParseKind("clients"); err == nil || !strings.Contains(err.Error(), "customers, tariffs") {
		t.Errorf("unknown kind: %v", err)
	}
}

// Tariffs are public content that search finds on every instance: a
// tariff file that changes something moves the content version (each
// instance then rebuilds its index), the same file again does not.
func TestTariffImportTellsEveryInstanceToReindex(t *testing.T) {
	db := dbtest.Open(t, portaldb.Options{})
	ctx := context.Background()
	before, err := db.ContentVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tariffs := filepath.Join("..", "..", "docs", "examples", "tariffs.jsonl")
	loadFile(t, db, exchange.KindTariffs, tariffs)
	after, err := db.ContentVersion(ctx)
	if err != nil || after == before {
		t.Fatalf("new tariffs: content version %d → %d (%v)", before, after, err)
	}
	loadFile(t, db, exchange.KindTariffs, tariffs)
	if again, _ := db.ContentVersion(ctx); again != after {
		t.Errorf("the same tariffs again moved the content version %d → %d", after, again)
	}
}
