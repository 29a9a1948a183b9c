// Command kabinet-portal is the portal server the Kabinet app syncs with.
//
//	kabinet-portal [-demo] [-addr 127.0.0.1:8080] [-db kabinet-portal.db] [-smtp-host smtp.example.ru -smtp-from bills@example.ru] …
//	kabinet-portal otp -db kabinet-portal.db -customer 100001
//	kabinet-portal invoices import -db kabinet-portal.db invoices.json
//	kabinet-portal export readings|questions|profile-changes -db kabinet-portal.db -cursor-file readings.cursor -o readings.jsonl
//	kabinet-portal import customers|tariffs|accounts|meters|payments|invoices -db kabinet-portal.db [-format csv|jsonl] [-create] FILE
//	kabinet-portal payments refund -db kabinet-portal.db [-amount 123,45] pay_…
//	kabinet-portal staff add -db kabinet-portal.db -login ivanova -role operator
//	kabinet-portal -backoffice-addr 127.0.0.1:8081 …   (the contact centre's pages, docs/backoffice.md)
//	kabinet-portal service-token add -db kabinet-portal.db -name billing -scopes import:*,export:readings
//
// import loads a file of the billing system, all of it or — on any mistake,
// every bad line listed with its number — nothing (docs/exchange-import.md).
//
// Every flag can also be set by the environment variable named in its help.
//
// The portal e-mails every bill issued for an account subscribed to
// e-mailed bills (see internal/mailer): through the SMTP server of
// -smtp-host; into .eml files in a folder with -mail-dir, or with -demo
// when no SMTP server is set; with neither, the letters wait in the
// database until a portal with SMTP settings sends them. The same way, and
// by SMS, it reminds the customers subscribed to reminders of the reading
// window and echoes each accepted reading's receipt (internal/reminders).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"kabinet/internal/demo"
	"kabinet/internal/domain"
	"kabinet/internal/portal"
	"kabinet/internal/portaldb"
	"kabinet/internal/reminders"
	"kabinet/internal/serviceapi"
	"kabinet/internal/sms"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch {
	case len(os.Args) > 1 && os.Args[1] == "otp":
		err = otp(ctx, os.Args[2:], os.Stdout)
	case len(os.Args) > 1 && os.Args[1] == "import":
		err = importCmd(ctx, os.Args[2:], os.Stdout)
	case len(os.Args) > 1 && os.Args[1] == "invoices":
		err = invoices(ctx, os.Args[2:], os.Stdout)
	case len(os.Args) > 1 && os.Args[1] == "export":
		err = exportCmd(ctx, os.Args[2:], os.Stdout, os.Stderr)
	case len(os.Args) > 1 && os.Args[1] == "payments":
		err = paymentsCmd(ctx, os.Args[2:], os.Stdout)
	case len(os.Args) > 1 && os.Args[1] == "staff":
		err = staffCmd(ctx, os.Args[2:], os.Stdin, os.Stdout)
	case len(os.Args) > 1 && os.Args[1] == "service-token":
		err = serviceToken(ctx, os.Args[2:], os.Stdout)
	default:
		err = serve(ctx, os.Args[1:], os.Stderr)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "kabinet-portal:", err)
		os.Exit(1)
	}
}

// envDuration returns the environment's duration for name ("5s"), or def
// when it is unset or unreadable.
func envDuration(name string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv(name)); err == nil {
		return d
	}
	return def
}

// env returns the environment's value for name, or def.
func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

func serve(ctx context.Context, args []string, logOut io.Writer) error {
	fs := flag.NewFlagSet("kabinet-portal", flag.ContinueOnError)
	addr := fs.String("addr", env("KABINET_PORTAL_ADDR", "127.0.0.1:8080"), "address to listen on (KABINET_PORTAL_ADDR)")
	dbPath := fs.String("db", env("KABINET_PORTAL_DB", "kabinet-portal.db"), dbUsage)
	demoMode := fs.Bool("demo", env("KABINET_PORTAL_DEMO", "") == "1", "load the demo customers into an empty database and accept readings every day (KABINET_PORTAL_DEMO=1)")
	window := fs.String("window", env("KABINET_READING_WINDOW", ""), "days of the month readings are accepted, e.g. 18-25 (KABINET_READING_WINDOW; default 18-25, 1-31 with -demo)")
	smsFile := fs.String("sms-file", env("KABINET_SMS_FILE", ""), "file the default SMS sender appends messages to (KABINET_SMS_FILE; default: sms.txt beside the database)")
	smsURL := fs.String("sms-url", env("KABINET_SMS_URL", ""), "HTTP SMS gateway URL; when set, SMS go there instead of the file (KABINET_SMS_URL)")
	smsUser := fs.String("sms-user", env("KABINET_SMS_USER", ""), "SMS gateway basic-auth user (KABINET_SMS_USER)")
	smsTemplate := fs.String("sms-template", env("KABINET_SMS_TEMPLATE", ""), "SMS gateway request body, a Go template over .Phone .PhoneDigits .Text (KABINET_SMS_TEMPLATE)")
	smsContentType := fs.String("sms-content-type", env("KABINET_SMS_CONTENT_TYPE", ""), "SMS gateway request content type (KABINET_SMS_CONTENT_TYPE; default application/json)")
	smsSignature := fs.String("sms-signature", env("KABINET_SMS_SIGNATURE", reminders.DefaultSignature), "who the reminder SMS say they are from (KABINET_SMS_SIGNATURE)")
	contactPhone := fs.String("contact-phone", env("KABINET_CONTACT_PHONE", "8 800 200-83-05"), "contact-centre phone named in messages (KABINET_CONTACT_PHONE)")
	trustProxy := fs.String("trust-proxy", env("KABINET_TRUST_PROXY", ""), "addresses or networks of the reverse proxies in front of the portal, e.g. 10.0.0.5,192.168.1.0/24: "+
		"for requests from them the client address is read from X-Forwarded-For, walking back past the trusted proxies; empty: the connection's address (KABINET_TRUST_PROXY)")
	logJSON := fs.Bool("log-json", env("KABINET_LOG_JSON", "") == "1", "log in JSON instead of text (KABINET_LOG_JSON=1)")
	drain := fs.Duration("drain", envDuration("KABINET_DRAIN", 0), "on SIGTERM, go on serving this long with /readyz answering 503, so the proxy takes this instance out first, e.g. 5s (KABINET_DRAIN; default 0)")
	metricsAddr := fs.String("metrics-addr", env("KABINET_METRICS_ADDR", ""), "address of Prometheus /metrics, e.g. 127.0.0.1:9090; keep it off the public network; empty: none (KABINET_METRICS_ADDR)")
	backofficeAddr := fs.String("backoffice-addr", env("KABINET_BACKOFFICE_ADDR", ""), "address of the contact centre's back office, e.g. 127.0.0.1:8081, behind a TLS proxy only; empty: off (KABINET_BACKOFFICE_ADDR)")
	backofficeInsecure := fs.Bool("backoffice-insecure-cookie", env("KABINET_BACKOFFICE_INSECURE_COOKIE", "") == "1",
		"send the back office's session cookie over plain http too: for development on 127.0.0.1 only (KABINET_BACKOFFICE_INSECURE_COOKIE=1)")
	mail := addMailFlags(fs)
	pay := addPayFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	// Secrets come only from the environment: a flag would show in ps.
	smsPassword, smsToken := os.Getenv("KABINET_SMS_PASSWORD"), os.Getenv("KABINET_SMS_TOKEN")
	smtpPassword := os.Getenv("KABINET_SMTP_PASSWORD")
	paySecret := os.Getenv("KABINET_PAY_SECRET_KEY")

	var handler slog.Handler = slog.NewTextHandler(logOut, nil)
	if *logJSON {
		handler = slog.NewJSONHandler(logOut, nil)
	}
	log := slog.New(handler)

	proxies, err := portal.ParseTrustedProxies(*trustProxy)
	if err != nil {
		return fmt.Errorf("-trust-proxy: %w", err)
	}

	win := domain.DefaultWindow
	if *demoMode {
		win = domain.AlwaysOpen
	}
	if *window != "" {
		var err error
		if win, err = parseWindow(*window); err != nil {
			return err
		}
	}

	db, err := portaldb.Open(ctx, *dbPath, portaldb.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	if *demoMode {
		loaded, err := demo.Load(ctx, db, time.Now())
		if err != nil {
			return err
		}
		if loaded {
			log.Info("demo data loaded", "customers", len(demo.Customers))
		}
	}

	var sender sms.Sender
	if *smsURL != "" {
		sender, err = sms.NewHTTPSender(sms.HTTPConfig{URL: *smsURL, Username: *smsUser, Password: smsPassword, Token: smsToken,
			BodyTemplate: *smsTemplate, ContentType: *smsContentType, Logger: log})
		if err != nil {
			return err
		}
	} else {
		path := *smsFile
		if path == "" {
			path = filepath.Join(dataDir(*dbPath), "sms.txt")
		}
		sender = sms.NewFileSender(path, log, *demoMode)
		log.Info("SMS are written to a file", "file", path)
	}

	m, stopMetrics, err := serveMetrics(*metricsAddr, db, log)
	if err != nil {
		return err
	}
	defer stopMetrics()
	sender = m.SMS(sender)

	mailRun, err := mailRunner(ctx, mail, smtpPassword, *demoMode, *dbPath, db, win, *contactPhone, m.MailObserver(), log)
	if err != nil {
		return err
	}
	remindRun, err := remindersRunner(db, mailRun, sender, win, *contactPhone, *smsSignature, log)
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	payCfg, stopPay, err := paymentConfig(pay, paySecret, *demoMode, "http://"+ln.Addr().String(), log)
	if err != nil {
		ln.Close()
		return err
	}
	defer stopPay()
	srv, err := portal.New(ctx, portal.Config{DB: db, SMS: sender, Logger: log, Window: win, ContactPhone: *contactPhone,
		TrustedProxies: proxies, Metrics: m, Payments: payCfg, DrainDelay: *drain,
		Service: serviceapi.New(serviceapi.Config{DB: db, Logger: log})})
	if err != nil {
		ln.Close()
		return err
	}
	// The back office stops with the portal, whatever stopped it.
	backofficeCtx, stopBackoffice := context.WithCancel(ctx)
	defer stopBackoffice()
	backofficeDone, err := startBackoffice(backofficeCtx, *backofficeAddr, *backofficeInsecure, db, sender, payCfg.Provider, proxies, *contactPhone, log)
	if err != nil {
		ln.Close()
		return err
	}
	log.Info("kabinet-portal listening", "url", "http://"+ln.Addr().String(), "db", redactDSN(*dbPath), "demo", *demoMode,
		"window", fmt.Sprintf("%d-%d", win.StartDay, win.EndDay))
	mailCtx, stopMail := context.WithCancel(ctx)
	mailDone := runMail(mailCtx, mailRun)
	remindDone := make(chan struct{})
	go func() {
		defer close(remindDone)
		remindRun.Run(mailCtx)
	}()
	reconciled := make(chan struct{})
	go func() {
		defer close(reconciled)
		srv.RunPaymentReconciler(mailCtx, *pay.reconcile)
	}()
	err = portal.Serve(ctx, ln, srv)
	stopBackoffice()
	err = errors.Join(err, backofficeDone())
	stopMail()
	mailDone()
	<-remindDone
	<-reconciled
	log.Info("kabinet-portal stopped")
	return err
}

// parseWindow reads «18-25».
func parseWindow(s string) (domain.SubmissionWindow, error) {
	a, b, ok := strings.Cut(s, "-")
	start, err1 := strconv.Atoi(strings.TrimSpace(a))
	end, err2 := strconv.Atoi(strings.TrimSpace(b))
	w := domain.SubmissionWindow{StartDay: start, EndDay: end, Location: domain.Moscow}
	if !ok || errors.Join(err1, err2) != nil {
		return w, fmt.Errorf("-window %q: write it as START-END, e.g. 18-25", s)
	}
	return w, w.Validate()
}

// otp prints a one-time password for the contact centre to read out.
func otp(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("kabinet-portal otp", flag.ContinueOnError)
	dbPath := fs.String("db", env("KABINET_PORTAL_DB", "kabinet-portal.db"), dbUsage)
	customer := fs.String("customer", "", "customer number")
	ttl := fs.Duration("ttl", 24*time.Hour, "how long the password may wait for its one login")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *customer == "" {
		return errors.New("otp: -customer is required")
	}
	if err := mustExist(*dbPath); err != nil {
		return fmt.Errorf("otp: %w", err)
	}
	db, err := portaldb.Open(ctx, *dbPath, portaldb.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	pw, err := portal.IssueOneTimePassword(ctx, db, *customer, *ttl)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Одноразовый пароль для клиента %s: %s\nОн действует для одного входа в течение %s; после входа клиент придумает свой пароль.\n", *customer, pw, *ttl)
	return nil
}
