package cabinet

import (
	"context"
	"time"

	"kabinet/internal/portalclient"
	"kabinet/internal/store"
)

// connect makes the portal client: for Config.Portal, or else for the
// portal last logged in to on this computer. Settings lost with a damaged
// store come back first from the readings restored from the journal: they
// are this person's, and without them their readings would not be shown
// or sent.
func (s *Service) connect() error {
	if !s.cfg.Public {
		restoreProfile(s.store, s.recovery.Recovered)
	}
	portal := s.cfg.Portal
	if portal == "" && !s.cfg.Public {
		portal, _, _ = s.store.Setting("portal")
	}
	if portal == "" {
		return nil
	}
	client, err := portalclient.New(portal, s.cfg.ClientOptions)
	if err != nil {
		return err
	}
	s.client = client
	return nil
}

// restoreProfile puts back the portal and customer settings of a damaged
// store from the last of the readings recovered from its journal.
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

// CheckStoreFile checks the store file at path, as the child process of
// VerifyInChild does, and returns the child's exit code.
func CheckStoreFile(path string) int { return store.ExitCodeFor(store.Check(path)) }

// VerifyInChild returns a Config.Verify that checks the store file in a
// child process — the program exe run with args and the file's path, which
// calls CheckStoreFile and exits with its code — since a damaged file may
// crash the process that reads it.
func VerifyInChild(exe string, args ...string) func(path string) error {
	return func(path string) error {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		return store.CheckInChild(ctx, exe, args, path)
	}
}
