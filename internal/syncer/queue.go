package syncer

import (
	"fmt"
	"slices"
	"time"

	"kabinet/internal/domain"
	"kabinet/internal/store"
)

// ErrNoData means the account was never downloaded, so a reading cannot be
// checked offline.
var ErrNoData error = &domain.Error{Code: domain.CodeNoData,
	Message: "Данных по этому лицевому счёту ещё нет. Подключитесь к интернету, чтобы загрузить их."}

// Queued is a reading saved in the outbox.
type Queued struct {
	Item store.OutboxItem
	// Assessment is the local check's view: values and consumption.
	Assessment domain.Assessment
	// DeferredUntil is set when the window is closed: the reading is kept
	// and sent when the next window opens.
	DeferredUntil time.Time
	Notice        string
}

// QueueReading checks a reading with the same rules the portal applies,
// against the data last received and the readings already queued for the
// meter, and saves it in the outbox. A reading outside the window is saved
// too and waits for the window. Rule violations come back as *domain.Error
// and nothing is saved.
func (e *Engine) QueueReading(account, meterID string, values map[domain.Zone]string, takenOn domain.Date, confirm bool) (Queued, error) {
	q, taken, err := e.checkQueued(account, meterID, values, takenOn, confirm, 0)
	if err != nil {
		return Queued{}, err
	}
	item, err := e.cfg.Store.Enqueue(store.OutboxItem{Kind: store.KindReading, Profile: e.cfg.Profile, Account: account, Meter: meterID,
		Values: values, TakenOn: taken, Confirm: confirm, NextAttemptAt: q.DeferredUntil})
	if err != nil {
		return Queued{}, err
	}
	q.Item = item
	e.Poke()
	return q, nil
}

// CorrectReading replaces the values of reading id, which waits to be sent
// (or was refused), after checking them as QueueReading does — against the
// meter without this reading and the ones queued after it. The reading
// keeps its place in the queue and gets a new idempotency key. A reading
// the portal has or may have received is refused with a *domain.Error
// (domain.CodeAlreadySent, domain.CodeBeingSent), and nothing changes.
func (e *Engine) CorrectReading(id uint64, values map[domain.Zone]string, takenOn domain.Date, confirm bool) (Queued, error) {
	old, err := e.changeable(id)
	if err != nil {
		return Queued{}, err
	}
	q, taken, err := e.checkQueued(old.Account, old.Meter, values, takenOn, confirm, id)
	if err != nil {
		return Queued{}, err
	}
	item, err := e.cfg.Store.Correct(id, store.Correction{Values: values, TakenOn: taken, Confirm: confirm, NextAttemptAt: q.DeferredUntil})
	if err != nil {
		return Queued{}, err
	}
	q.Item = item
	e.Poke()
	return q, nil
}

// WithdrawReading removes reading (or question) id from the outbox so it is
// never sent. It refuses, with a *domain.Error, an item the portal has or
// may have received.
func (e *Engine) WithdrawReading(id uint64) (store.OutboxItem, error) {
	if _, err := e.changeable(id); err != nil {
		return store.OutboxItem{}, err
	}
	return e.cfg.Store.Withdraw(id)
}

// changeable returns the engine's profile's outbox item id if it may still
// be withdrawn or corrected; another person's item on this computer is as
// good as missing.
func (e *Engine) changeable(id uint64) (store.OutboxItem, error) {
	it, ok, err := e.cfg.Store.Item(id)
	if err != nil {
		return store.OutboxItem{}, err
	}
	if !ok || it.Profile != e.cfg.Profile {
		return store.OutboxItem{}, store.ErrNotQueued()
	}
	return it, it.ChangeError()
}

// checkQueued checks a reading as CheckIn does, against the readings queued
// before reading before (all of them when before is 0), and tells when it
// can go. It returns the date the values were taken on.
func (e *Engine) checkQueued(account, meterID string, values map[domain.Zone]string, takenOn domain.Date, confirm bool, before uint64) (Queued, domain.Date, error) {
	cached, ok, err := e.cfg.Store.Document(e.cfg.Profile, account)
	if err != nil {
		return Queued{}, domain.Date{}, err
	}
	if !ok {
		return Queued{}, domain.Date{}, ErrNoData
	}
	check, err := e.checkIn(&cached.Doc, account, meterID, domain.Submission{Values: values, TakenOn: takenOn, Confirm: confirm}, before)
	if err != nil {
		return Queued{}, domain.Date{}, err
	}
	q := Queued{Assessment: check.Assessment, DeferredUntil: check.DeferredUntil}
	if !check.DeferredUntil.IsZero() {
		st := check.Window
		q.Notice = fmt.Sprintf("Сейчас показания не принимаются. Показание сохранено и будет отправлено %d %s, когда откроется приём.", st.Start.Day, domain.MonthGenitive(st.Start.Month))
	}
	taken := takenOn
	if taken.IsZero() {
		taken = q.Assessment.TakenOn
	}
	return q, taken, nil
}

// LocalCheck is a reading checked on this computer as the portal will
// check it when it arrives.
type LocalCheck struct {
	Meter      domain.Meter
	Assessment domain.Assessment
	// DeferredUntil is set when the window is closed: the reading is
	// checked as of then, when it will be sent; Window is the state that
	// says so.
	DeferredUntil time.Time
	Window        domain.WindowState
}

// CheckIn checks a reading of the meter against doc and the readings still
// queued for it, with the rules the portal applies when it arrives: in the
// month it will be sent in (the next window's when the window is closed),
// counted from the month before's accepted reading, replacing the month's
// reading — the latest queued one, else the accepted one. The offline
// preview and QueueReading both use it, so they never disagree.
func (e *Engine) CheckIn(doc *domain.AccountDocument, account, meterID string, sub domain.Submission) (LocalCheck, error) {
	return e.checkIn(doc, account, meterID, sub, 0)
}

// CheckInBefore is CheckIn as reading id sees it while it is corrected:
// without its own values and those queued after it.
func (e *Engine) CheckInBefore(doc *domain.AccountDocument, account, meterID string, sub domain.Submission, id uint64) (LocalCheck, error) {
	return e.checkIn(doc, account, meterID, sub, id)
}

func (e *Engine) checkIn(doc *domain.AccountDocument, account, meterID string, sub domain.Submission, before uint64) (LocalCheck, error) {
	m, err := e.latestMeter(doc, account, meterID, before)
	if err != nil {
		return LocalCheck{}, err
	}
	now := e.cfg.Now()
	window := windowOf(m.Window)
	c := LocalCheck{Meter: m}
	a, err := domain.CheckReading(&m, sub, now, window)
	if domain.ErrorCode(err) == domain.CodeOutsideWindow {
		// Checked as if the window were open, and kept until it opens.
		c.Window = window.State(now)
		c.DeferredUntil = c.Window.Start.Time(domain.Moscow)
		a, err = domain.CheckReading(&m, sub, c.DeferredUntil, domain.AlwaysOpen)
		if sub.TakenOn.IsZero() {
			a.TakenOn = domain.DateOf(now, domain.Moscow)
		}
	}
	if err != nil {
		return LocalCheck{}, err
	}
	c.Assessment = a
	return c, nil
}

// LatestMeter returns the meter as last received, with the readings still
// waiting in the outbox in front of its recent readings (see LatestMeterIn).
func (e *Engine) LatestMeter(account, meterID string) (domain.Meter, error) {
	cached, ok, err := e.cfg.Store.Document(e.cfg.Profile, account)
	if err != nil {
		return domain.Meter{}, err
	}
	if !ok {
		return domain.Meter{}, ErrNoData
	}
	return e.LatestMeterIn(&cached.Doc, account, meterID)
}

// LatestMeterIn is LatestMeter for a document the caller already read: a
// ten-year document takes milliseconds to decode, and the reading screen
// asks on every keystroke. The readings still waiting in the outbox go in
// front of the meter's recent readings, newest first, as
// domain.StatusQueued: they reach the portal before a new one, in the same
// month, so a new reading replaces the latest of them, as
// domain.Meter.BaselineFor says. The meter's last accepted values stay
// what the portal sent.
func (e *Engine) LatestMeterIn(doc *domain.AccountDocument, account, meterID string) (domain.Meter, error) {
	return e.latestMeter(doc, account, meterID, 0)
}

// latestMeter takes the pending readings with IDs below before (all of
// them when before is 0) as the meter's last ones.
func (e *Engine) latestMeter(doc *domain.AccountDocument, account, meterID string, before uint64) (domain.Meter, error) {
	var meter *domain.Meter
	for i := range doc.Meters {
		if doc.Meters[i].ID == meterID {
			meter = &doc.Meters[i]
		}
	}
	if meter == nil {
		return domain.Meter{}, &domain.Error{Code: domain.CodeUnknownMeter, Field: "meter",
			Message: "Такого счётчика нет на этом лицевом счёте. Выберите счётчик из списка."}
	}
	m := *meter
	m.Zones = append([]domain.MeterZone(nil), meter.Zones...)
	pending, err := e.cfg.Store.Pending(e.cfg.Profile)
	if err != nil {
		return domain.Meter{}, err
	}
	var queued []domain.Reading
	for _, it := range pending {
		if it.Kind != store.KindReading || it.Account != account || it.Meter != meterID || it.State != store.StatePending {
			continue
		}
		if before != 0 && it.ID >= before {
			continue
		}
		r := domain.Reading{ID: fmt.Sprintf("queued-%d", it.ID), MeterID: meterID, TakenOn: it.TakenOn, Status: domain.StatusQueued,
			Source: domain.SourceCustomer, Values: make(map[domain.Zone]domain.Decimal, len(m.Zones))}
		for _, z := range m.Zones {
			if v, err := domain.ParseReading(it.Values[z.Code], m.Digits, m.FractionDigits); err == nil {
				r.Values[z.Code] = v
			}
		}
		queued = append(queued, r)
	}
	if len(queued) > 0 {
		slices.Reverse(queued) // the outbox is oldest first
		m.Recent = append(queued, meter.Recent...)
	}
	return m, nil
}

// QueueQuestion saves a question for the company in the outbox.
func (e *Engine) QueueQuestion(account, topic, text string) (store.OutboxItem, error) {
	item, err := e.cfg.Store.Enqueue(store.OutboxItem{Kind: store.KindQuestion, Profile: e.cfg.Profile, Account: account, Topic: topic, Text: text})
	if err == nil {
		e.Poke()
	}
	return item, err
}

// windowOf rebuilds the window rule from the state the portal sent.
func windowOf(st domain.WindowState) domain.SubmissionWindow {
	if st.Start.IsZero() {
		return domain.AlwaysOpen
	}
	end := st.End.Day
	if st.End.Day == st.End.Period().Last().Day {
		end = 31 // «to the end of the month»
	}
	return domain.SubmissionWindow{StartDay: st.Start.Day, EndDay: end, Location: domain.Moscow}
}
