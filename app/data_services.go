package app

import (
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"kabinet/internal/domain"
)

// newServices is «Оказываемые услуги»: every service with the prices it is
// billed at now, and the prices before.
func newServices(d deps[dataService]) Screen {
	return newDataScreen(d, lang.L("Оказываемые услуги"), servicesBody)
}

func servicesBody(doc *domain.AccountDocument) []fyne.CanvasObject {
	if len(doc.Services) == 0 {
		return []fyne.CanvasObject{para(lang.L("Сведений об услугах пока нет."))}
	}
	today := dataToday()
	var out []fyne.CanvasObject
	for _, s := range doc.Services {
		var lines []fyne.CanvasObject
		if !s.Since.IsZero() {
			lines = append(lines, para(lang.L("Услуга оказывается с {{.Date}}", map[string]any{"Date": dateText(s.Since)})))
		}
		t := s.Tariff
		if t == nil {
			lines = append(lines, para(lang.L("Цены по этой услуге пока не загружены.")))
			out = append(out, dataCard(s.Name, lines...))
			continue
		}
		lines = append(lines, dataField(lang.L("Тариф"), t.Name))
		lines = append(lines, dataField(lang.L("Зоны суток"), dataZones(domain.ZonesFor(t.Zones), t.Zones)))

		rates := slices.Clone(t.Rates)
		slices.SortFunc(rates, func(a, b domain.Rate) int { return b.ValidFrom.Compare(a.ValidFrom) })
		current := -1
		for i, r := range rates {
			if !r.ValidFrom.After(today) {
				current = i
				break
			}
		}
		// Prices that start later, the nearest last.
		for i := len(rates) - 1; i >= 0; i-- {
			if rates[i].ValidFrom.After(today) {
				lines = append(lines, bold(lang.L("С {{.Date}} будут действовать цены:", map[string]any{"Date": dateText(rates[i].ValidFrom)})))
				lines = append(lines, rateLines(t, rates[i])...)
			}
		}
		if current < 0 {
			lines = append(lines, para(lang.L("Действующих цен пока нет.")))
			out = append(out, dataCard(s.Name, lines...))
			continue
		}
		lines = append(lines, bold(lang.L("Действующие цены с {{.Date}}:", map[string]any{"Date": dateText(rates[current].ValidFrom)})))
		lines = append(lines, rateLines(t, rates[current])...)
		if current+1 < len(rates) {
			lines = append(lines, subheading(lang.L("Прежние цены")))
			for i := current + 1; i < len(rates); i++ {
				until := rates[i-1].ValidFrom.AddDays(-1)
				lines = append(lines, bold(lang.L("с {{.From}} по {{.To}}:", map[string]any{"From": dateText(rates[i].ValidFrom), "To": dateText(until)})))
				lines = append(lines, rateLinesShort(t, rates[i])...)
			}
		}
		out = append(out, dataCard(s.Name, lines...))
	}
	return out
}

// rateLines writes a rate's prices: per zone, and per consumption tier when
// the rate has tiers.
func rateLines(t *domain.Tariff, r domain.Rate) []fyne.CanvasObject {
	zones := domain.ZonesFor(t.Zones)
	var out []fyne.CanvasObject
	if len(r.Tiers) == 1 {
		for _, z := range zones {
			if p, ok := r.Tiers[0].Prices[z]; ok {
				out = append(out, para("• "+dataZone(z, t.Zones)+": "+dataPrice(p)))
			}
		}
		return out
	}
	for i, tier := range r.Tiers {
		band := tierText(r.Tiers, i)
		if t.Zones <= 1 {
			if p, ok := tier.Prices[domain.T1]; ok {
				out = append(out, para("• "+band+": "+dataPrice(p)))
			}
			continue
		}
		out = append(out, para("• "+band+":"))
		for _, z := range zones {
			if p, ok := tier.Prices[z]; ok {
				out = append(out, para("    "+dataZone(z, t.Zones)+": "+dataPrice(p)))
			}
		}
	}
	return out
}

// rateLinesShort writes a former rate's prices a line per tier:
// «• до 3 900 кВт·ч в месяц: День (Т1) — 6,71 ₽, Ночь (Т2) — 3,52 ₽».
func rateLinesShort(t *domain.Tariff, r domain.Rate) []fyne.CanvasObject {
	if t.Zones <= 1 {
		return rateLines(t, r)
	}
	var out []fyne.CanvasObject
	for i, tier := range r.Tiers {
		var prices []string
		for _, z := range domain.ZonesFor(t.Zones) {
			if p, ok := tier.Prices[z]; ok {
				prices = append(prices, dataZone(z, t.Zones)+" — "+money(p))
			}
		}
		line := strings.Join(prices, ", ")
		if len(r.Tiers) > 1 {
			line = tierText(r.Tiers, i) + ": " + line
		}
		out = append(out, para("• "+line))
	}
	return out
}

// tierText names the consumption band of tier i: «до 3 900 кВт·ч в месяц»,
// «свыше 3 900 до 6 000 кВт·ч в месяц», «свыше 6 000 кВт·ч в месяц».
func tierText(tiers []domain.Tier, i int) string {
	var from int64
	if i > 0 {
		from = tiers[i-1].UpTo
	}
	to := tiers[i].UpTo
	switch {
	case from == 0 && to > 0:
		return lang.L("до {{.To}} кВт·ч в месяц", map[string]any{"To": dataInt(to)})
	case to > 0:
		return lang.L("свыше {{.From}} до {{.To}} кВт·ч в месяц", map[string]any{"From": dataInt(from), "To": dataInt(to)})
	case from > 0:
		return lang.L("свыше {{.From}} кВт·ч в месяц", map[string]any{"From": dataInt(from)})
	}
	return lang.L("при любом расходе")
}
