package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Exit codes of the checking child process.
const (
	exitHealthy = 0
	exitCorrupt = 1
	exitLocked  = 3
)

// checkLockTimeout is shorter than Open's: the child runs before the app
// opens the store, so a held lock means another window, not a closing one.
const checkLockTimeout = time.Second

// Check verifies the store file at path and is meant to run in a child
// process (see CheckInChild): a damaged bbolt file can panic or SIGBUS the
// process that reads it, and that process should not be the app. It opens
// the file read-write (a read-only mapping of a truncated file dies with
// SIGBUS where read-write fails cleanly), runs bbolt's consistency check in
// a read transaction, reads every value the way the app will (checksum and
// decode, see verifyValuesTx) and compares the file's size with the size
// the database claims. It returns nil, ErrAlreadyRunning, or an error wrapping
// ErrCorrupt; a panic is recovered into ErrCorrupt too. Check never creates
// the file. An empty file counts as healthy: it is what a crash between
// creating and initialising the file leaves, and Open initialises it.
func Check(path string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("store: check: %w: panic: %v", ErrCorrupt, r)
		}
	}()
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("store: check: %w: %w", ErrCorrupt, err)
	}
	if fi.Size() == 0 {
		return nil
	}
	noCreate := func(name string, flag int, perm os.FileMode) (*os.File, error) {
		return os.OpenFile(name, flag&^os.O_CREATE, perm)
	}
	db, err := openBolt(path, checkLockTimeout, noCreate)
	switch {
	case errors.Is(err, ErrAlreadyRunning):
		return ErrAlreadyRunning
	case errors.Is(err, ErrCorrupt):
		return err
	case err != nil:
		return fmt.Errorf("store: check: %w: %w", ErrCorrupt, err)
	}
	defer db.Close()

	var problems []error
	var claimed int64
	err = db.View(func(tx *bolt.Tx) error {
		claimed = tx.Size()
		for perr := range tx.Check() {
			if len(problems) < 10 { // the first few say enough; drain the rest
				problems = append(problems, perr)
			}
		}
		if len(problems) > 0 {
			return nil
		}
		// The structure holds: now every value, as the app will read it.
		// A changed byte inside a value passes bbolt's check.
		return verifyValuesTx(tx)
	})
	if err != nil {
		problems = append(problems, err)
	}
	if fi, err := os.Stat(path); err != nil {
		problems = append(problems, err)
	} else if fi.Size() < claimed {
		problems = append(problems, fmt.Errorf("file has %d bytes, the database claims %d", fi.Size(), claimed))
	}
	if len(problems) > 0 {
		return fmt.Errorf("store: check: %w: %w", ErrCorrupt, errors.Join(problems...))
	}
	return nil
}

// ExitCodeFor returns the exit code the checking child reports err with:
// 0 for nil, 3 for ErrAlreadyRunning, 1 otherwise.
func ExitCodeFor(err error) int {
	switch {
	case err == nil:
		return exitHealthy
	case errors.Is(err, ErrAlreadyRunning):
		return exitLocked
	default:
		return exitCorrupt
	}
}

// CheckInChild runs `exe args... path` — the app's own binary with a hidden
// flag whose handler calls Check and exits with ExitCodeFor — and maps its
// exit: 0 → nil, 3 → ErrAlreadyRunning, anything else (1, a panic, a
// signal such as SIGBUS) → an error wrapping ErrCorrupt. A child that could
// not be started, or was stopped by ctx, is reported as that, not as
// damage.
func CheckInChild(ctx context.Context, exe string, args []string, path string) error {
	cmd := exec.CommandContext(ctx, exe, append(slices.Clone(args), path)...)
	out := &tailBuffer{limit: 2048}
	cmd.Stdout = out
	cmd.Stderr = out
	err := cmd.Run()
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return fmt.Errorf("store: check: %w", ctx.Err())
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		return fmt.Errorf("store: start check: %w", err)
	}
	if exit.ExitCode() == exitLocked {
		return ErrAlreadyRunning
	}
	return fmt.Errorf("store: check: %w (%v): %s", ErrCorrupt, exit, strings.TrimSpace(out.String()))
}

// tailBuffer keeps the last limit bytes written to it: the end of a Go
// crash report is where the reason is.
type tailBuffer struct {
	mu    sync.Mutex
	limit int
	buf   []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.limit; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// Recovery tells what OpenChecked had to repair.
type Recovery struct {
	Quarantined string       // the damaged file's new name (path + ".corrupt-20261127-150405"), "" when nothing was wrong
	Recovered   []OutboxItem // queued items restored from the journal into the new store
}

// OpenChecked opens the store at path after verify(path) — a func that runs
// CheckInChild — has passed. When the file is damaged (verify or Open
// report ErrCorrupt) it is renamed aside to path + ".corrupt-<time>" and a
// new store is created. Then every item the journal lists as queued and not
// done but the store lacks is put back as pending, with its ID order and its
// idempotency key, so the portal recognises anything it already received.
// A missing file is simply created (with the same restore, which covers a
// crash between the rename and the restore). ErrAlreadyRunning is returned
// as is; any other failure of verify (the child could not start) is
// returned wrapped, and the caller may fall back to Open. A nil verify
// skips the check of the file's structure; its values are then read here,
// in this process, and a damaged one sets the file aside as well.
func OpenChecked(path string, opts Options, verify func(path string) error) (*Store, Recovery, error) {
	opts = opts.withDefaults(path)
	var rec Recovery
	_, err := os.Stat(path)
	switch {
	case err == nil:
		if verify == nil {
			break
		}
		verr := verify(path)
		switch {
		case verr == nil:
		case errors.Is(verr, ErrAlreadyRunning):
			return nil, rec, verr
		case errors.Is(verr, ErrCorrupt):
			if rec.Quarantined, err = quarantine(path, opts.Now()); err != nil {
				return nil, rec, err
			}
		default:
			return nil, rec, fmt.Errorf("store: check: %w", verr)
		}
	case errors.Is(err, fs.ErrNotExist):
	default:
		return nil, rec, fmt.Errorf("store: open: %w", err)
	}

	s, err := Open(path, opts)
	if err == nil && verify == nil && rec.Quarantined == "" {
		// No child checked the values: read them here.
		if err = s.verifyValues(); err != nil {
			_ = s.Close()
			s = nil
		}
	}
	if errors.Is(err, ErrCorrupt) && rec.Quarantined == "" {
		// bbolt itself rejected a file the check passed or skipped, or a
		// value is damaged.
		if rec.Quarantined, err = quarantine(path, opts.Now()); err != nil {
			return nil, rec, err
		}
		s, err = Open(path, opts)
	}
	if err != nil {
		return nil, rec, err
	}
	s.outboxMu.Lock()
	rec.Recovered, err = s.reconcileJournalLocked()
	s.outboxMu.Unlock()
	if err != nil {
		_ = s.Close()
		return nil, rec, err
	}
	return s, rec, nil
}

// quarantine renames a damaged file aside and returns its new name. The
// file is kept, not deleted: support may still read something from it.
func quarantine(path string, now time.Time) (string, error) {
	base := path + ".corrupt-" + now.Format("20060102-150405")
	name := base
	for i := 2; ; i++ {
		if _, err := os.Lstat(name); errors.Is(err, fs.ErrNotExist) {
			break
		}
		name = fmt.Sprintf("%s-%d", base, i)
	}
	if err := os.Rename(path, name); err != nil {
		return "", fmt.Errorf("store: set the damaged file aside: %w", err)
	}
	syncDir(filepath.Dir(path))
	return name, nil
}
