// Command kabinet is the personal account of an electricity supplier's
// customer: the desktop window, or with a command (login, sync, status,
// reading add|correct|withdraw, export, logout) the command line.
//
//	kabinet              the window
//	kabinet -demo        the window on a demo portal started in this process
//	kabinet -public      the window in public-computer mode
//	kabinet <command>    the command line (kabinet help)
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"golang.org/x/term"

	"kabinet/app"
	"kabinet/internal/appconfig"
	"kabinet/internal/cabinet"
	"kabinet/internal/cli"
	"kabinet/internal/demo"
	"kabinet/internal/shutdown"
	"kabinet/internal/store"
)

func main() {
	exe, _ := os.Executable()
	if len(os.Args) < 2 || os.Args[1] != cli.VerifyStoreCommand {
		// What public-computer sessions killed or cut off by a power
		// failure left behind goes before anything else starts.
		if _, err := store.SweepTemporary(""); err != nil {
			slog.Warn("kabinet: sweeping earlier public sessions", "err", err)
		}
	}
	if len(os.Args) > 1 && cli.IsCommand(os.Args[1:]) {
		// The Windows build is a GUI program: it has no console of its own
		// and must borrow the one it was typed in.
		useParentConsole()
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		env := cli.Env{Args: os.Args[1:], Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Executable: exe}
		if term.IsTerminal(int(os.Stdin.Fd())) {
			env.ReadPassword = func() (string, error) {
				b, err := term.ReadPassword(int(os.Stdin.Fd()))
				return string(b), err
			}
		}
		code := cli.Run(ctx, env)
		stop()
		os.Exit(code)
	}
	if err := window(exe, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "kabinet:", err)
		os.Exit(1)
	}
}

// window runs the desktop app.
func window(exe string, args []string) error {
	fs := flag.NewFlagSet("kabinet", flag.ContinueOnError)
	demoMode := fs.Bool("demo", false, "start a demo portal in this process and open the app on it")
	public := fs.Bool("public", false, "public-computer mode: nothing is kept after logout")
	portalURL := fs.String("portal", "", "portal address (overrides the settings)")
	english := fs.String("lang", "ru", "language of the window: ru or en")
	if err := fs.Parse(args); err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	settingsPath, err := appconfig.DefaultPath()
	if err != nil {
		return err
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return err
	}
	dir := filepath.Join(cache, "kabinet")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	storePath := filepath.Join(dir, "store.db")
	opts := app.Options{}
	if *demoMode {
		// The demo keeps its own settings and store: a real account on
		// this computer is not mixed with the demo's.
		settingsPath = filepath.Join(filepath.Dir(settingsPath), "settings-demo.json")
		storePath = filepath.Join(dir, "demo-store.db")
		url, stop, err := demo.Serve(context.Background(), dir, logger)
		if err != nil {
			return err
		}
		defer stop()
		*portalURL = url
		for _, c := range demo.Customers {
			opts.Demo = append(opts.Demo, app.DemoCustomer{Number: c.Number, Description: c.Description})
		}
		opts.DemoPassword = demo.Password
	}
	settings, err := appconfig.Load(settingsPath, appconfig.PresetPaths())
	if err != nil {
		return err
	}
	if *portalURL != "" {
		settings.Portal = *portalURL
		if *demoMode {
			settings.Chosen = true
		}
	}
	if *public {
		settings.Public, settings.Chosen = true, settings.Portal != ""
	} else if *demoMode {
		// The demo is a home computer unless -public says otherwise.
		settings.Public = false
	}
	opts.Settings, opts.SettingsPath = settings, settingsPath
	opts.OpenService = func(portal string, public bool, onEvent func(cabinet.Event)) (app.Service, error) {
		return cabinet.Open(cabinet.Config{Portal: portal, Public: public, StorePath: storePath, OnEvent: onEvent,
			Verify: cabinet.VerifyInChild(exe, cli.VerifyStoreCommand)})
	}
	// A desktop app waits for people, not for the CPU: collecting garbage
	// twice as often keeps its memory closer to a bare Fyne window's
	// (docs/performance.md), at no cost anyone can see.
	debug.SetGCPercent(50)
	// When the window cannot be created (no OpenGL 2.1), Fyne only logs
	// an error and waits: watch its log and say what to do in words.
	log.SetOutput(&graphicsWatch{out: os.Stderr})
	a := fyneapp.NewWithID(app.ID)
	app.LoadTranslations(*english == "en")
	ui := app.New(a, opts)
	// Stopped from outside (SIGTERM, Ctrl+C, Windows logging off), the loop
	// ends; then Finish logs a public visitor out and wipes as «Выйти»
	// does, within a budget short enough for a shutdown; at home the store
	// closes.
	const endBudget = 10 * time.Second
	finished := make(chan struct{})
	stopWatch := shutdown.Watch(func() { fyne.Do(a.Quit) }, finished, endBudget+5*time.Second)
	defer stopWatch()
	ui.Start()
	ui.Window().ShowAndRun()
	if err := ui.Finish(endBudget); err != nil {
		logger.Warn("end of session", "err", err)
	}
	close(finished)
	return nil
}
