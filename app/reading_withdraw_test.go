package app

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"kabinet/internal/cabinet"
	"kabinet/internal/demo"
	"kabinet/internal/domain"
	"kabinet/internal/portaldb"
)

// readingQueueButton taps the last button with the text in the list of
// readings waiting to be sent.
func readingQueueButton(t *testing.T, tu *testUI, s *readingScreen, text string) {
	t.Helper()
	var found *widget.Button
	readingDo(s, func() {
		walkWidgets(t, s.queue.box, func(w fyne.Widget) {
			if b, ok := w.(*widget.Button); ok && b.Text == text {
				found = b
			}
		})
	})
	if found == nil {
		t.Fatalf("no button «%s» in the queue: %q", text, readingTexts(tu, s))
	}
	readingDo(s, func() { test.Tap(found) })
}

// confirmDialog presses the button with the text in the dialog on top.
func confirmDialog(t *testing.T, tu *testUI, s *readingScreen, text string) {
	t.Helper()
	var found *widget.Button
	readingDo(s, func() {
		fyne.DoAndWait(func() {
			top := tu.UI.win.Canvas().Overlays().Top()
			if top == nil {
				return
			}
			walkWidgets(t, top, func(w fyne.Widget) {
				if b, ok := w.(*widget.Button); ok && b.Text == text {
					found = b
				}
			})
		})
	})
	if found == nil {
		t.Fatalf("no dialog with «%s»", text)
	}
	readingDo(s, func() { test.Tap(found) })
}

// TestReadingWaitingCanBeCorrectedOrWithdrawn: while readings wait to be
// sent (here: the session ended on the portal), «Исправить» replaces one's
// values and «Отменить отправку», after a yes, removes another; after the
// next login the portal gets only the corrected values, once.
func TestReadingWaitingCanBeCorrectedOrWithdrawn(t *testing.T) {
	tu, s := readingUI(t, "100001")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	before := tu.portal.CustomerReadings(t)
	keysBefore := tu.portal.Count(t, `SELECT count(*) FROM idempotency`)
	// The session ends on the portal: readings wait for the next login.
	if err := tu.portal.DB.Write(ctx, func(tx *portaldb.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	typo := readingAbove(s, 0, 1200)
	readingType(s, 0, typo)
	readingTap(s, s.nextButton)
	if readingStepNow(s) != readingStepReview {
		// The typo is large: confirm it, as a person who did not notice would.
		readingTap(s, s.confirmBox)
	}
	readingSubmit(t, tu, s)
	readingWaitResult(t, tu, s, "войдёте в личный кабинет заново")
	tu.waitFor(func() bool { return contains(readingTexts(tu, s), "Отменить отправку") }, "«Отменить отправку» under the waiting reading")
	first, _ := tu.svc.Outbox()
	if len(first) != 1 || !first[0].Changeable {
		t.Fatalf("outbox %+v", first)
	}

	// «Исправить»: the values come back in the form; the corrected ones
	// replace them.
	readingQueueButton(t, tu, s, "Исправить")
	tu.waitFor(func() bool { return readingStepNow(s) == readingStepForm }, "the form")
	if texts := readingTexts(tu, s); !contains(texts, "на портал уйдут только исправленные") {
		t.Fatalf("the form does not say a waiting reading is corrected: %q", texts)
	}
	var shown string
	readingDo(s, func() { shown = s.form.fields[0].entry.Text })
	if shown != typo {
		t.Errorf("the form shows %q, want the waiting %q", shown, typo)
	}
	fixed := readingAbove(s, 0, 120)
	readingType(s, 0, fixed)
	readingSubmit(t, tu, s)
	readingWaitResult(t, tu, s, "войдёте в личный кабинет заново")
	items, _ := tu.svc.Outbox()
	if len(items) != 1 || items[0].ID != first[0].ID || items[0].Values[domain.T1] != fixed {
		t.Fatalf("after the correction the outbox holds %+v", items)
	}

	// A second reading, then «Отменить отправку» with a yes.
	readingTap(s, func() fyne.Tappable {
		return readingResultButton(t, s, "Вернуться к вводу показаний")
	})
	second := readingAbove(s, 0, 150)
	readingType(s, 0, second)
	readingSubmit(t, tu, s)
	readingWaitResult(t, tu, s, "войдёте в личный кабинет заново")
	tu.waitFor(func() bool { items, _ := tu.svc.Outbox(); return len(items) == 2 }, "two readings waiting")
	readingQueueButton(t, tu, s, "Отменить отправку")
	confirmDialog(t, tu, s, "Отменить отправку")
	tu.waitFor(func() bool { items, _ := tu.svc.Outbox(); return len(items) == 1 }, "the withdrawn reading to leave the queue")
	if items, _ := tu.svc.Outbox(); items[0].ID != first[0].ID {
		t.Fatalf("the wrong reading was withdrawn: %+v", items)
	}

	// The next login sends what is left: only the corrected values, once.
	ctx, cancel = context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := tu.svc.Login(ctx, "100001", demo.Password); err != nil {
		t.Fatal(err)
	}
	for tu.portal.CustomerReadings(t) == before {
		if ctx.Err() != nil {
			t.Fatal("the corrected reading was not delivered")
		}
		tu.svc.SyncNow(ctx)
		time.Sleep(50 * time.Millisecond)
	}
	tu.svc.SyncNow(ctx)
	if n := tu.portal.CustomerReadings(t); n != before+1 {
		t.Errorf("the portal has %d new readings, want 1", n-before)
	}
	// Only the corrected reading's request reached the portal: neither the
	// replaced values nor the withdrawn reading left a record there.
	if n := tu.portal.Count(t, `SELECT count(*) FROM idempotency`); n != keysBefore+1 {
		t.Errorf("the portal recorded %d requests, want only the corrected reading's", n-keysBefore)
	}
	sent, _ := tu.svc.SentSince(time.Time{})
	if len(sent) != 1 || sent[0].Values[domain.T1] != fixed || sent[0].State != cabinet.Delivered {
		t.Errorf("sent: %+v", sent)
	}
}
