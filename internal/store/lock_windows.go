package store

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// lockHeld reports whether another open store holds the bbolt file lock on
// path: bbolt locks the byte range at offset -1 with LockFileEx. It never
// creates the file.
func lockHeld(path string) (bool, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return false, err
	}
	defer f.Close()
	const m1 = ^uint32(0)
	h := windows.Handle(f.Fd())
	err = windows.LockFileEx(h, windows.LOCKFILE_FAIL_IMMEDIATELY|windows.LOCKFILE_EXCLUSIVE_LOCK, 0, 1, 0,
		&windows.Overlapped{Offset: m1, OffsetHigh: m1})
	switch {
	case err == nil:
		_ = windows.UnlockFileEx(h, 0, 1, 0, &windows.Overlapped{Offset: m1, OffsetHigh: m1})
		return false, nil
	case errors.Is(err, windows.ERROR_LOCK_VIOLATION), errors.Is(err, windows.ERROR_SHARING_VIOLATION):
		return true, nil
	default:
		return false, err
	}
}

// ownedByMe is true on Windows: the temporary folder (%TEMP%) is the
// user's own.
func ownedByMe(string) bool { return true }
