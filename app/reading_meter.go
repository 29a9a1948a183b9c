package app

import (
	"slices"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"kabinet/internal/domain"
)

// readingActiveMeters are the account's meters still installed: removed
// ones are not offered.
func readingActiveMeters(doc *domain.AccountDocument) []domain.Meter {
	var out []domain.Meter
	for _, m := range doc.Meters {
		if m.Active() {
			out = append(out, m)
		}
	}
	return out
}

// readingMeterChoice is the list of the account's meters when it has more
// than one; the form shows the chosen one.
type readingMeterChoice struct {
	sel *widget.Select // nil when the account has one active meter
	ids []string       // the meters sel offers, in its order
}

// newReadingMeterChoice offers the active meters with chosen selected;
// onChosen runs when the person picks another.
func newReadingMeterChoice(active []domain.Meter, chosen string, onChosen func(id string)) *readingMeterChoice {
	c := &readingMeterChoice{}
	if len(active) < 2 {
		return c
	}
	var opts []string
	sel := 0
	for i, m := range active {
		c.ids = append(c.ids, m.ID)
		opts = append(opts, lang.L("№ {{.Serial}} — {{.Model}}", map[string]any{"Serial": m.Serial, "Model": m.Model}))
		if m.ID == chosen {
			sel = i
		}
	}
	c.sel = widget.NewSelect(opts, nil)
	c.sel.SetSelectedIndex(sel)
	c.sel.OnChanged = func(string) {
		if i := c.sel.SelectedIndex(); i >= 0 && i < len(c.ids) {
			onChosen(c.ids[i])
		}
	}
	return c
}

// offers reports whether the meter can be chosen.
func (c *readingMeterChoice) offers(id string) bool { return slices.Contains(c.ids, id) }

// choose selects meter id, as if the person had picked it.
func (c *readingMeterChoice) choose(id string) {
	if i := slices.Index(c.ids, id); i >= 0 && c.sel.SelectedIndex() != i {
		c.sel.SetSelectedIndex(i)
	}
}

// matches reports whether the list still offers exactly the active meters.
func (c *readingMeterChoice) matches(active []domain.Meter) bool {
	if len(active) < 2 {
		return c.sel == nil
	}
	ids := make([]string, 0, len(active))
	for _, m := range active {
		ids = append(ids, m.ID)
	}
	return slices.Equal(ids, c.ids)
}

// enable lets the person change the meter (on the form) or not.
func (c *readingMeterChoice) enable(on bool) {
	switch {
	case c.sel == nil:
	case on:
		c.sel.Enable()
	default:
		c.sel.Disable()
	}
}

// readingMeterDescription names a meter and where it hangs, so the person
// knows which one to look at.
func readingMeterDescription(m domain.Meter) string {
	if m.Place == "" {
		return lang.L("Счётчик № {{.Serial}}, {{.Model}}", map[string]any{"Serial": m.Serial, "Model": m.Model})
	}
	return lang.L("Счётчик № {{.Serial}}, {{.Model}}. Где установлен: {{.Place}}", map[string]any{"Serial": m.Serial, "Model": m.Model, "Place": m.Place})
}

// readingZoneLabel is the field's label as printed on the meter.
func readingZoneLabel(z domain.Zone, zones int) string {
	switch {
	case zones <= 1:
		return lang.L("Показание")
	case zones == 2 && z == domain.T1:
		return lang.L("День (Т1)")
	case zones == 2:
		return lang.L("Ночь (Т2)")
	case z == domain.T1:
		return lang.L("Пик (Т1)")
	case z == domain.T2:
		return lang.L("Полупик (Т2)")
	}
	return lang.L("Ночь (Т3)")
}

// readingZoneName is the zone's short name for the review and the queue.
func readingZoneName(z domain.Zone, zones int) string {
	switch {
	case zones <= 1:
		return lang.L("Показание")
	case zones == 2 && z == domain.T1:
		return lang.L("День")
	case zones == 2:
		return lang.L("Ночь")
	case z == domain.T1:
		return lang.L("Пик")
	case z == domain.T2:
		return lang.L("Полупик")
	}
	return lang.L("Ночь")
}
