package main

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The administrator adds a staff member with a password typed twice, the
// person logs in to the back office that `serve -backoffice-addr` runs
// beside the portal, and once disabled cannot.
func TestStaffCommandsAndTheBackofficeListener(t *testing.T) {
	db := filepath.Join(t.TempDir(), "portal.db")
	_, stop := startDemoWith(t, db, "-backoffice-addr", "127.0.0.1:0", "-backoffice-insecure-cookie")
	ctx := context.Background()
	run := func(stdin string, args ...string) (string, error) {
		var out strings.Builder
		err := staffCmd(ctx, append(args[:1:1], append([]string{"-db", db}, args[1:]...)...), strings.NewReader(stdin), &out)
		return out.String(), err
	}
	if _, err := run("короткий\nкороткий\n", "add", "-login", "ivanova", "-role", "operator"); err == nil || !strings.Contains(err.Error(), "короче 12") {
		t.Errorf("a short password: %v", err)
	}
	if _, err := run("длинный пароль 1\nдлинный пароль 2\n", "add", "-login", "ivanova", "-role", "operator"); err == nil || !strings.Contains(err.Error(), "не совпали") {
		t.Errorf("two different passwords: %v", err)
	}
	if _, err := run("длинный пароль 1\nдлинный пароль 1\n", "add", "-login", "ivanova", "-role", "boss"); err == nil || !strings.Contains(err.Error(), "роль") {
		t.Errorf("an unknown role: %v", err)
	}
	if out, err := run("длинный пароль 1\nдлинный пароль 1\n", "add", "-login", "Ivanova", "-role", "operator"); err != nil || !strings.Contains(out, "добавлен") {
		t.Fatalf("add: %v %s", err, out)
	}
	if _, err := run("длинный пароль 1\nдлинный пароль 1\n", "add", "-login", "ivanova", "-role", "editor"); err == nil || !strings.Contains(err.Error(), "занят") {
		t.Errorf("the same login twice: %v", err)
	}
	if out, _ := run("", "list"); !strings.Contains(out, "ivanova") || !strings.Contains(out, "operator") || !strings.Contains(out, "не входил") {
		t.Errorf("list: %s", out)
	}

	bo := backofficeURL(t)
	if status := staffLogin(t, bo, "ivanova", "длинный пароль 1"); status != http.StatusOK {
		t.Fatalf("login to the back office: %d", status)
	}
	if _, err := run("", "disable", "-login", "ivanova"); err != nil {
		t.Fatal(err)
	}
	if status := staffLogin(t, bo, "ivanova", "длинный пароль 1"); status != http.StatusUnauthorized {
		t.Errorf("a disabled login: %d", status)
	}
	if _, err := run("", "disable", "-login", "nobody"); err == nil || !strings.Contains(err.Error(), "нет") {
		t.Errorf("disabling nobody: %v", err)
	}
	if err := stop(); err != nil {
		t.Errorf("serve: %v", err)
	}
	if _, err := http.Get(bo + "/login"); err == nil {
		t.Error("the back office goes on after the portal stopped")
	}
}

var backofficeListening = regexp.MustCompile(`"back office listening" url=(http://127\.0\.0\.1:\d+)`)

var portalListening = regexp.MustCompile(`"kabinet-portal listening" url=(http://127\.0\.0\.1:\d+)`)

// lastLogs is the log of the server startDemoWith started last.
var lastLogs *syncBuffer

func backofficeURL(t *testing.T) string {
	t.Helper()
	m := backofficeListening.FindStringSubmatch(lastLogs.String())
	if m == nil {
		t.Fatalf("no back office in the log:\n%s", lastLogs.String())
	}
	return m[1]
}

// startDemoWith is startDemo with more flags.
func startDemoWith(t *testing.T, db string, flags ...string) (string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs := &syncBuffer{}
	lastLogs = logs
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, append([]string{"-demo", "-addr", "127.0.0.1:0", "-db", db}, flags...), logs)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if m := portalListening.FindStringSubmatch(logs.String()); m != nil {
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

func staffLogin(t *testing.T, base, login, password string) int {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	req, _ := http.NewRequest(http.MethodPost, base+"/login", strings.NewReader(url.Values{"login": {login}, "password": {password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
