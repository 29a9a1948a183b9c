package mailer

import (
	"context"
	"errors"
	"fmt"
	"net/textproto"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/wneessen/go-mail"
)

// Sender composes a bill's letter and sends it: through the SMTP server of
// its Config, or into its Dir as an .eml file. It is safe for concurrent
// use; every letter goes over a connection of its own.
type Sender struct {
	cfg    Config
	client *mail.Client // nil when letters go to cfg.Dir
}

// NewSender checks cfg and returns a Sender for it. It does not connect.
func NewSender(cfg Config) (*Sender, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Sender{cfg: cfg}
	if cfg.Dir != "" {
		return s, nil
	}
	opts := []mail.Option{mail.WithPort(cfg.Port), mail.WithTimeout(cfg.Timeout)}
	switch {
	case cfg.Port == 465:
		opts = append(opts, mail.WithSSL())
	case cfg.TLS == TLSNone:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	case cfg.TLS == TLSOpportunistic:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	}
	if cfg.Username != "" {
		// AUTODISCOVER picks the strongest mechanism the server offers and
		// sends no password in the clear over an unencrypted connection.
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover),
			mail.WithUsername(cfg.Username), mail.WithPassword(cfg.Password))
	}
	if s.client, err = mail.NewClient(cfg.Host, opts...); err != nil {
		return nil, fmt.Errorf("mailer: %w", err)
	}
	return s, nil
}

// Config returns the Sender's configuration with the defaults filled in.
func (s *Sender) Config() Config { return s.cfg }

// Destination describes where letters go, for the log: «smtp.example.ru:587»
// or the folder.
func (s *Sender) Destination() string {
	if s.client == nil {
		return s.cfg.Dir
	}
	return s.client.ServerAddr()
}

// Send composes b's letter and sends it. A failure is an *Error.
func (s *Sender) Send(ctx context.Context, b Bill) error {
	m, err := s.cfg.compose(b)
	if err != nil {
		return err
	}
	return s.send(ctx, m)
}

// SendNotice composes n's letter and sends it. A failure is an *Error.
func (s *Sender) SendNotice(ctx context.Context, n Notice) error {
	m, err := s.cfg.composeNotice(n)
	if err != nil {
		return err
	}
	return s.send(ctx, m)
}

func (s *Sender) send(ctx context.Context, m *mail.Msg) error {
	if s.client == nil {
		return s.writeFile(m)
	}
	conn, err := s.client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		// Reaching the server, TLS and the login: nothing of the letter was
		// said yet, so it is the server's failure, whatever the code.
		e := &Error{Stage: "connect", Server: true, err: err}
		var tp *textproto.Error
		if errors.As(err, &tp) {
			e.Code = tp.Code
		}
		return e
	}
	err = s.client.SendWithSMTPClient(conn, m)
	// QUIT's answer changes nothing: the letter was accepted or not before it.
	s.client.CloseWithSMTPClient(conn)
	if m.IsDelivered() {
		// Accepted after DATA: a later failure (RSET) does not undo that.
		return nil
	}
	if err == nil {
		return &Error{Stage: "data", err: errors.New("the server did not confirm the letter")}
	}
	return classify(err)
}

// classify turns go-mail's error into an Error without the address that
// go-mail's message holds.
func classify(err error) *Error {
	var se *mail.SendError
	if !errors.As(err, &se) {
		return &Error{Stage: "send", err: err}
	}
	e := &Error{Code: se.ErrorCode(), Enhanced: se.EnhancedStatusCode()}
	refused := e.Code >= 500 && e.Code < 600
	switch se.Reason {
	case mail.ErrSMTPRcptTo:
		e.Stage, e.Permanent = "recipient", refused
	case mail.ErrSMTPData, mail.ErrSMTPDataClose:
		e.Stage, e.Permanent = "data", refused
	case mail.ErrWriteContent:
		e.Stage = "data"
	case mail.ErrSMTPMailFrom:
		// The sender is refused for every letter alike: a setting to fix,
		// not a letter to give up on.
		e.Stage, e.Server = "sender", true
	case mail.ErrGetRcpts, mail.ErrGetSender:
		e.Stage, e.Permanent = "address", true
	default:
		e.Stage, e.Server = "connect", true
	}
	return e
}

// writeFile writes m into the Dir as <Message-ID>.eml, readable by the
// owner only (it holds an address and a bill). The file appears whole or
// not at all, and a letter sent again replaces its first copy.
func (s *Sender) writeFile(m *mail.Msg) error {
	if err := os.MkdirAll(s.cfg.Dir, 0o700); err != nil {
		return &Error{Stage: "write", Server: true, err: err}
	}
	id := strings.Trim(m.GetMessageID(), "<>")
	id, _, _ = strings.Cut(id, "@")
	path := filepath.Join(s.cfg.Dir, id+".eml")
	f, err := os.CreateTemp(s.cfg.Dir, ".letter-*")
	if err != nil {
		return &Error{Stage: "write", Server: true, err: err}
	}
	_, err = m.WriteTo(f)
	err = errors.Join(err, f.Chmod(0o600), f.Sync(), f.Close())
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return &Error{Stage: "write", Server: true, err: err}
	}
	return nil
}

// Error is a letter that was not sent, told by what sending it again can
// change. Its text holds no e-mail address.
type Error struct {
	// Stage is where sending failed: connect (including TLS and the
	// login), sender, recipient, data, address, send or write (Dir).
	Stage string
	// Code is the SMTP reply code, 0 when the server gave none.
	Code int
	// Enhanced is the enhanced status code, e.g. 5.1.1, when the server
	// gave one.
	Enhanced string
	// Permanent is a refusal of this letter: sent again, it would be
	// refused again.
	Permanent bool
	// Server is a failure of the server or its settings, not of the
	// letter: every letter fails alike until it is fixed.
	Server bool
	// err is the cause when it holds no address (go-mail's SendError,
	// which names the recipient, is never kept).
	err error
}

func (e *Error) Error() string {
	s := "mailer: " + e.Stage + " failed"
	if e.Code != 0 {
		s += ": SMTP " + strconv.Itoa(e.Code)
		if e.Enhanced != "" {
			s += " " + e.Enhanced
		}
	}
	if e.err != nil {
		s += ": " + redact(e.err.Error())
	}
	return s
}

func (e *Error) Unwrap() error { return e.err }

// addressLike is anything that looks like an e-mail address.
var addressLike = regexp.MustCompile(`[^\s<>"'(),;:]+@[^\s<>"'(),;:]+`)

// redact hides e-mail addresses in s, in case a server echoed one where it
// was not expected.
func redact(s string) string { return addressLike.ReplaceAllString(s, "<адрес скрыт>") }
