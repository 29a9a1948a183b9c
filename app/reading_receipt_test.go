package app

import (
	"context"
	"image/png"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"kabinet/internal/cabinet"
	"kabinet/internal/domain"
)

// TestReadingReceiptIsShownPrintedAndKept: a person sends a reading and
// reads, large, «Показания приняты 19.12.2026 в 10:32. Квитанция № 00412»
// with the portal's number; «Распечатать квитанцию» saves the one-page
// receipt with that number; the list of sent readings names it; and after
// the program restarts, offline, the list still does.
func TestReadingReceiptIsShownPrintedAndKept(t *testing.T) {
	tu, s := readingUI(t, "100001")
	readingType(s, 0, readingAbove(s, 0, 140))
	readingSubmit(t, tu, s)
	got := readingWaitResult(t, tu, s, "Квитанция № ")

	sent, _ := tu.svc.SentSince(time.Time{})
	if len(sent) != 1 || sent[0].Answer == nil || sent[0].Answer.Reading == nil {
		t.Fatalf("sent %+v", sent)
	}
	number := domain.ReceiptNumber(sent[0].Answer.Reading.ID)
	headline := regexp.MustCompile(`^Показания приняты \d\d\.\d\d\.\d{4} в \d\d:\d\d\. Квитанция № (\d{5,})$`)
	var text string
	readingDo(s, func() { text = s.result.text.Text })
	if m := headline.FindStringSubmatch(text); m == nil || m[1] != number {
		t.Errorf("the result says %q, want the receipt № %s", text, number)
	}
	if !strings.Contains(got, "Расход") {
		t.Errorf("the portal's sentence is not under the receipt: %q", got)
	}

	// «Распечатать квитанцию» saves the receipt in the documents folder.
	readingTap(s, func() fyne.Tappable { return readingResultButton(t, s, "Распечатать квитанцию") })
	var file string
	tu.waitFor(func() bool {
		// The documents folder: ~/Документы, ~/Documents or, with
		// neither, the home folder.
		filepath.WalkDir(os.Getenv("HOME"), func(p string, _ fs.DirEntry, _ error) error {
			if filepath.Base(p) == "Квитанция-"+number+".pdf" {
				file = p
			}
			return nil
		})
		return file != "" && contains(objectTexts(t, s.result.box), "Документ «Квитанция-"+number+".pdf» сохранён")
	}, "the saved receipt")
	if info, err := os.Stat(file); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("the receipt file: %v %v", info, err)
	}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		out, err := exec.Command("pdftotext", "-layout", file, "-").Output()
		if err != nil || !strings.Contains(string(out), "№ "+number) || !strings.Contains(string(out), "Квитанция") {
			t.Errorf("the receipt's text lacks № %s: %v\n%s", number, err, out)
		}
	}

	line := "квитанция № " + number
	tu.waitFor(func() bool { return contains(readingTexts(tu, s), line) }, "the receipt in the list of sent readings")
	if !contains(readingTexts(tu, s), "Квитанция (PDF)") {
		t.Error("the list of sent readings offers no receipt to print")
	}

	// A restart, offline: the list comes from the store alone.
	tu.portal.Down.Store(true)
	if err := tu.svc.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := cabinet.Open(cabinet.Config{Portal: tu.portal.URL, StorePath: tu.storePath, Keeper: tu.keeper})
	if err != nil {
		t.Fatal(err)
	}
	tu.svc = again // closed by the test's cleanup
	if !again.Resume(context.Background()) {
		t.Fatal("the session did not resume")
	}
	var texts []string
	fyne.DoAndWait(func() {
		s2 := newReadingScreen(deps[readingService]{frame: tu.UI, svc: again, account: tu.UI.account}, nil)
		s2.Content()
		texts = objectTexts(t, s2.queue.box)
	})
	if !contains(texts, line) {
		t.Errorf("after a restart offline the list of sent readings says %q, want %q", texts, line)
	}
}

// TestReceiptInViewAtLargeText: at twice the text size on a 1366×768
// screen the receipt's line and «Распечатать квитанцию» are in view right
// after «Передать показания», without scrolling.
func TestReceiptInViewAtLargeText(t *testing.T) {
	tu := newTestUI(t, false)
	tu.loginAs("100001")
	fyne.DoAndWait(func() {
		tu.UI.win.Resize(fyne.NewSize(screenW, screenH))
		tu.UI.SetTextSize(2)
	})
	tu.open("reading")
	tu.readingReview()
	rs := tu.UI.screen.(*readingScreen)
	readingTap(rs, rs.submitButton)
	tu.waitFor(func() bool { return strings.Contains(rs.result.text.Text, "Квитанция № ") }, "the receipt")
	tu.settle()
	for _, want := range []string{"Квитанция № ", "Распечатать квитанцию"} {
		if o := tu.findWidget(want); o == nil || !tu.inView(o) {
			t.Errorf("%q is not in view at 2×: %q", want, tu.texts())
		}
	}
	if dir := os.Getenv("KABINET_RECEIPT_SHOT"); dir != "" {
		fyne.DoAndWait(func() {
			f, err := os.Create(filepath.Join(dir, "reading-receipt-2x.png"))
			if err == nil {
				png.Encode(f, tu.UI.win.Canvas().Capture())
				f.Close()
			}
		})
	}
}
