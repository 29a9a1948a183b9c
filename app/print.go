package app

import (
	"io"
	"net/url"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
)

// printButtons are «Печать / PDF» (the document opens in the computer's
// PDF viewer, which prints; Fyne cannot print) and «Сохранить как…» (for a
// USB stick at a library). name is the file's name, write makes the PDF
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
	saveAs := u.button(lang.L("Сохранить как…"), func() {
		problem.Hide()
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
	return container.NewVBox(newWrap(printBtn, saveAs), status, problem)
}
