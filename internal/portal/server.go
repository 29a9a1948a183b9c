// Package portal is the HTTP JSON API of the personal account: sessions and
// password recovery, the account document, meter readings, subscriptions,
// and the public news, contacts, FAQ and search. Every error is
// problem+json with a stable code and a Russian sentence; the server decides
// dates and windows on its own clock and trusts nothing the client says.
package portal

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"time"

	"kabinet/internal/auth"
	"kabinet/internal/domain"
	"kabinet/internal/portaldb"
	"kabinet/internal/search"
	"kabinet/internal/sms"
)

// Config is what a Server is built from.
type Config struct {
	DB     *portaldb.DB
	SMS    sms.Sender
	Logger *slog.Logger
	// Window is when readings are accepted; the zero value means
	// domain.DefaultWindow.
	Window domain.SubmissionWindow
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// SessionTTL is how long a login lasts; zero means 12 hours.
	SessionTTL time.Duration
	// ContactPhone is the contact centre's phone, named in messages about
	// SMS that did not arrive.
	ContactPhone string
	// TrustProxy makes the client address come from X-Forwarded-For, for a
	// server behind a reverse proxy that sets it.
	TrustProxy bool
	// Metrics, when set, counts requests and reading submissions;
	// *metrics.Metrics implements it.
	Metrics Metrics
}

// Metrics receives what the server measures. Its label values are bounded
// and carry no personal data: a route is the mux pattern, never the path,
// and a reading's result is "accepted", "replayed" or a problem code.
type Metrics interface {
	// ObserveRequest is called once per answered request. route is the
	// pattern that matched, or "other" when none did.
	ObserveRequest(route, method string, status int, d time.Duration)
	// ObserveReading is called once per reading submission that reached
	// its handler.
	ObserveReading(result string)
}

// noMetrics is the Metrics of a server configured without one.
type noMetrics struct{}

func (noMetrics) ObserveRequest(string, string, int, time.Duration) {}
func (noMetrics) ObserveReading(string)                             {}

// Server serves the API.
type Server struct {
	db           *portaldb.DB
	sms          sms.Sender
	log          *slog.Logger
	window       domain.SubmissionWindow
	now          func() time.Time
	sessionTTL   time.Duration
	contactPhone string
	trustProxy   bool
	metrics      Metrics

	loginByCustomer *auth.Throttle
	loginByAddress  *auth.Throttle
	recoveryByAddr  *auth.RateLimiter
	// hashing bounds how many argon2id computations (19 MiB each) run at
	// once, so a burst of logins cannot exhaust memory.
	hashing chan struct{}

	searchMu sync.RWMutex
	index    *search.Index

	background sync.WaitGroup
	mux        *http.ServeMux
}

// New builds a Server.
func New(ctx context.Context, cfg Config) (*Server, error) {
	s := &Server{
		db:           cfg.DB,
		sms:          cfg.SMS,
		log:          cfg.Logger,
		window:       cfg.Window,
		now:          cfg.Now,
		sessionTTL:   cfg.SessionTTL,
		contactPhone: cfg.ContactPhone,
		trustProxy:   cfg.TrustProxy,
		metrics:      cfg.Metrics,
		hashing:      make(chan struct{}, 2*runtime.NumCPU()),
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.metrics == nil {
		s.metrics = noMetrics{}
	}
	if s.window.StartDay == 0 {
		s.window = domain.DefaultWindow
	}
	if err := s.window.Validate(); err != nil {
		return nil, err
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.sessionTTL == 0 {
		s.sessionTTL = 12 * time.Hour
	}
	if s.contactPhone == "" {
		s.contactPhone = "8 800 200-83-05"
	}
	if s.sms == nil {
		return nil, errors.New("portal: an SMS sender is required")
	}
	s.loginByCustomer = auth.NewThrottle(auth.ThrottleConfig{FreeFailures: 5, BaseDelay: 30 * time.Second, MaxDelay: 15 * time.Minute, Forget: time.Hour, Now: s.now})
	// A library's public computers share one address: allow many failures
	// from one address before slowing it down.
	s.loginByAddress = auth.NewThrottle(auth.ThrottleConfig{FreeFailures: 50, BaseDelay: 10 * time.Second, MaxDelay: 5 * time.Minute, Forget: time.Hour, Now: s.now})
	s.recoveryByAddr = auth.NewRateLimiter(20, time.Hour, s.now)
	if err := s.RefreshSearch(ctx); err != nil {
		return nil, err
	}
	s.routes()
	return s, nil
}

func (s *Server) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /healthz", s.healthz)

	m.HandleFunc("POST /api/v1/session", s.login)
	m.HandleFunc("DELETE /api/v1/session", s.authed(s.logout))
	m.HandleFunc("POST /api/v1/password-recovery", s.recoverPassword)
	m.HandleFunc("PUT /api/v1/password", s.authed(s.changePassword))
	m.HandleFunc("PUT /api/v1/profile", s.authed(s.updateProfile))
	m.HandleFunc("GET /api/v1/profile", s.authed(s.profile))
	m.HandleFunc("POST /api/v1/profile/phone/confirm", s.authed(s.confirmPhone))

	m.HandleFunc("GET /api/v1/accounts", s.authed(s.accounts))
	m.HandleFunc(documentPattern, s.authed(s.accountDocument))
	m.HandleFunc("POST /api/v1/accounts/{account}/readings", s.authed(s.submitReading))
	m.HandleFunc("POST /api/v1/accounts/{account}/readings/preview", s.authed(s.previewReading))
	m.HandleFunc("PUT /api/v1/accounts/{account}/subscriptions", s.authed(s.setSubscriptions))

	m.HandleFunc("GET /api/v1/news", s.news)
	m.HandleFunc("GET /api/v1/about", s.about)
	m.HandleFunc("GET /api/v1/contacts", s.contacts)
	m.HandleFunc("GET /api/v1/faq", s.faq)
	m.HandleFunc("GET /api/v1/search", s.search)
	m.HandleFunc("POST /api/v1/questions", s.authed(s.askQuestion))
	m.HandleFunc("GET /api/v1/questions", s.authed(s.questions))

	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, problem(http.StatusNotFound, codeNotFound, "Такого адреса в программном интерфейсе нет. Проверьте адрес портала в настройках программы."))
	})
	s.mux = m
}

// Handler returns the server's HTTP handler with its middleware.
func (s *Server) Handler() http.Handler {
	return s.logRequests(s.recoverPanics(s.limitBody(s.mux)))
}

// Wait waits for background work (SMS being sent) to finish.
func (s *Server) Wait() { s.background.Wait() }

// go runs f in the background, tracked so shutdown can wait for it.
func (s *Server) goBackground(f func()) {
	s.background.Add(1)
	go func() {
		defer s.background.Done()
		f()
	}()
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if _, err := s.db.IsEmpty(r.Context()); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "time": s.now().UTC().Format(time.RFC3339)})
}

func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > maxBody {
			s.writeError(w, r, problem(http.StatusRequestEntityTooLarge, codeBodyTooLarge, "Запрос слишком большой. Сократите текст и отправьте снова."))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		next.ServeHTTP(w, r)
	})
}

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "route", r.Pattern, "panic", fmt.Sprint(v))
				s.writeError(w, r, errInternal)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// statusRecorder remembers the status a handler answered with. It unwraps
// for http.ResponseController and passes Flush on, so wrapping a handler
// takes nothing away from it.
type statusRecorder struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
}

func (sr *statusRecorder) WriteHeader(code int) {
	// Only the first call reaches the client; net/http ignores (and logs)
	// the others.
	if !sr.wroteHeader {
		sr.status, sr.wroteHeader = code, true
	}
	sr.ResponseWriter.WriteHeader(code)
}

func (sr *statusRecorder) Write(b []byte) (int, error) {
	sr.wroteHeader = true
	return sr.ResponseWriter.Write(b)
}

func (sr *statusRecorder) Flush() {
	sr.wroteHeader = true
	if f, ok := sr.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (sr *statusRecorder) Unwrap() http.ResponseWriter { return sr.ResponseWriter }

// logRequests logs one line per request and counts it in the metrics: the
// route pattern (never the path, which names accounts), the status and the
// time taken.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := requestID()
		w.Header().Set("X-Request-Id", id)
		sr := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sr, r)
		took := time.Since(start)
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("id", id), slog.String("method", r.Method), slog.String("route", r.Pattern),
			slog.Int("status", sr.status), slog.Duration("took", took))
		s.metrics.ObserveRequest(routeLabel(r.Pattern), r.Method, sr.status, took)
	})
}

// routeLabel names a request's route for metrics. The mux sets r.Pattern on
// the request the middleware holds; it is empty when the request never
// reached the mux (a body refused by limitBody), and "/" is the catch-all
// that answers 404: both are "other", so paths nobody routes cannot each
// become a series.
func routeLabel(pattern string) string {
	if pattern == "" || pattern == "/" {
		return "other"
	}
	return pattern
}

func requestID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// clientAddress is the address throttling is keyed by.
func (s *Server) clientAddress(r *http.Request) string {
	if s.trustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			first, _, _ := strings.Cut(xff, ",")
			return strings.TrimSpace(first)
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// withHashing runs f while holding one of the argon2id slots.
func (s *Server) withHashing(ctx context.Context, f func()) error {
	select {
	case s.hashing <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.hashing }()
	f()
	return nil
}
