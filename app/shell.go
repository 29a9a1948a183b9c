package app

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"kabinet/internal/domain"
)

// shell is the frame around every screen: the account, text size,
// contrast, the contact-centre phone and help on top, the menu on the left
// and the status line at the bottom — always in the same places.
//
// Large text changes the frame instead of squeezing the screen: the top
// bar stays one row (what does not fit folds into «Ещё»), and from the
// large size on the menu becomes a «Разделы» button, so the screen takes
// the whole width.
type shell struct {
	u        *UI
	root     *fyne.Container
	body     *fyne.Container // the menu and the screen, or the screen alone
	content  *fyne.Container
	menu     map[string]*widget.Button
	menuPane fyne.CanvasObject
	sections *widget.Button // «Разделы», when the menu is folded
	more     *widget.Button // «Ещё», when the top bar does not fit
	accounts *widget.Select
	numbers  []string
	fresh    *widget.Label // freshness, connection and the queue
	progress *widget.ProgressBarInfinite
	sizeBtn  *widget.Button
	contrast *widget.Check
	phone    *widget.Label
	single   *widget.Label   // the account, when there is only one
	top      *fyne.Container // the top bar, laid out again when the account's name changes
	compact  bool            // the menu is folded into «Разделы»
	logout   *widget.Button  // disabled while a logout runs
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

	s.sizeBtn = u.sizeButton()
	s.contrast = u.contrastCheck()
	help := u.button(lang.L("Помощь"), func() { u.navigate("help") })
	s.phone = bold(lang.L("Контакт-центр: {{.Phone}}", map[string]any{"Phone": contactPhone(u)}))
	s.phone.Wrapping = fyne.TextWrapOff
	s.single = bold("")
	s.single.Wrapping = fyne.TextWrapOff
	s.single.Truncation = fyne.TextTruncateEllipsis
	s.sections = u.button("☰ "+lang.L("Разделы"), s.showSections)
	s.more = u.button(lang.L("Ещё…"), s.showMore)
	bar := &barLayout{
		lead: []fyne.CanvasObject{s.sections, widget.NewLabel(lang.L("Счёт:")), s.accounts, s.single},
		keep: []fyne.CanvasObject{s.sizeBtn},
		fold: []fyne.CanvasObject{s.contrast, s.phone, help},
		more: s.more,
	}
	top := container.New(bar, append(append(append(append([]fyne.CanvasObject{}, bar.lead...), bar.keep...), bar.fold...), s.more)...)
	s.top = top

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
	// «Выйти» stays in view under the menu, however long the menu gets.
	s.menuPane = container.NewBorder(nil, container.NewVBox(widget.NewSeparator(), s.logout), nil, nil, newVScroll(menu))

	// The status line is one row: at large text it is cut short with «…»
	// rather than taking rows from the screen.
	s.fresh = widget.NewLabel("")
	s.fresh.Truncation = fyne.TextTruncateEllipsis
	s.progress = widget.NewProgressBarInfinite()
	s.progress.Stop()
	s.progress.Hide()
	refresh := u.button(lang.L("Обновить данные"), func() { u.syncNow() })
	status := container.NewBorder(nil, nil, nil, container.NewHBox(s.progress, refresh), s.fresh)

	s.refreshAccounts()
	s.content = container.NewStack()
	s.body = container.NewStack()
	s.root = container.NewBorder(container.NewVBox(top, widget.NewSeparator()), container.NewVBox(widget.NewSeparator(), status), nil, nil, newActivitySensor(u, s.body))
	s.arrange()
	s.updateStatus()
	return s
}

// compactWidth is the window width under which the menu folds into
// «Разделы» even at the normal text size: a bill's or the statement's
// columns need the room.
const compactWidth = 1000

// arrange puts the menu beside the screen, or folds it into «Разделы».
func (s *shell) arrange() {
	s.body.Objects = []fyne.CanvasObject{s.menuPane, s.content}
	s.body.Layout = &bodyLayout{s: s}
	s.setCompact(s.u.theme.size >= 1)
	s.body.Refresh()
}

// setCompact folds the menu (or unfolds it).
func (s *shell) setCompact(on bool) {
	s.compact = on
	if on {
		s.sections.Show()
		s.menuPane.Hide()
	} else {
		s.sections.Hide()
		s.menuPane.Show()
	}
}

// bodyLayout is the menu, a narrow column as wide as its longest entry, and
// the screen in the rest; from the large text size on, or in a narrow
// window, the screen alone.
type bodyLayout struct{ s *shell }

func (l *bodyLayout) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	s := l.s
	compact := s.u.theme.size >= 1 || size.Width < compactWidth
	if compact != s.compact {
		s.setCompact(compact)
		s.root.Refresh()
	}
	x := float32(0)
	if !compact {
		w := s.menuPane.MinSize().Width + theme.Padding()
		s.menuPane.Move(fyne.NewPos(0, 0))
		s.menuPane.Resize(fyne.NewSize(w, size.Height))
		x = w + theme.Padding()
	}
	s.content.Move(fyne.NewPos(x, 0))
	s.content.Resize(fyne.NewSize(size.Width-x, size.Height))
}

func (l *bodyLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	return l.s.content.MinSize()
}

// showSections opens the list of sections under the top bar (the menu at
// large text).
func (s *shell) showSections() {
	u := s.u
	c := u.win.Canvas()
	var pop *widget.PopUp
	list := container.NewVBox()
	for _, sec := range sections() {
		id := sec.id
		b := u.button(sec.title, func() {
			pop.Hide()
			u.navigate(id)
		})
		b.Alignment = widget.ButtonAlignLeading
		if id == u.screenID {
			b.Importance = widget.HighImportance
		}
		list.Add(b)
	}
	logout := u.button(lang.L("Выйти"), func() {
		pop.Hide()
		u.logout(nil)
	})
	logout.Alignment = widget.ButtonAlignLeading
	closeBtn := u.button(lang.L("Закрыть"), func() { pop.Hide() })
	box := container.NewBorder(nil, container.NewVBox(widget.NewSeparator(), logout, closeBtn), nil, nil, newVScroll(list))
	pop = widget.NewModalPopUp(box, c)
	at := fyne.CurrentApp().Driver().AbsolutePositionForObject(s.sections)
	y := at.Y + s.sections.Size().Height + theme.Padding()
	w := min(c.Size().Width-2*theme.Padding(), max(list.MinSize().Width, 20*theme.TextSize())+3*theme.Padding())
	pop.Resize(fyne.NewSize(w, c.Size().Height-y-theme.Padding()))
	pop.Move(fyne.NewPos(theme.Padding(), y))
	pop.Show()
}

// showMore opens what did not fit in the top bar.
func (s *shell) showMore() {
	u := s.u
	c := u.win.Canvas()
	var pop *widget.PopUp
	contrast := u.contrastCheck()
	help := u.button(lang.L("Помощь"), func() {
		pop.Hide()
		u.navigate("help")
	})
	phone := bold(s.phone.Text)
	closeBtn := u.button(lang.L("Закрыть"), func() { pop.Hide() })
	pop = widget.NewModalPopUp(container.NewVBox(contrast, phone, help, closeBtn), c)
	size := pop.MinSize()
	at := fyne.CurrentApp().Driver().AbsolutePositionForObject(s.more)
	x := max(theme.Padding(), min(at.X+s.more.Size().Width-size.Width, c.Size().Width-size.Width-theme.Padding()))
	pop.Move(fyne.NewPos(x, at.Y+s.more.Size().Height+theme.Padding()))
	pop.Show()
}

// barLayout is the top bar in one row: lead on the left (the last visible
// one, the account, takes the room left and is cut with «…»), keep and
// fold on the right; when the row is too narrow, fold is hidden and more
// («Ещё…») shows it on request.
type barLayout struct {
	lead, keep, fold []fyne.CanvasObject
	more             fyne.CanvasObject
}

// naturalWidth is how wide o would like to be: a label cut with «…» asks
// for almost nothing, but would like its whole text.
func naturalWidth(o fyne.CanvasObject) float32 {
	if l, ok := o.(*widget.Label); ok && l.Truncation != fyne.TextTruncateOff {
		return fyne.MeasureText(l.Text, theme.TextSize(), l.TextStyle).Width + 2*theme.InnerPadding() + 2
	}
	return o.MinSize().Width
}

// stretchMin is the least width of the account's name.
func stretchMin(o fyne.CanvasObject) float32 {
	if l, ok := o.(*widget.Label); ok && l.Truncation != fyne.TextTruncateOff {
		return min(naturalWidth(o), 10*theme.TextSize())
	}
	return o.MinSize().Width
}

func widthOf(objs []fyne.CanvasObject, leadStretch bool) float32 {
	var w float32
	n := 0
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		if leadStretch {
			w += stretchMin(o)
		} else {
			w += o.MinSize().Width
		}
		n++
	}
	if n > 1 {
		w += float32(n-1) * gap()
	}
	return w
}

func (l *barLayout) fits(width float32) bool {
	need := widthOf(l.lead, true) + gap() + widthOf(l.keep, false)
	for _, o := range l.fold {
		need += gap() + o.MinSize().Width
	}
	return need <= width
}

func (l *barLayout) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	if l.fits(size.Width) {
		l.more.Hide()
		for _, o := range l.fold {
			o.Show()
		}
	} else {
		l.more.Show()
		for _, o := range l.fold {
			o.Hide()
		}
	}
	h := size.Height
	// The right side, from the right edge leftwards.
	right := append(append([]fyne.CanvasObject{}, l.keep...), l.fold...)
	right = append(right, l.more)
	x := size.Width
	for i := len(right) - 1; i >= 0; i-- {
		o := right[i]
		if !o.Visible() {
			continue
		}
		w := o.MinSize().Width
		x -= w
		o.Resize(fyne.NewSize(w, h))
		o.Move(fyne.NewPos(x, 0))
		x -= gap()
	}
	// The left side; the last visible object takes what is left.
	var vis []fyne.CanvasObject
	for _, o := range l.lead {
		if o.Visible() {
			vis = append(vis, o)
		}
	}
	lx := float32(0)
	for i, o := range vis {
		w := naturalWidth(o)
		if i == len(vis)-1 {
			w = max(stretchMin(o), min(w, x-lx))
		}
		o.Resize(fyne.NewSize(w, h))
		o.Move(fyne.NewPos(lx, 0))
		lx += w + gap()
	}
}

func (l *barLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	var h float32
	for _, group := range [][]fyne.CanvasObject{l.lead, l.keep, l.fold, {l.more}} {
		for _, o := range group {
			h = max(h, o.MinSize().Height)
		}
	}
	w := widthOf(l.lead, true) + gap() + widthOf(l.keep, false) + gap() + l.more.MinSize().Width
	return fyne.NewSize(w, h)
}

// sizeButton steps through the three text sizes; it is on the login and
// first-start screens too.
func (u *UI) sizeButton() *widget.Button {
	var b *widget.Button
	b = u.button(lang.L(sizeNames[u.theme.size]), func() {
		// The new name first: the new theme lays the row out again for
		// it, so the longer «очень крупный» does not run under its
		// neighbour.
		next := (u.theme.size + 1) % len(textScales)
		b.SetText(lang.L(sizeNames[next]))
		u.SetTextSize(next)
	})
	return b
}

// contrastCheck switches high contrast.
func (u *UI) contrastCheck() *widget.Check {
	c := widget.NewCheck(lang.L("Высокая контрастность"), func(on bool) {
		u.touch()
		if on != u.theme.contrast {
			u.SetHighContrast(on)
		}
	})
	c.Checked = u.theme.contrast
	return c
}

// viewControls is the row of text size and contrast at the top of the
// screens before login.
func (u *UI) viewControls() fyne.CanvasObject {
	return container.NewHBox(u.sizeButton(), u.contrastCheck())
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
	// A label cut with «…» asks for the same least size whatever its text,
	// so nothing lays the bar out again by itself when the name arrives
	// (the first sync after a first login): it would stay «…».
	if s.top != nil {
		s.top.Refresh()
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
	text := lang.L("Данные на {{.Time}}", map[string]any{"Time": timeText(u.svc.FreshAt(u.account))})
	// What must be done before the window closes comes first: the line is
	// cut with «…» at large text.
	if due, err := u.svc.ReadingsDue(); err == nil && dueStatus(due) != "" {
		text = dueStatus(due) + " · " + text
	}
	if u.online {
		text += " · " + lang.L("связь есть")
	} else {
		text += " · " + lang.L("нет связи, показаны сохранённые данные")
	}
	st := u.svc.Status()
	text += " · " + lang.L("Ожидают отправки: {{.N}}", map[string]any{"N": st.Waiting})
	if st.Refused > 0 {
		text += " · " + lang.L("Требуют внимания: {{.N}}", map[string]any{"N": st.Refused})
	}
	if st.Paused {
		text += " · " + lang.L("войдите заново, чтобы отправить")
	}
	s.fresh.SetText(text)
	s.busy(u.syncing)
}

// showContent puts o where the screens go (a screen's own page, such as a
// bill opened from the list, uses it too).
func (u *UI) showContent(o fyne.CanvasObject) {
	u.shell.content.Objects = []fyne.CanvasObject{o}
	u.shell.content.Refresh()
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
func (u *UI) accountTitle(doc *domain.AccountDocument) string { return accountTitle(u.account, doc) }

// accountTitle names an account by its document: «1100012345 — Квартира,
// адрес»; by its number before the document is known.
func accountTitle(account string, doc *domain.AccountDocument) string {
	if doc == nil || doc.Account == nil {
		return account
	}
	return fmt.Sprintf("%s — %s, %s", doc.Account.Number, doc.Account.Title, doc.Account.Address)
}

// themeChanged follows a new text size or contrast: the controls show it
// and the frame is laid out anew (a row laid out for the old text would let
// words run into each other).
func (s *shell) themeChanged() {
	s.sizeBtn.SetText(lang.L(sizeNames[s.u.theme.size]))
	s.contrast.SetChecked(s.u.theme.contrast)
	s.setCompact(s.u.theme.size >= 1)
	s.body.Refresh()
	s.root.Refresh()
	for _, o := range s.root.Objects {
		if c, ok := o.(*fyne.Container); ok {
			c.Refresh()
			for _, ch := range c.Objects {
				if cc, ok := ch.(*fyne.Container); ok {
					cc.Refresh()
				}
			}
		}
	}
}
