// Command hello is the yardstick of docs/performance.md: the smallest Fyne
// window, built the same way as kabinet, to compare start-up time and
// memory with.
package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := app.NewWithID("ru.komiesc.kabinet.hello")
	w := a.NewWindow("Hello")
	w.SetContent(widget.NewLabel("Привет"))
	// The same size as kabinet's window: the drawing buffers grow with it.
	w.Resize(fyne.NewSize(1100, 760))
	w.ShowAndRun()
}
