//go:build !windows

package cabinet

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// systemDocumentsDir is XDG_DOCUMENTS_DIR from user-dirs.dirs, the file
// `xdg-user-dir DOCUMENTS` reads (a Russian desktop names it ~/Документы);
// "" when it is not set.
func systemDocumentsDir(home string) string {
	config := os.Getenv("XDG_CONFIG_HOME")
	if config == "" {
		config = filepath.Join(home, ".config")
	}
	f, err := os.Open(filepath.Join(config, "user-dirs.dirs"))
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		value, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "XDG_DOCUMENTS_DIR=")
		if !ok {
			continue
		}
		if v, err := strconv.Unquote(value); err == nil {
			value = v
		}
		switch {
		case strings.HasPrefix(value, "$HOME/"):
			return filepath.Join(home, strings.TrimPrefix(value, "$HOME/"))
		case value == "$HOME":
			return "" // the home folder itself: not a documents folder
		case filepath.IsAbs(value):
			return value
		}
	}
	return ""
}
