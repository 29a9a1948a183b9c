package mailer

import (
	"bytes"
	"fmt"
	netmail "net/mail"
	"strconv"
	"strings"

	"github.com/wneessen/go-mail"

	"kabinet/internal/domain"
)

// Bill is one letter to send: the job it delivers, the invoice it tells
// about and the invoice's PDF.
type Bill struct {
	Job     Job
	Invoice domain.Invoice
	PDF     []byte
}

// Subject is the letter's subject: «Счёт за ноябрь 2026 — лицевой счёт
// 1100023456».
func (b Bill) Subject() string {
	return "Счёт за " + b.Job.Period.Russian() + " — лицевой счёт " + b.Job.Account
}

// AttachmentName is the PDF's file name: schet-2026-11-1100023456.pdf,
// Latin only, so every mail program and file system keeps it.
func (b Bill) AttachmentName() string {
	return "schet-" + b.Job.Period.String() + "-" + safeToken(b.Job.Account) + ".pdf"
}

// Body is the letter's plain text.
func (b Bill) Body(contactPhone, fromName string) string {
	var s strings.Builder
	inv := b.Invoice
	s.WriteString("Здравствуйте!\n\n")
	fmt.Fprintf(&s, "Выставлен счёт за %s года по лицевому счёту %s.\n\n", b.Job.Period.Russian(), b.Job.Account)
	switch {
	case inv.TotalDue > 0 && !inv.DueOn.IsZero():
		fmt.Fprintf(&s, "Сумма к оплате: %s. Оплатите, пожалуйста, до %s.\n\n", inv.TotalDue, longDate(inv.DueOn))
	case inv.TotalDue > 0:
		fmt.Fprintf(&s, "Сумма к оплате: %s.\n\n", inv.TotalDue)
	case inv.TotalDue == 0:
		s.WriteString("Оплачивать ничего не нужно: задолженности нет.\n\n")
	default:
		fmt.Fprintf(&s, "Оплачивать ничего не нужно: переплата %s будет учтена в следующем счёте.\n\n", -inv.TotalDue)
	}
	s.WriteString("Счёт приложен к письму в формате PDF. Его можно распечатать, а оплатить — по QR-коду на счёте в приложении банка.\n\n")
	s.WriteString("Чтобы не получать счета по электронной почте, снимите отметку «Получать счета по электронной почте» в разделе «Подписки» личного кабинета.\n\n")
	if contactPhone != "" {
		fmt.Fprintf(&s, "Вопросы по счёту можно задать по телефону контакт-центра %s.\n\n", contactPhone)
	}
	s.WriteString("Это письмо отправлено автоматически, отвечать на него не нужно.\n\n")
	s.WriteString(fromName + "\n")
	return s.String()
}

// longDate writes «10 декабря 2026 года».
func longDate(d domain.Date) string {
	return fmt.Sprintf("%d %s %d года", d.Day, domain.MonthGenitive(d.Month), d.Year)
}

// MessageID is the letter's Message-ID without the angle brackets. It
// depends only on the job, so a letter sent again after a crash carries
// the same one as the first (see the package comment).
func (c Config) MessageID(j Job) string {
	id := "bill." + safeToken(j.InvoiceID) + "." + strconv.FormatInt(j.ID, 10)
	if c.Instance != "" {
		id += "." + safeToken(c.Instance)
	}
	return id + "@" + c.fromDomain()
}

// safeToken keeps letters, digits and -_ of s, replacing the rest with -:
// what a Message-ID or a file name may hold.
func safeToken(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return r
		}
		return '-'
	}, s)
}

// Notice is a letter that tells of a change to the account's settings:
// today only MailEmailChanged, to the old address.
type Notice struct {
	Job Job
}

// Subject is the notice's subject.
func (n Notice) Subject() string {
	return "Изменён адрес электронной почты в личном кабинете"
}

// Body is the notice's plain text. It names the new address only masked
// (Job.Note), so the letter gives away nothing to whoever reads the old
// mailbox.
func (n Notice) Body(contactPhone, fromName string) string {
	var s strings.Builder
	s.WriteString("Здравствуйте!\n\n")
	if n.Job.Note != "" {
		fmt.Fprintf(&s, "В личном кабинете изменён адрес электронной почты: теперь письма приходят на %s. На этот адрес письма больше не придут.\n\n", n.Job.Note)
	} else {
		s.WriteString("В личном кабинете удалён адрес электронной почты: на этот адрес письма больше не придут.\n\n")
	}
	s.WriteString("Если это сделали вы, ничего делать не нужно.\n\n")
	if contactPhone != "" {
		fmt.Fprintf(&s, "Если это были не вы, сразу позвоните в контакт-центр: %s. Вам помогут вернуть доступ к личному кабинету.\n\n", contactPhone)
	} else {
		s.WriteString("Если это были не вы, сразу позвоните в контакт-центр: вам помогут вернуть доступ к личному кабинету.\n\n")
	}
	s.WriteString("Это письмо отправлено автоматически, отвечать на него не нужно.\n\n")
	s.WriteString(fromName + "\n")
	return s.String()
}

// noticeMessageID is a notice's Message-ID, stable across attempts like a
// bill's.
func (c Config) noticeMessageID(j Job) string {
	id := "notice." + safeToken(j.Kind) + "." + strconv.FormatInt(j.ID, 10)
	if c.Instance != "" {
		id += "." + safeToken(c.Instance)
	}
	return id + "@" + c.fromDomain()
}

// newMsg starts an automatic letter from the company to j's address.
func (c Config) newMsg(j Job, subject, messageID, body string) (*mail.Msg, error) {
	m := mail.NewMsg(mail.WithCharset(mail.CharsetUTF8), mail.WithEncoding(mail.EncodingQP), mail.WithNoDefaultUserAgent())
	// FromMailAddress, not FromFormat: the company's name has quotes in it,
	// which net/mail encodes properly.
	m.FromMailAddress(&netmail.Address{Name: c.FromName, Address: c.From})
	if err := m.To(j.To); err != nil {
		// go-mail's error names the address; this one does not.
		return nil, &Error{Stage: "address", Permanent: true, err: fmt.Errorf("the recipient's address of job %d is not valid", j.ID)}
	}
	m.Subject(subject)
	m.SetDateWithValue(c.Now())
	m.SetMessageIDWithValue(messageID)
	m.SetUserAgent("Kabinet")
	// An automatic letter (RFC 3834): no out-of-office replies to it.
	m.SetGenHeader(mail.Header("Auto-Submitted"), "auto-generated")
	m.SetGenHeader(mail.HeaderXAutoResponseSuppress, "All")
	m.SetBodyString(mail.TypeTextPlain, body)
	return m, nil
}

// composeNotice builds the letter of n.
func (c Config) composeNotice(n Notice) (*mail.Msg, error) {
	return c.newMsg(n.Job, n.Subject(), c.noticeMessageID(n.Job), n.Body(c.ContactPhone, c.FromName))
}

// compose builds the letter of b.
func (c Config) compose(b Bill) (*mail.Msg, error) {
	m, err := c.newMsg(b.Job, b.Subject(), c.MessageID(b.Job), b.Body(c.ContactPhone, c.FromName))
	if err != nil {
		return nil, err
	}
	if err := m.AttachReader(b.AttachmentName(), bytes.NewReader(b.PDF), mail.WithFileContentType("application/pdf")); err != nil {
		return nil, fmt.Errorf("mailer: attach the bill of job %d: %w", b.Job.ID, err)
	}
	return m, nil
}
