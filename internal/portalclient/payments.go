package portalclient

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"kabinet/internal/domain"
)

// Payment statuses as the portal sends them.
const (
	PaymentCreating  = "creating"  // the provider's answer is not known yet
	PaymentPending   = "pending"   // the payer has not paid yet
	PaymentSucceeded = "succeeded" // paid and credited to the account
	PaymentCanceled  = "canceled"  // the payer or the bank declined it
	PaymentExpired   = "expired"   // the time to pay ran out
)

// Payment is an online payment as the portal keeps it.
type Payment struct {
	ID         string         `json:"id"`
	Account    string         `json:"account"`
	Amount     domain.Kopecks `json:"amount_kop"`
	Commission domain.Kopecks `json:"commission_kop"`
	// Status is one of the Payment… constants; "succeeded" only once the
	// money was credited.
	Status string `json:"status"`
	// ConfirmationURL is the provider's page where the payer pays.
	ConfirmationURL   string    `json:"confirmation_url"`
	CreatedAt         time.Time `json:"created_at"`
	ExpiresAt         time.Time `json:"expires_at"`
	Credited          bool      `json:"credited"`
	CreditedPaymentID string    `json:"credited_payment_id,omitempty"`
	CancelReason      string    `json:"cancel_reason,omitempty"`
}

// PaymentOptions are the supplier's terms of paying online.
type PaymentOptions struct {
	Enabled bool `json:"enabled"`
	// CommissionPercent is a decimal string; "0" means без комиссии.
	CommissionPercent string         `json:"commission_percent"`
	Min               domain.Kopecks `json:"min_kop"`
	Max               domain.Kopecks `json:"max_kop"`
}

// CreatePayment asks the portal for an online payment of amount to account;
// amount 0 pays what is due now. idempotencyKey (see SubmitReading) is made
// once per press of «Перейти к оплате»: every retry of this call — on a
// lost answer, a 5xx, or the portal's 503 payment_provider_unavailable when
// the provider's outcome is unknown — carries the same key, so a storm of
// retries makes one provider payment. After the retries a 503 comes back
// as an error with the domain code payment_provider_unavailable (and
// "retry_after"); a refused amount as payment_amount_invalid (with
// "min_kop", "max_kop"), payment_nothing_due or payments_disabled.
func (c *Client) CreatePayment(ctx context.Context, account string, amount domain.Kopecks, idempotencyKey string) (Payment, error) {
	if err := checkKey(idempotencyKey); err != nil {
		return Payment{}, err
	}
	body := struct {
		Amount *domain.Kopecks `json:"amount_kop,omitempty"`
	}{}
	if amount != 0 {
		body.Amount = &amount
	}
	r, err := c.do(ctx, call{method: http.MethodPost, path: "/accounts/" + url.PathEscape(account) + "/payments",
		body: body, idemKey: idempotencyKey})
	if err != nil {
		return Payment{}, err
	}
	return paymentOf(r)
}

// GetPayment returns a payment's state now; another customer's payment is
// a *RejectedError with Code "not_found".
func (c *Client) GetPayment(ctx context.Context, id string) (Payment, error) {
	r, err := c.do(ctx, call{method: http.MethodGet, path: "/payments/" + url.PathEscape(id)})
	if err != nil {
		return Payment{}, err
	}
	return paymentOf(r)
}

// PaymentOptions returns whether paying online is switched on, the
// commission and the limits of one payment.
func (c *Client) PaymentOptions(ctx context.Context) (PaymentOptions, error) {
	var o PaymentOptions
	r, err := c.do(ctx, call{method: http.MethodGet, path: "/payment-options"})
	if err == nil {
		err = decode(r, &o)
	}
	return o, err
}

func paymentOf(r *reply) (Payment, error) {
	var p Payment
	if err := decode(r, &p); err != nil {
		return Payment{}, err
	}
	if p.ID == "" || p.Status == "" {
		return Payment{}, badAnswer(r, "a payment")
	}
	return p, nil
}
