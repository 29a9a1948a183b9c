package app

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"kabinet/internal/domain"
)

// newMainData is «Основные данные»: who the customer is and what the
// account or contract is.
func newMainData(d deps[dataService]) Screen {
	return newDataScreen(d, lang.L("Основные данные"), mainDataBody)
}

func mainDataBody(doc *domain.AccountDocument) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	legal := dataLegal(doc)
	if c := doc.Customer; c != nil {
		var lines []fyne.CanvasObject
		title := lang.L("Клиент")
		if legal {
			title = lang.L("Организация")
			lines = append(lines, dataField(lang.L("Наименование"), c.FullName))
			if c.INN != "" {
				lines = append(lines, dataField(lang.L("ИНН"), c.INN))
			}
		} else {
			lines = append(lines, dataField(lang.L("Фамилия, имя, отчество"), c.FullName))
		}
		lines = append(lines, dataField(lang.L("Номер клиента"), c.Number))
		phone := lang.L("не указан")
		if c.Phone != "" {
			phone = dataPhone(c.Phone)
		}
		lines = append(lines, dataField(lang.L("Телефон"), phone))
		email := lang.L("не указана")
		if c.Email != "" {
			email = c.Email
		}
		lines = append(lines, dataField(lang.L("Электронная почта"), email))
		lines = append(lines, para(lang.L("Телефон и электронную почту можно изменить в разделе «Настройки личного кабинета».")))
		out = append(out, dataCard(title, lines...))
	}

	a := doc.Account
	title := lang.L("Лицевой счёт")
	if legal {
		title = lang.L("Договор")
	}
	lines := []fyne.CanvasObject{
		dataField(lang.L("Лицевой счёт"), a.Number),
	}
	if a.ContractNumber != "" {
		lines = append(lines, dataField(lang.L("Номер договора"), a.ContractNumber))
	}
	if a.Title != "" {
		lines = append(lines, dataField(lang.L("Объект"), a.Title))
	}
	lines = append(lines, dataField(lang.L("Адрес"), a.Address))
	if a.PointOfSupply != "" {
		lines = append(lines, dataField(lang.L("Точка поставки"), a.PointOfSupply))
	}
	if !legal {
		lines = append(lines, dataField(lang.L("Количество проживающих"), strconv.Itoa(a.Residents)))
	}
	if a.Area > 0 {
		lines = append(lines, dataField(lang.L("Площадь помещения"), lang.L("{{.Area}} м²", map[string]any{"Area": a.Area.Format(2)})))
	}
	if g := a.TariffGroup.Russian(); g != "" {
		lines = append(lines, dataField(lang.L("Тарифная группа"), dataWord(g)))
	}
	if !a.OpenedOn.IsZero() {
		lines = append(lines, dataField(lang.L("Дата открытия"), dateText(a.OpenedOn)))
	}
	out = append(out, dataCard(title, lines...))
	return out
}
