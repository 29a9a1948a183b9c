package app

import (
	"io"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"kabinet/internal/cabinet"
	"kabinet/internal/domain"
)

// readingService is what the reading screen asks of the personal account.
type readingService interface {
	Document(account string) (cabinet.Document, bool, error)
	Preview(account, meterID string, values map[domain.Zone]string, confirm bool) (domain.Assessment, *domain.Charge, error)
	PreviewCorrection(id uint64, values map[domain.Zone]string, confirm bool) (domain.Assessment, *domain.Charge, error)
	QueueReading(account, meterID string, values map[domain.Zone]string, confirm bool) (cabinet.QueuedReading, error)
	CorrectReading(id uint64, values map[domain.Zone]string, confirm bool) (cabinet.QueuedReading, error)
	Outbox() ([]cabinet.Item, error)
	SentSince(t time.Time) ([]cabinet.Item, error)
	Discard(id uint64) error
	WithdrawReading(id uint64) error
	ReceiptPDF(w io.Writer, r cabinet.ReadingReceipt) error
}

// receiptPrinter makes the buttons that print an accepted reading's
// receipt: the window's; a test may pass its own or none.
type receiptPrinter interface {
	receiptButtons(name func() string, write func(io.Writer) error) fyne.CanvasObject
	receiptButton(name func() string, write func(io.Writer) error) fyne.CanvasObject
}

// readingStep is where the person is on the reading screen: typing the
// values, checking them before they go, or reading what happened.
type readingStep int

const (
	readingStepForm readingStep = iota
	readingStepReview
	readingStepResult
)

// readingScreen («Ввод показаний приборов учета») takes the readings of one
// meter at a time: the meter choice, the form with its live check, the
// review, the result (from the engine's events for the item), and below,
// the queue. It refreshes in place, so a sync never wipes what the person
// is typing.
type readingScreen struct {
	frame   frame
	svc     readingService
	account string
	kit     readingKit
	page    *lineScroll
	body    *fyne.Container

	accountLine, windowLine, meterLine *widget.Label
	choice                             *readingMeterChoice
	meter                              domain.Meter // the chosen meter as last received

	form   *readingForm
	review *fyne.Container
	submit *keyButton // «Передать показания»
	back   *widget.Button
	result *readingResult
	queue  *readingQueue

	step    readingStep
	stepBox *fyne.Container

	checkGen uint64       // the latest check asked for; older answers are dropped
	checked  readingCheck // what the review shows and «Передать» saves

	fixID     uint64 // the queued reading being corrected
	lastID    uint64 // the reading the result step is about
	saving    bool   // «Передать» is saving; events wait in early
	early     map[uint64]cabinet.Event
	awaitSent bool   // the result waits for the engine's word on lastID
	want      string // the meter to show first, when asked for by ID
}

// newReadingScreen builds the screen for the account of d; its buttons,
// focus and dialogs are d's frame's; p prints receipts (nil: no receipt
// buttons).
func newReadingScreen(d deps[readingService], p receiptPrinter) *readingScreen {
	s := &readingScreen{frame: d.frame, svc: d.svc, account: d.account, want: d.found}
	s.kit = readingKit{button: d.button, primary: d.primary, focus: d.focus}
	if p != nil {
		svc := d.svc
		write := func(r cabinet.ReadingReceipt) func(io.Writer) error {
			return func(w io.Writer) error { return svc.ReceiptPDF(w, r) }
		}
		s.kit.receipt = func(r cabinet.ReadingReceipt) fyne.CanvasObject {
			return p.receiptButtons(r.FileName, write(r))
		}
		s.kit.receiptRow = func(r cabinet.ReadingReceipt) fyne.CanvasObject {
			return p.receiptButton(r.FileName, write(r))
		}
	}
	return s
}

// Content builds the screen.
func (s *readingScreen) Content() fyne.CanvasObject {
	s.body = container.NewVBox()
	s.build()
	s.page = page(lang.L("Ввод показаний приборов учета"), s.body).(*lineScroll)
	return s.page
}

// document is the shown account's data, if stored.
func (s *readingScreen) document() (*domain.AccountDocument, bool) {
	doc, _, ok := storedDocument(s.svc, s.account)
	return doc, ok
}

// build lays out the whole screen from the stored document.
func (s *readingScreen) build() {
	doc, ok := s.document()
	s.choice = &readingMeterChoice{}
	if !ok {
		s.meter = domain.Meter{}
		s.setBody(noData())
		return
	}
	s.accountLine = para(accountTitle(s.account, doc))
	s.queue = newReadingQueue(s.kit)
	s.queue.OnFix, s.queue.OnDiscard, s.queue.OnWithdraw = s.fixItem, s.askDiscard, s.askWithdraw
	queueCard := widget.NewCard("", "", container.NewVBox(subheading(lang.L("Отправка показаний")), s.queue.box))
	active := readingActiveMeters(doc)
	if len(active) == 0 {
		s.meter = domain.Meter{}
		s.setBody(s.accountLine, para(lang.L("На этом лицевом счёте нет действующих счётчиков. Если счётчик установлен, позвоните в контакт-центр.")), queueCard)
		s.refreshQueue()
		return
	}
	// The meter shown before a rebuild stays; at first the one asked for
	// (Главная's banner names it).
	want := s.meter.ID
	if want == "" {
		want = s.want
	}
	s.meter = active[0]
	for _, m := range active {
		if m.ID == want {
			s.meter = m
		}
	}
	s.windowLine = bold("")
	s.meterLine = para("")
	objs := []fyne.CanvasObject{s.windowLine}
	s.choice = newReadingMeterChoice(active, s.meter.ID, func(id string) { s.frame.touch(); s.chooseMeter(id) })
	if s.choice.sel != nil {
		objs = append(objs, bold(lang.L("Счётчик")), s.choice.sel)
	}
	s.review = container.NewVBox()
	s.back = s.frame.button(lang.L("Исправить"), s.toForm)
	s.submit = newKeyButton(s.frame.primary(lang.L("Передать показания"), s.send), s.toForm)
	s.result = newReadingResult(s.kit)
	s.result.OnFix = s.fixItem
	s.result.OnDiscard = func(it cabinet.Item) { s.askDiscard(it, nil) }
	s.result.OnAgain = func() { s.lastID = 0; s.toForm() }
	s.stepBox = container.NewVBox()
	// The window and the form first: at twice the text on a 1366×768
	// screen the field and «Далее» are in view. The meter's description
	// and the account's address (named in the top bar too) after them.
	s.setBody(append(objs, widget.NewSeparator(), s.stepBox, s.meterLine, s.accountLine, queueCard)...)
	s.chooseMeter(s.meter.ID)
	s.refreshQueue()
}

func (s *readingScreen) setBody(objs ...fyne.CanvasObject) {
	s.body.Objects = objs
	s.body.Refresh()
}

// chooseMeter shows the form for a meter of the account.
func (s *readingScreen) chooseMeter(id string) {
	doc, ok := s.document()
	if !ok {
		return
	}
	for _, m := range readingActiveMeters(doc) {
		if m.ID != id {
			continue
		}
		s.meter, s.fixID = m, 0
		s.showMeter(doc)
		s.form = newReadingForm(m, s.kit)
		s.form.OnCheck = func(v map[domain.Zone]string, c bool) { s.check(v, c, false) }
		s.form.OnNext = func(v map[domain.Zone]string, c bool) { s.check(v, c, true) }
		s.form.ShowLast(domain.DateOf(nowFunc(), domain.Moscow))
		s.showStep(readingStepForm)
		return
	}
}

func (s *readingScreen) showMeter(doc *domain.AccountDocument) {
	s.windowLine.SetText(windowLine(s.meter, doc.Readings, domain.DateOf(nowFunc(), domain.Moscow)))
	s.meterLine.SetText(readingMeterDescription(s.meter))
}

// showStep shows one step; only its widgets are in the window.
func (s *readingScreen) showStep(step readingStep) {
	s.step = step
	s.stepBox.Objects = []fyne.CanvasObject{s.form.box}
	switch step {
	case readingStepReview:
		s.stepBox.Objects = []fyne.CanvasObject{s.review}
	case readingStepResult:
		s.stepBox.Objects = []fyne.CanvasObject{s.result.box}
	}
	s.stepBox.Refresh()
	s.choice.enable(step == readingStepForm)
}

// toForm goes back to the form, keeping what was typed.
func (s *readingScreen) toForm() {
	s.showStep(readingStepForm)
	s.form.FocusFirst()
}

// toReview shows the review of the checked values, in view, with the
// focus on «Передать показания».
func (s *readingScreen) toReview() {
	r := s.checked
	s.review.Objects = append(readingReview(s.meter, r.a, r.c, r.confirmed()), readingButtons(s.submit, s.back))
	s.review.Refresh()
	s.showStep(readingStepReview)
	s.scrollTo(s.review)
	s.kit.focus(s.submit)
}

// scrollTo scrolls the page so that o's top is in view (at twice the text
// size the review starts below the fold).
func (s *readingScreen) scrollTo(o fyne.CanvasObject) {
	if s.page == nil || fyne.CurrentApp() == nil {
		return
	}
	s.body.Refresh()
	s.page.Refresh()
	d := fyne.CurrentApp().Driver()
	y := d.AbsolutePositionForObject(o).Y - d.AbsolutePositionForObject(s.page.Content).Y
	s.page.ScrollToOffset(fyne.NewPos(0, y))
}

// Refresh shows new data in place: the last values, the window and the
// queue; what the person typed stays.
func (s *readingScreen) Refresh() {
	if s.body == nil {
		return
	}
	doc, ok := s.document()
	if !ok {
		return
	}
	active := readingActiveMeters(doc)
	found := false
	for _, m := range active {
		if m.ID == s.meter.ID {
			s.meter, found = m, true
		}
	}
	if s.meter.ID == "" || !found || !s.choice.matches(active) {
		s.build() // the first data arrived, or the meters changed
		return
	}
	s.accountLine.SetText(accountTitle(s.account, doc))
	s.showMeter(doc)
	s.form.meter = s.meter
	s.form.ShowLast(domain.DateOf(nowFunc(), domain.Moscow))
	if s.step == readingStepForm {
		s.form.recheck()
	}
	s.refreshQueue()
}

// refreshQueue lists the account's readings that wait, were refused, or
// went lately.
func (s *readingScreen) refreshQueue() {
	if s.queue == nil {
		return
	}
	doc, _ := s.document()
	pending, _ := s.svc.Outbox()
	sent, _ := s.svc.SentSince(nowFunc().AddDate(0, 0, -62))
	s.queue.Show(doc, s.account, pending, sent, s.fixable, nowFunc())
}

// fixable reports whether the form can show the meter.
func (s *readingScreen) fixable(id string) bool { return id == s.meter.ID || s.choice.offers(id) }

// focusFirst puts the cursor in the first field when the screen opens, so
// a person can type the reading at once.
func (s *readingScreen) focusFirst() {
	if s.form != nil && s.step == readingStepForm {
		s.form.FocusFirst()
	}
}
