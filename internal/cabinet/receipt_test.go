package cabinet_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kabinet/internal/cabinet"
	"kabinet/internal/domain"
	"kabinet/internal/portaltest"
	"kabinet/internal/tokens"
)

// A reading the portal accepted keeps its receipt — number and time of
// acceptance — with the sent item: after the program restarts, offline,
// the history still shows it, the number finds it and the receipt prints.
func TestReceiptOfASentReadingSurvivesARestartOffline(t *testing.T) {
	p := portaltest.Start(t)
	dir := t.TempDir()
	cfg := cabinet.Config{Portal: p.URL, StorePath: filepath.Join(dir, "store.db"), Keeper: tokens.NewMemory(),
		Devices: tokens.NewDeviceFile(filepath.Join(dir, "device-tokens.json"))}
	svc := openLoggedIn(t, cfg)
	list, _ := svc.Accounts()
	account := list[0].Number
	doc, _, _ := svc.Document(account)
	m := doc.Doc.Meters[0]
	q, err := svc.QueueReading(account, m.ID, map[domain.Zone]string{domain.T1: text(m.Zones[0].LastValue+domain.DecimalFromInt(120), 1)}, false)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	before := time.Now().Add(-time.Second)
	if o, err := svc.SendNow(ctx, q.Item.ID); err != nil || !o.Delivered {
		t.Fatalf("send: %+v %v", o, err)
	}
	sent, _ := svc.SentSince(time.Time{})
	if len(sent) != 1 || sent[0].Answer == nil {
		t.Fatalf("sent %+v", sent)
	}
	a := sent[0].Answer
	if a.Receipt != domain.ReceiptNumber(a.Reading.ID) || len(a.Receipt) < 5 {
		t.Errorf("receipt %q for reading %s", a.Receipt, a.Reading.ID)
	}
	if a.AcceptedAt.Before(before.Truncate(time.Second)) || a.AcceptedAt.After(time.Now()) {
		t.Errorf("accepted at %v", a.AcceptedAt)
	}
	number := a.Receipt
	svc.Close()

	p.Down.Store(true)
	again, err := cabinet.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if !again.Resume(context.Background()) {
		t.Fatal("the session did not resume")
	}
	sent, _ = again.SentSince(time.Time{})
	if len(sent) != 1 || sent[0].Answer == nil || sent[0].Answer.Receipt != number || !sent[0].Answer.AcceptedAt.Equal(a.AcceptedAt) {
		t.Fatalf("after a restart offline the history has %+v, want receipt %s at %v", sent, number, a.AcceptedAt)
	}
	r, ok, err := again.FindReceipt(strings.TrimLeft(number, "0")) // «412» finds «00412»
	if err != nil || !ok || r.Number != number || r.Account != account {
		t.Fatalf("FindReceipt: %+v %v %v", r, ok, err)
	}
	var buf bytes.Buffer
	if err := again.ReceiptPDF(&buf, r); err != nil || !bytes.HasPrefix(buf.Bytes(), []byte("%PDF")) {
		t.Errorf("receipt PDF: %v, %d bytes", err, buf.Len())
	}
	if _, ok, _ := again.FindReceipt("99999"); ok {
		t.Error("an unknown number found a receipt")
	}
}
