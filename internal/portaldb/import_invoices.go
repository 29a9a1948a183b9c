package portaldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"kabinet/internal/domain"
)

// Invoice issues a bill of the account with the number, once: a bill of
// the same period stored before with the same number, dates and sums is
// Unchanged; one that differs is a problem (an issued bill is not
// rewritten: the apps and the e-mailed copy already show it). Letters
// reports whether a letter with the bill was queued.
func (b *BillingImport) Invoice(ctx context.Context, account string, inv domain.Invoice) (res ImportResult, letter bool, err error) {
	var accountID int64
	err = b.tx.QueryRowContext(ctx, `SELECT id FROM accounts WHERE number = ?`, account).Scan(&accountID)
	if errors.Is(err, sql.ErrNoRows) {
		res.Problem = fmt.Sprintf("лицевого счёта %s нет", account)
		return res, false, nil
	}
	if err != nil {
		return res, false, fmt.Errorf("invoice account: %w", err)
	}
	var s domain.Invoice
	var issued, due string
	var lines int
	err = b.tx.QueryRowContext(ctx, `SELECT number, issued_on, due_on, brought_forward, penalties, paid_in_period, charged, total_due,
			(SELECT count(*) FROM invoice_lines l WHERE l.invoice_id = i.id)
		FROM invoices i WHERE account_id = ? AND period = ?`, accountID, inv.Period.String()).
		Scan(&s.Number, &issued, &due, &s.BroughtForward, &s.Penalties, &s.PaidInPeriod, &s.Charged, &s.TotalDue, &lines)
	if err == nil {
		if s.Number != inv.Number || issued != inv.IssuedOn.String() || due != inv.DueOn.String() || s.BroughtForward != inv.BroughtForward ||
			s.Penalties != inv.Penalties || s.PaidInPeriod != inv.PaidInPeriod || s.Charged != inv.Charged || s.TotalDue != inv.TotalDue ||
			lines != len(inv.Lines) {
			res.Problem = fmt.Sprintf("счёт за %s уже загружен (№ %s, к оплате %s), а в файле он другой — выставленный счёт не меняют, "+
				"исправление войдёт перерасчётом в следующий", inv.Period, s.Number, s.TotalDue)
		}
		return res, false, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return res, false, fmt.Errorf("invoice: %w", err)
	}
	id, err := b.tx.IssueInvoice(ctx, accountID, inv)
	if err != nil {
		return res, false, err
	}
	res.Outcome = Created
	var n int
	if err := b.tx.QueryRowContext(ctx, `SELECT count(*) FROM mail_jobs WHERE invoice_id = ?`, id).Scan(&n); err != nil {
		return res, false, err
	}
	return res, n > 0, nil
}
