package app

import (
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

// printButtons are «Печать / PDF» (the document is saved — at home in the
// person's «Документы» — and a dialog offers to open it in the computer's
// PDF viewer, which prints; Fyne cannot print) and «Сохранить как…» (at
// home anywhere; on a public computer only in the session's folder). name
// is the file's name, write makes the PDF from the stored data, so both
// work offline.
func (u *UI) printButtons(name func() string, write func(w io.Writer) error) fyne.CanvasObject {
	status := para("")
	status.Hide()
	problem := errorText()
	saved := func(path string) {
		status.SetText(u.savedText(path))
		status.Show()
		u.showSaved(path, problem)
	}
	printBtn := u.primary(lang.L("Печать / PDF"), nil)
	printBtn.OnTapped = func() {
		u.touch()
		problem.Hide()
		path, err := u.svc.SavePDF(name(), write)
		if err != nil {
			setError(problem, err)
			return
		}
		saved(path)
	}
	saveAs := u.button(lang.L("Сохранить как…"), func() {
		problem.Hide()
		// On a public computer the file cannot leave with the visitor
		// through a file dialog that browses the whole computer: it goes
		// to the session's folder, which logout deletes, and the person is
		// told so.
		if u.svc.Public() {
			u.saveInSessionFolder(name, write, saved, problem)
			return
		}
		d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
			u.touch()
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
		}, u.win)
		d.SetFileName(name())
		d.Show()
	})
	return container.NewVBox(newWrap(printBtn, saveAs), status, problem)
}

// savedText says where a document went, in the words of the computer's
// kind: at home the folder; on a public computer the session's folder by
// its meaning (a raw temporary path tells a visitor nothing).
func (u *UI) savedText(path string) string {
	file := filepath.Base(path)
	if u.svc.Public() {
		return lang.L("Документ «{{.File}}» сохранён во временную папку этого сеанса. Он будет удалён, когда вы выйдете из личного кабинета.", map[string]any{"File": file})
	}
	return lang.L("Документ «{{.File}}» сохранён в папку {{.Folder}}", map[string]any{"File": file, "Folder": filepath.Dir(path)})
}

// showSaved is the dialog after a document was saved: «Открыть» shows it
// in the computer's PDF viewer (to read or print), «Открыть папку» the
// folder it is in (on a public computer that is the session's folder, and
// no other).
func (u *UI) showSaved(path string, problem *widget.Label) {
	var d dialog.Dialog
	openURL := func(p string) {
		u.touch()
		d.Hide()
		if err := u.app.OpenURL(fileURL(p)); err != nil {
			setError(problem, err)
		}
	}
	open := u.primary(lang.L("Открыть"), func() { openURL(path) })
	folder := u.button(lang.L("Открыть папку"), func() { openURL(filepath.Dir(path)) })
	closeBtn := u.button(lang.L("Закрыть"), func() { d.Hide() })
	body := container.NewVBox(
		para(u.savedText(path)),
		para(lang.L("Чтобы напечатать, откройте документ и выберите в программе просмотра «Печать».")),
		newWrap(open, folder, closeBtn),
	)
	d = dialog.NewCustomWithoutButtons(lang.L("Документ сохранён"), body, u.win)
	d.Resize(fyne.NewSize(min(u.win.Canvas().Size().Width*0.9, 32*theme.TextSize()), 0))
	u.showDialog(d)
	u.win.Canvas().Focus(open)
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
func (u *UI) saveInSessionFolder(name func() string, write func(io.Writer) error, saved func(path string), problem *widget.Label) {
	body := container.NewVBox(
		bold(lang.L("Файл останется на этом компьютере.")),
		para(lang.L("Это общественный компьютер. Документ можно сохранить только во временную папку вашего сеанса. Когда вы выйдете из личного кабинета, папка будет удалена вместе с документом.")),
		para(lang.L("Чтобы унести документ с собой, напечатайте его или до выхода скопируйте файл из этой папки на свою флешку.")),
	)
	d := dialog.NewCustomConfirm(lang.L("Сохранить документ"), lang.L("Сохранить"), lang.L("Отмена"), body, func(ok bool) {
		u.touch()
		if !ok {
			return
		}
		path, err := u.svc.SavePDF(name(), write)
		if err != nil {
			setError(problem, err)
			return
		}
		saved(path)
	}, u.win)
	d.Resize(fyne.NewSize(min(u.win.Canvas().Size().Width*0.9, 30*theme.TextSize()), 0))
	u.showDialog(d)
}
