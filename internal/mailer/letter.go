package mailer

import "context"

// Letter is a plain-text letter of another service that sends through the
// mailer's server or folder (the reading reminders and receipts). Key makes
// its Message-ID: the same Key, the same Message-ID, so a letter sent again
// after a crash is recognised as the first one.
type Letter struct {
	// JobID names the job in errors (which never name the address).
	JobID   int64
	Key     string
	To      string
	Subject string
	Body    string
}

// letterMessageID is l's Message-ID without the angle brackets.
func (c Config) letterMessageID(l Letter) string {
	id := safeToken(l.Key)
	if c.Instance != "" {
		id += "." + safeToken(c.Instance)
	}
	return id + "@" + c.fromDomain()
}

// SendLetter sends l. A failure is an *Error.
func (s *Sender) SendLetter(ctx context.Context, l Letter) error {
	m, err := s.cfg.newMsg(Job{ID: l.JobID, To: l.To}, l.Subject, s.cfg.letterMessageID(l), l.Body)
	if err != nil {
		return err
	}
	return s.send(ctx, m)
}

// Sender returns the Runner's Sender, so other letters (the reading
// reminders) go the same way as the bills.
func (r *Runner) Sender() *Sender { return r.sender }
