package cabinet

import "golang.org/x/sys/windows"

// systemDocumentsDir is the Known Folder FOLDERID_Documents (it follows a
// redirected or renamed «Документы»).
func systemDocumentsDir(string) string {
	dir, err := windows.KnownFolderPath(windows.FOLDERID_Documents, 0)
	if err != nil {
		return ""
	}
	return dir
}
