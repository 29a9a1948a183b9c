package localpay

import (
	"errors"
	"html/template"
	"net/http"

	"kabinet/internal/payments"
)

// The checkout page is what the payer sees at the confirmation URL: plain
// HTML in large print, no script, three buttons.
var checkoutTmpl = template.Must(template.New("checkout").Parse(`<!DOCTYPE html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body { font-family: sans-serif; font-size: 24px; line-height: 1.5; color: #000; background: #fff;
       max-width: 40em; margin: 1em auto; padding: 0 1em; }
h1 { font-size: 36px; margin: 0.5em 0; }
.amount { font-size: 48px; font-weight: bold; margin: 0.3em 0; }
.note { color: #333; }
form { display: inline; }
button { font-size: 28px; padding: 0.5em 1.2em; margin: 0.4em 0.4em 0.4em 0; border: 2px solid #000;
         border-radius: 8px; cursor: pointer; background: #eee; color: #000; }
button.pay { background: #0a6b2a; color: #fff; border-color: #0a6b2a; }
a { color: #0645ad; font-size: 28px; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p>Получатель: {{.Shop}}</p>
<p class="amount">{{.Amount}}</p>
{{with .Description}}<p>{{.}}</p>{{end}}
{{if .Pending}}
<form method="post"><input type="hidden" name="action" value="pay"><button class="pay" type="submit">Оплатить</button></form>
<form method="post"><input type="hidden" name="action" value="cancel"><button type="submit">Отказаться</button></form>
<form method="post"><input type="hidden" name="action" value="expire"><button type="submit">Истечь</button></form>
<p class="note">Это тестовая оплата: деньги не списываются.</p>
{{else}}
<p>{{.Outcome}}</p>
{{with .ReturnURL}}<p><a href="{{.}}">Вернуться в личный кабинет</a></p>{{end}}
{{end}}
</body>
</html>
`))

type checkoutView struct {
	Title, Shop, Amount, Description, Outcome, ReturnURL string
	Pending                                              bool
}

func (p *Provider) checkoutView(id string) (checkoutView, bool) {
	p.mu.Lock()
	pay, found := p.payments[id]
	if !found {
		p.mu.Unlock()
		return checkoutView{}, false
	}
	outs := p.expireIfOld(pay)
	v := checkoutView{
		Title: "Оплата", Shop: p.cfg.ShopName, Amount: pay.Amount.String(),
		Description: pay.Description, ReturnURL: pay.ReturnURL,
		Pending: pay.Status == payments.Pending,
	}
	switch {
	case pay.Status == payments.Succeeded:
		v.Title, v.Outcome = "Оплачено", "Деньги получены. Спасибо!"
	case pay.CancellationReason == "expired_on_confirmation":
		v.Title, v.Outcome = "Время оплаты истекло", "Платёж не прошёл: время на оплату истекло. Деньги не списаны."
	case pay.Status == payments.Canceled:
		v.Title, v.Outcome = "Оплата отменена", "Вы отказались от оплаты. Деньги не списаны."
	}
	p.mu.Unlock()
	p.send(outs...)
	return v, true
}

func (p *Provider) checkoutPage(w http.ResponseWriter, r *http.Request) {
	v, found := p.checkoutView(r.PathValue("id"))
	if !found {
		http.Error(w, "Платёж не найден", http.StatusNotFound)
		return
	}
	render(w, v)
}

func render(w http.ResponseWriter, v checkoutView) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = checkoutTmpl.Execute(w, v)
}

// checkoutAction carries out the payer's button and sends them back to the
// shop (or shows how it ended when the shop gave no return address).
func (p *Provider) checkoutAction(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	var err error
	switch r.FormValue("action") {
	case "pay":
		err = p.Pay(id)
	case "cancel":
		err = p.Cancel(id)
	case "expire":
		err = p.Expire(id)
	default:
		http.Error(w, "Неизвестное действие", http.StatusBadRequest)
		return
	}
	if errors.Is(err, ErrNoPayment) {
		http.Error(w, "Платёж не найден", http.StatusNotFound)
		return
	}
	v, _ := p.checkoutView(id)
	if v.ReturnURL != "" {
		http.Redirect(w, r, v.ReturnURL, http.StatusSeeOther)
		return
	}
	render(w, v)
}
