package domain

import (
	"cmp"
	"slices"
	"time"
)

// CustomerKind tells an individual from a legal entity: they see different
// sections (contract values, points of supply) and different bills.
type CustomerKind string

// Customer kinds.
const (
	Individual  CustomerKind = "individual"
	LegalEntity CustomerKind = "legal"
)

// Customer is the person or organisation that logs in with a customer
// number («номер клиента»).
type Customer struct {
	Number    string       `json:"number"`
	Kind      CustomerKind `json:"kind"`
	FullName  string       `json:"full_name"`
	BirthDate Date         `json:"birth_date,omitzero"`
	INN       string       `json:"inn,omitempty"`
	Phone     string       `json:"phone"`
	Email     string       `json:"email,omitempty"`
}

// TariffGroup is the consumer group a household tariff depends on.
type TariffGroup string

// Tariff groups of household customers (legal entities have none).
const (
	GroupCity          TariffGroup = "city"
	GroupRural         TariffGroup = "rural"
	GroupElectricStove TariffGroup = "electric_stove"
)

// Russian returns the group's name for a bill.
func (g TariffGroup) Russian() string {
	switch g {
	case GroupCity:
		return "городское население"
	case GroupRural:
		return "сельское население"
	case GroupElectricStove:
		return "дома с электроплитами"
	}
	return ""
}

// Account is one лицевой счёт (for a household) or contract (for a legal
// entity): a place electricity is supplied to.
type Account struct {
	Number         string      `json:"number"`
	ContractNumber string      `json:"contract_number"`
	Title          string      `json:"title"`
	Address        string      `json:"address"`
	Residents      int         `json:"residents,omitempty"`
	Area           Decimal     `json:"area_m2,omitempty"`
	TariffGroup    TariffGroup `json:"tariff_group,omitempty"`
	PointOfSupply  string      `json:"point_of_supply,omitempty"`
	OpenedOn       Date        `json:"opened_on"`
}

// Zone names a time-of-day zone of a meter register and of a tariff.
type Zone string

// Zones. A single-rate meter has only T1.
const (
	T1 Zone = "t1"
	T2 Zone = "t2"
	T3 Zone = "t3"
)

// ZonesFor returns the zones of a meter with n registers.
func ZonesFor(n int) []Zone {
	return []Zone{T1, T2, T3}[:max(1, min(n, 3))]
}

// ZoneName returns the zone's name as printed on bills for a meter with the
// given number of zones: «Круглосуточно», «День»/«Ночь», «Пик»/«Полупик»/«Ночь».
func ZoneName(z Zone, zones int) string {
	switch zones {
	case 1:
		return "Круглосуточно"
	case 2:
		return map[Zone]string{T1: "День", T2: "Ночь"}[z]
	default:
		return map[Zone]string{T1: "Пик", T2: "Полупик", T3: "Ночь"}[z]
	}
}

// Service is a service supplied on an account with the tariff it is billed at.
type Service struct {
	Name     string  `json:"name"`
	Unit     string  `json:"unit"`
	TariffID string  `json:"tariff_id"`
	Since    Date    `json:"since"`
	Tariff   *Tariff `json:"tariff,omitempty"`
}

// Tariff is a named price list: prices per zone, each valid from a date, and
// optionally split into consumption tiers.
type Tariff struct {
	ID    string      `json:"id"`
	Name  string      `json:"name"`
	Zones int         `json:"zones"`
	Group TariffGroup `json:"group,omitempty"`
	Rates []Rate      `json:"rates"`
}

// Rate is the prices of a tariff valid from a date until the next Rate.
type Rate struct {
	ValidFrom Date   `json:"valid_from"`
	Tiers     []Tier `json:"tiers"`
}

// Tier is a band of monthly consumption with its own prices. UpTo is the
// band's upper bound in whole kWh per month; 0 means "no bound" and belongs
// to the last tier only.
type Tier struct {
	UpTo   int64            `json:"up_to_kwh,omitempty"`
	Prices map[Zone]Kopecks `json:"prices_kop"`
}

// Meter is an electricity meter on an account.
type Meter struct {
	ID             string `json:"id"`
	Serial         string `json:"serial"`
	Model          string `json:"model"`
	Place          string `json:"place,omitempty"`
	InstalledOn    Date   `json:"installed_on"`
	Digits         int    `json:"digits"`
	FractionDigits int    `json:"fraction_digits"`
	// VerifiedOn and VerificationYears give the next verification date
	// («дата следующей поверки»).
	VerifiedOn        Date        `json:"verified_on"`
	VerificationYears int         `json:"verification_interval_years"`
	NextVerification  Date        `json:"next_verification_on"`
	RemovedOn         Date        `json:"removed_on,omitzero"`
	ReplacedBy        string      `json:"replaced_by,omitempty"`
	Zones             []MeterZone `json:"zones"`
	Recent            []Reading   `json:"recent_readings,omitempty"`
	Window            WindowState `json:"window"`
	// AverageMonthly is the average monthly consumption of all zones over
	// the last year, which a new reading is compared with.
	AverageMonthly Decimal `json:"average_monthly_kwh"`
}

// Active reports whether the meter is still installed.
func (m *Meter) Active() bool { return m.RemovedOn.IsZero() }

// NextVerificationDate returns VerifiedOn plus the interval.
func (m *Meter) NextVerificationDate() Date {
	if m.VerifiedOn.IsZero() || m.VerificationYears <= 0 {
		return Date{}
	}
	return m.VerifiedOn.AddYears(m.VerificationYears)
}

// ZoneCodes returns the meter's zones in order.
func (m *Meter) ZoneCodes() []Zone {
	zs := make([]Zone, len(m.Zones))
	for i, z := range m.Zones {
		zs[i] = z.Code
	}
	return zs
}

// MeterZone is one register of a meter with its last accepted value.
type MeterZone struct {
	Code       Zone          `json:"code"`
	Name       string        `json:"name"`
	LastValue  Decimal       `json:"last_value"`
	LastDate   Date          `json:"last_date"`
	LastSource ReadingSource `json:"last_source,omitempty"`
}

// ReadingSource tells who took a reading.
type ReadingSource string

// Reading sources.
const (
	SourceCustomer  ReadingSource = "customer"
	SourceInspector ReadingSource = "inspector"
	SourceAutomatic ReadingSource = "automatic"
	SourceEstimated ReadingSource = "estimated"
	SourceInitial   ReadingSource = "initial"
)

// Russian returns the source as a bill prints it.
func (s ReadingSource) Russian() string {
	switch s {
	case SourceCustomer:
		return "передано клиентом"
	case SourceInspector:
		return "снято контролёром"
	case SourceAutomatic:
		return "автоматически"
	case SourceEstimated:
		return "расчётное"
	case SourceInitial:
		return "при установке"
	}
	return string(s)
}

// ReadingStatus is where a reading is in its life.
type ReadingStatus string

// Reading statuses.
const (
	StatusAccepted   ReadingStatus = "accepted"
	StatusSuperseded ReadingStatus = "superseded"
	// StatusQueued is a reading saved on this computer that has not
	// reached the portal yet: only the app's own view of a meter holds
	// one, never a document.
	StatusQueued ReadingStatus = "queued"
)

// Reading is one set of register values of a meter taken on one day.
type Reading struct {
	ID          string           `json:"id"`
	MeterID     string           `json:"meter_id"`
	Period      Period           `json:"period"`
	TakenOn     Date             `json:"taken_on"`
	Source      ReadingSource    `json:"source"`
	Status      ReadingStatus    `json:"status"`
	Values      map[Zone]Decimal `json:"values"`
	Consumption map[Zone]Decimal `json:"consumption,omitempty"`
	SubmittedAt string           `json:"submitted_at,omitempty"`
	Rollover    map[Zone]bool    `json:"rollover,omitempty"`
	// Receipt is the number of the portal's receipt for a reading the
	// customer sent (ReceiptNumber of ID); empty for the readings of
	// inspectors, estimates and the billing system, which nobody sent.
	Receipt string            `json:"receipt,omitempty"`
	Notes   map[string]string `json:"-"`
}

// ReceiptNo is the number of the portal's receipt for the reading: the
// one the portal sent, or for a reading the customer sent that an older
// portal answered without it, the number its id gives (the rule is
// ReceiptNumber's either way). Empty when there is no receipt.
func (r *Reading) ReceiptNo() string {
	if r.Receipt != "" {
		return r.Receipt
	}
	if r.Source == SourceCustomer && r.ID != "" && r.Status != StatusQueued {
		return ReceiptNumber(r.ID)
	}
	return ""
}

// AcceptedAt is when the portal accepted the reading (SubmittedAt), zero
// when it is not known.
func (r *Reading) AcceptedAt() time.Time {
	t, err := time.Parse(time.RFC3339, r.SubmittedAt)
	if err != nil {
		return time.Time{}
	}
	return t
}

// SubmittedOn is the day (in Moscow) the reading reached the portal, or the
// day it was taken when that is not known (a reading still queued).
func (r *Reading) SubmittedOn() Date {
	if t, err := time.Parse(time.RFC3339, r.SubmittedAt); err == nil {
		return DateOf(t, Moscow)
	}
	return r.TakenOn
}

// Baseline is what a new reading of a month is counted from. A month has
// one reading: a second one replaces the first, so its consumption is the
// whole month's, counted from the last accepted reading of an earlier
// month, and never the step from the reading it replaces.
type Baseline struct {
	// Zones carry, per zone, the value the month's consumption is counted
	// from and the day it was taken (zero when only the value is known).
	Zones []MeterZone
	// Replaces is the reading of the month a new one replaces: the
	// latest, accepted or still queued on this computer; nil when the
	// new one is the month's first.
	Replaces *Reading
}

// BaselineFor returns what a new reading of period p is counted from, out
// of the meter's last accepted values and its recent readings (newest
// first, with the readings still queued on this computer in front). This is
// the one place the rule lives: the portal's check, its answer and the
// app's offline preview all go through it.
func (m *Meter) BaselineFor(p Period) Baseline {
	b := Baseline{Zones: slices.Clone(m.Zones)}
	var month *Reading // the month's accepted reading
	for i := range m.Recent {
		r := &m.Recent[i]
		switch {
		case r.Status == StatusQueued || r.Period == p:
			if b.Replaces == nil {
				b.Replaces = r
			}
			if month == nil && r.Status != StatusQueued {
				month = r
			}
		case r.Period.Before(p):
			if b.Replaces != nil {
				b.Zones = zonesOf(b.Zones, r)
			}
			return b
		}
	}
	if month != nil {
		// No earlier reading is at hand: the month's reading holds
		// its consumption, so the value it was counted from is known.
		b.Zones = zonesBefore(b.Zones, month, m.Digits)
	}
	return b
}

// zonesOf returns zones with the values and date of reading r.
func zonesOf(zones []MeterZone, r *Reading) []MeterZone {
	for i := range zones {
		if v, ok := r.Values[zones[i].Code]; ok {
			zones[i].LastValue, zones[i].LastDate, zones[i].LastSource = v, r.TakenOn, r.Source
		}
	}
	return zones
}

// zonesBefore returns zones with the values reading r was counted from: its
// values less its consumption (across zero where it rolled over). Zones
// it does not tell about keep their values.
func zonesBefore(zones []MeterZone, r *Reading, digits int) []MeterZone {
	for i := range zones {
		z := zones[i].Code
		v, ok1 := r.Values[z]
		c, ok2 := r.Consumption[z]
		if !ok1 || !ok2 {
			continue
		}
		from := v - c
		if r.Rollover[z] {
			from += registerSpan(digits)
		}
		if from < 0 {
			continue
		}
		zones[i].LastValue, zones[i].LastDate, zones[i].LastSource = from, Date{}, ""
	}
	return zones
}

// Payee is who a bill is paid to, with the details a bank needs.
type Payee struct {
	Name        string `json:"name"`
	INN         string `json:"inn"`
	KPP         string `json:"kpp"`
	Account     string `json:"account"`
	BankName    string `json:"bank_name"`
	BIC         string `json:"bic"`
	CorrAccount string `json:"corr_account"`
	Address     string `json:"address"`
	Phones      string `json:"phones"`
	Site        string `json:"site"`
	Email       string `json:"email"`
}

// Invoice is a bill for one period.
type Invoice struct {
	ID       string        `json:"id"`
	Number   string        `json:"number"`
	Period   Period        `json:"period"`
	IssuedOn Date          `json:"issued_on"`
	DueOn    Date          `json:"due_on"`
	Lines    []InvoiceLine `json:"lines"`
	// Recalculations correct earlier periods; an amount may be negative.
	Recalculations []Recalculation `json:"recalculations,omitempty"`
	// BroughtForward is the debt (positive) or credit (negative) at the
	// start of the period.
	BroughtForward Kopecks `json:"brought_forward_kop"`
	Penalties      Kopecks `json:"penalties_kop"`
	PaidInPeriod   Kopecks `json:"paid_in_period_kop"`
	Charged        Kopecks `json:"charged_kop"`
	TotalDue       Kopecks `json:"total_due_kop"`
	Payee          Payee   `json:"payee"`
}

// InvoiceLine is the charge for one service and zone.
type InvoiceLine struct {
	Service     string  `json:"service"`
	Zone        Zone    `json:"zone,omitempty"`
	ZoneName    string  `json:"zone_name,omitempty"`
	MeterSerial string  `json:"meter_serial,omitempty"`
	Previous    Decimal `json:"previous"`
	Current     Decimal `json:"current"`
	Volume      Decimal `json:"volume"`
	Unit        string  `json:"unit"`
	Price       Kopecks `json:"price_kop"`
	Amount      Kopecks `json:"amount_kop"`
}

// Recalculation corrects an earlier charge.
type Recalculation struct {
	Reason string  `json:"reason"`
	Amount Kopecks `json:"amount_kop"`
}

// Total returns what the invoice's figures add up to: brought forward +
// charged + recalculations + penalties − paid.
func (inv *Invoice) Total() Kopecks {
	t := inv.BroughtForward + inv.Penalties - inv.PaidInPeriod
	for _, l := range inv.Lines {
		t += l.Amount
	}
	for _, r := range inv.Recalculations {
		t += r.Amount
	}
	return t
}

// PaymentStatus tells whether a payment has been credited yet.
type PaymentStatus string

// Payment statuses.
const (
	PaymentCredited PaymentStatus = "credited"
	PaymentPending  PaymentStatus = "pending"
)

// Payment is money received for an account.
type Payment struct {
	ID      string        `json:"id"`
	PaidOn  Date          `json:"paid_on"`
	Amount  Kopecks       `json:"amount_kop"`
	Channel string        `json:"channel"`
	Status  PaymentStatus `json:"status"`
}

// ContractValues are the agreed figures of a contract: for a legal entity the
// contracted monthly volumes, the maximum capacity, voltage level and price
// category; for a household the residents and the consumption norm used when
// no reading arrives.
type ContractValues struct {
	MaxCapacityKW   Decimal          `json:"max_capacity_kw,omitempty"`
	VoltageLevel    string           `json:"voltage_level,omitempty"`
	PriceCategory   string           `json:"price_category,omitempty"`
	MonthlyVolumes  []ContractVolume `json:"monthly_volumes,omitempty"`
	Residents       int              `json:"residents,omitempty"`
	NormPerResident Decimal          `json:"norm_kwh_per_resident,omitempty"`
}

// ContractVolume is the contracted volume of one month.
type ContractVolume struct {
	Period Period  `json:"period"`
	Volume Decimal `json:"volume_kwh"`
}

// Balance is the state of settlements on an account.
type Balance struct {
	// Debt is what the customer owes now; negative is an overpayment.
	Debt Kopecks `json:"debt_kop"`
	// Due is the amount of the latest invoice still to pay and its date.
	Due   Kopecks `json:"due_kop"`
	DueOn Date    `json:"due_on,omitzero"`
	AsOf  Date    `json:"as_of"`
}

// Subscriptions are the deliveries a customer chose for an account.
type Subscriptions struct {
	EmailBills   bool   `json:"email_bills"`
	Email        string `json:"email,omitempty"`
	SMSReminders bool   `json:"sms_reminders"`
	// EmailReminders asks for the reading-window reminders by e-mail
	// (SMSReminders: by SMS); an accepted reading's receipt is echoed by
	// the same channels.
	EmailReminders bool `json:"email_reminders"`
}

// News is an announcement of the company.
type News struct {
	ID          string `json:"id"`
	PublishedOn Date   `json:"published_on"`
	Title       string `json:"title"`
	Body        string `json:"body"`
}

// AboutSection is a part of the «О компании» and «О сервисе» pages.
type AboutSection struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Body  string `json:"body"`
}

// Office is a contact-centre office or service point.
type Office struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Address string   `json:"address"`
	Hours   []string `json:"hours"`
	Phones  []string `json:"phones"`
	Email   string   `json:"email,omitempty"`
}

// FAQ is a frequent question with its answer.
type FAQ struct {
	ID       string `json:"id"`
	Question string `json:"question"`
	Answer   string `json:"answer"`
}

// Question is what a customer asked the company, with the answer once given.
type Question struct {
	ID         string `json:"id"`
	Account    string `json:"account,omitempty"`
	Topic      string `json:"topic"`
	Text       string `json:"text"`
	AskedAt    string `json:"asked_at"`
	Answer     string `json:"answer,omitempty"`
	AnsweredAt string `json:"answered_at,omitempty"`
}

// AccountDocument is everything about one account in one piece: what the
// portal sends and what the app keeps for offline reading. A delta document
// (Delta true) carries only what changed since the cursor it answered:
// Account, Customer, Services, ContractValues and Subscriptions are then nil
// when unchanged; Readings, Invoices and Payments hold only new or changed
// items, which replace items with the same ID; Meters and Balance are always
// whole (their window and dates follow the calendar). Nothing is ever
// deleted from a document.
type AccountDocument struct {
	Delta          bool            `json:"delta"`
	Cursor         string          `json:"cursor"`
	GeneratedAt    time.Time       `json:"generated_at"`
	Account        *Account        `json:"account,omitempty"`
	Customer       *Customer       `json:"customer,omitempty"`
	Services       []Service       `json:"services,omitempty"`
	ContractValues *ContractValues `json:"contract_values,omitempty"`
	Subscriptions  *Subscriptions  `json:"subscriptions,omitempty"`
	Balance        Balance         `json:"balance"`
	Meters         []Meter         `json:"meters"`
	Readings       []Reading       `json:"readings"`
	Invoices       []Invoice       `json:"invoices"`
	Payments       []Payment       `json:"payments"`
}

// AccountSummary is one line of the customer's list of accounts.
type AccountSummary struct {
	Number  string  `json:"number"`
	Title   string  `json:"title"`
	Address string  `json:"address"`
	Debt    Kopecks `json:"debt_kop"`
}

// AcceptedReadings returns the document's accepted readings in the order
// they were taken (superseded ones left out): the history a statement and
// its screen are made of.
func (d *AccountDocument) AcceptedReadings() []Reading {
	out := make([]Reading, 0, len(d.Readings))
	for _, r := range d.Readings {
		if r.Status == StatusAccepted || r.Status == "" {
			out = append(out, r)
		}
	}
	slices.SortStableFunc(out, func(a, b Reading) int {
		if c := a.TakenOn.Compare(b.TakenOn); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Period.Year, b.Period.Year); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Period.Month, b.Period.Month); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out
}
