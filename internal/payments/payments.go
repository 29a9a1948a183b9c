// Package payments is the seam between the portal and a payment provider:
// the provider's view of a payment, what the portal asks it to create, and
// the errors a call can end in. Two providers implement it: the ЮKassa API
// v3 client (yookassa.go) and the local provider (package
// payments/localpay), which speaks the same HTTP subset for -demo and tests.
//
// Amounts are kopecks (domain.Kopecks); the wire format of ЮKassa (decimal
// strings such as "1234.56") stays inside the client.
package payments

import (
	"context"
	"errors"
	"time"

	"kabinet/internal/domain"
)

// Status is a payment's state at the provider.
type Status string

// Provider payment statuses; Succeeded and Canceled are final.
const (
	Pending           Status = "pending"
	WaitingForCapture Status = "waiting_for_capture"
	Succeeded         Status = "succeeded"
	Canceled          Status = "canceled"
)

// Final reports whether the status can no longer change.
func (s Status) Final() bool { return s == Succeeded || s == Canceled }

// Payment is a payment as the provider reports it. Only what the provider
// answers to Get is trusted; a notification's body is not.
type Payment struct {
	ID              string            // the provider's id
	Status          Status            //
	Paid            bool              //
	Amount          domain.Kopecks    //
	Currency        string            // "RUB"
	ConfirmationURL string            // the page the payer is sent to
	CreatedAt       time.Time         //
	ExpiresAt       time.Time         // zero when the provider gave none
	Metadata        map[string]string // our ids, as sent with Create
	// CancellationParty and CancellationReason say why a canceled payment
	// was canceled (e.g. "yoo_money", "expired_on_confirmation").
	CancellationParty  string
	CancellationReason string
	RefundedAmount     domain.Kopecks
	Test               bool
}

// MetadataPaymentID is the metadata key under which the portal sends its
// own payment id with Create; a payment without it is not ours.
const MetadataPaymentID = "kabinet_payment_id"

// CreateRequest is what the portal asks the provider to create: a one-stage
// payment (capture at once) with a redirect confirmation.
type CreateRequest struct {
	Amount       domain.Kopecks
	Description  string // ≤ 128 characters
	ReturnURL    string
	Metadata     map[string]string
	Receipt      Receipt
	PaymentOrder PaymentOrder
}

// Receipt is the 54-ФЗ receipt the provider sends to the customer.
type Receipt struct {
	CustomerEmail string
	CustomerPhone string // digits with the country code, 79001234567
	Items         []ReceiptItem
	TaxSystemCode int // 0: not sent
}

// ReceiptItem is one line of a receipt.
type ReceiptItem struct {
	Description    string // ≤ 128
	Quantity       string // decimal, "1"
	Amount         domain.Kopecks
	VATCode        int    // 1 без НДС … 11 22 %, as configured
	PaymentSubject string // "service"
	PaymentMode    string // "full_payment"
}

// PaymentOrder is the ЖКУ payment order ЮKassa requires from utility shops.
type PaymentOrder struct {
	Type           string // "utilities"
	Amount         domain.Kopecks
	PaymentPurpose string // ≤ 210
	Recipient      Recipient
	AccountNumber  string // the customer's account (лицевой счёт)
	PeriodMonth    int    // 0: no payment_period
	PeriodYear     int
}

// Recipient is the supplier with its bank.
type Recipient struct {
	Name, INN, KPP                            string
	BankName, BIC, Account, CorrespondentAcct string
}

// Refund is money returned for a payment.
type Refund struct {
	ID        string
	PaymentID string
	Status    Status // pending, succeeded, canceled
	Amount    domain.Kopecks
	CreatedAt time.Time
}

// Notification is what a provider's hook call says happened. Nothing in it
// is trusted: it only names the object to fetch.
type Notification struct {
	Event    string // "payment.succeeded", "payment.canceled", "refund.succeeded", …
	ObjectID string // the payment's or the refund's id
}

// Provider creates and reads payments. Every method is safe for
// concurrent use. Create and Refund with the same idempotence key and the
// same request return the first result; a caller retries an
// ErrUnknownOutcome with the same key.
type Provider interface {
	Create(ctx context.Context, idempotenceKey string, req CreateRequest) (Payment, error)
	Get(ctx context.Context, id string) (Payment, error)
	// Refund returns amount of a succeeded payment; rc is the 54-ФЗ
	// refund receipt («чек возврата»), required when the shop sends
	// receipts (nil: none).
	Refund(ctx context.Context, idempotenceKey, paymentID string, amount domain.Kopecks, rc *Receipt) (Refund, error)
	GetRefund(ctx context.Context, id string) (Refund, error)
}

// Errors a Provider returns (wrapped; test with errors.Is / errors.As).
var (
	// ErrUnknownOutcome: the provider may or may not have acted (HTTP 500,
	// a timeout, a broken connection after the request was sent). Retry
	// with the same idempotence key.
	ErrUnknownOutcome = errors.New("payments: outcome unknown")
	// ErrNotFound: the provider has no such payment or refund.
	ErrNotFound = errors.New("payments: not found")
	// ErrTooManyRequests: HTTP 429 after the client's own retries.
	ErrTooManyRequests = errors.New("payments: too many requests")
)

// APIError is a refusal the provider explained (HTTP 4xx with a body).
type APIError struct {
	HTTPStatus  int
	Code        string // "invalid_request", "invalid_credentials", …
	Description string
	Parameter   string
}

func (e *APIError) Error() string {
	s := "payments: " + e.Code
	if e.Parameter != "" {
		s += " (" + e.Parameter + ")"
	}
	if e.Description != "" {
		s += ": " + e.Description
	}
	return s
}
