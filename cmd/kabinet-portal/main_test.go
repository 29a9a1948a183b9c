package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a log destination the test can read while the server writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

var listening = regexp.MustCompile(`url=(http://127\.0\.0\.1:\d+)`)

// startDemo runs `kabinet-portal -demo` as the README does and returns its URL.
func startDemo(t *testing.T, db string) (string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- serve(ctx, []string{"-demo", "-addr", "127.0.0.1:0", "-db", db}, logs) }()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if m := listening.FindStringSubmatch(logs.String()); m != nil {
			return m[1], func() error { cancel(); return <-done }
		}
		select {
		case err := <-done:
			t.Fatalf("server stopped: %v\n%s", err, logs.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	cancel()
	t.Fatalf("server did not start:\n%s", logs.String())
	return "", nil
}

func call(t *testing.T, method, url, token, body string, headers ...string) (int, map[string]any, http.Header) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, url, rd)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m, resp.Header
}

// TestDemoPortalAnswersEveryEndpoint walks the API as a newcomer would after
// `make run`: every demo customer logs in and sees their accounts, and a
// reading sent twice with one key is stored once.
func TestDemoPortalAnswersEveryEndpoint(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the demo portal")
	}
	db := filepath.Join(t.TempDir(), "demo.db")
	url, stop := startDemo(t, db)
	api := url + "/api/v1"

	if st, _, _ := call(t, "GET", url+"/healthz", "", ""); st != 200 {
		t.Errorf("healthz: %d", st)
	}
	for _, path := range []string{"/news", "/about", "/contacts", "/faq", "/search?q=%D0%BF%D0%BE%D0%BA%D0%B0%D0%B7%D0%B0%D0%BD%D0%B8%D0%B5"} {
		if st, m, _ := call(t, "GET", api+path, "", ""); st != 200 || len(m) == 0 {
			t.Errorf("%s: %d %v", path, st, m)
		}
	}
	wantAccounts := map[string]int{"100001": 1, "100002": 1, "100003": 1, "100004": 2, "200001": 2}
	tokens := map[string]string{}
	for customer, n := range wantAccounts {
		st, m, _ := call(t, "POST", api+"/session", "", `{"customer":"`+customer+`","password":"demo12345"}`)
		if st != 201 {
			t.Fatalf("login %s: %d %v", customer, st, m)
		}
		tokens[customer] = m["token"].(string)
		_, m, _ = call(t, "GET", api+"/accounts", tokens[customer], "")
		if list, _ := m["accounts"].([]any); len(list) != n {
			t.Errorf("customer %s has %d accounts, want %d", customer, len(list), n)
		}
	}
	tok := tokens["100001"]
	_, m, _ := call(t, "GET", api+"/accounts", tok, "")
	account := m["accounts"].([]any)[0].(map[string]any)["number"].(string)
	st, doc, hdr := call(t, "GET", api+"/accounts/"+account, tok, "")
	if st != 200 || len(doc["invoices"].([]any)) < 30 || len(doc["meters"].([]any)) != 1 {
		t.Fatalf("document: %d", st)
	}
	if st, _, _ := call(t, "GET", api+"/accounts/"+account, tok, "", "If-None-Match", hdr.Get("ETag")); st != 304 {
		t.Errorf("If-None-Match: %d", st)
	}
	meter := doc["meters"].([]any)[0].(map[string]any)
	zone := meter["zones"].([]any)[0].(map[string]any)
	whole, _, _ := strings.Cut(zone["last_value"].(string), ".")
	n, _ := strconv.Atoi(whole)
	next := strconv.Itoa(n + 1)
	body := `{"meter":"` + meter["id"].(string) + `","values":{"t1":"` + next + `"}}`
	if st, m, _ := call(t, "POST", api+"/accounts/"+account+"/readings/preview", tok, body); st != 200 {
		t.Errorf("preview: %d %v", st, m)
	}
	for i := range 2 {
		st, m, h := call(t, "POST", api+"/accounts/"+account+"/readings", tok, body, "Idempotency-Key", `"readme-demo-key-1"`)
		if st != 201 || (i == 1) != (h.Get("Idempotent-Replayed") == "true") {
			t.Fatalf("reading, attempt %d: %d %v", i+1, st, m)
		}
	}
	_, doc, _ = call(t, "GET", api+"/accounts/"+account+"?since="+doc["cursor"].(string), tok, "")
	if n := len(doc["readings"].([]any)); n != 1 {
		t.Errorf("%d new readings after sending one twice with one key", n)
	}
	if st, _, _ := call(t, "PUT", api+"/accounts/"+account+"/subscriptions", tok, `{"email_bills":false,"sms_reminders":true}`); st != 200 {
		t.Errorf("subscriptions: %d", st)
	}
	if st, _, _ := call(t, "GET", api+"/profile", tok, ""); st != 200 {
		t.Errorf("profile: %d", st)
	}
	if st, _, _ := call(t, "POST", api+"/questions", tok, `{"text":"Когда придёт счёт?"}`, "Idempotency-Key", "readme-question-1"); st != 201 {
		t.Errorf("question: %d", st)
	}
	if st, m, _ := call(t, "GET", api+"/questions", tok, ""); st != 200 || len(m["questions"].([]any)) == 0 {
		t.Errorf("questions: %d", st)
	}
	if st, _, _ := call(t, "POST", api+"/password-recovery", "", `{"customer":"100001","full_name":"x","birth_date":"1950-01-01","phone":"+79120000000"}`); st != 202 {
		t.Errorf("recovery: %d", st)
	}
	if st, _, _ := call(t, "DELETE", api+"/session", tok, ""); st != 204 {
		t.Errorf("logout: %d", st)
	}
	if err := stop(); err != nil {
		t.Errorf("graceful stop: %v", err)
	}

	// The contact centre's one-time password works against the same file.
	var out bytes.Buffer
	if err := otp(context.Background(), []string{"-db", db, "-customer", "100002"}, &out); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(&out)
	sc.Scan()
	pw := sc.Text()[strings.LastIndex(sc.Text(), " ")+1:]
	url, stop = startDemo(t, db)
	st, m, _ = call(t, "POST", url+"/api/v1/session", "", `{"customer":"100002","password":"`+pw+`"}`)
	if st != 201 || m["must_change_password"] != true {
		t.Errorf("login with the one-time password: %d %v", st, m)
	}
	stop()
}

func TestParseWindow(t *testing.T) {
	for in, ok := range map[string]bool{"18-25": true, "1-31": true, " 5 - 9 ": true, "25-18": false, "0-5": false, "18": false, "a-b": false, "20-32": false} {
		if _, err := parseWindow(in); (err == nil) != ok {
			t.Errorf("parseWindow(%q) error = %v", in, err)
		}
	}
}

// TestUnknownCustomerTakesAsLongAsWrongPassword: with the real argon2id
// parameters of the demo, a login for a number that does not exist costs
// the server the same work as a wrong password, so timing tells nothing.
func TestUnknownCustomerTakesAsLongAsWrongPassword(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the demo portal")
	}
	url, stop := startDemo(t, filepath.Join(t.TempDir(), "demo.db"))
	defer stop()
	timeLogin := func(customer string) time.Duration {
		start := time.Now()
		st, _, _ := call(t, "POST", url+"/api/v1/session", "", `{"customer":"`+customer+`","password":"wrong-password"}`)
		if st != http.StatusUnauthorized {
			t.Fatalf("login %s: %d", customer, st)
		}
		return time.Since(start)
	}
	var known, unknown []time.Duration
	// Three tries per customer stay below the throttle's five free failures.
	for round := range 3 {
		for _, c := range []string{"100001", "100002", "100003", "100004"} {
			known = append(known, timeLogin(c))
			unknown = append(unknown, timeLogin("9"+strconv.Itoa(round)+c))
		}
	}
	median := func(d []time.Duration) time.Duration { slices.Sort(d); return d[len(d)/2] }
	k, u := median(known), median(unknown)
	t.Logf("median login: existing customer %v, unknown %v", k, u)
	if u < k*2/3 || u > k*3/2 {
		t.Errorf("an unknown customer's login takes %v, a known one's %v: the difference gives the numbers away", u, k)
	}
}
