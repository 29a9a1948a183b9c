package sms

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"text/template"
	"time"

	"kabinet/internal/domain"
)

// DefaultBodyTemplate is the request body HTTPSender sends when
// HTTPConfig.BodyTemplate is empty.
const DefaultBodyTemplate = `{"to":{{json .Phone}},"text":{{json .Text}}}`

// Defaults applied by NewHTTPSender to zero fields of HTTPConfig.
const (
	DefaultMethod      = http.MethodPost
	DefaultContentType = "application/json"
	DefaultTimeout     = 10 * time.Second
	DefaultRetries     = 2
)

const (
	defaultBackoffBase = 500 * time.Millisecond
	defaultBackoffCap  = 5 * time.Second
	// maxRetryAfter bounds a gateway's Retry-After: a customer waiting for
	// a login code will not wait longer, and a misconfigured gateway must
	// not park a request for an hour.
	maxRetryAfter = 30 * time.Second
	// maxDrain is how much of a response body is read (and discarded) so
	// the connection can be reused.
	maxDrain = 64 << 10
)

// HTTPConfig configures an HTTPSender. It is filled from the operator's
// settings; zero fields take the documented defaults.
type HTTPConfig struct {
	// URL of the gateway endpoint; http or https.
	URL string
	// Method defaults to POST.
	Method string
	// Username and Password, when either is set, are sent as basic auth.
	Username, Password string
	// Token, when set, is sent as "Authorization: Bearer <Token>". It
	// cannot be combined with basic auth.
	Token string
	// ContentType defaults to "application/json".
	ContentType string
	// BodyTemplate is a text/template rendering the request body from
	// .Phone ("+79123456789"), .PhoneDigits ("79123456789") and .Text.
	// Besides the text/template builtins (urlquery, html, …) it has json,
	// which JSON-encodes its argument. It defaults to DefaultBodyTemplate;
	// a form-encoded gateway would use
	// `to={{.PhoneDigits}}&msg={{urlquery .Text}}`.
	BodyTemplate string
	// Timeout bounds one attempt, including reading the response; it
	// defaults to 10s.
	Timeout time.Duration
	// Retries is how many times a failed attempt is repeated (transport
	// errors, 429 and 5xx); 0 means the default of 2, a negative value
	// disables retries.
	Retries int
	// SuccessMatch, when set, is a regular expression (RE2 syntax) the body
	// of a 2xx response must match for the message to count as sent. Many
	// gateways answer 200 to every request they could parse and report a
	// rejected message (no balance, number blocked) in the body, e.g.
	// `"status"\s*:\s*"OK"`. Only the first 64 KiB of the body are checked.
	SuccessMatch string
	// SuccessField and SuccessValue, when set, require the 2xx response
	// body to be JSON with the field at the dotted path SuccessField
	// ("status", "result.code", "messages.0.status": object keys and array
	// indexes) equal to SuccessValue. A string is compared as it is, a
	// number as written in the body, true, false and null by their JSON
	// names. Both must be set or neither. With SuccessMatch also set, both
	// checks must pass.
	//
	// A message that fails a success check is not retried: the gateway
	// received it and said no, and a repeat could reach the phone twice.
	// Neither the body nor the field's value is logged or returned, since
	// gateways echo the phone number and the text.
	SuccessField, SuccessValue string
	// Logger receives failures; nil means slog.Default().
	Logger *slog.Logger
}

// templateData is what BodyTemplate renders.
type templateData struct {
	Phone       string
	PhoneDigits string
	Text        string
}

// HTTPSender sends messages through an HTTP SMS gateway. It is safe for
// concurrent use.
type HTTPSender struct {
	url         string
	method      string
	username    string
	password    string
	basicAuth   bool
	token       string
	contentType string
	body        *template.Template
	retries     int
	logger      *slog.Logger
	client      *http.Client
	success     successCheck

	// Unexported so tests can make retries instant and observable.
	backoffBase time.Duration
	backoffCap  time.Duration
	jitter      func(limit time.Duration) time.Duration
	sleep       func(ctx context.Context, d time.Duration) error
}

// StatusError is returned (wrapped) when the gateway answers with a non-2xx
// status. The response body is deliberately not kept: gateways echo the
// phone number and the text in it.
type StatusError struct {
	StatusCode int
}

// Error implements error.
func (e *StatusError) Error() string {
	return fmt.Sprintf("sms gateway responded %d %s", e.StatusCode, http.StatusText(e.StatusCode))
}

func (e *StatusError) retryable() bool {
	return e.StatusCode == http.StatusTooManyRequests || e.StatusCode >= 500
}

// retryable tells whether a failed attempt may be repeated: transport
// errors, 429 and 5xx may; other statuses and a rejection in the body are
// the gateway's answer and will not change.
func retryable(err error) bool {
	if errors.Is(err, ErrRejected) {
		return false
	}
	var se *StatusError
	return !errors.As(err, &se) || se.retryable()
}

var templateFuncs = template.FuncMap{
	"json": func(v any) (string, error) {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		// Gateways count characters; "\u003c" for "<" would be sent
		// as six of them by a careless one.
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return "", err
		}
		return strings.TrimSuffix(b.String(), "\n"), nil
	},
}

// NewHTTPSender validates cfg and returns a sender. Configuration mistakes
// (a bad URL, a template that does not parse or does not render) are
// reported here, at start-up, rather than on the first login attempt.
func NewHTTPSender(cfg HTTPConfig) (*HTTPSender, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil {
		// url.Parse errors quote the URL, which may carry an API key.
		return nil, errors.New("sms: gateway URL does not parse")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("sms: gateway URL scheme %q is not http or https", u.Scheme)
	}
	if u.Host == "" {
		return nil, errors.New("sms: gateway URL has no host")
	}

	method := strings.ToUpper(strings.TrimSpace(cfg.Method))
	if method == "" {
		method = DefaultMethod
	}
	if _, err := http.NewRequest(method, "http://localhost/", nil); err != nil {
		return nil, fmt.Errorf("sms: gateway method %q: %w", cfg.Method, err)
	}

	basic := cfg.Username != "" || cfg.Password != ""
	if basic && cfg.Token != "" {
		return nil, errors.New("sms: gateway configured with both basic auth and a bearer token")
	}

	src := cfg.BodyTemplate
	if src == "" {
		src = DefaultBodyTemplate
	}
	tmpl, err := template.New("body").Funcs(templateFuncs).Parse(src)
	if err != nil {
		return nil, fmt.Errorf("sms: gateway body template: %w", err)
	}
	// Parse accepts templates that fail at execution ({{.Phnoe}}); a
	// trial render catches those now.
	sample := templateData{Phone: "+79000000000", PhoneDigits: "79000000000", Text: "test"}
	if err := tmpl.Execute(io.Discard, sample); err != nil {
		return nil, fmt.Errorf("sms: gateway body template: %w", err)
	}

	contentType := cfg.ContentType
	if contentType == "" {
		contentType = DefaultContentType
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	retries := cfg.Retries
	switch {
	case retries == 0:
		retries = DefaultRetries
	case retries < 0:
		retries = 0
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.Default()
	}
	success, err := newSuccessCheck(cfg.SuccessMatch, cfg.SuccessField, cfg.SuccessValue)
	if err != nil {
		return nil, err
	}

	return &HTTPSender{
		url:         u.String(),
		method:      method,
		username:    cfg.Username,
		password:    cfg.Password,
		basicAuth:   basic,
		token:       cfg.Token,
		contentType: contentType,
		body:        tmpl,
		retries:     retries,
		logger:      logger,
		success:     success,
		client: &http.Client{
			Timeout: timeout,
			// A redirect from a gateway is a misconfiguration; following
			// it would turn a POST into a GET and could send the message
			// to a host the operator did not choose.
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		},
		backoffBase: defaultBackoffBase,
		backoffCap:  defaultBackoffCap,
		jitter: func(limit time.Duration) time.Duration {
			if limit <= 0 {
				return 0
			}
			return rand.N(limit + 1)
		},
		sleep: sleepContext,
	}, nil
}

func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Send delivers m through the gateway. A 2xx response that passes the
// configured success check is success. Transport errors, 429 and 5xx are
// retried with exponential backoff and full jitter, or after the gateway's
// Retry-After (at most 30 s); other statuses and a failed success check are
// final. The returned error wraps a *StatusError for a status failure,
// ErrRejected for a failed success check and the context's error when ctx
// ended. Neither the returned error nor a log line carries the phone number
// (only its masked form), the text or the gateway's response body.
func (s *HTTPSender) Send(ctx context.Context, m Message) error {
	if err := validate(m); err != nil {
		return err
	}
	masked := domain.MaskPhone(m.Phone)
	var body bytes.Buffer
	data := templateData{Phone: m.Phone, PhoneDigits: phoneDigits(m.Phone), Text: m.Text}
	if err := s.body.Execute(&body, data); err != nil {
		// The trial render in NewHTTPSender catches templates that fail
		// on every message, not one that fails on some ({{if}} on the
		// text), and execution errors may quote the value they failed
		// on ("range can't iterate over <text>").
		return fmt.Errorf("sms: render gateway body for %s: %s", masked, redact(err.Error(), data.Phone, data.PhoneDigits, data.Text))
	}

	var lastErr error
	for attempt := 0; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return s.stopped(ctx, masked, attempt, err, lastErr)
		}
		retryAfter, err := s.attempt(ctx, body.Bytes())
		if err == nil {
			s.logger.InfoContext(ctx, "sms sent", "to", masked, "attempts", attempt+1)
			return nil
		}
		if ctx.Err() != nil {
			// This attempt failed only because ctx ended; the previous
			// one, if any, says more about the gateway.
			return s.stopped(ctx, masked, attempt+1, ctx.Err(), lastErr)
		}
		lastErr = err
		if !retryable(err) || attempt >= s.retries {
			s.logger.ErrorContext(ctx, "sms not sent", "to", masked, "attempts", attempt+1, "error", err)
			return fmt.Errorf("sms: send to %s failed after %d attempt(s): %w", masked, attempt+1, err)
		}

		wait := retryAfter
		if wait < 0 {
			wait = s.jitter(s.backoff(attempt))
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			// Waiting would only end in the deadline; give the caller the
			// real reason now.
			s.logger.ErrorContext(ctx, "sms not sent", "to", masked, "attempts", attempt+1, "error", err, "reason", "deadline before next retry")
			return fmt.Errorf("sms: send to %s failed after %d attempt(s), no time left to retry: %w", masked, attempt+1, err)
		}
		s.logger.WarnContext(ctx, "sms attempt failed", "to", masked, "attempt", attempt+1, "error", err, "retry_in", wait)
		if err := s.sleep(ctx, wait); err != nil {
			return s.stopped(ctx, masked, attempt+1, err, lastErr)
		}
	}
}

// backoff is the upper bound of the wait before retry number attempt+1:
// base doubled per attempt, capped (and safe from shift overflow for large
// Retries).
func (s *HTTPSender) backoff(attempt int) time.Duration {
	d := s.backoffBase
	for range attempt {
		if d >= s.backoffCap {
			break
		}
		d *= 2
	}
	return min(d, s.backoffCap)
}

func (s *HTTPSender) stopped(ctx context.Context, masked string, attempts int, ctxErr, lastErr error) error {
	s.logger.WarnContext(ctx, "sms not sent", "to", masked, "attempts", attempts, "error", ctxErr)
	if lastErr == nil {
		return fmt.Errorf("sms: send to %s: %w", masked, ctxErr)
	}
	return fmt.Errorf("sms: send to %s stopped after %d attempt(s): %w (last error: %w)", masked, attempts, ctxErr, lastErr)
}

// attempt makes one request. retryAfter is the gateway's Retry-After, capped,
// or -1 when it gave none.
func (s *HTTPSender) attempt(ctx context.Context, body []byte) (retryAfter time.Duration, err error) {
	req, err := http.NewRequestWithContext(ctx, s.method, s.url, bytes.NewReader(body))
	if err != nil {
		return -1, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Content-Type", s.contentType)
	switch {
	case s.basicAuth:
		req.SetBasicAuth(s.username, s.password)
	case s.token != "":
		req.Header.Set("Authorization", "Bearer "+s.token)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		// *url.Error repeats the URL, and gateway URLs often carry the
		// API key in the query; keep only the cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return -1, fmt.Errorf("gateway request: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxDrain))
		return parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()), &StatusError{StatusCode: resp.StatusCode}
	}
	if !s.success.enabled() {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxDrain))
		return -1, nil
	}
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxDrain))
	if err != nil {
		// The gateway may have taken the message, but without its
		// answer nobody knows; like a lost response, this is retried.
		return -1, fmt.Errorf("read gateway response: %w", err)
	}
	if reason := s.success.check(answer); reason != "" {
		return -1, fmt.Errorf("%w (HTTP %d): %s", ErrRejected, resp.StatusCode, reason)
	}
	return -1, nil
}

// redact replaces every occurrence of the values in msg, as they are and as
// %q would quote them, with "***".
func redact(msg string, values ...string) string {
	for _, v := range values {
		if v == "" {
			continue
		}
		quoted := strconv.Quote(v)
		msg = strings.ReplaceAll(msg, v, "***")
		msg = strings.ReplaceAll(msg, quoted[1:len(quoted)-1], "***")
	}
	return msg
}

// parseRetryAfter reads delay-seconds or an HTTP date; -1 means absent or
// unreadable.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return -1
	}
	var d time.Duration
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return -1
		}
		if n > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter
		}
		d = time.Duration(n) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = max(0, t.Sub(now))
	} else {
		return -1
	}
	return min(d, maxRetryAfter)
}
