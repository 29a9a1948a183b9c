package app

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"kabinet/internal/cabinet"
	"kabinet/internal/domain"
	"kabinet/internal/portaldb"
)

// TestReadingBehindARefusedOneSaysWhatItWaitsFor: with a refused reading
// of the meter still in the queue, a new reading waits behind it. The
// screen says so at once and offers the refused one — it used to show
// «Отправляем…» for 20 s and then a false «Нет связи».
func TestReadingBehindARefusedOneSaysWhatItWaitsFor(t *testing.T) {
	tu, s := readingUI(t, "100001")
	if err := tu.portal.DB.Write(context.Background(), func(tx *portaldb.Tx) error {
		_, err := tx.ExecContext(context.Background(), `UPDATE reading_values SET value = value + 10000 WHERE reading_id =
			(SELECT id FROM readings WHERE meter_id = ? AND status = 'accepted' ORDER BY taken_on DESC, id DESC LIMIT 1)`, s.meter.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	readingType(s, 0, readingAbove(s, 0, 50))
	readingSubmit(t, tu, s)
	readingWaitResult(t, tu, s, "Портал не принял показания")
	refused, _ := tu.svc.Outbox()
	if len(refused) != 1 || refused[0].State != cabinet.Refused {
		t.Fatalf("outbox %+v", refused)
	}
	// The data came back with the portal's value: a reading above it
	// passes the local check, and waits behind the refused one.
	readingTap(s, func() fyne.Tappable {
		return readingResultButton(t, s, "Вернуться к вводу показаний")
	})
	tu.waitFor(func() bool { pump(); return s.meter.Zones[0].LastValue > 10000*domain.DecimalScale }, "the portal's value")
	readingType(s, 0, readingAbove(s, 0, 150))
	readingSubmit(t, tu, s)
	got := readingWaitResult(t, tu, s, "ждут, пока вы исправите или удалите непринятые показания от "+refused[0].TakenOn.DayMonth())
	if strings.Contains(got, "Нет связи") {
		t.Fatalf("the result says %q", got)
	}
	readingTap(s, func() fyne.Tappable {
		return readingResultButton(t, s, "Открыть непринятые показания")
	})
	if texts := readingTexts(tu, s); readingStepNow(s) != readingStepForm || !contains(texts, "Портал не принял эти показания") {
		t.Fatalf("the refused reading is not opened: %q", texts)
	}
	if s.fixID != refused[0].ID || s.form.fields[0].entry.Text != refused[0].Values[domain.T1] {
		t.Fatalf("the form holds %q for item %d", s.form.fields[0].entry.Text, s.fixID)
	}
}

// TestReadingAcceptedLaterIsNoticed: a reading that waited offline is
// accepted after the person left the screen; a notice says so, with the
// portal's time, wherever the person is.
func TestReadingAcceptedLaterIsNoticed(t *testing.T) {
	tu, s := readingUI(t, "100001")
	tu.portal.Down.Store(true)
	readingType(s, 0, readingAbove(s, 0, 120))
	readingSubmit(t, tu, s)
	readingWaitResult(t, tu, s, "Нет связи")
	fyne.DoAndWait(func() { tu.navigate("home") })
	tu.portal.Down.Store(false)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tu.waitFor(func() bool {
		if items, _ := tu.svc.Outbox(); len(items) > 0 {
			tu.svc.SyncNow(ctx)
			return false
		}
		return tu.UI.notice != nil
	}, "the notice")
	sent, _ := tu.svc.SentSince(time.Time{})
	at := sent[0].SentAt.In(domain.Moscow)
	want := "Показания по счётчику № " + s.meter.Serial + " приняты порталом " + at.Format("02.01") + " в " + at.Format("15:04")
	if text := tu.UI.notice.list.Text; !strings.Contains(text, want) {
		t.Fatalf("the notice says %q, want %q", text, want)
	}
}

// TestClosingWithReadingsWaitingAsksFirst: on a home computer, closing the
// window with readings not yet sent says they go at the next start;
// «Остаться» keeps the window.
func TestClosingWithReadingsWaitingAsksFirst(t *testing.T) {
	tu, s := readingUI(t, "100001")
	tu.portal.Down.Store(true)
	readingType(s, 0, readingAbove(s, 0, 120))
	readingSubmit(t, tu, s)
	readingWaitResult(t, tu, s, "Нет связи")
	fyne.DoAndWait(tu.closeWindow)
	var texts []string
	fyne.DoAndWait(func() { texts = objectTexts(t, tu.win.Canvas().Overlays().Top()) })
	if !contains(texts, "Показания (1) ещё не отправлены. Они сохранены и уйдут при следующем запуске.") || !contains(texts, "Остаться") {
		t.Fatalf("closing says %q", texts)
	}
	var stay *widget.Button
	fyne.DoAndWait(func() {
		walkWidgets(t, tu.win.Canvas().Overlays().Top(), func(w fyne.Widget) {
			if b, ok := w.(*widget.Button); ok && b.Text == "Остаться" {
				stay = b
			}
		})
	})
	test.Tap(stay)
	if tu.UI.ended != nil {
		t.Fatal("«Остаться» closed the program")
	}
}

// fakeReadings is the personal account the reading screen sees, without a
// portal: one account with a one-zone meter.
type fakeReadings struct {
	doc     cabinet.Document
	outbox  []cabinet.Item
	sent    []cabinet.Item
	queued  []cabinet.Item
	removed []uint64
}

func newFakeReadings() *fakeReadings {
	today := domain.DateOf(time.Now(), domain.Moscow)
	m := domain.Meter{ID: "m1", Serial: "35087264", Model: "Меркурий 201.5", Digits: 6, FractionDigits: 1,
		Zones:  []domain.MeterZone{{Code: domain.T1, LastValue: domain.DecimalFromInt(12345), LastDate: today.AddDays(-40)}},
		Window: domain.WindowState{Open: true, Start: today, End: today, Today: today}}
	return &fakeReadings{doc: cabinet.Document{Doc: domain.AccountDocument{
		Account: &domain.Account{Number: "1100012345", Title: "Иванова Мария Петровна", Address: "г. Сыктывкар, ул. Ленина, д. 1, кв. 2"},
		Meters:  []domain.Meter{m}}}}
}

func (f *fakeReadings) Document(string) (cabinet.Document, bool, error) { return f.doc, true, nil }
func (f *fakeReadings) Preview(_, _ string, v map[domain.Zone]string, c bool) (domain.Assessment, *domain.Charge, error) {
	m := f.doc.Doc.Meters[0]
	a, err := domain.CheckReading(&m, domain.Submission{Values: v, Confirm: c}, time.Now(), domain.AlwaysOpen)
	return a, &domain.Charge{Lines: []domain.ChargeLine{{Zone: domain.T1, Amount: 102960}}, Total: 102960}, err
}
func (f *fakeReadings) PreviewCorrection(_ uint64, v map[domain.Zone]string, c bool) (domain.Assessment, *domain.Charge, error) {
	return f.Preview("", "", v, c)
}
func (f *fakeReadings) QueueReading(account, meter string, v map[domain.Zone]string, c bool) (cabinet.QueuedReading, error) {
	it := cabinet.Item{ID: 7, Kind: cabinet.KindReading, Account: account, Meter: meter, Values: v, State: cabinet.Waiting,
		TakenOn: domain.DateOf(time.Now(), domain.Moscow), Changeable: true}
	f.queued = append(f.queued, it)
	f.outbox = append(f.outbox, it)
	return cabinet.QueuedReading{Item: it}, nil
}
func (f *fakeReadings) CorrectReading(id uint64, v map[domain.Zone]string, c bool) (cabinet.QueuedReading, error) {
	return cabinet.QueuedReading{Item: cabinet.Item{ID: id}}, nil
}
func (f *fakeReadings) Outbox() ([]cabinet.Item, error)             { return f.outbox, nil }
func (f *fakeReadings) SentSince(time.Time) ([]cabinet.Item, error) { return f.sent, nil }
func (f *fakeReadings) ReceiptPDF(w io.Writer, r cabinet.ReadingReceipt) error {
	_, err := io.WriteString(w, "receipt "+r.Number)
	return err
}
func (f *fakeReadings) Discard(id uint64) error { f.removed = append(f.removed, id); return nil }
func (f *fakeReadings) WithdrawReading(id uint64) error {
	f.removed = append(f.removed, id)
	return nil
}

// fakeReadingScreen is the reading screen on svc in a window of its own.
func fakeReadingScreen(t *testing.T, svc *fakeReadings) (*UI, *readingScreen) {
	a := fyne.CurrentApp()
	if a == nil {
		a = test.NewTempApp(t)
	}
	u := New(a, Options{})
	u.account = "1100012345"
	s := newReadingScreen(deps[readingService]{frame: u, svc: svc, account: u.account}, nil)
	u.win.SetContent(s.Content())
	u.win.Resize(fyne.NewSize(900, 700))
	return u, s
}

// the refused reading of 20.11 the new one waits behind.
func fakeRefused() cabinet.Item {
	return cabinet.Item{ID: 5, Kind: cabinet.KindReading, Account: "1100012345", Meter: "m1", State: cabinet.Refused,
		Values: map[domain.Zone]string{domain.T1: "12300"}, TakenOn: domain.NewDate(2026, 11, 20),
		Problem: &cabinet.Problem{Code: domain.CodeLowerThanPrevious}}
}

// TestReadingResultFollowsTheEventsOfItsItem: after «Передать» the result
// says «Отправляем…» and then what the events for this item say; events
// of other items change nothing.
func TestReadingResultFollowsTheEventsOfItsItem(t *testing.T) {
	svc := newFakeReadings()
	u, s := fakeReadingScreen(t, svc)
	readingType(s, 0, "12500")
	readingTap(s, s.nextButton)
	if s.step != readingStepReview {
		t.Fatalf("no review: %q", objectTexts(t, s.page))
	}
	readingTap(s, s.submitButton)
	if len(svc.queued) != 1 || svc.queued[0].Values[domain.T1] != "12500" || !strings.Contains(s.result.text.Text, "Отправляем") {
		t.Fatalf("queued %+v; the result says %q", svc.queued, s.result.text.Text)
	}
	other := cabinet.Item{ID: 3, Kind: cabinet.KindReading}
	if s.OnEvent(cabinet.Event{Kind: cabinet.ItemRetrying, Item: &other}) || !strings.Contains(s.result.text.Text, "Отправляем") {
		t.Fatalf("another item's event changed the result: %q", s.result.text.Text)
	}
	svc.outbox = append([]cabinet.Item{fakeRefused()}, svc.outbox...)
	mine := svc.queued[0]
	if !s.OnEvent(cabinet.Event{Kind: cabinet.ItemBlocked, Item: &mine, Behind: 5}) {
		t.Fatal("the blocked event is not shown")
	}
	if want := "ждут, пока вы исправите или удалите непринятые показания от 20.11."; !strings.Contains(s.result.text.Text, want) {
		t.Fatalf("blocked: %q", s.result.text.Text)
	}
	test.Tap(readingResultButton(t, s, "Открыть непринятые показания"))
	if s.step != readingStepForm || s.fixID != 5 || s.form.fields[0].entry.Text != "12300" {
		t.Fatalf("the refused reading is not in the form: step %v, fix %d", s.step, s.fixID)
	}
	// Back to the result: the delivery names the portal's time.
	s.lastID = 7
	s.showStep(readingStepResult)
	at := time.Date(2026, 12, 5, 11, 32, 0, 0, time.UTC)
	mine.State, mine.Answer = cabinet.Delivered, &cabinet.Answer{Message: "Показания приняты. Расход за месяц 155 кВт·ч.", AcceptedAt: at}
	s.OnEvent(cabinet.Event{Kind: cabinet.ItemDelivered, Item: &mine})
	if want := "Показания переданы. Показания приняты. Расход за месяц 155 кВт·ч. Портал принял их 05.12 в 14:32."; s.result.text.Text != want {
		t.Fatalf("delivered: %q, want %q", s.result.text.Text, want)
	}
	// The queue offers what can be done with the refused reading.
	s.refreshQueue()
	texts := objectTexts(t, s.queue.box)
	if !contains(texts, "Счётчик № 35087264: 12\u202f300,0 — не принято") || !contains(texts, "Удалить") || !contains(texts, "Отменить отправку") {
		t.Fatalf("the queue shows %q", texts)
	}
	_ = u
}

// TestReadingReviewIsInViewAndTakesTheKeys: after «Далее» the review is
// scrolled into view at the largest text; Escape goes back, Enter saves.
func TestReadingReviewIsInViewAndTakesTheKeys(t *testing.T) {
	svc := newFakeReadings()
	u, s := fakeReadingScreen(t, svc)
	u.SetTextSize(len(textScales) - 1)
	u.win.Resize(fyne.NewSize(900, 500))
	readingType(s, 0, "12500")
	readingTap(s, s.nextButton)
	if s.step != readingStepReview {
		t.Fatal("no review")
	}
	d := fyne.CurrentApp().Driver()
	top := d.AbsolutePositionForObject(s.review).Y - d.AbsolutePositionForObject(s.page.Content).Y - s.page.Offset.Y
	if top < 0 || top > s.page.Size().Height/2 {
		t.Errorf("the review starts %v below the top of a %v high page", top, s.page.Size().Height)
	}
	if u.win.Canvas().Focused() != s.submit {
		t.Fatalf("the focus is on %T", u.win.Canvas().Focused())
	}
	s.submit.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if s.step != readingStepForm || s.form.fields[0].entry.Text != "12500" {
		t.Fatal("Escape did not go back to the form with the values")
	}
	readingTap(s, s.nextButton)
	readingDo(s, func() { s.submit.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) })
	if len(svc.queued) != 1 || s.step != readingStepResult {
		t.Fatalf("Enter did not save the reading: %d saved, step %v", len(svc.queued), s.step)
	}
}

// TestReadingReviewSaysTheMonth: the review is built from the meter, the
// check and the charge alone.
func TestReadingReviewSaysTheMonth(t *testing.T) {
	test.NewTempApp(t)
	LoadTranslations(false)
	m := newFakeReadings().doc.Doc.Meters[0]
	m.Window = domain.WindowState{Open: false, Start: domain.NewDate(2026, 12, 15)}
	a := domain.Assessment{From: map[domain.Zone]domain.Decimal{domain.T1: domain.DecimalFromInt(12345)},
		Values:      map[domain.Zone]domain.Decimal{domain.T1: domain.DecimalFromInt(12500)},
		Consumption: map[domain.Zone]domain.Decimal{domain.T1: domain.DecimalFromInt(155)}, Total: domain.DecimalFromInt(155),
		Replaces: &domain.Reading{Status: domain.StatusAccepted, TakenOn: domain.NewDate(2026, 12, 2), SubmittedAt: "2026-12-02T10:00:00+03:00"}}
	c := &domain.Charge{Lines: []domain.ChargeLine{{Zone: domain.T1, Amount: 102960}}, Total: 102960}
	var texts []string
	for _, o := range readingReview(m, a, c, true) {
		texts = append(texts, o.(*widget.Label).Text)
	}
	for _, want := range []string{"Проверьте показания счётчика № 35087264", "Показание: 12\u202f345,0 → 12\u202f500,0 (155 кВт·ч, 1\u202f029,60 ₽)",
		"Итого: 155 кВт·ч, примерно 1\u202f029,60 ₽", "заменит показания, переданные", "Вы подтвердили", "будут отправлены 15.12.2026"} {
		if !contains(texts, want) {
			t.Errorf("the review does not say %q: %q", want, texts)
		}
	}
}

// TestReadingFlowInEnglishHasNoRussian walks the form, the review, every
// result and the queue with the English strings: only the customer's own
// data (name, address, meter model) may be in Cyrillic.
func TestReadingFlowInEnglishHasNoRussian(t *testing.T) {
	svc := newFakeReadings()
	t.Cleanup(func() { LoadTranslations(false) })
	t.Setenv("LANGUAGE", "en")
	t.Setenv("LC_ALL", "en_US.UTF-8")
	test.NewTempApp(t)
	LoadTranslations(true)
	_, s := fakeReadingScreen(t, svc)
	own := []string{"Иванова Мария Петровна", "г. Сыктывкар, ул. Ленина, д. 1, кв. 2", "Меркурий 201.5"}
	check := func(step string) {
		t.Helper()
		for _, text := range objectTexts(t, s.page) {
			for _, o := range own {
				text = strings.ReplaceAll(text, o, "")
			}
			if strings.ContainsFunc(text, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }) {
				t.Errorf("%s: %q", step, text)
			}
		}
	}
	check("the form")
	readingType(s, 0, "12500")
	check("the preview")
	readingTap(s, s.nextButton)
	check("the review")
	readingTap(s, s.submitButton)
	check("sending")
	svc.outbox = append([]cabinet.Item{fakeRefused()}, svc.outbox...)
	mine := svc.queued[0]
	at := time.Date(2026, 12, 5, 11, 32, 0, 0, time.UTC)
	delivered := mine
	delivered.State, delivered.SentAt = cabinet.Delivered, at
	delivered.Answer = &cabinet.Answer{Message: "Показания приняты. Расход за месяц 155 кВт·ч.", AcceptedAt: at,
		Reading: &domain.Reading{Consumption: map[domain.Zone]domain.Decimal{domain.T1: domain.DecimalFromInt(155)}}}
	refused := fakeRefused()
	refused.ID = mine.ID
	for _, e := range []cabinet.Event{
		{Kind: cabinet.ItemBlocked, Item: &mine, Behind: 5},
		{Kind: cabinet.ItemRetrying, Item: &mine},
		{Kind: cabinet.ItemKept, Item: &mine, NextAttempt: at},
		{Kind: cabinet.PausedForLogin, Item: &mine},
		{Kind: cabinet.ItemRefused, Item: &refused},
		{Kind: cabinet.ItemDelivered, Item: &delivered},
	} {
		s.showStep(readingStepResult)
		s.OnEvent(e)
		check(s.result.text.Text)
	}
	if !strings.Contains(s.result.text.Text, "Consumption for the month: 155 kWh") {
		t.Errorf("delivered in English: %q", s.result.text.Text)
	}
	svc.sent = []cabinet.Item{delivered}
	s.refreshQueue()
	check("the queue")
}
