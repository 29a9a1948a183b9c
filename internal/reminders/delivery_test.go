package reminders_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"kabinet/internal/domain"
	"kabinet/internal/mailer"
	"kabinet/internal/sms"
)

// TestDeliveryRules follows the 18th of December hour by hour:
//   - Lytkin has two accounts subscribed by SMS: one reminder SMS, not two
//     (one per customer and slot);
//   - the gateway refuses Ivanova's SMS: it is tried once and never again
//     (at most once);
//   - the mail folder cannot be written at first: Ivanova's letter is
//     tried again and goes, once, when it can.
func TestDeliveryRules(t *testing.T) {
	w := newWorld(t)
	w.subscribe(ivanova, true, true)
	w.subscribe(kuznetsov, false, false)
	w.subscribe(popova, false, false)
	w.subscribe(lytkin, false, true)
	w.subscribe(customer{lytkin.number, "1100045679", lytkin.phone, lytkin.email}, false, true)

	var refused atomic.Int32
	w.phone.rec.Refuse = func(m sms.Message) error {
		if m.Phone == ivanova.phone {
			refused.Add(1)
			return errors.New("gateway: 400")
		}
		return nil
	}
	// A file where the folder should be: every letter fails until it goes.
	if err := os.WriteFile(w.dir+"/blocked", nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var err error
	blocked := filepath.Join(w.dir, "blocked")
	w.mail.Sender, err = mailer.NewSender(mailer.Config{Dir: blocked, From: "lk@komiesc.example", Now: w.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	r := w.runner()
	w.clock.Set(time.Date(2026, time.December, 17, 12, 0, 0, 0, domain.Moscow))
	for end := w.clock.Now().Add(48 * time.Hour); w.clock.Now().Before(end); w.clock.Add(10 * time.Minute) {
		if w.clock.Now().Equal(time.Date(2026, time.December, 18, 12, 0, 0, 0, domain.Moscow)) {
			os.Remove(blocked) // the disk is fixed
		}
		r.Tick(context.Background())
	}

	if got := w.phone.to(lytkin.phone); len(got) != 1 {
		t.Errorf("Lytkin's SMS for two accounts: %v, want one", got)
	}
	if n := refused.Load(); n != 1 {
		t.Errorf("a refused reminder SMS was tried %d times, want once", n)
	}
	w.dir = blocked
	if l := w.letters(ivanova.email); len(l) != 1 || w.mail.sent(ivanova.email) != 1 {
		t.Errorf("Ivanova's letters after the folder was fixed: %+v", l)
	}
	_, sent, failed, _, err := w.db.ReminderJobCounts(context.Background())
	if err != nil || failed != 1 || sent != 2 {
		t.Errorf("jobs: %d sent, %d given up (%v); want Ivanova's letter and one of Lytkin's SMS sent, Ivanova's SMS given up", sent, failed, err)
	}
}
