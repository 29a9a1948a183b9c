package mailer

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"kabinet/internal/portaldb"
)

// TestEmailChangedNoticeReachesTheOldAddress: the notice the portal queues
// when the e-mail changes (issue #11.1) arrives at the old address, names
// the new one only masked, and says what to do if it was not the customer.
func TestEmailChangedNoticeReachesTheOldAddress(t *testing.T) {
	clk := newClock()
	db := demoDB(t, filepath.Join(t.TempDir(), "portal.db"), clk.Now, false)
	ctx := context.Background()
	err := db.Write(ctx, func(tx *portaldb.Tx) error {
		return tx.QueueEmailChangedNotice(ctx, "old@example.ru", "n***@mail.ru")
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := startSMTP(t)
	r, log := dbRunner(t, db, srv, clk.Now, nil)
	if n, err := r.SendDue(ctx); n != 1 || err != nil {
		t.Fatalf("SendDue = %d, %v", n, err)
	}
	got := srv.letters()
	if len(got) != 1 || len(got[0].To) != 1 || got[0].To[0] != "old@example.ru" {
		t.Fatalf("letters: %+v", got)
	}
	l := parseLetter(t, got[0].Data)
	if l.Subject != "Изменён адрес электронной почты в личном кабинете" {
		t.Errorf("subject %q", l.Subject)
	}
	for _, want := range []string{"n***@mail.ru", "Если это были не вы", srv.config().ContactPhone} {
		if !strings.Contains(l.Body, want) {
			t.Errorf("the letter lacks %q:\n%s", want, l.Body)
		}
	}
	if len(l.Attachment) != 0 {
		t.Errorf("a notice with an attachment")
	}
	if !strings.Contains(l.Header.Get("Message-Id"), "notice.email_changed.") {
		t.Errorf("Message-ID %q", l.Header.Get("Message-Id"))
	}
	if c := counts(t, db); c != [3]int{0, 1, 0} {
		t.Errorf("mail jobs pending/sent/failed = %v, want one sent", c)
	}
	if strings.Contains(log.String(), "@") {
		t.Errorf("the log holds an address:\n%s", log)
	}
}
