package store

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestSweepRemovesACrashedSessionAndKeepsARunningOne: a public session
// killed with kill -9 leaves its folder — the visitor's store, journal and
// a printed PDF. The next start removes it, but not the folder of a session
// another Kabinet is running now, nor folders that are not sessions'.
func TestSweepRemovesACrashedSessionAndKeepsARunningOne(t *testing.T) {
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" && runtime.GOOS != "windows" {
		t.Skip("no lock probe on this system")
	}
	root := t.TempDir()

	// The crashed session: its store is never closed, as after kill -9;
	// its lock goes with the process, which Close stands in for here
	// without removing anything.
	crashed, err := OpenTemporary(Options{TempRoot: root})
	if err != nil {
		t.Fatal(err)
	}
	crashedDir := crashed.TempDir()
	if _, err := crashed.Enqueue(reading(testProfile, "12345", "678")); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(crashedDir, "documents"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(crashedDir, "documents", "Квитанция.pdf"), []byte("%PDF-1.7"), 0o600); err != nil {
		t.Fatal(err)
	}
	crashed.tempDir = "" // what a killed process never gets to: remove it
	if err := crashed.db.Close(); err != nil {
		t.Fatal(err)
	}

	running, err := OpenTemporary(Options{TempRoot: root})
	if err != nil {
		t.Fatal(err)
	}
	defer running.Close()
	if err := running.SetSetting("portal", "https://lk.example.ru"); err != nil {
		t.Fatal(err)
	}

	// Folders that are not a session's: another program's, and one of ours
	// between MkdirTemp and its marker.
	other := filepath.Join(root, "kabinet-notes")
	unmarked := filepath.Join(root, "kabinet-123")
	for _, d := range []string{other, unmarked} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(unmarked, "store.db"), nil, 0o600); err != nil {
		t.Fatal(err)
	}

	removed, err := SweepTemporary(root)
	if err != nil {
		t.Fatalf("SweepTemporary: %v", err)
	}
	if len(removed) != 1 || removed[0] != crashedDir {
		t.Errorf("removed %v, want only %s", removed, crashedDir)
	}
	if _, err := os.Stat(crashedDir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the crashed session's folder is still there: %v", err)
	}
	for _, d := range []string{running.TempDir(), other, unmarked} {
		if _, err := os.Stat(d); err != nil {
			t.Errorf("%s was removed: %v", filepath.Base(d), err)
		}
	}
	// The running session goes on as if nothing happened.
	if v, _, err := running.Setting("portal"); v != "https://lk.example.ru" || err != nil {
		t.Errorf("the running session's store: %q %v", v, err)
	}
}

func TestWipeDeletesTheCopiesSetAside(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "store.db")
	aside := []string{path + ".corrupt-20261127-150405", path + ".corrupt-20261127-150405-2"}
	for _, p := range aside {
		if err := os.WriteFile(p, []byte("Иванова Мария Петровна, 1100223344"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	keep := filepath.Join(dir, "other.db.corrupt-20261127-150405")
	if err := os.WriteFile(keep, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Wipe(); err != nil {
		t.Fatal(err)
	}
	for _, p := range aside {
		if _, err := os.Stat(p); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s survived the wipe: %v", filepath.Base(p), err)
		}
	}
	if _, err := os.Stat(keep); err != nil {
		t.Errorf("another store's copy was deleted: %v", err)
	}
}
