package app

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
)

// TestScreenshots writes docs/screenshots/*.png: the main screens in normal
// and in the largest text, as Fyne's software painter draws them. It runs
// when KABINET_SCREENSHOTS names the folder:
//
//	KABINET_SCREENSHOTS=$PWD/docs/screenshots go test ./app/ -run Screenshots
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("KABINET_SCREENSHOTS")
	if dir == "" {
		t.Skip("set KABINET_SCREENSHOTS to a folder to write the screenshots")
	}
	tu := newTestUI(t, false)
	fyne.DoAndWait(func() { tu.UI.win.Resize(fyne.NewSize(1280, 800)) })
	shot := func(name string) {
		t.Helper()
		var f *os.File
		fyne.DoAndWait(func() {
			img := tu.UI.win.Canvas().Capture()
			var err error
			if f, err = os.Create(filepath.Join(dir, name+".png")); err != nil {
				t.Fatal(err)
			}
			png.Encode(f, img)
			f.Close()
		})
	}
	shot("login")
	tu.loginAs("100002")
	for _, size := range []int{0, 2} {
		fyne.DoAndWait(func() { tu.UI.SetTextSize(size) })
		suffix := map[int]string{0: "", 2: "-large"}[size]
		for _, id := range screenshotIDs() {
			fyne.DoAndWait(func() { tu.UI.navigate(id) })
			if id == "invoices" {
				if s, ok := tu.UI.screen.(interface{ selectFirst() }); ok {
					fyne.DoAndWait(s.selectFirst)
				}
			}
			shot(id + suffix)
		}
	}
	fyne.DoAndWait(func() { tu.UI.SetTextSize(0); tu.UI.SetHighContrast(true); tu.UI.navigate("home") })
	shot("home-contrast")
}

// screenshotIDs are the screens photographed: the main ones, or every
// section when KABINET_SCREENSHOTS_ALL is set.
func screenshotIDs() []string {
	if os.Getenv("KABINET_SCREENSHOTS_ALL") == "" {
		return []string{"home", "reading", "invoices", "meters", "statement", "help"}
	}
	var ids []string
	for _, s := range sections() {
		ids = append(ids, s.id)
	}
	return ids
}
