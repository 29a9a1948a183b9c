// Package backoffice is the contact centre's web pages: staff log in
// (argon2id, roles operator, editor and admin), find a customer by customer
// number, phone or account, issue a one-time password, answer customers'
// questions, and edit the news, «О сервисе» and FAQ the apps and search
// show. Every action goes to the audit log.
//
// The pages are server-rendered html/template, no script at all, served on
// a listener of their own (kept off the public network, behind a TLS
// proxy). Everything lives in the portal's database — sessions too — so
// any portal instance serves any request. A session's cookie is HttpOnly,
// Secure and SameSite=Strict; every POST carries the session's CSRF token,
// checked in constant time, and an Origin (or Referer) of this site.
package backoffice

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"kabinet/internal/payments"
	"kabinet/internal/portal"
	"kabinet/internal/portaldb"
	"kabinet/internal/sms"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Config is what a Server is built from.
type Config struct {
	DB *portaldb.DB
	// SMS sends the notice to a customer's phone that a one-time password
	// was issued.
	SMS    sms.Sender
	Logger *slog.Logger
	// Now is the clock of sessions and the audit log; nil: time.Now.
	Now func() time.Time
	// InsecureCookie leaves Secure off the session cookie, for plain http
	// on 127.0.0.1 in development and tests only: a browser sends a
	// Secure cookie over https alone.
	InsecureCookie bool
	// TrustedProxies are the proxies whose X-Forwarded-For names the
	// client address the audit log and the login throttle keep.
	TrustedProxies []netip.Prefix
	// ContactPhone is the contact centre's phone, named in the notice SMS.
	ContactPhone string
	// OTPTTL is how long a one-time password waits for its login; 0: 24 h.
	OTPTTL time.Duration
	// Payments is the online payments' provider admins refund through;
	// nil: no refunds here.
	Payments payments.Provider
	// IdleTimeout ends a session this long after its last request (0: 30
	// minutes); MaxSession this long after the login (0: 12 hours).
	IdleTimeout, MaxSession time.Duration
}

// Server serves the back office's pages.
type Server struct {
	db           *portaldb.DB
	sms          sms.Sender
	log          *slog.Logger
	now          func() time.Time
	secure       bool
	proxies      []netip.Prefix
	contactPhone string
	otpTTL       time.Duration
	limits       portaldb.StaffSessionLimits
	provider     payments.Provider
	pages        map[string]*template.Template

	// Password guessing: attempts per login and per client address, in
	// the database, so every instance and restart shares the count.
	loginByName *portaldb.RateLimit
	loginByAddr *portaldb.RateLimit

	background sync.WaitGroup
	mux        *http.ServeMux
}

// Login attempts allowed: per login, and per client address (a contact
// centre's operators may share one address behind its NAT).
const (
	attemptsPerLogin   = 10
	attemptsPerAddress = 50
	attemptsWindow     = 15 * time.Minute
)

// New builds a Server; its templates are parsed once, here.
func New(cfg Config) (*Server, error) {
	if cfg.DB == nil {
		return nil, errors.New("backoffice: a database is required")
	}
	if cfg.SMS == nil {
		return nil, errors.New("backoffice: an SMS sender is required")
	}
	s := &Server{db: cfg.DB, sms: cfg.SMS, log: cfg.Logger, now: cfg.Now, secure: !cfg.InsecureCookie,
		proxies: cfg.TrustedProxies, contactPhone: cfg.ContactPhone, otpTTL: cfg.OTPTTL, provider: cfg.Payments,
		limits: portaldb.StaffSessionLimits{Idle: cfg.IdleTimeout, Absolute: cfg.MaxSession}}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.contactPhone == "" {
		s.contactPhone = "8 800 200-83-05"
	}
	if s.otpTTL == 0 {
		s.otpTTL = 24 * time.Hour
	}
	if s.limits.Idle == 0 {
		s.limits.Idle = 30 * time.Minute
	}
	if s.limits.Absolute == 0 {
		s.limits.Absolute = 12 * time.Hour
	}
	var err error
	if s.pages, err = parsePages(); err != nil {
		return nil, err
	}
	s.loginByName = s.db.RateLimit("staff_login", attemptsPerLogin, attemptsWindow, s.log)
	s.loginByAddr = s.db.RateLimit("staff_address", attemptsPerAddress, attemptsWindow, s.log)
	s.routes()
	return s, nil
}

// parsePages parses each page's template with the layout around it.
func parsePages() (map[string]*template.Template, error) {
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, name := range names {
		page := name[len("templates/") : len(name)-len(".html")]
		if page == "layout" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", name)
		if err != nil {
			return nil, fmt.Errorf("backoffice: template %s: %w", page, err)
		}
		pages[page] = t
	}
	return pages, nil
}

func (s *Server) routes() {
	m := http.NewServeMux()
	static, _ := fs.Sub(staticFiles, "static")
	m.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	m.HandleFunc("GET /login", s.loginPage)
	m.HandleFunc("POST /login", s.login)
	m.HandleFunc("POST /logout", s.staffOnly(s.logout, anyRole...))
	m.HandleFunc("GET /{$}", s.staffOnly(s.home, anyRole...))

	m.HandleFunc("GET /customers", s.staffOnly(s.customers, operators...))
	m.HandleFunc("GET /customers/{number}", s.staffOnly(s.customer, operators...))
	m.HandleFunc("POST /customers/{number}/otp", s.staffOnly(s.issueOTP, operators...))
	m.HandleFunc("POST /customers/{number}/payments/{id}/refund", s.staffOnly(s.refund, portaldb.RoleAdmin))
	m.HandleFunc("GET /questions", s.staffOnly(s.questions, operators...))
	m.HandleFunc("GET /questions/{id}", s.staffOnly(s.question, operators...))
	m.HandleFunc("POST /questions/{id}/answer", s.staffOnly(s.answer, operators...))

	m.HandleFunc("GET /content", s.staffOnly(s.content, editors...))
	m.HandleFunc("GET /content/{kind}/{id}", s.staffOnly(s.editContent, editors...))
	m.HandleFunc("POST /content/{kind}/{id}", s.staffOnly(s.saveContent, editors...))
	m.HandleFunc("POST /content/{kind}/{id}/delete", s.staffOnly(s.deleteContent, editors...))

	m.HandleFunc("GET /staff", s.staffOnly(s.staffList, portaldb.RoleAdmin))
	m.HandleFunc("GET /audit", s.staffOnly(s.auditLog, portaldb.RoleAdmin))

	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.render(w, r, http.StatusNotFound, "message", page{Title: "Страница не найдена",
			Error: "Такой страницы нет. Вернитесь на главную и выберите раздел в меню."})
	})
	s.mux = m
}

// Who may open which pages.
var (
	anyRole   = []string{portaldb.RoleOperator, portaldb.RoleEditor, portaldb.RoleAdmin}
	operators = []string{portaldb.RoleOperator, portaldb.RoleAdmin}
	editors   = []string{portaldb.RoleEditor, portaldb.RoleAdmin}
)

// Handler returns the back office's handler with its middleware.
func (s *Server) Handler() http.Handler {
	return s.recoverPanics(s.securityHeaders(http.MaxBytesHandler(s.mux, maxForm)))
}

// maxForm bounds a request's body: the longest form is a news item.
const maxForm = 64 << 10

// Wait waits for the notice SMS being sent.
func (s *Server) Wait() { s.background.Wait() }

// securityHeaders: no script, no frames, nothing cached — the pages show
// customers' personal data, and a shared computer's cache must not keep
// them.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		if s.secure {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return portal.RecoverPanics(s.log, func(w http.ResponseWriter, r *http.Request) { s.failed(w, r, nil) }, next)
}

// Serve serves s on ln until ctx is done, then lets the requests in
// flight finish (up to 15 s) and waits for notices being sent.
func Serve(ctx context.Context, ln net.Listener, s *Server) error {
	return portal.RunServer(ctx, ln, s.Handler(), nil, s.Wait)
}
