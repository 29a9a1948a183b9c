package localpay

import (
	"encoding/json"
	"net/http"

	"kabinet/internal/payments"
)

type refundRequest struct {
	PaymentID   string     `json:"payment_id"`
	Amount      wireAmount `json:"amount"`
	Description string     `json:"description"`
	Receipt     *receipt   `json:"receipt"`
}

// createRefund returns money of a succeeded payment at once (status
// succeeded) and notifies refund.succeeded.
func (p *Provider) createRefund(r *http.Request, body []byte) reply {
	var req refundRequest
	if err := decodeStrict(body, &req); err != nil {
		return invalid("", "The request is not valid JSON of a refund: "+err.Error())
	}
	amount, valid := rubles(req.Amount)
	if !valid {
		return invalid("amount", "The amount must be a positive decimal in RUB")
	}
	if req.Receipt != nil {
		if param, desc := req.Receipt.check(amount); param != "" {
			return invalid(param, desc)
		}
	}
	rep, outs := p.idempotent(r, body, func() (reply, []outgoing) {
		pay, found := p.payments[req.PaymentID]
		switch {
		case !found:
			return invalid("payment_id", "No payment with this id"), nil
		case pay.Status != payments.Succeeded:
			return invalid("payment_id", "Only a succeeded payment can be refunded"), nil
		case amount > pay.Amount-pay.RefundedAmount:
			return invalid("amount", "The refund exceeds what is left of the payment"), nil
		case req.Receipt == nil && paidWithReceipt(pay):
			// As ЮKassa: a shop that sends receipts sends one with a refund.
			return invalid("receipt", "The payment had a receipt: the refund needs one too"), nil
		}
		ref := &payments.Refund{
			ID: newID(), PaymentID: pay.ID, Status: payments.Succeeded, Amount: amount,
			CreatedAt: p.cfg.Now().UTC(),
		}
		p.refunds[ref.ID] = ref
		p.refundBodies[ref.ID] = append(json.RawMessage(nil), body...)
		p.refundOrder = append(p.refundOrder, ref.ID)
		pay.RefundedAmount += amount
		b := refundJSON(ref)
		return ok(b), []outgoing{p.outgoing("refund.succeeded", b, nil)}
	})
	p.send(outs...)
	return rep
}

func (p *Provider) getRefund(r *http.Request, _ []byte) reply {
	p.mu.Lock()
	defer p.mu.Unlock()
	ref, found := p.refunds[r.PathValue("id")]
	if !found {
		return notFound()
	}
	return ok(refundJSON(ref))
}

// Refunds returns a copy of every refund, oldest first.
func (p *Provider) Refunds() []payments.Refund {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]payments.Refund, 0, len(p.refundOrder))
	for _, id := range p.refundOrder {
		out = append(out, *p.refunds[id])
	}
	return out
}

func refundJSON(ref *payments.Refund) []byte {
	b, _ := json.Marshal(map[string]any{
		"id": ref.ID, "payment_id": ref.PaymentID, "status": ref.Status,
		"amount": amountJSON(ref.Amount), "created_at": wireTime(ref.CreatedAt),
	})
	return b
}

// paidWithReceipt reports whether pay was created with a receipt.
func paidWithReceipt(pay *Payment) bool {
	var c struct {
		Receipt *receipt `json:"receipt"`
	}
	return json.Unmarshal(pay.Request, &c) == nil && c.Receipt != nil
}

// RefundRequest is the body of the request that made the refund id (its
// receipt and all), for tests to inspect; nil when there is none.
func (p *Provider) RefundRequest(id string) json.RawMessage {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.refundBodies[id]
}
