package app

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"

	"kabinet/internal/domain"
)

// newContract is «Договорные значения»: for a legal entity the maximum
// capacity, voltage level, price category and contracted monthly volumes;
// for a household the residents and the consumption norm.
func newContract(d deps[dataService]) Screen {
	return newDataScreen(d, lang.L("Договорные значения"), contractBody)
}

func contractBody(doc *domain.AccountDocument) []fyne.CanvasObject {
	cv := doc.ContractValues
	if cv == nil || (cv.MaxCapacityKW == 0 && cv.VoltageLevel == "" && cv.PriceCategory == "" &&
		len(cv.MonthlyVolumes) == 0 && cv.Residents == 0 && cv.NormPerResident == 0) {
		return []fyne.CanvasObject{para(lang.L("Для этого счёта договорные значения не установлены."))}
	}
	var out []fyne.CanvasObject
	if cv.MaxCapacityKW > 0 || cv.VoltageLevel != "" || cv.PriceCategory != "" || len(cv.MonthlyVolumes) > 0 {
		var lines []fyne.CanvasObject
		if cv.MaxCapacityKW > 0 {
			lines = append(lines, dataField(lang.L("Максимальная мощность"), lang.L("{{.Power}} кВт", map[string]any{"Power": dataDecimal(cv.MaxCapacityKW)})))
		}
		if cv.VoltageLevel != "" {
			lines = append(lines, dataField(lang.L("Уровень напряжения"), cv.VoltageLevel))
		}
		if cv.PriceCategory != "" {
			lines = append(lines, dataField(lang.L("Ценовая категория"), cv.PriceCategory))
		}
		out = append(out, dataCard(lang.L("Условия договора"), lines...))
		if len(cv.MonthlyVolumes) > 0 {
			out = append(out, contractVolumes(doc, cv.MonthlyVolumes))
		}
	}
	if cv.Residents > 0 || cv.NormPerResident > 0 {
		lines := []fyne.CanvasObject{
			dataField(lang.L("Количество проживающих"), strconv.Itoa(cv.Residents)),
		}
		if cv.NormPerResident > 0 {
			lines = append(lines, dataField(lang.L("Норматив потребления"),
				lang.L("{{.Norm}} кВт·ч на человека в месяц", map[string]any{"Norm": dataDecimal(cv.NormPerResident)})))
			if cv.Residents > 0 {
				all := cv.NormPerResident * domain.Decimal(cv.Residents)
				lines = append(lines, para(lang.L("По нормативу на всех проживающих — {{.Volume}} в месяц. Норматив применяют, когда показания не передавались больше трёх месяцев подряд.",
					map[string]any{"Volume": kwh(all, 0)})))
			}
		}
		out = append(out, dataCard(lang.L("Проживающие и норматив"), lines...))
	}
	return out
}

// contractVolumes is the table of contracted monthly volumes, with what was
// actually used in those months where readings are known.
func contractVolumes(doc *domain.AccountDocument, vols []domain.ContractVolume) fyne.CanvasObject {
	used := map[domain.Period]domain.Decimal{}
	frac := 0
	for _, m := range doc.Meters {
		frac = max(frac, m.Fraction())
	}
	for _, r := range doc.AcceptedReadings() {
		for _, v := range r.Consumption {
			used[r.Period] += v
		}
	}
	grid := container.NewGridWithColumns(3,
		bold(lang.L("Месяц")), bold(lang.L("По договору")), bold(lang.L("Фактически")))
	var total domain.Decimal
	for _, v := range vols {
		total += v.Volume
		fact := "—"
		if u, ok := used[v.Period]; ok {
			fact = kwh(u, frac)
		}
		grid.Add(para(dataCapital(dataPeriod(v.Period))))
		grid.Add(para(kwh(v.Volume, 0)))
		grid.Add(para(fact))
	}
	return dataCard(lang.L("Договорные объёмы по месяцам"), grid,
		bold(lang.L("Всего по договору: {{.Volume}}", map[string]any{"Volume": kwh(total, 0)})))
}
