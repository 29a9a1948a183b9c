package payments

import (
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"
)

// The JSON of ЮKassa API v3, as far as Kabinet uses it. These types stay
// inside the package: the rest of the portal sees Payment and Refund.

type wireAmount struct {
	Value    string `json:"value"`
	Currency string `json:"currency"`
}

type wireCreatePayment struct {
	Amount       wireAmount          `json:"amount"`
	Capture      bool                `json:"capture"`
	Confirmation wireConfirmationReq `json:"confirmation"`
	Description  string              `json:"description,omitempty"`
	Metadata     map[string]string   `json:"metadata,omitempty"`
	Receipt      *wireReceipt        `json:"receipt,omitempty"`
	PaymentOrder *wirePaymentOrder   `json:"payment_order,omitempty"`
}

type wireConfirmationReq struct {
	Type      string `json:"type"`
	ReturnURL string `json:"return_url"`
}

type wireReceipt struct {
	Customer      wireCustomer      `json:"customer"`
	Items         []wireReceiptItem `json:"items"`
	TaxSystemCode int               `json:"tax_system_code,omitempty"`
}

type wireCustomer struct {
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
}

type wireReceiptItem struct {
	Description    string      `json:"description"`
	Quantity       json.Number `json:"quantity"`
	Amount         wireAmount  `json:"amount"`
	VATCode        int         `json:"vat_code"`
	PaymentSubject string      `json:"payment_subject,omitempty"`
	PaymentMode    string      `json:"payment_mode,omitempty"`
}

type wirePaymentOrder struct {
	Type           string             `json:"type"`
	Amount         wireAmount         `json:"amount"`
	PaymentPurpose string             `json:"payment_purpose"`
	Recipient      wireRecipient      `json:"recipient"`
	AccountNumber  string             `json:"account_number,omitempty"`
	PaymentPeriod  *wirePaymentPeriod `json:"payment_period,omitempty"`
}

type wireRecipient struct {
	Name string   `json:"name"`
	INN  string   `json:"inn"`
	KPP  string   `json:"kpp"`
	Bank wireBank `json:"bank"`
}

type wireBank struct {
	Name                 string `json:"name"`
	BIC                  string `json:"bic"`
	Account              string `json:"account"`
	CorrespondentAccount string `json:"correspondent_account"`
}

type wirePaymentPeriod struct {
	Month int `json:"month"`
	Year  int `json:"year"`
}

type wireCreateRefund struct {
	PaymentID string       `json:"payment_id"`
	Amount    wireAmount   `json:"amount"`
	Receipt   *wireReceipt `json:"receipt,omitempty"`
}

type wirePayment struct {
	ID           string     `json:"id"`
	Status       string     `json:"status"`
	Paid         bool       `json:"paid"`
	Amount       wireAmount `json:"amount"`
	Confirmation *struct {
		Type            string `json:"type"`
		ConfirmationURL string `json:"confirmation_url"`
	} `json:"confirmation"`
	CreatedAt           string         `json:"created_at"`
	ExpiresAt           string         `json:"expires_at"`
	Metadata            map[string]any `json:"metadata"`
	CancellationDetails *struct {
		Party  string `json:"party"`
		Reason string `json:"reason"`
	} `json:"cancellation_details"`
	RefundedAmount *wireAmount `json:"refunded_amount"`
	Test           bool        `json:"test"`
}

type wireRefund struct {
	ID        string     `json:"id"`
	PaymentID string     `json:"payment_id"`
	Status    string     `json:"status"`
	Amount    wireAmount `json:"amount"`
	CreatedAt string     `json:"created_at"`
}

type wireError struct {
	Type        string `json:"type"`
	ID          string `json:"id"`
	Code        string `json:"code"`
	Description string `json:"description"`
	Parameter   string `json:"parameter"`
	RetryAfter  int64  `json:"retry_after"` // milliseconds, with type "processing"
}

// Limits ЮKassa sets on the fields Kabinet fills.
const (
	maxDescription    = 128
	maxPaymentPurpose = 210
)

func (req CreateRequest) wire() (wireCreatePayment, error) {
	if req.Amount <= 0 {
		return wireCreatePayment{}, fmt.Errorf("payments: amount %d kopecks is not positive", req.Amount)
	}
	if utf8.RuneCountInString(req.Description) > maxDescription {
		return wireCreatePayment{}, fmt.Errorf("payments: description longer than %d characters", maxDescription)
	}
	if req.ReturnURL == "" {
		return wireCreatePayment{}, fmt.Errorf("payments: no return URL")
	}
	w := wireCreatePayment{
		Amount:       wireAmount{FormatAmount(req.Amount), "RUB"},
		Capture:      true,
		Confirmation: wireConfirmationReq{Type: "redirect", ReturnURL: req.ReturnURL},
		Description:  req.Description,
		Metadata:     req.Metadata,
	}
	if len(req.Receipt.Items) > 0 {
		r, err := req.Receipt.wire()
		if err != nil {
			return wireCreatePayment{}, err
		}
		w.Receipt = &r
	}
	if req.PaymentOrder.Type != "" {
		o, err := req.PaymentOrder.wire()
		if err != nil {
			return wireCreatePayment{}, err
		}
		w.PaymentOrder = &o
	}
	return w, nil
}

func (r Receipt) wire() (wireReceipt, error) {
	if r.CustomerEmail == "" && r.CustomerPhone == "" {
		return wireReceipt{}, fmt.Errorf("payments: a receipt needs the customer's e-mail or phone")
	}
	w := wireReceipt{
		Customer:      wireCustomer{Email: r.CustomerEmail, Phone: r.CustomerPhone},
		TaxSystemCode: r.TaxSystemCode,
	}
	for _, it := range r.Items {
		q := it.Quantity
		if q == "" {
			q = "1"
		}
		if _, err := ParseAmount(q); err != nil {
			return wireReceipt{}, fmt.Errorf("payments: receipt item quantity %q", q)
		}
		if utf8.RuneCountInString(it.Description) > maxDescription {
			return wireReceipt{}, fmt.Errorf("payments: receipt item description longer than %d characters", maxDescription)
		}
		w.Items = append(w.Items, wireReceiptItem{
			Description:    it.Description,
			Quantity:       json.Number(q),
			Amount:         wireAmount{FormatAmount(it.Amount), "RUB"},
			VATCode:        it.VATCode,
			PaymentSubject: it.PaymentSubject,
			PaymentMode:    it.PaymentMode,
		})
	}
	return w, nil
}

func (o PaymentOrder) wire() (wirePaymentOrder, error) {
	if utf8.RuneCountInString(o.PaymentPurpose) > maxPaymentPurpose {
		return wirePaymentOrder{}, fmt.Errorf("payments: payment purpose longer than %d characters", maxPaymentPurpose)
	}
	w := wirePaymentOrder{
		Type:           o.Type,
		Amount:         wireAmount{FormatAmount(o.Amount), "RUB"},
		PaymentPurpose: o.PaymentPurpose,
		Recipient: wireRecipient{
			Name: o.Recipient.Name, INN: o.Recipient.INN, KPP: o.Recipient.KPP,
			Bank: wireBank{
				Name: o.Recipient.BankName, BIC: o.Recipient.BIC,
				Account: o.Recipient.Account, CorrespondentAccount: o.Recipient.CorrespondentAcct,
			},
		},
		AccountNumber: o.AccountNumber,
	}
	if o.PeriodMonth != 0 {
		w.PaymentPeriod = &wirePaymentPeriod{Month: o.PeriodMonth, Year: o.PeriodYear}
	}
	return w, nil
}

// payment checks what ЮKassa answered and turns it into a Payment. An
// answer without an id, with an unknown status or a malformed amount is
// refused rather than half-read.
func (w wirePayment) payment() (Payment, error) {
	if w.ID == "" {
		return Payment{}, fmt.Errorf("payments: answer has no payment id")
	}
	st := Status(w.Status)
	switch st {
	case Pending, WaitingForCapture, Succeeded, Canceled:
	default:
		return Payment{}, fmt.Errorf("payments: payment %s has unknown status %q", w.ID, w.Status)
	}
	amount, err := ParseAmount(w.Amount.Value)
	if err != nil {
		return Payment{}, fmt.Errorf("payments: payment %s: %w", w.ID, err)
	}
	if w.Amount.Currency == "" {
		return Payment{}, fmt.Errorf("payments: payment %s has no currency", w.ID)
	}
	created, err := time.Parse(time.RFC3339, w.CreatedAt)
	if err != nil {
		return Payment{}, fmt.Errorf("payments: payment %s: created_at %q", w.ID, w.CreatedAt)
	}
	p := Payment{
		ID: w.ID, Status: st, Paid: w.Paid, Amount: amount, Currency: w.Amount.Currency,
		CreatedAt: created, Test: w.Test,
	}
	if w.ExpiresAt != "" {
		if p.ExpiresAt, err = time.Parse(time.RFC3339, w.ExpiresAt); err != nil {
			return Payment{}, fmt.Errorf("payments: payment %s: expires_at %q", w.ID, w.ExpiresAt)
		}
	}
	if w.Confirmation != nil {
		p.ConfirmationURL = w.Confirmation.ConfirmationURL
	}
	if len(w.Metadata) > 0 {
		p.Metadata = make(map[string]string, len(w.Metadata))
		for k, v := range w.Metadata {
			if s, ok := v.(string); ok {
				p.Metadata[k] = s
			}
		}
	}
	if c := w.CancellationDetails; c != nil {
		p.CancellationParty, p.CancellationReason = c.Party, c.Reason
	}
	if w.RefundedAmount != nil {
		if p.RefundedAmount, err = ParseAmount(w.RefundedAmount.Value); err != nil {
			return Payment{}, fmt.Errorf("payments: payment %s refunded: %w", w.ID, err)
		}
	}
	return p, nil
}

func (w wireRefund) refund() (Refund, error) {
	if w.ID == "" || w.PaymentID == "" {
		return Refund{}, fmt.Errorf("payments: refund answer without ids")
	}
	st := Status(w.Status)
	switch st {
	case Pending, Succeeded, Canceled:
	default:
		return Refund{}, fmt.Errorf("payments: refund %s has unknown status %q", w.ID, w.Status)
	}
	amount, err := ParseAmount(w.Amount.Value)
	if err != nil {
		return Refund{}, fmt.Errorf("payments: refund %s: %w", w.ID, err)
	}
	created, err := time.Parse(time.RFC3339, w.CreatedAt)
	if err != nil {
		return Refund{}, fmt.Errorf("payments: refund %s: created_at %q", w.ID, w.CreatedAt)
	}
	return Refund{ID: w.ID, PaymentID: w.PaymentID, Status: st, Amount: amount, CreatedAt: created}, nil
}
