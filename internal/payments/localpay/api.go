package localpay

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"kabinet/internal/domain"
	"kabinet/internal/payments"
)

// reply is an API answer: an HTTP status and a JSON body.
type reply struct {
	status int
	body   []byte
}

func ok(body []byte) reply { return reply{http.StatusOK, body} }

// apiError is ЮKassa's error body.
func apiError(status int, code, description, parameter string) reply {
	b, _ := json.Marshal(map[string]string{
		"type": "error", "id": newID(), "code": code, "description": description, "parameter": parameter,
	})
	return reply{status, b}
}

func invalid(parameter, description string) reply {
	return apiError(http.StatusBadRequest, "invalid_request", description, parameter)
}

func notFound() reply {
	return apiError(http.StatusNotFound, "not_found", "Object not found", "")
}

// api wraps an API handler with what every ЮKassa call goes through: Basic
// auth, the 429 and delay faults, and the JSON answer.
func (p *Provider) api(h func(r *http.Request, body []byte) reply) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if wait, limited := p.takeTooMany(); limited {
			if wait > 0 {
				w.Header().Set("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
			}
			write(w, apiError(http.StatusTooManyRequests, "too_many_requests", "Too many requests", ""))
			return
		}
		if !p.authorized(r) {
			write(w, apiError(http.StatusUnauthorized, "invalid_credentials",
				"Login or password is incorrect", ""))
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			write(w, invalid("", "Cannot read the request"))
			return
		}
		rep := h(r, body)
		// A slow answer: the work is done, the answer is late (the client
		// may have given up and will retry with the same key).
		if d := p.takeDelay(); d > 0 {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		write(w, rep)
	}
}

func write(w http.ResponseWriter, rep reply) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(rep.status)
	_, _ = w.Write(rep.body)
}

func (p *Provider) authorized(r *http.Request) bool {
	user, pass, ok := r.BasicAuth()
	return ok &&
		subtle.ConstantTimeCompare([]byte(user), []byte(p.cfg.ShopID)) == 1 &&
		subtle.ConstantTimeCompare([]byte(pass), []byte(p.cfg.SecretKey)) == 1
}

// idempotent runs a POST at most once per key: the same key with the same
// request replays the first answer; with another request it is refused.
// do runs with p.mu held and returns the answer to remember (an answer
// that is not 200 is not remembered, so a corrected request may reuse the
// key) and the notifications to send once the lock is released.
func (p *Provider) idempotent(r *http.Request, body []byte, do func() (reply, []outgoing)) (reply, []outgoing) {
	key := r.Header.Get("Idempotence-Key")
	if key == "" || len(key) > 64 {
		return invalid("Idempotence-Key", "Idempotence-Key header is missing or longer than 64 characters"), nil
	}
	sum := sha256.Sum256(body)
	fp := r.Method + " " + r.URL.Path + " " + hex.EncodeToString(sum[:])
	p.mu.Lock()
	defer p.mu.Unlock()
	if k, ok := p.keys[key]; ok {
		if k.fingerprint != fp {
			return invalid("Idempotence-Key", "Idempotence key duplicated: the request differs from the first one with this key"), nil
		}
		return reply{k.status, k.body}, nil
	}
	rep, outs := do()
	if rep.status == http.StatusOK {
		p.keys[key] = keyed{fingerprint: fp, status: rep.status, body: rep.body}
	}
	return rep, outs
}

// createRequest is the part of ЮKassa's create request the local provider
// checks. Unknown fields are refused, so a typo in the client shows here.
type createRequest struct {
	Amount       wireAmount `json:"amount"`
	Capture      bool       `json:"capture"`
	Confirmation struct {
		Type      string `json:"type"`
		ReturnURL string `json:"return_url"`
	} `json:"confirmation"`
	Description  string            `json:"description"`
	Metadata     map[string]string `json:"metadata"`
	Receipt      *receipt          `json:"receipt"`
	PaymentOrder *paymentOrder     `json:"payment_order"`
}

type wireAmount struct {
	Value    string `json:"value"`
	Currency string `json:"currency"`
}

type receipt struct {
	Customer struct {
		Email string `json:"email"`
		Phone string `json:"phone"`
	} `json:"customer"`
	Items []struct {
		Description    string      `json:"description"`
		Quantity       json.Number `json:"quantity"`
		Amount         wireAmount  `json:"amount"`
		VATCode        int         `json:"vat_code"`
		PaymentSubject string      `json:"payment_subject"`
		PaymentMode    string      `json:"payment_mode"`
	} `json:"items"`
	TaxSystemCode int `json:"tax_system_code"`
}

type paymentOrder struct {
	Type           string     `json:"type"`
	Amount         wireAmount `json:"amount"`
	PaymentPurpose string     `json:"payment_purpose"`
	Recipient      struct {
		Name string `json:"name"`
		INN  string `json:"inn"`
		KPP  string `json:"kpp"`
		Bank struct {
			Name                 string `json:"name"`
			BIC                  string `json:"bic"`
			Account              string `json:"account"`
			CorrespondentAccount string `json:"correspondent_account"`
		} `json:"bank"`
	} `json:"recipient"`
	AccountNumber         string `json:"account_number"`
	PaymentDocumentNumber string `json:"payment_document_number"`
	UnifiedAccountNumber  string `json:"unified_account_number"`
	ServiceID             string `json:"service_id"`
	PaymentPeriod         *struct {
		Month int `json:"month"`
		Year  int `json:"year"`
	} `json:"payment_period"`
}

func decodeStrict(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("trailing data")
	}
	return nil
}

// rubles reads an amount that must be positive roubles.
func rubles(a wireAmount) (domain.Kopecks, bool) {
	k, err := payments.ParseAmount(a.Value)
	return k, err == nil && k > 0 && a.Currency == "RUB"
}

// check validates a create request as ЮKassa would, returning the amount
// or the refusal.
func (c *createRequest) check() (domain.Kopecks, *reply) {
	fail := func(param, desc string) (domain.Kopecks, *reply) {
		r := invalid(param, desc)
		return 0, &r
	}
	amount, ok := rubles(c.Amount)
	switch {
	case !ok:
		return fail("amount", "The amount must be a positive decimal in RUB")
	case !c.Capture:
		return fail("capture", "Only one-stage payments (capture: true) are supported here")
	case c.Confirmation.Type != "redirect" || c.Confirmation.ReturnURL == "":
		return fail("confirmation", "A redirect confirmation with return_url is required")
	case utf8.RuneCountInString(c.Description) > 128:
		return fail("description", "The description is longer than 128 characters")
	}
	if c.Receipt != nil {
		if param, desc := c.Receipt.check(amount); param != "" {
			return fail(param, desc)
		}
	}
	if c.PaymentOrder != nil {
		if param, desc := c.PaymentOrder.check(amount); param != "" {
			return fail(param, desc)
		}
	}
	return amount, nil
}

func (rc *receipt) check(amount domain.Kopecks) (string, string) {
	if rc.Customer.Email == "" && rc.Customer.Phone == "" {
		return "receipt.customer", "The receipt needs the customer's email or phone"
	}
	if len(rc.Items) == 0 {
		return "receipt.items", "The receipt has no items"
	}
	var sum domain.Kopecks
	for _, it := range rc.Items {
		k, ok := rubles(it.Amount)
		q, err := payments.ParseAmount(string(it.Quantity))
		if !ok || err != nil || q <= 0 || it.Description == "" || it.VATCode < 1 || it.VATCode > 12 {
			return "receipt.items", "A receipt item lacks a description, quantity, amount or vat_code"
		}
		sum += k * q / 100
	}
	if sum != amount {
		return "receipt.items", "The receipt items do not add up to the payment amount"
	}
	return "", ""
}

func (o *paymentOrder) check(amount domain.Kopecks) (string, string) {
	k, ok := rubles(o.Amount)
	switch {
	case o.Type != "utilities":
		return "payment_order.type", "Only utilities payment orders are supported"
	case !ok || k != amount:
		return "payment_order.amount", "The payment order amount differs from the payment amount"
	case o.PaymentPurpose == "" || utf8.RuneCountInString(o.PaymentPurpose) > 210:
		return "payment_order.payment_purpose", "The payment purpose is empty or longer than 210 characters"
	case o.Recipient.Name == "" || o.Recipient.INN == "" || o.Recipient.Bank.BIC == "" || o.Recipient.Bank.Account == "":
		return "payment_order.recipient", "The recipient lacks a name, INN, BIC or account"
	case o.AccountNumber == "" && o.PaymentDocumentNumber == "" && o.UnifiedAccountNumber == "" && o.ServiceID == "":
		return "payment_order.account_number", "The payment order names no account, document or service"
	case o.PaymentPeriod != nil && (o.PaymentPeriod.Month < 1 || o.PaymentPeriod.Month > 12 || o.PaymentPeriod.Year < 2000):
		return "payment_order.payment_period", "The payment period is not a month of a year"
	}
	return "", ""
}

func (p *Provider) createPayment(r *http.Request, body []byte) reply {
	var req createRequest
	if err := decodeStrict(body, &req); err != nil {
		return invalid("", "The request is not valid JSON of a payment: "+err.Error())
	}
	amount, refusal := req.check()
	if refusal != nil {
		return *refusal
	}
	base := p.cfg.PublicURL
	if base == "" {
		base = "http://" + r.Host
	}
	var fail500, early bool
	var pending []byte
	rep, outs := p.idempotent(r, body, func() (reply, []outgoing) {
		now := p.cfg.Now()
		id := newID()
		pay := &Payment{
			Payment: payments.Payment{
				ID: id, Status: payments.Pending, Amount: amount, Currency: "RUB",
				ConfirmationURL: base + "/checkout/" + id,
				CreatedAt:       now.UTC().Truncate(time.Millisecond),
				ExpiresAt:       now.Add(p.cfg.Lifetime).UTC().Truncate(time.Millisecond),
				Metadata:        req.Metadata, Test: true,
			},
			Description: req.Description,
			ReturnURL:   req.Confirmation.ReturnURL,
			Request:     append(json.RawMessage(nil), body...),
		}
		p.payments[id] = pay
		p.order = append(p.order, id)
		pending = p.paymentJSON(pay)
		fail500 = take(&p.faults.fail500)
		early = take(&p.faults.payInCreate)
		var outs []outgoing
		if early {
			outs = append(outs, p.setStatus(pay, payments.Succeeded, "", ""))
		}
		return ok(pending), outs
	})
	if early {
		// The payer was quicker than the answer: the notification is
		// delivered (first attempt) before the create call is answered.
		p.sendNow(outs...)
	} else {
		p.send(outs...)
	}
	if fail500 {
		return apiError(http.StatusInternalServerError, "internal_server_error", "Internal server error", "")
	}
	return rep
}

func (p *Provider) getPayment(r *http.Request, _ []byte) reply {
	p.mu.Lock()
	pay, found := p.payments[r.PathValue("id")]
	if !found {
		p.mu.Unlock()
		return notFound()
	}
	outs := p.expireIfOld(pay)
	b := p.paymentJSON(pay)
	p.mu.Unlock()
	p.send(outs...)
	return ok(b)
}

type paymentJSON struct {
	ID           string            `json:"id"`
	Status       payments.Status   `json:"status"`
	Paid         bool              `json:"paid"`
	Amount       map[string]string `json:"amount"`
	Description  string            `json:"description,omitempty"`
	Recipient    map[string]string `json:"recipient"`
	CreatedAt    string            `json:"created_at"`
	ExpiresAt    string            `json:"expires_at,omitempty"`
	Confirmation *struct {
		Type            string `json:"type"`
		ReturnURL       string `json:"return_url"`
		ConfirmationURL string `json:"confirmation_url"`
	} `json:"confirmation,omitempty"`
	Test                bool              `json:"test"`
	Refundable          bool              `json:"refundable"`
	RefundedAmount      map[string]string `json:"refunded_amount,omitempty"`
	Metadata            map[string]string `json:"metadata"`
	CancellationDetails map[string]string `json:"cancellation_details,omitempty"`
}

// paymentJSON is the payment object as ЮKassa writes it; p.mu is held.
func (p *Provider) paymentJSON(pay *Payment) []byte {
	j := paymentJSON{
		ID: pay.ID, Status: pay.Status, Paid: pay.Paid, Amount: amountJSON(pay.Amount),
		Description: pay.Description,
		Recipient:   map[string]string{"account_id": p.cfg.ShopID, "gateway_id": "local"},
		CreatedAt:   wireTime(pay.CreatedAt),
		Test:        true,
		Refundable:  pay.Status == payments.Succeeded && pay.RefundedAmount < pay.Amount,
		Metadata:    pay.Metadata,
	}
	if j.Metadata == nil {
		j.Metadata = map[string]string{}
	}
	if pay.Status == payments.Pending {
		j.ExpiresAt = wireTime(pay.ExpiresAt)
		j.Confirmation = &struct {
			Type            string `json:"type"`
			ReturnURL       string `json:"return_url"`
			ConfirmationURL string `json:"confirmation_url"`
		}{"redirect", pay.ReturnURL, pay.ConfirmationURL}
	}
	if pay.RefundedAmount > 0 {
		j.RefundedAmount = amountJSON(pay.RefundedAmount)
	}
	if pay.Status == payments.Canceled {
		j.CancellationDetails = map[string]string{"party": pay.CancellationParty, "reason": pay.CancellationReason}
	}
	b, _ := json.Marshal(j)
	return b
}
