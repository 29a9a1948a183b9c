package cabinet_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"kabinet/internal/cabinet"
	"kabinet/internal/demo"
	"kabinet/internal/domain"
	"kabinet/internal/portaltest"
	"kabinet/internal/tokens"
)

func open(t *testing.T, p *portaltest.Server, public bool) *cabinet.Service {
	t.Helper()
	dir := t.TempDir()
	return openLoggedIn(t, cabinet.Config{Portal: p.URL, Public: public, StorePath: filepath.Join(dir, "store.db"), Keeper: tokens.NewMemory(),
		Devices: tokens.NewDeviceFile(filepath.Join(dir, "device-tokens.json"))})
}

// openLoggedIn opens the service of cfg, logs the demo customer 100001 in
// and syncs once.
func openLoggedIn(t *testing.T, cfg cabinet.Config) *cabinet.Service {
	t.Helper()
	svc, err := cabinet.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := svc.Login(ctx, "100001", demo.Password); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}
	return svc
}

func text(v domain.Decimal, frac int) string {
	return strings.ReplaceAll(v.Format(frac), "\u202f", "")
}

// The reading preview counts from readings still queued: the latest queued
// reading of the month is the one a new reading replaces, so the preview is
// the month's consumption from the month before's accepted reading, says
// what it replaces, and agrees with what the portal stores when both arrive.
func TestPreviewCountsFromTheReadingStillQueued(t *testing.T) {
	p := portaltest.Start(t)
	svc := open(t, p, false)
	list, _ := svc.Accounts()
	account := list[0].Number
	doc, _, _ := svc.Document(account)
	m := doc.Doc.Meters[0]
	last := m.Zones[0].LastValue
	p.Down.Store(true)
	if _, err := svc.QueueReading(account, m.ID, map[domain.Zone]string{domain.T1: text(last+domain.DecimalFromInt(100), 1)}, false); err != nil {
		t.Fatal(err)
	}
	a, charge, err := svc.Preview(account, m.ID, map[domain.Zone]string{domain.T1: text(last+domain.DecimalFromInt(130), 1)}, false)
	if err != nil {
		t.Fatal(err)
	}
	if a.Total != domain.DecimalFromInt(130) || charge == nil || charge.Volume != a.Total {
		t.Errorf("preview after a queued reading: %v kWh, charge %+v; want the month's 130 kWh", a.Total, charge)
	}
	if a.Replaces == nil || a.Replaces.Status != domain.StatusQueued || a.ReplacesOn() != domain.DateOf(time.Now(), domain.Moscow) {
		t.Errorf("the preview replaces %+v, want the queued reading", a.Replaces)
	}
	// Below the queued one, above the accepted one: a correction.
	if a, _, err := svc.Preview(account, m.ID, map[domain.Zone]string{domain.T1: text(last+domain.DecimalFromInt(50), 1)}, false); err != nil || a.Total != domain.DecimalFromInt(50) {
		t.Errorf("a correction below the queued one: %v kWh, %v", a.Total, err)
	}
	if _, _, err := svc.Preview(account, m.ID, map[domain.Zone]string{domain.T1: text(last-domain.DecimalFromInt(1), 1)}, false); domain.ErrorCode(err) != domain.CodeLowerThanPrevious {
		t.Errorf("a value below the accepted one: %v", err)
	}

	// Both go; the portal stores the month's reading as the preview said.
	q, err := svc.QueueReading(account, m.ID, map[domain.Zone]string{domain.T1: text(last+domain.DecimalFromInt(130), 1)}, false)
	if err != nil || q.Assessment.Total != a.Total {
		t.Fatalf("queued %v kWh (%v), the preview said %v", q.Assessment.Total, err, a.Total)
	}
	p.Down.Store(false)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for {
		if _, err := svc.SyncNow(ctx); err != nil && ctx.Err() != nil {
			t.Fatal(err)
		}
		if items, _ := svc.Outbox(); len(items) == 0 {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatal("the queued readings were not delivered")
		case <-time.After(50 * time.Millisecond):
		}
	}
	svc.SyncNow(ctx)
	doc, _, _ = svc.Document(account)
	month := doc.Doc.Meters[0].Recent[0]
	if month.Period != domain.DateOf(time.Now(), domain.Moscow).Period() || month.Consumption[domain.T1] != a.Total {
		t.Errorf("the portal's reading of the month %+v, want %v kWh as previewed", month, a.Total)
	}
}

func TestPublicLogoutWipesAndReports(t *testing.T) {
	p := portaltest.Start(t)
	svc := open(t, p, true)
	list, _ := svc.Accounts()
	doc, _, _ := svc.Document(list[0].Number)
	m := doc.Doc.Meters[0]
	p.Down.Store(true)
	if _, err := svc.QueueReading(list[0].Number, m.ID, map[domain.Zone]string{domain.T1: text(m.Zones[0].LastValue+domain.DecimalFromInt(10), 1)}, false); err != nil {
		t.Fatal(err)
	}
	r, err := svc.Logout(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Wiped || len(r.Unsent) != 1 || len(r.Sent) != 0 {
		t.Errorf("logout report %+v", r)
	}
	if list, _ := svc.Accounts(); len(list) != 0 {
		t.Errorf("after a public logout the store still has accounts: %v", list)
	}
	if svc.Customer() != "" {
		t.Error("still logged in")
	}
}

// TestPublicPrintedDocumentsLiveInTheSessionFolder: a PDF printed on a
// public computer is kept in the session's own folder, beside its store and
// marker, so that the sweep at the next start removes it after a crash.
func TestPublicPrintedDocumentsLiveInTheSessionFolder(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // os.TempDir on Unix
	p := portaltest.Start(t)
	svc := open(t, p, true)
	pdf, err := svc.SavePDF("Квитанция.pdf", func(w io.Writer) error { _, err := w.Write([]byte("%PDF-1.7")); return err })
	if err != nil {
		t.Fatal(err)
	}
	session := filepath.Dir(filepath.Dir(pdf))
	for _, name := range []string{"store.db", "kabinet-public-session"} {
		if _, err := os.Stat(filepath.Join(session, name)); err != nil {
			t.Errorf("the PDF %s is not in a session folder: %v", pdf, err)
		}
	}
	if err := svc.Close(); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("after Close the temporary folder holds %v", left)
	}
}

// TestPrintedDocumentsGoToTheDocumentsFolder: at home a printed bill is
// saved where the person finds it again, the desktop's «Документы» (the
// folder `xdg-user-dir DOCUMENTS` names), not a hidden cache folder; with
// no documents folder, the home folder.
func TestPrintedDocumentsGoToTheDocumentsFolder(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the Known Folder of Windows is not set up by a test")
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	write := func(w io.Writer) error { _, err := w.Write([]byte("%PDF-1.7")); return err }
	p := portaltest.Start(t)

	svc := open(t, p, false)
	pdf, err := svc.SavePDF("Счёт.pdf", write)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(pdf) != home {
		t.Errorf("without a documents folder the PDF went to %s, want the home folder", pdf)
	}
	svc.Close()

	docs := filepath.Join(home, "Документы")
	for _, dir := range []string{docs, filepath.Join(home, ".config")} {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(home, ".config", "user-dirs.dirs"),
		[]byte("# written by xdg-user-dirs-update\nXDG_DESKTOP_DIR=\"$HOME/Рабочий стол\"\nXDG_DOCUMENTS_DIR=\"$HOME/Документы\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	svc = open(t, p, false)
	if pdf, err = svc.SavePDF("Счёт.pdf", write); err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(pdf) != docs {
		t.Errorf("the PDF went to %s, want %s", pdf, docs)
	}
}
