package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
)

// Screen is one section of the personal account. Content is built when the
// person opens the section.
type Screen interface {
	Content() fyne.CanvasObject
}

// Refresher is a screen that updates in place when data change (a form the
// person is typing into must not be rebuilt under their fingers); other
// screens are rebuilt.
type Refresher interface {
	Refresh()
}

// section is an entry of the left menu.
type section struct {
	id    string
	title string
	build func(u *UI) Screen
}

// sections is the menu, always in this order: the seed manual's items in
// its words, plus the dashboard, the statement, the contact centre, search,
// questions and help. Screens that are not written yet are left out, not
// shown dead.
func sections() []section {
	all := []section{
		{"home", lang.L("Главная"), newDashboard},
		{"news", lang.L("Новости"), screenNews},
		{"about", lang.L("О сервисе"), screenAbout},
		{"main", lang.L("Основные данные"), screenMainData},
		{"services", lang.L("Оказываемые услуги"), screenServices},
		{"invoices", lang.L("Выставленные счета"), screenInvoices},
		{"payments", lang.L("Зачисленные платежи"), screenPayments},
		{"contract", lang.L("Договорные значения"), screenContract},
		{"meters", lang.L("Приборы учета"), screenMeters},
		{"reading", lang.L("Ввод показаний приборов учета"), screenReading},
		{"statement", lang.L("Ведомость энергопотребления"), screenStatement},
		{"subscriptions", lang.L("Подписки"), screenSubscriptions},
		{"settings", lang.L("Настройки личного кабинета"), screenSettings},
		{"contacts", lang.L("Контакт-центр"), screenContacts},
		{"search", lang.L("Поиск"), screenSearch},
		{"question", lang.L("Задать вопрос"), screenQuestion},
		{"help", lang.L("Помощь"), screenHelp},
	}
	var out []section
	for _, s := range all {
		if s.build != nil {
			out = append(out, s)
		}
	}
	return out
}
