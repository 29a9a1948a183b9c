package portaldb

import (
	"context"
	"fmt"

	"kabinet/internal/domain"
)

// InsertInvoice stores an issued invoice with its lines.
func (tx *Tx) InsertInvoice(ctx context.Context, accountID int64, inv domain.Invoice) error {
	_, err := tx.addInvoice(ctx, accountID, inv)
	return err
}

// addInvoice stores an issued invoice as a change of the account and
// returns its id.
func (tx *Tx) addInvoice(ctx context.Context, accountID int64, inv domain.Invoice) (int64, error) {
	if err := tx.lockAccount(ctx, accountID); err != nil {
		return 0, err
	}
	seq, err := tx.nextSeq(ctx)
	if err != nil {
		return 0, err
	}
	w := tx.newRowWriter(1)
	id, err := w.insertInvoice(ctx, accountID, seq, inv)
	if err != nil {
		return 0, err
	}
	if err := w.add(ctx, `UPDATE accounts SET seq = ? WHERE id = ?`, seq, accountID); err != nil {
		return 0, err
	}
	if err := w.flush(ctx); err != nil {
		return 0, fmt.Errorf("invoice %s: %w", inv.Period, err)
	}
	return id, nil
}

// insertInvoice queues the invoice's rows as part of change seq.
func (w *rowWriter) insertInvoice(ctx context.Context, accountID, seq int64, inv domain.Invoice) (int64, error) {
	id, err := w.id(ctx, "invoices")
	if err != nil {
		return 0, err
	}
	if err := w.add(ctx, `INSERT INTO invoices (id, account_id, number, period, issued_on, due_on, brought_forward, penalties,
			paid_in_period, charged, total_due, seq)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, accountID, inv.Number, inv.Period.String(), inv.IssuedOn.String(),
		inv.DueOn.String(), int64(inv.BroughtForward), int64(inv.Penalties), int64(inv.PaidInPeriod), int64(inv.Charged), int64(inv.TotalDue), seq); err != nil {
		return 0, err
	}
	for i, l := range inv.Lines {
		if err := w.add(ctx, `INSERT INTO invoice_lines (invoice_id, line_no, service, zone, meter_serial, previous, current, volume, unit, price, amount)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, i+1, l.Service, string(l.Zone), l.MeterSerial, int64(l.Previous), int64(l.Current),
			int64(l.Volume), l.Unit, int64(l.Price), int64(l.Amount)); err != nil {
			return 0, err
		}
	}
	for i, r := range inv.Recalculations {
		if err := w.add(ctx, `INSERT INTO recalculations (invoice_id, line_no, reason, amount) VALUES (?, ?, ?, ?)`, id, i+1, r.Reason, int64(r.Amount)); err != nil {
			return 0, err
		}
	}
	return id, nil
}
