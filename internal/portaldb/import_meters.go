package portaldb

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"kabinet/internal/domain"
)

// BillingMeter is a meter as the billing system exports it: installed on
// an account, verified, removed, or put in the place of another.
type BillingMeter struct {
	// Account is the number of the account the meter is on.
	Account string
	// Meter holds Serial, Model, Place, InstalledOn, Digits,
	// FractionDigits, VerifiedOn, VerificationYears and RemovedOn.
	Meter domain.Meter
	// Zones is how many registers (tariff zones) the meter has.
	Zones int
	// Replaces is the serial of the meter on the account this one took
	// the place of; that meter is marked removed (on this one's
	// installation day unless it has its own) and replaced by this one.
	Replaces string
}

// meterRow is a stored meter as an import compares it.
type meterRow struct {
	id, accountID int64
	m             BillingMeter
	replacedBy    int64
	hasReadings   bool
	// isNew: the row is to be inserted.
	isNew bool
}

func (r *meterRow) same(m BillingMeter) bool {
	a, b := r.m.Meter, m.Meter
	return a.Serial == b.Serial && a.Model == b.Model && a.Place == b.Place && a.InstalledOn == b.InstalledOn && a.Digits == b.Digits &&
		a.FractionDigits == b.FractionDigits && a.VerifiedOn == b.VerifiedOn && a.VerificationYears == b.VerificationYears &&
		a.RemovedOn == b.RemovedOn && r.m.Zones == m.Zones
}

// Meters applies a chunk (at most ImportChunk) of the billing system's
// meters; a meter is known by its account and serial number. A meter with
// readings keeps its digits and zones: those readings were taken on it as
// it is, and a different meter is a replacement (Replaces).
func (b *BillingImport) Meters(ctx context.Context, ms []BillingMeter) ([]ImportResult, error) {
	out := make([]ImportResult, len(ms))
	if len(ms) == 0 {
		return out, nil
	}
	if err := b.growCache(ctx); err != nil {
		return nil, err
	}
	var numbers []string
	for _, m := range ms {
		if !slices.Contains(numbers, m.Account) {
			numbers = append(numbers, m.Account)
		}
	}
	accounts, err := b.accountIDs(ctx, numbers)
	if err != nil {
		return nil, err
	}
	stored, err := b.storedMeters(ctx, numbers)
	if err != nil {
		return nil, err
	}
	p := &meterPlan{w: b.tx.newRowWriter(len(ms)), bySerial: map[meterKey]*meterRow{}}
	for _, r := range stored {
		p.bySerial[meterKey{r.accountID, r.m.Meter.Serial}] = r // the latest of a serial wins: ordered by id
	}
	for i, m := range ms {
		acc, ok := accounts[m.Account]
		if !ok {
			out[i].Problem = fmt.Sprintf("лицевого счёта %s нет — сначала загрузите лицевые счета (accounts)", m.Account)
			continue
		}
		before := len(p.writes)
		if out[i], err = p.decide(ctx, acc, m); err != nil {
			return nil, err
		}
		if len(p.writes) > before && !slices.Contains(p.locks, acc) {
			p.locks = append(p.locks, acc)
		}
	}
	if len(p.writes) == 0 {
		return out, nil
	}
	if err := b.lockAccounts(ctx, p.locks); err != nil {
		return nil, err
	}
	seq, err := b.tx.nextSeq(ctx)
	if err != nil {
		return nil, err
	}
	return out, b.writeMeters(ctx, p, seq)
}

type meterKey struct {
	account int64
	serial  string
}

// meterPlan is what a chunk of meters changes, decided before the
// accounts are locked.
type meterPlan struct {
	w        *rowWriter
	bySerial map[meterKey]*meterRow
	// writes are the rows to store (a row may come twice); locks the
	// accounts they are on.
	writes []*meterRow
	locks  []int64
}

// decide compares the record m of account acc with what is stored and
// plans its writes.
func (p *meterPlan) decide(ctx context.Context, acc int64, m BillingMeter) (ImportResult, error) {
	var res ImportResult
	r := p.bySerial[meterKey{acc, m.Meter.Serial}]
	if r != nil && r.replacedBy != 0 && m.Meter.RemovedOn.IsZero() {
		// Replaced and so removed: a file that leaves the removal out
		// does not put the meter back.
		m.Meter.RemovedOn = r.m.Meter.RemovedOn
	}
	var old *meterRow
	if m.Replaces != "" {
		if old = p.bySerial[meterKey{acc, m.Replaces}]; old == nil {
			res.Problem = fmt.Sprintf("на лицевом счёте %s нет счётчика %s, который заменён этим", m.Account, m.Replaces)
			return res, nil
		}
	}
	switch {
	case r == nil:
		id, err := p.w.id(ctx, "meters")
		if err != nil {
			return res, err
		}
		r = &meterRow{id: id, accountID: acc, m: m, isNew: true}
		p.bySerial[meterKey{acc, m.Meter.Serial}] = r
		p.writes = append(p.writes, r)
		res.Outcome = Created
	case r.hasReadings && (r.m.Meter.Digits != m.Meter.Digits || r.m.Meter.FractionDigits != m.Meter.FractionDigits || r.m.Zones != m.Zones):
		res.Problem = fmt.Sprintf("у счётчика %s уже есть показания: разрядность и число зон не меняются — "+
			"поставьте новый счётчик с полем replaces = %s", m.Meter.Serial, m.Meter.Serial)
		return res, nil
	case !r.same(m):
		r.m = m
		p.writes = append(p.writes, r)
		res.Outcome = Updated
	}
	if old == nil || old.replacedBy == r.id && !old.m.Meter.RemovedOn.IsZero() {
		return res, nil
	}
	if old.id == r.id {
		res.Problem = "счётчик не может заменить сам себя (replaces)"
		return res, nil
	}
	old.replacedBy = r.id
	if old.m.Meter.RemovedOn.IsZero() {
		old.m.Meter.RemovedOn = m.Meter.InstalledOn
	}
	p.writes = append(p.writes, old)
	if res.Outcome == Unchanged {
		res.Outcome = Updated
	}
	return res, nil
}

// writeMeters stores the plan's rows as change seq of their accounts:
// the new rows first, so that every replaced_by set after them points to
// a row that exists.
func (b *BillingImport) writeMeters(ctx context.Context, p *meterPlan, seq int64) error {
	ins := b.tx.newBulkInsert("meters", "id", "account_id", "serial", "model", "place", "installed_on", "digits", "fraction_digits", "zones",
		"verified_on", "verification_years", "removed_on", "seq")
	done := map[*meterRow]bool{}
	for _, r := range p.writes {
		if !r.isNew || done[r] {
			continue
		}
		done[r] = true
		m := r.m.Meter
		if err := ins.add(ctx, r.id, r.accountID, m.Serial, m.Model, m.Place, m.InstalledOn.String(), m.Digits, m.FractionDigits, r.m.Zones,
			m.VerifiedOn.String(), m.VerificationYears, m.RemovedOn.String(), seq); err != nil {
			return err
		}
	}
	if err := ins.flush(ctx); err != nil {
		return fmt.Errorf("import meters: %w", err)
	}
	w := p.w
	clear(done)
	for _, r := range p.writes {
		if done[r] || r.isNew && r.replacedBy == 0 {
			continue
		}
		done[r] = true
		m := r.m.Meter
		var replaced sql.NullInt64
		if r.replacedBy != 0 {
			replaced = sql.NullInt64{Int64: r.replacedBy, Valid: true}
		}
		if err := w.add(ctx, `UPDATE meters SET model = ?, place = ?, installed_on = ?, digits = ?, fraction_digits = ?, zones = ?,
				verified_on = ?, verification_years = ?, removed_on = ?, replaced_by = ?, seq = ?
			WHERE id = ?`, m.Model, m.Place, m.InstalledOn.String(), m.Digits, m.FractionDigits, r.m.Zones, m.VerifiedOn.String(),
			m.VerificationYears, m.RemovedOn.String(), replaced, seq, r.id); err != nil {
			return err
		}
	}
	for _, acc := range p.locks {
		if err := w.add(ctx, `UPDATE accounts SET seq = ? WHERE id = ?`, seq, acc); err != nil {
			return err
		}
	}
	if err := w.flush(ctx); err != nil {
		return fmt.Errorf("import meters: %w", err)
	}
	return nil
}

// storedMeters reads the meters of the accounts, oldest first.
func (b *BillingImport) storedMeters(ctx context.Context, numbers []string) ([]*meterRow, error) {
	list, args := inList(numbers)
	rows, err := b.tx.QueryContext(ctx, `SELECT m.id, m.account_id, a.number, m.serial, m.model, m.place, m.installed_on, m.digits,
			m.fraction_digits, m.zones, m.verified_on, m.verification_years, m.removed_on, coalesce(m.replaced_by, 0),
			EXISTS (SELECT 1 FROM readings r WHERE r.meter_id = m.id)
		FROM meters m JOIN accounts a ON a.id = m.account_id WHERE a.number IN (`+list+`) ORDER BY m.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("meters: %w", err)
	}
	defer rows.Close()
	var out []*meterRow
	for rows.Next() {
		r := &meterRow{}
		m := &r.m.Meter
		var installed, verified, removed string
		if err := rows.Scan(&r.id, &r.accountID, &r.m.Account, &m.Serial, &m.Model, &m.Place, &installed, &m.Digits, &m.FractionDigits,
			&r.m.Zones, &verified, &m.VerificationYears, &removed, &r.replacedBy, &r.hasReadings); err != nil {
			return nil, fmt.Errorf("meters: %w", err)
		}
		m.InstalledOn, _ = domain.ParseDate(installed)
		m.VerifiedOn, _ = domain.ParseDate(verified)
		m.RemovedOn, _ = domain.ParseDate(removed)
		out = append(out, r)
	}
	return out, rows.Err()
}
