package app

import (
	"io"
	"net/url"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// printButtons are «Печать / PDF» (the document opens in the computer's
// PDF viewer, which prints; Fyne cannot print) and «Сохранить как…» (at
// home anywhere; on a public computer only in the session's folder). name is the file's name, write makes the PDF
// from the stored data, so both work offline.
func (u *UI) printButtons(name func() string, write func(w io.Writer) error) fyne.CanvasObject {
	status := para("")
	status.Hide()
	problem := errorText()
	show := func(text string) {
		status.SetText(text)
		status.Show()
	}
	var printBtn = u.primary(lang.L("Печать / PDF"), nil)
	printBtn.OnTapped = func() {
		u.touch()
		problem.Hide()
		path, err := u.svc.SavePDF(name(), write)
		if err != nil {
			setError(problem, err)
			return
		}
		if err := u.app.OpenURL(&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}); err != nil {
			show(lang.L("Документ сохранён: {{.Path}}. Откройте его и выберите «Печать».", map[string]any{"Path": path}))
			return
		}
		show(lang.L("Документ открыт в программе просмотра. Чтобы напечатать, выберите в ней «Печать». Файл: {{.Path}}", map[string]any{"Path": path}))
	}
	// On a public computer the file cannot leave with the visitor through
	// a file dialog that browses the whole computer: it goes to the
	// session's folder, which logout deletes, and the person is told so.
	openFolder := u.button(lang.L("Открыть папку"), nil)
	openFolder.Hide()
	saveAs := u.button(lang.L("Сохранить как…"), func() {
		problem.Hide()
		if u.svc.Public() {
			u.saveInSessionFolder(name, write, func(path string) {
				show(lang.L("Документ сохранён во временную папку этого сеанса: {{.Path}}. Он будет удалён, когда вы выйдете из личного кабинета.", map[string]any{"Path": path}))
				dir := filepath.Dir(path)
				openFolder.OnTapped = func() {
					u.touch()
					if err := u.app.OpenURL(&url.URL{Scheme: "file", Path: filepath.ToSlash(dir)}); err != nil {
						setError(problem, err)
					}
				}
				openFolder.Show()
			}, problem)
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
			show(lang.L("Документ сохранён: {{.Path}}", map[string]any{"Path": wc.URI().Path()}))
		}, u.win)
		d.SetFileName(name())
		d.Show()
	})
	return container.NewVBox(newWrap(printBtn, saveAs, openFolder), status, problem)
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
