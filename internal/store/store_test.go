package store

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"kabinet/internal/domain"
)

func TestOpenCreatesPrivateFileInPrivateFolder(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows ignores mode bits; the file inherits the folder's ACL")
	}
	path := filepath.Join(t.TempDir(), "kabinet", "store.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Enqueue(OutboxItem{Kind: KindQuestion, Profile: testProfile, Text: "Когда придёт счёт?"}); err != nil {
		t.Fatal(err)
	}

	assertMode(t, filepath.Dir(path), 0o700|fs.ModeDir)
	assertMode(t, path, 0o600)
	assertMode(t, path+".journal", 0o600)
	if s.Path() != path || s.Temporary() {
		t.Errorf("Path() = %q, Temporary() = %v", s.Path(), s.Temporary())
	}
}

func assertMode(t *testing.T, path string, want fs.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode() != want {
		t.Errorf("%s: mode %v, want %v", filepath.Base(path), fi.Mode(), want)
	}
}

func TestDefaultPathIsUnderUserCacheDir(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CACHE_HOME", filepath.Join(home, "cache"))
	t.Setenv("LocalAppData", filepath.Join(home, "AppData", "Local"))
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Fatal(err)
	}

	path, err := DefaultPath()
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(cache, "kabinet", "store.db"); path != want {
		t.Errorf("DefaultPath() = %q, want %q", path, want)
	}
	if runtime.GOOS != "windows" {
		assertMode(t, filepath.Dir(path), 0o700|fs.ModeDir)
	}
}

func TestSecondOpenSaysAlreadyRunning(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	first, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()

	started := time.Now()
	second, err := Open(path, Options{LockTimeout: 300 * time.Millisecond})
	if !errors.Is(err, ErrAlreadyRunning) {
		t.Fatalf("second Open: %v, want ErrAlreadyRunning", err)
	}
	if second != nil {
		t.Error("second Open returned a store")
	}
	if took := time.Since(started); took > time.Second {
		t.Errorf("second Open took %v with a 300 ms timeout", took)
	}
	if de := (*domain.Error)(nil); !errors.As(err, &de) || de.Code != domain.CodeAlreadyRunning || de.Message != "Программа уже запущена. Закройте другое окно Kabinet и попробуйте снова." {
		t.Errorf("message %q", err)
	}

	// Once the first window closes, the program starts normally.
	first.Close()
	again, err := Open(path, Options{LockTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatalf("Open after the first closed: %v", err)
	}
	again.Close()
}

func TestSecondOpenWithDefaultTimeoutGivesUpWithinTwoAndAHalfSeconds(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the default 2 s lock timeout")
	}
	path := filepath.Join(t.TempDir(), "store.db")
	first, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()

	started := time.Now()
	_, err = Open(path, Options{})
	took := time.Since(started)
	if !errors.Is(err, ErrAlreadyRunning) {
		t.Fatalf("second Open: %v, want ErrAlreadyRunning", err)
	}
	if took >= 2500*time.Millisecond {
		t.Errorf("second Open took %v, want < 2.5 s", took)
	}
}

func TestTemporaryStoreLeavesNothingBehind(t *testing.T) {
	t.Run("Wipe", func(t *testing.T) {
		s, err := OpenTemporary(Options{})
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Dir(s.Path())
		if !s.Temporary() {
			t.Error("Temporary() = false")
		}
		if runtime.GOOS != "windows" {
			assertMode(t, dir, 0o700|fs.ModeDir)
		}
		if _, err := s.Enqueue(OutboxItem{Kind: KindQuestion, Profile: testProfile, Text: "Вопрос"}); err != nil {
			t.Fatal(err)
		}
		if err := s.Wipe(); err != nil {
			t.Fatalf("Wipe: %v", err)
		}
		if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("after Wipe the folder is still there: %v", err)
		}
		if err := s.Close(); err != nil {
			t.Errorf("Close after Wipe: %v", err)
		}
	})
	t.Run("Close", func(t *testing.T) {
		s, err := OpenTemporary(Options{})
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Dir(s.Path())
		if err := s.SetSetting("portal", "https://lk.example.ru"); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("after Close the folder is still there: %v", err)
		}
	})
}

func TestWipeDeletesFileAndJournal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Enqueue(OutboxItem{Kind: KindQuestion, Profile: testProfile, Text: "Вопрос"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Wipe(); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + ".journal"} {
		if _, err := os.Stat(p); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s still exists: %v", filepath.Base(p), err)
		}
	}
	if _, err := os.Stat(filepath.Dir(path)); err != nil {
		t.Errorf("a lasting store's folder must stay: %v", err)
	}
}

func TestSettings(t *testing.T) {
	s := openTestStore(t)
	if _, ok, err := s.Setting("portal"); ok || err != nil {
		t.Fatalf("unset setting: ok=%v err=%v", ok, err)
	}
	if err := s.SetSetting("portal", "https://lk.example.ru"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSetting("portal", "https://lk2.example.ru"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSetting("kind", ""); err != nil {
		t.Fatal(err)
	}
	if v, ok, err := s.Setting("portal"); v != "https://lk2.example.ru" || !ok || err != nil {
		t.Errorf("portal = %q, %v, %v", v, ok, err)
	}
	if v, ok, err := s.Setting("kind"); v != "" || !ok || err != nil {
		t.Errorf("an empty value is still set: %q, %v, %v", v, ok, err)
	}
	if err := s.SetSetting("", "x"); err == nil {
		t.Error("an empty name was accepted")
	}
}

func TestSettingsSurviveReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetSetting("last_customer", "100200300"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, _, _ := s.Setting("last_customer"); v != "100200300" {
		t.Errorf("after reopening: %q", v)
	}
}
