package cli_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"kabinet/internal/cli"
	"kabinet/internal/domain"
	"kabinet/internal/portaltest"
	"kabinet/internal/store"
	"kabinet/internal/tokens"
)

// newKeyringlessUser is a person on a computer without a keyring: every
// command is a new process whose token keeper starts empty.
func newKeyringlessUser(t *testing.T) *user {
	u := newUser(t)
	u.fresh = true
	return u
}

// liveSessions counts the sessions open on the portal.
func liveSessions(t *testing.T, p *portaltest.Server) int {
	return p.Count(t, `SELECT count(*) FROM sessions`)
}

func TestWithoutAKeyringEveryCommandClosesTheSessionItOpened(t *testing.T) {
	p := portaltest.Start(t)
	u := newKeyringlessUser(t)
	u.logIn(p)
	if n := liveSessions(t, p); n != 0 {
		t.Errorf("after login: %d sessions left open on the portal, want 0", n)
	}
	u.mustRun(cli.ExitOK, "sync")
	_, meter := lastValue(t, u.dir)
	u.mustRun(cli.ExitOK, "reading", "add", "--value", wholePlus(meter, 15))
	u.mustRun(cli.ExitOK, "logout")
	if n := liveSessions(t, p); n != 0 {
		t.Errorf("after sync, reading add and logout: %d sessions left open on the portal, want 0", n)
	}
}

func TestGlobalFlagsBeforeTheCommand(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"--store", dir, "status"},
		{"-store", dir, "sync"},
		{"--store=" + dir, "status"},
		{"--lang", "en", "--store", dir, "reading", "add"},
		{"status", "--store", dir},
	} {
		if !cli.IsCommand(args) {
			t.Errorf("%q is not taken for a command: the window would open instead", args)
		}
	}
	for _, args := range [][]string{{}, {"-demo"}, {"-public", "-lang", "en"}, {"-portal", "http://127.0.0.1:8080"}} {
		if cli.IsCommand(args) {
			t.Errorf("the window's flags %q are taken for a command", args)
		}
	}
	// And the command sees the flag: the store goes where it says.
	u := newUser(t)
	var out, errOut bytes.Buffer
	code := cli.Run(t.Context(), cli.Env{Args: []string{"--store", u.dir, "status"}, Stdout: &out, Stderr: &errOut,
		Getenv: func(string) string { return "" }, Keeper: tokens.NewMemory()})
	if code != cli.ExitFailed || !strings.Contains(errOut.String(), "Сначала войдите") {
		t.Errorf("status before login: %d %s", code, errOut.String())
	}
	if _, err := os.Stat(filepath.Join(u.dir, "store.db")); err != nil {
		t.Errorf("the store is not in --store: %v", err)
	}
}

func TestUnreachablePortalSaysNoConnectionNotLogIn(t *testing.T) {
	p := portaltest.Start(t)
	u := newKeyringlessUser(t)
	u.logIn(p)
	_, meter := lastValue(t, u.dir)
	p.Down.Store(true)
	for _, args := range [][]string{{"sync"}, {"reading", "add", "--value", wholePlus(meter, 10)}} {
		code, out, errOut := u.run(args...)
		all := out + errOut
		if strings.Contains(all, "Сначала войдите") || !strings.Contains(all, "Нет связи с порталом") {
			t.Errorf("kabinet %s with the portal down (exit %d):\n%s", strings.Join(args, " "), code, all)
		}
	}
	// With something waiting, sync says «not finished yet».
	if code, _, _ := u.run("sync"); code != cli.ExitQueued {
		t.Errorf("sync offline with a reading waiting: exit %d, want %d", code, cli.ExitQueued)
	}
}

func TestAfterAStoreRecoveryStatusShowsTheRestoredReadingsAndSyncWaits(t *testing.T) {
	p := portaltest.Start(t)
	u := newKeyringlessUser(t)
	u.logIn(p)
	_, meter := lastValue(t, u.dir)
	value := wholePlus(meter, 35)
	p.Down.Store(true)
	u.mustRun(cli.ExitQueued, "reading", "add", "--value", value)
	damageStore(t, u.dir)

	code, out, errOut := u.run("status")
	if !strings.Contains(errOut, "повреждён") {
		t.Errorf("the damage was not reported:\n%s", errOut)
	}
	if code != cli.ExitQueued || !strings.Contains(out, "Ожидают отправки: 1") || !strings.Contains(out, value) {
		t.Errorf("status after a recovery: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut := u.run("sync"); code != cli.ExitQueued {
		t.Errorf("sync offline after a recovery: exit %d, want %d\n%s%s", code, cli.ExitQueued, out, errOut)
	}
	p.Down.Store(false)
	before := p.CustomerReadings(t)
	u.mustRun(cli.ExitOK, "sync")
	if n := p.CustomerReadings(t); n != before+1 {
		t.Errorf("the restored reading reached the portal %d times, want once", n-before)
	}
	u.mustRun(cli.ExitOK, "sync")
	if n := p.CustomerReadings(t); n != before+1 {
		t.Errorf("a second sync sent it again: %d", n-before)
	}
}

// damageStore zeroes the store file's first pages, as a failing disk might.
func damageStore(t *testing.T, dir string) {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(dir, "store.db"), os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteAt(bytes.Repeat([]byte{0}, 8192), 0)
	f.Close()
}

// waitingID returns the number `status` shows for the only waiting reading.
func waitingID(t *testing.T, u *user) uint64 {
	t.Helper()
	st, err := store.Open(filepath.Join(u.dir, "store.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	portal, _, _ := st.Setting("portal")
	items, _ := st.Pending(store.Profile{Portal: portal, Customer: "100001"})
	if len(items) != 1 {
		t.Fatalf("%d readings waiting, want 1", len(items))
	}
	return items[0].ID
}

func TestWaitingReadingCanBeWithdrawnOrCorrectedButNotOnceSent(t *testing.T) {
	p := portaltest.Start(t)
	u := newKeyringlessUser(t)
	u.logIn(p)
	_, meter := lastValue(t, u.dir)
	before := p.CustomerReadings(t)

	// Saved without a login: it waits, nothing was tried.
	delete(u.env, "KABINET_PASSWORD")
	u.mustRun(cli.ExitQueued, "reading", "add", "--value", wholePlus(meter, 150))
	id := strconv.FormatUint(waitingID(t, u), 10)
	if out := u.mustRun(cli.ExitQueued, "status"); !strings.Contains(out, "№ "+id) {
		t.Errorf("status does not show the reading's number %s:\n%s", id, out)
	}
	out := u.mustRun(cli.ExitOK, "reading", "withdraw", "--id", id)
	if !strings.Contains(out, "не будут отправлены") {
		t.Errorf("withdraw said:\n%s", out)
	}
	u.env["KABINET_PASSWORD"] = "demo12345"
	u.mustRun(cli.ExitOK, "sync")
	if n := p.CustomerReadings(t); n != before {
		t.Errorf("the withdrawn reading reached the portal: %d → %d", before, n)
	}

	// A typo corrected before it goes: only the corrected values arrive.
	delete(u.env, "KABINET_PASSWORD")
	u.mustRun(cli.ExitQueued, "reading", "add", "--value", wholePlus(meter, 170))
	id = strconv.FormatUint(waitingID(t, u), 10)
	u.env["KABINET_PASSWORD"] = "demo12345"
	out = u.mustRun(cli.ExitOK, "reading", "correct", "--id", id, "--value", wholePlus(meter, 70))
	if !strings.Contains(out, "исправлены") || !strings.Contains(out, "Показание передано") {
		t.Errorf("correct said:\n%s", out)
	}
	u.mustRun(cli.ExitOK, "sync")
	if n := p.CustomerReadings(t); n != before+1 {
		t.Errorf("%d readings reached the portal, want 1", n-before)
	}
	if _, m := lastValue(t, u.dir); m.Zones[0].LastValue != meter.Zones[0].LastValue+domain.DecimalFromInt(70) {
		t.Errorf("the portal has %v, want the corrected value", m.Zones[0].LastValue)
	}

	// Once sent, it cannot be withdrawn, and the command says why.
	code, _, errOut := u.run("reading", "withdraw", "--id", id)
	if code != cli.ExitFailed || !strings.Contains(errOut, "уже переданы на портал") || !strings.Contains(errOut, "отменить или изменить их нельзя") {
		t.Errorf("withdraw after delivery: exit %d\n%s", code, errOut)
	}
	if code, _, errOut := u.run("reading", "withdraw"); code != cli.ExitUsage || !strings.Contains(errOut, "--id") {
		t.Errorf("withdraw without --id: exit %d\n%s", code, errOut)
	}
}
