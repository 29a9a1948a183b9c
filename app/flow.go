package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// flowLayout places objects in a row and wraps to the next row when the
// window is too narrow — at twice the text size the top bar and the status
// line wrap instead of being cut off.
type flowLayout struct{}

// gap is the space between objects in a row: twice the padding, so a bold
// label never touches its neighbour.
func gap() float32 { return 2 * theme.Padding() }

func (flowLayout) rows(objs []fyne.CanvasObject, width float32) [][]fyne.CanvasObject {
	pad := gap()
	var rows [][]fyne.CanvasObject
	var row []fyne.CanvasObject
	x := float32(0)
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		w := o.MinSize().Width
		if len(row) > 0 && x+pad+w > width {
			rows = append(rows, row)
			row, x = nil, 0
		}
		if len(row) > 0 {
			x += pad
		}
		row = append(row, o)
		x += w
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return rows
}

func (l flowLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	y := float32(0)
	for _, row := range l.rows(objs, size.Width) {
		h := float32(0)
		for _, o := range row {
			h = max(h, o.MinSize().Height)
		}
		x := float32(0)
		for _, o := range row {
			ms := o.MinSize()
			w := min(ms.Width, size.Width)
			o.Resize(fyne.NewSize(w, h))
			o.Move(fyne.NewPos(x, y))
			x += w + gap()
		}
		y += h + pad
	}
}

// MinSize is the widest object by the height of one row; the real height
// depends on the width, which Fyne asks for afterwards, so the layout keeps
// a cached width from the last Layout.
func (l flowLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		if o.Visible() {
			s = s.Max(o.MinSize())
		}
	}
	return s
}

// wrapLayout is flowLayout that knows its width, so its MinSize height
// covers every row.
type wrapLayout struct {
	flowLayout
	width float32
}

func (l *wrapLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	l.width = size.Width
	l.flowLayout.Layout(objs, size)
}

func (l *wrapLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	s := l.flowLayout.MinSize(objs)
	if l.width <= 0 {
		return s
	}
	pad := theme.Padding()
	h := float32(0)
	for i, row := range l.rows(objs, l.width) {
		rh := float32(0)
		for _, o := range row {
			rh = max(rh, o.MinSize().Height)
		}
		if i > 0 {
			h += pad
		}
		h += rh
	}
	return fyne.NewSize(s.Width, h)
}

// newWrap is a container whose objects wrap onto new rows.
func newWrap(objs ...fyne.CanvasObject) *fyne.Container {
	return container.New(&wrapLayout{}, objs...)
}
