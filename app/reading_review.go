package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"kabinet/internal/domain"
)

// readingReview is what the person checks before a reading goes: «Проверьте:
// День 12 345 → 12 530 (185 кВт·ч, 1 029,60 ₽)» per zone, the total, which
// reading of the month it replaces, and when it goes if the window is
// closed. It depends on nothing but its arguments; the screen adds the
// buttons.
func readingReview(m domain.Meter, a domain.Assessment, c *domain.Charge, confirmed bool) []fyne.CanvasObject {
	sums := map[domain.Zone]domain.Kopecks{}
	if c != nil {
		for _, l := range c.Lines {
			sums[l.Zone] += l.Amount
		}
	}
	energy := func(d domain.Decimal) string { return readingEnergy(d, m.FractionDigits) }
	objs := []fyne.CanvasObject{subheading(lang.L("Проверьте показания счётчика № {{.Serial}}", map[string]any{"Serial": m.Serial}))}
	for _, z := range m.Zones {
		data := map[string]any{
			"Zone":   readingZoneName(z.Code, len(m.Zones)),
			"From":   a.From[z.Code].Format(m.FractionDigits),
			"To":     a.Values[z.Code].Format(m.FractionDigits),
			"Energy": energy(a.Consumption[z.Code]),
			"Sum":    money(sums[z.Code]),
		}
		var line string
		if c != nil {
			line = lang.L("{{.Zone}}: {{.From}} → {{.To}} ({{.Energy}}, {{.Sum}})", data)
		} else {
			line = lang.L("{{.Zone}}: {{.From}} → {{.To}} ({{.Energy}})", data)
		}
		if a.Rollover[z.Code] {
			line += " — " + lang.L("счётчик прошёл через ноль")
		}
		objs = append(objs, para(line))
	}
	if c != nil {
		objs = append(objs, bold(lang.L("Итого: {{.Energy}}, примерно {{.Sum}}", map[string]any{"Energy": energy(a.Total), "Sum": money(c.Total)})),
			para(lang.L("Сумма примерная: точную вы увидите в счёте.")))
	} else {
		objs = append(objs, bold(lang.L("Итого: {{.Energy}}", map[string]any{"Energy": energy(a.Total)})))
	}
	if r := a.Replaces; r != nil {
		// A second reading of the month: the figures above are the
		// month's, and the person learns which reading goes away.
		date := map[string]any{"Date": a.ReplacesOn().DayMonth()}
		if r.Status == domain.StatusQueued {
			objs = append(objs, para(lang.L("Новое показание заменит показания от {{.Date}}, которые ещё ждут отправки. Расход считается за весь месяц.", date)))
		} else {
			objs = append(objs, para(lang.L("Новое показание заменит показания, переданные {{.Date}}. Расход считается за весь месяц.", date)))
		}
	}
	if confirmed {
		objs = append(objs, para(lang.L("Вы подтвердили, что показание верное.")))
	}
	if w := m.Window; !w.Open && !w.Start.IsZero() {
		objs = append(objs, para(lang.L("Сейчас показания не принимаются. Если вы нажмёте «Передать показания», они сохранятся и будут отправлены {{.Date}}, когда откроется приём.",
			map[string]any{"Date": dateText(w.Start)})))
	}
	return append(objs, para(lang.L("Если всё верно, нажмите «Передать показания» или клавишу Enter. Если нет — «Исправить» или Escape.")))
}

// readingEnergy formats kWh as the portal's answer does (domain.FormatKWh),
// so the review and the result show the same figure.
func readingEnergy(d domain.Decimal, frac int) string {
	return domain.FormatKWh(d, frac) + " " + lang.L("кВт·ч")
}

// keyButton is the review's primary button: it has the focus on the
// review, Enter presses it and Escape goes back.
type keyButton struct {
	widget.Button
	onEscape func()
}

func newKeyButton(b *widget.Button, onEscape func()) *keyButton {
	k := &keyButton{onEscape: onEscape}
	k.Text, k.Importance, k.OnTapped = b.Text, b.Importance, b.OnTapped
	k.ExtendBaseWidget(k)
	return k
}

// TypedKey presses the button on Enter and goes back on Escape.
func (k *keyButton) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		if !k.Disabled() {
			k.Tapped(nil)
		}
	case fyne.KeyEscape:
		if k.onEscape != nil {
			k.onEscape()
		}
	default:
		k.Button.TypedKey(ev)
	}
}
