package app

import (
	"image/color"

	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// fitRow is a row of a fitTable: its cells, bold for a total.
type fitRow struct {
	cells []string
	bold  bool
}

// fitTable is a table that fits its place: every column as wide as its
// longest text, nothing cut, when the room allows; one card per row when
// it does not (at twice the text size, in a narrow window). Figures are
// never wrapped, so a sum or a reading is never split mid-value. It has no
// scroll of its own: the page around it scrolls as a whole with the wheel.
type fitTable struct {
	widget.BaseWidget
	widths []float32
	grid   *fyne.Container
	cards  *fyne.Container
	wide   bool
	laid   bool
	// changed is called when the table turns into cards or back, so the
	// page around it measures it again.
	changed func()
}

// newFitTable lays rows out under headers (a header may have two lines,
// split by "\n"); align places each column; card draws a row as a card.
func newFitTable(headers []string, align []fyne.TextAlign, rows []fitRow, card func(fitRow) fyne.CanvasObject) *fitTable {
	t := &fitTable{widths: make([]float32, len(headers))}
	lay := &fitColumns{t: t}
	var lines []fyne.CanvasObject
	head := container.New(lay)
	for c, h := range headers {
		head.Add(newFitCell(h, true, align[c]))
	}
	lines = append(lines, head, widget.NewSeparator())
	var cards []fyne.CanvasObject
	for _, r := range rows {
		row := container.New(lay)
		for c, text := range r.cells {
			row.Add(newFitCell(text, r.bold, align[c]))
		}
		lines = append(lines, row)
		if r.bold {
			lines = append(lines, widget.NewSeparator())
		}
		cards = append(cards, card(r))
	}
	t.grid = container.NewVBox(lines...)
	t.cards = container.NewVBox(cards...)
	t.cards.Hide()
	t.wide = true
	t.ExtendBaseWidget(t)
	return t
}

// need is the width the table takes with every column whole.
func (t *fitTable) need() float32 {
	t.measure()
	var w float32
	for _, c := range t.widths {
		w += c
	}
	return w
}

// measure works the column widths out for the current text size.
func (t *fitTable) measure() {
	for i := range t.widths {
		t.widths[i] = 0
	}
	for _, o := range t.grid.Objects {
		row, ok := o.(*fyne.Container)
		if !ok {
			continue
		}
		for c, cell := range row.Objects {
			if c < len(t.widths) {
				t.widths[c] = max(t.widths[c], cell.MinSize().Width)
			}
		}
	}
}

// Wide reports whether the table shows as a table (not cards).
func (t *fitTable) Wide() bool { return t.wide }

func (t *fitTable) CreateRenderer() fyne.WidgetRenderer {
	return &fitTableRenderer{t: t}
}

type fitTableRenderer struct{ t *fitTable }

func (r *fitTableRenderer) Layout(size fyne.Size) {
	t := r.t
	// At twice the text size a row of figures is hard to follow across:
	// cards, even where the columns would fit.
	th, _ := fyne.CurrentApp().Settings().Theme().(*kabinetTheme)
	wide := size.Width >= t.need() && (th == nil || th.scale() < 2)
	if wide != t.wide || !t.laid {
		t.laid = true
		if t.wide = wide; wide {
			t.cards.Hide()
			t.grid.Show()
		} else {
			t.grid.Hide()
			t.cards.Show()
		}
		if t.changed != nil {
			t.changed()
		}
	}
	for _, o := range []fyne.CanvasObject{t.grid, t.cards} {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(fyne.NewSize(size.Width, o.MinSize().Height))
	}
}

func (r *fitTableRenderer) MinSize() fyne.Size {
	t := r.t
	// As narrow as the cards may be: the window decides between the two.
	w := t.cards.MinSize().Width
	if t.wide {
		return fyne.NewSize(w, t.grid.MinSize().Height)
	}
	return fyne.NewSize(w, t.cards.MinSize().Height)
}

func (r *fitTableRenderer) Refresh() {
	r.t.grid.Refresh()
	r.t.cards.Refresh()
	r.Layout(r.t.Size())
}

func (r *fitTableRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.t.grid, r.t.cards}
}

func (r *fitTableRenderer) Destroy() {}

// fitColumns places the cells of a row in the table's columns.
type fitColumns struct{ t *fitTable }

func (l *fitColumns) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	x := float32(0)
	for c, o := range objs {
		if c >= len(l.t.widths) {
			break
		}
		w := l.t.widths[c]
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
		x += w
	}
}

func (l *fitColumns) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var h float32
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(0, h)
}

// fitCell is a table cell: its text on one line (or on the lines its "\n"
// makes), never wrapped or cut, with less padding than a label so a table
// of eight columns fits a window of 1100 px at the normal size.
type fitCell struct {
	widget.BaseWidget
	text  string
	bold  bool
	align fyne.TextAlign
}

func newFitCell(text string, bold bool, align fyne.TextAlign) *fitCell {
	c := &fitCell{text: text, bold: bold, align: align}
	c.ExtendBaseWidget(c)
	return c
}

// Text is the cell's text (tests read it).
func (c *fitCell) Text() string { return c.text }

func (c *fitCell) CreateRenderer() fyne.WidgetRenderer {
	r := &fitCellRenderer{c: c}
	for _, line := range strings.Split(c.text, "\n") {
		r.lines = append(r.lines, canvas.NewText(line, nil))
	}
	r.Refresh()
	return r
}

type fitCellRenderer struct {
	c     *fitCell
	lines []*canvas.Text
}

func (r *fitCellRenderer) pad() fyne.Size {
	return fyne.NewSize(theme.Padding(), theme.InnerPadding())
}

func (r *fitCellRenderer) Layout(size fyne.Size) {
	pad := r.pad()
	y := pad.Height
	for _, t := range r.lines {
		ms := t.MinSize()
		x := pad.Width
		switch r.c.align {
		case fyne.TextAlignTrailing:
			x = size.Width - pad.Width - ms.Width
		case fyne.TextAlignCenter:
			x = (size.Width - ms.Width) / 2
		}
		t.Move(fyne.NewPos(x, y))
		t.Resize(ms)
		y += ms.Height
	}
}

func (r *fitCellRenderer) MinSize() fyne.Size {
	var s fyne.Size
	for _, t := range r.lines {
		ms := t.MinSize()
		s = fyne.NewSize(max(s.Width, ms.Width), s.Height+ms.Height)
	}
	pad := r.pad()
	return s.Add(fyne.NewSize(2*pad.Width, 2*pad.Height))
}

func (r *fitCellRenderer) Refresh() {
	for _, t := range r.lines {
		t.Color = theme.Color(theme.ColorNameForeground)
		t.TextSize = theme.TextSize()
		t.TextStyle = fyne.TextStyle{Bold: r.c.bold}
		t.Refresh()
	}
}

func (r *fitCellRenderer) Objects() []fyne.CanvasObject {
	out := make([]fyne.CanvasObject, len(r.lines))
	for i, t := range r.lines {
		out[i] = t
	}
	return out
}

func (r *fitCellRenderer) Destroy() {}

// fitPairsCard is fitCard with its pairs in two columns when each fits
// half the width (one otherwise) and half the padding around the lines:
// a month of the statement takes four lines at twice the text size, so the
// first one is in view under the page's title and month pickers.
func fitPairsCard(title string, pairs ...[2]string) fyne.CanvasObject {
	grid := container.New(&pairsLayout{})
	for _, p := range pairs {
		if strings.TrimSpace(p[1]) == "" {
			continue
		}
		value := widget.NewLabel(p[1])
		value.TextStyle = fyne.TextStyle{Bold: true}
		grid.Add(newWrap(widget.NewLabel(p[0]+":"), value))
	}
	return container.NewThemeOverride(widget.NewCard("", "", container.NewVBox(bold(title), grid)), compactTheme{})
}

// pairsLayout places objects in two equal columns when the widest fits
// half the width, in one column otherwise. Like wrapLayout it keeps the
// width of its last layout, so its MinSize height covers every row.
type pairsLayout struct{ width float32 }

func (l *pairsLayout) cols(objs []fyne.CanvasObject, width float32) int {
	var w float32
	for _, o := range objs {
		w = max(w, o.MinSize().Width)
	}
	if width >= 2*w+gap() {
		return 2
	}
	return 1
}

// rows is the height of each row of objs in n columns.
func (l *pairsLayout) rows(objs []fyne.CanvasObject, n int) []float32 {
	var hs []float32
	for i, o := range objs {
		if i%n == 0 {
			hs = append(hs, 0)
		}
		hs[len(hs)-1] = max(hs[len(hs)-1], o.MinSize().Height)
	}
	return hs
}

func (l *pairsLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	l.width = size.Width
	n := l.cols(objs, size.Width)
	w := (size.Width - gap()*float32(n-1)) / float32(n)
	y := float32(0)
	for r, h := range l.rows(objs, n) {
		for c := 0; c < n && r*n+c < len(objs); c++ {
			o := objs[r*n+c]
			o.Move(fyne.NewPos(float32(c)*(w+gap()), y))
			o.Resize(fyne.NewSize(w, h))
		}
		y += h + theme.Padding()
	}
}

func (l *pairsLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w, h float32
	for _, o := range objs {
		w = max(w, o.MinSize().Width)
	}
	n := 1
	if l.width > 0 {
		n = l.cols(objs, l.width)
	}
	for i, rh := range l.rows(objs, n) {
		if i > 0 {
			h += theme.Padding()
		}
		h += rh
	}
	return fyne.NewSize(w, h)
}

// compactTheme is the window's theme with the padding inside a label or a
// button halved, for lines that belong together.
type compactTheme struct{}

func (compactTheme) current() fyne.Theme { return fyne.CurrentApp().Settings().Theme() }

func (t compactTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	return t.current().Color(n, v)
}

func (t compactTheme) Font(s fyne.TextStyle) fyne.Resource { return t.current().Font(s) }

func (t compactTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return t.current().Icon(n) }

func (t compactTheme) Size(n fyne.ThemeSizeName) float32 {
	if n == theme.SizeNameInnerPadding {
		return t.current().Size(theme.SizeNamePadding)
	}
	return t.current().Size(n)
}
