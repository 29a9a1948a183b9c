package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"kabinet/internal/demo"
	"kabinet/internal/domain"
	"kabinet/internal/portaldb"
)

const (
	subscribed   = "1100023456" // Кузнецов: bills by e-mail
	unsubscribed = "1100012345" // Иванова: paper only
)

// demoFile writes a portal database with the demo customers (their
// passwords not hashed, which the import does not need).
func demoFile(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "portal.db")
	db, err := portaldb.Open(ctx, path, portaldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	seed, err := demo.Build(time.Now(), func(string) (string, error) { return "not-a-hash", nil })
	if err == nil {
		err = db.LoadSeed(ctx, seed)
	}
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// thisMonth is the month the demo's history stops short of.
func thisMonth() domain.Period { return domain.DateOf(time.Now(), domain.Moscow).Period() }

// bill is a bill the billing system would issue for the account and
// period: 1 000 ₽ of electricity on top of 250 ₽ brought forward.
func bill(account string, p domain.Period) issuedInvoice {
	inv := domain.Invoice{
		Number:   account + "-" + strings.ReplaceAll(p.String(), "-", ""),
		Period:   p,
		IssuedOn: p.AddMonths(1).First(),
		DueOn:    domain.NewDate(p.Year, p.Month+1, 10),
		Lines: []domain.InvoiceLine{{Service: "Электроснабжение", Zone: domain.T1, Previous: 1000_0, Current: 1150_0,
			Volume: 150_0, Unit: "кВт·ч", Price: 666, Amount: 999_00}},
		Recalculations: []domain.Recalculation{{Reason: "Округление", Amount: 1_00}},
		BroughtForward: 250_00,
		Charged:        1000_00,
		TotalDue:       1250_00,
	}
	return issuedInvoice{Account: account, Invoice: inv}
}

func writeJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "invoices.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// state is what an import may change: the mail jobs, and the invoices of
// the two accounts the tests bill.
func state(t *testing.T, path string) string {
	t.Helper()
	ctx := context.Background()
	db, err := portaldb.Open(ctx, path, portaldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p, s, f, err := db.MailJobCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := fmt.Sprintf("jobs %d/%d/%d", p, s, f)
	for _, acc := range []string{subscribed, unsubscribed} {
		id, err := db.AccountIDByNumber(ctx, acc)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := db.AccountDocumentByID(ctx, id, domain.DefaultWindow)
		if err != nil {
			t.Fatal(err)
		}
		out += fmt.Sprintf(", %s: %d invoices, latest %s", acc, len(doc.Invoices), doc.Invoices[0].Period)
	}
	return out
}

// TestInvoicesImport: the operator imports the billing system's file; the
// subscribed account's bill is queued for e-mail, the other's is not.
func TestInvoicesImport(t *testing.T) {
	db := demoFile(t)
	file := writeJSON(t, []issuedInvoice{bill(subscribed, thisMonth()), bill(unsubscribed, thisMonth())})
	var out bytes.Buffer
	if err := invoices(context.Background(), []string{"import", "-db", db, file}, &out); err != nil {
		t.Fatal(err)
	}
	if want := "Загружено счетов: 2. Писем со счётом поставлено в очередь: 1.\n"; out.String() != want {
		t.Errorf("output %q, want %q", out.String(), want)
	}
	if got := state(t, db); !strings.HasPrefix(got, "jobs 1/0/0") || strings.Count(got, "latest "+thisMonth().String()) != 2 {
		t.Errorf("after the import: %s", got)
	}
}

// TestInvoicesImportAllOrNothing: a file with any mistake changes nothing,
// and the message says what to mend.
func TestInvoicesImportAllOrNothing(t *testing.T) {
	db := demoFile(t)
	before := state(t, db)
	good := bill(subscribed, thisMonth())
	last := thisMonth().AddMonths(-1) // the demo's latest bill
	badTotal := bill(unsubscribed, thisMonth())
	badTotal.Invoice.TotalDue = 1_00
	negative := bill(unsubscribed, thisMonth())
	negative.Invoice.Lines[0].Amount, negative.Invoice.Charged, negative.Invoice.TotalDue = -999_00, -998_00, -748_00
	noPeriod := bill(unsubscribed, thisMonth())
	noPeriod.Invoice.Period, noPeriod.Invoice.Number = domain.Period{}, ""
	lateDue := bill(unsubscribed, thisMonth())
	lateDue.Invoice.DueOn = lateDue.Invoice.IssuedOn.AddDays(-1)

	for name, c := range map[string]struct {
		file any
		want []string
	}{
		"unknown account":         {[]issuedInvoice{good, bill("1100099999", thisMonth())}, []string{"запись 2 (лицевой счёт 1100099999", "такого лицевого счёта нет"}},
		"twice in the file":       {[]issuedInvoice{good, good}, []string{"запись 2", "уже есть в записи 1"}},
		"already in the database": {[]issuedInvoice{good, bill(unsubscribed, last)}, []string{"запись 2 (лицевой счёт " + unsubscribed + ", " + last.String(), "уже загружен", "ничего не загружено"}},
		"sums do not add up":      {[]issuedInvoice{good, badTotal}, []string{"запись 2", "к оплате (total_due_kop) 100 коп., а", "дают 125000 коп."}},
		"negative line":           {[]issuedInvoice{negative}, []string{"строка 1: объём, цена и сумма не могут быть отрицательными"}},
		"missing fields":          {[]issuedInvoice{noPeriod}, []string{"не указан расчётный период", "не указан номер счёта"}},
		"due before issued":       {[]issuedInvoice{lateDue}, []string{"срок оплаты", "раньше даты выставления"}},
		"unknown field":           {[]map[string]any{{"account": subscribed, "invoce": good.Invoice}}, []string{"не читается", "invoce"}},
		"empty":                   {[]issuedInvoice{}, []string{"нет ни одного счёта"}},
		"not an array":            {map[string]any{"account": subscribed}, []string{"не читается как JSON-массив"}},
	} {
		var out bytes.Buffer
		err := invoices(context.Background(), []string{"import", "-db", db, writeJSON(t, c.file)}, &out)
		if err == nil {
			t.Errorf("%s: imported: %s", name, out.String())
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: the message lacks %q:\n%v", name, w, err)
			}
		}
		if out.Len() != 0 {
			t.Errorf("%s: printed %q", name, out.String())
		}
		if after := state(t, db); after != before {
			t.Errorf("%s: the database changed:\n%s\n%s", name, before, after)
		}
	}
	for _, args := range [][]string{nil, {"export"}, {"import", "-db", db}, {"import", "-db", filepath.Join(t.TempDir(), "none.db"), writeJSON(t, []issuedInvoice{good})}} {
		if err := invoices(context.Background(), args, io.Discard); err == nil {
			t.Errorf("invoices %q succeeded", args)
		}
	}
}

// TestServeEmailsImportedBills: a portal with SMTP settings sends the bill
// imported for a subscriber; with -demo and no SMTP server it writes the
// letter into mail beside the database; with neither, it says the letters
// wait.
func TestServeEmailsImportedBills(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the portal")
	}
	db := demoFile(t)
	file := writeJSON(t, []issuedInvoice{bill(subscribed, thisMonth()), bill(unsubscribed, thisMonth())})
	if err := invoices(context.Background(), []string{"import", "-db", db, file}, io.Discard); err != nil {
		t.Fatal(err)
	}

	// Neither SMTP nor -demo: the letter waits.
	logs, stop := startServe(t, "-addr", "127.0.0.1:0", "-db", db)
	stop()
	if !strings.Contains(logs.String(), "they wait in the queue") || !strings.Contains(logs.String(), "pending=1") {
		t.Errorf("no word of the waiting letter:\n%s", logs)
	}

	// SMTP: the letter goes to the subscriber.
	srv := startTestSMTP(t)
	t.Setenv("KABINET_SMTP_PASSWORD", "")
	logs, stop = startServe(t, "-addr", "127.0.0.1:0", "-db", db, "-smtp-host", "127.0.0.1", "-smtp-port", strconv.Itoa(srv.port),
		"-smtp-tls", "none", "-smtp-from", "bills@komiesc.example")
	deadline := time.Now().Add(30 * time.Second)
	for len(srv.rcpts()) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	if got := srv.rcpts(); len(got) != 1 || got[0] != "kuznetsov.an@example.com" {
		t.Fatalf("letters to %q; log:\n%s", got, logs)
	}
	if strings.Contains(logs.String(), "kuznetsov") {
		t.Errorf("the log names the subscriber:\n%s", logs)
	}

	// -demo without SMTP: the next bill becomes an .eml file.
	file = writeJSON(t, []issuedInvoice{bill(subscribed, thisMonth().AddMonths(1))})
	if err := invoices(context.Background(), []string{"import", "-db", db, file}, io.Discard); err != nil {
		t.Fatal(err)
	}
	logs, stop = startServe(t, "-demo", "-addr", "127.0.0.1:0", "-db", db)
	var files []string
	for deadline := time.Now().Add(30 * time.Second); len(files) == 0 && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
		files, _ = filepath.Glob(filepath.Join(filepath.Dir(db), "mail", "*.eml"))
	}
	stop()
	if len(files) != 1 {
		t.Fatalf(".eml files %v; log:\n%s", files, logs)
	}
	if b, _ := os.ReadFile(files[0]); !bytes.Contains(b, []byte("To: <kuznetsov.an@example.com>")) || !bytes.Contains(b, []byte("application/pdf")) {
		t.Errorf("the .eml file:\n%.600s", b)
	}
}

// startServe runs serve with args until the returned stop is called.
func startServe(t *testing.T, args ...string) (*syncBuffer, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- serve(ctx, args, logs) }()
	for deadline := time.Now().Add(30 * time.Second); !listening.MatchString(logs.String()); {
		select {
		case err := <-done:
			cancel()
			t.Fatalf("serve stopped: %v\n%s", err, logs)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve did not start:\n%s", logs)
		}
	}
	return logs, func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}
}

// testSMTP is an SMTP server on 127.0.0.1 that accepts every letter and
// keeps its recipients.
type testSMTP struct {
	port int
	mu   sync.Mutex
	to   []string
}

func (s *testSMTP) rcpts() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.to...)
}

func startTestSMTP(t *testing.T) *testSMTP {
	t.Helper()
	s := &testSMTP{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &smtpSession{srv: s}, nil }))
	srv.Domain = "localhost"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.port = ln.Addr().(*net.TCPAddr).Port
	done := make(chan struct{})
	go func() { srv.Serve(ln); close(done) }()
	t.Cleanup(func() { srv.Close(); <-done })
	return s
}

type smtpSession struct {
	srv *testSMTP
	to  []string
}

func (ss *smtpSession) Mail(string, *smtp.MailOptions) error { return nil }
func (ss *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}
func (ss *smtpSession) Data(r io.Reader) error {
	if _, err := io.Copy(io.Discard, r); err != nil {
		return err
	}
	ss.srv.mu.Lock()
	ss.srv.to = append(ss.srv.to, ss.to...)
	ss.srv.mu.Unlock()
	return nil
}
func (ss *smtpSession) Reset()        { ss.to = nil }
func (ss *smtpSession) Logout() error { return nil }
