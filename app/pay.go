package app

import (
	"context"
	"net/url"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"kabinet/internal/cabinet"
	"kabinet/internal/domain"
)

// payService is what «Оплата онлайн» asks of the personal account.
type payService interface {
	DueNow(account string) (domain.Kopecks, error)
	PaymentOptions(ctx context.Context) (cabinet.PaymentOptions, error)
	StartPayment(ctx context.Context, account string, amount domain.Kopecks) (cabinet.PaymentView, error)
	Public() bool
}

// payCodeSide is the QR code's side in units: 6–9 cm on a usual
// screen, which a phone reads from arm's length.
const payCodeSide = 360

// payScreen is «Оплата онлайн», one task a step: the sum (what is due now,
// editable) and «Перейти к оплате»; then the payment page's QR code for a
// phone and — at home only — «Открыть страницу оплаты» in the browser,
// with the status as the service's events tell it. Offline it says that
// paying online needs the internet and offers the bill's QR code, which
// works without a connection.
type payScreen struct {
	frame   frame
	svc     payService
	account string
	open    func(*url.URL) error // the browser
	root    *fyne.Container

	// The form.
	due     domain.Kopecks
	amount  *widget.Entry
	edited  bool // the person changed the sum: a sync does not overwrite it
	dueLine *widget.Label
	terms   *widget.Label // «Без комиссии» or the commission
	problem *widget.Label
	offline *fyne.Container // «нужен интернет» and the bill's QR code
	submit  *widget.Button
	opts    cabinet.PaymentOptions
	asked   bool // the portal was asked for the terms

	// The payment, once created.
	payment   *cabinet.PaymentView
	status    *widget.Label
	codeImage fyne.CanvasObject // the QR code
	code      fyne.CanvasObject // how to use it
	after     *fyne.Container   // what to do after a final status
}

func newPayScreen(d deps[payService], open func(*url.URL) error) Screen {
	return &payScreen{frame: d.frame, svc: d.svc, account: d.account, open: open}
}

func (s *payScreen) Content() fyne.CanvasObject {
	s.root = container.NewStack()
	s.showForm()
	return s.root
}

// showForm is the first step: the sum and «Перейти к оплате».
func (s *payScreen) showForm() {
	s.payment = nil
	s.due, _ = s.svc.DueNow(s.account)
	s.dueLine = bold("")
	s.amount = widget.NewEntry()
	s.amount.SetPlaceHolder(lang.L("например 1234,56"))
	s.setDue()
	s.edited = false
	s.amount.OnChanged = func(string) {
		s.edited = true
		s.problem.Hide()
		s.frame.touch()
	}
	s.terms = bold(lang.L("Без комиссии"))
	s.problem = errorText()
	s.submit = s.frame.primary(lang.L("Перейти к оплате"), s.start)
	s.amount.OnSubmitted = func(string) { s.start() }
	byCode := s.frame.button(lang.L("Оплатить по QR-коду"), s.toBillCode)
	s.offline = container.NewVBox(
		bold("⚠ "+lang.L("Для оплаты онлайн нужен интернет, а связи с порталом сейчас нет.")),
		para(lang.L("Оплатить можно по QR-коду счёта в приложении банка на телефоне — он показывается и без связи.")),
		container.NewHBox(s.frame.primary(lang.L("Оплатить по QR-коду"), s.toBillCode)),
	)
	s.offline.Hide()
	form := container.New(layout.NewFormLayout(), widget.NewLabel(lang.L("Сумма, ₽")), s.amount)
	body := container.NewVBox(
		bold(lang.L("Лицевой счёт {{.Account}}", map[string]any{"Account": s.account})),
		s.dueLine, form, s.terms, s.problem,
		container.NewHBox(s.submit, byCode),
		s.offline,
		para(lang.L("Оплата картой или через СБП на странице платёжного сервиса. Деньги поступят на лицевой счёт сразу после оплаты.")),
	)
	s.root.Objects = []fyne.CanvasObject{page(lang.L("Оплата онлайн"), body)}
	s.root.Refresh()
	var o cabinet.PaymentOptions
	s.frame.run(nil, func(ctx context.Context) (err error) {
		o, err = s.svc.PaymentOptions(ctx)
		return err
	}, func(err error) { s.optionsDone(o, err) })
}

// setDue shows what is due now and puts it in the field.
func (s *payScreen) setDue() {
	if s.due > 0 {
		s.dueLine.SetText(lang.L("Сейчас к оплате: {{.Sum}}", map[string]any{"Sum": money(s.due)}))
		s.amount.SetText(amountText(s.due))
		return
	}
	s.dueLine.SetText(lang.L("Сейчас долга нет. Можно заплатить вперёд — введите сумму."))
	s.amount.SetText("")
}

// amountText is a sum as a person types it: «1234,56».
func amountText(k domain.Kopecks) string { return strings.Replace(k.Plain(), ".", ",", 1) }

// optionsDone shows the supplier's terms, or that paying online cannot be
// done now.
func (s *payScreen) optionsDone(o cabinet.PaymentOptions, err error) {
	s.asked = true
	if s.payment != nil {
		return
	}
	if err == nil {
		s.opts = o
	}
	switch {
	case domain.ErrorCode(err) == domain.CodePaymentNeedsNetwork:
		s.offline.Show()
	case err != nil:
		// The terms are the portal's to say; without them the
		// portal still checks the sum when the payment is created.
	case !s.opts.Enabled:
		setError(s.problem, &domain.Error{Code: domain.CodePaymentsOff})
		s.submit.Disable()
	case !s.opts.NoCommission():
		s.terms.SetText(lang.L("Комиссия платёжного сервиса: {{.Percent}} %", map[string]any{"Percent": strings.Replace(s.opts.CommissionPercent, ".", ",", 1)}))
	}
}

// toBillCode opens the bill's QR code (it works offline).
func (s *payScreen) toBillCode() { s.frame.goTo(place{screen: "payqr", account: s.account}) }

// start checks the sum and creates the payment: one press, one payment.
func (s *payScreen) start() {
	if s.submit.Disabled() {
		return
	}
	k, ok := cabinet.ParseAmount(s.amount.Text)
	if !ok {
		setErrorText(s.problem, lang.L("Введите сумму цифрами: рубли и копейки через запятую, например 1234,56."))
		s.frame.focus(s.amount)
		return
	}
	if err := s.opts.CheckAmount(k); err != nil {
		setError(s.problem, err)
		s.frame.focus(s.amount)
		return
	}
	s.problem.Hide()
	var v cabinet.PaymentView
	s.frame.run(s.submit, func(ctx context.Context) (err error) {
		v, err = s.svc.StartPayment(ctx, s.account, k)
		return err
	}, func(err error) {
		switch {
		case domain.ErrorCode(err) == domain.CodePaymentNeedsNetwork:
			s.offline.Show()
		case err != nil:
			setError(s.problem, err)
		default:
			s.offline.Hide()
			s.showPayment(v)
		}
	})
}

// showPayment is the second step: the payment page's QR code for a phone,
// the browser button at home, and the status.
func (s *payScreen) showPayment(v cabinet.PaymentView) {
	s.payment = &v
	s.status = subheading("")
	s.after = container.NewHBox()
	sum := bold(lang.L("Сумма: {{.Sum}}", map[string]any{"Sum": money(v.Amount)}))
	if v.Commission > 0 {
		sum.SetText(lang.L("Сумма: {{.Sum}}, комиссия {{.Commission}}", map[string]any{"Sum": money(v.Amount), "Commission": money(v.Commission)}))
	}
	how := []fyne.CanvasObject{para(lang.L("Наведите камеру телефона на код, чтобы оплатить с телефона."))}
	if s.svc.Public() {
		how = append(how, para(lang.L("Это общественный компьютер: не вводите здесь данные карты — оплатите с телефона.")))
	} else if u, err := url.Parse(v.PageURL); err == nil && v.PageURL != "" {
		how = append(how, para(lang.L("Или оплатите на этом компьютере:")),
			container.NewHBox(s.frame.primary(lang.L("Открыть страницу оплаты"), func() {
				if err := s.open(u); err != nil {
					errorDialog(s.frame, err)
				}
			})))
	}
	how = append(how, para(lang.L("Когда оплата пройдёт, программа сразу скажет об этом здесь.")))
	scale := float32(1)
	if w := s.frame.Window(); w != nil && w.Canvas() != nil {
		scale = w.Canvas().Scale()
	}
	var code fyne.CanvasObject = para(lang.L("Готовим страницу оплаты…"))
	if v.PageURL == "" {
		how = how[len(how)-1:]
	} else if img, err := payCode(v.PageURL, payCodeSide, scale); err == nil {
		code = container.NewCenter(img)
	}
	s.code = container.NewVBox(how...)
	text := container.NewVBox(s.status, sum, s.code, s.after)
	body := container.NewBorder(nil, nil, container.NewVBox(code), nil, text)
	s.root.Objects = []fyne.CanvasObject{page(lang.L("Оплата онлайн"), body)}
	s.root.Refresh()
	s.codeImage = code
	s.showStatus()
}

// showStatus says where the payment is and what to do next.
func (s *payScreen) showStatus() {
	v := s.payment
	s.after.RemoveAll()
	switch v.Status {
	case cabinet.PaymentWaiting:
		s.status.SetText(lang.L("Ждём оплату…"))
		return
	case cabinet.PaymentPaid:
		s.status.SetText("✓ " + lang.L("Оплата получена"))
		s.code.(*fyne.Container).Objects = []fyne.CanvasObject{para(lang.L("{{.Sum}} зачислено на лицевой счёт {{.Account}}. Спасибо!",
			map[string]any{"Sum": money(v.Amount), "Account": v.Account}))}
		s.after.Add(s.frame.primary(lang.L("Зачисленные платежи"), func() { s.frame.goTo(place{screen: "payments", account: v.Account}) }))
		s.after.Add(s.frame.button(lang.L("На главную"), func() { s.frame.navigate("home") }))
	case cabinet.PaymentCanceled, cabinet.PaymentExpired:
		text := lang.L("Оплата отменена")
		if v.Status == cabinet.PaymentExpired {
			text = lang.L("Время на оплату истекло")
		}
		s.status.SetText("⚠ " + text)
		s.code.(*fyne.Container).Objects = []fyne.CanvasObject{para(lang.L("Деньги не списаны. Можно попробовать снова или оплатить по QR-коду счёта."))}
		s.after.Add(s.frame.primary(lang.L("Попробовать снова"), s.showForm))
		s.after.Add(s.frame.button(lang.L("Оплатить по QR-коду"), s.toBillCode))
	}
	// A final payment's page is no place to pay any more.
	s.codeImage.Hide()
	s.code.Refresh()
}

// lostTrack says that the program no longer learns how the payment ends,
// and where the person sees it if they paid.
func (s *payScreen) lostTrack(err error) {
	s.status.SetText("⚠ " + lang.L("Программа не может узнать, прошла ли оплата"))
	msg := errorText()
	setError(msg, err)
	s.code.(*fyne.Container).Objects = []fyne.CanvasObject{msg, para(lang.L("Если вы уже оплатили, деньги поступят на лицевой счёт: платёж появится в «Зачисленных платежах» после обновления данных. Второй раз не платите."))}
	s.after.RemoveAll()
	s.after.Add(s.frame.primary(lang.L("Зачисленные платежи"), func() { s.frame.goTo(place{screen: "payments", account: s.account}) }))
	s.after.Add(s.frame.button(lang.L("На главную"), func() { s.frame.navigate("home") }))
	s.code.Refresh()
}

// OnEvent follows the payment shown.
func (s *payScreen) OnEvent(e cabinet.Event) bool {
	if e.Kind != cabinet.PaymentChanged || e.Payment == nil || s.payment == nil || e.Payment.ID != s.payment.ID {
		return false
	}
	v := *e.Payment
	if e.Err != nil && !v.Status.Final() {
		s.lostTrack(e.Err)
		return true
	}
	if s.payment.PageURL == "" && v.PageURL != "" {
		// The provider's page became known after the create.
		s.showPayment(v)
		return true
	}
	s.payment = &v
	s.showStatus()
	return true
}

// Refresh keeps the step shown; on the form a new due comes into the
// field unless the person typed their own sum.
func (s *payScreen) Refresh() {
	if s.root == nil || s.payment != nil {
		return
	}
	due, _ := s.svc.DueNow(s.account)
	if due == s.due {
		return
	}
	s.due = due
	text, edited := s.amount.Text, s.edited
	s.setDue()
	if edited {
		s.amount.SetText(text)
	}
	s.edited = edited
}

// focusFirst puts the cursor in the sum.
func (s *payScreen) focusFirst() {
	if s.payment == nil && s.amount != nil {
		s.frame.focus(s.amount)
	}
}
