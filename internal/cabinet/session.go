package cabinet

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"time"

	"kabinet/internal/portalclient"
	"kabinet/internal/tokens"
)

// Continued says how Continue took up the last session.
type Continued struct {
	// Online: the portal can be asked (a token was kept, or the password
	// logged in).
	Online bool
	// LoggedIn: Continue logged in with the password; Release ends that
	// session when no keyring keeps its token.
	LoggedIn bool
	// Offline is why the login with the password did not happen: the
	// portal could not be reached.
	Offline error
}

// Continue takes up the session of the person last logged in on this home
// computer — for the command line, where every command is a new process:
// with the token kept for them, or else by logging in with password when
// one is given. Without either, or without a connection, the session is
// offline: the stored data can be read and readings queued, and they wait
// for a login. ErrNotLoggedIn means nobody logged in here yet; a password
// the portal refused is its error.
func (s *Service) Continue(ctx context.Context, password string) (Continued, error) {
	customer := s.LastCustomer()
	if customer == "" || s.client == nil {
		return Continued{}, ErrNotLoggedIn
	}
	if s.Resume(ctx) {
		return Continued{Online: true}, nil
	}
	if password == "" {
		s.startSession(ctx, customer)
		return Continued{}, nil
	}
	mustChange, err := s.Login(ctx, customer, password)
	switch {
	case err != nil && portalclient.Temporary(err):
		s.startSession(ctx, customer)
		return Continued{Offline: err}, nil
	case err != nil:
		return Continued{}, err
	case mustChange:
		// The portal answers nothing but a password change: the session
		// says so at its first request.
		s.startSession(ctx, customer)
	}
	return Continued{Online: true, LoggedIn: true}, nil
}

// KeepsLogin reports whether the session token outlives this process (a
// keyring keeps it); when it does not, the next program asks for the
// password again, and Release should end the session on the portal.
func (s *Service) KeepsLogin() bool { return s.cfg.Keeper.Persistent() }

// Release ends the portal session of a token that dies with this process
// (no keyring keeps it), so that no session nobody can use stays open on
// the portal. The stored data and the queue stay as they are.
func (s *Service) Release() {
	if s.cfg.Keeper.Persistent() || s.client == nil || s.client.Token() == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s.client.Logout(ctx) // best effort: the session expires on the portal anyway
	s.cfg.Keeper.Delete(profileKey(s.profile()))
}

// Forget is Logout on a computer that is no longer the person's own:
// nothing of them stays — not the store (nor the copies of a damaged one
// set aside), not the device token, not the printed documents. What was
// not sent is lost and the report lists it.
func (s *Service) Forget(ctx context.Context, since time.Time) (LogoutReport, error) {
	p := s.profile()
	var r LogoutReport
	if s.client != nil {
		var err error
		if r, err = s.Logout(ctx, since); err != nil {
			return r, err
		}
	}
	if s.cfg.Public {
		return r, nil
	}
	if p.Customer != "" {
		s.cfg.Devices.Delete(profileKey(p))
	}
	dir := filepath.Dir(s.st().Path())
	for _, name := range []string{tokens.DeviceFileName, "documents"} {
		if err := os.RemoveAll(filepath.Join(dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return r, err
		}
	}
	if err := s.st().Wipe(); err != nil {
		return r, err
	}
	r.Wiped = true
	return r, nil
}

// RefreshAccounts downloads the list of the customer's accounts now: after
// a login, before the first SyncNow of a foreground session (Config.Foreground),
// so that a new account is synced too.
func (s *Service) RefreshAccounts(ctx context.Context) error {
	eng, err := s.eng()
	if err != nil {
		return err
	}
	return eng.RefreshAccounts(ctx)
}
