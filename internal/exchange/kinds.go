package exchange

import (
	"context"
	"fmt"
	"strings"
	"time"

	"kabinet/internal/domain"
	"kabinet/internal/portaldb"
)

// specs are the kinds of billing files.
var specs = map[Kind]*kindSpec{
	KindCustomers: {
		columns: []string{"number", "kind", "full_name", "birth_date", "inn", "phone", "email"},
		csv:     true,
		parse:   parseCustomer,
		key:     func(v any) string { return v.(domain.Customer).Number },
		dup:     "клиент с этим номером уже есть в строке %d",
		apply: func(ctx context.Context, imp *portaldb.BillingImport, vals []any, _ *ImportReport) ([]portaldb.ImportResult, error) {
			return imp.Customers(ctx, values[domain.Customer](vals))
		},
		finish: flagMissing,
	},
	KindAccounts: {
		columns: accountColumns,
		csv:     true,
		parse:   parseAccount,
		key:     func(v any) string { return v.(portaldb.BillingAccount).Number },
		dup:     "лицевой счёт с этим номером уже есть в строке %d",
		apply: func(ctx context.Context, imp *portaldb.BillingImport, vals []any, _ *ImportReport) ([]portaldb.ImportResult, error) {
			return imp.Accounts(ctx, values[portaldb.BillingAccount](vals))
		},
	},
	KindMeters: {
		columns: []string{"account", "serial", "model", "place", "installed_on", "digits", "fraction_digits", "zones",
			"verified_on", "verification_years", "removed_on", "replaces"},
		csv:   true,
		parse: parseMeter,
		key: func(v any) string {
			m := v.(portaldb.BillingMeter)
			return m.Account + " " + m.Meter.Serial
		},
		dup: "этот счётчик на этом лицевом счёте уже есть в строке %d",
		apply: func(ctx context.Context, imp *portaldb.BillingImport, vals []any, _ *ImportReport) ([]portaldb.ImportResult, error) {
			return imp.Meters(ctx, values[portaldb.BillingMeter](vals))
		},
	},
	KindTariffs:  tariffSpec,
	KindPayments: paymentSpec,
	KindInvoices: invoiceSpec,
}

// values converts a chunk's values to their type.
func values[T any](vals []any) []T {
	out := make([]T, len(vals))
	for i, v := range vals {
		out[i] = v.(T)
	}
	return out
}

func parseCustomer(r *record) any {
	c := domain.Customer{
		Number:   r.number("number", "номер клиента"),
		Kind:     domain.CustomerKind(r.oneOf("kind", "физическое или юридическое лицо", "", "individual", "legal")),
		FullName: r.need("full_name", "ФИО или название организации"),
		INN:      r.text("inn"),
		Email:    r.text("email"),
	}
	if c.Kind == "" {
		r.fail("не указано поле kind (individual — физическое лицо, legal — юридическое)")
	}
	c.BirthDate = r.date("birth_date", "дата рождения", false)
	if !c.BirthDate.IsZero() {
		if c.Kind == domain.LegalEntity {
			r.fail("birth_date: у юридического лица нет даты рождения")
		} else if c.BirthDate.Year < 1900 || c.BirthDate.Time(time.UTC).After(time.Now()) {
			r.fail("birth_date: %s — такой даты рождения не бывает", c.BirthDate.Russian())
		}
	}
	if c.INN != "" && (!domain.IsDigits(c.INN) || len(c.INN) != 10 && len(c.INN) != 12) {
		r.fail("inn: %q — ИНН состоит из 10 (организация) или 12 (человек, ИП) цифр", c.INN)
	}
	if p := r.text("phone"); p != "" {
		phone, err := domain.NormalizePhone(p)
		if err != nil {
			r.fail("phone: %q — нужен российский мобильный номер, например +7 912 345-67-89 (на него придут SMS), или пустое поле", p)
		}
		c.Phone = phone
	}
	if c.Email != "" && (strings.Count(c.Email, "@") != 1 || strings.ContainsAny(c.Email, " ;,") ||
		strings.HasPrefix(c.Email, "@") || !strings.Contains(c.Email[strings.Index(c.Email, "@"):], ".")) {
		r.fail("email: %q — это не адрес электронной почты", c.Email)
	}
	return c
}

// flagMissing marks the customers a customers file — the billing system's
// full list — did not have.
func flagMissing(ctx context.Context, r *run) error {
	missing, err := r.imp.FlagMissingCustomers(ctx, r.seen)
	if err != nil {
		return err
	}
	r.report.Flagged, r.report.Missing = len(missing), missing
	return nil
}

var accountColumns = []string{"number", "customer", "contract_number", "title", "address", "residents", "area", "tariff_group",
	"point_of_supply", "opened_on", "max_capacity_kw", "voltage_level", "price_category", "norm_per_resident", "monthly_volumes",
	"tariff", "service", "unit", "service_since",
	"payee_name", "payee_inn", "payee_kpp", "payee_account", "payee_bank", "payee_bic", "payee_corr_account", "payee_address",
	"payee_phones", "payee_site", "payee_email"}

func parseAccount(r *record) any {
	a := portaldb.BillingAccount{Customer: r.number("customer", "номер клиента")}
	a.Account = domain.Account{
		Number:         r.number("number", "номер лицевого счёта"),
		ContractNumber: r.text("contract_number"),
		Title:          r.need("title", "название, например «Квартира»"),
		Address:        r.need("address", "адрес"),
		Residents:      r.integer("residents", "число проживающих", 0, 100, 0),
		Area:           r.decimal("area", "площадь, м²"),
		TariffGroup: domain.TariffGroup(r.oneOf("tariff_group", "группа потребителей", "",
			string(domain.GroupCity), string(domain.GroupRural), string(domain.GroupElectricStove))),
		PointOfSupply: r.text("point_of_supply"),
		OpenedOn:      r.date("opened_on", "дата открытия", true),
	}
	a.ContractValues = domain.ContractValues{
		MaxCapacityKW:   r.decimal("max_capacity_kw", "максимальная мощность, кВт"),
		VoltageLevel:    r.text("voltage_level"),
		PriceCategory:   r.text("price_category"),
		NormPerResident: r.decimal("norm_per_resident", "норматив на человека, кВт·ч"),
		MonthlyVolumes:  monthlyVolumes(r),
	}
	a.Service = domain.Service{
		Name:     r.text("service"),
		Unit:     r.text("unit"),
		TariffID: r.need("tariff", "код тарифа из файла тарифов"),
		Since:    r.date("service_since", "с какого дня по этому тарифу", false),
	}
	if a.Service.Name == "" {
		a.Service.Name = "Электроэнергия"
	}
	if a.Service.Unit == "" {
		a.Service.Unit = "кВт·ч"
	}
	if a.Service.Since.IsZero() {
		a.Service.Since = a.OpenedOn
	}
	a.Payee = domain.Payee{
		Name: r.text("payee_name"), INN: r.text("payee_inn"), KPP: r.text("payee_kpp"), Account: r.text("payee_account"),
		BankName: r.text("payee_bank"), BIC: r.text("payee_bic"), CorrAccount: r.text("payee_corr_account"),
		Address: r.text("payee_address"), Phones: r.text("payee_phones"), Site: r.text("payee_site"), Email: r.text("payee_email"),
	}
	if a.Payee != (domain.Payee{}) {
		for _, f := range []struct{ name, value string }{{"payee_name", a.Payee.Name}, {"payee_inn", a.Payee.INN},
			{"payee_account", a.Payee.Account}, {"payee_bank", a.Payee.BankName}, {"payee_bic", a.Payee.BIC},
			{"payee_corr_account", a.Payee.CorrAccount}} {
			if f.value == "" {
				r.fail("не указано поле %s: у получателя платежей нужны название, ИНН, банк, БИК, расчётный и корреспондентский счёт", f.name)
			}
		}
	}
	return a
}

// monthlyVolumes reads «2026-01=1200|2026-02=1100,5»: the contracted
// volumes by month.
func monthlyVolumes(r *record) []domain.ContractVolume {
	v := r.text("monthly_volumes")
	if v == "" {
		return nil
	}
	var out []domain.ContractVolume
	for _, part := range strings.Split(v, "|") {
		p, vol, ok := strings.Cut(strings.TrimSpace(part), "=")
		period, err1 := domain.ParsePeriod(strings.TrimSpace(p))
		d, err2 := domain.ParseDecimal(stripSpaces(vol))
		if !ok || err1 != nil || err2 != nil || d < 0 {
			r.fail("monthly_volumes: %q — пишите месяц=объём через |, например 2026-01=1200|2026-02=1100,5", part)
			return nil
		}
		if n := len(out); n > 0 && !out[n-1].Period.Before(period) {
			r.fail("monthly_volumes: месяцы идут по порядку и не повторяются")
			return nil
		}
		out = append(out, domain.ContractVolume{Period: period, Volume: d})
	}
	return out
}

func parseMeter(r *record) any {
	m := portaldb.BillingMeter{Account: r.number("account", "номер лицевого счёта"), Replaces: r.text("replaces")}
	m.Meter = domain.Meter{
		Serial:            r.need("serial", "заводской номер"),
		Model:             r.need("model", "модель"),
		Place:             r.text("place"),
		InstalledOn:       r.date("installed_on", "дата установки", true),
		Digits:            r.integer("digits", "знаков до запятой", 1, 12, 0),
		FractionDigits:    r.integer("fraction_digits", "знаков после запятой", 0, 2, 0),
		VerifiedOn:        r.date("verified_on", "дата поверки", false),
		VerificationYears: r.integer("verification_years", "межповерочный интервал, лет", 0, 50, 0),
		RemovedOn:         r.date("removed_on", "дата снятия", false),
	}
	m.Zones = r.integer("zones", "число тарифных зон", 1, 3, 0)
	if r.text("digits") == "" {
		r.fail("не указано поле digits (знаков до запятой, 1–12)")
	}
	if r.text("zones") == "" {
		r.fail("не указано поле zones (число тарифных зон, 1–3)")
	}
	if !m.Meter.RemovedOn.IsZero() && m.Meter.RemovedOn.Before(m.Meter.InstalledOn) {
		r.fail("removed_on: счётчик снят %s раньше, чем установлен %s", m.Meter.RemovedOn.Russian(), m.Meter.InstalledOn.Russian())
	}
	if m.Replaces != "" && m.Replaces == m.Meter.Serial {
		r.fail("replaces: счётчик не может заменить сам себя")
	}
	return m
}

// describe names a kind in Russian for the summary.
func (k Kind) describe() string {
	switch k {
	case KindCustomers:
		return "Клиентов"
	case KindAccounts:
		return "Лицевых счетов"
	case KindMeters:
		return "Счётчиков"
	case KindTariffs:
		return "Тарифов"
	case KindPayments:
		return "Платежей"
	case KindInvoices:
		return "Счетов"
	}
	return fmt.Sprintf("Записей (%s)", string(k))
}
