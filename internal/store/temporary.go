package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// A public computer's session lives in a folder of its own under the
// system's temporary folder: kabinet-<random>/ holding store.db, its journal,
// documents/ (printed PDFs) and the marker below. Logout and Close remove
// it; a kill -9 or a power cut does not, so every start sweeps away the
// folders of earlier sessions (SweepTemporary).
const (
	temporaryPrefix = "kabinet-"
	// temporaryMarker is written once the session's store is open and
	// locked. A folder without it is not touched: it may be another
	// program's, or a session between creating its folder and locking its
	// store.
	temporaryMarker = "kabinet-public-session"
)

// SweepTemporary removes the folders that earlier public-computer sessions
// of this user left under root ("" → os.TempDir()) when they did not end
// normally. A folder counts as a session's when its name starts with
// "kabinet-", it belongs to this user, it holds the session marker, and no
// running Kabinet holds its store's file lock; the store and journal are
// overwritten with zeros first, as Wipe does. It returns the folders it
// removed; errors of single folders are joined, and the others are still
// swept. The app calls it at every start.
func SweepTemporary(root string) (removed []string, err error) {
	if root == "" {
		root = os.TempDir()
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, fmt.Errorf("store: sweep temporary folders: %w", err)
	}
	var errs []error
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), temporaryPrefix) {
			continue
		}
		dir := filepath.Join(root, e.Name())
		if !ownedByMe(dir) {
			continue
		}
		if _, err := os.Lstat(filepath.Join(dir, temporaryMarker)); err != nil {
			continue
		}
		db := filepath.Join(dir, "store.db")
		held, err := lockHeld(db)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, fmt.Errorf("store: sweep %s: %w", e.Name(), err))
			continue
		}
		if held {
			continue // a session running now
		}
		for _, p := range append([]string{db, db + ".journal", db + ".journal.tmp"}, setAside(db)...) {
			if err := scrubAndRemove(p); err != nil {
				errs = append(errs, err)
			}
		}
		scrubTree(filepath.Join(dir, "documents"))
		// The marker goes last, with the folder: a sweep cut short is
		// finished by the next start.
		if err := os.RemoveAll(dir); err != nil {
			errs = append(errs, fmt.Errorf("store: sweep %s: %w", e.Name(), err))
			continue
		}
		removed = append(removed, dir)
	}
	return removed, errors.Join(errs...)
}

// scrubTree overwrites the regular files under dir with zeros, best effort.
func scrubTree(dir string) {
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			_ = scrubAndRemove(p)
		}
		return nil
	})
}

// markTemporary writes the session marker into a temporary store's folder.
func markTemporary(dir string) error {
	f, err := os.OpenFile(filepath.Join(dir, temporaryMarker), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("store: temporary folder: %w", err)
	}
	_, err = f.WriteString("Kabinet: public-computer session; removed when the session ends or at the next start.\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// TempDir returns a temporary store's folder ("" for a lasting store): the
// place for anything else of the session, such as printed documents, so
// that it goes with the store.
func (s *Store) TempDir() string { return s.tempDir }
