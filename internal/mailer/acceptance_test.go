package mailer

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"kabinet/internal/auth"
	"kabinet/internal/demo"
	"kabinet/internal/domain"
	"kabinet/internal/portaldb"
)

// Ivanova's account is not subscribed to e-mailed bills.
const ivanovaAccount = "1100012345"

// demoDB opens a new portal database file with the demo customers as of
// now(). With realPasswords the demo is loaded exactly as `kabinet-portal
// -demo` does; without, the password hashing is skipped.
func demoDB(t *testing.T, path string, now func() time.Time, realPasswords bool) *portaldb.DB {
	t.Helper()
	ctx := context.Background()
	db, err := portaldb.Open(ctx, path, portaldb.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	hash := auth.HashPassword
	if !realPasswords {
		hash = func(string) (string, error) { return "not-a-hash", nil }
	}
	seed, err := demo.Build(now(), hash)
	if err != nil {
		t.Fatal(err)
	}
	if realPasswords {
		if loaded, err := demo.Load(ctx, db, now()); err != nil || !loaded {
			t.Fatalf("demo.Load: %v %v", loaded, err)
		}
		return db
	}
	if err := db.LoadSeed(ctx, seed); err != nil {
		t.Fatal(err)
	}
	return db
}

// issue issues the bill of period for the account, as the billing system
// would: the account's latest bill carried forward to the period.
func issue(t *testing.T, db *portaldb.DB, account string, period domain.Period) (string, domain.Invoice) {
	t.Helper()
	ctx := context.Background()
	id, err := db.AccountIDByNumber(ctx, account)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := db.AccountDocumentByID(ctx, id, domain.DefaultWindow)
	if err != nil {
		t.Fatal(err)
	}
	prev := doc.Invoices[0]
	inv := domain.Invoice{
		Number:         account + "-" + strings.ReplaceAll(period.String(), "-", ""),
		Period:         period,
		IssuedOn:       period.AddMonths(1).First(),
		DueOn:          domain.NewDate(period.Year, period.Month+1, 10),
		Lines:          prev.Lines,
		BroughtForward: prev.TotalDue - prev.TotalDue/2, // half of the last bill unpaid
	}
	for _, l := range inv.Lines {
		inv.Charged += l.Amount
	}
	inv.TotalDue = inv.BroughtForward + inv.Charged
	var invoiceID string
	err = db.Write(ctx, func(tx *portaldb.Tx) error {
		invoiceID, err = tx.IssueInvoice(ctx, id, inv)
		return err
	})
	if err != nil {
		t.Fatalf("IssueInvoice %s %s: %v", account, period, err)
	}
	return invoiceID, inv
}

func dbRunner(t *testing.T, q Queue, srv *smtpServer, now func() time.Time, tweak func(*RunnerConfig)) (*Runner, *syncBuffer) {
	t.Helper()
	cfg := srv.config()
	cfg.Now = now
	s, err := NewSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	logger, buf := testLogger()
	rc := RunnerConfig{Queue: q, Sender: s, Logger: logger}
	if tweak != nil {
		tweak(&rc)
	}
	r, err := NewRunner(rc)
	if err != nil {
		t.Fatal(err)
	}
	return r, buf
}

func counts(t *testing.T, db *portaldb.DB) [3]int {
	t.Helper()
	p, s, f, err := db.MailJobCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return [3]int{p, s, f}
}

// TestSubscribedDemoAccountReceivesItsBill is the issue's acceptance test:
// a subscribed demo account receives its e-mailed bill in the SMTP test;
// an account not subscribed receives nothing.
func TestSubscribedDemoAccountReceivesItsBill(t *testing.T) {
	db := demoDB(t, filepath.Join(t.TempDir(), "portal.db"), time.Now, true)
	period := domain.DateOf(time.Now(), domain.Moscow).Period()
	invoiceID, inv := issue(t, db, kuznetsovAccount, period)
	issue(t, db, ivanovaAccount, period)
	if c := counts(t, db); c != [3]int{1, 0, 0} {
		t.Fatalf("mail jobs pending/sent/failed = %v after two bills, one subscribed", c)
	}

	srv := startSMTP(t)
	r, log := dbRunner(t, db, srv, time.Now, nil)
	if _, err := r.SendDue(context.Background()); err != nil {
		t.Fatal(err)
	}

	got := srv.letters()
	if len(got) != 1 {
		t.Fatalf("%d letters arrived, want 1", len(got))
	}
	if len(got[0].To) != 1 || got[0].To[0] != kuznetsovEmail {
		t.Errorf("the letter went to %q, want %s", got[0].To, kuznetsovEmail)
	}
	l := parseLetter(t, got[0].Data)
	if want := "Счёт за " + period.Russian() + " — лицевой счёт " + kuznetsovAccount; l.Subject != want {
		t.Errorf("subject %q, want %q", l.Subject, want)
	}
	if !strings.Contains(l.Body, inv.TotalDue.String()) || !strings.Contains(l.Body, longDate(inv.DueOn)) {
		t.Errorf("the text lacks the sum %s or the date %s:\n%s", inv.TotalDue, longDate(inv.DueOn), l.Body)
	}
	if !strings.Contains(l.Header.Get("Message-Id"), "bill."+invoiceID+".") {
		t.Errorf("Message-ID %q does not name invoice %s", l.Header.Get("Message-Id"), invoiceID)
	}
	if !bytes.HasPrefix(l.Attachment, []byte("%PDF")) {
		t.Fatalf("the attachment is not a PDF")
	}
	text := pdfText(t, l.Attachment)
	if !strings.Contains(text, kuznetsovAccount) {
		t.Errorf("the PDF's text lacks the account number:\n%s", text)
	}
	if !strings.Contains(text, "Счёт за "+period.Russian()) {
		t.Errorf("the PDF is not the bill for %s:\n%s", period.Russian(), text)
	}
	if !strings.Contains(digitsOnly(text), digitsOnly(inv.TotalDue.String())) {
		t.Errorf("the PDF's text lacks the sum %s:\n%s", inv.TotalDue, text)
	}
	if c := counts(t, db); c != [3]int{0, 1, 0} {
		t.Errorf("mail jobs pending/sent/failed = %v, want one sent", c)
	}
	if strings.Contains(log.String(), "@") {
		t.Errorf("the log holds an address:\n%s", log)
	}
}

// TestRestartDoesNotResend: a new Runner, on the database opened anew as
// after a restart, sends nothing that was sent.
func TestRestartDoesNotResend(t *testing.T) {
	path := filepath.Join(t.TempDir(), "portal.db")
	clk := newClock()
	db := demoDB(t, path, clk.Now, false)
	issue(t, db, kuznetsovAccount, domain.DateOf(clk.Now(), domain.Moscow).Period())
	srv := startSMTP(t)
	r, _ := dbRunner(t, db, srv, clk.Now, nil)
	if n, err := r.SendDue(context.Background()); n != 1 || err != nil {
		t.Fatalf("SendDue = %d, %v", n, err)
	}

	reopened, err := portaldb.Open(context.Background(), path, portaldb.Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer reopened.Close()
	clk.Add(3 * time.Hour) // past every lease and backoff
	r2, _ := dbRunner(t, reopened, srv, clk.Now, nil)
	if n, err := r2.SendDue(context.Background()); n != 0 || err != nil {
		t.Errorf("after the restart SendDue = %d, %v; want nothing sent", n, err)
	}
	if got := len(srv.letters()); got != 1 {
		t.Errorf("%d letters arrived, want 1", got)
	}
}

// diesAfterAccept is a portal killed after the SMTP server accepted a
// letter and before the job was marked sent.
type diesAfterAccept struct{ Queue }

func (diesAfterAccept) MailJobSent(context.Context, int64, time.Time) error {
	return errors.New("killed")
}

// TestCrashAfterAcceptResendsWithSameMessageID: the one duplicate the
// package allows comes after the lease, and carries the first letter's
// Message-ID.
func TestCrashAfterAcceptResendsWithSameMessageID(t *testing.T) {
	clk := newClock()
	db := demoDB(t, filepath.Join(t.TempDir(), "portal.db"), clk.Now, false)
	issue(t, db, kuznetsovAccount, domain.DateOf(clk.Now(), domain.Moscow).Period())
	srv := startSMTP(t)
	dying, _ := dbRunner(t, diesAfterAccept{db}, srv, clk.Now, nil)
	dying.SendDue(context.Background())
	next, _ := dbRunner(t, db, srv, clk.Now, nil)
	if n, _ := next.SendDue(context.Background()); n != 0 {
		t.Errorf("the job was sent again while leased")
	}
	clk.Add(DefaultLease)
	if n, _ := next.SendDue(context.Background()); n != 1 {
		t.Errorf("the job was not sent again after the lease")
	}
	got := srv.letters()
	if len(got) != 2 {
		t.Fatalf("%d letters arrived, want 2", len(got))
	}
	first, second := parseLetter(t, got[0].Data).Header.Get("Message-Id"), parseLetter(t, got[1].Data).Header.Get("Message-Id")
	if first == "" || first != second {
		t.Errorf("Message-IDs %q and %q differ", first, second)
	}
	clk.Add(24 * time.Hour)
	if n, _ := next.SendDue(context.Background()); n != 0 || counts(t, db) != [3]int{0, 1, 0} {
		t.Errorf("after the resend: SendDue = %d, counts %v", n, counts(t, db))
	}
}

// TestTwoPortalsShareTheQueue: two Runners, each on its own connection to
// the database file as two portal processes would be, send every letter
// exactly once.
func TestTwoPortalsShareTheQueue(t *testing.T) {
	path := filepath.Join(t.TempDir(), "portal.db")
	clk := newClock()
	db := demoDB(t, path, clk.Now, false)
	period := domain.DateOf(clk.Now(), domain.Moscow).Period()
	for _, acc := range []string{kuznetsovAccount, "2200010001", "2200010002"} {
		for m := range 3 {
			issue(t, db, acc, period.AddMonths(m))
		}
	}
	other, err := portaldb.Open(context.Background(), path, portaldb.Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	srv := startSMTP(t)
	batch1 := func(rc *RunnerConfig) { rc.Batch = 1 }
	r1, _ := dbRunner(t, db, srv, clk.Now, batch1)
	r2, _ := dbRunner(t, other, srv, clk.Now, batch1)
	var wg sync.WaitGroup
	tried := make([]int, 2)
	for i, r := range []*Runner{r1, r2} {
		wg.Go(func() {
			n, err := r.SendDue(context.Background())
			if err != nil {
				t.Error(err)
			}
			tried[i] = n
		})
	}
	wg.Wait()
	t.Logf("the runners sent %v letters", tried)
	seen := map[string]int{}
	for _, l := range srv.letters() {
		seen[parseLetter(t, l.Data).Header.Get("Message-Id")]++
	}
	if len(seen) != 9 || tried[0]+tried[1] != 9 {
		t.Errorf("%d different letters arrived, %v tried; want 9", len(seen), tried)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("%s arrived %d times", id, n)
		}
	}
	if c := counts(t, db); c != [3]int{0, 9, 0} {
		t.Errorf("mail jobs pending/sent/failed = %v", c)
	}
}
