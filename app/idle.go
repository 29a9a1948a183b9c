package app

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// idleWatch logs a public computer's session out when nobody touched it:
// a warning with a big «Продолжить» after IdleWarning, logout after
// IdleLogout (WCAG 2.2.1: the person is warned and can extend).
type idleWatch struct {
	u              *UI
	warnAfter, end time.Duration
	last           time.Time
	ticker         *time.Ticker
	stop           chan struct{}
	warning        dialog.Dialog
	now            func() time.Time // the clock; tests move it
}

func newIdleWatch(u *UI, warn, end time.Duration) *idleWatch {
	return &idleWatch{u: u, warnAfter: warn, end: end, last: time.Now(), stop: make(chan struct{}), now: time.Now}
}

func (w *idleWatch) start() {
	tick := min(time.Second, w.warnAfter/4)
	w.ticker = time.NewTicker(tick)
	ticks, stop := w.ticker.C, w.stop
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-ticks:
				do(w.check)
			}
		}
	}()
}

func (w *idleWatch) close() {
	if w.ticker != nil {
		w.ticker.Stop()
		close(w.stop)
		w.ticker = nil
	}
}

// touch records activity; it runs on the UI goroutine.
func (w *idleWatch) touch() {
	w.last = w.now()
	if w.warning != nil {
		w.warning.Hide()
		w.warning = nil
	}
}

// check runs on the UI goroutine.
func (w *idleWatch) check() {
	if w.ticker == nil {
		return
	}
	idle := w.now().Sub(w.last)
	switch {
	case idle >= w.end:
		w.close()
		if w.warning != nil {
			w.warning.Hide()
		}
		w.u.logout(nil)
	case idle >= w.warnAfter && w.warning == nil:
		left := int((w.end - idle).Round(time.Second).Seconds())
		cont := widget.NewButton(lang.L("Продолжить"), func() { w.touch() })
		cont.Importance = widget.HighImportance
		msg := para(lang.L("Вы давно ничего не делали. Через {{.N}} секунд личный кабинет закроется, и все ваши данные будут удалены с этого компьютера. Чтобы продолжить работу, нажмите «Продолжить».", map[string]any{"N": left}))
		d := dialog.NewCustomWithoutButtons(lang.L("Вы ещё здесь?"), container.NewVBox(msg, cont), w.u.win)
		w.warning = d
		w.u.showDialog(d)
	}
}

// activitySensor lies under the screens and notices the mouse moving over
// them, which counts as activity on a public computer.
type activitySensor struct {
	widget.BaseWidget
	u       *UI
	content fyne.CanvasObject
}

func newActivitySensor(u *UI, content fyne.CanvasObject) *activitySensor {
	s := &activitySensor{u: u, content: content}
	s.ExtendBaseWidget(s)
	return s
}

func (s *activitySensor) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(s.content)
}

// MouseIn, MouseMoved and MouseOut make the sensor desktop.Hoverable.
func (s *activitySensor) MouseIn(*desktop.MouseEvent)    { s.u.touch() }
func (s *activitySensor) MouseMoved(*desktop.MouseEvent) { s.u.touch() }
func (s *activitySensor) MouseOut()                      {}
