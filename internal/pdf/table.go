package pdf

import "strings"

// column is a table column: its title (lines split by \n), width in mm and
// alignment of the cells ("L", "C" or "R"; numbers are "R").
type column struct {
	title string
	w     float64
	align string
}

// rowKind is how a row looks.
type rowKind int

const (
	rowPlain   rowKind = iota
	rowStripe          // every other row, lightly shaded
	rowTotal           // a total: bold on a warm shade
	rowSection         // a subtotal: bold on the header's shade
)

// table draws rows of text in columns with a shaded header row, thin rules
// between the rows and cell text wrapped to the column.
type table struct {
	d    *doc
	x    float64
	cols []column
	size float64 // font size of the cells in points
	padV float64 // space above and below a row's text
	// bold are the total rows fit measures besides the rows it is given:
	// bold, and with their first cell running into the empty ones.
	bold [][]string
}

func newTable(d *doc, size float64, cols ...column) *table {
	return &table{d: d, x: marginL, cols: cols, size: size, padV: 1.1}
}

func (t *table) width() float64 {
	w := 0.0
	for _, c := range t.cols {
		w += c.w
	}
	return w
}

// headerHeight is the height of the header row.
func (t *table) headerHeight() float64 {
	n := 1
	for _, c := range t.cols {
		n = max(n, strings.Count(c.title, "\n")+1)
	}
	return float64(n)*lineH(t.size-0.5)*0.92 + 2*t.padV
}

// header draws the header row at y and returns the y below it.
func (t *table) header(y float64) float64 {
	d, f := t.d, t.d.f
	h := t.headerHeight()
	d.fill(colHead)
	f.Rect(t.x, y, t.width(), h, "F")
	d.color(colAccent)
	f.SetLineWidth(0.35)
	f.Line(t.x, y+h, t.x+t.width(), y+h)
	d.font("B", t.size-0.5, colText)
	lh := lineH(t.size-0.5) * 0.92
	x := t.x
	for _, c := range t.cols {
		lines := strings.Split(c.title, "\n")
		top := y + (h-float64(len(lines))*lh)/2
		align := c.align
		if align == "" {
			align = "C"
		}
		for i, line := range lines {
			f.SetXY(x, top+float64(i)*lh)
			f.CellFormat(c.w, lh, clean(line), "", 0, align, false, 0, "")
		}
		x += c.w
	}
	return y + h
}

// cell is a cell laid out: where it starts, how wide and what it says.
type cell struct {
	x, w  float64
	text  string
	align string
}

// layout places the cells of a row. The label of a total or subtotal runs
// into the empty cells after it.
func (t *table) layout(cells []string, kind rowKind) []cell {
	out := make([]cell, 0, len(t.cols))
	x := t.x
	for i := 0; i < len(t.cols); i++ {
		c := cell{x: x, w: t.cols[i].w, align: t.cols[i].align}
		if i < len(cells) {
			c.text = cells[i]
		}
		if i == 0 && (kind == rowTotal || kind == rowSection) {
			for i+1 < len(t.cols) && (i+1 >= len(cells) || cells[i+1] == "") {
				i++
				c.w += t.cols[i].w
			}
		}
		out = append(out, c)
		x += c.w
	}
	return out
}

// rowHeight is the height a row needs.
func (t *table) rowHeight(cells []string, kind rowKind) float64 {
	t.setFont(kind)
	n := 1
	for _, c := range t.layout(cells, kind) {
		n = max(n, len(t.d.wrap(c.text, c.w)))
	}
	return float64(n)*lineH(t.size) + 2*t.padV
}

func (t *table) setFont(kind rowKind) {
	style := ""
	if kind == rowTotal || kind == rowSection {
		style = "B"
	}
	t.d.font(style, t.size, colText)
}

// row draws a row at y and returns the y below it.
func (t *table) row(y float64, cells []string, kind rowKind) float64 {
	d, f := t.d, t.d.f
	h := t.rowHeight(cells, kind)
	switch kind {
	case rowStripe:
		d.fill(colStripe)
		f.Rect(t.x, y, t.width(), h, "F")
	case rowTotal:
		d.fill(colTotal)
		f.Rect(t.x, y, t.width(), h, "F")
	case rowSection:
		d.fill(colHead)
		f.Rect(t.x, y, t.width(), h, "F")
	}
	d.color(colLight)
	f.SetLineWidth(0.2)
	f.Line(t.x, y+h, t.x+t.width(), y+h)
	t.setFont(kind)
	lh := lineH(t.size)
	for _, c := range t.layout(cells, kind) {
		for j, line := range d.wrap(c.text, c.w) {
			f.SetXY(c.x, y+t.padV+float64(j)*lh)
			f.CellFormat(c.w, lh, line, "", 0, c.align, false, 0, "")
		}
	}
	return y + h
}

// fit sets the column widths for the rows so the table is total mm wide:
// each column as wide as its widest cell or header line, and the space left
// over shared out evenly. A table too wide at its type size tries the
// smaller sizes given; at the smallest, column flex (the one with words in
// it) gives way down to its longest word, wrapping at spaces, and after
// that every column shrinks in proportion.
func (t *table) fit(total float64, flex int, rows [][]string, smaller ...float64) {
	sizes := append([]float64{t.size}, smaller...)
	for i, size := range sizes {
		t.size = size
		if t.fitAt(total, flex, rows, i == len(sizes)-1) {
			return
		}
	}
}

// fitAt sets the widths at the current size; it reports false, changing
// nothing, when the columns do not fit and force is false.
func (t *table) fitAt(total float64, flex int, rows [][]string, force bool) bool {
	f := t.d.f
	margin := 2*f.GetCellMargin() + 0.3
	need := make([]float64, len(t.cols))
	word := make([]float64, len(t.cols))
	t.d.font("B", t.size-0.5, colText)
	for i, c := range t.cols {
		for _, line := range strings.Split(c.title, "\n") {
			w := f.GetStringWidth(clean(line)) + margin
			need[i] = max(need[i], w)
			word[i] = max(word[i], w)
		}
	}
	for _, r := range t.bold {
		t.d.font("B", t.size, colText)
		for i := range min(len(r), len(t.cols)) {
			if i == 0 && (len(r) < 2 || r[1] == "") {
				continue // it runs into the next cell
			}
			need[i] = max(need[i], f.GetStringWidth(clean(r[i]))+margin)
		}
	}
	t.d.font("", t.size, colText)
	for _, r := range rows {
		for i := range min(len(r), len(t.cols)) {
			s := clean(r[i])
			need[i] = max(need[i], f.GetStringWidth(s)+margin)
			if i == flex {
				for _, w := range strings.Fields(s) {
					word[i] = max(word[i], f.GetStringWidth(w)+margin)
				}
			}
		}
	}
	sum := 0.0
	for _, w := range need {
		sum += w
	}
	switch {
	case sum <= total:
		extra := (total - sum) / float64(len(need))
		for i := range need {
			need[i] += extra
		}
	case !force:
		return false
	case flex >= 0 && sum-need[flex]+word[flex] <= total:
		need[flex] = total - (sum - need[flex])
	default:
		if flex >= 0 {
			sum += word[flex] - need[flex]
			need[flex] = word[flex]
		}
		for i := range need {
			need[i] *= total / sum
		}
	}
	for i := range t.cols {
		t.cols[i].w = need[i]
	}
	return true
}

// add draws a row at y, first starting a new page (newPage returns where
// the page's content starts) and repeating the header when the row does
// not fit.
func (t *table) add(y float64, cells []string, kind rowKind, newPage func() float64) float64 {
	if y+t.rowHeight(cells, kind) > contentBottom {
		y = t.header(newPage())
	}
	return t.row(y, cells, kind)
}
