package tokens

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/zalando/go-keyring"
)

func TestDeviceTokensGoToAPrivateFileWithoutAKeyring(t *testing.T) {
	keyring.MockInitWithError(errors.New("org.freedesktop.secrets was not provided by any .service files"))
	dir := filepath.Join(t.TempDir(), "store")
	d := NewDevices(dir)
	if _, err := d.Load("p1"); !errors.Is(err, ErrNone) {
		t.Errorf("nothing kept yet: %v", err)
	}
	if err := d.Save("p1", "device-1"); err != nil {
		t.Fatal(err)
	}
	d.Save("p2", "device-2")
	fi, err := os.Stat(filepath.Join(dir, deviceFile))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("the file has mode %v, want -rw-------", fi.Mode().Perm())
	}
	// Another run of the program reads what this one kept.
	again := NewDevices(dir)
	if tok, _ := again.Load("p1"); tok != "device-1" {
		t.Errorf("p1 after a restart: %q", tok)
	}
	again.Delete("p1")
	again.Delete("p2")
	if _, err := os.Stat(filepath.Join(dir, deviceFile)); !os.IsNotExist(err) {
		t.Errorf("the file outlives its last token: %v", err)
	}
}

func TestDeviceTokensGoToTheKeyringWhereOneWorks(t *testing.T) {
	keyring.MockInit()
	dir := t.TempDir()
	d := NewDevices(dir)
	d.Save("p1", "device-1")
	if tok, _ := d.Load("p1"); tok != "device-1" {
		t.Errorf("p1: %q", tok)
	}
	// Not mixed up with the session token of the same profile.
	New().Save("p1", "session-1")
	if tok, _ := d.Load("p1"); tok != "device-1" {
		t.Errorf("p1 after the session token was saved: %q", tok)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files written beside a working keyring: %v", entries)
	}
}

func TestNoDevicesKeepsNothing(t *testing.T) {
	d := NoDevices()
	d.Save("p1", "device-1")
	if _, err := d.Load("p1"); !errors.Is(err, ErrNone) {
		t.Errorf("a public computer kept a device token: %v", err)
	}
}

func TestDevicesBesideFollowTheSessionKeeper(t *testing.T) {
	dir := t.TempDir()
	// Without a keyring the session token lives in memory: the device
	// token goes to the private file, where the next run finds it.
	d := DevicesBeside(NewMemory(), dir)
	if err := d.Save("p1", "device-1"); err != nil {
		t.Fatal(err)
	}
	if tok, _ := NewDeviceFile(filepath.Join(dir, deviceFile)).Load("p1"); tok != "device-1" {
		t.Errorf("the file holds %q", tok)
	}
	// With the keyring keeping sessions, device tokens go there too.
	keyring.MockInit()
	if _, ok := DevicesBeside(osKeyring{}, dir).(keyringDevices); !ok {
		t.Error("device tokens not in the keyring beside the session token")
	}
}
