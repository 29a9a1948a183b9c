// Package cli is Kabinet's command line: `kabinet login`, `sync`, `status`,
// `reading add|correct|withdraw`, `export` and `logout`, for scripts, for the administrators of
// public-access centres, and for tests. It drives the same store, portal
// client and sync engine as the GUI.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"kabinet/internal/domain"
	"kabinet/internal/portalclient"
	"kabinet/internal/store"
	"kabinet/internal/syncer"
	"kabinet/internal/tokens"
)

// Exit codes.
const (
	ExitOK     = 0
	ExitFailed = 1
	ExitUsage  = 2
	ExitQueued = 3
)

// VerifyStoreCommand is the hidden command the app runs in a child process
// to check the store file (a damaged file may crash the process checking it).
const VerifyStoreCommand = "__verify-store"

// Env is the outside world of a command.
type Env struct {
	Args           []string // without the program name
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// ReadPassword reads a password without echo; nil means "no terminal".
	ReadPassword func() (string, error)
	Keeper       tokens.Keeper
	// Executable is this program, run as the store checker's child.
	Executable string
	Now        func() time.Time
	// ClientOptions tune the portal client (tests shorten timeouts).
	ClientOptions portalclient.Options
}

// Commands lists what Run understands, so main can tell a command from the
// GUI's flags.
var Commands = []string{"login", "sync", "status", "reading", "export", "logout", "help", VerifyStoreCommand}

// IsCommand reports whether args start with a command of this package,
// global flags and their values (`--store DIR`, `--lang en`) skipped.
func IsCommand(args []string) bool {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if globalFlagWithValue(a) {
			i++ // its value
			continue
		}
		if strings.HasPrefix(a, "-") {
			continue
		}
		for _, c := range Commands {
			if a == c {
				return true
			}
		}
		return false
	}
	return false
}

// globalFlagWithValue reports whether a is a global flag whose value is
// the next argument.
func globalFlagWithValue(a string) bool {
	switch a {
	case "--store", "-store", "--lang", "-lang":
		return true
	}
	return false
}

type command struct {
	env      Env
	english  bool
	storeDir string
	out, err io.Writer
}

// Run runs the command in env.Args and returns the exit code.
func Run(ctx context.Context, env Env) int {
	if env.Now == nil {
		env.Now = time.Now
	}
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	if env.Keeper == nil {
		env.Keeper = tokens.New()
	}
	c := &command{env: env, out: env.Stdout, err: env.Stderr}
	// Global flags may come before or after the command.
	var rest []string
	args := env.Args
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "--lang" || a == "-lang":
			if i+1 < len(args) {
				c.english = args[i+1] == "en"
				i++
			}
		case strings.HasPrefix(a, "--lang="):
			c.english = strings.TrimPrefix(a, "--lang=") == "en"
		case a == "--store" || a == "-store":
			if i+1 < len(args) {
				c.storeDir = args[i+1]
				i++
			}
		case strings.HasPrefix(a, "--store="):
			c.storeDir = strings.TrimPrefix(a, "--store=")
		default:
			rest = append(rest, a)
		}
	}
	if len(rest) == 0 || rest[0] == "help" || rest[0] == "--help" || rest[0] == "-h" {
		fmt.Fprintln(c.out, c.say("usage"))
		if len(rest) == 0 {
			return ExitUsage
		}
		return ExitOK
	}
	switch rest[0] {
	case VerifyStoreCommand:
		if len(rest) != 2 {
			return ExitUsage
		}
		return store.ExitCodeFor(store.Check(rest[1]))
	case "login":
		return c.login(ctx, rest[1:])
	case "sync":
		return c.sync(ctx, rest[1:])
	case "status":
		return c.status(rest[1:])
	case "reading":
		if len(rest) >= 2 {
			switch rest[1] {
			case "add":
				return c.readingAdd(ctx, rest[2:])
			case "correct":
				return c.readingCorrect(ctx, rest[2:])
			case "withdraw":
				return c.readingWithdraw(rest[2:])
			}
		}
		fmt.Fprintln(c.err, c.say("unknown_command", strings.Join(rest, " ")))
		return ExitUsage
	case "export":
		return c.export(rest[1:])
	case "logout":
		return c.logout(ctx, rest[1:])
	}
	fmt.Fprintln(c.err, c.say("unknown_command", rest[0]))
	return ExitUsage
}

func (c *command) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("kabinet "+name, flag.ContinueOnError)
	fs.SetOutput(c.err)
	return fs
}

// fail prints a Russian (or English) sentence for err and returns ExitFailed.
func (c *command) fail(err error) int {
	var de *domain.Error
	switch {
	case errors.As(err, &de):
		// Rules, the store's and the service's own errors and the
		// portal client's all carry a code and a Russian Message.
		fmt.Fprintln(c.err, de.Message)
	default:
		fmt.Fprintln(c.err, portalclient.Message(err))
	}
	return ExitFailed
}

// openStore opens the store, checked in a child process.
func (c *command) openStore() (*store.Store, error) {
	path := ""
	if c.storeDir != "" {
		if err := os.MkdirAll(c.storeDir, 0o700); err != nil {
			return nil, err
		}
		path = filepath.Join(c.storeDir, "store.db")
	} else {
		var err error
		if path, err = store.DefaultPath(); err != nil {
			return nil, err
		}
	}
	verify := func(p string) error { return nil }
	if c.env.Executable != "" {
		verify = func(p string) error {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			return store.CheckInChild(ctx, c.env.Executable, []string{VerifyStoreCommand}, p)
		}
	}
	s, rec, err := store.OpenChecked(path, store.Options{Now: c.env.Now}, verify)
	if err != nil {
		return nil, err
	}
	if rec.Quarantined != "" {
		fmt.Fprintln(c.err, c.say("store_recovered", rec.Quarantined, len(rec.Recovered)))
	}
	restoreProfile(s, rec.Recovered)
	return s, nil
}

// restoreProfile puts back the portal and customer settings that went
// with a damaged store, from the readings restored from the journal: they
// are this person's, and without the settings `status` and `sync` would
// not show or send them.
func restoreProfile(st *store.Store, recovered []store.OutboxItem) {
	if len(recovered) == 0 {
		return
	}
	if portal, _, _ := st.Setting("portal"); portal != "" {
		return
	}
	p := recovered[len(recovered)-1].Profile
	st.SetSetting("portal", p.Portal)
	st.SetSetting("customer", p.Customer)
}

// session is an open store with the profile and a portal client.
type session struct {
	store   *store.Store
	profile store.Profile
	client  *portalclient.Client
	engine  *syncer.Engine
	online  bool  // a token is set
	opened  bool  // this command logged in (KABINET_PASSWORD)
	offline error // why a login with KABINET_PASSWORD did not happen
}

// close revokes a session this command opened, unless a keyring keeps it
// for the next command, and closes the store.
func (c *command) close(s *session) {
	if s.opened {
		c.revoke(s.client, s.profile)
	}
	s.store.Close()
}

// revoke ends a session this command opened when no keyring can keep its
// token: the token dies with the process, and a session nobody can use
// must not stay open on the portal (DELETE /api/v1/session).
func (c *command) revoke(client *portalclient.Client, p store.Profile) {
	if c.env.Keeper.Persistent() || client.Token() == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	client.Logout(ctx) // best effort: the session expires on the portal anyway
	c.env.Keeper.Delete(profileKey(p))
}

// notOnline says why a command that needs the portal cannot reach it — no
// connection, or no login — and returns ExitQueued when something waits
// to be sent, ExitFailed otherwise.
func (c *command) notOnline(s *session) int {
	if s.offline != nil {
		fmt.Fprintln(c.err, c.say("no_connection"))
	} else {
		fmt.Fprintln(c.err, c.say("need_login"))
	}
	if p, _ := s.store.Pending(s.profile); len(p) > 0 {
		return ExitQueued
	}
	return ExitFailed
}

func profileKey(p store.Profile) string { return p.Portal + "|" + p.Customer }

// open opens the store and the saved profile and, when a token is kept or
// KABINET_PASSWORD is set, logs the client in.
func (c *command) open(ctx context.Context) (*session, int) {
	st, err := c.openStore()
	if err != nil {
		return nil, c.fail(err)
	}
	portal, _, _ := st.Setting("portal")
	customer, _, _ := st.Setting("customer")
	if portal == "" || customer == "" {
		st.Close()
		fmt.Fprintln(c.err, c.say("need_login"))
		return nil, ExitFailed
	}
	s := &session{store: st, profile: store.Profile{Portal: portal, Customer: customer}}
	if s.client, err = portalclient.New(portal, c.env.ClientOptions); err != nil {
		st.Close()
		return nil, c.fail(err)
	}
	if tok, err := c.env.Keeper.Load(profileKey(s.profile)); err == nil {
		s.client.SetToken(tok)
		s.online = true
	} else if pw := c.env.Getenv("KABINET_PASSWORD"); pw != "" {
		if _, err := s.client.Login(ctx, customer, pw); err == nil {
			s.online, s.opened = true, true
			c.env.Keeper.Save(profileKey(s.profile), s.client.Token())
		} else if portalclient.Temporary(err) {
			s.offline = err
		} else {
			st.Close()
			return nil, c.fail(err)
		}
	}
	s.engine = syncer.New(syncer.Config{Store: st, Portal: s.client, Profile: s.profile, Now: c.env.Now})
	return s, ExitOK
}

func (c *command) login(ctx context.Context, args []string) int {
	fs := c.flags("login")
	portal := fs.String("portal", "", "portal address, e.g. http://127.0.0.1:8080")
	customer := fs.String("customer", "", "customer number")
	if err := fs.Parse(args); err != nil {
		return ExitUsage
	}
	st, err := c.openStore()
	if err != nil {
		return c.fail(err)
	}
	defer st.Close()
	if *portal == "" {
		*portal, _, _ = st.Setting("portal")
	}
	if *customer == "" {
		*customer, _, _ = st.Setting("customer")
	}
	if *portal == "" || *customer == "" {
		fmt.Fprintln(c.err, c.say("need_portal"))
		return ExitUsage
	}
	client, err := portalclient.New(*portal, c.env.ClientOptions)
	if err != nil {
		return c.fail(err)
	}
	pw := c.env.Getenv("KABINET_PASSWORD")
	if pw == "" && c.env.ReadPassword != nil {
		fmt.Fprint(c.err, c.say("password_prompt"))
		pw, err = c.env.ReadPassword()
		fmt.Fprintln(c.err)
		if err != nil {
			return c.fail(err)
		}
	}
	if pw == "" {
		fmt.Fprintln(c.err, c.say("no_password"))
		return ExitUsage
	}
	sess, err := client.Login(ctx, *customer, pw)
	if err != nil {
		return c.fail(err)
	}
	profile := store.Profile{Portal: client.BaseURL(), Customer: *customer}
	defer c.revoke(client, profile)
	for k, v := range map[string]string{"portal": profile.Portal, "customer": profile.Customer} {
		if err := st.SetSetting(k, v); err != nil {
			return c.fail(err)
		}
	}
	if err := c.env.Keeper.Save(profileKey(profile), sess.Token); err != nil || !c.env.Keeper.Persistent() {
		fmt.Fprintln(c.err, c.say("token_memory"))
	}
	fmt.Fprintln(c.out, c.say("logged_in", *customer))
	if sess.MustChangePassword {
		fmt.Fprintln(c.out, c.say("must_change"))
		return ExitOK
	}
	eng := syncer.New(syncer.Config{Store: st, Portal: client, Profile: profile, Now: c.env.Now})
	// A new login refreshes the list of accounts, then everything else.
	if err := eng.RefreshAccounts(ctx); err != nil {
		return c.fail(err)
	}
	r := eng.SyncNow(ctx)
	return c.report(r)
}

// report prints a sync report and returns the exit code it means.
func (c *command) report(r syncer.Report) int {
	fmt.Fprintln(c.out, c.say("synced", r.Sent, len(r.Refreshed), len(r.Unchanged)))
	if r.Attention > 0 {
		fmt.Fprintln(c.out, c.say("attention", r.Attention))
	}
	if r.Waiting > 0 {
		fmt.Fprintln(c.out, c.say("waiting", r.Waiting))
	}
	switch {
	case r.Err != nil && r.Waiting > 0:
		fmt.Fprintln(c.err, portalclient.Message(r.Err))
		return ExitQueued
	case r.Err != nil:
		return c.fail(r.Err)
	case r.Waiting > 0:
		return ExitQueued
	case r.Attention > 0:
		return ExitFailed
	}
	return ExitOK
}

func (c *command) sync(ctx context.Context, args []string) int {
	if err := c.flags("sync").Parse(args); err != nil {
		return ExitUsage
	}
	s, code := c.open(ctx)
	if s == nil {
		return code
	}
	defer c.close(s)
	if !s.online {
		return c.notOnline(s)
	}
	return c.report(s.engine.SyncNow(ctx))
}

func (c *command) logout(ctx context.Context, args []string) int {
	fs := c.flags("logout")
	wipe := fs.Bool("wipe", false, "delete all data kept on this computer")
	if err := fs.Parse(args); err != nil {
		return ExitUsage
	}
	st, err := c.openStore()
	if err != nil {
		return c.fail(err)
	}
	portal, _, _ := st.Setting("portal")
	customer, _, _ := st.Setting("customer")
	profile := store.Profile{Portal: portal, Customer: customer}
	if tok, err := c.env.Keeper.Load(profileKey(profile)); err == nil && portal != "" {
		if client, err := portalclient.New(portal, c.env.ClientOptions); err == nil {
			client.SetToken(tok)
			lctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			client.Logout(lctx) // best effort: the token is forgotten here anyway
			cancel()
		}
	}
	c.env.Keeper.Delete(profileKey(profile))
	pending, _ := st.Pending(profile)
	if *wipe {
		// The window's device token for this customer goes too: the
		// computer is no longer the customer's own.
		// (in the keyring, or in the device tokens' file, which goes whole).
		dir := filepath.Dir(st.Path())
		if customer != "" {
			tokens.DevicesBeside(c.env.Keeper, dir).Delete(profileKey(profile))
		}
		if err := os.Remove(filepath.Join(dir, tokens.DeviceFileName)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return c.fail(err)
		}
		if err := st.Wipe(); err != nil {
			return c.fail(err)
		}
		if len(pending) > 0 {
			fmt.Fprintln(c.out, c.say("wipe_unsent", len(pending)))
		}
		fmt.Fprintln(c.out, c.say("wiped"))
		return ExitOK
	}
	st.Close()
	fmt.Fprintln(c.out, c.say("logged_out"))
	if len(pending) > 0 {
		fmt.Fprintln(c.out, c.say("unsent_on_logout", len(pending)))
	}
	return ExitOK
}

// accountsOf lists the profile's stored account numbers, sorted.
func accountsOf(st *store.Store, p store.Profile) []string {
	list, _, _, _ := st.Accounts(p)
	var out []string
	for _, a := range list {
		out = append(out, a.Number)
	}
	sort.Strings(out)
	return out
}
