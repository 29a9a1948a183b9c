package portaldb

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"kabinet/internal/domain"
)

// Tariffs applies the billing system's tariffs, each with every rate it
// has: a tariff in the file replaces the stored one's name, zones, group
// and prices. A changed tariff is a change of every account billed at it
// (the account's document shows its tariff), so those accounts' change
// numbers move. Tariffs not in the file stay as they are. Tariffs are
// public content too (search finds them): any change moves the content
// version, so every portal instance rebuilds its index.
func (b *BillingImport) Tariffs(ctx context.Context, ts []domain.Tariff) ([]ImportResult, error) {
	out := make([]ImportResult, len(ts))
	changed := false
	w := b.tx.newRowWriter(1)
	for i, t := range ts {
		old, err := b.tx.Tariff(ctx, t.ID)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return nil, err
		}
		if old != nil && sameTariff(old, &t) {
			continue
		}
		changed = true
		if old == nil {
			out[i].Outcome = Created
			if err := w.insertTariff(ctx, t); err != nil {
				return nil, err
			}
			if b.tariffs != nil {
				b.tariffs[t.ID] = true
			}
			continue
		}
		out[i].Outcome = Updated
		if err := w.flush(ctx); err != nil {
			return nil, err
		}
		if err := b.touchTariffAccounts(ctx, t.ID); err != nil {
			return nil, err
		}
		if err := w.add(ctx, `DELETE FROM tariff_prices WHERE tariff_id = ?`, t.ID); err != nil {
			return nil, err
		}
		if err := w.add(ctx, `UPDATE tariffs SET name = ?, zones = ?, grp = ? WHERE id = ?`, t.Name, t.Zones, string(t.Group), t.ID); err != nil {
			return nil, err
		}
		if err := w.insertPrices(ctx, t); err != nil {
			return nil, err
		}
	}
	if err := w.flush(ctx); err != nil {
		return nil, fmt.Errorf("import tariffs: %w", err)
	}
	if changed {
		if err := b.tx.BumpContentVersion(ctx); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// sameTariff compares two tariffs as stored: rates in order, tiers
// numbered, zero prices kept.
func sameTariff(a, b *domain.Tariff) bool {
	return a.ID == b.ID && a.Name == b.Name && a.Zones == b.Zones && a.Group == b.Group && reflect.DeepEqual(a.Rates, b.Rates)
}

// touchTariffAccounts gives every account billed at the tariff a new
// change number of its own data.
func (b *BillingImport) touchTariffAccounts(ctx context.Context, tariffID string) error {
	rows, err := b.tx.QueryContext(ctx, `SELECT DISTINCT account_id FROM services WHERE tariff_id = ?`, tariffID)
	if err != nil {
		return fmt.Errorf("tariff accounts: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return err
	}
	if err := b.lockAccounts(ctx, ids); err != nil {
		return err
	}
	seq, err := b.tx.nextSeq(ctx)
	if err != nil {
		return err
	}
	_, err = b.tx.ExecContext(ctx, `UPDATE accounts SET main_seq = ?, seq = ? WHERE id IN (SELECT account_id FROM services WHERE tariff_id = ?)`,
		seq, seq, tariffID)
	return err
}
