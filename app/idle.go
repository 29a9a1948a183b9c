package app

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// idleWatch logs a public computer's session out when nobody touched it:
// a warning with a live countdown and a big «Продолжить» after IdleWarning,
// logout after IdleLogout (WCAG 2.2.1: the person is warned and can extend).
type idleWatch struct {
	u              *UI
	warnAfter, end time.Duration
	last           time.Time
	ticker         *time.Ticker
	stop           chan struct{}
	warning        *idleWarning
	now            func() time.Time // the clock; tests move it
}

// idleWarning is the dialog «Вы ещё здесь?»: the time left, counting down
// every second, what will be lost, and «Продолжить».
type idleWarning struct {
	dialog    *dialog.CustomDialog
	countdown *widget.Label
	cont      *widget.Button
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
		d := w.warning.dialog
		w.warning = nil
		d.Hide()
	}
}

// check runs on the UI goroutine, every second while the session is open:
// it opens the warning, moves its countdown on, and logs out at the end.
func (w *idleWatch) check() {
	if w.ticker == nil {
		return
	}
	idle := w.now().Sub(w.last)
	switch {
	case idle >= w.end:
		w.close()
		if w.warning != nil {
			d := w.warning.dialog
			w.warning = nil
			d.Hide()
		}
		w.u.logout(nil)
	case idle >= w.warnAfter:
		if w.warning == nil {
			w.warning = w.newWarning()
			w.u.showDialog(w.warning.dialog)
		}
		w.warning.countdown.SetText(lang.L("Выход через {{.Time}}", map[string]any{"Time": clockText(w.end - idle)}))
	}
}

func (w *idleWatch) newWarning() *idleWarning {
	iw := &idleWarning{countdown: widget.NewLabel("")}
	iw.countdown.SizeName = theme.SizeNameHeadingText
	iw.countdown.TextStyle = fyne.TextStyle{Bold: true}
	iw.countdown.Alignment = fyne.TextAlignCenter
	iw.cont = widget.NewButton(lang.L("Продолжить"), w.touch)
	iw.cont.Importance = widget.HighImportance
	body := container.NewVBox(
		iw.countdown,
		para(lang.L("Вы давно ничего не делали. Когда время выйдет, личный кабинет закроется, и все ваши данные будут удалены с этого компьютера.")),
		bold(lang.L("Показания, которые вы начали вводить и не передали, пропадут.")),
		para(lang.L("Чтобы продолжить работу, нажмите «Продолжить».")),
	)
	iw.dialog = dialog.NewCustomWithoutButtons(lang.L("Вы ещё здесь?"), body, w.u.win)
	iw.dialog.SetButtons([]fyne.CanvasObject{iw.cont})
	// Wrapped text in a dialog shrinks to a narrow column: give it the
	// width a paragraph reads best at.
	iw.dialog.Resize(fyne.NewSize(min(w.u.win.Canvas().Size().Width*0.9, 30*theme.TextSize()), 0))
	return iw
}

// clockText writes a time left as «4:05», rounded up: the last second
// shows «0:01», never «0:00» while the session is still open.
func clockText(d time.Duration) string {
	s := int((d + time.Second - 1) / time.Second)
	return fmt.Sprintf("%d:%02d", s/60, s%60)
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
