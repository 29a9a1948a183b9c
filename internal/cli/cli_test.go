package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kabinet/internal/cli"
	"kabinet/internal/domain"
	"kabinet/internal/portalclient"
	"kabinet/internal/portaltest"
	"kabinet/internal/store"
	"kabinet/internal/tokens"
)

func TestMain(m *testing.M) {
	// The store checker's child process is this test binary.
	if len(os.Args) == 3 && os.Args[1] == cli.VerifyStoreCommand {
		os.Exit(store.ExitCodeFor(store.Check(os.Args[2])))
	}
	os.Exit(m.Run())
}

// user runs kabinet commands as one person on one computer would.
type user struct {
	t      *testing.T
	dir    string
	keeper tokens.Keeper
	env    map[string]string
	// fresh gives every command an empty token keeper, as on a computer
	// without a keyring, where each command is a new process.
	fresh bool
}

func newUser(t *testing.T) *user {
	return &user{t: t, dir: t.TempDir(), keeper: tokens.NewMemory(), env: map[string]string{}}
}

func (u *user) run(args ...string) (int, string, string) {
	u.t.Helper()
	var out, errOut bytes.Buffer
	keeper := u.keeper
	if u.fresh {
		keeper = tokens.NewMemory()
	}
	code := cli.Run(context.Background(), cli.Env{
		Args:          append([]string{"--store", u.dir}, args...),
		Stdout:        &out,
		Stderr:        &errOut,
		Getenv:        func(k string) string { return u.env[k] },
		Keeper:        keeper,
		Executable:    os.Args[0],
		ClientOptions: portalclient.Options{Retries: -1, Timeout: 2 * time.Second},
		PaymentPoll:   20 * time.Millisecond,
	})
	return code, out.String(), errOut.String()
}

// logIn logs the user in to p as customer 100001, with KABINET_PASSWORD
// set for the commands after.
func (u *user) logIn(p *portaltest.Server) {
	u.t.Helper()
	u.env["KABINET_PASSWORD"] = "demo12345"
	u.mustRun(cli.ExitOK, "login", "--portal", p.URL, "--customer", "100001")
}

func (u *user) mustRun(want int, args ...string) string {
	u.t.Helper()
	code, out, errOut := u.run(args...)
	if code != want {
		u.t.Fatalf("kabinet %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, want, out, errOut)
	}
	return out + errOut
}

func lastValue(t *testing.T, dir string) (string, domain.Meter) {
	t.Helper()
	st, err := store.Open(filepath.Join(dir, "store.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	portal, _, _ := st.Setting("portal")
	p := store.Profile{Portal: portal, Customer: "100001"}
	list, _, _, _ := st.Accounts(p)
	doc, _, _ := st.Document(p, list[0].Number)
	for _, m := range doc.Doc.Meters {
		if m.Active() {
			return list[0].Number, m
		}
	}
	t.Fatal("no meter")
	return "", domain.Meter{}
}

func wholePlus(m domain.Meter, n int64) string {
	return strings.ReplaceAll((m.Zones[0].LastValue + domain.DecimalFromInt(n)).Format(m.FractionDigits), "\u202f", "")
}

func TestNewcomerLogsInSendsAReadingAndLogsOut(t *testing.T) {
	p := portaltest.Start(t)
	u := newUser(t)
	u.env["KABINET_PASSWORD"] = "demo12345"
	out := u.mustRun(cli.ExitOK, "login", "--portal", p.URL, "--customer", "100001")
	if !strings.Contains(out, "Вход выполнен") || !strings.Contains(out, "обновлено счетов 1") {
		t.Errorf("login said:\n%s", out)
	}
	// The demo's window is open every day and this month has no reading
	// yet: status exits 4 and names the meter by its last digits.
	_, meter := lastValue(t, u.dir)
	out = u.mustRun(cli.ExitReadingDue, "status")
	if !strings.Contains(out, "Лицевой счёт") || !strings.Contains(out, "Данные на") || !strings.Contains(out, "Ожидают отправки: 0") ||
		!strings.Contains(out, "нет показаний: счётчик "+domain.MaskedSerial(meter.Serial)) || !strings.Contains(out, "Приём показаний открыт до ") {
		t.Errorf("status said:\n%s", out)
	}
	before := p.CustomerReadings(t)
	out = u.mustRun(cli.ExitOK, "reading", "add", "--value", wholePlus(meter, 150))
	if !strings.Contains(out, "Показание передано") || !strings.Contains(out, "Квитанция № ") {
		t.Errorf("reading add said:\n%s", out)
	}
	// With the reading accepted, nothing is due.
	if out := u.mustRun(cli.ExitOK, "status"); !strings.Contains(out, "показания всех счётчиков переданы") {
		t.Errorf("status after the reading said:\n%s", out)
	}
	if n := p.CustomerReadings(t); n != before+1 {
		t.Errorf("%d readings on the portal, want %d", n, before+1)
	}
	// A value below the last one is refused at once, in Russian, and not queued.
	code, _, errOut := u.run("reading", "add", "--value", "1")
	if code != cli.ExitFailed || !strings.Contains(errOut, "Показание меньше прошлого") {
		t.Errorf("a lower value: exit %d\n%s", code, errOut)
	}
	out = u.mustRun(cli.ExitOK, "logout", "--wipe")
	if !strings.Contains(out, "удалены") {
		t.Errorf("logout said:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(u.dir, "store.db")); !os.IsNotExist(err) {
		t.Errorf("the store survived logout --wipe: %v", err)
	}
}

func TestOfflineReadingIsKeptAndSentLater(t *testing.T) {
	p := portaltest.Start(t)
	u := newUser(t)
	u.logIn(p)
	_, meter := lastValue(t, u.dir)
	before := p.CustomerReadings(t)
	p.Down.Store(true)
	out := u.mustRun(cli.ExitQueued, "reading", "add", "--value", wholePlus(meter, 90))
	if !strings.Contains(out, "сохранено") {
		t.Errorf("offline reading add said:\n%s", out)
	}
	// The queued reading counts as entered: status says so and exits 3, not 4.
	out = u.mustRun(cli.ExitQueued, "status")
	if !strings.Contains(out, "Ожидают отправки: 1") || !strings.Contains(out, wholePlus(meter, 90)) ||
		!strings.Contains(out, "введены и ждут отправки") || strings.Contains(out, "нет показаний") {
		t.Errorf("status offline:\n%s", out)
	}
	u.mustRun(cli.ExitQueued, "sync")
	p.Down.Store(false)
	out = u.mustRun(cli.ExitOK, "sync")
	if !strings.Contains(out, "отправлено 1") {
		t.Errorf("sync said:\n%s", out)
	}
	if n := p.CustomerReadings(t); n != before+1 {
		t.Errorf("%d readings on the portal, want %d", n, before+1)
	}
}

func TestUsageAndLanguage(t *testing.T) {
	u := newUser(t)
	if code, out, _ := u.run(); code != cli.ExitUsage || !strings.Contains(out, "kabinet login") {
		t.Errorf("no command: %d %s", code, out)
	}
	if code, _, errOut := u.run("frobnicate"); code != cli.ExitUsage || !strings.Contains(errOut, "Неизвестная команда") {
		t.Errorf("unknown command: %d %s", code, errOut)
	}
	if code, out, _ := u.run("--lang", "en", "help"); code != cli.ExitOK || !strings.Contains(out, "Commands:") {
		t.Errorf("English help: %d %s", code, out)
	}
	if code, _, errOut := u.run("status"); code != cli.ExitFailed || !strings.Contains(errOut, "Сначала войдите") {
		t.Errorf("status before login: %d %s", code, errOut)
	}
	if code, _, errOut := u.run("login", "--portal", "http://127.0.0.1:1", "--customer", "100001"); code != cli.ExitUsage || !strings.Contains(errOut, "Пароль не введён") {
		t.Errorf("login without a password: %d %s", code, errOut)
	}
}

func TestDamagedStoreIsReplacedAndQueuedReadingsSurvive(t *testing.T) {
	p := portaltest.Start(t)
	u := newUser(t)
	u.logIn(p)
	_, meter := lastValue(t, u.dir)
	p.Down.Store(true)
	u.mustRun(cli.ExitQueued, "reading", "add", "--value", wholePlus(meter, 40))
	// The disk mangles the store file.
	path := filepath.Join(u.dir, "store.db")
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteAt(bytes.Repeat([]byte{0}, 8192), 0)
	f.Close()
	p.Down.Store(false)
	before := p.CustomerReadings(t)
	code, out, errOut := u.run("sync")
	all := out + errOut
	if !strings.Contains(all, "повреждён") {
		t.Errorf("the damage was not reported:\n%s", all)
	}
	// The settings come back with the recovered reading, which goes out;
	// logging in again sends nothing twice.
	if code != cli.ExitOK {
		t.Errorf("sync after recovery: exit %d\n%s", code, all)
	}
	u.mustRun(cli.ExitOK, "login", "--portal", p.URL, "--customer", "100001")
	if n := p.CustomerReadings(t); n != before+1 {
		t.Errorf("the reading queued before the damage was delivered %d times, want once", n-before)
	}
	matches, _ := filepath.Glob(path + ".corrupt-*")
	if len(matches) != 1 {
		t.Errorf("quarantined files: %v", matches)
	}
}

func TestExportInvoiceAndStatementAsPDF(t *testing.T) {
	p := portaltest.Start(t)
	u := newUser(t)
	u.logIn(p)
	invoice := filepath.Join(t.TempDir(), "счёт.pdf")
	statement := filepath.Join(t.TempDir(), "ведомость.pdf")
	// The documents come from the stored data: the portal may be gone.
	p.Down.Store(true)
	u.mustRun(cli.ExitOK, "export", "invoice", "-o", invoice)
	u.mustRun(cli.ExitOK, "export", "statement", "--from", "2024-01", "-o", statement)
	for _, f := range []string{invoice, statement} {
		b, err := os.ReadFile(f)
		if err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
			t.Errorf("%s is not a PDF (%v)", f, err)
		}
		if fi, _ := os.Stat(f); fi != nil && fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", f, fi.Mode().Perm())
		}
	}
	if code, _, errOut := u.run("export", "invoice", "--period", "1999-01", "-o", invoice); code != cli.ExitFailed || !strings.Contains(errOut, "нет") {
		t.Errorf("a missing month: %d %s", code, errOut)
	}
	if code, _, _ := u.run("export", "statement", "--from", "2026-10", "--to", "2025-01", "-o", statement); code != cli.ExitUsage {
		t.Errorf("from after to: %d", code)
	}
}

// TestLogoutWipeDeletesTheCopiesSetAside: a damaged store set aside at a
// start holds the person's data too; logout --wipe must not leave it.
func TestLogoutWipeDeletesTheCopiesSetAside(t *testing.T) {
	p := portaltest.Start(t)
	u := newUser(t)
	u.logIn(p)
	path := filepath.Join(u.dir, "store.db")
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteAt(bytes.Repeat([]byte{0}, 8192), 0)
	f.Close()
	u.run("status") // sets the damaged file aside
	// The window's device token of this customer, as a home computer
	// without a keyring keeps it.
	devices := tokens.NewDeviceFile(filepath.Join(u.dir, "device-tokens.json"))
	devices.Save(p.URL+"|100001", "device-token-of-100001")
	if matches, _ := filepath.Glob(path + ".corrupt-*"); len(matches) != 1 {
		t.Fatalf("set aside: %v", matches)
	}
	u.mustRun(cli.ExitOK, "logout", "--wipe")
	if matches, _ := filepath.Glob(path + ".corrupt-*"); len(matches) != 0 {
		t.Errorf("logout --wipe left %v", matches)
	}
	if tok, err := devices.Load(p.URL + "|100001"); err == nil {
		t.Errorf("logout --wipe left the device token %q", tok)
	}
}
