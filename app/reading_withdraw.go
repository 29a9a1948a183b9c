package app

import (
	"context"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"kabinet/internal/cabinet"
	"kabinet/internal/domain"
)

// A reading waiting to be sent can be corrected or withdrawn from the
// queue until the engine starts sending it, and a refused one corrected or
// deleted; after that the service refuses, and the screen says why.

// fixItem puts a refused or waiting reading back into the form; the
// corrected values replace it in the queue, under a new key.
func (s *readingScreen) fixItem(it cabinet.Item) {
	if it.Meter != s.meter.ID {
		if !s.choice.offers(it.Meter) {
			return
		}
		s.choice.choose(it.Meter) // rebuilds the form
	}
	s.lastID = 0
	s.showStep(readingStepForm)
	note := lang.L("Исправьте показания, которые ждут отправки, и нажмите «Далее» — на портал уйдут только исправленные.")
	if it.State == cabinet.Refused {
		note = lang.L("Портал не принял эти показания: {{.Reason}} Исправьте их и нажмите «Далее» — непринятые показания заменятся исправленными.",
			map[string]any{"Reason": problemText(it.Problem)})
	}
	s.fixID = it.ID
	s.form.Fill(it.Values, note)
	s.scrollTo(s.form.box)
	s.form.FocusFirst()
}

// endFix leaves the correction of a queued reading.
func (s *readingScreen) endFix() {
	s.fixID = 0
	s.form.fixNote.SetText("")
	s.form.fixNote.Hide()
}

// askDiscard deletes a refused reading after the person says yes; b, the
// button pressed, stays disabled while it is deleted.
func (s *readingScreen) askDiscard(it cabinet.Item, b *widget.Button) {
	d := dialog.NewCustomConfirm(lang.L("Удалить показания?"), lang.L("Удалить"), lang.L("Не удалять"),
		para(lang.L("Эти показания не будут переданы. Удалить их?")), func(yes bool) {
			s.frame.touch()
			if yes {
				s.remove(it, b, s.svc.Discard)
			}
		}, s.frame.Window())
	d.SetConfirmImportance(widget.DangerImportance)
	s.frame.showDialog(d)
}

// askWithdraw removes a waiting reading from the queue after the person
// says yes.
func (s *readingScreen) askWithdraw(it cabinet.Item, b *widget.Button) {
	doc, _ := s.document()
	d := dialog.NewCustomConfirm(lang.L("Отменить отправку показаний?"), lang.L("Отменить отправку"), lang.L("Не отменять"),
		para(lang.L("Показания «{{.Reading}}» не будут переданы на портал. Отменить их отправку?", map[string]any{"Reading": readingDescribe(doc, it)})),
		func(yes bool) {
			s.frame.touch()
			if yes {
				s.remove(it, b, s.svc.WithdrawReading)
			}
		}, s.frame.Window())
	// Cancelling is the step that cannot be undone: red, not the blue of
	// a default choice.
	d.SetConfirmImportance(widget.DangerImportance)
	s.frame.showDialog(d)
}

// remove takes it out of the queue off the UI goroutine, then says what
// happened.
func (s *readingScreen) remove(it cabinet.Item, b *widget.Button, remove func(uint64) error) {
	s.frame.run(b, func(context.Context) error { return remove(it.ID) }, func(err error) {
		if err == nil || domain.ErrorCode(err) == domain.CodeNotQueued {
			if it.ID == s.fixID {
				s.endFix()
			}
			if it.ID == s.lastID {
				s.lastID = 0
				s.toForm()
			}
		}
		if err != nil {
			errorDialog(s.frame, err)
		}
		s.refreshQueue()
	})
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
