package portaldb

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"kabinet/internal/domain"
)

// Seed is a whole data set to load into an empty database: the demo, or a
// test's fixture. The billing system of a real supplier would feed the same
// tables.
type Seed struct {
	Payee     domain.Payee
	Tariffs   []domain.Tariff
	Customers []SeedCustomer
	News      []domain.News
	About     []domain.AboutSection
	Offices   []domain.Office
	FAQ       []domain.FAQ
}

// SeedCustomer is a customer with a password hash and accounts.
type SeedCustomer struct {
	domain.Customer
	PasswordHash string
	Accounts     []SeedAccount
	Questions    []domain.Question
}

// SeedAccount is an account with everything on it.
type SeedAccount struct {
	domain.Account
	Services       []domain.Service
	ContractValues domain.ContractValues
	Subscriptions  domain.Subscriptions
	Meters         []SeedMeter
	Invoices       []domain.Invoice
	Payments       []domain.Payment
}

// SeedMeter is a meter with its readings. ReplacedBy, when set, is the
// index of the replacing meter in the account's Meters.
type SeedMeter struct {
	domain.Meter
	ZoneCount  int
	ReplacedBy int
	Readings   []domain.Reading
}

// LoadSeed writes s in one transaction.
func (db *DB) LoadSeed(ctx context.Context, s *Seed) error {
	return db.Write(ctx, func(tx *Tx) error {
		seq, err := tx.nextSeq(ctx)
		if err != nil {
			return err
		}
		p := s.Payee
		var payeeID int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO payees (name, inn, kpp, account, bank_name, bic, corr_account, address, phones, site, email)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, p.Name, p.INN, p.KPP, p.Account, p.BankName, p.BIC, p.CorrAccount,
			p.Address, p.Phones, p.Site, p.Email).Scan(&payeeID); err != nil {
			return fmt.Errorf("seed payee: %w", err)
		}
		for _, t := range s.Tariffs {
			if err := tx.insertTariff(ctx, t); err != nil {
				return err
			}
		}
		for _, c := range s.Customers {
			if err := tx.insertCustomer(ctx, c, payeeID, seq); err != nil {
				return fmt.Errorf("seed customer %s: %w", c.Number, err)
			}
		}
		for _, n := range s.News {
			if _, err := tx.ExecContext(ctx, `INSERT INTO news (published_on, title, body) VALUES (?, ?, ?)`, n.PublishedOn.String(), n.Title, n.Body); err != nil {
				return fmt.Errorf("seed news: %w", err)
			}
		}
		for i, a := range s.About {
			if _, err := tx.ExecContext(ctx, `INSERT INTO about (id, position, title, body) VALUES (?, ?, ?, ?)`, a.ID, i, a.Title, a.Body); err != nil {
				return fmt.Errorf("seed about: %w", err)
			}
		}
		for i, o := range s.Offices {
			hours, _ := json.Marshal(o.Hours)
			phones, _ := json.Marshal(o.Phones)
			if _, err := tx.ExecContext(ctx, `INSERT INTO offices (id, position, name, address, hours, phones, email) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				o.ID, i, o.Name, o.Address, string(hours), string(phones), o.Email); err != nil {
				return fmt.Errorf("seed office: %w", err)
			}
		}
		for i, f := range s.FAQ {
			if _, err := tx.ExecContext(ctx, `INSERT INTO faq (id, position, question, answer) VALUES (?, ?, ?, ?)`, f.ID, i, f.Question, f.Answer); err != nil {
				return fmt.Errorf("seed faq: %w", err)
			}
		}
		return nil
	})
}

func (tx *Tx) insertTariff(ctx context.Context, t domain.Tariff) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO tariffs (id, name, zones, grp) VALUES (?, ?, ?, ?)`, t.ID, t.Name, t.Zones, t.Group); err != nil {
		return fmt.Errorf("seed tariff %s: %w", t.ID, err)
	}
	for _, r := range t.Rates {
		for i, tier := range r.Tiers {
			for z, price := range tier.Prices {
				if _, err := tx.ExecContext(ctx, `INSERT INTO tariff_prices (tariff_id, valid_from, tier, up_to_kwh, zone, price_kop) VALUES (?, ?, ?, ?, ?, ?)`,
					t.ID, r.ValidFrom.String(), i+1, tier.UpTo, z, price); err != nil {
					return fmt.Errorf("seed tariff %s price: %w", t.ID, err)
				}
			}
		}
	}
	return nil
}

func (tx *Tx) insertCustomer(ctx context.Context, c SeedCustomer, payeeID, seq int64) error {
	var custID int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO customers (number, kind, full_name, birth_date, inn, phone, email, password_hash, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, c.Number, c.Kind, c.FullName, c.BirthDate.String(), c.INN, c.Phone, c.Email,
		c.PasswordHash, tx.db.now().Unix()).Scan(&custID); err != nil {
		return err
	}
	for _, a := range c.Accounts {
		if err := tx.insertAccount(ctx, custID, payeeID, seq, a); err != nil {
			return fmt.Errorf("account %s: %w", a.Number, err)
		}
	}
	for _, q := range c.Questions {
		stored, err := tx.InsertQuestion(ctx, custID, q)
		if err != nil {
			return err
		}
		if q.Answer != "" {
			if err := tx.AnswerQuestion(ctx, stored.ID, q.Answer); err != nil {
				return err
			}
		}
		// Keep the dates the seed gives, so a demo question is not asked and
		// answered in the same second.
		for col, v := range map[string]string{"asked_at": q.AskedAt, "answered_at": q.AnsweredAt} {
			if t, err := time.Parse(time.RFC3339, v); err == nil {
				if _, err := tx.ExecContext(ctx, `UPDATE questions SET `+col+` = ? WHERE id = ?`, t.Unix(), stored.ID); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (tx *Tx) insertAccount(ctx context.Context, custID, payeeID, seq int64, a SeedAccount) error {
	cv := a.ContractValues
	var accID int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO accounts (customer_id, number, contract_number, title, address, residents, area,
			tariff_group, point_of_supply, opened_on, payee_id, max_capacity_kw, voltage_level, price_category, norm_per_resident,
			email_bills, sms_reminders, main_seq, seq)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		custID, a.Number, a.ContractNumber, a.Title, a.Address, a.Residents, a.Area, a.TariffGroup, a.PointOfSupply,
		a.OpenedOn.String(), payeeID, cv.MaxCapacityKW, cv.VoltageLevel, cv.PriceCategory, cv.NormPerResident,
		a.Subscriptions.EmailBills, a.Subscriptions.SMSReminders, seq, seq).Scan(&accID); err != nil {
		return err
	}
	for _, v := range cv.MonthlyVolumes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO contract_volumes (account_id, period, volume) VALUES (?, ?, ?)`, accID, v.Period.String(), v.Volume); err != nil {
			return err
		}
	}
	for _, s := range a.Services {
		if _, err := tx.ExecContext(ctx, `INSERT INTO services (account_id, name, unit, tariff_id, since) VALUES (?, ?, ?, ?, ?)`,
			accID, s.Name, s.Unit, s.TariffID, s.Since.String()); err != nil {
			return err
		}
	}
	meterIDs := make([]int64, len(a.Meters))
	for i, m := range a.Meters {
		if err := tx.QueryRowContext(ctx, `INSERT INTO meters (account_id, serial, model, place, installed_on, digits, fraction_digits, zones,
				verified_on, verification_years, removed_on, seq)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			accID, m.Serial, m.Model, m.Place, m.InstalledOn.String(), m.Digits, m.FractionDigits, m.ZoneCount, m.VerifiedOn.String(),
			m.VerificationYears, m.RemovedOn.String(), seq).Scan(&meterIDs[i]); err != nil {
			return err
		}
		for _, r := range m.Readings {
			if err := tx.insertSeedReading(ctx, meterIDs[i], seq, r); err != nil {
				return err
			}
		}
	}
	for i, m := range a.Meters {
		if m.ReplacedBy > 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE meters SET replaced_by = ? WHERE id = ?`, meterIDs[m.ReplacedBy], meterIDs[i]); err != nil {
				return err
			}
		}
	}
	for _, inv := range a.Invoices {
		if err := tx.InsertInvoice(ctx, accID, inv); err != nil {
			return err
		}
	}
	for _, p := range a.Payments {
		if _, err := tx.ExecContext(ctx, `INSERT INTO payments (account_id, paid_on, amount, channel, status, seq) VALUES (?, ?, ?, ?, ?, ?)`,
			accID, p.PaidOn.String(), p.Amount, p.Channel, p.Status, seq); err != nil {
			return err
		}
	}
	return nil
}

func (tx *Tx) insertSeedReading(ctx context.Context, meterID, seq int64, r domain.Reading) error {
	status := r.Status
	if status == "" {
		status = domain.StatusAccepted
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO readings (meter_id, period, taken_on, source, status, submitted_at, seq)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, meterID, r.Period.String(), r.TakenOn.String(), r.Source, status,
		r.TakenOn.Time(domain.Moscow).Unix(), seq).Scan(&id); err != nil {
		return err
	}
	for z, v := range r.Values {
		if _, err := tx.ExecContext(ctx, `INSERT INTO reading_values (reading_id, zone, value, consumption, rollover) VALUES (?, ?, ?, ?, ?)`,
			id, z, v, r.Consumption[z], r.Rollover[z]); err != nil {
			return err
		}
	}
	return nil
}

// InsertInvoice stores an issued invoice with its lines.
func (tx *Tx) InsertInvoice(ctx context.Context, accountID int64, inv domain.Invoice) error {
	seq, err := tx.nextSeq(ctx)
	if err != nil {
		return err
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO invoices (account_id, number, period, issued_on, due_on, brought_forward, penalties,
			paid_in_period, charged, total_due, seq)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, accountID, inv.Number, inv.Period.String(), inv.IssuedOn.String(),
		inv.DueOn.String(), inv.BroughtForward, inv.Penalties, inv.PaidInPeriod, inv.Charged, inv.TotalDue, seq).Scan(&id); err != nil {
		return fmt.Errorf("invoice %s: %w", inv.Period, err)
	}
	for i, l := range inv.Lines {
		if _, err := tx.ExecContext(ctx, `INSERT INTO invoice_lines (invoice_id, line_no, service, zone, meter_serial, previous, current, volume, unit, price, amount)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, i+1, l.Service, l.Zone, l.MeterSerial, l.Previous, l.Current, l.Volume, l.Unit, l.Price, l.Amount); err != nil {
			return err
		}
	}
	for i, r := range inv.Recalculations {
		if _, err := tx.ExecContext(ctx, `INSERT INTO recalculations (invoice_id, line_no, reason, amount) VALUES (?, ?, ?, ?)`, id, i+1, r.Reason, r.Amount); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, `UPDATE accounts SET seq = ? WHERE id = ?`, seq, accountID)
	return err
}

// MeterID parses a meter id as the API writes it.
func MeterID(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) }
