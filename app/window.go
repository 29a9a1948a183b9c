package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
)

// The window's size: the person's own size when they had one, else at the
// large text sizes the screen's work area (Fyne 2.7 cannot maximise a
// window), else 1100×760.

// initialSize is the size the window opens at, when known before it shows.
func (u *UI) initialSize() fyne.Size {
	if s := u.opts.Settings; s.WindowWidth > 0 && s.WindowHeight > 0 {
		return fyne.NewSize(s.WindowWidth, s.WindowHeight)
	}
	return fyne.NewSize(1100, 760)
}

// fillScreen makes the window as large as the screen's work area (the
// screen less the task bar), where the platform tells it.
func (u *UI) fillScreen() {
	nw, ok := u.win.(driver.NativeWindow)
	if !ok {
		return // Fyne's test driver: no screen
	}
	nw.RunNative(func(any) {
		w, h, ok := workArea()
		if !ok {
			return
		}
		scale := u.win.Canvas().Scale()
		if scale <= 0 {
			scale = 1
		}
		u.win.Resize(fyne.NewSize(float32(w)/scale, float32(h)/scale))
		u.win.CenterOnScreen()
	})
}

// started runs once the window is on the screen: at a large text size with
// no size of the person's own, the window fills the screen.
func (u *UI) started() {
	if u.opts.Settings.TextSize >= 1 && u.opts.Settings.WindowWidth == 0 {
		u.fillScreen()
	}
}

// rememberSize keeps the window's size for the next start.
func (u *UI) rememberSize() {
	size := u.win.Canvas().Size()
	if size.Width > 0 && size.Height > 0 {
		u.opts.Settings.WindowWidth, u.opts.Settings.WindowHeight = size.Width, size.Height
		u.saveSettings()
	}
}
