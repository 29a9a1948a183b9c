package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"kabinet/internal/domain"
)

// verificationWarnDays is how close the next verification must be for the
// meter card to warn about it.
const verificationWarnDays = 90

// newMeters is «Приборы учета»: the installed meters with their passport
// data and last readings, and below them the meters taken away.
func newMeters(d deps[dataService]) Screen {
	return newDataScreen(d, lang.L("Приборы учета"), metersBody)
}

func metersBody(doc *domain.AccountDocument) []fyne.CanvasObject {
	if len(doc.Meters) == 0 {
		return []fyne.CanvasObject{para(lang.L("Счётчиков на этом счёте нет."))}
	}
	today := dataToday()
	var out, removed []fyne.CanvasObject
	for i := range doc.Meters {
		m := &doc.Meters[i]
		if m.Active() {
			out = append(out, meterCard(doc, m, today))
		} else {
			removed = append(removed, meterCard(doc, m, today))
		}
	}
	if len(out) == 0 {
		out = append(out, para(lang.L("Действующих счётчиков нет.")))
	}
	if len(removed) > 0 {
		out = append(out, subheading(lang.L("Снятые счётчики")))
		out = append(out, removed...)
	}
	return out
}

// meterCard is everything about one meter.
func meterCard(doc *domain.AccountDocument, m *domain.Meter, today domain.Date) fyne.CanvasObject {
	var lines []fyne.CanvasObject
	if m.Model != "" {
		lines = append(lines, dataField(lang.L("Модель"), m.Model))
	}
	if m.Place != "" {
		lines = append(lines, dataField(lang.L("Место установки"), m.Place))
	}
	zones := len(m.Zones)
	lines = append(lines, dataField(lang.L("Зоны суток"), dataZones(m.ZoneCodes(), zones)))
	lines = append(lines, dataField(lang.L("Разрядность"), meterDigits(m)))
	lines = append(lines, dataField(lang.L("Дата установки"), dateText(m.InstalledOn)))
	lines = append(lines, dataField(lang.L("Последняя поверка"), dateText(m.VerifiedOn)))
	if !m.Active() {
		lines = append(lines, bold(lang.L("Снят {{.Date}}", map[string]any{"Date": dateText(m.RemovedOn)})))
		if m.ReplacedBy != "" {
			by := m.ReplacedBy
			for _, o := range doc.Meters {
				if o.ID == m.ReplacedBy {
					by = o.Serial
					if o.Model != "" {
						by += " (" + o.Model + ")"
					}
				}
			}
			lines = append(lines, para(lang.L("Заменён на счётчик № {{.Serial}}", map[string]any{"Serial": by})))
		}
	} else {
		next := m.NextVerification
		if next.IsZero() {
			next = m.NextVerificationDate()
		}
		lines = append(lines, dataField(lang.L("Следующая поверка"), dateText(next)))
		if !next.IsZero() {
			if days := today.DaysUntil(next); days < 0 {
				lines = append(lines, bold("⚠ "+lang.L("Срок поверки истёк {{.Date}}. Закажите поверку или замену счётчика.", map[string]any{"Date": dateText(next)})))
			} else if days <= verificationWarnDays {
				lines = append(lines, bold("⚠ "+lang.L("Срок поверки подходит: до {{.Date}} осталось {{.Days}} {{.Word}}. Закажите поверку или замену счётчика заранее.",
					map[string]any{"Date": dateText(next), "Days": days, "Word": domain.Plural(days, "день", "дня", "дней")})))
			}
		}
	}
	lines = append(lines, bold(lang.L("Последние показания")))
	frac := m.Fraction()
	for _, z := range m.Zones {
		name := dataZone(z.Code, zones)
		if z.LastDate.IsZero() {
			lines = append(lines, para("• "+name+": "+lang.L("показаний ещё нет")))
			continue
		}
		text := lang.L("{{.Value}} на {{.Date}}", map[string]any{"Value": z.LastValue.Format(frac), "Date": dateText(z.LastDate)})
		if z.LastSource != "" {
			text += ", " + dataWord(z.LastSource.Russian())
		}
		lines = append(lines, para("• "+name+": "+text))
	}
	return dataCard(lang.L("Счётчик № {{.Serial}}", map[string]any{"Serial": m.Serial}), lines...)
}

// meterDigits says how many digits the register shows: «6 цифр до запятой,
// 1 после».
func meterDigits(m *domain.Meter) string {
	if m.FractionDigits <= 0 {
		return lang.L("{{.Digits}} {{.Word}}, без дробной части", map[string]any{
			"Digits": m.Digits, "Word": domain.Plural(m.Digits, "цифра", "цифры", "цифр")})
	}
	return lang.L("{{.Digits}} {{.Word}} до запятой, {{.Fraction}} после", map[string]any{
		"Digits": m.Digits, "Word": domain.Plural(m.Digits, "цифра", "цифры", "цифр"), "Fraction": m.FractionDigits})
}
