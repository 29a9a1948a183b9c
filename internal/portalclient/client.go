// Package portalclient is the desktop app's client of the portal's JSON API
// v1 (docs/api.md): sessions, the account document with ETags and delta
// cursors, readings with idempotency keys, questions and public content.
//
// It is built for bad connections. Every attempt has its own timeout, and
// requests that are safe to repeat are retried on network failures and on
// 429, 502, 503 and 504, waiting as the server's Retry-After asks or with
// full-jitter exponential backoff. A POST is repeated only when it carries an
// Idempotency-Key, so a reading or a question is never stored twice. Errors
// come back typed (ErrOffline, ErrUnauthorized, *RejectedError, …) and
// Message turns any of them into a Russian sentence for the person at the
// computer.
//
// The client never logs: no tokens, passwords, bodies or addresses leave it
// except towards the portal.
package portalclient

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"
)

// Options tune a Client. The zero value is a good default.
type Options struct {
	// Timeout bounds one attempt (connect, send, read the whole answer);
	// 0 means 15 s.
	Timeout time.Duration
	// Retries is the number of extra attempts for retryable failures; 0
	// means 3, a negative number means none.
	Retries int
	// MaxWait caps one wait between attempts, Retry-After included; 0 means
	// 30 s.
	MaxWait time.Duration
	// Transport carries the requests; nil means a transport of our own
	// (system proxy settings, TLS ≥ 1.2 verified against RootCAs). Tests
	// inject fakes here.
	Transport http.RoundTripper
	// RootCAs verifies the portal's certificate; nil means the system roots.
	RootCAs *x509.CertPool
	// UserAgent is sent with every request; "" means "Kabinet/<version>".
	UserAgent string
	// Now is the computer's clock, used for certificate validity and
	// HTTP-date Retry-After values; nil means time.Now.
	Now func() time.Time
}

const (
	defaultTimeout = 15 * time.Second
	defaultRetries = 3
	defaultMaxWait = 30 * time.Second
	// backoffBase is the cap of the first wait; it doubles with every
	// attempt, up to MaxWait.
	backoffBase = 500 * time.Millisecond
	// maxResponse bounds an answer held in memory; the biggest, an account
	// document with years of bills, is far smaller.
	maxResponse = 32 << 20
)

// Client talks to one portal. It is safe for concurrent use.
type Client struct {
	base    string
	rc      *resty.Client
	now     func() time.Time
	maxWait time.Duration

	mu    sync.RWMutex
	token string
}

// New returns a client of the portal at baseURL, such as
// "https://lk.example.ru" (the API lives under /api/v1 below it). Only http
// and https are accepted, with a host and without user information, query
// or fragment. The client never follows redirects, so an https portal is
// never left for http.
func New(baseURL string, opts Options) (*Client, error) {
	base, err := normalizeBase(baseURL)
	if err != nil {
		return nil, err
	}
	if opts.Timeout <= 0 {
		opts.Timeout = defaultTimeout
	}
	switch {
	case opts.Retries == 0:
		opts.Retries = defaultRetries
	case opts.Retries < 0:
		opts.Retries = 0
	}
	if opts.MaxWait <= 0 {
		opts.MaxWait = defaultMaxWait
	}
	if opts.UserAgent == "" {
		opts.UserAgent = "Kabinet/" + version()
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	rt := opts.Transport
	if rt == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: opts.RootCAs, Time: opts.Now}
		rt = t
	}
	hc := &http.Client{
		Transport: rt,
		// The API never redirects: a redirect is a misconfigured proxy or
		// an attack, and following it could downgrade https to http.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	c := &Client{base: base, now: now, maxWait: opts.MaxWait}
	c.rc = resty.NewWithClient(hc).
		SetLogger(quietLogger{}).
		SetDebug(false).
		SetTimeout(opts.Timeout).
		SetHeader("User-Agent", opts.UserAgent).
		SetRetryCount(opts.Retries).
		SetRetryWaitTime(0).
		SetRetryMaxWaitTime(opts.MaxWait).
		SetRetryAfter(c.retryWait)
	return c, nil
}

func normalizeBase(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("portalclient: portal address %q: %w", raw, err)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("portalclient: portal address %q: the scheme must be http or https", raw)
	case u.Host == "" || u.Hostname() == "":
		return "", fmt.Errorf("portalclient: portal address %q has no host", raw)
	case u.User != nil:
		return "", fmt.Errorf("portalclient: portal address must not contain user information")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return "", fmt.Errorf("portalclient: portal address %q must not have a query or fragment", raw)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u.String(), nil
}

func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return strings.TrimPrefix(bi.Main.Version, "v")
	}
	return "dev"
}

// BaseURL returns the portal's address as normalised by New.
func (c *Client) BaseURL() string { return c.base }

// SetToken sets the session token sent as a Bearer token with every call;
// "" clears it.
func (c *Client) SetToken(token string) {
	c.mu.Lock()
	c.token = token
	c.mu.Unlock()
}

// Token returns the current session token, "" when there is none.
func (c *Client) Token() string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.token
}

// call describes one API request.
type call struct {
	method string
	path   string // below /api/v1, already escaped
	query  url.Values
	body   any // marshalled as JSON when non-nil
	// idemKey is sent as the Idempotency-Key sf-string; a POST is retried
	// only with one.
	idemKey string
	// etag is sent as If-None-Match.
	etag string
	// once forbids retries of a request that is not safe to repeat.
	once bool
}

// reply is a successful (2xx or 304) answer.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// retryable reports whether the request may be sent more than once.
func (k *call) retryable() bool {
	if k.once {
		return false
	}
	switch k.method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete:
		return true
	case http.MethodPost:
		return k.idemKey != ""
	}
	return false
}

// do sends the request, with retries where allowed, and returns the answer
// if it is a 2xx or a 304; anything else becomes a typed error.
func (c *Client) do(ctx context.Context, k call) (*reply, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	req := c.rc.R().SetContext(ctx).SetHeader("Accept", "application/json")
	if tok := c.Token(); tok != "" {
		req.SetHeader("Authorization", "Bearer "+tok)
	}
	if k.body != nil {
		data, err := json.Marshal(k.body)
		if err != nil {
			return nil, fmt.Errorf("portalclient: encode request: %w", err)
		}
		req.SetHeader("Content-Type", "application/json").SetBody(data)
	}
	if k.idemKey != "" {
		req.SetHeader("Idempotency-Key", `"`+k.idemKey+`"`)
	}
	if k.etag != "" {
		req.SetHeader("If-None-Match", k.etag)
	}
	req.SetResponseBodyLimit(maxResponse)
	retry := k.retryable()
	// Exactly one condition: resty's own "retry any error" default is
	// replaced by it, for every attempt.
	req.AddRetryCondition(func(resp *resty.Response, err error) bool {
		if !retry || resp == nil || ctx.Err() != nil {
			// resp is nil when the request could not even be built.
			return false
		}
		if err != nil {
			return retryableTransport(err)
		}
		switch resp.StatusCode() {
		case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return true
		}
		return false
	})
	target := c.base + "/api/v1" + k.path
	if len(k.query) > 0 {
		target += "?" + k.query.Encode()
	}
	resp, err := req.Execute(k.method, target)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, contextError(ctxErr)
		}
		if errors.Is(err, resty.ErrResponseBodyTooLarge) {
			se := &ServerError{cause: err}
			if resp != nil && resp.RawResponse != nil {
				se.Status = resp.StatusCode()
			}
			return nil, se
		}
		return nil, transportError(err)
	}
	status := resp.StatusCode()
	if (status >= 200 && status < 300) || status == http.StatusNotModified {
		return &reply{status: status, header: resp.Header(), body: resp.Body()}, nil
	}
	return nil, c.statusError(status, resp.Header(), resp.Body())
}

// retryWait is how long to wait before the next attempt: the server's
// Retry-After when it sent one, otherwise full jitter,
// rand(0, min(MaxWait, 500 ms·2^attempt)). resty caps it at MaxWait too.
func (c *Client) retryWait(_ *resty.Client, resp *resty.Response) (time.Duration, error) {
	attempt := 0
	if resp != nil {
		if resp.RawResponse != nil {
			if d, ok := parseRetryAfter(resp.Header(), c.now()); ok {
				// 0 would mean "resty's default" to resty: wait a
				// nanosecond instead.
				return max(min(d, c.maxWait), time.Nanosecond), nil
			}
		}
		if resp.Request != nil {
			attempt = max(resp.Request.Attempt-1, 0)
		}
	}
	ceiling := c.maxWait
	if attempt < 32 {
		ceiling = min(ceiling, backoffBase<<attempt)
	}
	return max(time.Duration(rand.Int64N(int64(ceiling)+1)), time.Nanosecond), nil
}

// parseRetryAfter reads Retry-After as delay-seconds or an HTTP-date. A date
// is measured against the server's own Date header when there is one, so a
// computer whose clock is wrong still waits as long as the server asked.
func parseRetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		if n > int64(24*time.Hour/time.Second) {
			n = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(n) * time.Second, true
	}
	at, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	if d, err := http.ParseTime(h.Get("Date")); err == nil {
		now = d
	}
	return max(at.Sub(now), 0), true
}

// statusError turns a non-2xx answer into a typed error.
func (c *Client) statusError(status int, h http.Header, body []byte) error {
	wait, _ := parseRetryAfter(h, c.now())
	var p struct {
		Status int               `json:"status"`
		Code   string            `json:"code"`
		Detail string            `json:"detail"`
		Field  string            `json:"field"`
		Params map[string]string `json:"params"`
	}
	isProblem := json.Unmarshal(body, &p) == nil && p.Code != ""
	if status >= 500 || status < 400 {
		se := &ServerError{Status: status, RetryAfter: wait}
		if isProblem && status >= 500 {
			se.Code, se.Detail = p.Code, p.Detail
		}
		return se
	}
	switch {
	case isProblem:
		return &RejectedError{Status: status, Code: p.Code, Detail: p.Detail, Field: p.Field, Params: p.Params, retryAfter: wait}
	case status == http.StatusUnauthorized:
		// A 401 without our problem body (a proxy in between) still
		// means the token is not accepted.
		return &RejectedError{Status: status, Code: "unauthorized"}
	default:
		// Not our API's answer: a proxy, a captive portal, a wrong
		// address.
		return &ServerError{Status: status, RetryAfter: wait}
	}
}

// decode unmarshals a successful answer; an answer that is not the JSON we
// expect is a ServerError (unknown fields are fine: the server may add
// some).
func decode(r *reply, v any) error {
	if err := json.Unmarshal(r.body, v); err != nil {
		return &ServerError{Status: r.status, cause: fmt.Errorf("decode answer: %w", err)}
	}
	return nil
}

// badAnswer reports a well-formed answer that lacks what it must carry.
func badAnswer(r *reply, what string) error {
	return &ServerError{Status: r.status, cause: errors.New("answer without " + what)}
}

// quietLogger drops resty's log lines: they quote URLs and errors, and the
// client must not write anything personal to a shared computer's disk.
type quietLogger struct{}

func (quietLogger) Errorf(string, ...any) {}
func (quietLogger) Warnf(string, ...any)  {}
func (quietLogger) Debugf(string, ...any) {}
