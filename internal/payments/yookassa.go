package payments

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"kabinet/internal/domain"
)

// DefaultYooKassaURL is the base of ЮKassa API v3.
const DefaultYooKassaURL = "https://api.yookassa.ru/v3/"

// YooKassaConfig configures the ЮKassa client. ShopID and SecretKey are
// required; the rest have defaults.
type YooKassaConfig struct {
	BaseURL    string       // DefaultYooKassaURL when empty; must end in "/"
	ShopID     string       //
	SecretKey  string       // from the environment only; never logged
	HTTPClient *http.Client // http.DefaultClient's transport when nil
	// Timeout bounds one attempt (default 30 s). A timed-out POST may have
	// been done: it is retried with the same idempotence key.
	Timeout time.Duration
	// MaxWait is how long one call keeps retrying answers 500, 202, 429 and
	// broken connections before it gives up (default 2 min).
	MaxWait time.Duration
	// RetryDelay is the first pause between attempts (default 1 s); it
	// doubles up to MaxRetryDelay (default 30 s).
	RetryDelay, MaxRetryDelay time.Duration
	// Now and Sleep are the clock; tests replace them. Sleep returns early
	// with ctx's error.
	Now    func() time.Time
	Sleep  func(ctx context.Context, d time.Duration) error
	Logger *slog.Logger // slog.Default() when nil
}

// YooKassa is a small client of ЮKassa API v3 implementing Provider.
type YooKassa struct {
	cfg  YooKassaConfig
	base *url.URL
}

var _ Provider = (*YooKassa)(nil)

// maxAnswer bounds what the client reads of one answer.
const maxAnswer = 1 << 20

// NewYooKassa checks cfg and returns a client.
func NewYooKassa(cfg YooKassaConfig) (*YooKassa, error) {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultYooKassaURL
	}
	if !strings.HasSuffix(cfg.BaseURL, "/") {
		cfg.BaseURL += "/"
	}
	base, err := url.Parse(cfg.BaseURL)
	if err != nil || (base.Scheme != "https" && base.Scheme != "http") || base.Host == "" {
		return nil, fmt.Errorf("payments: bad ЮKassa base URL %q", cfg.BaseURL)
	}
	if cfg.ShopID == "" || cfg.SecretKey == "" {
		return nil, errors.New("payments: ЮKassa needs a shop id and a secret key")
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.MaxWait <= 0 {
		cfg.MaxWait = 2 * time.Minute
	}
	if cfg.RetryDelay <= 0 {
		cfg.RetryDelay = time.Second
	}
	if cfg.MaxRetryDelay <= 0 {
		cfg.MaxRetryDelay = 30 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleep
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &YooKassa{cfg: cfg, base: base}, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Create asks ЮKassa for a one-stage payment with a redirect confirmation.
func (c *YooKassa) Create(ctx context.Context, idempotenceKey string, req CreateRequest) (Payment, error) {
	w, err := req.wire()
	if err != nil {
		return Payment{}, err
	}
	var ans wirePayment
	if err := c.call(ctx, http.MethodPost, "payments", idempotenceKey, w, &ans); err != nil {
		return Payment{}, err
	}
	p, err := ans.payment()
	if err != nil {
		return Payment{}, badAnswer(http.MethodPost, err)
	}
	return p, nil
}

// Get reads a payment.
func (c *YooKassa) Get(ctx context.Context, id string) (Payment, error) {
	if id == "" {
		return Payment{}, fmt.Errorf("payments: get: %w", ErrNotFound)
	}
	var ans wirePayment
	if err := c.call(ctx, http.MethodGet, "payments/"+url.PathEscape(id), "", nil, &ans); err != nil {
		return Payment{}, err
	}
	return ans.payment()
}

// Refund returns amount of a succeeded payment.
func (c *YooKassa) Refund(ctx context.Context, idempotenceKey, paymentID string, amount domain.Kopecks, rc *Receipt) (Refund, error) {
	if amount <= 0 {
		return Refund{}, fmt.Errorf("payments: refund amount %d kopecks is not positive", amount)
	}
	var ans wireRefund
	body := wireCreateRefund{PaymentID: paymentID, Amount: wireAmount{FormatAmount(amount), "RUB"}}
	if rc != nil {
		w, err := rc.wire()
		if err != nil {
			return Refund{}, err
		}
		body.Receipt = &w
	}
	if err := c.call(ctx, http.MethodPost, "refunds", idempotenceKey, body, &ans); err != nil {
		return Refund{}, err
	}
	r, err := ans.refund()
	if err != nil {
		return Refund{}, badAnswer(http.MethodPost, err)
	}
	return r, nil
}

// GetRefund reads a refund.
func (c *YooKassa) GetRefund(ctx context.Context, id string) (Refund, error) {
	if id == "" {
		return Refund{}, fmt.Errorf("payments: get refund: %w", ErrNotFound)
	}
	var ans wireRefund
	if err := c.call(ctx, http.MethodGet, "refunds/"+url.PathEscape(id), "", nil, &ans); err != nil {
		return Refund{}, err
	}
	return ans.refund()
}

// call sends one request, retrying what may be retried with the same
// idempotence key, and decodes a 200 answer into out.
func (c *YooKassa) call(ctx context.Context, method, path, key string, in, out any) error {
	var body []byte
	if in != nil {
		if key == "" {
			return errors.New("payments: a POST needs an idempotence key")
		}
		var err error
		if body, err = json.Marshal(in); err != nil {
			return fmt.Errorf("payments: encode %s: %w", path, err)
		}
	}
	ans, err := c.retrying(ctx, method, path, key, body)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(ans, out); err != nil {
		return badAnswer(method, fmt.Errorf("payments: %s %s: bad answer: %w", method, logPath(path), err))
	}
	return nil
}

// badAnswer is the error of a 200 answer the client cannot read. After a
// POST the payment or refund was made all the same, so the outcome is
// unknown: the caller retries with the same key.
func badAnswer(method string, err error) error {
	if method == http.MethodPost {
		return fmt.Errorf("%w: %w", ErrUnknownOutcome, err)
	}
	return err
}

// retrying makes attempts until one is answered, one is refused, or
// MaxWait is spent. Once a POST's outcome was unknown, every later failure
// is reported as ErrUnknownOutcome too: the first attempt may have been
// carried out, so the caller must come back with the same key.
func (c *YooKassa) retrying(ctx context.Context, method, path, key string, body []byte) ([]byte, error) {
	u := c.base.ResolveReference(&url.URL{Path: path}).String()
	deadline := c.cfg.Now().Add(c.cfg.MaxWait)
	delay := c.cfg.RetryDelay
	var waited time.Duration // counted apart from the clock, which a test's Sleep does not move
	unknown := false
	fail := func(err error) error {
		err = outcome(ctx, method, path, err)
		if unknown && !errors.Is(err, ErrUnknownOutcome) {
			err = fmt.Errorf("%w in an earlier attempt, then: %w", ErrUnknownOutcome, err)
		}
		return err
	}
	for attempt := 1; ; attempt++ {
		ans, wait, err := c.attempt(ctx, method, u, key, body)
		if err == nil {
			return ans, nil
		}
		unknown = unknown || method == http.MethodPost && errors.Is(err, ErrUnknownOutcome)
		if !retryable(err) || ctx.Err() != nil {
			return nil, fail(err)
		}
		if wait <= 0 {
			wait, delay = delay, min(2*delay, c.cfg.MaxRetryDelay)
		}
		if waited += wait; waited > c.cfg.MaxWait || c.cfg.Now().Add(wait).After(deadline) {
			c.cfg.Logger.Warn("payment provider: giving up", "method", method, "path", logPath(path), "attempts", attempt, "err", err)
			return nil, fail(fmt.Errorf("payments: %s %s after %d attempts: %w", method, logPath(path), attempt, err))
		}
		c.cfg.Logger.Info("payment provider: retrying", "method", method, "path", logPath(path), "attempt", attempt, "wait", wait, "err", err)
		if serr := c.cfg.Sleep(ctx, wait); serr != nil {
			return nil, fail(err)
		}
	}
}

// outcome is the error of a call its caller stopped (or that cannot be
// retried): a POST cut short may have been done.
func outcome(ctx context.Context, method, path string, err error) error {
	if ctx.Err() != nil && method == http.MethodPost && !errors.Is(err, ErrUnknownOutcome) {
		return fmt.Errorf("payments: %s %s: %w: %w", method, logPath(path), ErrUnknownOutcome, ctx.Err())
	}
	if ctx.Err() != nil {
		return fmt.Errorf("payments: %s %s: %w (%w)", method, logPath(path), err, ctx.Err())
	}
	return err
}

// logPath is path without the object's id (ids are not personal, but a
// log line per path reads better).
func logPath(path string) string {
	if i := strings.IndexByte(path, '/'); i >= 0 {
		return path[:i] + "/{id}"
	}
	return path
}

func retryable(err error) bool {
	return errors.Is(err, ErrUnknownOutcome) || errors.Is(err, ErrTooManyRequests)
}

// attempt makes one HTTP exchange. It returns the body of a 200 answer, or
// an error and how long the provider asked to wait (0: not said).
func (c *YooKassa) attempt(ctx context.Context, method, u, key string, body []byte) ([]byte, time.Duration, error) {
	actx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(actx, method, u, rd)
	if err != nil {
		return nil, 0, fmt.Errorf("payments: %w", err)
	}
	req.SetBasicAuth(c.cfg.ShopID, c.cfg.SecretKey)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotence-Key", key)
	}
	resp, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		// The request may have reached ЮKassa: the outcome is unknown.
		// (url.Error carries the URL, not the credentials: they are in a
		// header.)
		return nil, 0, fmt.Errorf("%w: %w", ErrUnknownOutcome, err)
	}
	defer resp.Body.Close()
	ans, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return nil, 0, fmt.Errorf("%w: reading the answer: %w", ErrUnknownOutcome, err)
	}
	return classify(resp, ans)
}

// classify maps an HTTP answer to the client's errors.
func classify(resp *http.Response, ans []byte) ([]byte, time.Duration, error) {
	switch code := resp.StatusCode; {
	case code == http.StatusOK:
		return ans, 0, nil
	case code == http.StatusAccepted:
		// ЮKassa is still working on this key: ask again after retry_after ms.
		var w wireError
		_ = json.Unmarshal(ans, &w)
		return nil, time.Duration(w.RetryAfter) * time.Millisecond, fmt.Errorf("%w: request in processing", ErrUnknownOutcome)
	case code == http.StatusNotFound:
		return nil, 0, ErrNotFound
	case code == http.StatusTooManyRequests:
		return nil, retryAfter(resp.Header.Get("Retry-After")), ErrTooManyRequests
	case code >= 500:
		return nil, 0, fmt.Errorf("%w: HTTP %d", ErrUnknownOutcome, code)
	default:
		return nil, 0, apiError(code, ans)
	}
}

func apiError(code int, ans []byte) *APIError {
	var w wireError
	if err := json.Unmarshal(ans, &w); err != nil || w.Code == "" {
		return &APIError{HTTPStatus: code, Code: "http_" + strconv.Itoa(code)}
	}
	return &APIError{HTTPStatus: code, Code: w.Code, Description: w.Description, Parameter: w.Parameter}
}

// retryAfter reads a Retry-After header in seconds (the form ЮKassa's
// peers use); a date or nonsense means "not said".
func retryAfter(h string) time.Duration {
	n, err := strconv.Atoi(strings.TrimSpace(h))
	if err != nil || n < 0 {
		return 0
	}
	return time.Duration(n) * time.Second
}

// ParseNotification reads ЮKassa's notification body. Only the event and
// the object's id are taken: the rest is not trusted, and unknown fields
// are ignored.
func ParseNotification(body []byte) (Notification, error) {
	var w struct {
		Type   string `json:"type"`
		Event  string `json:"event"`
		Object struct {
			ID string `json:"id"`
		} `json:"object"`
	}
	if err := json.Unmarshal(body, &w); err != nil {
		return Notification{}, fmt.Errorf("payments: notification: %w", err)
	}
	if w.Type != "notification" || w.Event == "" || w.Object.ID == "" {
		return Notification{}, errors.New("payments: notification without type, event or object id")
	}
	return Notification{Event: w.Event, ObjectID: w.Object.ID}, nil
}

// DefaultAllowlist returns the networks ЮKassa sends notifications from.
func DefaultAllowlist() []netip.Prefix {
	nets := []string{
		"185.71.76.0/27", "185.71.77.0/27", "77.75.153.0/25", "77.75.156.11/32",
		"77.75.156.35/32", "77.75.154.128/25", "2a02:5180::/32",
	}
	out := make([]netip.Prefix, len(nets))
	for i, n := range nets {
		out[i] = netip.MustParsePrefix(n)
	}
	return out
}
