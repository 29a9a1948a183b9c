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
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
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
	// TrustedProxies are the reverse proxies in front of the server
	// (addresses as /32 or /128 prefixes, or networks): a request coming
	// from one of them is taken to come from the address X-Forwarded-For
	// names (see clientAddress). Empty: the connection's own address.
	TrustedProxies []netip.Prefix
	// HashSlots is how many password hashes (argon2id, 19 MiB each) are
	// computed at once; 0 means two per CPU.
	HashSlots int
	// MaxHashWait is how long a request may expect to wait for its
	// password to be checked before it is answered 503 with Retry-After
	// instead; 0 means 10 seconds, within the app's 15-second timeout.
	MaxHashWait time.Duration
	// Metrics, when set, counts requests and reading submissions;
	// *metrics.Metrics implements it (and PaymentMetrics).
	Metrics Metrics
	// Payments configure paying online; without a Provider it is off.
	Payments PaymentConfig
	// DrainDelay is how long Serve goes on serving after it was told to
	// stop, with GET /readyz answering 503, so that the proxy in front
	// takes this instance out before it closes; 0: it closes at once.
	DrainDelay time.Duration
	// Service, when set, is the supplier systems' API (internal/serviceapi)
	// served beside the customers' under /api/v1/service/; it bounds its
	// own bodies (an import is a whole file).
	Service ServiceAPI
}

// ServiceAPI is an API served on the portal's mux: its handlers by mux
// pattern.
type ServiceAPI interface {
	Routes() map[string]http.Handler
}

// servicePrefix starts the path of every route of Config.Service.
const servicePrefix = "/api/v1/service/"

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
	proxies      []netip.Prefix
	metrics      Metrics
	drainDelay   time.Duration
	// draining is set when Serve was told to stop: /readyz says so.
	draining atomic.Bool

	// The login throttles keep their state in the database: every
	// instance shares it and a restart forgets nothing.
	loginByCustomer *portaldb.Throttle
	loginByAddress  *portaldb.Throttle
	loginByDevice   *portaldb.Throttle
	recoveryByAddr  *portaldb.RateLimit
	// hashing bounds how many argon2id computations (19 MiB each) run at
	// once, so a burst of logins cannot exhaust memory, and answers 503
	// rather than let a request wait past the client's timeout.
	hashing *hashQueue

	searchMu sync.RWMutex
	index    *search.Index
	// indexVersion is the content version index was built from;
	// searchChecked when (Unix nanoseconds) a search last compared it
	// with the database's.
	indexVersion  int64
	searchChecked atomic.Int64

	// pay is paying online; nil when it is off.
	pay *payService

	background sync.WaitGroup
	mux        *http.ServeMux
	service    ServiceAPI
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
		service:      cfg.Service,
		drainDelay:   cfg.DrainDelay,
		proxies:      cfg.TrustedProxies,
		metrics:      cfg.Metrics,
		hashing:      newHashQueue(cfg.HashSlots, cfg.MaxHashWait),
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
	if s.db == nil {
		return nil, errors.New("portal: a database is required")
	}
	s.loginByCustomer = s.db.Throttle("customer", auth.ThrottleConfig{FreeFailures: 5, BaseDelay: 30 * time.Second, MaxDelay: 15 * time.Minute, Forget: time.Hour}, s.log)
	// A library's public computers share one address: allow many failures
	// from one address before slowing it down.
	s.loginByAddress = s.db.Throttle("address", auth.ThrottleConfig{FreeFailures: 50, BaseDelay: 10 * time.Second, MaxDelay: 5 * time.Minute, Forget: time.Hour}, s.log)
	// A device the customer logged in from is slowed down by its own
	// failures only, as the customer is by everybody's.
	s.loginByDevice = s.db.Throttle("device", auth.ThrottleConfig{FreeFailures: 5, BaseDelay: 30 * time.Second, MaxDelay: 15 * time.Minute, Forget: time.Hour}, s.log)
	// Password requests from one address: in the database too, so several
	// instances share the budget and a restart does not renew it.
	s.recoveryByAddr = s.db.RateLimit("recovery_address", 20, time.Hour, s.log)
	pm, _ := cfg.Metrics.(PaymentMetrics)
	var err error
	if s.pay, err = newPayService(cfg.Payments, pm); err != nil {
		return nil, err
	}
	if err := s.RefreshSearch(ctx); err != nil {
		return nil, err
	}
	s.routes()
	return s, nil
}

func (s *Server) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /healthz", s.healthz)
	m.HandleFunc("GET /readyz", s.readyz)

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

	m.HandleFunc("POST /api/v1/accounts/{account}/payments", s.authed(s.createPayment))
	m.HandleFunc("GET /api/v1/payments/{id}", s.authed(s.payment))
	m.HandleFunc("GET /api/v1/payment-options", s.authed(s.paymentOptions))
	m.HandleFunc("POST /api/v1/payments/notifications", s.paymentNotification)
	m.HandleFunc("GET /pay/return", s.paymentReturn)

	if s.service != nil {
		for pattern, h := range s.service.Routes() {
			m.Handle(pattern, h)
		}
	}

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

// readyz tells the proxy whether to send this instance requests: 503
// while it drains before a shutdown, otherwise as healthz (the database
// answers).
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if s.draining.Load() {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "draining"})
		return
	}
	if _, err := s.db.IsEmpty(r.Context()); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.service != nil && strings.HasPrefix(r.URL.Path, servicePrefix) {
			next.ServeHTTP(w, r)
			return
		}
		if r.ContentLength > maxBody {
			s.writeError(w, r, problem(http.StatusRequestEntityTooLarge, codeBodyTooLarge, "Запрос слишком большой. Сократите текст и отправьте снова."))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		next.ServeHTTP(w, r)
	})
}

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return RecoverPanics(s.log, func(w http.ResponseWriter, r *http.Request) { s.writeError(w, r, errInternal) }, next)
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

// clientAddress is the address throttling is keyed by. X-Forwarded-For is
// written by whoever sends the request, so it counts only from a trusted
// proxy, and only as far as trusted proxies wrote it: walking it from the
// right (each proxy appends the address it was connected from), the first
// address that is not a trusted proxy's is the client's. Whatever a client
// wrote in the header stands to the left of that and is never read. IPv6
// clients are keyed by their /64, which one subscriber usually holds whole.
func (s *Server) clientAddress(r *http.Request) string {
	client, ok := s.clientIP(r)
	if !ok {
		return r.RemoteAddr
	}
	if client.Is6() {
		p, _ := client.Prefix(64)
		return p.String()
	}
	return client.String()
}

// clientIP is the client's own address as clientAddress finds it (the
// payment hook's allowlist checks it); false when the connection's address
// does not parse.
func (s *Server) clientIP(r *http.Request) (netip.Addr, bool) {
	return ClientIP(r, s.proxies)
}

// ClientAddress is the address of the client of r as the portal keys its
// throttles by (see clientAddress), for a server in front of which the
// proxies are the trusted ones: the back office uses it too.
func ClientAddress(r *http.Request, proxies []netip.Prefix) string {
	return (&Server{proxies: proxies}).clientAddress(r)
}

// ClientIP is the client's own address, read from X-Forwarded-For only as
// far as the trusted proxies wrote it; false when the connection's address
// does not parse.
func ClientIP(r *http.Request, proxies []netip.Prefix) (netip.Addr, bool) {
	s := &Server{proxies: proxies}
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}, false
	}
	client := peer.Addr().Unmap()
	if s.trusted(client) {
		hops := r.Header.Values("X-Forwarded-For")
	walk:
		for i := len(hops) - 1; i >= 0; i-- {
			entries := strings.Split(hops[i], ",")
			for j := len(entries) - 1; j >= 0; j-- {
				a, ok := parseHop(entries[j])
				if !ok {
					// Not written by a proxy: stop at the last
					// address one did write.
					break walk
				}
				client = a
				if !s.trusted(a) {
					break walk
				}
			}
		}
	}
	return client, true
}

func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// parseHop reads one X-Forwarded-For entry: an address, possibly with a
// port or in brackets.
func parseHop(v string) (netip.Addr, bool) {
	v = strings.TrimSpace(v)
	if a, err := netip.ParseAddr(v); err == nil {
		return a.Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(v); err == nil {
		return ap.Addr().Unmap(), true
	}
	if a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(v, "["), "]")); err == nil {
		return a.Unmap(), true
	}
	return netip.Addr{}, false
}

// ParseTrustedProxies reads a list of proxy addresses and networks
// separated by commas or spaces ("10.0.0.1, 192.168.0.0/24, ::1").
func ParseTrustedProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: write an address (10.0.0.1) or a network (10.0.0.0/8)", f)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}
