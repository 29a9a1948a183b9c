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

	"kabinet/internal/domain"
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
		return fmt.Errorf("%w: %s", ErrInvalidPhone, domain.MaskPhone(m.Phone))
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

// phoneDigits is the phone without the plus, the form many gateways want.
func phoneDigits(phone string) string {
	return strings.TrimPrefix(phone, "+")
}
