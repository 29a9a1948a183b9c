package pdf

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"kabinet/internal/domain"
)

// BenchmarkInvoice prints a three-zone household bill (target: ≤ 30 ms).
func BenchmarkInvoice(b *testing.B) {
	doc := demoDocument(b, "100003", "1100034567")
	inv := latestInvoice(b, doc)
	var size int
	for b.Loop() {
		var buf bytes.Buffer
		if err := Invoice(&buf, doc, inv.ID, testOpts); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size), "bytes/pdf")
}

// BenchmarkStatement36 prints a statement of 36 months (target: ≤ 60 ms).
func BenchmarkStatement36(b *testing.B) {
	doc := longDocument(b, 3)
	to := latestInvoice(b, doc).Period
	from := to.AddMonths(-35)
	var size int
	for b.Loop() {
		var buf bytes.Buffer
		if err := Statement(&buf, doc, from, to, testOpts); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size), "bytes/pdf")
}

// BenchmarkStatement120 prints ten years.
func BenchmarkStatement120(b *testing.B) {
	doc := longDocument(b, 10)
	for b.Loop() {
		if err := Statement(io.Discard, doc, domain.Period{}, domain.Period{}, testOpts); err != nil {
			b.Fatal(err)
		}
	}
}

// TestScreenshots writes page 1 of the bill and of the statement as PNG
// images 1000 px wide to the directory in KABINET_PDF_SCREENSHOTS
// (docs/screenshots in the repository) — run it by hand after a change to
// the layout:
//
//	KABINET_PDF_SCREENSHOTS=$PWD/docs/screenshots go test -run Screenshots ./internal/pdf/
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("KABINET_PDF_SCREENSHOTS")
	if dir == "" {
		t.Skip("KABINET_PDF_SCREENSHOTS is not set")
	}
	ivanova := demoDocument(t, "100001", "1100012345")
	inv := latestInvoice(t, ivanova)
	invoice := render(t, func(b *bytes.Buffer) error { return Invoice(b, ivanova, inv.ID, testOpts) })
	long := longDocument(t, 10)
	statement := render(t, func(b *bytes.Buffer) error {
		return Statement(b, long, domain.Period{}, domain.Period{}, testOpts)
	})
	for name, data := range map[string][]byte{"invoice-pdf.png": invoice, "statement-pdf.png": statement} {
		png := renderPage(t, writeTemp(t, "doc.pdf", data), 1, "-scale-to-x", "1000", "-scale-to-y", "-1")
		img, err := os.ReadFile(png)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), img, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
