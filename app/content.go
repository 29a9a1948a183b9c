package app

// What the information screens share: a read-only page over stored public
// pages («Новости», «О сервисе», «Контакт-центр», «Помощь»), a form's
// column («Поиск», «Задать вопрос», «Подписки», «Настройки личного
// кабинета»), the frame of a thing opened from «Поиск», and phone numbers
// written for reading. Each screen is in its own file.

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"kabinet/internal/domain"
)

// infoPage is a read-only screen over stored public pages. A sync calls
// Refresh after every pass; the page is rebuilt only when its data really
// changed, so a person reading the news is not thrown back to the top
// every few minutes. When nothing is stored yet it asks the portal once.
type infoPage struct {
	frame   frame
	stamp   func() string // changes when the shown data change
	build   func() fyne.CanvasObject
	empty   func() bool                     // nothing stored yet
	fetch   func(ctx context.Context) error // asks the portal for the public pages
	root    *fyne.Container
	last    string
	fetched bool
}

func (p *infoPage) Content() fyne.CanvasObject {
	p.last = p.stamp()
	p.root = container.NewStack(p.build())
	if p.empty != nil && p.empty() && !p.fetched && p.fetch != nil {
		p.fetched = true
		p.frame.run(nil, p.fetch, func(error) { p.Refresh() })
	}
	return p.root
}

// Refresh rebuilds the page when its stored data changed.
func (p *infoPage) Refresh() {
	if p.root == nil {
		return
	}
	if s := p.stamp(); s != p.last {
		p.last = s
		p.root.Objects = []fyne.CanvasObject{p.build()}
		p.root.Refresh()
	}
}

// storedAt says how fresh stored data are: «Данные на 26.11.2026 14:05».
func storedAt(at time.Time) fyne.CanvasObject {
	return para(lang.L("Данные на {{.Time}}", map[string]any{"Time": timeText(at)}))
}

// foundCard frames the item the person chose in «Поиск».
func foundCard(objs ...fyne.CanvasObject) fyne.CanvasObject {
	box := container.NewVBox(append([]fyne.CanvasObject{bold(lang.L("Вы открыли из поиска:"))}, objs...)...)
	return widget.NewCard("", "", box)
}

// formPage is page() that keeps its column, so a screen that shows a
// message or results later can lay the column out again: Fyne's real
// driver notices a child that grew, but its test canvas (and so the
// screenshots) does not.
type formPage struct {
	box    *fyne.Container
	scroll *lineScroll
}

func newFormPage(title string, body ...fyne.CanvasObject) *formPage {
	box := container.NewVBox(append([]fyne.CanvasObject{heading(title)}, body...)...)
	return &formPage{box: box, scroll: newVScroll(container.NewPadded(box))}
}

// relayout lays the column out again after something in it changed.
func (p *formPage) relayout() {
	if p == nil {
		return
	}
	p.box.Refresh()
	p.scroll.Refresh()
}

// reveal lays the column out and scrolls it so that obj, a part of the
// column that just appeared, is in view: all of it when it fits, else its
// top. A person who pressed «Сохранить» sees what it asks of them next.
func (p *formPage) reveal(obj fyne.CanvasObject) {
	p.relayout()
	top, height := obj.Position().Y, obj.Size().Height
	view := p.scroll.Size().Height
	y := p.scroll.Offset.Y
	if top+height > y+view {
		y = top + height - view
	}
	if top < y || height > view {
		y = top
	}
	p.scroll.ScrollToOffset(fyne.NewPos(0, y))
}

// okText is a success sentence; it starts with a sign so it does not rely
// on its colour alone.
func okText() *widget.Label {
	l := bold("")
	l.Importance = widget.SuccessImportance
	l.Hide()
	return l
}

// setOK shows a success sentence in l, or hides l.
func setOK(l *widget.Label, text string) {
	if text == "" {
		l.SetText("")
		l.Hide()
		return
	}
	l.SetText("✓ " + text)
	l.Show()
}

// offline reports an error that means «no connection».
func offline(err error) bool {
	return domain.ErrorCode(err) == domain.CodeNoConnection || errors.Is(err, context.DeadlineExceeded)
}

// bigPhone is the contact-centre phone in heading size.
func bigPhone(phone string) *widget.Label {
	l := widget.NewLabel(phone)
	l.SizeName = theme.SizeNameHeadingText
	l.TextStyle = fyne.TextStyle{Bold: true}
	l.Wrapping = fyne.TextWrapWord
	return l
}

// digitSpace is a space between two digits.
var digitSpace = regexp.MustCompile(`(\d) (\d)`)

// inlinePhone writes «8 800 200-83-05» as «8-800-200-83-05» for running
// text: Fyne wraps lines at any space (a no-break space too), and a phone
// number split over two lines is easy to misdial.
func inlinePhone(p string) string {
	for digitSpace.MatchString(p) {
		p = digitSpace.ReplaceAllString(p, "$1-$2")
	}
	return p
}

// infoPhone writes «+79121234501» as «+7 912 123-45-01».
func infoPhone(p string) string {
	n, err := domain.NormalizePhone(p)
	if err != nil {
		return p
	}
	return fmt.Sprintf("+7 %s %s-%s-%s", n[2:5], n[5:8], n[8:10], n[10:12])
}
