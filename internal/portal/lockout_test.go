package portal_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"kabinet/internal/portal"
	"kabinet/internal/portaldb"
	"kabinet/internal/portaldb/dbtest"
	"kabinet/internal/sms/smstest"
)

// loginBody is a login request, with a device token when one is given.
func loginBody(customer, pw, device string) map[string]string {
	b := map[string]string{"customer": customer, "password": pw}
	if device != "" {
		b["device_token"] = device
	}
	return b
}

func (e *env) try(customer, pw, device string) response {
	e.t.Helper()
	return e.do(req{method: "POST", path: "/api/v1/session", body: loginBody(customer, pw, device)})
}

// attack guesses the customer's password until the portal makes whoever
// tries wait, and returns how many guesses it checked (answered 401).
func (e *env) attack(customer string) int {
	e.t.Helper()
	checked := 0
	for range 50 {
		switch r := e.try(customer, "guess-guess", ""); r.Status {
		case http.StatusUnauthorized:
			checked++
		case http.StatusTooManyRequests:
			return checked
		default:
			e.t.Fatalf("guess: %d %s", r.Status, r.Body)
		}
	}
	e.t.Fatal("50 guesses and no wait")
	return 0
}

func deviceToken(t *testing.T, r response) string {
	t.Helper()
	if r.Status != http.StatusCreated {
		t.Fatalf("login: %d %s", r.Status, r.Body)
	}
	d, _ := r.JSON(t)["device_token"].(string)
	if len(d) < 40 {
		t.Fatalf("device_token %q is missing or too short to be unguessable", d)
	}
	return d
}

func TestOwnersComputerLogsInDuringAnAttack(t *testing.T) {
	e := newEnv(t)
	home := deviceToken(t, e.try(ivanova, password, ""))
	if n := e.attack(ivanova); n > 6 {
		t.Errorf("%d guesses checked before the wait", n)
	}
	// Anybody else, even with the right password, waits: otherwise the
	// wait would tell an attacker nothing and stop nothing.
	if r := e.try(ivanova, password, ""); r.Status != http.StatusTooManyRequests {
		t.Fatalf("the right password from elsewhere during the wait: %d, want 429", r.Status)
	}
	// The owner's computer is not kept out, and its token is renewed.
	r := e.try(ivanova, password, home)
	renewed := deviceToken(t, r)
	if renewed == home {
		t.Error("the device token was not renewed")
	}
	// The renewed token works; the old one is spent.
	if r := e.try(ivanova, password, renewed); r.Status != http.StatusCreated {
		t.Errorf("login with the renewed device token: %d %s", r.Status, r.Body)
	}
	if r := e.try(ivanova, password, home); r.Status != http.StatusTooManyRequests {
		t.Errorf("login with the spent device token during the attack: %d, want 429", r.Status)
	}
	// An attacker stays throttled however long the attack goes on.
	e.clock.Advance(16 * time.Minute)
	e.attack(ivanova)
	if r := e.try(ivanova, password, ""); r.Status != http.StatusTooManyRequests {
		t.Errorf("after another round of guesses: %d, want 429", r.Status)
	}
}

func TestDeviceFailuresCountOnTheirOwn(t *testing.T) {
	e := newEnv(t)
	device := deviceToken(t, e.try(ivanova, password, ""))
	latest := device
	for range 6 {
		if r := e.try(ivanova, "mistyped-pw", latest); r.Status != http.StatusUnauthorized {
			t.Fatalf("a mistyped password on the owner's computer: %d", r.Status)
		}
	}
	if r := e.try(ivanova, password, latest); r.Status != http.StatusTooManyRequests {
		t.Errorf("after six failures with the device token: %d, want 429", r.Status)
	}
	// The device's failures do not hold up anybody else.
	if r := e.try(ivanova, password, ""); r.Status != http.StatusCreated {
		t.Errorf("a login from elsewhere after the device's failures: %d %s", r.Status, r.Body)
	}
}

func TestDeviceTokensEndWithAPasswordChangeOrARecovery(t *testing.T) {
	e := newEnv(t)
	r := e.try(ivanova, password, "")
	device := deviceToken(t, r)
	tok := r.JSON(t)["token"].(string)
	newPassword := "новый пароль для проверки"
	if r := e.do(req{method: "PUT", path: "/api/v1/password", token: tok, body: map[string]string{"current": password, "new": newPassword}}); r.Status != http.StatusOK {
		t.Fatalf("change: %d %s", r.Status, r.Body)
	}
	e.attack(ivanova)
	if r := e.try(ivanova, newPassword, device); r.Status != http.StatusTooManyRequests {
		t.Errorf("a device token from before the password change: %d, want 429", r.Status)
	}

	e.clock.Advance(2 * time.Hour) // the wait and the failures are over
	device = deviceToken(t, e.try(ivanova, newPassword, ""))
	recovery(e, ivanovaPhone)
	sentPassword(t, e)
	e.attack(ivanova)
	if r := e.try(ivanova, newPassword, device); r.Status != http.StatusTooManyRequests {
		t.Errorf("a device token from before the recovery: %d, want 429", r.Status)
	}
}

func TestSMSPasswordLetsTheCustomerInDuringAWait(t *testing.T) {
	e := newEnv(t)
	e.attack(ivanova)
	recovery(e, ivanovaPhone)
	temp := sentPassword(t, e)
	// A wrong password is still not even checked.
	if r := e.try(ivanova, "guess-guess", ""); r.Status != http.StatusTooManyRequests {
		t.Fatalf("a guess during the wait: %d, want 429", r.Status)
	}
	r := e.try(ivanova, temp, "")
	if r.Status != http.StatusCreated || r.JSON(t)["must_change_password"] != true {
		t.Fatalf("login with the SMS password during the wait: %d %s", r.Status, r.Body)
	}
	// The customer is back: the wait is over for everybody.
	if r := e.try(ivanova, "guess-guess", ""); r.Status != http.StatusUnauthorized {
		t.Errorf("after the SMS login a guess gets %d, want 401: the wait was not cleared", r.Status)
	}
}

func TestGuessesSentTogetherShareOneBudget(t *testing.T) {
	e := newEnv(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	for range 30 {
		wg.Go(func() {
			r := e.try(ivanova, "guess-guess", "")
			mu.Lock()
			statuses[r.Status]++
			mu.Unlock()
		})
	}
	wg.Wait()
	// Five free guesses, and at most one more whose failure starts the
	// wait.
	if statuses[http.StatusUnauthorized] > 6 || statuses[http.StatusUnauthorized]+statuses[http.StatusTooManyRequests] != 30 {
		t.Errorf("30 guesses at once: %v, want at most 6 checked and the rest 429", statuses)
	}
}

// restartable opens a database the test can close and open again: a SQLite
// file, or a PostgreSQL schema when KABINET_TEST_POSTGRES is set.
func restartable(t *testing.T) string {
	if dsn := os.Getenv(dbtest.EnvPostgres); dsn != "" {
		return dbtest.NewSchema(t, dsn)
	}
	return filepath.Join(t.TempDir(), "portal.db")
}

func TestRestartGivesNoFreshGuesses(t *testing.T) {
	dsn := restartable(t)
	ctx := context.Background()
	c := &clock{t: novemberNoon}
	start := func() (*env, func()) {
		db, err := portaldb.Open(ctx, dsn, portaldb.Options{Now: c.Now})
		if err != nil {
			t.Fatal(err)
		}
		if empty, _ := db.IsEmpty(ctx); empty {
			if err := db.LoadSeed(ctx, fixture(t)); err != nil {
				t.Fatal(err)
			}
		}
		srv, err := portal.New(ctx, portal.Config{DB: db, SMS: &smstest.Recorder{}, Now: c.Now, Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		h := httptest.NewServer(srv.Handler())
		return &env{t: t, clock: c, db: db, srv: srv, http: h}, func() { h.Close(); srv.Wait(); db.Close() }
	}
	e, stop := start()
	checked := e.attack(ivanova)
	stop()

	e, stop = start()
	defer stop()
	if r := e.try(ivanova, "guess-guess", ""); r.Status != http.StatusTooManyRequests {
		t.Errorf("after %d guesses and a restart a guess gets %d, want 429", checked, r.Status)
	}
	if r := e.try(ivanova, password, ""); r.Status != http.StatusTooManyRequests {
		t.Errorf("after a restart the wait is over: %d", r.Status)
	}
}

func TestClientAddressIsWhatTheTrustedProxySaw(t *testing.T) {
	srv := newEnv(t, func(c *portal.Config) {
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/24"), netip.MustParsePrefix("192.0.2.1/32")}
	}).srv
	bare := newEnv(t).srv
	cases := []struct {
		remote, xff, want, bare string
	}{
		{"203.0.113.7:5000", "", "203.0.113.7", "203.0.113.7"},
		// A client not behind our proxy writes what it likes: ignored.
		{"203.0.113.7:5000", "1.2.3.4", "203.0.113.7", "203.0.113.7"},
		// Behind the proxy, the forged entry is left of what it appended.
		{"10.0.0.5:80", "1.2.3.4, 203.0.113.7", "203.0.113.7", "10.0.0.5"},
		{"10.0.0.5:80", "1.2.3.4, 203.0.113.7, 192.0.2.1", "203.0.113.7", "10.0.0.5"},
		{"10.0.0.5:80", "garbage, 203.0.113.7", "203.0.113.7", "10.0.0.5"},
		{"10.0.0.5:80", "203.0.113.9:4431", "203.0.113.9", "10.0.0.5"},
		{"10.0.0.5:80", "", "10.0.0.5", "10.0.0.5"},
		// One subscriber holds a whole IPv6 /64.
		{"[2001:db8:1:2:3:4:5:6]:443", "", "2001:db8:1:2::/64", "2001:db8:1:2::/64"},
	}
	for _, c := range cases {
		r := httptest.NewRequest("POST", "/api/v1/session", nil)
		r.RemoteAddr = c.remote
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if got := srv.ClientAddress(r); got != c.want {
			t.Errorf("from %s with X-Forwarded-For %q: %s, want %s", c.remote, c.xff, got, c.want)
		}
		if got := bare.ClientAddress(r); got != c.bare {
			t.Errorf("without trusted proxies, from %s with X-Forwarded-For %q: %s, want %s", c.remote, c.xff, got, c.bare)
		}
	}
}

func TestForgedForwardedForDoesNotEscapeTheAddressLimit(t *testing.T) {
	// The test's client is the proxy at 127.0.0.1, which appends the
	// address it saw after whatever the client wrote.
	e := newEnv(t, func(c *portal.Config) { c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")} })
	var last response
	for i := range 21 {
		forged := netip.AddrFrom4([4]byte{1, 2, 3, byte(i)}).String()
		last = e.do(req{method: "POST", path: "/api/v1/password-recovery", headers: map[string]string{"X-Forwarded-For": forged + ", 203.0.113.7"},
			body: map[string]string{"customer": "555555", "full_name": "Кто-то", "birth_date": "1950-01-01", "phone": "+79990000000"}})
	}
	if last.Status != http.StatusTooManyRequests {
		t.Errorf("21st request from one address with a new forged X-Forwarded-For each time: %d, want 429", last.Status)
	}
}

func TestTooManyLoginsAtOnceAreToldToComeBack(t *testing.T) {
	// Each login comes from an address of its own, through our proxy, so
	// no throttle answers before the queue.
	e := newEnv(t, func(c *portal.Config) {
		c.HashSlots, c.MaxHashWait = 4, 10*time.Second
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	})
	release := make(chan struct{})
	var once sync.Once
	// A failing test must not leave logins waiting: the server's Close
	// would wait for them for ever.
	t.Cleanup(func() { once.Do(func() { close(release) }) })
	// Each login is taken to hold a slot for a second: four slots serve 40
	// logins within ten seconds, and the rest would wait longer.
	e.srv.SetHashing(func() { <-release }, time.Second)
	const n = 200
	results := make(chan response, n)
	for i := range n {
		go func() {
			results <- e.do(req{method: "POST", path: "/api/v1/session", body: loginBody(fmt.Sprintf("9%05d", i), "guess-guess", ""),
				headers: map[string]string{"X-Forwarded-For": netip.AddrFrom4([4]byte{198, 51, byte(i / 256), byte(i)}).String()}})
		}()
	}
	busy := 0
	var got []response
	for busy < n-40 {
		r := <-results
		got = append(got, r)
		if r.Status != http.StatusServiceUnavailable {
			t.Fatalf("answered before the queue moved: %d %s", r.Status, r.Body)
		}
		if r.Code(t) != "service_busy" || r.Header.Get("Retry-After") == "" {
			t.Fatalf("503 without service_busy and Retry-After: %v %s", r.Header, r.Body)
		}
		busy++
	}
	if q := e.srv.HashQueued(); q != 40 {
		t.Errorf("%d logins queued, want 40", q)
	}
	once.Do(func() { close(release) })
	for len(got) < n {
		r := <-results
		got = append(got, r)
		if r.Status != http.StatusUnauthorized {
			t.Errorf("a queued login: %d %s", r.Status, r.Body)
		}
	}
}

func TestANameGivenTwiceIsRefused(t *testing.T) {
	e := newEnv(t)
	tok := e.login(ivanova, password)
	m := meterOf(t, e, tok, ivanovaAcc)
	before := e.countReadings(tok, ivanovaAcc)
	bodies := []string{
		// encoding/json would keep either value.
		`{"meter": "` + m.ID + `", "values": {"t1": "12600", "T1": "12700"}}`,
		`{"meter": "` + m.ID + `", "Meter": "` + m.ID + `", "values": {"t1": "12600"}}`,
		`{"meter": "` + m.ID + `", "values": {"t1": "12600", "t1": "12700"}}`,
	}
	for i, b := range bodies {
		r := submit(e, tok, fmt.Sprintf("key-dup-%04d", i), b)
		if r.Status != http.StatusBadRequest || r.Code(t) != "bad_request" {
			t.Errorf("%s: %d %s, want 400 bad_request", b, r.Status, r.Body)
		}
	}
	if after := e.countReadings(tok, ivanovaAcc); after != before {
		t.Errorf("%d readings after refused requests, %d before", after, before)
	}
	// Equal names in different objects are fine.
	r := submit(e, tok, "key-dup-ok", `{"meter": "`+m.ID+`", "values": {"t1": "12600"}}`)
	if r.Status != http.StatusCreated {
		t.Errorf("a plain reading: %d %s", r.Status, r.Body)
	}
	if r := e.do(req{method: "POST", path: "/api/v1/session", body: `{"customer": "100001", "password": "x", "Password": "` + password + `"}`}); r.Status != http.StatusBadRequest {
		t.Errorf("login with the password twice: %d", r.Status)
	}
}

func TestPasswordsAreComparedInNFC(t *testing.T) {
	e := newEnv(t)
	tok := e.login(ivanova, password)
	// «й» as «и» and a combining breve, as some keyboards type it.
	decomposed := "мой пароль зимои\u0306"
	composed := "мой пароль зимой"
	if r := e.do(req{method: "PUT", path: "/api/v1/password", token: tok, body: map[string]string{"current": password, "new": decomposed}}); r.Status != http.StatusOK {
		t.Fatalf("change: %d %s", r.Status, r.Body)
	}
	e.login(ivanova, composed)
	tok = e.login(ivanova, decomposed)
	if r := e.do(req{method: "PUT", path: "/api/v1/password", token: tok, body: map[string]string{"current": composed, "new": decomposed}}); r.Code(t) != "password_not_changed" {
		t.Errorf("the same password typed the other way is a new one: %d %s", r.Status, r.Body)
	}
	// A profile change asks for the same password: typed the other way, it
	// is still the customer's.
	if r := e.do(req{method: "PUT", path: "/api/v1/profile", token: tok, body: map[string]string{"email": "ivanova@example.ru", "phone": ivanovaPhone, "current_password": decomposed}}); r.Status != http.StatusOK {
		t.Errorf("profile change with the password typed the other way: %d %s", r.Status, r.Body)
	}
}

func TestParseTrustedProxies(t *testing.T) {
	got, err := portal.ParseTrustedProxies(" 10.0.0.5, 192.168.1.0/24 ::1,2001:db8::/32 ")
	want := []netip.Prefix{netip.MustParsePrefix("10.0.0.5/32"), netip.MustParsePrefix("192.168.1.0/24"),
		netip.MustParsePrefix("::1/128"), netip.MustParsePrefix("2001:db8::/32")}
	if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v %v, want %v", got, err, want)
	}
	if got, err := portal.ParseTrustedProxies(""); err != nil || len(got) != 0 {
		t.Errorf("empty: %v %v", got, err)
	}
	// The old -trust-proxy=1 trusted whoever connected: refused, not
	// silently read as no proxy.
	if _, err := portal.ParseTrustedProxies("1"); err == nil {
		t.Error("«1» was accepted as a proxy address")
	}
}
