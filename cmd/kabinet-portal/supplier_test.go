package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"kabinet/internal/auth"
	"kabinet/internal/cabinet"
	"kabinet/internal/domain"
	"kabinet/internal/portaldb"
	"kabinet/internal/serviceapi"
	"kabinet/internal/tokens"
)

// staffPassword is the operator's password in these tests.
const staffPassword = "оператор-контакт-центра-1"

// The supplier's day on two portal processes sharing one database (SQLite,
// and PostgreSQL when the tests have one): the billing system loads the
// sample files of docs/examples through both instances (again: nothing
// changes), an operator issues a customer from them a one-time password in
// the back office of one, the customer's app logs in on the other, sets a
// password, sends a reading and asks a question; the billing system takes
// the reading out once, whichever instance it asks; an operator answers in
// the back office and the app shows the answer after a sync. Logins and
// readings of several customers at once go through both meanwhile.
func TestTwoInstancesServeTheSupplierDay(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two portal processes")
	}
	eachDatabase(t, func(t *testing.T, dsn string, _ bool) { supplierDay(t, dsn) })
}

func supplierDay(t *testing.T, dsn string) {
	ctx := context.Background()
	// The administrator's setup on the portal's host: a fresh database, a
	// token for the billing system, an operator.
	db, err := portaldb.Open(ctx, dsn, portaldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	billing, err := serviceapi.NewToken(ctx, db, "billing", serviceapi.Scopes())
	if err != nil {
		t.Fatal(err)
	}
	hash, err := auth.HashPassword(staffPassword)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Write(ctx, func(tx *portaldb.Tx) error {
		_, err := tx.AddStaff(ctx, "ivanova", hash, portaldb.RoleOperator)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	smsFile := filepath.Join(t.TempDir(), "sms.txt")
	args := []string{"-addr", "127.0.0.1:0", "-db", dsn, "-window", "1-31", "-sms-file", smsFile,
		"-backoffice-addr", "127.0.0.1:0", "-backoffice-insecure-cookie"}
	a, b := startPortal(t, args...), startPortal(t, args...)
	both := []portalProcess{a, b}

	// The billing system loads every sample file, alternating instances,
	// then all of them again through the other: nothing changes.
	files := []struct{ kind, file, ctype string }{
		{"customers", "customers.csv", "text/csv"}, {"tariffs", "tariffs.jsonl", "application/jsonl"},
		{"accounts", "accounts.jsonl", "application/jsonl"}, {"meters", "meters.csv", "text/csv"},
		{"payments", "payments.csv", "text/csv"}, {"invoices", "invoices.jsonl", "application/jsonl"},
	}
	for round := range 2 {
		for i, f := range files {
			p := both[(i+round)%2]
			data, err := os.ReadFile(filepath.Join("..", "..", "docs", "examples", f.file))
			if err != nil {
				t.Fatal(err)
			}
			status, body, _ := serviceCall(t, "POST", p.url+"/api/v1/service/imports/"+f.kind, billing, f.ctype, string(data))
			var rep struct{ Records, Created, Unchanged int }
			json.Unmarshal(body, &rep)
			if status != http.StatusOK || round == 0 && rep.Created == 0 || round == 1 && rep.Unchanged != rep.Records {
				t.Fatalf("round %d, %s through instance %d: %d %s", round+1, f.file, (i+round)%2+1, status, body)
			}
		}
	}

	// Another customer of the files gets a password by SMS, as the app's
	// «Получить пароль» asks: the phone from billing counts as proven.
	if s, body, _ := call(t, "POST", a.url+"/api/v1/password-recovery", "",
		`{"customer":"200002","full_name":"Попов Игорь Викторович","birth_date":"02.07.1979","phone":"8 912 555-01-02"}`); s != http.StatusAccepted {
		t.Fatalf("password by SMS: %d %v", s, body)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if sent, _ := os.ReadFile(smsFile); strings.Contains(string(sent), "79125550102") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no SMS with a password went to the imported customer's phone")
		}
	}

	// The caller is identified by a call back; the operator on instance B
	// reads out the one-time password.
	op := newStaffBrowser(t, backofficeOf(t, b))
	op.login("ivanova")
	op.get("/customers/200001")
	page := op.post("/customers/200001/otp", url.Values{"identified_by": {"callback"}})
	m := regexp.MustCompile(`class="password">([a-z0-9]+)<`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no one-time password on the page:\n%.2000s", page)
	}

	// The customer's app, on instance A.
	app, err := cabinet.Open(cabinet.Config{Portal: a.url, StorePath: filepath.Join(t.TempDir(), "store.db"), Keeper: tokens.NewMemory()})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	mustChange, err := app.Login(ctx, "200001", m[1])
	if err != nil || !mustChange {
		t.Fatalf("login with the one-time password: %v (must change: %v)", err, mustChange)
	}
	if err := app.ChangePassword(ctx, m[1], "зелёный чайник на окне"); err != nil {
		t.Fatal(err)
	}
	if _, err := app.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}
	view, ok, err := app.Document("2200011111")
	doc := view.Doc
	if err != nil || !ok || len(doc.Meters) == 0 {
		t.Fatalf("the account in the app: %v %v %+v", ok, err, doc)
	}
	meter := doc.Meters[0]
	value := (meter.Zones[0].LastValue + 12340).String()
	if _, err := app.QueueReading("2200011111", meter.ID, map[domain.Zone]string{meter.Zones[0].Code: value}, true); err != nil {
		t.Fatal(err)
	}
	if _, err := app.AskQuestion("2200011111", "Счёт", "Когда придёт счёт за декабрь?"); err != nil {
		t.Fatal(err)
	}

	// Meanwhile the demo of many: other customers of the files log in on
	// both instances at once (with a wrong password: refused, counted in
	// the shared throttle), while the app sends.
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Go(func() {
			s, _, _ := call(t, "POST", both[i%2].url+"/api/v1/session", "", `{"customer":"200002","password":"не-тот-пароль"}`)
			if s != http.StatusUnauthorized && s != http.StatusTooManyRequests {
				t.Errorf("a wrong password for 200002: %d", s)
			}
		})
	}
	if _, err := app.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if out, _ := app.Outbox(); len(out) != 0 {
		t.Fatalf("still waiting to be sent: %+v", out)
	}

	// The billing system takes the reading out: once, from either instance.
	// On PostgreSQL a record waits while an older transaction anywhere on
	// the server is open (other tests share it): delayed, never skipped.
	var body []byte
	var h http.Header
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		_, body, h = serviceCall(t, "GET", a.url+"/api/v1/service/readings", billing, "", "")
		if strings.Contains(string(body), meter.Serial) || time.Now().After(deadline) {
			break
		}
	}
	if n := strings.Count(string(body), `"serial":"`+meter.Serial+`"`); n != 1 {
		t.Errorf("the reading is in the export %d times:\n%s", n, body)
	}
	next := h.Get("Kabinet-Next-Cursor")
	status, rest, _ := serviceCall(t, "GET", b.url+"/api/v1/service/readings?since="+url.QueryEscape(next), billing, "", "")
	if status != http.StatusOK || strings.TrimSpace(string(rest)) != "" {
		t.Errorf("after the cursor %s, on the other instance: %d %q", next, status, rest)
	}

	// An operator answers on instance A's back office; the app shows it.
	op = newStaffBrowser(t, backofficeOf(t, a))
	op.login("ivanova")
	op.get("/questions")
	qm := regexp.MustCompile(`href="/questions/(\d+)"`).FindStringSubmatch(op.page)
	if qm == nil {
		t.Fatalf("no waiting question:\n%.2000s", op.page)
	}
	op.get("/questions/" + qm[1])
	op.post("/questions/"+qm[1]+"/answer", url.Values{"answer": {"Счёт за декабрь придёт до 5 января."}})
	qs, err := app.Questions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 1 || qs[0].Answer != "Счёт за декабрь придёт до 5 января." {
		t.Errorf("the app's questions: %+v", qs)
	}
	var qbody []byte
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		_, qbody, _ = serviceCall(t, "GET", b.url+"/api/v1/service/questions", billing, "", "")
		if strings.Contains(string(qbody), `"event":"answered"`) || time.Now().After(deadline) {
			break
		}
	}
	if !strings.Contains(string(qbody), `"event":"answered"`) {
		t.Errorf("the answer is not in the questions export:\n%s", qbody)
	}
}

// serviceCall sends a request to the service API with a service token.
func serviceCall(t *testing.T, method, u, token, ctype, body string) (int, []byte, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b, resp.Header
}

// backofficeOf is the address of p's back office, from its log.
func backofficeOf(t *testing.T, p portalProcess) string {
	t.Helper()
	m := backofficeListening.FindStringSubmatch(p.logs.String())
	if m == nil {
		t.Fatalf("no back office in the log:\n%s", p.logs.String())
	}
	return m[1]
}

// staffBrowser is a person at the back office: cookies, the last page.
type staffBrowser struct {
	t      *testing.T
	base   string
	client *http.Client
	page   string
}

func newStaffBrowser(t *testing.T, base string) *staffBrowser {
	jar, _ := cookiejar.New(nil)
	return &staffBrowser{t: t, base: base, client: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
}

func (b *staffBrowser) get(path string) string {
	b.t.Helper()
	resp, err := b.client.Get(b.base + path)
	return b.read(path, resp, err)
}

// post sends a form as the browser would, with the page's CSRF token and
// the Origin header.
func (b *staffBrowser) post(path string, form url.Values) string {
	b.t.Helper()
	if m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(b.page); m != nil {
		form.Set("csrf", m[1])
	}
	req, _ := http.NewRequest("POST", b.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.base)
	resp, err := b.client.Do(req)
	return b.read(path, resp, err)
}

func (b *staffBrowser) read(path string, resp *http.Response, err error) string {
	b.t.Helper()
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	b.page = string(body)
	if resp.StatusCode != http.StatusOK {
		b.t.Fatalf("%s: %d\n%.2000s", path, resp.StatusCode, b.page)
	}
	return b.page
}

func (b *staffBrowser) login(login string) {
	b.t.Helper()
	b.get("/login")
	if page := b.post("/login", url.Values{"login": {login}, "password": {staffPassword}}); !strings.Contains(page, "Выйти") {
		b.t.Fatalf("%s did not get in:\n%.2000s", login, page)
	}
}
