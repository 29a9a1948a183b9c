// Package tokens keeps the portal's session token between runs of the app:
// in the OS keyring on a home computer where one works, in memory
// otherwise (and always on a public computer). The password itself is
// never kept anywhere.
package tokens

import (
	"errors"
	"sync"

	"github.com/zalando/go-keyring"
)

// service names Kabinet's entries in the OS keyring.
const service = "kabinet"

// ErrNone means no token is kept for the profile.
var ErrNone = errors.New("no saved session")

// Keeper keeps one token per profile key (portal and customer number).
type Keeper interface {
	Load(profile string) (string, error)
	Save(profile, token string) error
	Delete(profile string) error
	// Persistent reports whether a token outlives the process.
	Persistent() bool
}

// New returns the OS keyring when it works here and memory otherwise; on
// Linux without a running Secret Service the keyring fails, and a token
// then lives only as long as the process.
func New() Keeper {
	const probe = "kabinet-probe"
	if err := keyring.Set(service, probe, "1"); err != nil {
		return NewMemory()
	}
	keyring.Delete(service, probe)
	return osKeyring{}
}

type osKeyring struct{}

func (osKeyring) Load(profile string) (string, error) {
	t, err := keyring.Get(service, profile)
	if errors.Is(err, keyring.ErrNotFound) {
		return "", ErrNone
	}
	return t, err
}

func (osKeyring) Save(profile, token string) error { return keyring.Set(service, profile, token) }

func (osKeyring) Delete(profile string) error {
	if err := keyring.Delete(service, profile); err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return err
	}
	return nil
}

func (osKeyring) Persistent() bool { return true }

// Memory keeps tokens in the process only: the public-computer mode and
// machines without a keyring.
type Memory struct {
	mu sync.Mutex
	m  map[string]string
}

// NewMemory returns an empty in-memory keeper.
func NewMemory() *Memory { return &Memory{m: map[string]string{}} }

// Load returns the profile's token.
func (k *Memory) Load(profile string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	t, ok := k.m[profile]
	if !ok {
		return "", ErrNone
	}
	return t, nil
}

// Save keeps the profile's token.
func (k *Memory) Save(profile, token string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.m[profile] = token
	return nil
}

// Delete forgets the profile's token.
func (k *Memory) Delete(profile string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.m, profile)
	return nil
}

// Persistent is false: the token dies with the process.
func (k *Memory) Persistent() bool { return false }
