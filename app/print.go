package app

import (
	"context"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// pdfService is what printing asks of the personal account: to save a
// document where this computer keeps them, and whether the computer is a
// public one.
type pdfService interface {
	SavePDF(name string, write func(io.Writer) error) (string, error)
	Public() bool
}

// printer makes a document's «Печать / PDF» and «Сохранить как…»: the
// window is one; a test may pass its own.
type printer interface {
	printButtons(name func() string, write func(w io.Writer) error) fyne.CanvasObject
}

// printKit prints and saves documents: the frame's buttons and dialogs,
// the service that saves, and open, which shows a file or folder in the
// computer's own program (Fyne cannot print).
type printKit struct {
	frame frame
	svc   pdfService
	open  func(*url.URL) error
	// printLabel and saveLabel name the two buttons when a document wants
	// its own words («Распечатать квитанцию»); empty: «Печать / PDF» and
	// «Сохранить как…». noSaveAs leaves the second button out, for a row
	// of a list where one button per line is all that fits.
	printLabel, saveLabel string
	noSaveAs              bool
}

// printButtons are the window's print buttons (see printKit.buttons).
func (u *UI) printButtons(name func() string, write func(w io.Writer) error) fyne.CanvasObject {
	open := func(x *url.URL) error { return u.app.OpenURL(x) }
	return printKit{frame: u, svc: u.svc, open: open}.buttons(name, write)
}

// receiptButtons are «Распечатать квитанцию» and «Сохранить квитанцию»:
// the print buttons in the receipt's words, under a reading just accepted.
func (u *UI) receiptButtons(name func() string, write func(w io.Writer) error) fyne.CanvasObject {
	open := func(x *url.URL) error { return u.app.OpenURL(x) }
	return printKit{frame: u, svc: u.svc, open: open, printLabel: lang.L("Распечатать квитанцию"), saveLabel: lang.L("Сохранить квитанцию")}.buttons(name, write)
}

// receiptButton is «Квитанция (PDF)» alone, for a line of the list of
// sent readings: it saves the receipt and offers to open it to print.
func (u *UI) receiptButton(name func() string, write func(w io.Writer) error) fyne.CanvasObject {
	open := func(x *url.URL) error { return u.app.OpenURL(x) }
	return printKit{frame: u, svc: u.svc, open: open, printLabel: lang.L("Квитанция (PDF)"), noSaveAs: true}.buttons(name, write)
}

// buttons are «Печать / PDF» (the document is saved — at home in the
// person's «Документы» — and a dialog offers to open it in the computer's
// PDF viewer, which prints; Fyne cannot print) and «Сохранить как…» (at
// home anywhere; on a public computer only in the session's folder). name
// is the file's name, write makes the PDF from the stored data, so both
// work offline.
func (p printKit) buttons(name func() string, write func(w io.Writer) error) fyne.CanvasObject {
	f := p.frame
	status := para("")
	status.Hide()
	problem := errorText()
	saved := func(path string) {
		status.SetText(p.savedText(path))
		status.Show()
		p.showSaved(path, problem)
	}
	printLabel, saveLabel := lang.L("Печать / PDF"), lang.L("Сохранить как…")
	if p.printLabel != "" {
		printLabel = p.printLabel
	}
	if p.saveLabel != "" {
		saveLabel = p.saveLabel
	}
	printBtn := f.primary(printLabel, nil)
	printBtn.OnTapped = func() {
		f.touch()
		problem.Hide()
		// Making the PDF reads the whole document and writes a file: off
		// the UI goroutine, the button disabled meanwhile.
		file := name()
		var path string
		f.run(printBtn, func(context.Context) error {
			var err error
			path, err = p.svc.SavePDF(file, write)
			return err
		}, func(err error) {
			if err != nil {
				setError(problem, err)
				return
			}
			saved(path)
		})
	}
	if p.noSaveAs {
		return container.NewVBox(newWrap(printBtn), status, problem)
	}
	saveAs := f.button(saveLabel, func() {
		problem.Hide()
		// On a public computer the file cannot leave with the visitor
		// through a file dialog that browses the whole computer: it goes
		// to the session's folder, which logout deletes, and the person is
		// told so.
		if p.svc.Public() {
			p.saveInSessionFolder(name, write, saved, problem)
			return
		}
		d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
			f.touch()
			if err != nil {
				setError(problem, err)
				return
			}
			if wc == nil {
				return // the person closed the dialog
			}
			err = write(wc)
			if cerr := wc.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				setError(problem, err)
				return
			}
			saved(wc.URI().Path())
		}, f.Window())
		d.SetFileName(name())
		d.Show()
	})
	return container.NewVBox(newWrap(printBtn, saveAs), status, problem)
}

// savedText says where a document went, in the words of the computer's
// kind: at home the folder; on a public computer the session's folder by
// its meaning (a raw temporary path tells a visitor nothing).
func (p printKit) savedText(path string) string {
	file := filepath.Base(path)
	if p.svc.Public() {
		return lang.L("Документ «{{.File}}» сохранён во временную папку этого сеанса. Он будет удалён, когда вы выйдете из личного кабинета.", map[string]any{"File": file})
	}
	return lang.L("Документ «{{.File}}» сохранён в папку {{.Folder}}", map[string]any{"File": file, "Folder": filepath.Dir(path)})
}

// showSaved is the dialog after a document was saved: «Открыть» shows it
// in the computer's PDF viewer (to read or print), «Открыть папку» the
// folder it is in (on a public computer that is the session's folder, and
// no other).
func (p printKit) showSaved(path string, problem *widget.Label) {
	f := p.frame
	var d dialog.Dialog
	openURL := func(path string) {
		f.touch()
		d.Hide()
		if err := p.open(fileURL(path)); err != nil {
			setError(problem, err)
		}
	}
	open := f.primary(lang.L("Открыть"), func() { openURL(path) })
	folder := f.button(lang.L("Открыть папку"), func() { openURL(filepath.Dir(path)) })
	closeBtn := f.button(lang.L("Закрыть"), func() { d.Hide() })
	body := container.NewVBox(
		para(p.savedText(path)),
		para(lang.L("Чтобы напечатать, откройте документ и выберите в программе просмотра «Печать».")),
		newWrap(open, folder, closeBtn),
	)
	win := f.Window()
	d = dialog.NewCustomWithoutButtons(lang.L("Документ сохранён"), body, win)
	d.Resize(fyne.NewSize(min(win.Canvas().Size().Width*0.9, 32*theme.TextSize()), 0))
	f.showDialog(d)
	f.focus(open)
}

// fileURL is the file:// address of a path, on Windows too («C:\…» is
// «file:///C:/…»).
func fileURL(path string) *url.URL {
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return &url.URL{Scheme: "file", Path: p}
}

// saveInSessionFolder is «Сохранить как…» on a public computer: it says
// first that the file stays on this computer, in the session's temporary
// folder, and is deleted at logout; saved tells where it went.
func (p printKit) saveInSessionFolder(name func() string, write func(io.Writer) error, saved func(path string), problem *widget.Label) {
	f := p.frame
	body := container.NewVBox(
		bold(lang.L("Файл останется на этом компьютере.")),
		para(lang.L("Это общественный компьютер. Документ можно сохранить только во временную папку вашего сеанса. Когда вы выйдете из личного кабинета, папка будет удалена вместе с документом.")),
		para(lang.L("Чтобы унести документ с собой, напечатайте его или до выхода скопируйте файл из этой папки на свою флешку.")),
	)
	win := f.Window()
	d := dialog.NewCustomConfirm(lang.L("Сохранить документ"), lang.L("Сохранить"), lang.L("Отмена"), body, func(ok bool) {
		f.touch()
		if !ok {
			return
		}
		path, err := p.svc.SavePDF(name(), write)
		if err != nil {
			setError(problem, err)
			return
		}
		saved(path)
	}, win)
	d.Resize(fyne.NewSize(min(win.Canvas().Size().Width*0.9, 30*theme.TextSize()), 0))
	f.showDialog(d)
}
