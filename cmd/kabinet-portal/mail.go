package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"path/filepath"
	"strconv"

	"kabinet/internal/domain"
	"kabinet/internal/mailer"
	"kabinet/internal/portaldb"
)

// mailFlags are the settings of e-mailed bills.
type mailFlags struct {
	host, port, user, from, fromName, tls, dir *string
}

// demoFrom is the sender of the demo's .eml files when -smtp-from is not set.
const demoFrom = "noreply@example.com"

func addMailFlags(fs *flag.FlagSet) *mailFlags {
	return &mailFlags{
		host:     fs.String("smtp-host", env("KABINET_SMTP_HOST", ""), "SMTP server e-mailed bills are sent through; unset, they wait in the queue (KABINET_SMTP_HOST; the password only from KABINET_SMTP_PASSWORD)"),
		port:     fs.String("smtp-port", env("KABINET_SMTP_PORT", strconv.Itoa(mailer.DefaultPort)), "SMTP port: 587 STARTTLS, 465 TLS from the start (KABINET_SMTP_PORT)"),
		user:     fs.String("smtp-user", env("KABINET_SMTP_USER", ""), "SMTP login; empty sends without one (KABINET_SMTP_USER)"),
		from:     fs.String("smtp-from", env("KABINET_SMTP_FROM", ""), "sender address of e-mailed bills, e.g. bills@example.ru (KABINET_SMTP_FROM)"),
		fromName: fs.String("smtp-from-name", env("KABINET_SMTP_FROM_NAME", mailer.DefaultFromName), "sender name of e-mailed bills (KABINET_SMTP_FROM_NAME)"),
		tls:      fs.String("smtp-tls", env("KABINET_SMTP_TLS", string(mailer.TLSMandatory)), "SMTP encryption: mandatory, opportunistic or none (KABINET_SMTP_TLS)"),
		dir:      fs.String("mail-dir", env("KABINET_MAIL_DIR", ""), "write e-mailed bills as .eml files into this folder instead of sending them (KABINET_MAIL_DIR; with -demo and no -smtp-host: mail beside the database)"),
	}
}

// mailRunner returns the Runner that delivers e-mailed bills, or nil when
// there is nowhere to deliver them:
//
//   - with -smtp-host, through the SMTP server;
//   - with -mail-dir, or -demo without -smtp-host, as .eml files in a
//     folder (mail beside the database), like the demo's SMS file;
//   - otherwise nowhere: the jobs stay pending in the database, nothing is
//     lost, and a portal started later with SMTP settings sends them.
func mailRunner(ctx context.Context, f *mailFlags, password string, demoMode bool, dbPath string, db *portaldb.DB,
	win domain.SubmissionWindow, contactPhone string, obs mailer.Observer, log *slog.Logger) (*mailer.Runner, error) {
	tls, err := mailer.ParseTLSPolicy(*f.tls)
	if err != nil {
		return nil, err
	}
	port, err := strconv.Atoi(*f.port)
	if err != nil {
		return nil, fmt.Errorf("-smtp-port %q: write a number, e.g. 587", *f.port)
	}
	cfg := mailer.Config{Host: *f.host, Port: port, Username: *f.user, Password: password, TLS: tls,
		From: *f.from, FromName: *f.fromName, ContactPhone: contactPhone, Instance: db.Epoch()}
	switch {
	case cfg.Host != "":
	case *f.dir != "" || demoMode:
		cfg.Dir = *f.dir
		if cfg.Dir == "" {
			cfg.Dir = filepath.Join(dataDir(dbPath), "mail")
		}
		if cfg.From == "" {
			cfg.From = demoFrom
		}
	default:
		pending, _, _, err := db.MailJobCounts(ctx)
		if err != nil {
			return nil, err
		}
		log.Warn("e-mailed bills are not sent: no SMTP server is set (-smtp-host); they wait in the queue", "pending", pending)
		return nil, nil
	}
	sender, err := mailer.NewSender(cfg)
	if err != nil {
		return nil, fmt.Errorf("e-mailed bills: %w", err)
	}
	if cfg.Dir != "" {
		log.Info("e-mailed bills are written to a folder", "dir", cfg.Dir)
	} else {
		log.Info("e-mailed bills are sent", "smtp", sender.Destination(), "tls", tls)
	}
	return mailer.NewRunner(mailer.RunnerConfig{Queue: db, Sender: sender, Window: win, Logger: log, Observer: obs})
}

// runMail runs r until ctx ends; the returned function waits for it to
// stop, which takes at most the letter being sent. A nil r runs nothing.
func runMail(ctx context.Context, r *mailer.Runner) (wait func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		if r != nil {
			r.Run(ctx)
		}
	}()
	return func() { <-done }
}
