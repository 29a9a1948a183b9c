package app

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"kabinet/internal/cabinet"
	"kabinet/internal/domain"
)

func (f *fakeAccounts) ReadingsDue() (cabinet.ReadingsDue, error) { return f.due, nil }

// The banner names the last day, the days left and the meter without a
// reading, its button opens the reading of that very meter, and a reading
// that waits for the connection is named as waiting, with no button.
func TestDueBannerWithAFakeService(t *testing.T) {
	frame, _ := newFakeFrame(t)
	svc := dashboardFake(t)
	end := domain.Date{Year: 2026, Month: 11, Day: 25}
	svc.due = cabinet.ReadingsDue{Open: true, End: end, DaysLeft: 3,
		Missing: []cabinet.DueMeter{{Account: "1100012345", Meter: domain.Meter{ID: "m1", Serial: "011596"}}}}
	obj, texts := shown(t, newDashboard(deps[dashboardService]{frame: frame, svc: svc}))
	for _, want := range []string{"Приём показаний открыт до 25 ноября. Осталось 3 дня.", "Нет показаний: счётчик …96 (лицевой счёт 1100012345)"} {
		if !contains(texts(), want) {
			t.Errorf("the banner lacks %q: %q", want, texts())
		}
	}
	// Above the accounts: at twice the text on a laptop it is what is in view.
	banner := slices.IndexFunc(texts(), func(s string) bool { return contains([]string{s}, "Приём показаний открыт") })
	account := slices.IndexFunc(texts(), func(s string) bool { return contains([]string{s}, "Лицевой счёт 1100012345") })
	if banner < 0 || banner > account {
		t.Errorf("the banner (%d) is not above the accounts (%d): %q", banner, account, texts())
	}
	test.Tap(buttonIn(t, obj, "Передать показания"))
	if want := (place{screen: "reading", account: "1100012345", found: "m1"}); !slices.Equal(frame.went, []place{want}) {
		t.Errorf("the banner's button went to %+v, want %+v", frame.went, want)
	}

	svc.due.Queued, svc.due.Missing = svc.due.Missing, nil
	_, texts = shown(t, newDashboard(deps[dashboardService]{frame: frame, svc: svc}))
	if !contains(texts(), "Записано и ждёт отправки: счётчик …96") || contains(texts(), "Нет показаний") {
		t.Errorf("a reading waiting to be sent: %q", texts())
	}

	svc.due.Queued = nil
	_, texts = shown(t, newDashboard(deps[dashboardService]{frame: frame, svc: svc}))
	if contains(texts(), "Приём показаний открыт") {
		t.Errorf("every meter has its reading, the banner stays: %q", texts())
	}
}

// Russian counts days in three forms, English in two.
func TestDaysLeftWording(t *testing.T) {
	for n, want := range map[int]string{1: "Остался 1 день", 2: "Осталось 2 дня", 5: "Осталось 5 дней", 11: "Осталось 11 дней", 21: "Остался 21 день", 24: "Осталось 24 дня"} {
		if got := daysLeftText(n); got != want {
			t.Errorf("%d: %q, want %q", n, got, want)
		}
	}
	t.Cleanup(func() { LoadTranslations(false) })
	LoadTranslations(true)
	t.Setenv("LANGUAGE", "en")
	t.Setenv("LC_ALL", "en_US.UTF-8")
	for n, want := range map[int]string{1: "1 day left", 3: "3 days left", 21: "21 days left"} {
		if got := daysLeftText(n); got != want {
			t.Errorf("English %d: %q, want %q", n, got, want)
		}
	}
}

// The story on the demo portal (window open every day): Главная and the
// status line say what is due and how many days are left; the banner's
// button opens the reading of that meter; once every meter's reading is
// sent, the banner and the status line's reminder are gone — learned from
// the sync's events.
func TestDueBannerGoesWhenEveryMeterHasItsReading(t *testing.T) {
	tu := newTestUI(t, false)
	tu.loginAs("100001")
	tu.open("home")
	texts := tu.texts()
	if !contains(texts, "Приём показаний открыт до ") || !contains(texts, "Нет показаний: счётчик …") {
		t.Fatalf("no banner on Главная: %q", texts)
	}
	if !contains(texts, "Передайте показания до ") {
		t.Errorf("the status line does not say what is due: %q", tu.UI.shell.fresh.Text)
	}
	for range 5 {
		due, _ := tu.svc.ReadingsDue()
		if !due.Any() {
			break
		}
		want := due.Missing[0].Meter.ID
		tu.tapButton("Передать показания")
		pump()
		s, ok := tu.UI.screen.(*readingScreen)
		if !ok || s.meter.ID != want {
			t.Fatalf("the banner's button opened %T on meter %q, want the reading of %q", tu.UI.screen, s.meter.ID, want)
		}
		for i := range s.form.fields {
			readingType(s, i, readingAbove(s, i, 150))
		}
		readingSubmit(t, tu, s)
		readingWaitResult(t, tu, s, "Квитанция № ")
		tu.open("home")
	}
	tu.waitFor(func() bool { return !contains(tu.textsNow(), "Приём показаний открыт") }, "the banner to go")
	fyne.DoAndWait(func() {
		if contains([]string{tu.UI.shell.fresh.Text}, "Передайте показания") {
			t.Errorf("the status line still reminds: %q", tu.UI.shell.fresh.Text)
		}
	})
}
