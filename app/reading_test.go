package app

import (
	"context"
	"encoding/json"
	"kabinet/internal/cabinet"
	"kabinet/internal/domain"
	"kabinet/internal/portaldb"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// readingUI logs customer in on the demo portal and opens «Ввод показаний
// приборов учета». The locale is Russian: Fyne's translation bundle is
// global and keeps the English strings once a test has loaded them, and
// under LANG=C.UTF-8 the localizer would pick them.
func readingUI(t *testing.T, customer string) (*testUI, *readingScreen) {
	t.Helper()
	t.Setenv("LC_ALL", "ru_RU.UTF-8")
	t.Setenv("LANGUAGE", "ru")
	tu := newTestUI(t, false)
	tu.loginAs(customer)
	s := readingOpen(tu)
	if s.form == nil || len(s.form.fields) == 0 {
		t.Fatalf("no reading fields; the screen shows %q", readingTexts(tu, s))
	}
	return tu, s
}

// readingOpen opens the section and returns its screen once shown.
func readingOpen(tu *testUI) *readingScreen {
	tu.t.Helper()
	fyne.DoAndWait(func() { tu.navigate("reading") })
	pump()
	s, ok := tu.UI.screen.(*readingScreen)
	if !ok || len(tu.UI.shell.content.Objects) != 1 || tu.UI.shell.content.Objects[0] != s.page {
		tu.t.Fatalf("the reading screen is not shown: %T", tu.UI.screen)
	}
	return s
}

// readingDo runs f on the screen, then lets the work it started (the
// check, a save) finish as the UI goroutine would see it.
func readingDo(s *readingScreen, f func()) {
	f()
	readingSettle(s)
}

// readingSettle runs the queued UI work until the screen holds still: no
// button waits for its work, and complete values in the form have their
// answer (the preview, an error, or the question to confirm).
func readingSettle(s *readingScreen) {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		pump()
		if s.form == nil {
			return
		}
		busy := s.form.next.Disabled() || s.submit != nil && s.submit.Disabled()
		if !busy && (s.step != readingStepForm || readingAnswered(s.form)) {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// readingAnswered reports whether the form shows the answer to what is
// typed (or nothing is to check: a field is empty or not a number).
func readingAnswered(f *readingForm) bool {
	if values, _ := f.read(); len(values) < len(f.fields) {
		return true
	}
	for _, fd := range f.fields {
		if fd.err.Visible() {
			return true
		}
	}
	question := len(f.confirmBox.Objects) > 0 && !f.confirm.Checked
	return f.preview.Visible() || f.general.Visible() || question
}

// readingTexts is every text shown.
func readingTexts(tu *testUI, s *readingScreen) []string { return tu.texts() }

// readingType replaces the field's text by typing.
func readingType(s *readingScreen, zone int, text string) {
	readingDo(s, func() {
		f := s.form.fields[zone]
		f.entry.SetText("")
		test.Type(f.entry, text)
	})
}

// readingTap taps a button or check box of the screen.
func readingTap(s *readingScreen, w func() fyne.Tappable) {
	readingDo(s, func() { test.Tap(w()) })
}

func (s *readingScreen) nextButton() fyne.Tappable   { return s.form.next }
func (s *readingScreen) submitButton() fyne.Tappable { return s.submit }
func (s *readingScreen) confirmBox() fyne.Tappable   { return s.form.confirm }

// readingAbove is the last value of zone i plus add whole kWh, as typed.
func readingAbove(s *readingScreen, i int, add int64) string {
	return strconv.FormatInt(s.meter.Zones[i].LastValue.Whole()+add, 10)
}

// readingStepNow is the screen's step.
func readingStepNow(s *readingScreen) readingStep {
	pump()
	return s.step
}

// readingFieldState is what a field shows under it and the preview.
func readingFieldState(s *readingScreen, zone int) (errShown bool, errText string, preview string) {
	readingSettle(s)
	f := s.form.fields[zone]
	errShown, errText = f.err.Visible(), f.err.Text
	if s.form.preview.Visible() {
		preview = s.form.preview.Text
	}
	return
}

// readingButton is the shown button of the result step with the text.
func readingResultButton(t *testing.T, s *readingScreen, text string) fyne.Tappable {
	t.Helper()
	var found *widget.Button
	walkWidgets(t, s.result.box, func(w fyne.Widget) {
		if b, ok := w.(*widget.Button); ok && b.Text == text {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no button «%s» in the result: %q", text, objectTexts(t, s.result.box))
	}
	return found
}

// readingSubmit goes through «Далее» and «Передать показания».
func readingSubmit(t *testing.T, tu *testUI, s *readingScreen) {
	t.Helper()
	readingTap(s, s.nextButton)
	if readingStepNow(s) != readingStepReview {
		t.Fatalf("«Далее» did not open the review; the screen shows %q", readingTexts(tu, s))
	}
	if texts := readingTexts(tu, s); !contains(texts, "Проверьте") {
		t.Fatalf("the review does not say «Проверьте»: %q", texts)
	}
	readingTap(s, s.submitButton)
}

// readingWaitResult waits for the result to say want and returns it.
func readingWaitResult(t *testing.T, tu *testUI, s *readingScreen, want string) string {
	t.Helper()
	var got string
	tu.waitFor(func() bool {
		got = s.result.text.Text
		if s.result.detail.Visible() {
			got += " " + s.result.detail.Text
		}
		return strings.Contains(got, want)
	}, "«"+want+"»")
	if texts := readingTexts(tu, s); !contains(texts, want) {
		t.Fatalf("%q is not shown: %q", want, texts)
	}
	return got
}

func TestReadingLowerOrLettersShowInlineErrors(t *testing.T) {
	tu, s := readingUI(t, "100001")
	readingDo(s, func() {
		if len(s.form.fields) != 1 || s.form.fields[0].label.Text != "Показание" {
			t.Fatalf("a single-zone meter has one field «Показание»: %d fields", len(s.form.fields))
		}
	})
	if texts := readingTexts(tu, s); !contains(texts, "Прошлое показание: ") {
		t.Fatalf("the last reading is not shown: %q", texts)
	}

	readingType(s, 0, "100")
	shown, text, preview := readingFieldState(s, 0)
	if !shown || !strings.Contains(text, "Показание меньше прошлого") {
		t.Fatalf("a lower value shows %q (visible %v)", text, shown)
	}
	if preview != "" {
		t.Fatalf("a refused value still shows the preview %q", preview)
	}
	readingTap(s, s.nextButton)
	if readingStepNow(s) != readingStepForm || contains(readingTexts(tu, s), "Проверьте") {
		t.Fatal("«Далее» went to the review with a lower value")
	}

	readingType(s, 0, "12a45")
	if shown, text, _ := readingFieldState(s, 0); !shown || !strings.Contains(text, "только цифрами") {
		t.Fatalf("letters show %q", text)
	}
	readingTap(s, s.nextButton)
	if readingStepNow(s) != readingStepForm {
		t.Fatal("«Далее» went to the review with letters")
	}

	// Empty: no error while typing; «Далее» says what is missing.
	readingDo(s, func() { s.form.fields[0].entry.SetText("") })
	if shown, text, preview := readingFieldState(s, 0); shown || preview != "" {
		t.Fatalf("an empty field shows %q / %q", text, preview)
	}
	readingTap(s, s.nextButton)
	if shown, _, _ := readingFieldState(s, 0); readingStepNow(s) != readingStepForm || !shown {
		t.Fatal("«Далее» with an empty field does not ask for the reading")
	}
}

func TestReadingNormalValueIsDelivered(t *testing.T) {
	tu, s := readingUI(t, "100001")
	before := tu.portal.CustomerReadings(t)
	value := readingAbove(s, 0, 150)
	readingType(s, 0, value)
	shown, text, preview := readingFieldState(s, 0)
	if shown {
		t.Fatalf("a normal value is refused: %q", text)
	}
	if !regexp.MustCompile(`^Расход [0-9\x{202f},]+ кВт·ч, примерно [0-9\x{202f}]+,\d\d ₽$`).MatchString(preview) {
		t.Fatalf("the preview is %q", preview)
	}

	// A refresh keeps what was typed, and the preview.
	fyne.DoAndWait(s.Refresh)
	readingSettle(s)
	readingDo(s, func() {
		if s.form.fields[0].entry.Text != value || !s.form.preview.Visible() {
			t.Fatalf("Refresh changed what was typed: %q → %q", value, s.form.fields[0].entry.Text)
		}
	})

	readingSubmit(t, tu, s)
	got := readingWaitResult(t, tu, s, "Квитанция № ")
	if !strings.Contains(got, "Показания приняты") {
		t.Errorf("the portal's message is not shown: %q", got)
	}
	if n := tu.portal.CustomerReadings(t); n != before+1 {
		t.Fatalf("the portal has %d customer readings, want %d", n, before+1)
	}
	tu.waitFor(func() bool { return contains(readingTexts(tu, s), "— принято порталом ") }, "the sent reading in the list")
	readingDo(s, func() {
		if s.form.fields[0].entry.Text != "" {
			t.Errorf("the form still holds %q after sending", s.form.fields[0].entry.Text)
		}
	})
}

func TestReadingOfflineWaitsAndIsSentOnce(t *testing.T) {
	tu, s := readingUI(t, "100001")
	before := tu.portal.CustomerReadings(t)
	tu.portal.Down.Store(true)
	value := readingAbove(s, 0, 120)
	readingType(s, 0, value)
	readingSubmit(t, tu, s)
	readingWaitResult(t, tu, s, "Нет связи. Показания сохранены и будут отправлены автоматически.")
	if texts := readingTexts(tu, s); !contains(texts, "— ждёт отправки") {
		t.Fatalf("the queue does not list the reading as waiting: %q", texts)
	}
	items, _ := tu.svc.Outbox()
	if len(items) != 1 || items[0].State != cabinet.Waiting || items[0].Values["t1"] != value {
		t.Fatalf("the outbox holds %+v", items)
	}
	if n := tu.portal.CustomerReadings(t); n != before {
		t.Fatalf("offline, the portal got a reading: %d → %d", before, n)
	}

	tu.portal.Down.Store(false)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	// A pass of the engine's own may be running (SyncNow then returns at
	// once) or waiting out its backoff: ask until the reading arrives.
	for tu.portal.CustomerReadings(t) == before {
		if ctx.Err() != nil {
			t.Fatal("the reading was not delivered when the portal came back")
		}
		tu.svc.SyncNow(ctx)
		time.Sleep(50 * time.Millisecond)
	}
	// SyncNow waits for a pass of the engine's own that is running, then
	// runs one: after it, a second copy would be on the portal.
	tu.svc.SyncNow(ctx)
	if n := tu.portal.CustomerReadings(t); n != before+1 {
		t.Fatalf("the portal has %d customer readings, want exactly %d", n, before+1)
	}
	fyne.DoAndWait(s.Refresh)
	tu.waitFor(func() bool {
		texts := readingTexts(tu, s)
		return contains(texts, "— принято порталом ") && !contains(texts, "— ждёт отправки")
	}, "the reading listed as sent")
	readingWaitResult(t, tu, s, "Квитанция № ")
}

func TestReadingJumpNeedsConfirmation(t *testing.T) {
	tu, s := readingUI(t, "100001")
	before := tu.portal.CustomerReadings(t)
	readingType(s, 0, readingAbove(s, 0, 10000))
	var question string
	readingDo(s, func() { question = s.form.question.Text })
	if !strings.Contains(question, "намного больше обычного") || !contains(readingTexts(tu, s), "Да, показание верное") {
		t.Fatalf("a jump does not ask for confirmation: %q", readingTexts(tu, s))
	}
	if _, _, preview := readingFieldState(s, 0); preview != "" {
		t.Fatalf("an unconfirmed jump shows the preview %q", preview)
	}
	readingTap(s, s.nextButton)
	if readingStepNow(s) != readingStepForm {
		t.Fatal("«Далее» went to the review without the confirmation")
	}

	readingTap(s, s.confirmBox)
	readingDo(s, func() {
		if !s.form.confirm.Checked || !s.form.preview.Visible() {
			t.Fatalf("ticking «Да, показание верное» gives no preview (%v, %q)", s.form.confirm.Checked, s.form.preview.Text)
		}
	})
	readingSubmit(t, tu, s)
	readingWaitResult(t, tu, s, "Квитанция № ")
	if n := tu.portal.CustomerReadings(t); n != before+1 {
		t.Fatalf("the portal has %d customer readings, want %d", n, before+1)
	}
	sent, _ := tu.svc.SentSince(time.Time{})
	if len(sent) != 1 || !sent[0].Confirm {
		t.Fatalf("the confirmation did not go with the reading: %+v", sent)
	}
}

func TestReadingTwoZoneFields(t *testing.T) {
	tu, s := readingUI(t, "100002")
	texts := readingTexts(tu, s)
	for _, want := range []string{"День (Т1)", "Ночь (Т2)"} {
		if !contains(texts, want) {
			t.Errorf("no field «%s»: %q", want, texts)
		}
	}
	readingDo(s, func() {
		if len(s.form.fields) != 2 {
			t.Fatalf("%d fields for a two-zone meter", len(s.form.fields))
		}
	})
	// Both zones are needed; then the review lists each with its charge.
	readingType(s, 0, readingAbove(s, 0, 100))
	if _, _, preview := readingFieldState(s, 0); preview != "" {
		t.Fatal("a preview with the night field empty")
	}
	readingType(s, 1, readingAbove(s, 1, 50))
	if _, text, preview := readingFieldState(s, 1); preview == "" {
		t.Fatalf("no preview: %q", text)
	}
	readingTap(s, s.nextButton)
	texts = readingTexts(tu, s)
	if readingStepNow(s) != readingStepReview || !contains(texts, "День: ") || !contains(texts, "Ночь: ") || !contains(texts, "Итого: ") {
		t.Fatalf("the review shows %q", texts)
	}
	readingTap(s, func() fyne.Tappable { return s.back })
	readingDo(s, func() {
		if s.step != readingStepForm || s.form.fields[1].entry.Text == "" {
			t.Fatal("«Исправить» lost the values")
		}
	})
}

func TestReadingRemovedMeterIsNotOffered(t *testing.T) {
	tu, _ := readingUI(t, "100004")
	fyne.DoAndWait(func() {
		tu.UI.account = "1100045679" // the dacha: its old meter was replaced
		tu.UI.shell.refreshAccounts()
	})
	s := readingOpen(tu)
	readingDo(s, func() {
		if s.choice.sel != nil || s.meter.Serial != "46231987" {
			t.Fatalf("the dacha offers %v / %s", s.choice.ids, s.meter.Serial)
		}
	})
	for _, txt := range readingTexts(tu, s) {
		if strings.Contains(txt, "1873452") {
			t.Fatalf("the removed meter is shown: %q", txt)
		}
	}
}

// TestReadingTranslations checks that every string of the screen is in
// both translation files, the Russian one word for word.
func TestReadingTranslations(t *testing.T) {
	var src []byte
	names, _ := filepath.Glob("reading*.go")
	for _, name := range append(names, "notices.go") {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		src = append(src, b...)
	}
	load := func(name string) map[string]string {
		b, err := os.ReadFile("../assets/translations/" + name)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return m
	}
	ru, en := load("reading.ru.json"), load("reading.en.json")
	keys := regexp.MustCompile(`lang\.L\("((?:[^"\\]|\\.)*)"`).FindAllSubmatch(src, -1)
	if len(keys) < 20 {
		t.Fatalf("only %d strings found", len(keys))
	}
	for _, k := range keys {
		key, err := strconv.Unquote(`"` + string(k[1]) + `"`)
		if err != nil {
			t.Fatal(err)
		}
		if ru[key] != key {
			t.Errorf("reading.ru.json: %q → %q", key, ru[key])
		}
		if en[key] == "" {
			t.Errorf("reading.en.json lacks %q", key)
		}
	}
	for k, v := range ru {
		if k != v {
			t.Errorf("reading.ru.json: %q → %q", k, v)
		}
		if en[k] == "" {
			t.Errorf("reading.en.json lacks %q", k)
		}
	}
}

// TestReadingRejectedShowsTheReasonAndCanBeCorrected: a reading that passed
// the local check but that the portal refuses (the supplier corrected the
// last reading after the app last synced) shows the portal's reason; «Исправить»
// brings the values back, and the corrected reading replaces the refused one.
func TestReadingRejectedShowsTheReasonAndCanBeCorrected(t *testing.T) {
	tu, s := readingUI(t, "100001")
	doc, _, _ := tu.svc.Document(tu.UI.account)
	var meter domain.Meter
	for _, m := range doc.Doc.Meters {
		if m.Active() {
			meter = m
		}
	}
	// The supplier corrects the last accepted reading upwards (an
	// inspector read the meter). A higher reading of this month sent by
	// phone would not do: the app's reading would replace it as a
	// correction.
	if err := tu.portal.DB.Write(context.Background(), func(tx *portaldb.Tx) error {
		_, err := tx.ExecContext(context.Background(), `UPDATE reading_values SET value = value + 10000 WHERE reading_id =
			(SELECT id FROM readings WHERE meter_id = ? AND status = 'accepted' ORDER BY taken_on DESC, id DESC LIMIT 1)`, meter.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	readingType(s, 0, readingAbove(s, 0, 50))
	readingSubmit(t, tu, s)
	text := readingWaitResult(t, tu, s, "Показание меньше прошлого")
	items, _ := tu.svc.Outbox()
	if len(items) != 1 || items[0].State != cabinet.Refused || items[0].Problem == nil || items[0].Problem.Code != "reading_lower_than_previous" {
		t.Fatalf("outbox after the refusal: %+v (screen: %q)", items, text)
	}
	// «Исправить»: the form comes back with the refused values; a value above
	// the portal's goes through and the refused one leaves the queue.
	readingTap(s, func() fyne.Tappable { return readingResultButton(t, s, "Исправить") })
	tu.waitFor(func() bool { return readingStepNow(s) == readingStepForm }, "the form again")
	readingType(s, 0, readingAbove(s, 0, 150))
	readingSubmit(t, tu, s)
	readingWaitResult(t, tu, s, "Квитанция № ")
	tu.waitFor(func() bool {
		items, _ := tu.svc.Outbox()
		return len(items) == 0
	}, "the refused reading to leave the queue")
}

// TestReadingSecondOfTheMonthShowsTheMonth: a second reading of the month
// replaces the first; the review shows the month's consumption counted
// from last month's reading and says which reading it replaces, and the
// result shows the same kWh figure as the review.
func TestReadingSecondOfTheMonthShowsTheMonth(t *testing.T) {
	tu, s := readingUI(t, "100001")
	var m domain.Meter
	readingDo(s, func() { m = s.meter })
	typed := func(add domain.Decimal) string {
		return strings.ReplaceAll((m.Zones[0].LastValue + add).Format(m.FractionDigits), "\u202f", "")
	}
	readingType(s, 0, typed(domain.DecimalFromInt(5)))
	readingSubmit(t, tu, s)
	readingWaitResult(t, tu, s, "Квитанция № ")
	today := domain.DateOf(time.Now(), domain.Moscow)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tu.waitFor(func() bool {
		doc, ok, _ := tu.svc.Document(tu.UI.account)
		for _, dm := range doc.Doc.Meters {
			if ok && dm.ID == m.ID && len(dm.Recent) > 0 && dm.Recent[0].Period == today.Period() {
				return true
			}
		}
		tu.svc.SyncNow(ctx)
		return false
	}, "the month's first reading in the document")
	readingTap(s, func() fyne.Tappable {
		return readingResultButton(t, s, "Вернуться к вводу показаний")
	})
	// Under the field: what the month is counted from, and that the
	// month's first reading will be replaced — not the first as «прошлое».
	var hint string
	readingDo(s, func() { hint = s.form.fields[0].last.Text })
	if !strings.Contains(hint, "Прошлое показание: "+m.Zones[0].LastValue.Format(m.FractionDigits)) ||
		!strings.Contains(hint, "В этом месяце уже передано "+(m.Zones[0].LastValue+domain.DecimalFromInt(5)).Format(m.FractionDigits)) {
		t.Errorf("the hint under the field: %q", hint)
	}

	// 15,5 kWh over last month's reading: 10,5 over the month's first.
	readingType(s, 0, typed(domain.Decimal(1550)))
	readingTap(s, s.nextButton)
	if readingStepNow(s) != readingStepReview {
		t.Fatalf("«Далее» did not open the review; the screen shows %q", readingTexts(tu, s))
	}
	texts := readingTexts(tu, s)
	from := m.Zones[0].LastValue.Format(m.FractionDigits)
	for _, want := range []string{"Показание: " + from + " → ", "Итого: 15,5 кВт·ч", "заменит показания, переданные " + today.DayMonth()} {
		if !contains(texts, want) {
			t.Errorf("the review does not say %q: %q", want, texts)
		}
	}
	readingTap(s, s.submitButton)
	got := readingWaitResult(t, tu, s, "Квитанция № ")
	for _, want := range []string{"Расход за месяц 15,5 кВт·ч", "заменили показания, переданные " + today.DayMonth()} {
		if !strings.Contains(got, want) {
			t.Errorf("the result %q does not say %q", got, want)
		}
	}
}

// TestReadingOpensWithTheCursorInTheField: a person opening «Ввод
// показаний» types the digits at once, without finding the field first.
func TestReadingOpensWithTheCursorInTheField(t *testing.T) {
	tu, s := readingUI(t, "100001")
	fyne.DoAndWait(func() {
		if got := tu.UI.win.Canvas().Focused(); got != s.form.fields[0].entry {
			t.Errorf("the focus is on %T, not in the reading field", got)
		}
	})
}
