package app

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"kabinet/internal/cabinet"
	"kabinet/internal/domain"
)

// readingStep is where the person is on the reading screen: typing the
// values, checking them before they go, or reading what happened.
type readingStep int

const (
	readingStepForm readingStep = iota
	readingStepReview
	readingStepResult
)

// readingField is the input of one register (zone) of the meter.
type readingField struct {
	zone  domain.Zone
	label *widget.Label
	entry *widget.Entry
	last  *widget.Label // «Прошлое показание: 12 345,6 от 20.10.2026»
	err   *widget.Label
}

// readingScreen («Ввод показаний приборов учета») takes the readings of one
// meter at a time: one field per zone, a live check and price preview, a
// review step, then the outbox; below, what waits to be sent and what went.
// It refreshes in place, so a sync never wipes what the person is typing.
type readingScreen struct {
	u    *UI
	page fyne.CanvasObject // what Content returned
	body *fyne.Container

	// mu serialises the updates that reach the screen from other
	// goroutines: Refresh (sync events) and the end of a send. In the app
	// they come through fyne.Do and run on the UI goroutine anyway; Fyne's
	// test driver runs fyne.Do at once on the caller's goroutine, so there
	// they would race with each other and with the test's own taps. Widget
	// callbacks never take it.
	mu sync.Mutex

	accountLine *widget.Label
	windowLine  *widget.Label
	meterSelect *widget.Select // nil when the account has one active meter
	meterIDs    []string       // the meters meterSelect offers, in its order
	meterLine   *widget.Label
	meter       domain.Meter // the chosen meter as last received

	// The entry step.
	form        *fyne.Container
	fields      []*readingField
	fixNote     *widget.Label // the portal's reason while a refused reading is corrected
	general     *widget.Label // an error that concerns no single zone
	confirmBox  *fyne.Container
	confirmText *widget.Label
	confirm     *widget.Check // «Да, показание верное»
	preview     *widget.Label // «Расход 185 кВт·ч, примерно 1 029,60 ₽»
	next        *widget.Button

	// The review step.
	review *fyne.Container
	submit *widget.Button // «Передать показания»
	back   *widget.Button // «Исправить»

	// The result step.
	resultBox  *fyne.Container
	result     *widget.Label
	resultBtns *fyne.Container
	fixRefused *widget.Button // «Исправить» a refused reading
	discard    *widget.Button // «Удалить» a refused reading
	again      *widget.Button

	step    readingStep
	stepBox *fyne.Container
	queue   *fyne.Container

	// What the review shows and «Передать показания» queues.
	values     map[domain.Zone]string
	confirmed  bool
	assessment domain.Assessment
	charge     *domain.Charge

	lastID   uint64 // the item queued last from this screen
	queuedAt time.Time
	notice   string // the window-closed notice of lastID
	sending  bool
	fixID    uint64 // the refused or waiting item being corrected
}

func newReadingScreen(u *UI) Screen { return &readingScreen{u: u} }

// Content builds the screen.
func (s *readingScreen) Content() fyne.CanvasObject {
	s.body = container.NewVBox()
	s.build()
	s.page = page(lang.L("Ввод показаний приборов учета"), s.body)
	return s.page
}

// readingActiveMeters are the account's meters still installed: removed
// ones are not offered.
func readingActiveMeters(doc *domain.AccountDocument) []domain.Meter {
	var out []domain.Meter
	for _, m := range doc.Meters {
		if m.Active() {
			out = append(out, m)
		}
	}
	return out
}

// build lays out the whole screen from the stored document.
func (s *readingScreen) build() {
	u := s.u
	doc, _, ok := u.currentDocument()
	s.meterSelect, s.meterIDs = nil, nil
	if !ok {
		s.meter = domain.Meter{}
		s.body.Objects = []fyne.CanvasObject{noData()}
		s.body.Refresh()
		return
	}
	s.accountLine = para(u.accountTitle(doc))
	s.queue = container.NewVBox()
	queueCard := widget.NewCard("", "", container.NewVBox(subheading(lang.L("Отправка показаний")), s.queue))
	active := readingActiveMeters(doc)
	if len(active) == 0 {
		s.meter = domain.Meter{}
		s.body.Objects = []fyne.CanvasObject{s.accountLine,
			para(lang.L("На этом лицевом счёте нет действующих счётчиков. Если счётчик установлен, позвоните в контакт-центр.")),
			queueCard}
		s.body.Refresh()
		s.refreshQueue()
		return
	}
	chosen := active[0]
	for _, m := range active {
		if m.ID == s.meter.ID {
			chosen = m
		}
	}
	s.meter = chosen
	today := domain.DateOf(nowFunc(), domain.Moscow)
	s.windowLine = bold(windowLine(s.meter, doc.Readings, today))
	s.meterLine = para(s.meterDescription(s.meter))

	objs := []fyne.CanvasObject{s.accountLine, s.windowLine}
	if len(active) > 1 {
		var opts []string
		sel := 0
		for i, m := range active {
			s.meterIDs = append(s.meterIDs, m.ID)
			opts = append(opts, lang.L("№ {{.Serial}} — {{.Model}}", map[string]any{"Serial": m.Serial, "Model": m.Model}))
			if m.ID == s.meter.ID {
				sel = i
			}
		}
		s.meterSelect = widget.NewSelect(opts, nil)
		s.meterSelect.SetSelectedIndex(sel)
		s.meterSelect.OnChanged = func(string) {
			u.touch()
			if i := s.meterSelect.SelectedIndex(); i >= 0 && i < len(s.meterIDs) && s.meterIDs[i] != s.meter.ID {
				s.chooseMeter(s.meterIDs[i])
			}
		}
		objs = append(objs, bold(lang.L("Счётчик")), s.meterSelect)
	}
	objs = append(objs, s.meterLine, widget.NewSeparator())

	s.buildSteps()
	s.buildForm()
	s.stepBox = container.NewVBox()
	objs = append(objs, s.stepBox, queueCard)
	s.body.Objects = objs
	s.body.Refresh()
	s.showStep(readingStepForm)
	s.refreshQueue()
}

// meterDescription names a meter and where it hangs, so the person knows
// which one to look at.
func (s *readingScreen) meterDescription(m domain.Meter) string {
	if m.Place == "" {
		return lang.L("Счётчик № {{.Serial}}, {{.Model}}", map[string]any{"Serial": m.Serial, "Model": m.Model})
	}
	return lang.L("Счётчик № {{.Serial}}, {{.Model}}. Где установлен: {{.Place}}", map[string]any{"Serial": m.Serial, "Model": m.Model, "Place": m.Place})
}

// readingZoneLabel is the field's label as printed on the meter.
func readingZoneLabel(z domain.Zone, zones int) string {
	switch {
	case zones <= 1:
		return lang.L("Показание")
	case zones == 2 && z == domain.T1:
		return lang.L("День (Т1)")
	case zones == 2:
		return lang.L("Ночь (Т2)")
	case z == domain.T1:
		return lang.L("Пик (Т1)")
	case z == domain.T2:
		return lang.L("Полупик (Т2)")
	}
	return lang.L("Ночь (Т3)")
}

// readingZoneName is the zone's short name for the review and the queue.
func readingZoneName(z domain.Zone, zones int) string {
	switch {
	case zones <= 1:
		return lang.L("Показание")
	case zones == 2 && z == domain.T1:
		return lang.L("День")
	case zones == 2:
		return lang.L("Ночь")
	case z == domain.T1:
		return lang.L("Пик")
	case z == domain.T2:
		return lang.L("Полупик")
	}
	return lang.L("Ночь")
}

// buildSteps makes the widgets of the review and result steps, which live
// as long as the screen.
func (s *readingScreen) buildSteps() {
	u := s.u
	s.review = container.NewVBox()
	s.submit = u.primary(lang.L("Передать показания"), s.send)
	s.back = u.button(lang.L("Исправить"), func() {
		s.showStep(readingStepForm)
		s.focusFirst()
	})
	s.result = bold("")
	s.resultBtns = container.NewVBox()
	s.resultBox = container.NewVBox(s.result, s.resultBtns)
	s.fixRefused = u.button(lang.L("Исправить"), func() {
		if it, ok := s.findPending(s.lastID); ok {
			s.fixItem(it)
		}
	})
	s.discard = u.button(lang.L("Удалить"), func() {
		if it, ok := s.findPending(s.lastID); ok {
			s.askDiscard(it)
		}
	})
	s.again = u.button(lang.L("Вернуться к вводу показаний"), func() {
		s.lastID = 0
		s.showStep(readingStepForm)
		s.focusFirst()
	})
}

// buildForm makes the entry step for the chosen meter: one field per zone
// in Tab order; Enter goes to the next field, and from the last to the
// review.
func (s *readingScreen) buildForm() {
	u := s.u
	m := s.meter
	hint := lang.L("Перепишите цифры с табло счётчика. Цифры после запятой (обычно в красной рамке) можно не писать.")
	if m.FractionDigits == 0 {
		hint = lang.L("Перепишите цифры с табло счётчика.")
	}
	s.fixNote = para("")
	s.fixNote.Hide()
	box := container.NewVBox(s.fixNote, para(hint))
	s.fields = nil
	for i, z := range m.Zones {
		f := &readingField{zone: z.Code, label: bold(readingZoneLabel(z.Code, len(m.Zones))), entry: widget.NewEntry(), last: para(""), err: errorText()}
		if m.FractionDigits > 0 {
			f.entry.SetPlaceHolder(lang.L("например, 12345,6"))
		} else {
			f.entry.SetPlaceHolder(lang.L("например, 12345"))
		}
		idx := i
		f.entry.OnChanged = func(string) { s.changed() }
		f.entry.OnSubmitted = func(string) {
			u.touch()
			if idx+1 < len(s.fields) {
				u.win.Canvas().Focus(s.fields[idx+1].entry)
				return
			}
			s.toReview()
		}
		s.fields = append(s.fields, f)
		box.Add(f.label)
		box.Add(f.entry)
		box.Add(f.last)
		box.Add(f.err)
	}
	s.general = errorText()
	s.confirmText = bold("")
	s.confirm = widget.NewCheck(lang.L("Да, показание верное"), func(bool) {
		u.touch()
		s.check(false)
	})
	s.confirmBox = container.NewVBox()
	s.preview = bold("")
	s.preview.Hide()
	s.next = u.primary(lang.L("Далее"), s.toReview)
	box.Add(s.general)
	box.Add(s.confirmBox)
	box.Add(s.preview)
	box.Add(readingButtons(s.next))
	s.form = box
	s.updateLast()
}

// updateLast writes under each field what a new reading is counted from:
// the last accepted value before this month, and, when this month's
// reading was already sent, that it will be replaced — the same rule the
// preview and the portal count by (domain.Meter.BaselineFor).
func (s *readingScreen) updateLast() {
	base := s.meter.BaselineFor(domain.DateOf(nowFunc(), domain.Moscow).Period())
	for _, f := range s.fields {
		for _, z := range base.Zones {
			if z.Code != f.zone {
				continue
			}
			var text string
			if z.LastDate.IsZero() {
				text = lang.L("Прошлое показание: {{.Value}}", map[string]any{"Value": z.LastValue.Format(s.meter.FractionDigits)})
			} else {
				text = lang.L("Прошлое показание: {{.Value}} от {{.Date}}", map[string]any{
					"Value": z.LastValue.Format(s.meter.FractionDigits), "Date": dateText(z.LastDate)})
			}
			if r := base.Replaces; r != nil {
				if v, ok := r.Values[f.zone]; ok {
					text += " " + lang.L("В этом месяце уже передано {{.Value}}: новое показание заменит его.", map[string]any{
						"Value": v.Format(s.meter.FractionDigits)})
				}
			}
			f.last.SetText(text)
		}
	}
}

// chooseMeter switches the form to another meter of the account.
func (s *readingScreen) chooseMeter(id string) {
	doc, _, ok := s.u.currentDocument()
	if !ok {
		return
	}
	for _, m := range readingActiveMeters(doc) {
		if m.ID != id {
			continue
		}
		s.meter = m
		s.windowLine.SetText(windowLine(m, doc.Readings, domain.DateOf(nowFunc(), domain.Moscow)))
		s.meterLine.SetText(s.meterDescription(m))
		s.fixID = 0
		s.buildForm()
		s.showStep(readingStepForm)
		return
	}
}

// showStep shows one step; only its widgets are in the window.
func (s *readingScreen) showStep(step readingStep) {
	s.step = step
	switch step {
	case readingStepReview:
		s.stepBox.Objects = []fyne.CanvasObject{s.review}
	case readingStepResult:
		s.stepBox.Objects = []fyne.CanvasObject{s.resultBox}
	default:
		s.stepBox.Objects = []fyne.CanvasObject{s.form}
	}
	s.stepBox.Refresh()
	if s.meterSelect != nil {
		if step == readingStepForm {
			s.meterSelect.Enable()
		} else {
			s.meterSelect.Disable()
		}
	}
}

func (s *readingScreen) focusFirst() {
	if s.step == readingStepForm && len(s.fields) > 0 {
		s.u.win.Canvas().Focus(s.fields[0].entry)
	}
}

// changed runs as the person types: a confirmation was for the values it
// was given, so it is asked again for new ones.
func (s *readingScreen) changed() {
	if s.confirm != nil && s.confirm.Checked {
		s.confirm.Checked = false
		s.confirm.Refresh()
	}
	s.check(false)
}

// check validates the typed values and shows the preview or the broken
// rule next to the field it concerns. Empty fields are not an error while
// typing (submitting says which one is missing). It reports whether the
// values may go to the review.
func (s *readingScreen) check(submitting bool) bool {
	m := s.meter
	values := map[domain.Zone]string{}
	ok, complete := true, true
	for _, f := range s.fields {
		text := strings.TrimSpace(f.entry.Text)
		if text == "" {
			complete = false
			if submitting {
				_, err := domain.ParseReading("", m.Digits, m.FractionDigits)
				setError(f.err, err)
				ok = false
			} else {
				setError(f.err, nil)
			}
			continue
		}
		if _, err := domain.ParseReading(text, m.Digits, m.FractionDigits); err != nil {
			setError(f.err, err)
			ok = false
			continue
		}
		setError(f.err, nil)
		values[f.zone] = text
	}
	setError(s.general, nil)
	var confirmMsg string
	defer func() { s.setConfirm(confirmMsg) }()
	s.setPreview("")
	if !ok || !complete {
		return false
	}
	a, c, err := s.previewFor(values, false)
	needConfirm := domain.ErrorCode(err) == domain.CodeNeedsConfirmation
	if needConfirm {
		confirmMsg = message(err)
		if !s.confirm.Checked {
			return false
		}
		a, c, err = s.previewFor(values, true)
	}
	if err != nil {
		s.placeError(err)
		return false
	}
	s.values, s.assessment, s.charge, s.confirmed = values, a, c, needConfirm
	if c != nil {
		s.setPreview(lang.L("Расход {{.Energy}}, примерно {{.Sum}}", map[string]any{"Energy": s.energy(a.Total), "Sum": money(c.Total)}))
	} else {
		s.setPreview(lang.L("Расход {{.Energy}}", map[string]any{"Energy": s.energy(a.Total)}))
	}
	return true
}

// placeError shows a broken rule under its zone's field, or above the
// button when it concerns no single zone.
func (s *readingScreen) placeError(err error) {
	var de *domain.Error
	if errors.As(err, &de) && de.Field != "" {
		for _, f := range s.fields {
			if string(f.zone) == de.Field {
				setError(f.err, err)
				return
			}
		}
	}
	setError(s.general, err)
}

// setConfirm shows the question of a rollover or an unusual jump with its
// check box, or removes both (and the tick) when nothing is to confirm.
func (s *readingScreen) setConfirm(msg string) {
	if msg == "" {
		if len(s.confirmBox.Objects) > 0 {
			s.confirmBox.Objects = nil
			s.confirmBox.Refresh()
		}
		if s.confirm.Checked {
			s.confirm.Checked = false
			s.confirm.Refresh()
		}
		return
	}
	s.confirmText.SetText("⚠ " + msg)
	if len(s.confirmBox.Objects) == 0 {
		s.confirmBox.Objects = []fyne.CanvasObject{s.confirmText, s.confirm}
		s.confirmBox.Refresh()
	}
}

func (s *readingScreen) setPreview(text string) {
	s.preview.SetText(text)
	if text == "" {
		s.preview.Hide()
	} else {
		s.preview.Show()
	}
}

// energy formats kWh as the portal's answer does (domain.FormatKWh), so
// the review and the result show the same figure.
func (s *readingScreen) energy(d domain.Decimal) string {
	return domain.FormatKWh(d, s.meter.FractionDigits) + " " + lang.L("кВт·ч")
}

// toReview is «Далее»: the review when the values pass, else the first
// field to correct gets the focus.
func (s *readingScreen) toReview() {
	if s.step != readingStepForm {
		return
	}
	if !s.check(true) {
		for _, f := range s.fields {
			if f.err.Visible() || strings.TrimSpace(f.entry.Text) == "" {
				s.u.win.Canvas().Focus(f.entry)
				return
			}
		}
		if len(s.confirmBox.Objects) > 0 {
			s.u.win.Canvas().Focus(s.confirm)
		}
		return
	}
	s.buildReview()
	s.showStep(readingStepReview)
	s.u.win.Canvas().Focus(s.submit)
}

// buildReview writes «Проверьте: День 12 345 → 12 530 (185 кВт·ч,
// 1 029,60 ₽)» per zone and the total.
func (s *readingScreen) buildReview() {
	m, a, c := s.meter, s.assessment, s.charge
	sums := map[domain.Zone]domain.Kopecks{}
	if c != nil {
		for _, l := range c.Lines {
			sums[l.Zone] += l.Amount
		}
	}
	objs := []fyne.CanvasObject{subheading(lang.L("Проверьте показания счётчика № {{.Serial}}", map[string]any{"Serial": m.Serial}))}
	for _, z := range m.Zones {
		data := map[string]any{
			"Zone":   readingZoneName(z.Code, len(m.Zones)),
			"From":   a.From[z.Code].Format(m.FractionDigits),
			"To":     a.Values[z.Code].Format(m.FractionDigits),
			"Energy": s.energy(a.Consumption[z.Code]),
			"Sum":    money(sums[z.Code]),
		}
		var line string
		if c != nil {
			line = lang.L("{{.Zone}}: {{.From}} → {{.To}} ({{.Energy}}, {{.Sum}})", data)
		} else {
			line = lang.L("{{.Zone}}: {{.From}} → {{.To}} ({{.Energy}})", data)
		}
		if a.Rollover[z.Code] {
			line += " — " + lang.L("счётчик прошёл через ноль")
		}
		objs = append(objs, para(line))
	}
	if c != nil {
		objs = append(objs, bold(lang.L("Итого: {{.Energy}}, примерно {{.Sum}}", map[string]any{"Energy": s.energy(a.Total), "Sum": money(c.Total)})),
			para(lang.L("Сумма примерная: точную вы увидите в счёте.")))
	} else {
		objs = append(objs, bold(lang.L("Итого: {{.Energy}}", map[string]any{"Energy": s.energy(a.Total)})))
	}
	if r := a.Replaces; r != nil {
		// A second reading of the month: the figures above are the
		// month's, and the person learns which reading goes away.
		date := map[string]any{"Date": a.ReplacesOn().DayMonth()}
		if r.Status == domain.StatusQueued {
			objs = append(objs, para(lang.L("Новое показание заменит показания от {{.Date}}, которые ещё ждут отправки. Расход считается за весь месяц.", date)))
		} else {
			objs = append(objs, para(lang.L("Новое показание заменит показания, переданные {{.Date}}. Расход считается за весь месяц.", date)))
		}
	}
	if s.confirmed {
		objs = append(objs, para(lang.L("Вы подтвердили, что показание верное.")))
	}
	if w := m.Window; !w.Open && !w.Start.IsZero() {
		objs = append(objs, para(lang.L("Сейчас показания не принимаются. Если вы нажмёте «Передать показания», они сохранятся и будут отправлены {{.Date}}, когда откроется приём.",
			map[string]any{"Date": dateText(w.Start)})))
	}
	objs = append(objs, para(lang.L("Если всё верно, нажмите «Передать показания». Если нет — «Исправить».")),
		readingButtons(s.submit, s.back))
	s.review.Objects = objs
	s.review.Refresh()
}

// send is «Передать показания»: the reading goes to the outbox (checked
// locally, so it is safe on this computer at once), then a sync tries to
// deliver it; the result step says what happened.
func (s *readingScreen) send() {
	u := s.u
	if s.step != readingStepReview {
		return
	}
	q, err := s.queueOrCorrect()
	if err != nil {
		// Back to the form, which says what to change (the data may have
		// changed since the review).
		s.showStep(readingStepForm)
		if readingTooLate(err) {
			// Sent meanwhile: say so; «Далее» now queues a new reading.
			s.endFix()
			setError(s.general, err)
			s.refreshQueue()
			return
		}
		if s.check(false) {
			s.placeError(err)
		}
		return
	}
	s.fixID = 0
	s.lastID, s.notice, s.queuedAt = q.Item.ID, q.Notice, time.Now()
	for _, f := range s.fields {
		f.entry.SetText("")
	}
	s.fixNote.SetText("")
	s.fixNote.Hide()
	s.showStep(readingStepResult)
	// The status line follows the engine's events, which queuing causes.
	if q.Notice != "" {
		// The window is closed: nothing goes before it opens.
		s.showOutcome()
		s.refreshQueue()
		return
	}
	s.sending = true
	s.showOutcome()
	s.refreshQueue()
	svc, id := u.svc, q.Item.ID
	u.run(s.submit, func(ctx context.Context) error {
		_, err := svc.SyncNow(ctx)
		readingAwaitAttempt(ctx, svc, id)
		return err
	}, func(err error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.sending = false
		if err != nil {
			fyne.LogError("send the reading", err)
		}
		s.showOutcome()
		s.refreshQueue()
		// Keyboard users land on the next thing to do.
		if s.step == readingStepResult && len(s.resultBtns.Objects) > 0 {
			if row, ok := s.resultBtns.Objects[0].(*fyne.Container); ok && len(row.Objects) > 0 {
				if f, ok := row.Objects[0].(fyne.Focusable); ok {
					u.win.Canvas().Focus(f)
				}
			}
		}
	})
}

// readingAwaitAttempt waits (off the UI goroutine) until item id has been
// tried: queuing wakes the engine, whose pass may be the one sending it
// while SyncNow returns at once.
func readingAwaitAttempt(ctx context.Context, svc Service, id uint64) {
	deadline := time.Now().Add(20 * time.Second)
	for i := 1; time.Now().Before(deadline); i++ {
		items, err := svc.Outbox()
		if err != nil {
			return
		}
		tried := true
		for _, it := range items {
			if it.ID == id && it.State == cabinet.Waiting && !it.Tried {
				tried = false
			}
		}
		if tried || svc.Status().Paused {
			return // a paused queue tries nothing before the next login
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(100 * time.Millisecond):
		}
		if i%10 == 0 {
			svc.SyncNow(ctx)
		}
	}
}

// findPending returns an item still in the outbox.
func (s *readingScreen) findPending(id uint64) (cabinet.Item, bool) {
	items, _ := s.u.svc.Outbox()
	for _, it := range items {
		if it.ID == id {
			return it, true
		}
	}
	return cabinet.Item{}, false
}

// findSent returns an item the portal accepted.
func (s *readingScreen) findSent(id uint64) (cabinet.Item, bool) {
	items, _ := s.u.svc.SentSince(s.queuedAt.Add(-time.Hour))
	for _, it := range items {
		if it.ID == id {
			return it, true
		}
	}
	return cabinet.Item{}, false
}

// showOutcome says what became of the reading queued last, from the
// outbox's state (so a later delivery updates it).
func (s *readingScreen) showOutcome() {
	if s.step != readingStepResult || s.lastID == 0 {
		return
	}
	var text string
	var btns []fyne.CanvasObject
	if it, ok := s.findPending(s.lastID); ok {
		switch {
		case it.State == cabinet.Refused:
			text = lang.L("Портал не принял показания: {{.Reason}}", map[string]any{"Reason": readingProblem(it)})
			btns = []fyne.CanvasObject{s.fixRefused, s.discard}
		case s.notice != "":
			text = s.notice
			btns = []fyne.CanvasObject{s.again}
		case s.sending:
			text = lang.L("Показания сохранены. Отправляем их на портал…")
		case s.u.svc.Status().Paused:
			text = lang.L("Показания сохранены и будут отправлены, когда вы войдёте в личный кабинет заново.")
			btns = []fyne.CanvasObject{s.again}
		default:
			text = lang.L("Нет связи. Показания сохранены и будут отправлены автоматически.")
			btns = []fyne.CanvasObject{s.again}
		}
	} else if it, ok := s.findSent(s.lastID); ok {
		if msg := readingServerMessage(it); msg != "" {
			text = lang.L("Показания переданы. {{.Message}}", map[string]any{"Message": msg})
		} else {
			text = lang.L("Показания переданы.")
		}
		btns = []fyne.CanvasObject{s.again}
	} else {
		// Deleted: nothing to tell about.
		s.lastID = 0
		s.showStep(readingStepForm)
		return
	}
	s.result.SetText(text)
	s.resultBtns.Objects = readingButtons(btns...).Objects
	s.resultBtns.Refresh()
}

// readingButtons puts buttons one under another, each as wide as its
// words: a row of them would be cut off at twice the text size.
func readingButtons(btns ...fyne.CanvasObject) *fyne.Container {
	box := container.NewVBox()
	for _, b := range btns {
		box.Add(container.NewHBox(b))
	}
	return box
}

// readingServerMessage is the portal's sentence about an accepted reading.
func readingServerMessage(it cabinet.Item) string {
	if it.Answer == nil {
		return ""
	}
	return it.Answer.Message
}

// readingProblem is the portal's reason for refusing an item.
func readingProblem(it cabinet.Item) string {
	return problemText(it.Problem)
}

// fixItem puts a refused or waiting reading back into the form; the
// corrected values replace it in the queue, under a new key.
func (s *readingScreen) fixItem(it cabinet.Item) {
	if it.Meter != s.meter.ID {
		found := false
		for i, id := range s.meterIDs {
			if id == it.Meter {
				found = true
				s.meterSelect.SetSelectedIndex(i) // rebuilds the form
			}
		}
		if !found {
			return
		}
	}
	s.lastID = 0
	s.showStep(readingStepForm)
	for _, f := range s.fields {
		f.entry.SetText(it.Values[f.zone])
	}
	s.fixID = it.ID
	if it.State == cabinet.Refused {
		s.fixNote.SetText(lang.L("Портал не принял эти показания: {{.Reason}} Исправьте их и нажмите «Далее» — непринятые показания заменятся исправленными.",
			map[string]any{"Reason": readingProblem(it)}))
	} else {
		s.fixNote.SetText(lang.L("Исправьте показания, которые ждут отправки, и нажмите «Далее» — на портал уйдут только исправленные."))
	}
	s.fixNote.Show()
	s.focusFirst()
}

// askDiscard deletes a refused reading after the person says yes.
func (s *readingScreen) askDiscard(it cabinet.Item) {
	u := s.u
	d := dialog.NewCustomConfirm(lang.L("Удалить показания?"), lang.L("Удалить"), lang.L("Не удалять"),
		para(lang.L("Эти показания не будут переданы. Удалить их?")), func(yes bool) {
			u.touch()
			if !yes {
				return
			}
			if err := u.svc.Discard(it.ID); err != nil {
				u.showError(err)
				return
			}
			if it.ID == s.fixID {
				s.fixID = 0
				s.fixNote.SetText("")
				s.fixNote.Hide()
			}
			if it.ID == s.lastID {
				s.lastID = 0
				s.showStep(readingStepForm)
			}
			s.refreshQueue()
			if u.shell != nil {
				u.shell.updateStatus()
			}
		}, u.win)
	u.showDialog(d)
}

// Refresh shows new data in place: the last values, the window, the queue
// and the outcome; what the person typed stays.
func (s *readingScreen) Refresh() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.body == nil {
		return
	}
	doc, _, ok := s.u.currentDocument()
	if !ok {
		return
	}
	if s.meter.ID == "" {
		s.build() // the first data arrived; there was no form yet
		return
	}
	active := readingActiveMeters(doc)
	var ids []string
	found := false
	for _, m := range active {
		ids = append(ids, m.ID)
		if m.ID == s.meter.ID {
			s.meter, found = m, true
		}
	}
	if !found || (len(active) > 1 && strings.Join(ids, "\n") != strings.Join(s.meterIDs, "\n")) || (len(active) == 1 && s.meterSelect != nil) {
		s.build() // the meters changed
		return
	}
	s.accountLine.SetText(s.u.accountTitle(doc))
	s.windowLine.SetText(windowLine(s.meter, doc.Readings, domain.DateOf(nowFunc(), domain.Moscow)))
	s.meterLine.SetText(s.meterDescription(s.meter))
	s.updateLast()
	switch s.step {
	case readingStepForm:
		s.check(false)
	case readingStepResult:
		s.showOutcome()
	}
	s.refreshQueue()
}

// refreshQueue lists the account's readings that wait or were refused,
// and the last ones delivered.
func (s *readingScreen) refreshQueue() {
	u := s.u
	if s.queue == nil {
		return
	}
	doc, _, _ := u.currentDocument()
	var objs []fyne.CanvasObject
	items, _ := u.svc.Outbox()
	for _, it := range items {
		if it.Kind != cabinet.KindReading || it.Account != u.account {
			continue
		}
		objs = append(objs, para("• "+s.describe(doc, it)+" — "+s.stateWords(it)))
		if it.State == cabinet.Refused {
			item := it
			var btns []fyne.CanvasObject
			if s.offers(it.Meter) {
				btns = append(btns, u.button(lang.L("Исправить"), func() { s.fixItem(item) }))
			}
			btns = append(btns, u.button(lang.L("Удалить"), func() { s.askDiscard(item) }))
			objs = append(objs, readingButtons(btns...))
		} else if it.Changeable {
			objs = append(objs, s.waitingButtons(it))
		}
	}
	sent, _ := u.svc.SentSince(nowFunc().AddDate(0, 0, -62))
	shown := 0
	for i := len(sent) - 1; i >= 0 && shown < 5; i-- {
		it := sent[i]
		if it.Kind != cabinet.KindReading || it.Account != u.account {
			continue
		}
		objs = append(objs, para("• "+s.describe(doc, it)+" — "+s.stateWords(it)))
		shown++
	}
	if len(objs) == 0 {
		objs = append(objs, para(lang.L("Показаний, переданных с этого компьютера, пока нет.")))
	}
	s.queue.Objects = objs
	s.queue.Refresh()
}

// offers reports whether the form can show the meter.
func (s *readingScreen) offers(id string) bool {
	if id == s.meter.ID {
		return true
	}
	for _, m := range s.meterIDs {
		if m == id {
			return true
		}
	}
	return false
}

// describe names a queued reading: «Счётчик № 35087264: 18 500,0» or
// «Счётчик № 012457896: День 12 345,0, Ночь 6 789,0».
func (s *readingScreen) describe(doc *domain.AccountDocument, it cabinet.Item) string {
	var meter *domain.Meter
	if doc != nil {
		for i := range doc.Meters {
			if doc.Meters[i].ID == it.Meter {
				meter = &doc.Meters[i]
			}
		}
	}
	if meter == nil {
		return describeItem(it)
	}
	var parts []string
	for _, z := range meter.Zones {
		text, ok := it.Values[z.Code]
		if !ok {
			continue
		}
		if v, err := domain.ParseReading(text, meter.Digits, meter.FractionDigits); err == nil {
			text = v.Format(meter.FractionDigits)
		}
		if len(meter.Zones) > 1 {
			text = readingZoneName(z.Code, len(meter.Zones)) + " " + text
		}
		parts = append(parts, text)
	}
	return lang.L("Счётчик № {{.Serial}}: {{.Values}}", map[string]any{"Serial": meter.Serial, "Values": strings.Join(parts, ", ")})
}

// stateWords says where an item is: «ждёт отправки», «не принято: …»,
// «отправлено 27.11 в 14:05».
func (s *readingScreen) stateWords(it cabinet.Item) string {
	switch it.State {
	case cabinet.Delivered:
		t := it.SentAt.In(domain.Moscow)
		return lang.L("отправлено {{.Date}} в {{.Time}}", map[string]any{"Date": t.Format("02.01"), "Time": t.Format("15:04")})
	case cabinet.Refused:
		return lang.L("не принято: {{.Reason}}", map[string]any{"Reason": readingProblem(it)})
	}
	if it.KeptForWindow(time.Now()) {
		return lang.L("будет отправлено {{.Date}}, когда откроется приём показаний", map[string]any{"Date": dateText(domain.DateOf(it.NextAttempt, domain.Moscow))})
	}
	return lang.L("ждёт отправки")
}
