package app

import (
	"context"

	"kabinet/internal/cabinet"
	"kabinet/internal/domain"
)

// previewer is the check of the typed values: as a new reading, or, while
// a queued one is corrected, against the meter without it. It may run off
// the UI goroutine.
func (s *readingScreen) previewer() func(map[domain.Zone]string, bool) (domain.Assessment, *domain.Charge, error) {
	svc, account, meter, fix := s.svc, s.account, s.meter.ID, s.fixID
	if fix != 0 {
		return func(v map[domain.Zone]string, c bool) (domain.Assessment, *domain.Charge, error) {
			return svc.PreviewCorrection(fix, v, c)
		}
	}
	return func(v map[domain.Zone]string, c bool) (domain.Assessment, *domain.Charge, error) {
		return svc.Preview(account, meter, v, c)
	}
}

// check asks the service about complete values off the UI goroutine; the
// latest question wins. With next («Далее») passing values open the review.
func (s *readingScreen) check(values map[domain.Zone]string, confirm, next bool) {
	s.checkGen++
	gen, preview := s.checkGen, s.previewer()
	answer := func(r readingCheck) {
		if gen != s.checkGen || s.step != readingStepForm || !s.form.Typed(r.values) {
			return // the person typed on, or left the form
		}
		s.form.ShowCheck(r)
		if r.passed() {
			s.checked = r
		}
		if next && r.passed() {
			s.toReview()
		} else if next {
			s.form.focusProblem()
		}
	}
	if !next {
		go func() { r := runReadingCheck(preview, values, confirm); do(func() { answer(r) }) }()
		return
	}
	var r readingCheck
	s.frame.run(s.form.next, func(ctx context.Context) error { r = runReadingCheck(preview, values, confirm); return nil },
		func(error) { answer(r) })
}

// send is «Передать показания»: the reading is saved in the outbox (checked
// locally, so it is safe on this computer once saved) off the UI
// goroutine; the result step then follows the engine's events for it.
func (s *readingScreen) send() {
	if s.step != readingStepReview || s.saving {
		return
	}
	svc, account, meter, fix, r := s.svc, s.account, s.meter.ID, s.fixID, s.checked
	s.saving, s.early = true, map[uint64]cabinet.Event{}
	var q cabinet.QueuedReading
	s.frame.run(&s.submit.Button, func(context.Context) (err error) {
		if fix != 0 {
			q, err = svc.CorrectReading(fix, r.values, r.confirmed())
		} else {
			q, err = svc.QueueReading(account, meter, r.values, r.confirmed())
		}
		return err
	}, func(err error) {
		s.saving = false
		early := s.early
		s.early = nil
		if err != nil {
			s.notSaved(err)
			return
		}
		ev, ok := early[q.Item.ID]
		if !ok {
			ev = early[0]
		}
		s.saved(q, ev)
	})
}

// notSaved goes back to the form, which says what to change (the data may
// have changed since the review).
func (s *readingScreen) notSaved(err error) {
	s.showStep(readingStepForm)
	if readingTooLate(err) {
		// Sent meanwhile: say so; «Далее» now queues a new reading.
		s.endFix()
		s.form.ShowError(err)
		s.refreshQueue()
		return
	}
	s.form.placeError(err)
}

// saved shows the result of a saved reading: kept for the window, or on
// its way until the engine says what became of it (early, when it spoke
// before the save returned).
func (s *readingScreen) saved(q cabinet.QueuedReading, early cabinet.Event) {
	s.endFix()
	s.lastID = q.Item.ID
	s.form.Clear()
	s.showStep(readingStepResult)
	s.awaitSent = q.DeferredUntil.IsZero()
	if s.awaitSent {
		s.result.Sending()
	} else {
		s.result.Kept(q.DeferredUntil)
		s.result.Focus()
	}
	if early.Item != nil || early.Kind == cabinet.PausedForLogin {
		s.OnEvent(early)
	}
	s.refreshQueue()
	s.scrollTo(s.result.box)
}

// OnEvent follows the engine's word on the reading the result is about.
// It reports whether the screen shows what became of e's item, so the
// window need not tell it again.
func (s *readingScreen) OnEvent(e cabinet.Event) bool {
	if s.saving {
		// The save has not returned the item's ID yet; a pause concerns
		// every item.
		switch {
		case e.Item != nil:
			s.early[e.Item.ID] = e
			return true
		case e.Kind == cabinet.PausedForLogin:
			s.early[0] = e
		}
		return false
	}
	if s.result == nil || s.step != readingStepResult || s.lastID == 0 {
		return false
	}
	mine := e.Item != nil && e.Item.ID == s.lastID
	switch e.Kind {
	case cabinet.PausedForLogin:
		mine = mine || e.Item == nil && s.awaitSent
	case cabinet.ItemDelivered, cabinet.ItemRefused, cabinet.ItemBlocked, cabinet.ItemRetrying, cabinet.ItemKept:
	default:
		return false
	}
	if !mine {
		return false
	}
	var behind *cabinet.Item
	if e.Kind == cabinet.ItemBlocked {
		if it, ok := s.pending(e.Behind); ok {
			behind = &it
		}
	}
	s.awaitSent = false
	s.result.Show(e, behind)
	// The result may have grown (the receipt's large line, its buttons):
	// lay the page out again, so what follows it moves down.
	s.body.Refresh()
	s.result.Focus()
	return true
}

// pending returns an item still in the outbox.
func (s *readingScreen) pending(id uint64) (cabinet.Item, bool) {
	items, _ := s.svc.Outbox()
	for _, it := range items {
		if it.ID == id {
			return it, true
		}
	}
	return cabinet.Item{}, false
}
