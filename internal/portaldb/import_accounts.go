package portaldb

import (
	"context"
	"fmt"
	"slices"

	"kabinet/internal/domain"
)

// BillingAccount is an account as the billing system exports it.
type BillingAccount struct {
	domain.Account
	// Customer is the number of the customer the account belongs to.
	Customer       string
	ContractValues domain.ContractValues
	// Service is what the account is billed for, at Service.TariffID.
	Service domain.Service
	// Payee receives the account's payments; the zero Payee keeps the
	// account's, or for a new account takes the only payee there is.
	Payee domain.Payee
}

// storedAccount is an account as an import compares it.
type storedAccount struct {
	id, customerID, payeeID int64
	a                       BillingAccount
}

// payeeKey identifies a payee: the same organisation's bank account.
type payeeKey struct{ inn, account, bic string }

type payeeRow struct {
	id int64
	p  domain.Payee
}

// Accounts applies a chunk (at most ImportChunk) of the billing system's
// accounts. A new or changed account's data moves its change numbers, so
// the apps see it at their next sync. The subscriptions (e-mailed bills,
// SMS reminders) are the customer's choice and stay as they are.
func (b *BillingImport) Accounts(ctx context.Context, as []BillingAccount) ([]ImportResult, error) {
	out := make([]ImportResult, len(as))
	if len(as) == 0 {
		return out, nil
	}
	if err := b.growCache(ctx); err != nil {
		return nil, err
	}
	if err := b.loadTariffs(ctx); err != nil {
		return nil, err
	}
	if err := b.loadPayees(ctx); err != nil {
		return nil, err
	}
	customers, stored, err := b.accountContext(ctx, as)
	if err != nil {
		return nil, err
	}
	w := b.tx.newRowWriter(len(as))
	// Decide first, then lock the accounts that change and only then take
	// the change number (see lockAccount).
	var changes []accountChange
	var locks []int64
	for i, a := range as {
		customer, ok := customers[a.Customer]
		if !ok {
			out[i].Problem = fmt.Sprintf("клиента %s нет — сначала загрузите клиентов (customers)", a.Customer)
			continue
		}
		if !b.tariffs[a.Service.TariffID] {
			out[i].Problem = fmt.Sprintf("тарифа %q нет — сначала загрузите тарифы (tariffs)", a.Service.TariffID)
			continue
		}
		old := stored[a.Number]
		payee, problem, err := b.payeeFor(ctx, w, a.Payee, old)
		if err != nil {
			return nil, err
		}
		if problem != "" {
			out[i].Problem = problem
			continue
		}
		if old != nil && old.customerID == customer && old.payeeID == payee && sameAccount(old.a, a) {
			continue
		}
		changes = append(changes, accountChange{i, customer, payee, old})
		if old != nil {
			locks = append(locks, old.id)
		}
	}
	if len(changes) == 0 {
		return out, w.flush(ctx)
	}
	if err := w.flush(ctx); err != nil {
		return nil, err
	}
	if err := b.lockAccounts(ctx, locks); err != nil {
		return nil, err
	}
	seq, err := b.tx.nextSeq(ctx)
	if err != nil {
		return nil, err
	}
	return out, b.writeAccounts(ctx, w, as, changes, out, seq)
}

// accountChange is a record of an accounts chunk that changes something.
type accountChange struct {
	i        int // in the chunk
	customer int64
	payee    int64
	old      *storedAccount // nil: a new account
}

// accountContext reads what a chunk of accounts is compared with: the
// ids of their owners, and the accounts as stored.
func (b *BillingImport) accountContext(ctx context.Context, as []BillingAccount) (map[string]int64, map[string]*storedAccount, error) {
	numbers, owners := make([]string, len(as)), make([]string, 0, len(as))
	for i, a := range as {
		numbers[i] = a.Number
		if !slices.Contains(owners, a.Customer) {
			owners = append(owners, a.Customer)
		}
	}
	customers, err := b.customerIDs(ctx, owners)
	if err != nil {
		return nil, nil, err
	}
	stored, err := b.storedAccounts(ctx, numbers)
	return customers, stored, err
}

// writeAccounts stores the changes as change seq: the updates and the
// removal of what they replace first, then the new rows — accounts
// before the services and volumes that name them.
func (b *BillingImport) writeAccounts(ctx context.Context, w *rowWriter, as []BillingAccount, changes []accountChange, out []ImportResult, seq int64) error {
	var err error
	accounts := b.tx.newBulkInsert("accounts", "id", "customer_id", "number", "contract_number", "title", "address", "residents", "area",
		"tariff_group", "point_of_supply", "opened_on", "payee_id", "max_capacity_kw", "voltage_level", "price_category", "norm_per_resident",
		"main_seq", "seq")
	services := b.tx.newBulkInsert("services", "account_id", "name", "unit", "tariff_id", "since")
	volumes := b.tx.newBulkInsert("contract_volumes", "account_id", "period", "volume")
	ids := make([]int64, len(changes))
	for k, c := range changes {
		a := as[c.i]
		cv := a.ContractValues
		if c.old == nil {
			if ids[k], err = w.id(ctx, "accounts"); err != nil {
				return err
			}
			out[c.i].Outcome = Created
			continue
		}
		ids[k] = c.old.id
		out[c.i].Outcome = Updated
		err = w.add(ctx, `UPDATE accounts SET customer_id = ?, contract_number = ?, title = ?, address = ?, residents = ?, area = ?,
				tariff_group = ?, point_of_supply = ?, opened_on = ?, payee_id = ?, max_capacity_kw = ?, voltage_level = ?,
				price_category = ?, norm_per_resident = ?, main_seq = ?, seq = ?
			WHERE id = ?`,
			c.customer, a.ContractNumber, a.Title, a.Address, a.Residents, int64(a.Area), string(a.TariffGroup), a.PointOfSupply,
			a.OpenedOn.String(), c.payee, int64(cv.MaxCapacityKW), cv.VoltageLevel, cv.PriceCategory, int64(cv.NormPerResident),
			seq, seq, ids[k])
		if err == nil {
			err = w.add(ctx, `DELETE FROM services WHERE account_id = ?`, ids[k])
		}
		if err == nil {
			err = w.add(ctx, `DELETE FROM contract_volumes WHERE account_id = ?`, ids[k])
		}
		if err != nil {
			return err
		}
	}
	if err := w.flush(ctx); err != nil {
		return fmt.Errorf("import accounts: %w", err)
	}
	for k, c := range changes {
		if c.old != nil {
			continue
		}
		a := as[c.i]
		cv := a.ContractValues
		if err := accounts.add(ctx, ids[k], c.customer, a.Number, a.ContractNumber, a.Title, a.Address, a.Residents, int64(a.Area),
			string(a.TariffGroup), a.PointOfSupply, a.OpenedOn.String(), c.payee, int64(cv.MaxCapacityKW), cv.VoltageLevel, cv.PriceCategory,
			int64(cv.NormPerResident), seq, seq); err != nil {
			return fmt.Errorf("import accounts: %w", err)
		}
	}
	if err := accounts.flush(ctx); err != nil {
		return fmt.Errorf("import accounts: %w", err)
	}
	for k, c := range changes {
		a := as[c.i]
		sv := a.Service
		if err := services.add(ctx, ids[k], sv.Name, sv.Unit, sv.TariffID, sv.Since.String()); err != nil {
			return fmt.Errorf("import accounts: %w", err)
		}
		for _, v := range a.ContractValues.MonthlyVolumes {
			if err := volumes.add(ctx, ids[k], v.Period.String(), int64(v.Volume)); err != nil {
				return fmt.Errorf("import accounts: %w", err)
			}
		}
	}
	if err := services.flush(ctx); err != nil {
		return fmt.Errorf("import accounts: %w", err)
	}
	if err := volumes.flush(ctx); err != nil {
		return fmt.Errorf("import accounts: %w", err)
	}
	return nil
}

// sameAccount reports whether the stored account s has every field the
// billing system gives as in a (the payee and owner are compared apart).
func sameAccount(s, a BillingAccount) bool {
	sv, av := s.Service, a.Service
	sv.Tariff, av.Tariff = nil, nil
	return s.Account == a.Account && sv == av &&
		s.ContractValues.MaxCapacityKW == a.ContractValues.MaxCapacityKW &&
		s.ContractValues.VoltageLevel == a.ContractValues.VoltageLevel &&
		s.ContractValues.PriceCategory == a.ContractValues.PriceCategory &&
		s.ContractValues.NormPerResident == a.ContractValues.NormPerResident &&
		slices.Equal(s.ContractValues.MonthlyVolumes, a.ContractValues.MonthlyVolumes)
}

func (b *BillingImport) customerIDs(ctx context.Context, numbers []string) (map[string]int64, error) {
	list, args := inList(numbers)
	rows, err := b.tx.QueryContext(ctx, `SELECT id, number FROM customers WHERE number IN (`+list+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("customers: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var id int64
		var n string
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[n] = id
	}
	return out, rows.Err()
}

// storedAccounts reads the accounts with the numbers, their services
// (when an account has several, Service is left empty so that the import
// puts the billing system's one in their place) and contract volumes.
func (b *BillingImport) storedAccounts(ctx context.Context, numbers []string) (map[string]*storedAccount, error) {
	list, args := inList(numbers)
	out := map[string]*storedAccount{}
	byID := map[int64]*storedAccount{}
	services := map[int64]int{}
	err := b.tx.queryAll(ctx,
		batchQuery{statement{`SELECT id, customer_id, payee_id, number, contract_number, title, address, residents, area, tariff_group,
				point_of_supply, opened_on, max_capacity_kw, voltage_level, price_category, norm_per_resident
			FROM accounts WHERE number IN (` + list + `)`, args}, func(rows rowScanner) error {
			for rows.Next() {
				s := &storedAccount{}
				a, cv := &s.a.Account, &s.a.ContractValues
				var opened string
				if err := rows.Scan(&s.id, &s.customerID, &s.payeeID, &a.Number, &a.ContractNumber, &a.Title, &a.Address, &a.Residents,
					&a.Area, &a.TariffGroup, &a.PointOfSupply, &opened, &cv.MaxCapacityKW, &cv.VoltageLevel, &cv.PriceCategory,
					&cv.NormPerResident); err != nil {
					return err
				}
				a.OpenedOn, _ = domain.ParseDate(opened)
				out[a.Number], byID[s.id] = s, s
			}
			return nil
		}},
		batchQuery{statement{`SELECT s.account_id, s.name, s.unit, s.tariff_id, s.since FROM services s JOIN accounts a ON a.id = s.account_id
			WHERE a.number IN (` + list + `) ORDER BY s.id`, args}, func(rows rowScanner) error {
			for rows.Next() {
				var id int64
				var sv domain.Service
				var since string
				if err := rows.Scan(&id, &sv.Name, &sv.Unit, &sv.TariffID, &since); err != nil {
					return err
				}
				sv.Since, _ = domain.ParseDate(since)
				if s := byID[id]; s != nil {
					if services[id]++; services[id] == 1 {
						s.a.Service = sv
					} else {
						s.a.Service = domain.Service{}
					}
				}
			}
			return nil
		}},
		batchQuery{statement{`SELECT v.account_id, v.period, v.volume FROM contract_volumes v JOIN accounts a ON a.id = v.account_id
			WHERE a.number IN (` + list + `) ORDER BY v.account_id, v.period`, args}, func(rows rowScanner) error {
			for rows.Next() {
				var id int64
				var period string
				var vol domain.Decimal
				if err := rows.Scan(&id, &period, &vol); err != nil {
					return err
				}
				p, _ := domain.ParsePeriod(period)
				if s := byID[id]; s != nil {
					s.a.ContractValues.MonthlyVolumes = append(s.a.ContractValues.MonthlyVolumes, domain.ContractVolume{Period: p, Volume: vol})
				}
			}
			return nil
		}},
	)
	if err != nil {
		return nil, fmt.Errorf("accounts: %w", err)
	}
	return out, nil
}

func (b *BillingImport) loadTariffs(ctx context.Context) error {
	if b.tariffs != nil {
		return nil
	}
	b.tariffs = map[string]bool{}
	rows, err := b.tx.QueryContext(ctx, `SELECT id FROM tariffs`)
	if err != nil {
		return fmt.Errorf("tariffs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		b.tariffs[id] = true
	}
	return rows.Err()
}

func (b *BillingImport) loadPayees(ctx context.Context) error {
	if b.payees != nil {
		return nil
	}
	b.payees = map[payeeKey]payeeRow{}
	rows, err := b.tx.QueryContext(ctx, `SELECT id, name, inn, kpp, account, bank_name, bic, corr_account, address, phones, site, email FROM payees`)
	if err != nil {
		return fmt.Errorf("payees: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r payeeRow
		p := &r.p
		if err := rows.Scan(&r.id, &p.Name, &p.INN, &p.KPP, &p.Account, &p.BankName, &p.BIC, &p.CorrAccount, &p.Address, &p.Phones,
			&p.Site, &p.Email); err != nil {
			return err
		}
		b.payees[payeeKey{p.INN, p.Account, p.BIC}] = r
	}
	return rows.Err()
}

// payeeFor returns the payee of an account: p, stored or updated when it
// is new or its details changed (bills issued already keep showing the
// payee as stored now); with the zero p, the account's own, or for a new
// account the only payee there is. A problem says why there is none.
func (b *BillingImport) payeeFor(ctx context.Context, w *rowWriter, p domain.Payee, old *storedAccount) (int64, string, error) {
	if p == (domain.Payee{}) {
		if old != nil {
			return old.payeeID, "", nil
		}
		if len(b.payees) != 1 {
			return 0, "не указан получатель платежей (поля payee_…): в базе их " + map[bool]string{true: "нет", false: "несколько"}[len(b.payees) == 0], nil
		}
		for _, r := range b.payees {
			return r.id, "", nil
		}
	}
	key := payeeKey{p.INN, p.Account, p.BIC}
	r, ok := b.payees[key]
	if ok && r.p == p {
		return r.id, "", nil
	}
	var err error
	if ok {
		err = w.add(ctx, `UPDATE payees SET name = ?, kpp = ?, bank_name = ?, corr_account = ?, address = ?, phones = ?, site = ?, email = ?
			WHERE id = ?`, p.Name, p.KPP, p.BankName, p.CorrAccount, p.Address, p.Phones, p.Site, p.Email, r.id)
	} else {
		if r.id, err = w.id(ctx, "payees"); err != nil {
			return 0, "", err
		}
		err = w.add(ctx, `INSERT INTO payees (id, name, inn, kpp, account, bank_name, bic, corr_account, address, phones, site, email)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.id, p.Name, p.INN, p.KPP, p.Account, p.BankName, p.BIC, p.CorrAccount,
			p.Address, p.Phones, p.Site, p.Email)
	}
	r.p = p
	b.payees[key] = r
	return r.id, "", err
}
