// Package browsertest opens web pages in a real headless browser (Debian's
// Chromium, driven over the DevTools protocol by chromedp) for tests of the
// pages a person sees outside the window: the payment page and the page it
// returns the payer to.
//
// A machine without Chromium skips these tests, unless the environment
// says KABINET_REQUIRE_BROWSER=1 (CI does), where a missing browser fails
// them.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Browser is one headless browser with an empty profile of its own.
type Browser struct {
	ctx context.Context
}

// Start starts the browser for t and stops it when t ends.
func Start(t testing.TB) *Browser {
	t.Helper()
	path := find()
	if path == "" {
		if os.Getenv("KABINET_REQUIRE_BROWSER") == "1" {
			t.Fatal("Chromium is not installed (apt-get install chromium), and KABINET_REQUIRE_BROWSER=1")
		}
		t.Skip("Chromium is not installed: apt-get install chromium")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1024, 768),
		// This machine's network is closed: no calls home at start.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// The first action starts the browser, which lives as long as the
	// context it ran in: ctx itself, not one with a timeout.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	return &Browser{ctx: ctx}
}

func find() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Open loads url and returns the text the page shows.
func (b *Browser) Open(t testing.TB, url string) string {
	t.Helper()
	b.do(t, chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS("body")))
	return b.text(t)
}

// Press clicks the button whose caption is label, waits for the page it
// leads to (another address) and returns that page's text.
func (b *Browser) Press(t testing.TB, label string) string {
	t.Helper()
	return b.clickAndWait(t, `//button[normalize-space(.)="`+label+`"]`, label)
}

// clickAndWait clicks what the XPath finds, waits for the page it leads
// to (another address) and returns that page's text.
func (b *Browser) clickAndWait(t testing.TB, xpath, label string) string {
	t.Helper()
	before := run(t, b, chromedp.Location())
	b.do(t, chromedp.Click(chromedp.Search(xpath)))
	// The form's answer loads another page; while it loads, questions to
	// the page may fail, so ask again until the address has changed.
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		now, err := chromedp.Run(ctx, chromedp.Location())
		loaded := false
		if err == nil && now != before {
			loaded, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`document.readyState === "complete"`))
		}
		cancel()
		if err == nil && loaded {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("browser: «%s» led nowhere (still %s, %v)", label, now, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.do(t, chromedp.WaitReady(chromedp.CSS("body")))
	return b.text(t)
}

// Shot keeps a picture of the whole page as name.png in dir.
func (b *Browser) Shot(t testing.TB, dir, name string) {
	t.Helper()
	png := run(t, b, chromedp.FullScreenshot(100))
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o600); err != nil {
		t.Fatal(err)
	}
}

func (b *Browser) text(t testing.TB) string {
	t.Helper()
	return run(t, b, chromedp.Text(chromedp.CSS("body")))
}

func (b *Browser) do(t testing.TB, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("browser: %v", err)
	}
}

func run[T any](t testing.TB, b *Browser, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	return v
}
