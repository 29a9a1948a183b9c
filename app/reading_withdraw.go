package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"kabinet/internal/cabinet"
	"kabinet/internal/domain"
)

// A reading waiting to be sent can be corrected or withdrawn from the
// queue on the reading screen until the engine starts sending it; after
// that the service refuses, and the screen says why.

// waitingButtons are «Исправить» and «Отменить отправку» under a reading
// that waits to be sent.
func (s *readingScreen) waitingButtons(it cabinet.Item) fyne.CanvasObject {
	u := s.u
	var btns []fyne.CanvasObject
	if s.offers(it.Meter) {
		btns = append(btns, u.button(lang.L("Исправить"), func() { s.fixItem(it) }))
	}
	btns = append(btns, u.button(lang.L("Отменить отправку"), func() { s.askWithdraw(it) }))
	return readingButtons(btns...)
}

// askWithdraw removes a waiting reading from the queue after the person
// says yes.
func (s *readingScreen) askWithdraw(it cabinet.Item) {
	u := s.u
	doc, _, _ := u.currentDocument()
	d := dialog.NewCustomConfirm(lang.L("Отменить отправку показаний?"), lang.L("Отменить отправку"), lang.L("Не отменять"),
		para(lang.L("Показания «{{.Reading}}» не будут переданы на портал. Отменить их отправку?", map[string]any{"Reading": s.describe(doc, it)})),
		func(yes bool) {
			u.touch()
			if !yes {
				return
			}
			err := u.svc.WithdrawReading(it.ID)
			if err == nil || domain.ErrorCode(err) == domain.CodeNotQueued {
				if it.ID == s.fixID {
					s.endFix()
				}
				if it.ID == s.lastID {
					s.lastID = 0
					s.showStep(readingStepForm)
				}
			}
			if err != nil {
				u.showError(err)
			}
			s.refreshQueue()
			if u.shell != nil {
				u.shell.updateStatus()
			}
		}, u.win)
	// Cancelling is the step that cannot be undone: red, not the blue of
	// a default choice.
	d.SetConfirmImportance(widget.DangerImportance)
	u.showDialog(d)
}

// previewFor checks the typed values: as a new reading, or, while a queued
// one is corrected, against the meter without it.
func (s *readingScreen) previewFor(values map[domain.Zone]string, confirm bool) (domain.Assessment, *domain.Charge, error) {
	u := s.u
	if s.fixID != 0 {
		return u.svc.PreviewCorrection(s.fixID, values, confirm)
	}
	return u.svc.Preview(u.account, s.meter.ID, values, confirm)
}

// queueOrCorrect saves the reviewed values: a new reading, or the
// correction of the one being fixed, which keeps its place in the queue.
func (s *readingScreen) queueOrCorrect() (cabinet.QueuedReading, error) {
	u := s.u
	if s.fixID != 0 {
		return u.svc.CorrectReading(s.fixID, s.values, s.confirmed)
	}
	return u.svc.QueueReading(u.account, s.meter.ID, s.values, s.confirmed)
}

// endFix leaves the correction of a queued reading.
func (s *readingScreen) endFix() {
	s.fixID = 0
	s.fixNote.SetText("")
	s.fixNote.Hide()
}

// readingTooLate reports a correction or withdrawal refused because the
// reading has left (or may have left) the queue.
func readingTooLate(err error) bool {
	switch domain.ErrorCode(err) {
	case domain.CodeAlreadySent, domain.CodeBeingSent, domain.CodeNotQueued:
		return true
	}
	return false
}
