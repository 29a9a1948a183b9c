package browsertest

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// Type types text into the field a person finds by its label: the one a
// <label for=…> with that caption names, or with that aria-label.
func (b *Browser) Type(t testing.TB, label, text string) {
	t.Helper()
	xpath := `//*[@id=//label[normalize-space(.)="` + label + `"]/@for or @aria-label="` + label + `"]`
	b.do(t, chromedp.SendKeys(chromedp.Search(xpath), text))
}

// Choose ticks the radio button or check box whose label's caption
// starts with label.
func (b *Browser) Choose(t testing.TB, label string) {
	t.Helper()
	b.do(t, chromedp.Click(chromedp.Search(`//label[starts-with(normalize-space(.), "`+label+`")]/input`)))
}

// Follow clicks the link whose text is label, waits for the page it leads
// to and returns that page's text.
func (b *Browser) Follow(t testing.TB, label string) string {
	t.Helper()
	return b.clickAndWait(t, `//a[normalize-space(.)="`+label+`"]`, label)
}
