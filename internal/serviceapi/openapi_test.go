package serviceapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"kabinet/internal/auth"
	"kabinet/internal/domain"
	"kabinet/internal/openapitest"
	"kabinet/internal/portal"
	"kabinet/internal/portaldb"
	"kabinet/internal/portaldb/dbtest"
	"kabinet/internal/serviceapi"
	"kabinet/internal/sms"
)

// serviceDoc is the document the supplier's integrators build on.
const serviceDoc = "../../docs/openapi/service.yaml"

func TestMain(m *testing.M) {
	auth.UseFastParamsForTests()
	os.Exit(m.Run())
}

func TestOpenAPIDocumentIsValid(t *testing.T) {
	for _, p := range openapitest.Load(t, serviceDoc).Problems() {
		t.Error(p)
	}
}

// call is one request; outside marks a request made off the document on
// purpose (no token, an unknown kind): only the answer is held to it.
type call struct {
	method, path, token string
	contentType, body   string
	outside             bool
}

type env struct {
	t   *testing.T
	doc *openapitest.Document
	h   http.Handler
	db  *portaldb.DB
}

func (e env) do(c call) (*http.Response, []byte) {
	e.t.Helper()
	var body io.Reader
	if c.body != "" {
		body = strings.NewReader(c.body)
	}
	r := httptest.NewRequest(c.method, c.path, body)
	if c.contentType != "" {
		r.Header.Set("Content-Type", c.contentType)
	}
	if c.token != "" {
		r.Header.Set("Authorization", "Bearer "+c.token)
	}
	var resp *http.Response
	switch {
	case !strings.HasPrefix(c.path, "/api/v1/service/"):
		w := httptest.NewRecorder()
		e.h.ServeHTTP(w, r)
		resp = w.Result()
	case c.outside:
		resp = e.doc.ServeOutside(e.t, e.h, r)
	default:
		resp = e.doc.Serve(e.t, e.h, r)
	}
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// keyed sends a customer's request with an Idempotency-Key, which must be
// accepted (201).
func (e env) keyed(token, path, key, body string) {
	e.t.Helper()
	req := httptest.NewRequest("POST", path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", key)
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, req)
	if w.Code != http.StatusCreated {
		e.t.Fatalf("%s: %d %s", path, w.Code, w.Body)
	}
}

// want fails the test unless the answer has status (and, for an error,
// code with a Russian detail).
func want(t *testing.T, name string, resp *http.Response, body []byte, status int, code string) {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("%s: %d %s, want %d", name, resp.StatusCode, body, status)
	}
	if code == "" {
		return
	}
	var p struct{ Code, Detail string }
	json.Unmarshal(body, &p)
	if p.Code != code || !strings.ContainsFunc(p.Detail, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }) {
		t.Errorf("%s: code %q detail %q, want %q and a Russian sentence", name, p.Code, p.Detail, code)
	}
}

func newEnv(t *testing.T, cfg serviceapi.Config) env {
	t.Helper()
	db := dbtest.Open(t, portaldb.Options{})
	cfg.DB = db
	cfg.Logger = slog.New(slog.DiscardHandler)
	srv, err := portal.New(context.Background(), portal.Config{DB: db, Logger: cfg.Logger, Window: domain.AlwaysOpen,
		SMS: sms.NewFileSender(filepath.Join(t.TempDir(), "sms.txt"), cfg.Logger, false), Service: serviceapi.New(cfg)})
	if err != nil {
		t.Fatal(err)
	}
	return env{t: t, doc: openapitest.Load(t, serviceDoc), h: srv.Handler(), db: db}
}

// examples are the sample files of docs/examples in the order they load.
var examples = []struct{ kind, file, contentType string }{
	{"customers", "customers.csv", "text/csv"},
	{"tariffs", "tariffs.jsonl", "application/jsonl"},
	{"accounts", "accounts.jsonl", "application/x-ndjson"},
	{"meters", "meters.csv", "text/csv"},
	{"payments", "payments.csv", "text/csv; charset=utf-8"},
	{"invoices", "invoices.jsonl", "application/jsonl"},
}

// The billing system's day through the service API, every request and
// answer held to docs/openapi/service.yaml: it loads the sample files into
// a fresh portal (a second time changes nothing, a bad file loads nothing),
// a customer from them logs in and sends a reading, and the billing system
// takes the reading out once; tokens are checked for scope, revocation,
// and never mixed with the customers' tokens.
func TestServiceAPIThroughItsDocument(t *testing.T) {
	e := newEnv(t, serviceapi.Config{})
	ctx := context.Background()
	billing, err := serviceapi.NewToken(ctx, e.db, "billing", serviceapi.Scopes())
	if err != nil {
		t.Fatal(err)
	}
	readingsOnly, err := serviceapi.NewToken(ctx, e.db, "readings-cron", []string{"export:readings"})
	if err != nil {
		t.Fatal(err)
	}

	// Who may.
	r, b := e.do(call{method: "POST", path: "/api/v1/service/imports/customers", contentType: "text/csv", body: "number\n", outside: true})
	want(t, "no token", r, b, http.StatusUnauthorized, "unauthorized")
	r, b = e.do(call{method: "POST", path: "/api/v1/service/imports/customers", token: "kbs_forged0000000000000000000000000000000000", contentType: "text/csv", body: "number\n"})
	want(t, "a forged token", r, b, http.StatusUnauthorized, "unauthorized")
	r, b = e.do(call{method: "POST", path: "/api/v1/service/imports/customers", token: readingsOnly, contentType: "text/csv", body: "number\n"})
	want(t, "a token without import:customers", r, b, http.StatusForbidden, "forbidden")
	r, b = e.do(call{method: "POST", path: "/api/v1/service/imports/widgets", token: billing, contentType: "text/csv", body: "number\n", outside: true})
	want(t, "an unknown kind", r, b, http.StatusNotFound, "not_found")
	r, b = e.do(call{method: "POST", path: "/api/v1/service/imports/customers", token: billing, contentType: "application/json", body: "[]", outside: true})
	want(t, "JSON that is not JSON Lines", r, b, http.StatusUnsupportedMediaType, "unsupported_media_type")

	// A bad file loads nothing and names its lines.
	r, b = e.do(call{method: "POST", path: "/api/v1/service/imports/customers", token: billing, contentType: "text/csv",
		body: "number;kind;full_name;birth_date;inn;phone;email\n300001;individual;Орлов Пётр;01.02.1970;;+79120000001;\n300002;alien;Кто-то;;;;\n"})
	want(t, "a bad line", r, b, http.StatusUnprocessableEntity, "import_rejected")
	var rejected struct{ Problems []struct{ Line int } }
	json.Unmarshal(b, &rejected)
	if len(rejected.Problems) == 0 || rejected.Problems[0].Line != 3 {
		t.Errorf("the bad line's number: %s", b)
	}
	if _, err := e.db.AccountIDByNumber(ctx, "300001"); err == nil {
		t.Error("a good line of a rejected file was loaded")
	}

	// The sample files, twice.
	for round := range 2 {
		for _, x := range examples {
			data, err := os.ReadFile(filepath.Join("../../docs/examples", x.file))
			if err != nil {
				t.Fatal(err)
			}
			r, b := e.do(call{method: "POST", path: "/api/v1/service/imports/" + x.kind, token: billing, contentType: x.contentType, body: string(data)})
			want(t, x.file, r, b, http.StatusOK, "")
			var rep struct{ Records, Created, Updated, Unchanged int }
			json.Unmarshal(b, &rep)
			if rep.Records == 0 || round == 0 && rep.Created == 0 || round == 1 && (rep.Created+rep.Updated != 0 || rep.Unchanged != rep.Records) {
				t.Errorf("round %d, %s: %s", round+1, x.file, b)
			}
		}
	}

	// A customer of the files logs in with the contact centre's one-time
	// password, sets their own and sends a reading.
	otp, err := portal.IssueOneTimePassword(ctx, e.db, "200001", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	r, b = e.do(call{method: "POST", path: "/api/v1/session", contentType: "application/json", body: `{"customer":"200001","password":"` + otp + `"}`})
	want(t, "login with the one-time password", r, b, http.StatusCreated, "")
	var login struct{ Token string }
	json.Unmarshal(b, &login)
	r, b = e.do(call{method: "PUT", path: "/api/v1/password", token: login.Token, contentType: "application/json",
		body: `{"current":"` + otp + `","new":"зелёный чайник на окне"}`})
	want(t, "own password", r, b, http.StatusOK, "")
	r, b = e.do(call{method: "GET", path: "/api/v1/accounts/2200011111", token: login.Token})
	want(t, "the account", r, b, http.StatusOK, "")
	var doc domain.AccountDocument
	json.Unmarshal(b, &doc)
	if len(doc.Meters) == 0 {
		t.Fatalf("no meter: %s", b)
	}
	m := doc.Meters[0]
	value := m.Zones[0].LastValue + 12340 // 123,4 kWh more than last time
	e.keyed(login.Token, "/api/v1/accounts/2200011111/readings", "reading-of-200001-0001",
		`{"meter":"`+m.ID+`","values":{"`+string(m.Zones[0].Code)+`":"`+value.String()+`"},"confirm":true}`)
	e.keyed(login.Token, "/api/v1/questions", "question-of-200001-0001", `{"account":"2200011111","topic":"Счёт","text":"Когда придёт счёт за декабрь?"}`)

	// Tokens of one API are nothing on the other.
	r, b = e.do(call{method: "GET", path: "/api/v1/accounts", token: billing})
	want(t, "a service token on the customers' API", r, b, http.StatusUnauthorized, "unauthorized")
	r, b = e.do(call{method: "GET", path: "/api/v1/service/readings", token: login.Token, outside: true})
	want(t, "a customer's token on the service API", r, b, http.StatusUnauthorized, "unauthorized")

	// The reading goes out once; the same cursor gives the same records.
	r, b = e.do(call{method: "GET", path: "/api/v1/service/readings", token: readingsOnly})
	want(t, "export", r, b, http.StatusOK, "")
	if n := strings.Count(string(b), `"`+m.Serial+`"`); n != 1 {
		t.Errorf("the reading of meter %s is in the export %d times:\n%s", m.Serial, n, b)
	}
	next := r.Header.Get("Kabinet-Next-Cursor")
	r, again := e.do(call{method: "GET", path: "/api/v1/service/readings?since=" + next, token: readingsOnly})
	want(t, "export after the cursor", r, again, http.StatusOK, "")
	if len(bytes.TrimSpace(again)) != 0 || r.Header.Get("Kabinet-More") != "false" {
		t.Errorf("after the cursor: %q more=%s", again, r.Header.Get("Kabinet-More"))
	}
	r, b = e.do(call{method: "GET", path: "/api/v1/service/readings?format=csv&limit=1", token: readingsOnly})
	want(t, "CSV", r, b, http.StatusOK, "")
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") || !strings.Contains(string(b), m.Serial) {
		t.Errorf("CSV: %s %s", r.Header.Get("Content-Type"), b)
	}
	r, b = e.do(call{method: "GET", path: "/api/v1/service/readings?since=nonsense", token: readingsOnly})
	want(t, "a damaged cursor", r, b, http.StatusBadRequest, "bad_cursor")
	r, b = e.do(call{method: "GET", path: "/api/v1/service/questions", token: readingsOnly})
	want(t, "questions without the scope", r, b, http.StatusForbidden, "forbidden")
	importOnly, err := serviceapi.NewToken(ctx, e.db, "billing-push", []string{"import:customers"})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/api/v1/service/readings", "/api/v1/service/questions", "/api/v1/service/profile-changes"} {
		r, b = e.do(call{method: "GET", path: path, token: billing})
		want(t, path, r, b, http.StatusOK, "")
		r, b = e.do(call{method: "GET", path: path, token: importOnly})
		want(t, path+" for an import token", r, b, http.StatusForbidden, "forbidden")
		r, b = e.do(call{method: "GET", path: path, token: "kbs_forged0000000000000000000000000000000000"})
		want(t, path+" with a forged token", r, b, http.StatusUnauthorized, "unauthorized")
		r, b = e.do(call{method: "GET", path: path + "?since=readings.0.0.1", token: billing})
		want(t, path+" with a cursor of another database", r, b, http.StatusBadRequest, "bad_cursor")
	}
	r, b = e.do(call{method: "GET", path: "/api/v1/service/questions", token: billing})
	want(t, "questions", r, b, http.StatusOK, "")
	if !strings.Contains(string(b), "Когда придёт счёт за декабрь?") {
		t.Errorf("the question is not in the export: %s", b)
	}

	// Revoked: at once.
	if err := e.db.RevokeServiceToken(ctx, "readings-cron"); err != nil {
		t.Fatal(err)
	}
	r, b = e.do(call{method: "GET", path: "/api/v1/service/readings", token: readingsOnly})
	want(t, "a revoked token", r, b, http.StatusUnauthorized, "unauthorized")

	// Too large for the API's bound: nothing loaded.
	small := newEnv(t, serviceapi.Config{MaxImportBytes: 64})
	tok, err := serviceapi.NewToken(ctx, small.db, "billing", serviceapi.Scopes())
	if err != nil {
		t.Fatal(err)
	}
	r, b = small.do(call{method: "POST", path: "/api/v1/service/imports/customers", token: tok, contentType: "text/csv",
		body: "number;kind;full_name;birth_date;inn;phone;email\n300001;individual;Орлов Пётр Ильич;01.02.1970;;+79120000001;\n"})
	want(t, "a file over the bound", r, b, http.StatusRequestEntityTooLarge, "body_too_large")

	for _, u := range e.doc.Unseen() {
		if !strings.HasSuffix(u, " 500") && !strings.HasSuffix(u, " 413") && !strings.HasSuffix(u, " 404") && !strings.HasSuffix(u, " 415") {
			t.Errorf("no test produced the documented answer %s", u)
		}
	}
}

// A big file takes longer to arrive than the portal's timeouts for the
// customers' small requests: an import that trickles in past them still
// loads.
func TestSlowImportOutlivesTheServersTimeouts(t *testing.T) {
	e := newEnv(t, serviceapi.Config{})
	tok, err := serviceapi.NewToken(context.Background(), e.db, "billing", serviceapi.Scopes())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(e.h)
	srv.Config.ReadTimeout, srv.Config.WriteTimeout = 300*time.Millisecond, 300*time.Millisecond
	srv.Start()
	defer srv.Close()
	pr, pw := io.Pipe()
	go func() {
		pw.Write([]byte("number;kind;full_name;birth_date;inn;phone;email\n"))
		time.Sleep(time.Second)
		pw.Write([]byte("300001;individual;Орлов Пётр Ильич;01.02.1970;;+79120000001;\n"))
		pw.Close()
	}()
	req, _ := http.NewRequest("POST", srv.URL+"/api/v1/service/imports/customers", pr)
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "text/csv")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("a slow import: %d %s", resp.StatusCode, b)
	}
}
