package app

import (
	"context"
	"sync"
	"testing"

	"fyne.io/fyne/v2/test"

	"kabinet/internal/cabinet"
	"kabinet/internal/domain"
)

// fakeSubscriptions keeps one account's subscriptions as the portal would.
type fakeSubscriptions struct {
	doc   cabinet.Document
	mu    sync.Mutex // SetSubscriptions runs off the UI goroutine
	saved []domain.Subscriptions
}

func (f *fakeSubscriptions) savedNow() []domain.Subscriptions {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]domain.Subscriptions(nil), f.saved...)
}

func (f *fakeSubscriptions) Document(string) (cabinet.Document, bool, error) { return f.doc, true, nil }
func (f *fakeSubscriptions) SetSubscriptions(_ context.Context, _ string, s domain.Subscriptions) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.saved = append(f.saved, s)
	return nil
}

// «Напоминать о показаниях по e-mail» sits beside the SMS reminder, says
// how reminders and receipts come, and is what «Сохранить» sends; without
// an e-mail address it cannot be ticked.
func TestSubscriptionsEmailRemindersWithAFakeService(t *testing.T) {
	frame, tu := newFakeFrame(t)
	svc := &fakeSubscriptions{doc: cabinet.Document{Doc: domain.AccountDocument{
		Subscriptions: &domain.Subscriptions{SMSReminders: true},
		Customer:      &domain.Customer{Email: "ivanova@example.com", Phone: "+79121234567"},
	}}}
	s := newSubscriptions(deps[subscriptionsService]{frame: frame, svc: svc, account: "100001"}).(*subscriptionsScreen)
	obj, texts := shown(t, s)
	for _, want := range []string{"Напоминать о показаниях по e-mail", "Напоминать по SMS, когда пора передать показания",
		"в первый день приёма показаний и за два дня до его конца", "по тем же каналам придёт квитанция"} {
		if !contains(texts(), want) {
			t.Errorf("«Подписки» lacks %q: %q", want, texts())
		}
	}
	if s.remindCk.Checked || s.remindCk.Disabled() {
		t.Fatalf("the e-mail reminder: ticked %v, disabled %v", s.remindCk.Checked, s.remindCk.Disabled())
	}
	test.Tap(s.remindCk)
	test.Tap(buttonIn(t, obj, "Сохранить"))
	tu.waitFor(func() bool { return len(svc.savedNow()) == 1 && !s.save.Disabled() }, "the save")
	if want := (domain.Subscriptions{EmailReminders: true, SMSReminders: true}); svc.savedNow()[0] != want {
		t.Errorf("saved %+v, want %+v", svc.savedNow()[0], want)
	}

	svc.doc.Doc.Customer.Email = ""
	s = newSubscriptions(deps[subscriptionsService]{frame: frame, svc: svc, account: "100001"}).(*subscriptionsScreen)
	shown(t, s)
	if !s.remindCk.Disabled() {
		t.Error("no e-mail address, yet the e-mail reminder can be ticked")
	}
}
