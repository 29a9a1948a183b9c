package app

import (
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"kabinet/internal/cabinet"
	"kabinet/internal/domain"
)

// eventScreen is a screen that follows the engine's events itself; it
// reports whether it shows what became of the event's item.
type eventScreen interface {
	OnEvent(cabinet.Event) (shown bool)
}

// deliveredNotice tells, wherever the person is, that a reading sent
// earlier (from the offline queue, after they left the reading screen)
// was accepted, with the portal's time. Deliveries while it is open join
// its list instead of piling up windows.
type deliveredNotice struct {
	list   *widget.Label
	dialog dialog.Dialog
}

// waitedLong reports whether it is a reading that waited in the queue (an
// attempt failed, or it was typed before this start), so its acceptance
// is news to the person.
func (u *UI) waitedLong(it cabinet.Item) bool {
	return it.Kind == cabinet.KindReading && (it.Tried || it.CreatedAt.Before(u.sessionStart))
}

// noticeDelivered tells about the accepted reading it unless the screen
// already shows it.
func (u *UI) noticeDelivered(it cabinet.Item) {
	line := u.deliveredLine(it)
	if n := u.notice; n != nil {
		n.list.SetText(n.list.Text + "\n" + line)
		return
	}
	n := &deliveredNotice{list: para(line)}
	ok := widget.NewButton(lang.L("Понятно"), nil)
	ok.Importance = widget.HighImportance
	n.dialog = dialog.NewCustomWithoutButtons(lang.L("Показания приняты"), container.NewVBox(n.list, container.NewHBox(ok)), u.win)
	ok.OnTapped = func() { u.touch(); n.dialog.Hide() }
	u.notice = n
	u.showDialog(n.dialog)
	n.dialog.SetOnClosed(func() {
		u.notice = nil
		for i, x := range u.dialogs {
			if x == n.dialog {
				u.dialogs = append(u.dialogs[:i], u.dialogs[i+1:]...)
				break
			}
		}
	})
	u.win.Canvas().Focus(ok)
}

// deliveredLine is «Показания по счётчику № 35087264 приняты порталом 05.12
// в 14:32».
func (u *UI) deliveredLine(it cabinet.Item) string {
	serial := ""
	if doc, ok, err := u.svc.Document(it.Account); err == nil && ok {
		for _, m := range doc.Doc.Meters {
			if m.ID == it.Meter {
				serial = m.Serial
			}
		}
	}
	at := it.SentAt
	if it.Answer != nil && !it.Answer.AcceptedAt.IsZero() {
		at = it.Answer.AcceptedAt
	}
	t := at.In(domain.Moscow)
	return lang.L("Показания по счётчику № {{.Serial}} приняты порталом {{.Date}} в {{.Time}}.",
		map[string]any{"Serial": serial, "Date": t.Format("02.01"), "Time": t.Format("15:04")})
}

// waitingReadings counts the readings on this computer not yet sent.
func (u *UI) waitingReadings() int {
	if u.svc == nil || u.svc.Customer() == "" {
		return 0
	}
	items, _ := u.svc.Outbox()
	n := 0
	for _, it := range items {
		if it.Kind == cabinet.KindReading && it.State == cabinet.Waiting {
			n++
		}
	}
	return n
}

// askClose says, on a home computer, that waiting readings go at the next
// start; closing happens only on «Закрыть».
func (u *UI) askClose(n int, closeNow func()) {
	d := dialog.NewConfirm(lang.L("Закрыть программу?"),
		lang.L("Показания ({{.N}}) ещё не отправлены. Они сохранены и уйдут при следующем запуске.", map[string]any{"N": n}),
		func(yes bool) {
			u.touch()
			if yes {
				closeNow()
			}
		}, u.win)
	d.SetConfirmText(lang.L("Закрыть"))
	d.SetDismissText(lang.L("Остаться"))
	u.showDialog(d)
}
