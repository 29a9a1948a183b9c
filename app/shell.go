package app

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"kabinet/internal/domain"
)

// shell is the frame around every screen: the account switcher, text size,
// contrast, the contact-centre phone and help on top, the menu on the left
// and the status line at the bottom — always in the same places.
type shell struct {
	u        *UI
	root     *fyne.Container
	content  *fyne.Container
	menu     map[string]*widget.Button
	accounts *widget.Select
	numbers  []string
	fresh    *widget.Label // freshness and connection
	queue    *widget.Label
	progress *widget.ProgressBarInfinite
	sizeBtn  *widget.Button
	contrast *widget.Check
	single   *widget.Label  // the account, when there is only one
	logout   *widget.Button // disabled while a logout runs
}

var sizeNames = []string{"Шрифт: обычный", "Шрифт: крупный", "Шрифт: очень крупный"}

func newShell(u *UI) *shell {
	s := &shell{u: u, menu: map[string]*widget.Button{}}
	s.accounts = widget.NewSelect(nil, func(string) {
		i := s.accounts.SelectedIndex()
		if i >= 0 && i < len(s.numbers) && s.numbers[i] != u.account {
			u.touch()
			u.selectAccount(s.numbers[i])
		}
	})
	s.accounts.PlaceHolder = lang.L("Лицевой счёт")

	s.sizeBtn = u.button(lang.L(sizeNames[u.theme.size]), func() {
		u.SetTextSize((u.theme.size + 1) % len(textScales))
		s.sizeBtn.SetText(lang.L(sizeNames[u.theme.size]))
	})
	s.contrast = widget.NewCheck(lang.L("Высокая контрастность"), func(on bool) {
		u.touch()
		if on != u.theme.contrast {
			u.SetHighContrast(on)
		}
	})
	s.contrast.Checked = u.theme.contrast
	help := u.button(lang.L("Помощь"), func() { u.navigate("help") })
	phone := bold(lang.L("Контакт-центр: {{.Phone}}", map[string]any{"Phone": contactPhone(u)}))
	phone.Wrapping = fyne.TextWrapOff
	s.single = bold("")
	s.single.Wrapping = fyne.TextWrapOff
	top := newWrap(widget.NewLabel(lang.L("Счёт:")), s.accounts, s.single, s.sizeBtn, s.contrast, phone, help)

	menu := container.NewVBox()
	for _, sec := range sections() {
		id := sec.id
		b := u.button(sec.title, func() { u.navigate(id) })
		b.Alignment = widget.ButtonAlignLeading
		s.menu[id] = b
		menu.Add(b)
	}
	s.logout = u.button(lang.L("Выйти"), func() { u.logout(nil) })
	s.logout.Alignment = widget.ButtonAlignLeading

	s.fresh = widget.NewLabel("")
	s.queue = widget.NewLabel("")
	s.progress = widget.NewProgressBarInfinite()
	s.progress.Stop()
	s.progress.Hide()
	refresh := u.button(lang.L("Обновить данные"), func() { u.syncNow() })
	s.progress.Resize(fyne.NewSize(120, s.progress.MinSize().Height))
	status := newWrap(s.fresh, s.queue, s.progress, refresh)

	s.refreshAccounts()
	s.content = container.NewStack()
	// «Выйти» stays in view under the menu, however long it gets at 2× text.
	body := container.NewHSplit(container.NewBorder(nil, container.NewVBox(widget.NewSeparator(), s.logout), nil, nil, container.NewVScroll(menu)), s.content)
	body.Offset = 0.24
	s.root = container.NewBorder(container.NewVBox(top, widget.NewSeparator()), container.NewVBox(widget.NewSeparator(), status), nil, nil, newActivitySensor(u, body))
	s.updateStatus()
	return s
}

// contactPhone is the contact-centre phone from the stored contacts.
func contactPhone(u *UI) string { return phoneOf(u.svc) }

// refreshAccounts fills the account switcher.
func (s *shell) refreshAccounts() {
	list, _ := s.u.svc.Accounts()
	s.numbers = s.numbers[:0]
	var opts []string
	sel := -1
	for i, a := range list {
		s.numbers = append(s.numbers, a.Number)
		opts = append(opts, fmt.Sprintf("%s — %s", a.Number, a.Title))
		if a.Number == s.u.account {
			sel = i
		}
	}
	s.accounts.SetOptions(opts)
	if sel >= 0 {
		s.accounts.SetSelectedIndex(sel)
	}
	// A switcher with one choice is noise: one account is simply named.
	if len(list) < 2 {
		s.accounts.Hide()
		if len(opts) == 1 && s.single != nil {
			s.single.SetText(opts[0])
			s.single.Show()
		}
	} else {
		s.accounts.Show()
		if s.single != nil {
			s.single.Hide()
		}
	}
}

// busy shows the progress bar while data are being updated.
func (s *shell) busy(on bool) {
	if on || s.u.syncing {
		s.progress.Show()
		s.progress.Start()
	} else {
		s.progress.Stop()
		s.progress.Hide()
	}
}

// updateStatus writes the status line: freshness, connection, the queue.
func (s *shell) updateStatus() {
	u := s.u
	fresh := lang.L("Данные на {{.Time}}", map[string]any{"Time": timeText(u.svc.FreshAt(u.account))})
	if u.online {
		fresh += " · " + lang.L("связь есть")
	} else {
		fresh += " · " + lang.L("нет связи, показаны сохранённые данные")
	}
	s.fresh.SetText(fresh)
	st := u.svc.Status()
	q := lang.L("Ожидают отправки: {{.N}}", map[string]any{"N": st.Waiting})
	if st.Refused > 0 {
		q += " · " + lang.L("Требуют внимания: {{.N}}", map[string]any{"N": st.Refused})
	}
	if st.Paused {
		q += " · " + lang.L("войдите заново, чтобы отправить")
	}
	s.queue.SetText(q)
	s.busy(u.syncing)
}

// syncNow sends what waits and refreshes the data now.
func (u *UI) syncNow() {
	u.syncing = true
	u.shell.updateStatus()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		u.svc.SyncNow(ctx)
	}()
}

// accountTitle names the shown account.
func (u *UI) accountTitle(doc *domain.AccountDocument) string {
	if doc == nil || doc.Account == nil {
		return u.account
	}
	return fmt.Sprintf("%s — %s, %s", doc.Account.Number, doc.Account.Title, doc.Account.Address)
}
