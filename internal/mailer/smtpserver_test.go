package mailer

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// smtpServer is an SMTP server on 127.0.0.1 that keeps what it accepts.
// Its Rcpt hook decides the answer to each RCPT TO, so a test can make the
// server refuse a mailbox for a while (451) or for good (550).
type smtpServer struct {
	host string
	port int

	mu       sync.Mutex
	received []received
	rcpts    int // RCPT TO commands seen
	// rcpt answers RCPT TO; nil accepts.
	rcpt func(to string, n int) error
}

// received is one accepted letter.
type received struct {
	From string
	To   []string
	Data []byte
}

func startSMTP(t *testing.T) *smtpServer {
	t.Helper()
	s := &smtpServer{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{srv: s}, nil }))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().(*net.TCPAddr)
	s.host, s.port = addr.IP.String(), addr.Port
	done := make(chan struct{})
	go func() { srv.Serve(ln); close(done) }()
	t.Cleanup(func() { srv.Close(); <-done })
	return s
}

// config returns a Config that sends to s.
func (s *smtpServer) config() Config {
	return Config{Host: s.host, Port: s.port, TLS: TLSNone, Timeout: 5 * time.Second,
		From: "bills@komiesc.example", ContactPhone: "8 800 200-83-05", Instance: "test"}
}

func (s *smtpServer) setRcpt(f func(to string, n int) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rcpt = f
}

func (s *smtpServer) letters() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.received...)
}

func (s *smtpServer) rcptCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rcpts
}

type session struct {
	srv  *smtpServer
	from string
	to   []string
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error { ss.from = from; return nil }

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.srv.mu.Lock()
	ss.srv.rcpts++
	n, f := ss.srv.rcpts, ss.srv.rcpt
	ss.srv.mu.Unlock()
	if f != nil {
		if err := f(to, n); err != nil {
			return err
		}
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.srv.mu.Lock()
	ss.srv.received = append(ss.srv.received, received{From: ss.from, To: ss.to, Data: b})
	ss.srv.mu.Unlock()
	return nil
}

func (ss *session) Reset()        { ss.from, ss.to = "", nil }
func (ss *session) Logout() error { return nil }

// refuse is an SMTP error reply.
func refuse(code int, enhanced smtp.EnhancedCode, text string) error {
	return &smtp.SMTPError{Code: code, EnhancedCode: enhanced, Message: text}
}

// letter is a received letter taken apart.
type letter struct {
	Header         mail.Header
	Subject        string
	Body           string
	AttachmentName string
	AttachmentType string
	Attachment     []byte
}

// parseLetter takes a letter apart as a mail program would.
func parseLetter(t *testing.T, data []byte) letter {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var l letter
	l.Header = m.Header
	dec := new(mime.WordDecoder)
	if l.Subject, err = dec.DecodeHeader(m.Header.Get("Subject")); err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err == nil && mt == "text/plain" {
		// A notice: text only.
		var r io.Reader = m.Body
		if m.Header.Get("Content-Transfer-Encoding") == "quoted-printable" {
			r = quotedprintable.NewReader(m.Body)
		}
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		l.Body = string(b)
		return l
	}
	if err != nil || mt != "multipart/mixed" {
		t.Fatalf("Content-Type %q: %v", m.Header.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		var r io.Reader = p
		switch p.Header.Get("Content-Transfer-Encoding") {
		case "base64":
			r = base64.NewDecoder(base64.StdEncoding, p)
		case "quoted-printable":
			r = quotedprintable.NewReader(p)
		}
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		ct, ctp, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		switch {
		case p.FileName() != "":
			l.AttachmentName, l.AttachmentType, l.Attachment = p.FileName(), ct, b
		case ct == "text/plain":
			if cs := strings.ToLower(ctp["charset"]); cs != "utf-8" {
				t.Errorf("the text's charset is %q, want utf-8", cs)
			}
			l.Body = string(b)
		}
	}
	return l
}

// pdfText extracts a PDF's text with pdftotext, or skips the test when it
// is not installed.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext is not installed")
	}
	path := filepath.Join(t.TempDir(), "bill.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// digitsOnly keeps the digits of s: amounts are compared whatever spaces
// and separators the PDF puts between them.
func digitsOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}
