package portaldb

import (
	"context"
	"fmt"
)

// CustomerOnlinePayments returns the customer's online payments, newest
// first, at most limit: the admin's refund list on the customer's card.
func (tx *Tx) CustomerOnlinePayments(ctx context.Context, customerID int64, limit int) ([]OnlinePayment, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+onlineColumns+` FROM online_payments o JOIN accounts a ON a.id = o.account_id
		WHERE o.customer_id = ? ORDER BY o.created_at DESC, o.id DESC LIMIT ?`, customerID, limit)
	if err != nil {
		return nil, fmt.Errorf("online payments: %w", err)
	}
	defer rows.Close()
	var out []OnlinePayment
	for rows.Next() {
		p, err := scanOnlinePayment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
