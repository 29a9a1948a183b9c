package mailer

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
)

// TLSPolicy says how the connection to the SMTP server is encrypted.
type TLSPolicy string

// TLS policies. On port 465 the connection is TLS from the first byte
// (SMTPS) whatever the policy; elsewhere it is upgraded with STARTTLS.
const (
	// TLSMandatory refuses to send unless the server offers STARTTLS.
	TLSMandatory TLSPolicy = "mandatory"
	// TLSOpportunistic uses STARTTLS when the server offers it.
	TLSOpportunistic TLSPolicy = "opportunistic"
	// TLSNone never encrypts: a relay on the same host or in tests only.
	TLSNone TLSPolicy = "none"
)

// ParseTLSPolicy reads a TLS policy as an operator writes it.
func ParseTLSPolicy(s string) (TLSPolicy, error) {
	switch p := TLSPolicy(strings.ToLower(strings.TrimSpace(s))); p {
	case TLSMandatory, TLSOpportunistic, TLSNone:
		return p, nil
	case "":
		return TLSMandatory, nil
	}
	return "", fmt.Errorf("mailer: TLS policy %q: write mandatory, opportunistic or none", s)
}

// Defaults applied to zero fields of Config.
const (
	DefaultPort     = 587
	DefaultFromName = "АО «Коми энергосбытовая компания»"
	DefaultTimeout  = 30 * time.Second
)

// Config is how bills are e-mailed: the SMTP server, the sender, and what
// the letter names. Zero fields take the documented defaults.
type Config struct {
	// Host is the SMTP server. It is required unless Dir is set.
	Host string
	// Port defaults to 587 (submission with STARTTLS); 465 means SMTPS.
	Port int
	// Username and Password log in when Username is set.
	Username, Password string
	// TLS defaults to TLSMandatory.
	TLS TLSPolicy
	// Timeout bounds the connection and each command of the SMTP dialogue;
	// it defaults to 30 s.
	Timeout time.Duration

	// From is the sender's address, e.g. bills@komiesc.ru; required.
	From string
	// FromName is the sender's name; it defaults to DefaultFromName.
	FromName string
	// ContactPhone is the contact centre's phone the letter names.
	ContactPhone string
	// Instance tells this database's letters from another's in their
	// Message-IDs (job and invoice ids start again in a new database);
	// portaldb's Epoch fits.
	Instance string

	// Dir, when set, replaces the SMTP server: every letter is written to
	// the folder as an .eml file, for the demo and test stands.
	Dir string

	// Now is the clock for the letter's Date and the bill's «Сформировано»;
	// nil means time.Now.
	Now func() time.Time
}

// withDefaults returns c with its zero fields filled, or why c cannot work.
func (c Config) withDefaults() (Config, error) {
	if c.Port == 0 {
		c.Port = DefaultPort
	}
	if c.FromName == "" {
		c.FromName = DefaultFromName
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	var err error
	if c.TLS, err = ParseTLSPolicy(string(c.TLS)); err != nil {
		return c, err
	}
	var errs []error
	if c.Host == "" && c.Dir == "" {
		errs = append(errs, errors.New("mailer: the SMTP host is not set"))
	}
	if c.Port < 1 || c.Port > 65535 {
		errs = append(errs, fmt.Errorf("mailer: SMTP port %d is not a port", c.Port))
	}
	if a, err := mail.ParseAddress(c.From); err != nil || a.Name != "" || a.Address != c.From {
		errs = append(errs, fmt.Errorf("mailer: the sender's address %q: write it as bills@example.ru", c.From))
	}
	return c, errors.Join(errs...)
}

// fromDomain is the part of From after the @, the domain of Message-IDs.
func (c Config) fromDomain() string {
	_, d, _ := strings.Cut(c.From, "@")
	return d
}
