package app

import (
	"context"
	"net/url"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
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

// place is where the window goes: a section, the account it shows, and a
// thing «Поиск» found there that the section shows first.
type place struct {
	screen  string
	account string // "" keeps the account shown now
	found   string // the ID of a news item, question or office; "" for none
}

// frame is what a screen asks of the window around it. *UI is the frame;
// a test may pass its own.
type frame interface {
	// button and primary make buttons whose taps count as activity.
	button(text string, tapped func()) *widget.Button
	primary(text string, tapped func()) *widget.Button
	// run does slow work off the UI goroutine with b disabled meanwhile;
	// done runs on the UI goroutine.
	run(b *widget.Button, work func(ctx context.Context) error, done func(err error))
	// touch records activity (typing), for a public computer's idle timer.
	touch()
	focus(f fyne.Focusable)
	navigate(id string)
	goTo(p place)
	// Window is the window dialogs open over; showDialog shows one so
	// that Escape closes it.
	Window() fyne.Window
	showDialog(d dialog.Dialog)
}

// deps is what a screen is built from: the window around it, the few
// service methods it uses (S, an interface the screen declares), the
// account shown and what «Поиск» opened on it.
type deps[S any] struct {
	frame
	svc     S
	account string
	found   string
}

// depsFor builds a screen's deps; naming S at the call checks at compile
// time that the service has the screen's methods.
func depsFor[S any](u *UI, svc S, p place) deps[S] {
	return deps[S]{frame: u, svc: svc, account: u.account, found: p.found}
}

// section is an entry of the left menu.
type section struct {
	id    string
	title string
	build func(u *UI, p place) Screen
}

// sections is the menu, always in this order: the seed manual's items in
// its words, plus the dashboard, the statement, the contact centre, search,
// questions and help.
func sections() []section {
	return []section{
		{"home", lang.L("Главная"), func(u *UI, p place) Screen { return newDashboard(depsFor[dashboardService](u, u.svc, p)) }},
		{"news", lang.L("Новости"), func(u *UI, p place) Screen { return newNews(depsFor[newsService](u, u.svc, p)) }},
		{"about", lang.L("О сервисе"), func(u *UI, p place) Screen { return newAbout(depsFor[aboutService](u, u.svc, p)) }},
		{"main", lang.L("Основные данные"), onData(newMainData)},
		{"services", lang.L("Оказываемые услуги"), onData(newServices)},
		{"invoices", lang.L("Выставленные счета"), func(u *UI, p place) Screen {
			return newInvoices(depsFor[invoicesService](u, u.svc, p), u)
		}},
		{"payments", lang.L("Зачисленные платежи"), onData(newPayments)},
		{"contract", lang.L("Договорные значения"), onData(newContract)},
		{"meters", lang.L("Приборы учета"), onData(newMeters)},
		{"reading", lang.L("Ввод показаний приборов учета"), func(u *UI, p place) Screen {
			return newReadingScreen(depsFor[readingService](u, u.svc, p), u)
		}},
		{"statement", lang.L("Ведомость энергопотребления"), onUI(newStatement)},
		{"subscriptions", lang.L("Подписки"), func(u *UI, p place) Screen {
			return newSubscriptions(depsFor[subscriptionsService](u, u.svc, p))
		}},
		{"settings", lang.L("Настройки личного кабинета"), func(u *UI, p place) Screen {
			return newSettings(depsFor[settingsService](u, u.svc, p), u.reminderChoice())
		}},
		{"contacts", lang.L("Контакт-центр"), func(u *UI, p place) Screen { return newContacts(depsFor[contactsService](u, u.svc, p)) }},
		{"search", lang.L("Поиск"), func(u *UI, p place) Screen { return newSearch(depsFor[searchService](u, u.svc, p)) }},
		{"question", lang.L("Задать вопрос"), func(u *UI, p place) Screen { return newQuestion(depsFor[questionService](u, u.svc, p)) }},
		{"help", lang.L("Помощь"), func(u *UI, p place) Screen {
			return newHelp(depsFor[helpService](u, u.svc, p), u.opts.IdleWarning, u.opts.IdleLogout)
		}},
	}
}

// pages are screens reached from another screen (a button), not from the
// menu: goTo(place{screen: id, account: …}) opens them. Paying online
// («Оплатить» on Главная and on a bill) and by the bill's QR code.
func pages() []section {
	return []section{
		{"pay", lang.L("Оплата онлайн"), func(u *UI, p place) Screen {
			return newPayScreen(depsFor[payService](u, u.svc, p), func(x *url.URL) error { return u.app.OpenURL(x) })
		}},
		{"payqr", lang.L("Оплатить по QR-коду"), func(u *UI, p place) Screen { return newPayQR(depsFor[payQRService](u, u.svc, p)) }},
	}
}

// onData builds a plain account-data screen, which asks only for the
// stored document.
func onData(build func(d deps[dataService]) Screen) func(u *UI, p place) Screen {
	return func(u *UI, p place) Screen { return build(depsFor[dataService](u, u.svc, p)) }
}

// onUI adapts a screen built from the whole window (the statement, not
// yet moved to deps).
func onUI(build func(u *UI) Screen) func(u *UI, p place) Screen {
	return func(u *UI, _ place) Screen { return build(u) }
}

// navigate opens a section for the account shown.
func (u *UI) navigate(id string) { u.goTo(place{screen: id}) }

// selectAccount shows another account on the section shown.
func (u *UI) selectAccount(number string) {
	u.goTo(place{screen: u.screenID, account: number})
}

// goTo opens p: the account is chosen first, so the section is built once,
// for it.
func (u *UI) goTo(p place) {
	if p.account != "" && p.account != u.account {
		u.account = p.account
		u.shell.refreshAccounts()
	}
	u.screenID = p.screen
	for sid, b := range u.shell.menu {
		if sid == p.screen {
			b.Importance = widget.HighImportance
		} else {
			b.Importance = widget.MediumImportance
		}
		b.Refresh()
	}
	u.show(p)
}

// showScreen builds the section shown anew.
func (u *UI) showScreen() { u.show(place{screen: u.screenID}) }

// show builds the section of p anew.
func (u *UI) show(p place) {
	for _, sec := range append(sections(), pages()...) {
		if sec.id == p.screen {
			u.screen, u.screenFor = sec.build(u, p), u.account
			u.showContent(u.screen.Content())
			// A form puts the cursor in its first field, so a person can type
			// at once (and Tab on from there).
			if f, ok := u.screen.(interface{ focusFirst() }); ok {
				f.focusFirst()
			}
		}
	}
	u.shell.updateStatus()
}

// refreshScreen shows changed data: in place where the screen can, else by
// building it again (a screen is built for one account: when the first
// sync chose one, the screen is built anew for it).
func (u *UI) refreshScreen() {
	if u.screen == nil {
		return
	}
	if r, ok := u.screen.(Refresher); ok && u.screenFor == u.account {
		r.Refresh()
		return
	}
	u.showScreen()
}

// focus puts the cursor in f.
func (u *UI) focus(f fyne.Focusable) { u.win.Canvas().Focus(f) }
