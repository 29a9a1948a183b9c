package tokens

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/zalando/go-keyring"
)

// Devices keeps, per profile, the device token the portal gives after a
// login: sent with the next login from this computer, it lets the customer
// in while somebody else's wrong guesses make everybody else wait. It opens
// nothing by itself (the password is still needed), so where the OS keyring
// does not work it may live in a file only this user can read. Only a home
// computer keeps one: a public computer is not the customer's.
type Devices interface {
	// Load returns the profile's device token, or ErrNone.
	Load(profile string) (string, error)
	Save(profile, token string) error
	Delete(profile string) error
}

// NewDevices returns the OS keyring when it works here, and otherwise a
// 0600 file in dir (the home store's folder).
func NewDevices(dir string) Devices {
	const probe = "kabinet-probe"
	if err := keyring.Set(service, probe, "1"); err != nil {
		return NewDeviceFile(filepath.Join(dir, deviceFile))
	}
	keyring.Delete(service, probe)
	return keyringDevices{}
}

// DevicesBeside keeps device tokens where k keeps session tokens: in the
// OS keyring when k is the keyring (New found one working, so it is not
// probed again), otherwise in a 0600 file in dir.
func DevicesBeside(k Keeper, dir string) Devices {
	if k.Persistent() {
		return keyringDevices{}
	}
	return NewDeviceFile(filepath.Join(dir, deviceFile))
}

// NoDevices keeps nothing: the public-computer mode.
func NoDevices() Devices { return noDevices{} }

type noDevices struct{}

func (noDevices) Load(string) (string, error) { return "", ErrNone }
func (noDevices) Save(string, string) error   { return nil }
func (noDevices) Delete(string) error         { return nil }

// keyringDevices keeps device tokens beside the session tokens, under
// names of their own.
type keyringDevices struct{}

func (keyringDevices) Load(profile string) (string, error) {
	return osKeyring{}.Load("device|" + profile)
}
func (keyringDevices) Save(profile, token string) error {
	return osKeyring{}.Save("device|"+profile, token)
}
func (keyringDevices) Delete(profile string) error { return osKeyring{}.Delete("device|" + profile) }

// DeviceFileName is the name of the device tokens' file in the store's
// folder (where there is no keyring).
const DeviceFileName = "device-tokens.json"

const deviceFile = DeviceFileName

// DeviceFile keeps device tokens in a JSON file readable by this user only
// (0600), written whole to a temporary file and renamed over the old one,
// so a crash leaves the old file or the new one.
type DeviceFile struct {
	path string
	mu   sync.Mutex
}

// NewDeviceFile returns the device tokens kept in the file at path.
func NewDeviceFile(path string) *DeviceFile { return &DeviceFile{path: path} }

func (f *DeviceFile) read() (map[string]string, error) {
	m := map[string]string{}
	b, err := os.ReadFile(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		// A damaged file costs only the standing of this computer.
		return map[string]string{}, nil
	}
	return m, nil
}

func (f *DeviceFile) write(m map[string]string) error {
	if err := os.MkdirAll(filepath.Dir(f.path), 0o700); err != nil {
		return err
	}
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(f.path), deviceFile+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	// CreateTemp makes the file 0600 already; said again for clarity.
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), f.path); err != nil {
		return fmt.Errorf("save device token: %w", err)
	}
	return nil
}

// Load returns the profile's device token, or ErrNone.
func (f *DeviceFile) Load(profile string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.read()
	if err != nil {
		return "", err
	}
	t, ok := m[profile]
	if !ok {
		return "", ErrNone
	}
	return t, nil
}

// Save keeps the profile's device token.
func (f *DeviceFile) Save(profile, token string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.read()
	if err != nil {
		return err
	}
	m[profile] = token
	return f.write(m)
}

// Delete forgets the profile's device token, and the file with the last one.
func (f *DeviceFile) Delete(profile string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.read()
	if err != nil {
		return err
	}
	if _, ok := m[profile]; !ok {
		return nil
	}
	delete(m, profile)
	if len(m) == 0 {
		if err := os.Remove(f.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	}
	return f.write(m)
}
