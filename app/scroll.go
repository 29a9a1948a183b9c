package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// wheelNotch is how far Fyne's desktop driver scrolls for one notch of the
// mouse wheel, whatever the text size (internal/driver/glfw scrollSpeed).
const wheelNotch = 25

// lineScroll is a vertical scroll whose wheel moves a comfortable step at
// every text size: three lines of text a notch, as word processors do.
// Fyne moves 25 px, half a line at twice the text size.
type lineScroll struct {
	container.Scroll
}

// newVScroll is container.NewVScroll with a wheel step of three lines.
func newVScroll(content fyne.CanvasObject) *lineScroll {
	s := &lineScroll{}
	s.Content = content
	s.Direction = container.ScrollVerticalOnly
	s.ExtendBaseWidget(s)
	return s
}

// wheelStep is the distance of one wheel notch.
func wheelStep() float32 {
	return 3 * theme.TextSize() * 1.4
}

func (s *lineScroll) Scrolled(ev *fyne.ScrollEvent) {
	k := wheelStep() / wheelNotch
	e := *ev
	e.Scrolled = fyne.NewDelta(ev.Scrolled.DX*k, ev.Scrolled.DY*k)
	s.Scroll.Scrolled(&e)
}
