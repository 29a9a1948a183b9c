package main

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"kabinet/internal/demo"
	"kabinet/internal/portaldb/dbtest"
)

// childArgs, set in the environment, makes the test binary run as the
// portal itself: tests start real portal processes without a go build.
const childArgs = "KABINET_PORTAL_CHILD_ARGS"

func TestMain(m *testing.M) {
	if args, ok := os.LookupEnv(childArgs); ok {
		os.Args = append([]string{"kabinet-portal"}, strings.Split(args, "\x1f")...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// startProcess runs `kabinet-portal -demo` on the database dsn in a process
// of its own and returns its URL and a function that stops it with SIGTERM.
func startProcess(t *testing.T, dsn string) (string, func()) {
	t.Helper()
	p := startPortal(t, "-demo", "-addr", "127.0.0.1:0", "-db", dsn, "-sms-file", filepath.Join(t.TempDir(), "sms.txt"))
	return p.url, p.stop
}

// portalProcess is a portal running in a process of its own.
type portalProcess struct {
	url  string // the API's
	logs *syncBuffer
	stop func() // SIGTERM, and wait
}

// startPortal runs kabinet-portal with args in a process of its own and
// waits until its API listens.
func startPortal(t *testing.T, args ...string) portalProcess {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), childArgs+"="+strings.Join(args, "\x1f"))
	logs := &syncBuffer{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			<-done
			t.Errorf("the portal did not stop on SIGTERM:\n%s", logs.String())
		}
	}
	t.Cleanup(stop)
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if m := portalListening.FindStringSubmatch(logs.String()); m != nil {
			return portalProcess{url: m[1], logs: logs, stop: stop}
		}
		select {
		case err := <-done:
			stopped = true
			t.Fatalf("the portal stopped: %v\n%s", err, logs.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("the portal did not start:\n%s", logs.String())
	return portalProcess{}
}

// eachDatabase runs fn on a fresh database of each backend the tests have:
// a SQLite file, and a PostgreSQL schema of its own when
// KABINET_TEST_POSTGRES names a server (postgres tells which).
func eachDatabase(t *testing.T, fn func(t *testing.T, dsn string, postgres bool)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, filepath.Join(t.TempDir(), "portal.db"), false) })
	if pg := os.Getenv(dbtest.EnvPostgres); pg != "" {
		t.Run("postgres", func(t *testing.T) { fn(t, dbtest.NewSchema(t, pg), true) })
	}
}

func loginJSON(password, device string) string {
	b := `{"customer": "100001", "password": "` + password + `"`
	if device != "" {
		b += `, "device_token": "` + device + `"`
	}
	return b + "}"
}

// Two portal processes on one database give an attacker no more guesses
// than one, a restart gives none back, and the owner's app, which brings
// its device token, logs in all along.
func TestInstancesShareTheLoginThrottle(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string, postgres bool) {
		a, stopA := startProcess(t, dsn)
		status, body, _ := call(t, "POST", a+"/api/v1/session", "", loginJSON(demo.Password, ""))
		device, _ := body["device_token"].(string)
		if status != http.StatusCreated || device == "" {
			t.Fatalf("the owner's login: %d %v", status, body)
		}
		b, stopB := startProcess(t, dsn)

		// 20 guesses at once, half on each instance.
		var mu sync.Mutex
		statuses := map[int]int{}
		var wg sync.WaitGroup
		for i := range 20 {
			url := []string{a, b}[i%2]
			wg.Go(func() {
				s := 0 // no answer
				resp, err := http.Post(url+"/api/v1/session", "application/json", strings.NewReader(loginJSON("guess-guess", "")))
				if err == nil {
					s = resp.StatusCode
					resp.Body.Close()
				}
				mu.Lock()
				statuses[s]++
				mu.Unlock()
			})
		}
		wg.Wait()
		// And more one by one, alternating.
		for i := range 10 {
			s, _, _ := call(t, "POST", []string{a, b}[i%2]+"/api/v1/session", "", loginJSON("guess-guess", ""))
			statuses[s]++
		}
		if statuses[http.StatusUnauthorized] > 6 || statuses[http.StatusUnauthorized]+statuses[http.StatusTooManyRequests] != 30 {
			t.Errorf("30 guesses on two instances: %v; want at most 6 checked (5 free and the one that starts the wait), the rest 429", statuses)
		}
		for _, url := range []string{a, b} {
			if s, _, _ := call(t, "POST", url+"/api/v1/session", "", loginJSON(demo.Password, "")); s != http.StatusTooManyRequests {
				t.Errorf("the right password without the device token during the attack: %d, want 429", s)
			}
		}
		status, body, _ = call(t, "POST", b+"/api/v1/session", "", loginJSON(demo.Password, device))
		if status != http.StatusCreated {
			t.Fatalf("the owner's app on the other instance during the attack: %d %v", status, body)
		}
		device, _ = body["device_token"].(string)

		stopA()
		stopB()
		c, _ := startProcess(t, dsn)
		if s, _, _ := call(t, "POST", c+"/api/v1/session", "", loginJSON("guess-guess", "")); s != http.StatusTooManyRequests {
			t.Errorf("a guess after the restart: %d, want 429", s)
		}
		if s, _, _ := call(t, "POST", c+"/api/v1/session", "", loginJSON(demo.Password, "")); s != http.StatusTooManyRequests {
			t.Errorf("the right password without the device token after the restart: %d, want 429", s)
		}
		if s, body, _ := call(t, "POST", c+"/api/v1/session", "", loginJSON(demo.Password, device)); s != http.StatusCreated {
			t.Errorf("the owner's app after the restart: %d %v", s, body)
		}
	})
}
