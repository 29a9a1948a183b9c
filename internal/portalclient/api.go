package portalclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"kabinet/internal/domain"
)

// Session is an open session of the portal.
type Session struct {
	Token              string
	ExpiresAt          time.Time
	MustChangePassword bool
	// DeviceToken marks this computer as one the customer logs in from:
	// kept (at home only) and sent with the next login, it lets the
	// customer in while somebody else's wrong guesses make others wait.
	// Empty when the portal gave none (after a temporary password).
	DeviceToken string
}

// Login opens a session with the customer number and password and keeps its
// token in the client. It is never retried: a repeated login would count as
// another attempt in the server's throttle. A wrong number or password is a
// *RejectedError with Code "wrong_credentials" (not ErrUnauthorized).
func (c *Client) Login(ctx context.Context, customer, password string) (Session, error) {
	return c.LoginFromDevice(ctx, customer, password, "")
}

// LoginFromDevice is Login from a computer the customer logged in from
// before: deviceToken is the Session.DeviceToken of the last login here
// ("" for none). The answer carries a new one to keep in its place.
func (c *Client) LoginFromDevice(ctx context.Context, customer, password, deviceToken string) (Session, error) {
	body := struct {
		Customer    string `json:"customer"`
		Password    string `json:"password"`
		DeviceToken string `json:"device_token,omitempty"`
	}{customer, password, deviceToken}
	r, err := c.do(ctx, call{method: http.MethodPost, path: "/session", body: body, once: true})
	if err != nil {
		return Session{}, err
	}
	var resp struct {
		Token              string    `json:"token"`
		ExpiresAt          time.Time `json:"expires_at"`
		MustChangePassword bool      `json:"must_change_password"`
		DeviceToken        string    `json:"device_token"`
	}
	if err := decode(r, &resp); err != nil {
		return Session{}, err
	}
	if resp.Token == "" {
		return Session{}, badAnswer(r, "a token")
	}
	c.SetToken(resp.Token)
	return Session{Token: resp.Token, ExpiresAt: resp.ExpiresAt, MustChangePassword: resp.MustChangePassword, DeviceToken: resp.DeviceToken}, nil
}

// Logout ends the session on the server and forgets the token. A session
// that had already ended (401) counts as logged out. On any other error the
// token is kept, so the caller can try again or drop it with SetToken("").
func (c *Client) Logout(ctx context.Context) error {
	_, err := c.do(ctx, call{method: http.MethodDelete, path: "/session"})
	if err != nil && !errors.Is(err, ErrUnauthorized) {
		return err
	}
	c.SetToken("")
	return nil
}

// Recovery is what a person types to get a temporary password by SMS.
type Recovery struct {
	Customer, FullName, BirthDate, Phone string
}

// RecoverPassword asks for a temporary password by SMS and returns the
// portal's message, which is the same whether or not the data matched. It
// is not retried (every request counts in the server's rate limit).
func (c *Client) RecoverPassword(ctx context.Context, rec Recovery) (string, error) {
	body := struct {
		Customer  string `json:"customer"`
		FullName  string `json:"full_name"`
		BirthDate string `json:"birth_date"`
		Phone     string `json:"phone"`
	}{rec.Customer, rec.FullName, rec.BirthDate, rec.Phone}
	r, err := c.do(ctx, call{method: http.MethodPost, path: "/password-recovery", body: body, once: true})
	if err != nil {
		return "", err
	}
	var resp struct {
		Message string `json:"message"`
	}
	if err := decode(r, &resp); err != nil {
		return "", err
	}
	return resp.Message, nil
}

// ChangePassword sets a new password. It is not retried: after a change
// that arrived but whose answer was lost, a repeat would be refused as a
// wrong current password and counted as a failed login.
func (c *Client) ChangePassword(ctx context.Context, current, newPassword string) error {
	body := struct {
		Current string `json:"current"`
		New     string `json:"new"`
	}{current, newPassword}
	_, err := c.do(ctx, call{method: http.MethodPut, path: "/password", body: body, once: true})
	return err
}

// Profile returns the logged-in customer.
func (c *Client) Profile(ctx context.Context) (domain.Customer, error) {
	var cust domain.Customer
	r, err := c.do(ctx, call{method: http.MethodGet, path: "/profile"})
	if err == nil {
		err = decode(r, &cust)
	}
	return cust, err
}

// ProfileResult is the portal's answer to a profile change.
type ProfileResult struct {
	// Customer is the customer as stored: a new phone is not there until
	// its code is confirmed.
	Customer domain.Customer
	// PendingPhone is the new phone, masked («+7 912 ***-**-33»), when it
	// waits for the code sent to it by SMS; "" otherwise.
	PendingPhone string
	// Code names what happened: "profile_saved", "phone_code_sent".
	Code string
	// Message says it in Russian.
	Message string
}

// UpdateProfile replaces the e-mail ("" removes it) and the phone. Changing
// either needs the current password: a wrong one is a *RejectedError with
// Code "wrong_current_password" and Field "current_password". A new phone
// is not set at once: the portal sends a code to it (PendingPhone) that
// ConfirmPhone proves. It is not retried: every request sends an SMS code
// and counts in the server's throttle.
func (c *Client) UpdateProfile(ctx context.Context, email, phone, currentPassword string) (ProfileResult, error) {
	body := struct {
		Email           string `json:"email"`
		Phone           string `json:"phone"`
		CurrentPassword string `json:"current_password,omitempty"`
	}{email, phone, currentPassword}
	r, err := c.do(ctx, call{method: http.MethodPut, path: "/profile", body: body, once: true})
	if err != nil {
		return ProfileResult{}, err
	}
	return decodeProfile(r)
}

// ConfirmPhone proves the new phone with the code from the SMS and returns
// the customer with it. A wrong code is a *RejectedError with Code
// "phone_code_wrong"; a code out of time or tries "phone_code_expired"; no
// phone waiting for a code "phone_change_not_requested". Not retried: every
// try counts.
func (c *Client) ConfirmPhone(ctx context.Context, code string) (ProfileResult, error) {
	body := struct {
		Code string `json:"code"`
	}{code}
	r, err := c.do(ctx, call{method: http.MethodPost, path: "/profile/phone/confirm", body: body, once: true})
	if err != nil {
		return ProfileResult{}, err
	}
	return decodeProfile(r)
}

func decodeProfile(r *reply) (ProfileResult, error) {
	var res ProfileResult
	if err := decode(r, &res.Customer); err != nil {
		return res, err
	}
	var extra struct {
		PendingPhone string `json:"pending_phone"`
		Code         string `json:"code"`
		Message      string `json:"message"`
	}
	if err := decode(r, &extra); err != nil {
		return res, err
	}
	res.PendingPhone, res.Code, res.Message = extra.PendingPhone, extra.Code, extra.Message
	return res, nil
}

// Accounts lists the customer's accounts.
func (c *Client) Accounts(ctx context.Context) ([]domain.AccountSummary, error) {
	r, err := c.do(ctx, call{method: http.MethodGet, path: "/accounts"})
	if err != nil {
		return nil, err
	}
	var resp struct {
		Accounts []domain.AccountSummary `json:"accounts"`
	}
	if err := decode(r, &resp); err != nil {
		return nil, err
	}
	return resp.Accounts, nil
}

// Document fetches an account's document. With etag, a document that has not
// changed comes back as notModified (doc nil, newETag = etag). With cursor,
// the answer is a delta since it; an unusable cursor is ErrCursorExpired.
func (c *Client) Document(ctx context.Context, account, etag, cursor string) (doc *domain.AccountDocument, newETag string, notModified bool, err error) {
	k := call{method: http.MethodGet, path: "/accounts/" + url.PathEscape(account), etag: etag}
	if cursor != "" {
		k.query = url.Values{"since": {cursor}}
	}
	r, err := c.do(ctx, k)
	if err != nil {
		return nil, "", false, err
	}
	if r.status == http.StatusNotModified {
		return nil, etag, true, nil
	}
	doc = new(domain.AccountDocument)
	if err := decode(r, doc); err != nil {
		return nil, "", false, err
	}
	if doc.Cursor == "" {
		return nil, "", false, badAnswer(r, "a cursor")
	}
	return doc, r.header.Get("ETag"), false, nil
}

// ReadingRequest is a meter reading as the person typed it.
type ReadingRequest struct {
	Meter string
	// Values are the strings typed from the display, per zone.
	Values map[domain.Zone]string
	// TakenOn is the day the meter was read; zero means today (the
	// server's).
	TakenOn domain.Date
	// Confirm is the person's «да, всё верно» after needs_confirmation.
	Confirm bool
}

func (r ReadingRequest) wire() any {
	values := make(map[string]string, len(r.Values))
	for z, v := range r.Values {
		values[string(z)] = v
	}
	return struct {
		Meter   string            `json:"meter"`
		Values  map[string]string `json:"values"`
		TakenOn string            `json:"taken_on,omitempty"`
		Confirm bool              `json:"confirm"`
	}{r.Meter, values, r.TakenOn.String(), r.Confirm}
}

// ReadingResult is the portal's answer to a submitted or previewed reading.
type ReadingResult struct {
	Reading *domain.Reading `json:"reading"`
	Charge  *domain.Charge  `json:"charge"`
	Message string          `json:"message"`
	// Raw is the answer's body as received, to store with the outbox item.
	Raw json.RawMessage `json:"-"`
	// Replayed is true when the server answered from its idempotency
	// record: the reading had been stored by an earlier attempt.
	Replayed bool `json:"-"`
}

// SubmitReading sends a reading. idempotencyKey (8–255 visible ASCII
// characters without quotes or backslashes, e.g. a UUID) must be created
// when the person pressed «Передать» and stored with the queued reading:
// with it the request is retried safely, and a repeat after a lost answer
// returns the original answer (Replayed).
func (c *Client) SubmitReading(ctx context.Context, account string, r ReadingRequest, idempotencyKey string) (*ReadingResult, error) {
	if err := checkKey(idempotencyKey); err != nil {
		return nil, err
	}
	rep, err := c.do(ctx, call{method: http.MethodPost, path: "/accounts/" + url.PathEscape(account) + "/readings",
		body: r.wire(), idemKey: idempotencyKey})
	if err != nil {
		return nil, err
	}
	res, err := readingResult(rep)
	if err != nil {
		return nil, err
	}
	if res.Reading == nil {
		return nil, badAnswer(rep, "a reading")
	}
	return res, nil
}

// PreviewReading runs the portal's checks on a reading and prices it without
// storing anything. It is not retried.
func (c *Client) PreviewReading(ctx context.Context, account string, r ReadingRequest) (*ReadingResult, error) {
	rep, err := c.do(ctx, call{method: http.MethodPost, path: "/accounts/" + url.PathEscape(account) + "/readings/preview",
		body: r.wire(), once: true})
	if err != nil {
		return nil, err
	}
	return readingResult(rep)
}

func readingResult(r *reply) (*ReadingResult, error) {
	res := new(ReadingResult)
	if err := decode(r, res); err != nil {
		return nil, err
	}
	res.Raw = json.RawMessage(r.body)
	res.Replayed = r.header.Get("Idempotent-Replayed") == "true"
	return res, nil
}

// SetSubscriptions sets bills by e-mail and reminders by SMS and e-mail for an account and
// returns them as stored (with the profile's e-mail). s.Email is ignored.
func (c *Client) SetSubscriptions(ctx context.Context, account string, s domain.Subscriptions) (domain.Subscriptions, error) {
	body := struct {
		EmailBills     bool `json:"email_bills"`
		SMSReminders   bool `json:"sms_reminders"`
		EmailReminders bool `json:"email_reminders"`
	}{s.EmailBills, s.SMSReminders, s.EmailReminders}
	var out domain.Subscriptions
	r, err := c.do(ctx, call{method: http.MethodPut, path: "/accounts/" + url.PathEscape(account) + "/subscriptions", body: body})
	if err == nil {
		err = decode(r, &out)
	}
	return out, err
}

// Public fetches public content: kind is "news", "about", "contacts" or
// "faq". It returns the raw JSON body and its ETag; with etag, unchanged
// content comes back as notModified (body nil, newETag = etag).
func (c *Client) Public(ctx context.Context, kind, etag string) (body []byte, newETag string, notModified bool, err error) {
	switch kind {
	case "news", "about", "contacts", "faq":
	default:
		return nil, "", false, fmt.Errorf("portalclient: unknown public content %q", kind)
	}
	r, err := c.do(ctx, call{method: http.MethodGet, path: "/" + kind, etag: etag})
	if err != nil {
		return nil, "", false, err
	}
	if r.status == http.StatusNotModified {
		return nil, etag, true, nil
	}
	var obj map[string]json.RawMessage
	if err := decode(r, &obj); err != nil {
		return nil, "", false, err
	}
	return r.body, r.header.Get("ETag"), false, nil
}

// SearchHit is one search result.
type SearchHit struct {
	Kind, ID, Title, Snippet string
	Score                    float64
}

// Search searches the public content. An empty query is a *RejectedError
// (empty_query).
func (c *Client) Search(ctx context.Context, q string) ([]SearchHit, error) {
	r, err := c.do(ctx, call{method: http.MethodGet, path: "/search", query: url.Values{"q": {q}}})
	if err != nil {
		return nil, err
	}
	var resp struct {
		Results []struct {
			Kind    string  `json:"kind"`
			ID      string  `json:"id"`
			Title   string  `json:"title"`
			Snippet string  `json:"snippet"`
			Score   float64 `json:"score"`
		} `json:"results"`
	}
	if err := decode(r, &resp); err != nil {
		return nil, err
	}
	hits := make([]SearchHit, len(resp.Results))
	for i, h := range resp.Results {
		hits[i] = SearchHit{Kind: h.Kind, ID: h.ID, Title: h.Title, Snippet: h.Snippet, Score: h.Score}
	}
	return hits, nil
}

// QuestionRequest is a question to the company; Account is optional.
type QuestionRequest struct {
	Account, Topic, Text string
}

// AskQuestion sends a question with an idempotency key (see SubmitReading)
// and returns it as stored, with the raw answer body to keep.
func (c *Client) AskQuestion(ctx context.Context, q QuestionRequest, idempotencyKey string) (domain.Question, json.RawMessage, error) {
	if err := checkKey(idempotencyKey); err != nil {
		return domain.Question{}, nil, err
	}
	body := struct {
		Account string `json:"account,omitempty"`
		Topic   string `json:"topic"`
		Text    string `json:"text"`
	}{q.Account, q.Topic, q.Text}
	r, err := c.do(ctx, call{method: http.MethodPost, path: "/questions", body: body, idemKey: idempotencyKey})
	if err != nil {
		return domain.Question{}, nil, err
	}
	var resp struct {
		Question *domain.Question `json:"question"`
	}
	if err := decode(r, &resp); err != nil {
		return domain.Question{}, nil, err
	}
	if resp.Question == nil {
		return domain.Question{}, nil, badAnswer(r, "a question")
	}
	return *resp.Question, json.RawMessage(r.body), nil
}

// Questions lists the customer's questions, newest first.
func (c *Client) Questions(ctx context.Context) ([]domain.Question, error) {
	r, err := c.do(ctx, call{method: http.MethodGet, path: "/questions"})
	if err != nil {
		return nil, err
	}
	var resp struct {
		Questions []domain.Question `json:"questions"`
	}
	if err := decode(r, &resp); err != nil {
		return nil, err
	}
	return resp.Questions, nil
}

// checkKey checks an idempotency key against what the portal accepts, so a
// bad key is a programming error found here rather than a 400 later.
func checkKey(key string) error {
	if len(key) < 8 || len(key) > 255 {
		return fmt.Errorf("portalclient: idempotency key must have 8 to 255 characters, has %d", len(key))
	}
	for i := 0; i < len(key); i++ {
		if b := key[i]; b <= ' ' || b >= 0x7f || b == '"' || b == '\\' {
			return errors.New("portalclient: idempotency key must be visible ASCII without quotes or backslashes")
		}
	}
	return nil
}
