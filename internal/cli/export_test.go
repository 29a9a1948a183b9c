package cli_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"kabinet/internal/cabinet"
	"kabinet/internal/cli"
	"kabinet/internal/domain"
	"kabinet/internal/portaltest"
	"kabinet/internal/tokens"
)

// pdfText is a PDF's text as pdftotext reads it, spaces collapsed.
func pdfText(t *testing.T, path string) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext is not installed")
	}
	out, err := exec.Command(bin, "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// The bill the command line prints is the window's: it carries the
// contact centre's phone, as the window's does.
func TestExportedInvoiceIsTheWindowsWithTheContactPhone(t *testing.T) {
	p := portaltest.Start(t)
	u := newUser(t)
	u.logIn(p)
	fromCLI := filepath.Join(t.TempDir(), "cli.pdf")
	u.mustRun(cli.ExitOK, "export", "invoice", "-o", fromCLI)

	// The window, on the same computer's data.
	svc, err := cabinet.Open(cabinet.Config{Portal: p.URL, StorePath: filepath.Join(u.dir, "store.db"), Keeper: tokens.NewMemory()})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	if _, err := svc.Continue(t.Context(), ""); err != nil {
		t.Fatal(err)
	}
	phone, _, _, _ := svc.Contacts()
	if phone == "" {
		t.Fatal("no contact phone stored: the test proves nothing")
	}
	accounts, _ := svc.Accounts()
	latest, ok, err := svc.InvoicePeriod(accounts[0].Number, domain.Period{})
	if err != nil || !ok {
		t.Fatalf("no bill: %v", err)
	}
	var b bytes.Buffer
	if err := svc.InvoicePDF(&b, accounts[0].Number, latest); err != nil {
		t.Fatal(err)
	}
	fromWindow := filepath.Join(t.TempDir(), "window.pdf")
	if err := os.WriteFile(fromWindow, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	phone = strings.Join(strings.Fields(phone), " ")
	for name, path := range map[string]string{"the command line's": fromCLI, "the window's": fromWindow} {
		if text := pdfText(t, path); !strings.Contains(text, phone) {
			t.Errorf("%s bill lacks the contact phone %q:\n%s", name, phone, text)
		}
	}
}
