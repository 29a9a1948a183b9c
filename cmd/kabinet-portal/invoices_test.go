package main

import (
	"bytes"
	"context"
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

// kuznetsov gets his bills by e-mail, ivanova on paper only.
var kuznetsov, ivanova = "1100023456", "1100012345"

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

// billFile writes the billing system's file with a bill for period p for
// each account: 1 000 ₽ of electricity on top of 250 ₽ brought forward.
func billFile(t *testing.T, p domain.Period, accounts ...string) string {
	t.Helper()
	var entries []string
	for _, a := range accounts {
		entries = append(entries, fmt.Sprintf(`{"account": %q, "invoice": {"number": "%s-%d", "period": %q,
			"issued_on": %q, "due_on": %q,
			"lines": [{"service": "Электроснабжение", "zone": "t1", "volume": "150", "unit": "кВт·ч", "price_kop": 666, "amount_kop": 100000}],
			"brought_forward_kop": 25000, "charged_kop": 100000, "total_due_kop": 125000}}`,
			a, a, p.Month, p.String(), p.AddMonths(1).First().String(), p.AddMonths(1).First().AddDays(9).String()))
	}
	path := filepath.Join(t.TempDir(), "invoices.json")
	if err := os.WriteFile(path, []byte("["+strings.Join(entries, ",\n")+"]"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestInvoicesImport: the operator imports the billing system's file and
// is told what was loaded; a wrong command line or a missing database
// loads nothing (the file's checks are exchange's, tested there).
func TestInvoicesImport(t *testing.T) {
	db := demoFile(t)
	file := billFile(t, thisMonth(), kuznetsov, ivanova)
	for _, args := range [][]string{nil, {"export"}, {"import", "-db", db}, {"import", "-db", filepath.Join(t.TempDir(), "none.db"), file}} {
		if err := invoices(context.Background(), args, io.Discard); err == nil {
			t.Errorf("invoices %q succeeded", args)
		}
	}
	var out bytes.Buffer
	if err := invoices(context.Background(), []string{"import", "-db", db, file}, &out); err != nil {
		t.Fatal(err)
	}
	if want := "Загружено счетов: 2. Писем со счётом поставлено в очередь: 1.\n"; out.String() != want {
		t.Errorf("output %q, want %q", out.String(), want)
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
	file := billFile(t, thisMonth(), kuznetsov, ivanova)
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
	file = billFile(t, thisMonth().AddMonths(1), kuznetsov)
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
