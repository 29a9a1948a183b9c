package app

import (
	"errors"
	"maps"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"kabinet/internal/cabinet"
	"kabinet/internal/domain"
)

// readingKit is what the parts of the reading screen need of the window:
// buttons that count as activity, and the keyboard focus.
type readingKit struct {
	button, primary func(text string, tapped func()) *widget.Button
	focus           func(fyne.Focusable)
	// receipt makes «Распечатать квитанцию» and «Сохранить квитанцию»,
	// receiptRow the one button of a line of the list; nil: none.
	receipt, receiptRow func(cabinet.ReadingReceipt) fyne.CanvasObject
}

// readingField is the input of one register (zone) of the meter.
type readingField struct {
	zone  domain.Zone
	label *widget.Label
	entry *widget.Entry
	last  *widget.Label // «Прошлое показание: 12 345,6 от 20.10.2026»
	err   *widget.Label
}

// readingCheck is the service's check of complete values: what the
// review shows, or the broken rule, or the question to confirm.
type readingCheck struct {
	values   map[domain.Zone]string
	confirm  bool // the tick the values were checked with
	a        domain.Assessment
	c        *domain.Charge
	err      error
	question string // a rollover or an unusual jump to confirm, or ""
}

// passed reports whether the values may go to the review.
func (r readingCheck) passed() bool { return r.err == nil && (r.question == "" || r.confirm) }

// confirmed reports whether the person confirmed an unusual value.
func (r readingCheck) confirmed() bool { return r.question != "" && r.confirm }

// runReadingCheck asks preview about the values as typed and, when they
// need a confirmation the person gave, again with it. It may run off the
// UI goroutine.
func runReadingCheck(preview func(map[domain.Zone]string, bool) (domain.Assessment, *domain.Charge, error), values map[domain.Zone]string, confirm bool) readingCheck {
	r := readingCheck{values: values, confirm: confirm}
	r.a, r.c, r.err = preview(values, false)
	if domain.ErrorCode(r.err) == domain.CodeNeedsConfirmation {
		r.question, r.err = message(r.err), nil
		if confirm {
			r.a, r.c, r.err = preview(values, true)
		}
	}
	return r
}

// readingForm is the entry step for one meter: one field per zone in Tab
// order, the form's own check of each field, and the answer of the
// service's check (ShowCheck). It never asks the service itself.
type readingForm struct {
	meter      domain.Meter
	box        *fyne.Container
	fields     []*readingField
	fixNote    *widget.Label // why a queued reading is being corrected
	general    *widget.Label // an error that concerns no single zone
	confirmBox *fyne.Container
	question   *widget.Label
	confirm    *widget.Check // «Да, показание верное»
	preview    *widget.Label // «Расход 185 кВт·ч, примерно 1 029,60 ₽»
	next       *widget.Button
	focus      func(fyne.Focusable)

	// OnCheck asks for the service's check of complete values; the answer
	// comes back through ShowCheck.
	OnCheck func(values map[domain.Zone]string, confirm bool)
	// OnNext is «Далее» (or Enter in the last field) with values that
	// passed the form's own check.
	OnNext func(values map[domain.Zone]string, confirm bool)
}

// newReadingForm builds the form for meter m.
func newReadingForm(m domain.Meter, kit readingKit) *readingForm {
	f := &readingForm{meter: m, focus: kit.focus, OnCheck: func(map[domain.Zone]string, bool) {}, OnNext: func(map[domain.Zone]string, bool) {}}
	hint := lang.L("Цифры после запятой (обычно в красной рамке) можно не писать.")
	if m.FractionDigits == 0 {
		hint = lang.L("Перепишите цифры с табло счётчика.")
	}
	f.fixNote = para("")
	f.fixNote.Hide()
	f.box = container.NewVBox(f.fixNote)
	if len(m.Zones) != 1 {
		f.box.Add(para(hint))
	}
	for i, z := range m.Zones {
		fd := &readingField{zone: z.Code, label: bold(readingZoneLabel(z.Code, len(m.Zones))), entry: widget.NewEntry(), last: para(""), err: errorText()}
		var label fyne.CanvasObject = fd.label
		if len(m.Zones) == 1 {
			// The hint beside the field's name, so «Далее» is in view at
			// twice the text on a 1366×768 screen.
			fd.label.Wrapping = fyne.TextWrapOff
			label = container.NewBorder(nil, nil, fd.label, nil, para(hint))
		}
		if m.FractionDigits > 0 {
			fd.entry.SetPlaceHolder(lang.L("например, 12345,6"))
		} else {
			fd.entry.SetPlaceHolder(lang.L("например, 12345"))
		}
		fd.entry.OnChanged = func(string) { f.changed() }
		fd.entry.OnSubmitted = func(string) {
			if i+1 < len(f.fields) {
				f.focus(f.fields[i+1].entry)
				return
			}
			f.submit()
		}
		f.fields = append(f.fields, fd)
		f.box.Objects = append(f.box.Objects, label, fd.entry, fd.last, fd.err)
	}
	f.general = errorText()
	f.question = bold("")
	f.confirm = widget.NewCheck(lang.L("Да, показание верное"), func(bool) { f.recheck() })
	f.confirmBox = container.NewVBox()
	f.preview = bold("")
	f.preview.Hide()
	f.next = kit.primary(lang.L("Далее"), f.submit)
	f.box.Objects = append(f.box.Objects, f.general, f.confirmBox, f.preview, readingButtons(f.next))
	return f
}

// ShowLast writes under each field what a new reading is counted from:
// the last accepted value before this month, and, when this month's
// reading was already sent, that it will be replaced — the same rule the
// preview and the portal count by (domain.Meter.BaselineFor).
func (f *readingForm) ShowLast(today domain.Date) {
	base := f.meter.BaselineFor(today.Period())
	frac := f.meter.FractionDigits
	for _, fd := range f.fields {
		for _, z := range base.Zones {
			if z.Code != fd.zone {
				continue
			}
			text := lang.L("Прошлое показание: {{.Value}}", map[string]any{"Value": z.LastValue.Format(frac)})
			if !z.LastDate.IsZero() {
				text = lang.L("Прошлое показание: {{.Value}} от {{.Date}}", map[string]any{"Value": z.LastValue.Format(frac), "Date": dateText(z.LastDate)})
			}
			if r := base.Replaces; r != nil {
				if v, ok := r.Values[fd.zone]; ok {
					text += " " + lang.L("В этом месяце уже передано {{.Value}}: новое показание заменит его.", map[string]any{"Value": v.Format(frac)})
				}
			}
			fd.last.SetText(text)
		}
	}
}

// Fill puts values into the fields (a queued reading being corrected);
// note says why, or "" for none.
func (f *readingForm) Fill(values map[domain.Zone]string, note string) {
	for _, fd := range f.fields {
		fd.entry.SetText(values[fd.zone])
	}
	f.fixNote.SetText(note)
	f.fixNote.Hidden = note == ""
	f.fixNote.Refresh()
}

// Clear empties the form after a reading was saved.
func (f *readingForm) Clear() { f.Fill(nil, "") }

// FocusFirst puts the cursor into the first field.
func (f *readingForm) FocusFirst() {
	if len(f.fields) > 0 {
		f.focus(f.fields[0].entry)
	}
}

// changed runs as the person types: a confirmation was for the values it
// was given, so it is asked again for new ones.
func (f *readingForm) changed() {
	f.setQuestion("") // unticks it too
	f.recheck()
}

// recheck asks for the service's check once every field holds a number.
func (f *readingForm) recheck() {
	if values, ok := f.typed(false); ok {
		// The preview and a general error were for other values.
		setError(f.general, nil)
		f.setPreview("")
		f.OnCheck(values, f.confirm.Checked)
	}
}

// submit is «Далее»: the first field to correct gets the focus, or the
// values go on.
func (f *readingForm) submit() {
	values, ok := f.typed(true)
	if !ok {
		f.focusProblem()
		return
	}
	f.OnNext(values, f.confirm.Checked)
}

// typed reads the fields and shows what is wrong with each. An empty
// field is not an error while typing (submitting says it is missing). It
// reports whether every field holds a number.
func (f *readingForm) typed(submitting bool) (map[domain.Zone]string, bool) {
	values, errs := f.read()
	for i, fd := range f.fields {
		err := errs[i]
		if strings.TrimSpace(fd.entry.Text) == "" && !submitting {
			err = nil
		}
		setError(fd.err, err)
	}
	ok := len(values) == len(f.fields)
	if !ok {
		setError(f.general, nil)
		f.setQuestion("")
		f.setPreview("")
	}
	return values, ok
}

// read returns the fields that hold a number, and what is wrong with each
// of the others.
func (f *readingForm) read() (map[domain.Zone]string, []error) {
	m := f.meter
	values := map[domain.Zone]string{}
	errs := make([]error, len(f.fields))
	for i, fd := range f.fields {
		text := strings.TrimSpace(fd.entry.Text)
		if _, errs[i] = domain.ParseReading(text, m.Digits, m.FractionDigits); errs[i] == nil {
			values[fd.zone] = text
		}
	}
	return values, errs
}

// Typed reports whether the fields still hold values.
func (f *readingForm) Typed(values map[domain.Zone]string) bool {
	now, _ := f.read()
	return maps.Equal(now, values)
}

// ShowCheck shows the service's answer: the consumption and charge, the
// question to confirm, or the broken rule next to its field.
func (f *readingForm) ShowCheck(r readingCheck) {
	setError(f.general, nil)
	f.setQuestion(r.question)
	f.setPreview("")
	switch {
	case r.err != nil:
		f.placeError(r.err)
	case !r.passed():
	case r.c != nil:
		f.setPreview(lang.L("Расход {{.Energy}}, примерно {{.Sum}}", map[string]any{"Energy": readingEnergy(r.a.Total, f.meter.FractionDigits), "Sum": money(r.c.Total)}))
	default:
		f.setPreview(lang.L("Расход {{.Energy}}", map[string]any{"Energy": readingEnergy(r.a.Total, f.meter.FractionDigits)}))
	}
}

// ShowError shows an error that concerns no single field.
func (f *readingForm) ShowError(err error) { setError(f.general, err) }

// placeError shows a broken rule under its zone's field, or above the
// button when it concerns no single zone.
func (f *readingForm) placeError(err error) {
	var de *domain.Error
	if errors.As(err, &de) && de.Field != "" {
		for _, fd := range f.fields {
			if string(fd.zone) == de.Field {
				setError(fd.err, err)
				return
			}
		}
	}
	setError(f.general, err)
}

// focusProblem puts the cursor where something is to correct.
func (f *readingForm) focusProblem() {
	for _, fd := range f.fields {
		if fd.err.Visible() || strings.TrimSpace(fd.entry.Text) == "" {
			f.focus(fd.entry)
			return
		}
	}
	if len(f.confirmBox.Objects) > 0 {
		f.focus(f.confirm)
	}
}

// setQuestion shows the question of a rollover or an unusual jump with its
// check box, or removes both (and the tick) when nothing is to confirm.
func (f *readingForm) setQuestion(msg string) {
	if msg == "" {
		if len(f.confirmBox.Objects) > 0 {
			f.confirmBox.Objects = nil
			f.confirmBox.Refresh()
		}
		if f.confirm.Checked {
			f.confirm.Checked = false
			f.confirm.Refresh()
		}
		return
	}
	f.question.SetText("⚠ " + msg)
	if len(f.confirmBox.Objects) == 0 {
		f.confirmBox.Objects = []fyne.CanvasObject{f.question, f.confirm}
		f.confirmBox.Refresh()
	}
}

func (f *readingForm) setPreview(text string) {
	f.preview.SetText(text)
	f.preview.Hidden = text == ""
	f.preview.Refresh()
}
