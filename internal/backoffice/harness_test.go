package backoffice_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"kabinet/internal/auth"
	"kabinet/internal/backoffice"
	"kabinet/internal/portalclient"
	"kabinet/internal/portaldb"
	"kabinet/internal/portaltest"
	"kabinet/internal/sms/smstest"
)

// clock is a settable clock for sessions.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is the demo portal (the customers' API) and the back office on its
// database.
type env struct {
	t      *testing.T
	portal *portaltest.Server
	db     *portaldb.DB
	clock  *clock
	sms    *smstest.Recorder
	bo     *backoffice.Server
	url    string
}

const (
	staffPassword = "длинный пароль 1"
	ivanova       = "100001"
	ivanovaPhone  = "+79121234501"
)

func newEnv(t *testing.T) *env {
	t.Helper()
	p := portaltest.Start(t)
	e := &env{t: t, portal: p, db: p.DB, clock: &clock{t: time.Now()}, sms: &smstest.Recorder{}}
	bo, err := backoffice.New(backoffice.Config{DB: p.DB, SMS: e.sms, Now: e.clock.Now, InsecureCookie: true,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	e.bo = bo
	hs := httptest.NewServer(bo.Handler())
	t.Cleanup(hs.Close)
	t.Cleanup(bo.Wait)
	e.url = hs.URL
	for login, role := range map[string]string{"oper": portaldb.RoleOperator, "editor": portaldb.RoleEditor, "boss": portaldb.RoleAdmin} {
		e.addStaff(login, role)
	}
	return e
}

func (e *env) addStaff(login, role string) {
	e.t.Helper()
	hash, err := auth.HashPassword(staffPassword)
	if err != nil {
		e.t.Fatal(err)
	}
	err = e.db.Write(context.Background(), func(tx *portaldb.Tx) error {
		_, err := tx.AddStaff(context.Background(), login, hash, role)
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

// browser is a person at the back office: a cookie jar, the last page.
type browser struct {
	e      *env
	client *http.Client
	// origin is sent with every POST, as a browser does.
	origin string
	page   string
	status int
}

func (e *env) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{e: e, client: &http.Client{Jar: jar}, origin: e.url}
}

func (b *browser) get(path string) string {
	b.e.t.Helper()
	resp, err := b.client.Get(b.e.url + path)
	return b.read(resp, err)
}

// post sends a form; csrf is added from the last page unless the form
// has one.
func (b *browser) post(path string, form url.Values) string {
	b.e.t.Helper()
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", csrfOf(b.page))
	}
	req, _ := http.NewRequest(http.MethodPost, b.e.url+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if b.origin != "" {
		req.Header.Set("Origin", b.origin)
	}
	resp, err := b.client.Do(req)
	return b.read(resp, err)
}

func (b *browser) read(resp *http.Response, err error) string {
	b.e.t.Helper()
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	b.page, b.status = string(body), resp.StatusCode
	return b.page
}

func (b *browser) login(login string) {
	b.e.t.Helper()
	b.post("/login", url.Values{"login": {login}, "password": {staffPassword}})
	if b.status != http.StatusOK || !strings.Contains(b.page, "Выйти") {
		b.e.t.Fatalf("%s did not get in: %d %s", login, b.status, text(b.page))
	}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfOf(page string) string {
	if m := csrfField.FindStringSubmatch(page); m != nil {
		return m[1]
	}
	return ""
}

var tags = regexp.MustCompile(`<[^>]*>|\s+`)

// text is a page's words without markup, for messages and assertions.
func text(page string) string {
	return strings.TrimSpace(tags.ReplaceAllString(page, " "))
}

// customer logs the demo customer in to the customers' API.
func (e *env) customer(number string) *portalclient.Client {
	e.t.Helper()
	c, err := portalclient.New(e.portal.URL, portalclient.Options{Retries: -1})
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := c.Login(context.Background(), number, "demo12345"); err != nil {
		e.t.Fatal(err)
	}
	return c
}

// count runs a COUNT query.
func (e *env) count(query string, args ...any) int {
	e.t.Helper()
	return e.portal.Count(e.t, query, args...)
}
