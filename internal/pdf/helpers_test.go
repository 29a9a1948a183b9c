package pdf

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"kabinet/internal/demo"
	"kabinet/internal/domain"
	"kabinet/internal/portaldb"
)

// testNow is the moment the documents are made: inside the reading window
// (18th–25th), so the bill says how many days are left.
var testNow = time.Date(2026, time.November, 20, 14, 5, 0, 0, domain.Moscow)

var testOpts = Options{Now: func() time.Time { return testNow }, ContactPhone: "8 800 200-83-05 (звонок бесплатный)"}

func fakeHash(string) (string, error) { return "not-a-hash", nil }

// seedDocument loads seed into a portal database and returns the account's
// document as the portal sends it to the app.
func seedDocument(t testing.TB, seed *portaldb.Seed, customer, account string) *domain.AccountDocument {
	t.Helper()
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "pdf-test-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	db, err := portaldb.Open(ctx, filepath.Join(dir, "portal.db"), portaldb.Options{Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.LoadSeed(ctx, seed); err != nil {
		t.Fatal(err)
	}
	var doc *domain.AccountDocument
	err = db.Read(ctx, func(tx *portaldb.Tx) error {
		c, err := tx.CustomerByNumber(ctx, customer)
		if err != nil {
			return err
		}
		ref, err := tx.AccountRef(ctx, c.ID, account)
		if err != nil {
			return err
		}
		doc, err = tx.Document(ctx, ref, 0, domain.DefaultWindow)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

var (
	docsMu sync.Mutex
	docs   = map[string]*domain.AccountDocument{}
)

// demoDocument returns the demo account's document (built once).
func demoDocument(t testing.TB, customer, account string) *domain.AccountDocument {
	t.Helper()
	docsMu.Lock()
	defer docsMu.Unlock()
	key := "demo/" + customer + "/" + account
	if d := docs[key]; d != nil {
		return d
	}
	seed, err := demo.Build(testNow, fakeHash)
	if err != nil {
		t.Fatal(err)
	}
	d := seedDocument(t, seed, customer, account)
	docs[key] = d
	return d
}

// longDocument returns the document of demo.LongHistory over years.
func longDocument(t testing.TB, years int) *domain.AccountDocument {
	t.Helper()
	docsMu.Lock()
	defer docsMu.Unlock()
	key := "long/" + strconv.Itoa(years)
	if d := docs[key]; d != nil {
		return d
	}
	seed, err := demo.LongHistory(testNow, years, fakeHash)
	if err != nil {
		t.Fatal(err)
	}
	d := seedDocument(t, seed, demo.LongCustomer, seed.Customers[0].Accounts[0].Number)
	docs[key] = d
	return d
}

// latestInvoice is the document's newest bill.
func latestInvoice(t testing.TB, doc *domain.AccountDocument) *domain.Invoice {
	t.Helper()
	var latest *domain.Invoice
	for i := range doc.Invoices {
		if latest == nil || latest.Period.Before(doc.Invoices[i].Period) {
			latest = &doc.Invoices[i]
		}
	}
	if latest == nil {
		t.Fatal("no invoices")
	}
	return latest
}

// needTool skips the test when a command-line tool is not installed.
func needTool(t testing.TB, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s is not installed", name)
	}
}

// writeTemp writes a PDF to the test's temporary directory.
func writeTemp(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// pdfText extracts a PDF's text with pdftotext -layout, pages first–last
// (0: all).
func pdfText(t testing.TB, path string, first, last int) string {
	t.Helper()
	needTool(t, "pdftotext")
	args := []string{"-layout", "-enc", "UTF-8"}
	if first > 0 {
		args = append(args, "-f", strconv.Itoa(first), "-l", strconv.Itoa(last))
	}
	args = append(args, path, "-")
	out, err := exec.Command("pdftotext", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
}

// pdfPages returns the number of pages pdfinfo reports.
func pdfPages(t testing.TB, path string) int {
	t.Helper()
	needTool(t, "pdfinfo")
	out, err := exec.Command("pdfinfo", path).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo: %v\n%s", err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "Pages:"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatalf("pdfinfo: no page count\n%s", out)
	return 0
}

// renderPage renders a page to PNG with pdftoppm and returns the file.
func renderPage(t testing.TB, path string, page int, args ...string) string {
	t.Helper()
	needTool(t, "pdftoppm")
	prefix := filepath.Join(t.TempDir(), "page")
	all := append([]string{"-png", "-f", strconv.Itoa(page), "-l", strconv.Itoa(page), "-singlefile"}, args...)
	all = append(all, path, prefix)
	if out, err := exec.Command("pdftoppm", all...).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	return prefix + ".png"
}

// mustContain fails for every wanted string the text lacks.
func mustContain(t testing.TB, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("the text lacks %q", w)
		}
	}
}

// render runs fn into a buffer.
func render(t testing.TB, fn func(*bytes.Buffer) error) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := fn(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func lookTool(name string) (string, error) { return exec.LookPath(name) }
