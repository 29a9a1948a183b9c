// Command kabinet is the personal account of an electricity supplier's
// customer. With a command (login, sync, status, reading add, logout) it
// runs the command line; the desktop window comes with the GUI.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"

	"kabinet/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	exe, _ := os.Executable()
	env := cli.Env{
		Args:       os.Args[1:],
		Stdin:      os.Stdin,
		Stdout:     os.Stdout,
		Stderr:     os.Stderr,
		Executable: exe,
	}
	if term.IsTerminal(int(os.Stdin.Fd())) {
		env.ReadPassword = func() (string, error) {
			b, err := term.ReadPassword(int(os.Stdin.Fd()))
			return string(b), err
		}
	}
	os.Exit(cli.Run(ctx, env))
}
