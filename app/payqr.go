package app

import (
	"math"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"kabinet/internal/cabinet"
	"kabinet/internal/gostqr"
)

// payQRService is what «Оплатить по QR-коду» asks for: the payment slip,
// read from the local store only, so the screen works without the network.
type payQRService interface {
	PaymentSlip(account string) (cabinet.PaymentSlip, bool, error)
}

// payQRScreen («Оплатить по QR-коду») shows the bill's ГОСТ Р 56042 code to
// scan with a bank app, what is due now, whom it goes to and the
// requisites to copy into an internet bank.
type payQRScreen struct {
	frame   frame
	svc     payQRService
	account string
	box     *fyne.Container
	copied  *widget.Label
	slip    cabinet.PaymentSlip
	code    *gostqr.Code
}

func newPayQR(d deps[payQRService]) Screen {
	return &payQRScreen{frame: d.frame, svc: d.svc, account: d.account}
}

func (s *payQRScreen) Content() fyne.CanvasObject {
	s.box = container.NewVBox()
	s.fill()
	return newVScroll(container.NewPadded(s.box))
}

// Refresh redraws from the stored data: after a sync the sum due may have
// changed (a payment credited).
func (s *payQRScreen) Refresh() {
	if s.box != nil {
		s.fill()
	}
}

func (s *payQRScreen) fill() {
	objs := []fyne.CanvasObject{heading(lang.L("Оплатить по QR-коду"))}
	slip, ok, err := s.svc.PaymentSlip(s.account)
	switch {
	case err != nil:
		l := errorText()
		setError(l, err)
		objs = append(objs, l)
	case !ok:
		objs = append(objs, noData())
	default:
		s.slip, s.code = slip, nil
		if slip.Payload != "" {
			if code, err := gostqr.Encode(slip.Payload); err == nil {
				s.code = code
			} else {
				fyne.LogError("payment QR", err)
			}
		}
		objs = append(objs, s.main(), s.requisites())
	}
	s.box.Objects = objs
	s.box.Refresh()
}

// main is the code on the left and, beside it in large text, the sum, the
// payee, the account and how to pay.
func (s *payQRScreen) main() fyne.CanvasObject {
	slip := s.slip
	facts := container.NewVBox()
	if slip.DueNow > 0 {
		facts.Add(para(lang.L("К оплате сейчас")))
		sum := heading(money(slip.DueNow))
		facts.Add(sum)
		if !slip.DueOn.IsZero() {
			facts.Add(bold(lang.L("Оплатить до {{.Date}}", map[string]any{"Date": dateText(slip.DueOn)})))
		}
	} else {
		paid := heading(lang.L("Оплачено"))
		paid.Importance = widget.SuccessImportance
		facts.Add(paid)
		facts.Add(para(lang.L("Долга нет. Если хотите заплатить вперёд, введите сумму в приложении банка сами.")))
	}
	facts.Add(para(lang.L("Получатель")))
	facts.Add(subheading(slip.Payee.Name))
	facts.Add(para(lang.L("Лицевой счёт")))
	facts.Add(subheading(slip.Account))

	how := container.NewVBox(subheading(lang.L("Как оплатить")),
		bold(lang.L("Откройте приложение банка → Оплата по QR-коду → наведите камеру на код.")))
	if slip.DueNow > 0 {
		how.Add(para(lang.L("Получатель, лицевой счёт и сумма заполнятся сами. Проверьте их перед оплатой.")))
	} else {
		how.Add(para(lang.L("Получатель и лицевой счёт заполнятся сами, сумму введите сами.")))
	}
	how.Add(para(lang.L("Данные на {{.Time}}. Платежи, сделанные позже, в сумме не учтены.", map[string]any{"Time": timeText(slip.FetchedAt)})))

	if s.code == nil {
		// The requisites below still let the person pay.
		return container.NewVBox(facts, errorLine(lang.L("QR-код для этого счёта составить не удалось: в реквизитах получателя ошибка. Оплатите по реквизитам ниже или позвоните в контакт-центр.")), how)
	}
	larger := s.frame.button(lang.L("Показать крупнее"), s.showLarger)
	left := container.NewVBox(newQRView(s.code), larger)
	return container.NewVBox(container.NewBorder(nil, nil, left, nil, facts), how)
}

// errorLine is a sentence of the window's own shown as an error.
func errorLine(text string) *widget.Label {
	l := errorText()
	setErrorText(l, text)
	return l
}

// requisite is one line of the requisites: its name and value.
type requisite struct{ name, value string }

// requisiteLines are the requisites as a bank's payment form asks for them.
func (s *payQRScreen) requisiteLines() []requisite {
	p := s.slip.Payee
	lines := []requisite{
		{lang.L("Получатель"), p.Name},
		{lang.L("ИНН"), p.INN},
		{lang.L("КПП"), p.KPP},
		{lang.L("Расчётный счёт"), p.Account},
		{lang.L("Банк"), p.BankName},
		{lang.L("БИК"), p.BIC},
		{lang.L("Корр. счёт"), p.CorrAccount},
		{lang.L("Лицевой счёт"), s.slip.Account},
		{lang.L("Назначение платежа"), s.slip.Purpose},
	}
	if s.slip.DueNow > 0 {
		lines = append(lines, requisite{lang.L("Сумма"), money(s.slip.DueNow)})
	}
	out := lines[:0]
	for _, l := range lines {
		if strings.TrimSpace(l.value) != "" {
			out = append(out, l)
		}
	}
	return out
}

// requisites are the lines to type into an internet bank, each with
// «Копировать», and one button for them all.
func (s *payQRScreen) requisites() fyne.CanvasObject {
	s.copied = okText()
	box := container.NewVBox(subheading(lang.L("Реквизиты для оплаты")))
	var all []string
	for _, r := range s.requisiteLines() {
		all = append(all, r.name+": "+r.value)
		copyBtn := s.frame.button(lang.L("Копировать"), func() {
			s.copy(r.value, lang.L("Скопировано: {{.What}}. Вставьте в приложение банка.", map[string]any{"What": r.name}))
		})
		box.Add(container.NewBorder(nil, nil, nil, copyBtn, dataField(r.name, r.value)))
	}
	copyAll := s.frame.primary(lang.L("Скопировать реквизиты"), func() {
		s.copy(strings.Join(all, "\n"), lang.L("Реквизиты скопированы. Вставьте их в приложение банка."))
	})
	box.Add(container.NewHBox(copyAll))
	box.Add(s.copied)
	return widget.NewCard("", "", box)
}

// copy puts text on the clipboard and says so.
func (s *payQRScreen) copy(text, done string) {
	fyne.CurrentApp().Clipboard().SetContent(text)
	setOK(s.copied, done)
}

// showLarger shows the code as large as the window lets it be, for a
// phone held further away or a camera that will not focus.
func (s *payQRScreen) showLarger() {
	win := s.frame.Window()
	how := subheading(lang.L("Откройте приложение банка → Оплата по QR-коду → наведите камеру на код."))
	how.TextStyle = fyne.TextStyle{}
	top := container.NewVBox(how)
	if s.slip.DueNow > 0 {
		top.Add(heading(lang.L("К оплате: {{.Sum}}", map[string]any{"Sum": money(s.slip.DueNow)})))
	} else {
		top.Add(heading(lang.L("Оплачено: сумму введите сами")))
	}
	d := dialog.NewCustom(lang.L("QR-код для оплаты"), lang.L("Закрыть"), container.NewBorder(top, nil, nil, nil, newQRView(s.code)), win)
	size := win.Canvas().Size()
	d.Resize(fyne.NewSize(size.Width-2*theme.Padding(), size.Height-2*theme.Padding()))
	s.frame.showDialog(d)
}

// qrMinPx is the code's smallest side in Fyne units: 6 cm, taking a unit
// as 1/96 inch (Fyne's scale 1 on a 96-dpi screen; its scale follows the
// screen's density and the person's zoom, so a unit keeps about that size
// on other screens): 6 / 2.54 × 96 ≈ 227.
const qrMinPx = 227

// qrModuleMin is the fewest device pixels a module has at the normal text
// size: 4, so the ГОСТ code of a bill (69–81 modules with the quiet zone)
// is 276–324 px at 1×.
const qrModuleMin = 4

// qrView draws a code black on white, its quiet zone included, with the
// same whole number of device pixels for every module (no smoothing): as
// large as its place allows, and never under qrMinPx.
type qrView struct {
	widget.BaseWidget
	code *gostqr.Code
	img  *canvas.Image
	px   int // device pixels a module has in img
}

func newQRView(code *gostqr.Code) *qrView {
	q := &qrView{code: code, img: &canvas.Image{ScaleMode: canvas.ImageScalePixels, FillMode: canvas.ImageFillStretch}}
	q.ExtendBaseWidget(q)
	return q
}

// scale is the canvas's device pixels a Fyne unit.
func (q *qrView) scale() float32 {
	if app := fyne.CurrentApp(); app != nil {
		if c := app.Driver().CanvasForObject(q); c != nil && c.Scale() > 0 {
			return c.Scale()
		}
	}
	return 1
}

// modulePx is how many device pixels a module has in side units.
func (q *qrView) modulePx(side, scale float32) int {
	return int(side * scale / float32(q.code.Size()))
}

// units is the side in Fyne units of the code drawn at px a module: a
// hair under the exact value, so that rounding up to device pixels lands
// on it and the image is drawn without resampling.
func (q *qrView) units(px int, scale float32) float32 {
	return (float32(px*q.code.Size()) - 0.25) / scale
}

// MinSize does not grow with the text size: at twice the text the whole
// code must still fit on a 768-pixel-high screen beside the sum (larger is
// «Показать крупнее»).
func (q *qrView) MinSize() fyne.Size {
	scale := q.scale()
	px := max(int(math.Ceil(float64(qrModuleMin*scale))), int(math.Ceil(float64(qrMinPx*scale)/float64(q.code.Size()))))
	side := q.units(px, scale)
	return fyne.NewSize(side, side)
}

func (q *qrView) CreateRenderer() fyne.WidgetRenderer { return &qrRenderer{q: q} }

type qrRenderer struct{ q *qrView }

func (r *qrRenderer) Layout(size fyne.Size) {
	q := r.q
	scale := q.scale()
	px := max(q.modulePx(min(size.Width, size.Height)+0.5/scale, scale), 1)
	if px != q.px || q.img.Image == nil {
		q.px = px
		q.img.Image = q.code.Image(px)
		q.img.Refresh()
	}
	side := q.units(px, scale)
	// Centred, on a whole device pixel.
	x := float32(math.Floor(float64((size.Width-side)/2*scale))) / scale
	y := float32(math.Floor(float64((size.Height-side)/2*scale))) / scale
	q.img.Move(fyne.NewPos(x, y))
	q.img.Resize(fyne.NewSize(side, side))
}

func (r *qrRenderer) MinSize() fyne.Size           { return r.q.MinSize() }
func (r *qrRenderer) Refresh()                     { r.Layout(r.q.Size()); canvas.Refresh(r.q.img) }
func (r *qrRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.q.img} }
func (r *qrRenderer) Destroy()                     {}
