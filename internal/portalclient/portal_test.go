package portalclient_test

import (
	"context"
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"kabinet/internal/auth"
	"kabinet/internal/demo"
	"kabinet/internal/domain"
	"kabinet/internal/portalclient"
	"kabinet/internal/portaltest"
)

func TestMain(m *testing.M) {
	auth.UseFastParamsForTests()
	os.Exit(m.Run())
}

const (
	ivanova    = "100001"
	ivanovaAcc = "1100012345"
)

// newPortal runs the real portal in-process with the demo data and the
// window always open.
func newPortal(t *testing.T) *portaltest.Server { return portaltest.Start(t) }

func newClient(t *testing.T, url string, opts portalclient.Options) *portalclient.Client {
	t.Helper()
	c, err := portalclient.New(url, opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func login(t *testing.T, c *portalclient.Client, customer string) portalclient.Session {
	t.Helper()
	s, err := c.Login(context.Background(), customer, demo.Password)
	if err != nil {
		t.Fatalf("login %s: %v", customer, err)
	}
	return s
}

func hasCyrillic(s string) bool {
	for _, r := range s {
		if r >= 'А' && r <= 'я' || r == 'ё' || r == 'Ё' {
			return true
		}
	}
	return false
}

// plus returns the decimal string v + kwh.
func plus(t *testing.T, v domain.Decimal, kwh int64) string {
	t.Helper()
	return (v + domain.DecimalFromInt(kwh)).String()
}

func TestSessionAndAccounts(t *testing.T) {
	env := newPortal(t)
	ctx := context.Background()
	c := newClient(t, env.URL, portalclient.Options{})

	_, err := c.Login(ctx, ivanova, "not the password")
	var rej *portalclient.RejectedError
	if !errors.As(err, &rej) || rej.Status != 401 || rej.Code != "wrong_credentials" {
		t.Fatalf("wrong password: %v (%#v)", err, err)
	}
	if errors.Is(err, portalclient.ErrUnauthorized) {
		t.Error("a wrong password is not an ended session")
	}
	if !hasCyrillic(portalclient.Message(err)) || portalclient.Message(err) != rej.Detail {
		t.Errorf("Message = %q, want the detail", portalclient.Message(err))
	}
	if c.Token() != "" {
		t.Error("a failed login set a token")
	}

	s := login(t, c, " 100 001 ")
	if len(s.Token) != 43 || c.Token() != s.Token || s.MustChangePassword || time.Until(s.ExpiresAt) < 11*time.Hour {
		t.Fatalf("session %+v, client token %q", s, c.Token())
	}

	accounts, err := c.Accounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(accounts) != 1 || accounts[0].Number != ivanovaAcc || accounts[0].Address == "" {
		t.Fatalf("accounts %+v", accounts)
	}

	prof, err := c.Profile(ctx)
	if err != nil || prof.Number != ivanova || prof.FullName != "Иванова Мария Петровна" {
		t.Fatalf("profile %+v, %v", prof, err)
	}
	_, err = c.UpdateProfile(ctx, " maria@example.ru ", "8 912 123-45-01", "")
	if !errors.As(err, &rej) || rej.Code != "current_password_required" || rej.Field != "current_password" {
		t.Fatalf("profile change without the password: %v", err)
	}
	res, err := c.UpdateProfile(ctx, " maria@example.ru ", "8 912 123-45-01", demo.Password)
	if err != nil || res.Customer.Email != "maria@example.ru" || res.Customer.Phone != "+79121234501" || res.Code != "profile_saved" || !hasCyrillic(res.Message) {
		t.Fatalf("update profile %+v, %v", res, err)
	}
	_, err = c.UpdateProfile(ctx, "maria@example.ru", "12", demo.Password)
	if !errors.As(err, &rej) || rej.Code != "bad_phone" || rej.Field != "phone" || portalclient.Temporary(err) {
		t.Fatalf("bad phone: %v", err)
	}
	// A new phone waits for its code.
	res, err = c.UpdateProfile(ctx, "maria@example.ru", "8 912 765-43-21", demo.Password)
	if err != nil || res.Code != "phone_code_sent" || res.PendingPhone != "+7 912 ***-**-21" || res.Customer.Phone != "+79121234501" {
		t.Fatalf("new phone %+v, %v", res, err)
	}
	_, err = c.ConfirmPhone(ctx, "12")
	if !errors.As(err, &rej) || rej.Code != "phone_code_wrong" || rej.Field != "code" {
		t.Fatalf("a code too short: %v", err)
	}
	var code string
	for _, m := range env.SMS() {
		if sm := regexp.MustCompile(`\b(\d{6})\b`).FindStringSubmatch(m.Text); sm != nil && m.Phone == "+79127654321" {
			code = sm[1]
		}
	}
	res, err = c.ConfirmPhone(ctx, code)
	if err != nil || res.Customer.Phone != "+79127654321" {
		t.Fatalf("confirm %q: %+v, %v", code, res, err)
	}

	subs, err := c.SetSubscriptions(ctx, ivanovaAcc, domain.Subscriptions{EmailBills: true, SMSReminders: false, EmailReminders: true, Email: "ignored@example.ru"})
	if err != nil || !subs.EmailBills || subs.SMSReminders || !subs.EmailReminders || subs.Email != "maria@example.ru" {
		t.Fatalf("subscriptions %+v, %v", subs, err)
	}
	_, err = c.SetSubscriptions(ctx, "9999999999", domain.Subscriptions{})
	if !errors.As(err, &rej) || rej.Status != 404 || rej.Code != "not_found" {
		t.Fatalf("foreign account: %v", err)
	}

	// Another session of the same customer stays valid after logout.
	other := newClient(t, env.URL, portalclient.Options{})
	login(t, other, ivanova)

	if err := c.Logout(ctx); err != nil {
		t.Fatal(err)
	}
	if c.Token() != "" {
		t.Error("logout kept the token")
	}
	_, err = c.Accounts(ctx)
	if !errors.Is(err, portalclient.ErrUnauthorized) || portalclient.Temporary(err) {
		t.Fatalf("after logout: %v", err)
	}
	if !hasCyrillic(portalclient.Message(err)) {
		t.Errorf("Message(unauthorized) = %q", portalclient.Message(err))
	}

	// A token that the server does not know.
	c.SetToken(other.Token() + "x")
	if _, err := c.Profile(ctx); !errors.Is(err, portalclient.ErrUnauthorized) {
		t.Fatalf("unknown token: %v", err)
	}
	// Logging out an ended session is fine.
	if err := c.Logout(ctx); err != nil || c.Token() != "" {
		t.Fatalf("logout of an ended session: %v, token %q", err, c.Token())
	}
	if _, err := other.Accounts(ctx); err != nil {
		t.Fatalf("the other session: %v", err)
	}
}

func TestDocumentETagAndDelta(t *testing.T) {
	env := newPortal(t)
	ctx := context.Background()
	c := newClient(t, env.URL, portalclient.Options{})
	login(t, c, ivanova)

	doc, etag, notModified, err := c.Document(ctx, ivanovaAcc, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if notModified || doc == nil || doc.Delta || doc.Account == nil || doc.Account.Number != ivanovaAcc || len(doc.Meters) == 0 || doc.Cursor == "" {
		t.Fatalf("document: notModified %v, %+v", notModified, doc)
	}
	if !strings.HasPrefix(etag, `"`) {
		t.Fatalf("etag %q", etag)
	}

	again, etag2, notModified, err := c.Document(ctx, ivanovaAcc, etag, "")
	if err != nil || !notModified || again != nil || etag2 != etag {
		t.Fatalf("conditional: doc %v, etag %q, notModified %v, err %v", again, etag2, notModified, err)
	}

	delta, _, _, err := c.Document(ctx, ivanovaAcc, "", doc.Cursor)
	if err != nil {
		t.Fatal(err)
	}
	if !delta.Delta || len(delta.Readings) != 0 || delta.Cursor != doc.Cursor {
		t.Fatalf("empty delta: %+v", delta)
	}

	// A reading makes a delta with it, and a new ETag.
	meter := doc.Meters[0]
	res, err := c.SubmitReading(ctx, ivanovaAcc, portalclient.ReadingRequest{Meter: meter.ID,
		Values: map[domain.Zone]string{domain.T1: plus(t, meter.Zones[0].LastValue, 40)}}, "delta-key-0001")
	if err != nil {
		t.Fatal(err)
	}
	delta, etag3, notModified, err := c.Document(ctx, ivanovaAcc, etag, doc.Cursor)
	if err != nil || notModified {
		t.Fatalf("delta after a reading: %v, notModified %v", err, notModified)
	}
	if etag3 == etag || !delta.Delta || len(delta.Readings) == 0 || delta.Readings[len(delta.Readings)-1].ID != res.Reading.ID {
		t.Fatalf("delta after a reading: etag %q→%q, %+v", etag, etag3, delta.Readings)
	}

	_, _, _, err = c.Document(ctx, ivanovaAcc, "", "bogus.1")
	if !errors.Is(err, portalclient.ErrCursorExpired) {
		t.Fatalf("bad cursor: %v", err)
	}
	var rej *portalclient.RejectedError
	if !errors.As(err, &rej) || rej.Status != 410 || rej.Code != "cursor_expired" || !hasCyrillic(portalclient.Message(err)) {
		t.Fatalf("bad cursor: %#v", err)
	}

	_, _, _, err = c.Document(ctx, "1100023456", "", "")
	if !errors.As(err, &rej) || rej.Status != 404 {
		t.Fatalf("another customer's account: %v", err)
	}
}

func TestReadings(t *testing.T) {
	env := newPortal(t)
	ctx := context.Background()
	c := newClient(t, env.URL, portalclient.Options{})
	login(t, c, ivanova)
	doc, _, _, err := c.Document(ctx, ivanovaAcc, "", "")
	if err != nil {
		t.Fatal(err)
	}
	meter := doc.Meters[0]
	value := plus(t, meter.Zones[0].LastValue, 50)
	req := portalclient.ReadingRequest{Meter: meter.ID, Values: map[domain.Zone]string{domain.T1: strings.Replace(value, ".", ",", 1)}}

	preview, err := c.PreviewReading(ctx, ivanovaAcc, req)
	if err != nil {
		t.Fatal(err)
	}
	if preview.Reading != nil || preview.Charge == nil || preview.Charge.Volume != domain.DecimalFromInt(50) || !hasCyrillic(preview.Message) {
		t.Fatalf("preview %+v", preview)
	}

	const key = "0f8e2a64-1c3b-4d5e-8f90-a1b2c3d4e5f6"
	first, err := c.SubmitReading(ctx, ivanovaAcc, req, key)
	if err != nil {
		t.Fatal(err)
	}
	if first.Replayed || first.Reading == nil || first.Reading.Values[domain.T1].String() != value || first.Charge == nil || len(first.Raw) == 0 || !hasCyrillic(first.Message) {
		t.Fatalf("first submission %+v", first)
	}
	second, err := c.SubmitReading(ctx, ivanovaAcc, req, key)
	if err != nil {
		t.Fatal(err)
	}
	if !second.Replayed || string(second.Raw) != string(first.Raw) || second.Reading.ID != first.Reading.ID {
		t.Fatalf("replay: replayed %v, raw\n%s\nvs\n%s", second.Replayed, second.Raw, first.Raw)
	}

	// Lower than last month's reading (the value just accepted replaces
	// nothing below it): refused with last month's figures.
	lower := req
	lower.Values = map[domain.Zone]string{domain.T1: plus(t, meter.Zones[0].LastValue, -1)}
	_, err = c.SubmitReading(ctx, ivanovaAcc, lower, "lower-key-0001")
	var rej *portalclient.RejectedError
	if !errors.As(err, &rej) {
		t.Fatalf("lower reading: %v", err)
	}
	if rej.Status != 422 || rej.Code != "reading_lower_than_previous" || rej.Field != "t1" || rej.Params["previous"] != meter.Zones[0].LastValue.String() ||
		rej.Params["previous_date"] == "" || err.Error() != rej.Detail || portalclient.Message(err) != rej.Detail || portalclient.Temporary(err) {
		t.Fatalf("lower reading: %#v", rej)
	}

	// The same key with another body.
	_, err = c.SubmitReading(ctx, ivanovaAcc, lower, key)
	if !errors.As(err, &rej) || rej.Code != "idempotency_key_reused" {
		t.Fatalf("reused key: %v", err)
	}

	// A bad key never leaves the client.
	if _, err := c.SubmitReading(ctx, ivanovaAcc, req, "short"); err == nil {
		t.Fatal("a short key was accepted")
	}
	if _, err := c.SubmitReading(ctx, ivanovaAcc, req, `with"quote`); err == nil {
		t.Fatal("a key with a quote was accepted")
	}

	// taken_on travels as a date.
	future := domain.DateOf(time.Now().Add(72*time.Hour), domain.Moscow)
	dated := req
	dated.Values = map[domain.Zone]string{domain.T1: plus(t, meter.Zones[0].LastValue, 60)}
	dated.TakenOn = future
	_, err = c.PreviewReading(ctx, ivanovaAcc, dated)
	if !errors.As(err, &rej) || rej.Code != "taken_in_future" {
		t.Fatalf("taken in the future: %v", err)
	}
}

func TestPublicSearchQuestions(t *testing.T) {
	env := newPortal(t)
	ctx := context.Background()
	c := newClient(t, env.URL, portalclient.Options{})

	for _, kind := range []string{"news", "about", "faq"} {
		body, etag, notModified, err := c.Public(ctx, kind, "")
		if err != nil || notModified || len(body) == 0 || etag == "" || !strings.Contains(string(body), `"`+map[string]string{"news": "news", "about": "sections", "faq": "faq"}[kind]+`"`) {
			t.Fatalf("%s: %v, etag %q, body %.80s", kind, err, etag, body)
		}
		body2, etag2, notModified, err := c.Public(ctx, kind, etag)
		if err != nil || !notModified || body2 != nil || etag2 != etag {
			t.Fatalf("%s conditional: %v, %v, %q", kind, err, notModified, etag2)
		}
	}
	body, _, _, err := c.Public(ctx, "contacts", "")
	if err != nil || !strings.Contains(string(body), `"offices"`) {
		t.Fatalf("contacts: %v %s", err, body)
	}
	if _, _, _, err := c.Public(ctx, "secrets", ""); err == nil {
		t.Fatal("unknown kind accepted")
	}

	hits, err := c.Search(ctx, "показания")
	if err != nil || len(hits) == 0 || hits[0].Title == "" || hits[0].Kind == "" || hits[0].Score <= 0 {
		t.Fatalf("search: %+v, %v", hits, err)
	}
	_, err = c.Search(ctx, "  ")
	var rej *portalclient.RejectedError
	if !errors.As(err, &rej) || rej.Code != "empty_query" {
		t.Fatalf("empty search: %v", err)
	}

	if _, err := c.Questions(ctx); !errors.Is(err, portalclient.ErrUnauthorized) {
		t.Fatalf("questions without login: %v", err)
	}
	login(t, c, ivanova)
	before, err := c.Questions(ctx)
	if err != nil || len(before) == 0 {
		t.Fatalf("questions: %v, %v", before, err)
	}
	q := portalclient.QuestionRequest{Account: ivanovaAcc, Topic: "Оплата", Text: "  Можно ли платить за два месяца сразу?  "}
	asked, raw, err := c.AskQuestion(ctx, q, "question-key-0001")
	if err != nil {
		t.Fatal(err)
	}
	if asked.ID == "" || asked.Text != "Можно ли платить за два месяца сразу?" || asked.Account != ivanovaAcc || !strings.Contains(string(raw), `"message"`) {
		t.Fatalf("asked %+v, raw %s", asked, raw)
	}
	again, raw2, err := c.AskQuestion(ctx, q, "question-key-0001")
	if err != nil || again.ID != asked.ID || string(raw2) != string(raw) {
		t.Fatalf("repeat: %+v, %v", again, err)
	}
	after, err := c.Questions(ctx)
	if err != nil || len(after) != len(before)+1 || after[0].ID != asked.ID {
		t.Fatalf("questions after asking: %+v, %v", after, err)
	}
	_, _, err = c.AskQuestion(ctx, portalclient.QuestionRequest{Text: " "}, "question-key-0002")
	if !errors.As(err, &rej) || rej.Code != "bad_question" || rej.Field != "text" {
		t.Fatalf("empty question: %v", err)
	}
}

// TestTemporaryPassword follows recovery by SMS: the temporary password
// logs in with must_change_password, every other call is
// ErrPasswordChangeRequired until a new password is set.
func TestTemporaryPassword(t *testing.T) {
	env := newPortal(t)
	ctx := context.Background()
	c := newClient(t, env.URL, portalclient.Options{})

	msg, err := c.RecoverPassword(ctx, portalclient.Recovery{Customer: ivanova, FullName: "иванова мария петровна",
		BirthDate: "14.03.1948", Phone: "8 912 123-45-01"})
	if err != nil || !hasCyrillic(msg) {
		t.Fatalf("recovery: %q, %v", msg, err)
	}
	var temp string
	for _, m := range env.SMS() {
		if sm := regexp.MustCompile(`: ([2-9a-z]{10}) \.`).FindStringSubmatch(m.Text); sm != nil {
			temp = sm[1]
		}
	}
	if temp == "" {
		t.Fatalf("no temporary password in %+v", env.SMS())
	}

	s, err := c.Login(ctx, ivanova, temp)
	if err != nil || !s.MustChangePassword {
		t.Fatalf("login with the temporary password: %+v, %v", s, err)
	}
	_, err = c.Accounts(ctx)
	if !errors.Is(err, portalclient.ErrPasswordChangeRequired) || errors.Is(err, portalclient.ErrUnauthorized) || !hasCyrillic(portalclient.Message(err)) {
		t.Fatalf("before the change: %v", err)
	}
	err = c.ChangePassword(ctx, temp, "12345678")
	var rej *portalclient.RejectedError
	if !errors.As(err, &rej) || rej.Status != 422 || rej.Code != "password_too_common" {
		t.Fatalf("weak password: %v", err)
	}
	const newPassword = "зелёный чайник на окне"
	if err := c.ChangePassword(ctx, temp, newPassword); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Accounts(ctx); err != nil {
		t.Fatalf("after the change: %v", err)
	}
	c2 := newClient(t, env.URL, portalclient.Options{})
	if _, err := c2.Login(ctx, ivanova, newPassword); err != nil {
		t.Fatalf("login with the new password: %v", err)
	}
}
