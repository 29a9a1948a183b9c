package store

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"kabinet/internal/domain"
)

// ErrAlreadyRunning means another Kabinet window holds the store's file lock.
// Open returns it unwrapped; it is a *domain.Error, whose Message is the
// sentence to show.
var ErrAlreadyRunning error = &domain.Error{Code: domain.CodeAlreadyRunning,
	Message: "Программа уже запущена. Закройте другое окно Kabinet и попробуйте снова."}

// ErrNewerVersion means the file was written by a newer build with a schema
// this one does not know. The file is left untouched so the newer build can
// still read it. Open returns it unwrapped; it is a *domain.Error, whose
// Message is the sentence to show.
var ErrNewerVersion error = &domain.Error{Code: domain.CodeNewerVersion,
	Message: "Данные сохранены более новой версией программы. Обновите программу."}

// ErrCorrupt means the file, or a value in it, failed its check. It is a
// *domain.Error, so the window and the command line say what to do: the
// next start (OpenChecked) sets the file aside and restores the unsent
// items from the journal.
var ErrCorrupt error = &domain.Error{Code: domain.CodeStoreDamaged,
	Message: "Данные программы на этом компьютере повреждены. Закройте программу и запустите её снова: " +
		"она восстановит неотправленные показания и обращения и заново загрузит остальное с портала."}

// defaultLockTimeout is how long Open waits for another window to let go of
// the file: long enough to ride out a window that is just closing, short
// enough that a person does not think the program hung.
const defaultLockTimeout = 2 * time.Second

// Options tune Open. The zero value is what the app uses.
type Options struct {
	Now         func() time.Time // nil → time.Now
	LockTimeout time.Duration    // 0 → 2 s
	JournalPath string           // "" → path + ".journal"
	TempRoot    string           // where OpenTemporary makes its folder; "" → os.TempDir()
}

func (o Options) withDefaults(path string) Options {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.LockTimeout <= 0 {
		o.LockTimeout = defaultLockTimeout
	}
	if o.JournalPath == "" {
		o.JournalPath = path + ".journal"
	}
	return o
}

// Store is an open store file. Its methods are safe for concurrent use.
type Store struct {
	db      *bolt.DB
	path    string
	journal string
	tempDir string // "" unless the store is temporary
	now     func() time.Time

	// outboxMu keeps each outbox commit and its journal line together, so
	// that a compaction (truncating the journal because nothing is unsent)
	// cannot slip between another item's commit and its "queued" line.
	outboxMu     sync.Mutex
	journalStale bool // a journal write failed: rewrite it whole next time

	closeMu sync.Mutex
	closed  bool
}

// DefaultPath returns where the app keeps its store:
// os.UserCacheDir()/kabinet/store.db (%LocalAppData% on Windows, not the
// roaming profile, which may be copied to other machines). It creates the
// folder with mode 0700.
func DefaultPath() (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("store: cache folder: %w", err)
	}
	dir := filepath.Join(cache, "kabinet")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("store: create %s: %w", dir, err)
	}
	return filepath.Join(dir, "store.db"), nil
}

// Open opens the store at path, creating the folder (0700) and the file
// (0600) when missing, and brings the schema up to date in one transaction.
// It returns ErrAlreadyRunning when another process holds the file for
// longer than opts.LockTimeout, ErrNewerVersion when the schema is newer than
// this build knows, and an error wrapping ErrCorrupt when bbolt rejects the
// file. Open does not run the full check: that is OpenChecked's job, in a
// child process.
func Open(path string, opts Options) (*Store, error) {
	opts = opts.withDefaults(path)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("store: create folder: %w", err)
	}
	db, err := openBolt(path, opts.LockTimeout, nil)
	if err != nil {
		return nil, err
	}
	if err := migrate(db); err != nil {
		_ = db.Close()
		return nil, err
	}
	return &Store{db: db, path: path, journal: opts.JournalPath, now: opts.Now}, nil
}

// OpenTemporary opens a store in a fresh folder (0700) under the system's
// temporary folder, for a public computer: nothing of the visitor's is meant
// to outlive the session, so Close and Wipe remove the whole folder.
//
// The folder is marked as a session's only once the store holds its file
// lock, so SweepTemporary, run by every start, removes it after a crash and
// never while this session runs.
func OpenTemporary(opts Options) (*Store, error) {
	dir, err := os.MkdirTemp(opts.TempRoot, temporaryPrefix)
	if err != nil {
		return nil, fmt.Errorf("store: temporary folder: %w", err)
	}
	s, err := Open(filepath.Join(dir, "store.db"), opts)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	s.tempDir = dir
	if err := markTemporary(dir); err != nil {
		_ = s.Wipe()
		return nil, err
	}
	return s, nil
}

// openBolt opens the bbolt file and maps its failures to the store's
// errors. bbolt panics on some damaged files (a truncated file: "invalid
// freelist page"); the panic is turned into ErrCorrupt so a plain Open does
// not take the app down, though the process may then keep the file's
// descriptor (and lock) until it exits. openFile, when not nil, replaces
// os.OpenFile.
func openBolt(path string, timeout time.Duration, openFile func(string, int, os.FileMode) (*os.File, error)) (db *bolt.DB, err error) {
	defer func() {
		if r := recover(); r != nil {
			db, err = nil, fmt.Errorf("store: open %s: %w: %v", path, ErrCorrupt, r)
		}
	}()
	o := *bolt.DefaultOptions
	o.Timeout = timeout
	o.OpenFile = openFile
	db, err = bolt.Open(path, 0o600, &o)
	switch {
	case err == nil:
		return db, nil
	case errors.Is(err, berrors.ErrTimeout):
		return nil, ErrAlreadyRunning
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrChecksum),
		errors.Is(err, berrors.ErrVersionMismatch), errors.Is(err, io.ErrUnexpectedEOF):
		return nil, fmt.Errorf("store: open %s: %w: %w", path, ErrCorrupt, err)
	default:
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
}

// Close closes the file. A temporary store's folder is removed with it.
// Closing twice is harmless.
func (s *Store) Close() error {
	s.closeMu.Lock()
	defer s.closeMu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	err := s.db.Close()
	if err != nil {
		err = fmt.Errorf("store: close: %w", err)
	}
	if s.tempDir != "" {
		if rerr := os.RemoveAll(s.tempDir); rerr != nil {
			err = errors.Join(err, fmt.Errorf("store: remove temporary folder: %w", rerr))
		}
	}
	return err
}

// Wipe closes the store and deletes the file, its journal, the damaged
// copies set aside beside it (*.corrupt-*) and, for a temporary store, its
// folder: the public-computer logout and
// `kabinet logout --wipe`. The file is overwritten with zeros first because
// bbolt keeps deleted values in free pages and a removed file's blocks can
// still be read from the disk by the next visitor.
func (s *Store) Wipe() error {
	s.closeMu.Lock()
	defer s.closeMu.Unlock()
	var errs []error
	if !s.closed {
		s.closed = true
		if err := s.db.Close(); err != nil {
			errs = append(errs, fmt.Errorf("store: close: %w", err))
		}
	}
	// Files set aside by OpenChecked hold the same person's data.
	for _, p := range append([]string{s.path, s.journal, s.journal + ".tmp"}, setAside(s.path)...) {
		if err := scrubAndRemove(p); err != nil {
			errs = append(errs, err)
		}
	}
	if s.tempDir != "" {
		if err := os.RemoveAll(s.tempDir); err != nil {
			errs = append(errs, fmt.Errorf("store: remove temporary folder: %w", err))
		}
	}
	return errors.Join(errs...)
}

// setAside lists the damaged copies of the file at path that OpenChecked
// renamed aside (path + ".corrupt-<time>").
func setAside(path string) []string {
	entries, _ := os.ReadDir(filepath.Dir(path))
	prefix := filepath.Base(path) + ".corrupt-"
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), prefix) && e.Type().IsRegular() {
			out = append(out, filepath.Join(filepath.Dir(path), e.Name()))
		}
	}
	return out
}

// scrubAndRemove overwrites a file with zeros (best effort) and removes it.
func scrubAndRemove(path string) error {
	if f, err := os.OpenFile(path, os.O_WRONLY, 0); err == nil {
		if fi, err := f.Stat(); err == nil {
			zeros := make([]byte, 64<<10)
			for off := int64(0); off < fi.Size(); off += int64(len(zeros)) {
				n := min(int64(len(zeros)), fi.Size()-off)
				if _, err := f.WriteAt(zeros[:n], off); err != nil {
					break
				}
			}
			_ = f.Sync()
		}
		_ = f.Close()
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("store: remove: %w", err)
	}
	return nil
}

// Path returns the database file's path.
func (s *Store) Path() string { return s.path }

// Temporary reports whether the store was made by OpenTemporary.
func (s *Store) Temporary() bool { return s.tempDir != "" }
