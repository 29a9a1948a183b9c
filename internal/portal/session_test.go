package portal_test

import (
	"bytes"
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"kabinet/internal/portal"
)

func TestLoginWithCustomerNumberAndPassword(t *testing.T) {
	e := newEnv(t)
	r := e.do(req{method: "POST", path: "/api/v1/session", body: map[string]string{"customer": " 100 001 ", "password": password}})
	if r.Status != http.StatusCreated {
		t.Fatalf("login: %d %s", r.Status, r.Body)
	}
	m := r.JSON(t)
	if tok, _ := m["token"].(string); len(tok) < 40 {
		t.Errorf("token %q is too short to be unguessable", tok)
	}
	if m["must_change_password"] != false {
		t.Errorf("must_change_password = %v after a normal login", m["must_change_password"])
	}
	exp, err := time.Parse(time.RFC3339, m["expires_at"].(string))
	if err != nil || !exp.After(e.clock.Now()) {
		t.Errorf("expires_at %v is not in the future", m["expires_at"])
	}
	if r := e.do(req{method: "GET", path: "/api/v1/accounts", token: m["token"].(string)}); r.Status != http.StatusOK {
		t.Errorf("accounts with the new token: %d", r.Status)
	}
}

func TestWrongPasswordAndUnknownCustomerLookTheSame(t *testing.T) {
	e := newEnv(t)
	wrong := e.do(req{method: "POST", path: "/api/v1/session", body: map[string]string{"customer": ivanova, "password": "не тот пароль"}})
	unknown := e.do(req{method: "POST", path: "/api/v1/session", body: map[string]string{"customer": "999999", "password": "не тот пароль"}})
	if wrong.Status != http.StatusUnauthorized || unknown.Status != http.StatusUnauthorized {
		t.Fatalf("statuses %d and %d, want 401 both", wrong.Status, unknown.Status)
	}
	if wrong.Code(t) != "wrong_credentials" {
		t.Errorf("code %q", wrong.Code(t))
	}
	if !bytes.Equal(wrong.Body, unknown.Body) {
		t.Errorf("bodies differ, which tells an attacker which numbers exist:\n%s\n%s", wrong.Body, unknown.Body)
	}
}

func TestLoginThrottlingSlowsGuessingAndRecovers(t *testing.T) {
	e := newEnv(t)
	guess := func() response {
		return e.do(req{method: "POST", path: "/api/v1/session", body: map[string]string{"customer": ivanova, "password": "guess-guess"}})
	}
	for i := range 5 {
		if r := guess(); r.Status != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d", i+1, r.Status)
		}
	}
	guess() // the sixth failure starts a wait
	r := e.do(req{method: "POST", path: "/api/v1/session", body: map[string]string{"customer": ivanova, "password": password}})
	if r.Status != http.StatusTooManyRequests || r.Code(t) != "too_many_attempts" {
		t.Fatalf("during the wait even the right password gets %d, want 429", r.Status)
	}
	if ra := r.Header.Get("Retry-After"); ra == "" || ra == "0" {
		t.Errorf("Retry-After = %q", ra)
	}
	// Another customer is not affected.
	e.login(petrov, password)
	// The wait ends by itself: no permanent lockout.
	e.clock.Advance(16 * time.Minute)
	e.login(ivanova, password)
}

func TestLogoutEndsTheSession(t *testing.T) {
	e := newEnv(t)
	tok := e.login(ivanova, password)
	if r := e.do(req{method: "DELETE", path: "/api/v1/session", token: tok}); r.Status != http.StatusNoContent {
		t.Fatalf("logout: %d", r.Status)
	}
	r := e.do(req{method: "GET", path: "/api/v1/accounts", token: tok})
	if r.Status != http.StatusUnauthorized || r.Code(t) != "unauthorized" {
		t.Errorf("after logout: %d", r.Status)
	}
}

func TestSessionExpires(t *testing.T) {
	e := newEnv(t)
	tok := e.login(ivanova, password)
	e.clock.Advance(13 * time.Hour)
	if r := e.do(req{method: "GET", path: "/api/v1/accounts", token: tok}); r.Status != http.StatusUnauthorized {
		t.Errorf("a 13-hour-old session still works: %d", r.Status)
	}
}

var smsPassword = regexp.MustCompile(`пароль для входа в личный кабинет: (\S+)`)

func recovery(e *env, phone string) response {
	return e.do(req{method: "POST", path: "/api/v1/password-recovery", body: map[string]string{
		"customer": ivanova, "full_name": "иванова  мария петровна", "birth_date": "15.03.1948", "phone": phone}})
}

func sentPassword(t *testing.T, e *env) string {
	t.Helper()
	e.srv.Wait()
	msgs := e.sms.Messages()
	if len(msgs) == 0 {
		t.Fatal("no SMS sent")
	}
	m := smsPassword.FindStringSubmatch(strings.ToLower(msgs[len(msgs)-1].Text))
	if m == nil {
		t.Fatalf("no password in SMS %q", msgs[len(msgs)-1].Text)
	}
	return m[1]
}

func TestRecoverySendsPasswordToThePhoneOnFileOnlyOnFullMatch(t *testing.T) {
	e := newEnv(t)
	miss := e.do(req{method: "POST", path: "/api/v1/password-recovery", body: map[string]string{
		"customer": ivanova, "full_name": "Иванова Мария Петровна", "birth_date": "1948-03-16", "phone": ivanovaPhone}})
	unknown := e.do(req{method: "POST", path: "/api/v1/password-recovery", body: map[string]string{
		"customer": "555555", "full_name": "Кто-то", "birth_date": "1950-01-01", "phone": "+79990000067"}})
	hit := recovery(e, "8 (912) 123-45-67")
	for _, r := range []response{miss, unknown, hit} {
		if r.Status != http.StatusAccepted {
			t.Fatalf("recovery: %d %s", r.Status, r.Body)
		}
	}
	if !bytes.Equal(miss.Body, hit.Body) || !bytes.Equal(unknown.Body, hit.Body) {
		t.Errorf("answers differ between a match and a miss:\n%s\n%s", miss.Body, hit.Body)
	}
	e.srv.Wait()
	msgs := e.sms.Messages()
	if len(msgs) != 1 || msgs[0].Phone != ivanovaPhone {
		t.Fatalf("SMS sent: %+v, want one to %s", msgs, ivanovaPhone)
	}
	// A typed phone that is not the one on file gets nothing.
	recovery(e, "+79990001122")
	e.clock.Advance(2 * time.Minute)
	recovery(e, "+79990001122")
	e.srv.Wait()
	if n := len(e.sms.Messages()); n != 1 {
		t.Errorf("%d SMS after requests with a foreign phone", n)
	}
	if strings.Contains(e.logs.String(), ivanovaPhone) || strings.Contains(e.logs.String(), "1234567") {
		t.Errorf("the log holds the phone number:\n%s", e.logs.String())
	}
}

func TestSMSPasswordForcesAPasswordChange(t *testing.T) {
	e := newEnv(t)
	old := e.login(ivanova, password) // a session on another computer
	recovery(e, ivanovaPhone)
	temp := sentPassword(t, e)
	r := e.do(req{method: "POST", path: "/api/v1/session", body: map[string]string{"customer": ivanova, "password": temp}})
	if r.Status != http.StatusCreated || r.JSON(t)["must_change_password"] != true {
		t.Fatalf("login with the SMS password: %d %s", r.Status, r.Body)
	}
	tok := r.JSON(t)["token"].(string)
	if r := e.do(req{method: "GET", path: "/api/v1/accounts", token: tok}); r.Status != http.StatusForbidden || r.Code(t) != "password_change_required" {
		t.Errorf("before the change: %d %s", r.Status, r.Body)
	}
	newPassword := "зелёный чайник на окне"
	r = e.do(req{method: "PUT", path: "/api/v1/password", token: tok, body: map[string]string{"current": temp, "new": newPassword}})
	if r.Status != http.StatusOK {
		t.Fatalf("change: %d %s", r.Status, r.Body)
	}
	if r := e.do(req{method: "GET", path: "/api/v1/accounts", token: tok}); r.Status != http.StatusOK {
		t.Errorf("after the change: %d", r.Status)
	}
	if r := e.do(req{method: "GET", path: "/api/v1/accounts", token: old}); r.Status != http.StatusUnauthorized {
		t.Errorf("the other computer's session survived the password change: %d", r.Status)
	}
	e.login(ivanova, newPassword)
	for _, pw := range []string{password, temp} {
		if r := e.do(req{method: "POST", path: "/api/v1/session", body: map[string]string{"customer": ivanova, "password": pw}}); r.Status != http.StatusUnauthorized {
			t.Errorf("old password %q still works: %d", pw, r.Status)
		}
	}
}

func TestRecoveryKeepsTheOldPasswordWorking(t *testing.T) {
	e := newEnv(t)
	recovery(e, ivanovaPhone)
	sentPassword(t, e)
	// Somebody else asked for a password: the customer is not locked out.
	e.login(ivanova, password)
}

func TestRecoverySMSLimits(t *testing.T) {
	e := newEnv(t)
	recovery(e, ivanovaPhone)
	recovery(e, ivanovaPhone) // within 60 s: no second SMS
	e.srv.Wait()
	if n := len(e.sms.Messages()); n != 1 {
		t.Fatalf("%d SMS within a minute, want 1", n)
	}
	for range 10 {
		e.clock.Advance(61 * time.Second)
		recovery(e, ivanovaPhone)
	}
	e.srv.Wait()
	if n := len(e.sms.Messages()); n != 5 {
		t.Errorf("%d SMS in a day, want at most 5", n)
	}
	e.clock.Advance(24 * time.Hour)
	recovery(e, ivanovaPhone)
	e.srv.Wait()
	if n := len(e.sms.Messages()); n != 6 {
		t.Errorf("the next day: %d SMS, want 6", n)
	}
}

func TestRecoveryIsLimitedPerAddress(t *testing.T) {
	e := newEnv(t)
	var last response
	for range 21 {
		last = e.do(req{method: "POST", path: "/api/v1/password-recovery", body: map[string]string{
			"customer": "555555", "full_name": "Кто-то", "birth_date": "1950-01-01", "phone": "+79990000000"}})
	}
	if last.Status != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" {
		t.Errorf("21st request from one address: %d", last.Status)
	}
}

func TestOneTimePasswordWorksOnce(t *testing.T) {
	e := newEnv(t)
	otp, err := portal.IssueOneTimePassword(context.Background(), e.db, ivanova, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	r := e.do(req{method: "POST", path: "/api/v1/session", body: map[string]string{"customer": ivanova, "password": otp}})
	if r.Status != http.StatusCreated || r.JSON(t)["must_change_password"] != true {
		t.Fatalf("first login with the one-time password: %d %s", r.Status, r.Body)
	}
	tok := r.JSON(t)["token"].(string)
	if r := e.do(req{method: "POST", path: "/api/v1/session", body: map[string]string{"customer": ivanova, "password": otp}}); r.Status != http.StatusUnauthorized {
		t.Errorf("second login with the one-time password: %d", r.Status)
	}
	if r := e.do(req{method: "PUT", path: "/api/v1/password", token: tok, body: map[string]string{"current": otp, "new": "мой новый пароль"}}); r.Status != http.StatusOK {
		t.Errorf("setting a password after the one-time login: %d %s", r.Status, r.Body)
	}
}

func TestOneTimePasswordExpires(t *testing.T) {
	e := newEnv(t)
	otp, err := portal.IssueOneTimePassword(context.Background(), e.db, ivanova, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(2 * time.Hour)
	if r := e.do(req{method: "POST", path: "/api/v1/session", body: map[string]string{"customer": ivanova, "password": otp}}); r.Status != http.StatusUnauthorized {
		t.Errorf("an expired one-time password works: %d", r.Status)
	}
}

func TestPasswordChangeRefusesBadPasswords(t *testing.T) {
	e := newEnv(t)
	tok := e.login(ivanova, password)
	cases := []struct {
		current, new, code string
	}{
		{"wrong-one", "хороший длинный пароль", "wrong_current_password"},
		{password, "1234567", "password_too_short"},
		{password, "qwerty123", "password_too_common"},
		{password, password, "password_not_changed"},
		{password, strings.Repeat("я", 129), "password_too_long"},
	}
	for _, c := range cases {
		r := e.do(req{method: "PUT", path: "/api/v1/password", token: tok, body: map[string]string{"current": c.current, "new": c.new}})
		if r.Status != http.StatusUnprocessableEntity || r.Code(t) != c.code {
			t.Errorf("new %q: %d %s, want 422 %s", c.new, r.Status, r.Body, c.code)
		}
	}
	// Nothing changed.
	e.login(ivanova, password)
	// 128 Cyrillic characters are fine and are not truncated.
	long := strings.Repeat("берёзка", 18) + "ой"
	if r := e.do(req{method: "PUT", path: "/api/v1/password", token: tok, body: map[string]string{"current": password, "new": long}}); r.Status != http.StatusOK {
		t.Fatalf("128-character password: %d %s", r.Status, r.Body)
	}
	if r := e.do(req{method: "POST", path: "/api/v1/session", body: map[string]string{"customer": ivanova, "password": long[:len(long)-2] + "з"}}); r.Status != http.StatusUnauthorized {
		t.Errorf("a password differing in the last character works: %d", r.Status)
	}
	e.login(ivanova, long)
}

func TestProfileChangeValidatesAndShowsInTheDocument(t *testing.T) {
	e := newEnv(t)
	tok := e.login(ivanova, password)
	r := e.do(req{method: "PUT", path: "/api/v1/profile", token: tok, body: map[string]string{"email": "ivanova@@mail", "phone": ivanovaPhone}})
	if r.Status != http.StatusUnprocessableEntity || r.Code(t) != "bad_email" {
		t.Errorf("bad e-mail: %d %s", r.Status, r.Body)
	}
	r = e.do(req{method: "PUT", path: "/api/v1/profile", token: tok, body: map[string]string{"email": "ivanova@mail.ru", "phone": "12345"}})
	if r.Status != http.StatusUnprocessableEntity || r.Code(t) != "bad_phone" {
		t.Errorf("bad phone: %d %s", r.Status, r.Body)
	}
	before, resp := e.document(tok, ivanovaAcc)
	if before.Customer.Email != "" {
		t.Fatalf("a refused change was stored: %q", before.Customer.Email)
	}
	etag := resp.Header.Get("ETag")
	r = e.do(req{method: "PUT", path: "/api/v1/profile", token: tok, body: map[string]string{"email": " ivanova@mail.ru ", "phone": "8 912 111-22-33", "current_password": password}})
	if r.Status != http.StatusOK {
		t.Fatalf("profile: %d %s", r.Status, r.Body)
	}
	confirmPhone(e, tok, sentCode(t, e, "+79121112233"))
	after, resp := e.document(tok, ivanovaAcc)
	if after.Customer.Email != "ivanova@mail.ru" || after.Customer.Phone != "+79121112233" {
		t.Errorf("profile in the document: %+v", after.Customer)
	}
	if resp.Header.Get("ETag") == etag {
		t.Error("the ETag did not change with the profile")
	}
}
