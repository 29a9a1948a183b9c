package backoffice_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"kabinet/internal/backoffice"
)

// Each role sees its own pages; a form of another role's page changes
// nothing.
func TestRolesKeepEachToTheirPages(t *testing.T) {
	e := newEnv(t)
	oper := e.browser()
	oper.login("oper")
	oper.get("/content")
	if oper.status != http.StatusForbidden || !strings.Contains(oper.page, "не для вашей роли") {
		t.Errorf("an operator opened the content editor: %d", oper.status)
	}
	news := e.count(`SELECT count(*) FROM news`)
	oper.post("/content/news/new", url.Values{"head": {"Взлом"}, "text": {"Оператор публикует новость"}, "date": {"21.11.2026"}})
	if oper.status != http.StatusForbidden || e.count(`SELECT count(*) FROM news`) != news {
		t.Errorf("an operator published news: %d", oper.status)
	}
	oper.get("/audit")
	if oper.status != http.StatusForbidden {
		t.Errorf("an operator read the audit log: %d", oper.status)
	}

	editor := e.browser()
	editor.login("editor")
	editor.get("/content")
	editor.post("/customers/"+ivanova+"/otp", url.Values{"identified_by": {"callback"}})
	if editor.status != http.StatusForbidden || e.count(`SELECT count(*) FROM temp_passwords`) != 0 {
		t.Errorf("an editor issued a one-time password: %d", editor.status)
	}
	editor.get("/customers?q=" + ivanova)
	if editor.status != http.StatusForbidden || strings.Contains(editor.page, "Иванова") {
		t.Errorf("an editor looked a customer up: %d", editor.status)
	}

	admin := e.browser()
	admin.login("boss")
	for _, path := range []string{"/questions", "/customers/" + ivanova, "/content", "/staff", "/audit"} {
		if admin.get(path); admin.status != http.StatusOK {
			t.Errorf("admin: %s: %d", path, admin.status)
		}
	}
	if !strings.Contains(text(admin.page), "просмотр карточки клиента") {
		t.Errorf("the audit log does not show the admin's look at a customer: %s", text(admin.page))
	}
}

// A form without the session's token, with another token, or sent from
// another site changes nothing.
func TestFormsWithoutTheSessionsTokenChangeNothing(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.login("editor")
	b.get("/content/news/new")
	form := func(csrf string) url.Values {
		return url.Values{"head": {"Новость"}, "text": {"Текст"}, "date": {"21.11.2026"}, "csrf": {csrf}}
	}
	news := e.count(`SELECT count(*) FROM news`)
	good := csrfOf(b.page)
	for name, f := range map[string]url.Values{"no token": form(""), "a wrong token": form(good[:len(good)-2] + "xx")} {
		b.post("/content/news/new", f)
		if b.status != http.StatusForbidden || e.count(`SELECT count(*) FROM news`) != news {
			t.Errorf("%s: %d, news %d → %d", name, b.status, news, e.count(`SELECT count(*) FROM news`))
		}
	}
	b.origin = "https://evil.example"
	b.post("/content/news/new", form(good))
	if b.status != http.StatusForbidden || e.count(`SELECT count(*) FROM news`) != news {
		t.Errorf("from another site: %d", b.status)
	}
	b.origin = ""
	b.post("/content/news/new", form(good))
	if b.status != http.StatusForbidden {
		t.Errorf("with neither Origin nor Referer: %d", b.status)
	}
	b.origin = e.url
	b.post("/content/news/new", form(good))
	if b.status != http.StatusOK || e.count(`SELECT count(*) FROM news`) != news+1 {
		t.Errorf("the right token from this site: %d %s", b.status, text(b.page))
	}
}

// A session ends after 30 minutes without a request, and 12 hours after
// the login however busy; then the person logs in again.
func TestSessionsEndWhenIdleAndAfterTwelveHours(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.login("oper")
	e.clock.Advance(29 * time.Minute)
	if b.get("/questions"); !strings.Contains(b.page, "Вопросы клиентов") {
		t.Fatalf("29 minutes idle ended the session: %s", text(b.page))
	}
	e.clock.Advance(30 * time.Minute)
	b.get("/questions")
	if !strings.Contains(b.page, "Сеанс закончился") || strings.Contains(b.page, "Ждут ответа") {
		t.Fatalf("30 minutes idle: %s", text(b.page))
	}
	b.login("oper")
	for range 12 * 60 / 20 {
		e.clock.Advance(20 * time.Minute)
		b.get("/questions")
	}
	if !strings.Contains(b.page, "Сеанс закончился") {
		t.Errorf("12 hours after the login the session goes on: %s", text(b.page))
	}
	if n := e.count(`SELECT count(*) FROM staff_sessions`); n != 0 {
		t.Errorf("%d ended sessions kept", n)
	}
}

// Logging out ends the session on the server: the old cookie opens nothing.
func TestLogoutEndsTheSession(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.login("oper")
	b.get("/questions")
	u, _ := url.Parse(e.url)
	cookies := b.client.Jar.Cookies(u)
	b.post("/logout", url.Values{})
	if !strings.Contains(b.page, "Вы вышли") {
		t.Fatalf("logout: %s", text(b.page))
	}
	thief := e.browser()
	thief.client.Jar.SetCookies(u, cookies)
	if thief.get("/questions"); strings.Contains(thief.page, "Ждут ответа") {
		t.Error("the cookie of a logged-out session still opens pages")
	}
}

// Password guessing is stopped after 10 attempts per login in 15 minutes:
// then even the right password waits. Failures are in the audit log,
// the passwords typed are not.
func TestLoginGuessingIsThrottled(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	for i := range 10 {
		b.post("/login", url.Values{"login": {"oper"}, "password": {"guess" + string(rune('a'+i))}})
		if b.status != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d", i, b.status)
		}
	}
	b.post("/login", url.Values{"login": {"oper"}, "password": {staffPassword}})
	if b.status != http.StatusTooManyRequests || !strings.Contains(b.page, "Слишком много попыток") {
		t.Fatalf("the right password after 10 guesses: %d %s", b.status, text(b.page))
	}
	if n := e.count(`SELECT count(*) FROM audit_log WHERE action = 'login_failed' AND staff = 'oper'`); n != 10 {
		t.Errorf("%d failed logins in the audit log, want 10", n)
	}
	if n := e.count(`SELECT count(*) FROM audit_log WHERE detail LIKE '%guess%' OR staff LIKE '%guess%'`); n != 0 {
		t.Error("a typed password is in the audit log")
	}
	// Another person's login is not blocked by these guesses.
	other := e.browser()
	other.login("editor")
}

// A disabled person cannot log in, and their open session ends.
func TestDisabledStaffAreOut(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.login("oper")
	if err := disable(e, "oper"); err != nil {
		t.Fatal(err)
	}
	if b.get("/questions"); strings.Contains(b.page, "Ждут ответа") {
		t.Error("a disabled person's session goes on")
	}
	b.post("/login", url.Values{"login": {"oper"}, "password": {staffPassword}})
	if b.status != http.StatusUnauthorized {
		t.Errorf("a disabled person logged in: %d", b.status)
	}
}

// The session cookie cannot be read by script nor sent from other sites,
// and goes over https only unless turned off for plain-http tests; pages
// allow no script, no frames and no caching.
func TestCookieAndHeaders(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	req, _ := http.NewRequest(http.MethodPost, e.url+"/login", strings.NewReader(url.Values{"login": {"oper"}, "password": {staffPassword}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", e.url)
	b.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := b.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cookie := resp.Header.Get("Set-Cookie")
	for _, want := range []string{"HttpOnly", "SameSite=Strict", "Path=/"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("cookie %q lacks %s", cookie, want)
		}
	}
	h := resp.Header
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP %q", csp)
	}
	if h.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q", h.Get("Cache-Control"))
	}
}

// Without InsecureCookie (the default) the cookie is Secure and named
// __Host-, so a browser sends it over https only and no neighbour site can
// plant one.
func TestCookieIsSecureByDefault(t *testing.T) {
	e := newEnv(t)
	bo, err := backoffice.New(backoffice.Config{DB: e.db, SMS: e.sms, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "https://backoffice.example/login", strings.NewReader(url.Values{"login": {"oper"}, "password": {staffPassword}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://backoffice.example")
	rec := httptest.NewRecorder()
	bo.Handler().ServeHTTP(rec, req)
	cookie := rec.Header().Get("Set-Cookie")
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(cookie, "__Host-") || !strings.Contains(cookie, "Secure") {
		t.Errorf("login: %d, cookie %q", rec.Code, cookie)
	}
	if rec.Header().Get("Strict-Transport-Security") == "" {
		t.Error("no HSTS")
	}
}
