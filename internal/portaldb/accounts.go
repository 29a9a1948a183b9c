package portaldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"kabinet/internal/domain"
)

// AccountRef identifies an account the caller may see, with the numbers of
// its latest changes.
type AccountRef struct {
	ID         int64
	CustomerID int64
	Number     string
	Seq        int64
	MainSeq    int64
}

// AccountRef returns the customer's account with the number, or ErrNotFound
// when there is none or it belongs to somebody else: a customer cannot tell
// another customer's account from a missing one.
func (db *DB) AccountRef(ctx context.Context, customerID int64, number string) (AccountRef, error) {
	var ref AccountRef
	err := db.readOne(ctx, func(tx *Tx) error {
		var err error
		ref, err = tx.AccountRef(ctx, customerID, number)
		return err
	})
	return ref, err
}

// AccountRef is AccountRef inside a transaction.
func (tx *Tx) AccountRef(ctx context.Context, customerID int64, number string) (AccountRef, error) {
	return scanRef(tx.QueryRowContext(ctx, `SELECT id, customer_id, number, seq, main_seq FROM accounts WHERE number = ? AND customer_id = ?`, number, customerID))
}

func scanRef(row *sql.Row) (AccountRef, error) {
	var r AccountRef
	err := row.Scan(&r.ID, &r.CustomerID, &r.Number, &r.Seq, &r.MainSeq)
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	if err != nil {
		return r, fmt.Errorf("account: %w", err)
	}
	return r, nil
}

// Accounts lists the customer's accounts with their balances.
func (tx *Tx) Accounts(ctx context.Context, customerID int64) ([]domain.AccountSummary, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, number, title, address FROM accounts WHERE customer_id = ? ORDER BY number`, customerID)
	if err != nil {
		return nil, fmt.Errorf("accounts: %w", err)
	}
	var ids []int64
	var out []domain.AccountSummary
	for rows.Next() {
		var id int64
		var a domain.AccountSummary
		if err := rows.Scan(&id, &a.Number, &a.Title, &a.Address); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
		out = append(out, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i, id := range ids {
		b, err := tx.balance(ctx, id)
		if err != nil {
			return nil, err
		}
		out[i].Debt = b.Debt
	}
	return out, nil
}

// Document assembles the account's document. With since > 0 it is a delta:
// only what changed after change number since.
func (tx *Tx) Document(ctx context.Context, ref AccountRef, since int64, w domain.SubmissionWindow) (*domain.AccountDocument, error) {
	now := tx.db.now()
	doc := &domain.AccountDocument{
		Delta:       since > 0,
		GeneratedAt: now.UTC(),
		Meters:      []domain.Meter{},
		Readings:    []domain.Reading{},
		Invoices:    []domain.Invoice{},
		Payments:    []domain.Payment{},
	}
	if since == 0 || ref.MainSeq > since {
		if err := tx.mainData(ctx, ref, doc); err != nil {
			return nil, err
		}
	}
	var err error
	if doc.Balance, err = tx.balance(ctx, ref.ID); err != nil {
		return nil, err
	}
	doc.Balance.AsOf = domain.DateOf(now, domain.Moscow)
	if doc.Meters, err = tx.meters(ctx, ref.ID, w); err != nil {
		return nil, err
	}
	if doc.Readings, err = tx.readings(ctx, `m.account_id = ? AND r.seq > ?`, ref.ID, since); err != nil {
		return nil, err
	}
	if doc.Invoices, err = tx.invoices(ctx, ref.ID, since); err != nil {
		return nil, err
	}
	if doc.Payments, err = tx.payments(ctx, ref.ID, since); err != nil {
		return nil, err
	}
	return doc, nil
}

func (tx *Tx) mainData(ctx context.Context, ref AccountRef, doc *domain.AccountDocument) error {
	var a domain.Account
	var cv domain.ContractValues
	var sub domain.Subscriptions
	var opened string
	var area, capacity, norm int64
	err := tx.QueryRowContext(ctx, `SELECT number, contract_number, title, address, residents, area, tariff_group,
			point_of_supply, opened_on, max_capacity_kw, voltage_level, price_category, norm_per_resident,
			email_bills, sms_reminders, email_reminders
		FROM accounts WHERE id = ?`, ref.ID).Scan(&a.Number, &a.ContractNumber, &a.Title, &a.Address, &a.Residents,
		&area, &a.TariffGroup, &a.PointOfSupply, &opened, &capacity, &cv.VoltageLevel, &cv.PriceCategory, &norm,
		&sub.EmailBills, &sub.SMSReminders, &sub.EmailReminders)
	if err != nil {
		return fmt.Errorf("account %d: %w", ref.ID, err)
	}
	a.Area, cv.MaxCapacityKW, cv.NormPerResident = domain.Decimal(area), domain.Decimal(capacity), domain.Decimal(norm)
	a.OpenedOn, _ = domain.ParseDate(opened)
	cv.Residents = a.Residents
	cust, err := tx.CustomerByID(ctx, ref.CustomerID)
	if err != nil {
		return err
	}
	sub.Email = cust.Email
	doc.Account, doc.Customer, doc.Subscriptions = &a, &cust.Customer, &sub
	rows, err := tx.QueryContext(ctx, `SELECT period, volume FROM contract_volumes WHERE account_id = ? ORDER BY period`, ref.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var p string
		var v int64
		if err := rows.Scan(&p, &v); err != nil {
			rows.Close()
			return err
		}
		per, _ := domain.ParsePeriod(p)
		cv.MonthlyVolumes = append(cv.MonthlyVolumes, domain.ContractVolume{Period: per, Volume: domain.Decimal(v)})
	}
	rows.Close()
	doc.ContractValues = &cv
	doc.Services, err = tx.services(ctx, ref.ID)
	return err
}

func (tx *Tx) services(ctx context.Context, accountID int64) ([]domain.Service, error) {
	rows, err := tx.QueryContext(ctx, `SELECT name, unit, tariff_id, since FROM services WHERE account_id = ? ORDER BY id`, accountID)
	if err != nil {
		return nil, fmt.Errorf("services: %w", err)
	}
	var out []domain.Service
	for rows.Next() {
		var s domain.Service
		var since string
		if err := rows.Scan(&s.Name, &s.Unit, &s.TariffID, &since); err != nil {
			rows.Close()
			return nil, err
		}
		s.Since, _ = domain.ParseDate(since)
		out = append(out, s)
	}
	rows.Close()
	for i := range out {
		t, err := tx.Tariff(ctx, out[i].TariffID)
		if err != nil {
			return nil, err
		}
		out[i].Tariff = t
	}
	return out, rows.Err()
}

// tariffColumns are a tariff's (t) with one of its prices (p, NULL when
// it has none).
const tariffColumns = `t.id, t.name, t.zones, t.grp, p.valid_from, p.tier, p.up_to_kwh, p.zone, p.price_kop`

// Tariff returns a tariff with all its rates.
func (tx *Tx) Tariff(ctx context.Context, id string) (*domain.Tariff, error) {
	t, err := scanTariff(tx.QueryContext(ctx, `SELECT `+tariffColumns+` FROM tariffs t LEFT JOIN tariff_prices p ON p.tariff_id = t.id
		WHERE t.id = ? ORDER BY p.valid_from, p.tier, p.zone`, id))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("tariff %s: %w", id, err)
	}
	return t, err
}

// scanTariff reads a tariff from rows of tariffColumns, in the order of its
// rates, tiers and zones.
func scanTariff(rows *sql.Rows, err error) (*domain.Tariff, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return readTariff(rows)
}

// readTariff reads the rows of scanTariff; ErrNotFound when there are none.
func readTariff(rows rowScanner) (*domain.Tariff, error) {
	var t *domain.Tariff
	for rows.Next() {
		var id, name, grp string
		var zones int
		var from, zone sql.NullString
		var tier, upTo, price sql.NullInt64
		if err := rows.Scan(&id, &name, &zones, &grp, &from, &tier, &upTo, &zone, &price); err != nil {
			return nil, err
		}
		if t == nil {
			t = &domain.Tariff{ID: id, Name: name, Zones: zones, Group: domain.TariffGroup(grp)}
		}
		if !from.Valid {
			continue
		}
		d, _ := domain.ParseDate(from.String)
		if n := len(t.Rates); n == 0 || t.Rates[n-1].ValidFrom != d {
			t.Rates = append(t.Rates, domain.Rate{ValidFrom: d})
		}
		r := &t.Rates[len(t.Rates)-1]
		for int64(len(r.Tiers)) < tier.Int64 {
			r.Tiers = append(r.Tiers, domain.Tier{Prices: map[domain.Zone]domain.Kopecks{}})
		}
		r.Tiers[tier.Int64-1].UpTo = upTo.Int64
		r.Tiers[tier.Int64-1].Prices[domain.Zone(zone.String)] = domain.Kopecks(price.Int64)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if t == nil {
		return nil, ErrNotFound
	}
	return t, nil
}

// ElectricityTariff returns the tariff the account's electricity is billed at.
func (tx *Tx) ElectricityTariff(ctx context.Context, accountID int64) (*domain.Tariff, error) {
	t, err := scanTariff(tx.QueryContext(ctx, `SELECT `+tariffColumns+` FROM tariffs t LEFT JOIN tariff_prices p ON p.tariff_id = t.id
		WHERE t.id = (SELECT tariff_id FROM services WHERE account_id = ? ORDER BY id LIMIT 1) ORDER BY p.valid_from, p.tier, p.zone`, accountID))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("electricity tariff: %w", err)
	}
	return t, err
}

// balance: the latest invoice's total less what was credited after it was
// issued.
func (tx *Tx) balance(ctx context.Context, accountID int64) (domain.Balance, error) {
	var b domain.Balance
	var total int64
	var issued, due string
	err := tx.QueryRowContext(ctx, `SELECT total_due, issued_on, due_on FROM invoices WHERE account_id = ? ORDER BY period DESC LIMIT 1`, accountID).
		Scan(&total, &issued, &due)
	if errors.Is(err, sql.ErrNoRows) {
		return b, nil
	}
	if err != nil {
		return b, fmt.Errorf("balance: %w", err)
	}
	var paid int64
	if err := tx.QueryRowContext(ctx, `SELECT CAST(coalesce(sum(amount), 0) AS BIGINT) FROM payments WHERE account_id = ? AND status = 'credited' AND paid_on >= ?`,
		accountID, issued).Scan(&paid); err != nil {
		return b, fmt.Errorf("balance: %w", err)
	}
	b.Debt = domain.Kopecks(total - paid)
	b.Due = max(0, b.Debt)
	if b.Due > 0 {
		b.DueOn, _ = domain.ParseDate(due)
	}
	return b, nil
}

func (tx *Tx) invoices(ctx context.Context, accountID, since int64) ([]domain.Invoice, error) {
	rows, err := tx.QueryContext(ctx, `SELECT i.id, i.number, i.period, i.issued_on, i.due_on, i.brought_forward, i.penalties,
			i.paid_in_period, i.charged, i.total_due,
			p.name, p.inn, p.kpp, p.account, p.bank_name, p.bic, p.corr_account, p.address, p.phones, p.site, p.email
		FROM invoices i JOIN accounts a ON a.id = i.account_id JOIN payees p ON p.id = a.payee_id
		WHERE i.account_id = ? AND i.seq > ? ORDER BY i.period DESC`, accountID, since)
	if err != nil {
		return nil, fmt.Errorf("invoices: %w", err)
	}
	out := []domain.Invoice{}
	index := map[int64]int{}
	for rows.Next() {
		var inv domain.Invoice
		var id int64
		var period, issued, due string
		p := &inv.Payee
		if err := rows.Scan(&id, &inv.Number, &period, &issued, &due, &inv.BroughtForward, &inv.Penalties, &inv.PaidInPeriod,
			&inv.Charged, &inv.TotalDue, &p.Name, &p.INN, &p.KPP, &p.Account, &p.BankName, &p.BIC, &p.CorrAccount,
			&p.Address, &p.Phones, &p.Site, &p.Email); err != nil {
			rows.Close()
			return nil, err
		}
		inv.ID = strconv.FormatInt(id, 10)
		inv.Period, _ = domain.ParsePeriod(period)
		inv.IssuedOn, _ = domain.ParseDate(issued)
		inv.DueOn, _ = domain.ParseDate(due)
		inv.Lines = []domain.InvoiceLine{}
		index[id] = len(out)
		out = append(out, inv)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	rows, err = tx.QueryContext(ctx, `SELECT l.invoice_id, l.service, l.zone, l.meter_serial, l.previous, l.current, l.volume, l.unit, l.price, l.amount
		FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id
		WHERE i.account_id = ? AND i.seq > ? ORDER BY l.invoice_id, l.line_no`, accountID, since)
	if err != nil {
		return nil, fmt.Errorf("invoice lines: %w", err)
	}
	for rows.Next() {
		var id int64
		var l domain.InvoiceLine
		if err := rows.Scan(&id, &l.Service, &l.Zone, &l.MeterSerial, &l.Previous, &l.Current, &l.Volume, &l.Unit, &l.Price, &l.Amount); err != nil {
			rows.Close()
			return nil, err
		}
		inv := &out[index[id]]
		inv.Lines = append(inv.Lines, l)
	}
	rows.Close()
	rows, err = tx.QueryContext(ctx, `SELECT r.invoice_id, r.reason, r.amount FROM recalculations r JOIN invoices i ON i.id = r.invoice_id
		WHERE i.account_id = ? AND i.seq > ? ORDER BY r.invoice_id, r.line_no`, accountID, since)
	if err != nil {
		return nil, fmt.Errorf("recalculations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var r domain.Recalculation
		if err := rows.Scan(&id, &r.Reason, &r.Amount); err != nil {
			return nil, err
		}
		inv := &out[index[id]]
		inv.Recalculations = append(inv.Recalculations, r)
	}
	// Zone names depend on how many zones the lines of a service have.
	for i := range out {
		distinct := map[domain.Zone]bool{}
		for _, l := range out[i].Lines {
			if l.Zone != "" {
				distinct[l.Zone] = true
			}
		}
		zones := len(distinct)
		for j := range out[i].Lines {
			if z := out[i].Lines[j].Zone; z != "" {
				out[i].Lines[j].ZoneName = domain.ZoneName(z, zones)
			}
		}
	}
	return out, rows.Err()
}

func (tx *Tx) payments(ctx context.Context, accountID, since int64) ([]domain.Payment, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, paid_on, amount, channel, status FROM payments WHERE account_id = ? AND seq > ? ORDER BY paid_on DESC, id DESC`, accountID, since)
	if err != nil {
		return nil, fmt.Errorf("payments: %w", err)
	}
	defer rows.Close()
	out := []domain.Payment{}
	for rows.Next() {
		var p domain.Payment
		var id int64
		var paid string
		if err := rows.Scan(&id, &paid, &p.Amount, &p.Channel, &p.Status); err != nil {
			return nil, err
		}
		p.ID = strconv.FormatInt(id, 10)
		p.PaidOn, _ = domain.ParseDate(paid)
		out = append(out, p)
	}
	return out, rows.Err()
}
