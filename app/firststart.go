package app

import (
	"net/url"
	"strings"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// showFirstStart asks the two questions of the first start in large type:
// the portal's address (preset by an installer or librarian when shipped)
// and what kind of computer this is.
func (u *UI) showFirstStart() {
	if u.theme.size == 0 {
		u.SetTextSize(1)
	}
	portal := widget.NewEntry()
	portal.SetText(u.opts.Settings.Portal)
	portal.SetPlaceHolder("https://lk.komiesc.ru")
	errLabel := errorText()
	choose := func(public bool) {
		addr := strings.TrimSpace(portal.Text)
		if p, err := url.Parse(addr); err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
			setErrorText(errLabel, lang.L("Адрес портала записан неверно. Пример: https://lk.komiesc.ru — его сообщит контакт-центр."))
			return
		}
		u.opts.Settings.Portal, u.opts.Settings.Public, u.opts.Settings.Chosen = addr, public, true
		u.saveSettings()
		if err := u.openService(); err != nil {
			u.showFatal(err)
			return
		}
		u.showLogin()
	}
	home := u.primary(lang.L("Это мой домашний компьютер"), func() { choose(false) })
	public := u.primary(lang.L("Это общественный компьютер (библиотека, ЦОД)"), func() { choose(true) })
	// The question first, both answers in view at large text on a
	// 1366×768 screen; the portal's address, usually filled in already,
	// after them, with what is wrong with it between.
	u.win.SetContent(u.centered(
		heading(lang.L("Добро пожаловать в личный кабинет")),
		bold(lang.L("Чей это компьютер?")),
		para(lang.L("На домашнем компьютере программа запоминает вход и хранит данные, чтобы их можно было смотреть и без интернета.")),
		home,
		para(lang.L("На общественном компьютере после выхода ничего не остаётся, а если долго ничего не делать, личный кабинет закроется сам.")),
		public,
		errLabel,
		bold(lang.L("Адрес портала")),
		para(lang.L("Обычно он уже заполнен. Если нет — спросите в контакт-центре.")),
		portal,
	))
}
