package cabinet

import (
	"os"
	"path/filepath"
)

// userDocumentsDir is the person's own documents folder, where a saved
// bill or statement is found again (a hidden cache folder is not): the
// Known Folder «Документы» on Windows, XDG_DOCUMENTS_DIR on Linux (what
// `xdg-user-dir DOCUMENTS` says), ~/Documents elsewhere; the home folder
// when none of them exists.
func userDocumentsDir() (string, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	for _, dir := range []string{systemDocumentsDir(home), filepath.Join(home, "Documents")} {
		if dir == "" {
			continue
		}
		if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
			return dir, nil
		}
	}
	return home, nil
}
