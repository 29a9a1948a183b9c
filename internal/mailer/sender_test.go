package mailer

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"kabinet/internal/domain"
	"kabinet/internal/pdf"
)

// renderBill renders the invoice of the job as the Runner does.
func renderBill(t *testing.T, job Job, inv domain.Invoice) Bill {
	t.Helper()
	var buf bytes.Buffer
	if err := pdf.Invoice(&buf, kuznetsovDocument(t), job.InvoiceID, pdf.Options{Now: func() time.Time { return testNow }}); err != nil {
		t.Fatal(err)
	}
	return Bill{Job: job, Invoice: inv, PDF: buf.Bytes()}
}

// TestLetterArrivesWithBillAttached: Kuznetsov's bill leaves as a Russian
// letter a mail program shows properly, with the bill's PDF attached.
func TestLetterArrivesWithBillAttached(t *testing.T) {
	srv := startSMTP(t)
	cfg := srv.config()
	cfg.Now = func() time.Time { return testNow }
	s, err := NewSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	job, inv := kuznetsovJob(t)
	job.ID = 42
	if err := s.Send(context.Background(), renderBill(t, job, inv)); err != nil {
		t.Fatal(err)
	}

	got := srv.letters()
	if len(got) != 1 {
		t.Fatalf("%d letters arrived, want 1", len(got))
	}
	if got[0].From != "bills@komiesc.example" || len(got[0].To) != 1 || got[0].To[0] != kuznetsovEmail {
		t.Errorf("envelope: from %q to %q", got[0].From, got[0].To)
	}
	l := parseLetter(t, got[0].Data)
	wantSubject := "Счёт за " + inv.Period.Russian() + " — лицевой счёт " + kuznetsovAccount
	if l.Subject != wantSubject {
		t.Errorf("subject %q, want %q", l.Subject, wantSubject)
	}
	if raw := l.Header.Get("Subject"); !strings.HasPrefix(raw, "=?UTF-8?") {
		t.Errorf("the subject is not MIME-encoded: %q", raw)
	}
	from, err := l.Header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != DefaultFromName || from[0].Address != "bills@komiesc.example" {
		t.Errorf("From %q: %v %v", l.Header.Get("From"), from, err)
	}
	if to, err := l.Header.AddressList("To"); err != nil || len(to) != 1 || to[0].Address != kuznetsovEmail {
		t.Errorf("To %q: %v", l.Header.Get("To"), err)
	}
	wantID := "<bill." + inv.ID + ".42.test@komiesc.example>"
	if id := l.Header.Get("Message-Id"); id != wantID {
		t.Errorf("Message-ID %q, want %q", id, wantID)
	}
	if d, err := l.Header.Date(); err != nil || !d.Equal(testNow) {
		t.Errorf("Date %q: %v", l.Header.Get("Date"), err)
	}
	due := longDate(inv.DueOn)
	for _, want := range []string{"Здравствуйте!", inv.Period.Russian() + " года", kuznetsovAccount, inv.TotalDue.String(), due,
		"PDF", "QR-код", "«Подписки»", "8 800 200-83-05", DefaultFromName} {
		if !strings.Contains(l.Body, want) {
			t.Errorf("the text lacks %q:\n%s", want, l.Body)
		}
	}
	wantName := "schet-" + inv.Period.String() + "-" + kuznetsovAccount + ".pdf"
	if l.AttachmentName != wantName || l.AttachmentType != "application/pdf" {
		t.Errorf("attachment %q (%s), want %q (application/pdf)", l.AttachmentName, l.AttachmentType, wantName)
	}
	if !bytes.HasPrefix(l.Attachment, []byte("%PDF")) {
		t.Fatalf("the attachment is not a PDF: %.20q", l.Attachment)
	}
	text := pdfText(t, l.Attachment)
	if !strings.Contains(text, kuznetsovAccount) {
		t.Errorf("the PDF's text lacks the account number:\n%s", text)
	}
	if !strings.Contains(digitsOnly(text), digitsOnly(inv.TotalDue.String())) {
		t.Errorf("the PDF's text lacks the sum %s", inv.TotalDue)
	}
}

func TestBodyAmounts(t *testing.T) {
	b := Bill{Job: Job{Account: "1100023456", Period: domain.Period{Year: 2026, Month: time.November}}}
	for _, c := range []struct {
		total domain.Kopecks
		due   domain.Date
		want  string
	}{
		{123456, domain.NewDate(2026, time.December, 10), "Сумма к оплате: 1\u202f234,56 ₽. Оплатите, пожалуйста, до 10 декабря 2026 года."},
		{5000, domain.Date{}, "Сумма к оплате: 50,00 ₽.\n"},
		{0, domain.NewDate(2026, time.December, 10), "Оплачивать ничего не нужно: задолженности нет."},
		{-5000, domain.NewDate(2026, time.December, 10), "Оплачивать ничего не нужно: переплата 50,00 ₽ будет учтена в следующем счёте."},
	} {
		b.Invoice = domain.Invoice{TotalDue: c.total, DueOn: c.due}
		if body := b.Body("", "X"); !strings.Contains(body, c.want) {
			t.Errorf("total %d: the text lacks %q:\n%s", c.total, c.want, body)
		}
	}
	if body := b.Body("", "X"); strings.Contains(body, "телефону") {
		t.Errorf("no contact phone, yet the text names one:\n%s", body)
	}
}

func TestConfigChecks(t *testing.T) {
	for name, c := range map[string]Config{
		"no host":     {From: "bills@example.ru"},
		"no from":     {Host: "smtp.example.ru"},
		"named from":  {Host: "smtp.example.ru", From: "Счета <bills@example.ru>"},
		"bad port":    {Host: "smtp.example.ru", From: "bills@example.ru", Port: 70000},
		"bad policy":  {Host: "smtp.example.ru", From: "bills@example.ru", TLS: "always"},
		"bad address": {Host: "smtp.example.ru", From: "bills"},
	} {
		if _, err := NewSender(c); err == nil {
			t.Errorf("%s: NewSender accepted %+v", name, c)
		}
	}
	for _, c := range []Config{
		{Host: "smtp.example.ru", From: "bills@example.ru"},
		{Host: "smtp.example.ru", From: "bills@example.ru", Port: 465, Username: "u", Password: "p"},
		{Dir: "mail", From: "bills@example.ru"},
	} {
		if _, err := NewSender(c); err != nil {
			t.Errorf("NewSender(%+v): %v", c, err)
		}
	}
	for in, want := range map[string]TLSPolicy{"": TLSMandatory, "Mandatory": TLSMandatory, " opportunistic ": TLSOpportunistic, "none": TLSNone} {
		if got, err := ParseTLSPolicy(in); err != nil || got != want {
			t.Errorf("ParseTLSPolicy(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

// TestErrorsAreClassified: what the server answers decides whether a
// letter is retried, given up, or waits for the server.
func TestErrorsAreClassified(t *testing.T) {
	srv := startSMTP(t)
	s, err := NewSender(srv.config())
	if err != nil {
		t.Fatal(err)
	}
	job, inv := kuznetsovJob(t)
	bill := renderBill(t, job, inv)
	for _, c := range []struct {
		reply           error
		permanent, srvr bool
		code            int
	}{
		{refuse(451, smtp.EnhancedCode{4, 3, 0}, "Try again later"), false, false, 451},
		{refuse(550, smtp.EnhancedCode{5, 1, 1}, "<"+kuznetsovEmail+">: Recipient address rejected"), true, false, 550},
		{refuse(452, smtp.EnhancedCode{4, 2, 2}, "Mailbox full"), false, false, 452},
	} {
		srv.setRcpt(func(string, int) error { return c.reply })
		err := s.Send(context.Background(), bill)
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("%v: error %T %v", c.reply, err, err)
		}
		if e.Permanent != c.permanent || e.Server != c.srvr || e.Code != c.code || e.Stage != "recipient" {
			t.Errorf("%v: got %+v", c.reply, e)
		}
		if strings.Contains(e.Error(), "@") {
			t.Errorf("the error names the address: %s", e)
		}
	}

	// A server that is not there fails every letter alike.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := srv.config()
	cfg.Port = ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	down, err := NewSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	err = down.Send(context.Background(), bill)
	var e *Error
	if !errors.As(err, &e) || !e.Server || e.Permanent || e.Stage != "connect" {
		t.Errorf("no server: %v", err)
	}

	// STARTTLS required but not offered: the letter is not sent in clear.
	cfg = srv.config()
	cfg.TLS = TLSMandatory
	strict, err := NewSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv.setRcpt(nil)
	before := len(srv.letters())
	if err := strict.Send(context.Background(), bill); !errors.As(err, &e) || !e.Server {
		t.Errorf("mandatory TLS without STARTTLS: %v", err)
	}
	if len(srv.letters()) != before {
		t.Error("a letter went in clear although TLS is mandatory")
	}
}

// TestDirWritesEML: in the demo, letters become .eml files, one per job,
// readable by the owner only; a letter sent again replaces its copy.
func TestDirWritesEML(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mail")
	s, err := NewSender(Config{Dir: dir, From: "bills@komiesc.example", Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	job, inv := kuznetsovJob(t)
	job.ID = 7
	bill := renderBill(t, job, inv)
	for range 2 {
		if err := s.Send(context.Background(), bill); err != nil {
			t.Fatal(err)
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(files) != 1 || filepath.Base(files[0]) != "bill."+inv.ID+".7.eml" {
		t.Fatalf("files %v", files)
	}
	fi, _ := os.Stat(files[0])
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode())
	}
	data, _ := os.ReadFile(files[0])
	if l := parseLetter(t, data); !bytes.HasPrefix(l.Attachment, []byte("%PDF")) || !strings.Contains(l.Subject, kuznetsovAccount) {
		t.Errorf("the .eml file: subject %q, attachment %.10q", l.Subject, l.Attachment)
	}
}
