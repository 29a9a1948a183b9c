// Package cli is Kabinet's command line: `kabinet login`, `sync`, `status`,
// `reading add|correct|withdraw`, `question`, `export`, `pay` and `logout`, for
// scripts, for the administrators of public-access centres, and for tests.
// It asks the window's use-case layer, internal/cabinet, for everything, so
// the two check, queue, send and print alike; it only reads flags and says
// what happened, in Russian or English.
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

	"kabinet/internal/cabinet"
	"kabinet/internal/domain"
	"kabinet/internal/portalclient"
	"kabinet/internal/tokens"
)

// Exit codes.
const (
	ExitOK     = 0
	ExitFailed = 1
	ExitUsage  = 2
	ExitQueued = 3
	// ExitReadingDue is status's "the reading window is open and a meter
	// in service has no reading this period" (a queued one counts as
	// entered); it wins over ExitQueued.
	ExitReadingDue = 4
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
	// PaymentPoll is the first pause between questions about a payment's
	// status (see cabinet.Config.PaymentPoll); 0 → 2 s.
	PaymentPoll time.Duration
}

// Commands lists what Run understands, so main can tell a command from the
// GUI's flags.
var Commands = []string{"login", "sync", "status", "reading", "question", "export", "pay", "logout", "help", VerifyStoreCommand}

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
	rest := c.globalFlags(env.Args)
	if len(rest) == 0 || rest[0] == "help" || rest[0] == "--help" || rest[0] == "-h" {
		fmt.Fprintln(c.out, c.say("usage"))
		if len(rest) == 0 {
			return ExitUsage
		}
		return ExitOK
	}
	if rest[0] == VerifyStoreCommand {
		if len(rest) != 2 {
			return ExitUsage
		}
		return cabinet.CheckStoreFile(rest[1])
	}
	if rest[0] == "reading" {
		return c.reading(ctx, rest[1:])
	}
	run, ok := map[string]func(context.Context, []string) int{
		"login": c.login, "sync": c.sync, "status": c.status, "question": c.question, "export": c.export, "pay": c.pay, "logout": c.logout,
	}[rest[0]]
	if !ok {
		fmt.Fprintln(c.err, c.say("unknown_command", rest[0]))
		return ExitUsage
	}
	return run(ctx, rest[1:])
}

// globalFlags takes --lang and --store, which may come before or after
// the command, and returns the other arguments.
func (c *command) globalFlags(args []string) (rest []string) {
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
	return rest
}

// reading runs `kabinet reading add|correct|withdraw`.
func (c *command) reading(ctx context.Context, args []string) int {
	if len(args) >= 1 {
		switch args[0] {
		case "add":
			return c.readingAdd(ctx, args[1:])
		case "correct":
			return c.readingCorrect(ctx, args[1:])
		case "withdraw":
			return c.readingWithdraw(ctx, args[1:])
		case "receipt":
			return c.readingReceipt(ctx, args[1:])
		}
	}
	fmt.Fprintln(c.err, c.say("unknown_command", strings.Join(append([]string{"reading"}, args...), " ")))
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
	case domain.ErrorCode(err) == domain.CodeNoData:
		fmt.Fprintln(c.err, c.say("no_data"))
	case domain.ErrorCode(err) == domain.CodeNotLoggedIn:
		fmt.Fprintln(c.err, c.say("need_login"))
	case errors.As(err, &de):
		// Rules, the store's and the service's own errors and the
		// portal client's all carry a code and a Russian Message.
		fmt.Fprintln(c.err, de.Message)
	default:
		fmt.Fprintln(c.err, portalclient.Message(err))
	}
	return ExitFailed
}

// openService opens the personal account kept in the store (checked in a
// child process) for the portal given, or the one last logged in to.
func (c *command) openService(portal string) (*cabinet.Service, error) {
	cfg := cabinet.Config{Portal: portal, Keeper: c.env.Keeper, Now: c.env.Now, ClientOptions: c.env.ClientOptions,
		Foreground: true, PaymentPoll: c.env.PaymentPoll}
	if c.storeDir != "" {
		if err := os.MkdirAll(c.storeDir, 0o700); err != nil {
			return nil, err
		}
		cfg.StorePath = filepath.Join(c.storeDir, "store.db")
	}
	if c.env.Executable != "" {
		cfg.Verify = cabinet.VerifyInChild(c.env.Executable, VerifyStoreCommand)
	}
	svc, err := cabinet.Open(cfg)
	if err != nil {
		return nil, err
	}
	if rec := svc.Recovery(); rec.Quarantined != "" {
		fmt.Fprintln(c.err, c.say("store_recovered", rec.Quarantined, len(rec.Recovered)))
	}
	return svc, nil
}

// session is the last person's personal account, taken up by a command.
type session struct {
	svc *cabinet.Service
	cabinet.Continued
}

// open takes up the session of the person last logged in: with the kept
// token, or — when login is set — with KABINET_PASSWORD; else offline.
func (c *command) open(ctx context.Context, login bool) (*session, int) {
	svc, err := c.openService("")
	if err != nil {
		return nil, c.fail(err)
	}
	password := ""
	if login {
		password = c.env.Getenv("KABINET_PASSWORD")
	}
	cont, err := svc.Continue(ctx, password)
	if err != nil {
		svc.Close()
		return nil, c.fail(err)
	}
	return &session{svc: svc, Continued: cont}, ExitOK
}

// start parses a command's flags and takes up the session (see open).
func (c *command) start(ctx context.Context, fs *flag.FlagSet, args []string, login bool) (*session, int) {
	if err := fs.Parse(args); err != nil {
		return nil, ExitUsage
	}
	return c.open(ctx, login)
}

// openAccount takes up the session (see open) and picks the account the
// command is about (see chooseAccount).
func (c *command) openAccount(ctx context.Context, login bool, account *string) (*session, int) {
	s, code := c.open(ctx, login)
	if s == nil {
		return nil, code
	}
	var ok bool
	if *account, ok = c.chooseAccount(s.svc, *account); !ok {
		c.close(s)
		return nil, ExitUsage
	}
	return s, ExitOK
}

// close ends a portal session this command opened, unless a keyring keeps
// it for the next command, and closes the store.
func (c *command) close(s *session) {
	if s.LoggedIn {
		s.svc.Release()
	}
	s.svc.Close()
}

// notOnline says why a command that needs the portal cannot reach it — no
// connection, or no login — and returns ExitQueued when something waits
// to be sent, ExitFailed otherwise.
func (c *command) notOnline(s *session) int {
	if s.Offline != nil {
		fmt.Fprintln(c.err, c.say("no_connection"))
	} else {
		fmt.Fprintln(c.err, c.say("need_login"))
	}
	if p, _ := s.svc.Outbox(); len(p) > 0 {
		return ExitQueued
	}
	return ExitFailed
}

func (c *command) login(ctx context.Context, args []string) int {
	fs := c.flags("login")
	portal := fs.String("portal", "", "portal address, e.g. http://127.0.0.1:8080")
	customer := fs.String("customer", "", "customer number")
	if err := fs.Parse(args); err != nil {
		return ExitUsage
	}
	svc, err := c.openService(*portal)
	if err != nil {
		return c.fail(err)
	}
	defer svc.Close()
	if *customer == "" {
		*customer = svc.LastCustomer()
	}
	if svc.Portal() == "" || *customer == "" {
		fmt.Fprintln(c.err, c.say("need_portal"))
		return ExitUsage
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
	mustChange, err := svc.Login(ctx, *customer, pw)
	if err != nil {
		return c.fail(err)
	}
	defer svc.Release()
	if !svc.KeepsLogin() {
		fmt.Fprintln(c.err, c.say("token_memory"))
	}
	fmt.Fprintln(c.out, c.say("logged_in", *customer))
	if mustChange {
		fmt.Fprintln(c.out, c.say("must_change"))
		return ExitOK
	}
	// A new login refreshes the list of accounts, then everything else.
	if err := svc.RefreshAccounts(ctx); err != nil {
		return c.fail(err)
	}
	r, err := svc.SyncNow(ctx)
	if err != nil {
		return c.fail(err)
	}
	return c.report(r)
}

// report prints a sync report and returns the exit code it means.
func (c *command) report(r cabinet.SyncReport) int {
	fmt.Fprintln(c.out, c.say("synced", r.Sent, len(r.Refreshed), len(r.Unchanged)))
	if r.Refused > 0 {
		fmt.Fprintln(c.out, c.say("attention", r.Refused))
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
	case r.Refused > 0:
		return ExitFailed
	}
	return ExitOK
}

func (c *command) sync(ctx context.Context, args []string) int {
	s, code := c.start(ctx, c.flags("sync"), args, true)
	if s == nil {
		return code
	}
	defer c.close(s)
	if !s.Online {
		return c.notOnline(s)
	}
	r, err := s.svc.SyncNow(ctx)
	if err != nil {
		return c.fail(err)
	}
	return c.report(r)
}

func (c *command) logout(ctx context.Context, args []string) int {
	fs := c.flags("logout")
	wipe := fs.Bool("wipe", false, "delete all data kept on this computer")
	if err := fs.Parse(args); err != nil {
		return ExitUsage
	}
	svc, err := c.openService("")
	if err != nil {
		return c.fail(err)
	}
	defer svc.Close()
	// The last person's session, with its token when one is kept; nobody
	// logged in is no reason not to wipe.
	svc.Continue(ctx, "")
	if *wipe {
		// The computer is no longer the customer's own: the device token
		// goes too, and the copies of a damaged store set aside.
		r, err := svc.Forget(ctx, c.env.Now())
		if err != nil {
			return c.fail(err)
		}
		if len(r.Unsent) > 0 {
			fmt.Fprintln(c.out, c.say("wipe_unsent", len(r.Unsent)))
		}
		fmt.Fprintln(c.out, c.say("wiped"))
		return ExitOK
	}
	var unsent int
	if svc.Customer() != "" {
		r, err := svc.Logout(ctx, c.env.Now())
		if err != nil {
			return c.fail(err)
		}
		unsent = len(r.Unsent)
	}
	fmt.Fprintln(c.out, c.say("logged_out"))
	if unsent > 0 {
		fmt.Fprintln(c.out, c.say("unsent_on_logout", unsent))
	}
	return ExitOK
}

// chooseAccount is the account a command is about: the one given, or the
// only one; with several and none given it asks for --account.
func (c *command) chooseAccount(svc *cabinet.Service, given string) (string, bool) {
	if given != "" {
		return given, true
	}
	list, _ := svc.Accounts()
	var numbers []string
	for _, a := range list {
		numbers = append(numbers, a.Number)
	}
	sort.Strings(numbers)
	if len(numbers) != 1 {
		fmt.Fprintln(c.err, c.say("choose_account", strings.Join(numbers, ", ")))
		return "", false
	}
	return numbers[0], true
}
