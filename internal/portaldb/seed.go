package portaldb

import (
	"context"
	"database/sql"
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

// LoadSeed writes s in one transaction, as one change: every row of the
// seed has its number. The rows go in batches (rowWriter), so a seed of a
// few hundred thousand accounts takes minutes, not hours, on PostgreSQL.
func (db *DB) LoadSeed(ctx context.Context, s *Seed) error {
	return db.Write(ctx, func(tx *Tx) error {
		seq, err := tx.nextSeq(ctx)
		if err != nil {
			return err
		}
		w := tx.newRowWriter(seedAhead)
		p := s.Payee
		payeeID, err := w.id(ctx, "payees")
		if err != nil {
			return err
		}
		if err := w.add(ctx, `INSERT INTO payees (id, name, inn, kpp, account, bank_name, bic, corr_account, address, phones, site, email)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, payeeID, p.Name, p.INN, p.KPP, p.Account, p.BankName, p.BIC, p.CorrAccount,
			p.Address, p.Phones, p.Site, p.Email); err != nil {
			return fmt.Errorf("seed payee: %w", err)
		}
		for _, t := range s.Tariffs {
			if err := w.insertTariff(ctx, t); err != nil {
				return fmt.Errorf("seed tariff %s: %w", t.ID, err)
			}
		}
		for _, c := range s.Customers {
			if err := w.insertCustomer(ctx, c, payeeID, seq); err != nil {
				return fmt.Errorf("seed customer %s: %w", c.Number, err)
			}
		}
		for _, n := range s.News {
			if err := w.add(ctx, `INSERT INTO news (published_on, title, body) VALUES (?, ?, ?)`, n.PublishedOn.String(), n.Title, n.Body); err != nil {
				return fmt.Errorf("seed news: %w", err)
			}
		}
		for i, a := range s.About {
			if err := w.add(ctx, `INSERT INTO about (id, position, title, body) VALUES (?, ?, ?, ?)`, a.ID, i, a.Title, a.Body); err != nil {
				return fmt.Errorf("seed about: %w", err)
			}
		}
		for i, o := range s.Offices {
			hours, _ := json.Marshal(o.Hours)
			phones, _ := json.Marshal(o.Phones)
			if err := w.add(ctx, `INSERT INTO offices (id, position, name, address, hours, phones, email) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				o.ID, i, o.Name, o.Address, string(hours), string(phones), o.Email); err != nil {
				return fmt.Errorf("seed office: %w", err)
			}
		}
		for i, f := range s.FAQ {
			if err := w.add(ctx, `INSERT INTO faq (id, position, question, answer) VALUES (?, ?, ?, ?)`, f.ID, i, f.Question, f.Answer); err != nil {
				return fmt.Errorf("seed faq: %w", err)
			}
		}
		if err := w.flush(ctx); err != nil {
			return fmt.Errorf("seed: %w", err)
		}
		return nil
	})
}

// seedAhead is how many ids of a table a seed reserves at once.
const seedAhead = 1000

func (w *rowWriter) insertTariff(ctx context.Context, t domain.Tariff) error {
	if err := w.add(ctx, `INSERT INTO tariffs (id, name, zones, grp) VALUES (?, ?, ?, ?)`, t.ID, t.Name, t.Zones, string(t.Group)); err != nil {
		return err
	}
	return w.insertPrices(ctx, t)
}

// insertPrices queues the rows of every price of the tariff.
func (w *rowWriter) insertPrices(ctx context.Context, t domain.Tariff) error {
	for _, r := range t.Rates {
		for i, tier := range r.Tiers {
			for z, price := range tier.Prices {
				if err := w.add(ctx, `INSERT INTO tariff_prices (tariff_id, valid_from, tier, up_to_kwh, zone, price_kop) VALUES (?, ?, ?, ?, ?, ?)`,
					t.ID, r.ValidFrom.String(), i+1, tier.UpTo, string(z), int64(price)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (w *rowWriter) insertCustomer(ctx context.Context, c SeedCustomer, payeeID, seq int64) error {
	now := w.tx.db.now().Unix()
	custID, err := w.id(ctx, "customers")
	if err != nil {
		return err
	}
	if err := w.add(ctx, `INSERT INTO customers (id, number, kind, full_name, birth_date, inn, phone, email, password_hash, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, custID, c.Number, string(c.Kind), c.FullName, c.BirthDate.String(), c.INN, c.Phone, c.Email,
		c.PasswordHash, now); err != nil {
		return err
	}
	for _, a := range c.Accounts {
		if err := w.insertAccount(ctx, custID, payeeID, seq, a); err != nil {
			return fmt.Errorf("account %s: %w", a.Number, err)
		}
	}
	for _, q := range c.Questions {
		// The dates the seed gives are kept, so a demo question is not
		// asked and answered in the same second.
		asked := sql.NullInt64{Int64: now, Valid: true}
		if t, err := time.Parse(time.RFC3339, q.AskedAt); err == nil {
			asked.Int64 = t.Unix()
		}
		var answered sql.NullInt64
		if q.Answer != "" {
			answered = sql.NullInt64{Int64: now, Valid: true}
		}
		if t, err := time.Parse(time.RFC3339, q.AnsweredAt); err == nil {
			answered = sql.NullInt64{Int64: t.Unix(), Valid: true}
		}
		if err := w.add(ctx, `INSERT INTO questions (customer_id, account, topic, text, asked_at, answer, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			custID, q.Account, q.Topic, q.Text, asked.Int64, q.Answer, answered); err != nil {
			return err
		}
	}
	return nil
}

func (w *rowWriter) insertAccount(ctx context.Context, custID, payeeID, seq int64, a SeedAccount) error {
	cv := a.ContractValues
	accID, err := w.id(ctx, "accounts")
	if err != nil {
		return err
	}
	if err := w.add(ctx, `INSERT INTO accounts (id, customer_id, number, contract_number, title, address, residents, area,
			tariff_group, point_of_supply, opened_on, payee_id, max_capacity_kw, voltage_level, price_category, norm_per_resident,
			email_bills, sms_reminders, email_reminders, main_seq, seq)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		accID, custID, a.Number, a.ContractNumber, a.Title, a.Address, a.Residents, int64(a.Area), string(a.TariffGroup), a.PointOfSupply,
		a.OpenedOn.String(), payeeID, int64(cv.MaxCapacityKW), cv.VoltageLevel, cv.PriceCategory, int64(cv.NormPerResident),
		a.Subscriptions.EmailBills, a.Subscriptions.SMSReminders, a.Subscriptions.EmailReminders, seq, seq); err != nil {
		return err
	}
	for _, v := range cv.MonthlyVolumes {
		if err := w.add(ctx, `INSERT INTO contract_volumes (account_id, period, volume) VALUES (?, ?, ?)`, accID, v.Period.String(), int64(v.Volume)); err != nil {
			return err
		}
	}
	for _, s := range a.Services {
		if err := w.add(ctx, `INSERT INTO services (account_id, name, unit, tariff_id, since) VALUES (?, ?, ?, ?, ?)`,
			accID, s.Name, s.Unit, s.TariffID, s.Since.String()); err != nil {
			return err
		}
	}
	meterIDs := make([]int64, len(a.Meters))
	for i, m := range a.Meters {
		if meterIDs[i], err = w.id(ctx, "meters"); err != nil {
			return err
		}
		if err := w.add(ctx, `INSERT INTO meters (id, account_id, serial, model, place, installed_on, digits, fraction_digits, zones,
				verified_on, verification_years, removed_on, seq)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			meterIDs[i], accID, m.Serial, m.Model, m.Place, m.InstalledOn.String(), m.Digits, m.FractionDigits, m.ZoneCount, m.VerifiedOn.String(),
			m.VerificationYears, m.RemovedOn.String(), seq); err != nil {
			return err
		}
		for _, r := range m.Readings {
			if err := w.insertSeedReading(ctx, meterIDs[i], seq, r); err != nil {
				return err
			}
		}
	}
	for i, m := range a.Meters {
		if m.ReplacedBy > 0 {
			if err := w.add(ctx, `UPDATE meters SET replaced_by = ? WHERE id = ?`, meterIDs[m.ReplacedBy], meterIDs[i]); err != nil {
				return err
			}
		}
	}
	for _, inv := range a.Invoices {
		if _, err := w.insertInvoice(ctx, accID, seq, inv); err != nil {
			return err
		}
	}
	for _, p := range a.Payments {
		if err := w.add(ctx, `INSERT INTO payments (account_id, paid_on, amount, channel, status, seq) VALUES (?, ?, ?, ?, ?, ?)`,
			accID, p.PaidOn.String(), int64(p.Amount), p.Channel, string(p.Status), seq); err != nil {
			return err
		}
	}
	return nil
}

func (w *rowWriter) insertSeedReading(ctx context.Context, meterID, seq int64, r domain.Reading) error {
	status := r.Status
	if status == "" {
		status = domain.StatusAccepted
	}
	id, err := w.id(ctx, "readings")
	if err != nil {
		return err
	}
	if err := w.add(ctx, `INSERT INTO readings (id, meter_id, period, taken_on, source, status, submitted_at, seq)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, id, meterID, r.Period.String(), r.TakenOn.String(), string(r.Source), string(status),
		r.TakenOn.Time(domain.Moscow).Unix(), seq); err != nil {
		return err
	}
	for z, v := range r.Values {
		if err := w.add(ctx, `INSERT INTO reading_values (reading_id, zone, value, consumption, rollover) VALUES (?, ?, ?, ?, ?)`,
			id, string(z), int64(v), int64(r.Consumption[z]), r.Rollover[z]); err != nil {
			return err
		}
	}
	return nil
}

// MeterID parses a meter id as the API writes it.
func MeterID(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) }
