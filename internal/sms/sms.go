// Package sms sends text messages (one-time codes, reminders) to customers'
// phones.
//
// Two senders are provided: FileSender appends messages to a local file, for
// development, demos and installations without a gateway; HTTPSender posts
// them to an operator-configured SMS gateway. Both log only masked phone
// numbers: a log is read by more people than the customer database is.
package sms

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Message is one SMS.
type Message struct {
	// Phone is the recipient in E.164 form, e.g. "+79123456789".
	Phone string
	Text  string
}

// Sender delivers a Message. Implementations are safe for concurrent use.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// ErrInvalidPhone is returned by senders for a phone that is not in E.164
// form ("+" and 8 to 15 digits). Senders check it because the phone is
// written into files and gateway requests verbatim.
var ErrInvalidPhone = errors.New("sms: phone is not in +<digits> form")

// ErrEmptyText is returned by senders for a message without text, which is
// always a bug in the caller and would still cost money at a gateway.
var ErrEmptyText = errors.New("sms: empty message text")

func validate(m Message) error {
	if !isE164(m.Phone) {
		return fmt.Errorf("%w: %s", ErrInvalidPhone, MaskPhone(m.Phone))
	}
	if strings.TrimSpace(m.Text) == "" {
		return ErrEmptyText
	}
	return nil
}

func isE164(p string) bool {
	if len(p) < 9 || len(p) > 16 || p[0] != '+' || p[1] == '0' {
		return false
	}
	for i := 1; i < len(p); i++ {
		if p[i] < '0' || p[i] > '9' {
			return false
		}
	}
	return true
}

// MaskPhone hides the subscriber part of a Russian phone number for logs:
// "+79123456789" becomes "+7 912 ***-**-89". The operator code stays so
// support can tell a wrong-operator problem from a wrong-number one, the
// last two digits so a customer can recognise their number on the phone.
// Separators and a leading 8 are accepted; anything else that is not an
// 11-digit Russian number gives "***", so a malformed value never reaches a
// log unmasked.
func MaskPhone(phone string) string {
	s := strings.TrimSpace(phone)
	plus := strings.HasPrefix(s, "+")
	if plus {
		s = s[1:]
	}
	digits := make([]byte, 0, 11)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits = append(digits, c)
		case c == ' ' || c == '-' || c == '(' || c == ')':
		default:
			return "***"
		}
	}
	if len(digits) != 11 || !(digits[0] == '7' || digits[0] == '8' && !plus) {
		return "***"
	}
	return "+7 " + string(digits[1:4]) + " ***-**-" + string(digits[9:11])
}

// phoneDigits is the phone without the plus, the form many gateways want.
func phoneDigits(phone string) string {
	return strings.TrimPrefix(phone, "+")
}
