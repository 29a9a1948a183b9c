package main

import (
	"log/slog"

	"kabinet/internal/domain"
	"kabinet/internal/mailer"
	"kabinet/internal/portaldb"
	"kabinet/internal/reminders"
	"kabinet/internal/sms"
)

// remindersRunner returns the Runner of the reading-window reminders and
// the receipts' echoes (internal/reminders). Its letters go the way the
// bills go (mailRun's Sender); without one they wait in the database, as
// the bills do. Its SMS go through the portal's SMS sender.
func remindersRunner(db *portaldb.DB, mailRun *mailer.Runner, sender sms.Sender, win domain.SubmissionWindow,
	contactPhone, signature string, log *slog.Logger) (*reminders.Runner, error) {
	cfg := reminders.Config{Store: db, SMS: sender, Window: win, Logger: log,
		Texts: reminders.Texts{Signature: signature, ContactPhone: contactPhone}}
	if mailRun != nil {
		cfg.Mail = mailRun.Sender()
		cfg.Texts.FromName = mailRun.Sender().Config().FromName
	} else {
		log.Warn("reading reminders by e-mail are not sent: no SMTP server is set (-smtp-host); they wait in the queue")
	}
	return reminders.New(cfg)
}
