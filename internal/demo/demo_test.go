package demo_test

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kabinet/internal/demo"
	"kabinet/internal/domain"
	"kabinet/internal/portaldb"
)

// fakeHash stands in for the real password hash, which is slow on purpose.
func fakeHash(p string) (string, error) { return "fake$" + p, nil }

// moments are the «now» values every invariant is checked at: an ordinary
// day, the first minutes of a year, the last minute of a month, a leap day,
// the day a price change starts, and a day past the due date.
var moments = []time.Time{
	time.Date(2026, 11, 27, 12, 0, 0, 0, domain.Moscow),
	time.Date(2027, 1, 1, 0, 5, 0, 0, domain.Moscow),
	time.Date(2026, 3, 31, 23, 59, 0, 0, domain.Moscow),
	time.Date(2028, 2, 29, 9, 0, 0, 0, domain.Moscow),
	time.Date(2026, 7, 1, 10, 0, 0, 0, domain.Moscow),
	time.Date(2026, 6, 14, 16, 0, 0, 0, domain.Moscow),
	// 21:30 UTC on 31 August is already 1 September in Syktyvkar.
	time.Date(2026, 8, 31, 21, 30, 0, 0, time.UTC),
}

func build(t *testing.T, now time.Time) *portaldb.Seed {
	t.Helper()
	s, err := demo.Build(now, fakeHash)
	if err != nil {
		t.Fatalf("Build(%v): %v", now, err)
	}
	return s
}

func customer(t *testing.T, s *portaldb.Seed, number string) portaldb.SeedCustomer {
	t.Helper()
	for _, c := range s.Customers {
		if c.Number == number {
			return c
		}
	}
	t.Fatalf("no customer %s", number)
	return portaldb.SeedCustomer{}
}

func forEachMoment(t *testing.T, check func(t *testing.T, s *portaldb.Seed, today domain.Date)) {
	for _, now := range moments {
		t.Run(now.Format(time.RFC3339), func(t *testing.T) {
			check(t, build(t, now), domain.DateOf(now, domain.Moscow))
		})
	}
}

func TestBuildIsDeterministic(t *testing.T) {
	for _, now := range moments[:3] {
		a, _ := json.Marshal(build(t, now))
		b, _ := json.Marshal(build(t, now))
		if !bytes.Equal(a, b) {
			t.Errorf("two builds at %v differ", now)
		}
	}
	a, _ := json.Marshal(build(t, moments[0]))
	b, _ := json.Marshal(build(t, moments[0].Add(31*24*time.Hour)))
	if bytes.Equal(a, b) {
		t.Error("builds a month apart are the same: the history does not follow now")
	}
}

func TestEveryPasswordIsHashed(t *testing.T) {
	var hashed []string
	s, err := demo.Build(moments[0], func(p string) (string, error) {
		hashed = append(hashed, p)
		return "h", nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range s.Customers {
		if c.PasswordHash != "h" {
			t.Errorf("customer %s: password hash %q", c.Number, c.PasswordHash)
		}
	}
	for _, p := range hashed {
		if p != demo.Password {
			t.Errorf("hashed %q, want the demo password", p)
		}
	}
}

func TestListedCustomersExist(t *testing.T) {
	s := build(t, moments[0])
	if len(s.Customers) != len(demo.Customers) {
		t.Errorf("%d customers, %d listed", len(s.Customers), len(demo.Customers))
	}
	for _, want := range []string{"100001", "100002", "100003", "100004", "200001"} {
		c := customer(t, s, want)
		listed := false
		for _, l := range demo.Customers {
			listed = listed || (l.Number == want && l.Description != "")
		}
		if !listed {
			t.Errorf("customer %s is not listed with a description", want)
		}
		if p, err := domain.NormalizePhone(c.Phone); err != nil || p != c.Phone {
			t.Errorf("customer %s: phone %q is not a normalised mobile number", want, c.Phone)
		}
		if e, err := domain.NormalizeEmail(c.Email); err != nil || e != c.Email {
			t.Errorf("customer %s: e-mail %q does not pass the portal's check", want, c.Email)
		}
		if len(c.Accounts) == 0 {
			t.Errorf("customer %s has no accounts", want)
		}
	}
	if c := customer(t, s, "100001"); c.FullName != "Иванова Мария Петровна" || c.BirthDate.Year != 1948 {
		t.Errorf("100001 is %s, born %v", c.FullName, c.BirthDate)
	}
}

func TestInvoicesAddUp(t *testing.T) {
	forEachMoment(t, func(t *testing.T, s *portaldb.Seed, today domain.Date) {
		for _, c := range s.Customers {
			for _, a := range c.Accounts {
				checkInvoices(t, a, today)
			}
		}
	})
}

func checkInvoices(t *testing.T, a portaldb.SeedAccount, today domain.Date) {
	t.Helper()
	if len(a.Invoices) < 12 {
		t.Fatalf("account %s: %d invoices, want at least a year", a.Number, len(a.Invoices))
	}
	if got, want := a.Invoices[len(a.Invoices)-1].Period, today.Period().AddMonths(-1); got != want {
		t.Errorf("account %s: latest invoice is for %v, want %v", a.Number, got, want)
	}
	numbers := map[string]bool{}
	for i, inv := range a.Invoices {
		if inv.Total() != inv.TotalDue {
			t.Errorf("account %s, %v: figures add up to %v, total due %v", a.Number, inv.Period, inv.Total(), inv.TotalDue)
		}
		var charged domain.Kopecks
		for _, l := range inv.Lines {
			charged += l.Amount
			if l.Amount != domain.Cost(l.Volume, l.Price) {
				t.Errorf("account %s, %v: line %+v: amount is not volume × price", a.Number, inv.Period, l)
			}
			if l.Volume != l.Current-l.Previous {
				t.Errorf("account %s, %v: line %+v: volume is not current − previous", a.Number, inv.Period, l)
			}
			if l.MeterSerial == "" || l.Unit == "" || l.Service == "" || l.Price <= 0 {
				t.Errorf("account %s, %v: incomplete line %+v", a.Number, inv.Period, l)
			}
		}
		for _, r := range inv.Recalculations {
			charged += r.Amount
			if r.Reason == "" {
				t.Errorf("account %s, %v: recalculation without a reason", a.Number, inv.Period)
			}
		}
		if inv.Charged != charged {
			t.Errorf("account %s, %v: charged %v, lines and recalculations %v", a.Number, inv.Period, inv.Charged, charged)
		}
		if len(inv.Lines) == 0 {
			t.Errorf("account %s, %v: no lines", a.Number, inv.Period)
		}
		after := inv.Period.AddMonths(1)
		if inv.IssuedOn.Period() != after || inv.IssuedOn.Day > 3 || inv.IssuedOn.After(today) {
			t.Errorf("account %s, %v: issued on %v", a.Number, inv.Period, inv.IssuedOn)
		}
		if inv.DueOn.Period() != after || inv.DueOn.Before(inv.IssuedOn) {
			t.Errorf("account %s, %v: due on %v", a.Number, inv.Period, inv.DueOn)
		}
		if numbers[inv.Number] || inv.Number == "" {
			t.Errorf("account %s, %v: number %q is empty or repeated", a.Number, inv.Period, inv.Number)
		}
		numbers[inv.Number] = true
		if i == 0 {
			continue
		}
		prev := a.Invoices[i-1]
		if inv.Period != prev.Period.AddMonths(1) {
			t.Errorf("account %s: invoice for %v follows %v", a.Number, inv.Period, prev.Period)
		}
		if inv.BroughtForward != prev.TotalDue {
			t.Errorf("account %s, %v: brought forward %v, previous total %v", a.Number, inv.Period, inv.BroughtForward, prev.TotalDue)
		}
		var paid domain.Kopecks
		for _, p := range a.Payments {
			if !p.PaidOn.Before(prev.IssuedOn) && p.PaidOn.Before(inv.IssuedOn) {
				paid += p.Amount
			}
		}
		if inv.PaidInPeriod != paid {
			t.Errorf("account %s, %v: paid in period %v, payments between the invoices %v", a.Number, inv.Period, inv.PaidInPeriod, paid)
		}
	}
	for _, p := range a.Payments {
		if p.PaidOn.After(today) || p.Amount <= 0 || p.Channel == "" || p.Status != domain.PaymentCredited {
			t.Errorf("account %s: payment %+v", a.Number, p)
		}
	}
}

func TestReadings(t *testing.T) {
	forEachMoment(t, func(t *testing.T, s *portaldb.Seed, today domain.Date) {
		for _, c := range s.Customers {
			for _, a := range c.Accounts {
				checkReadings(t, a, today)
			}
		}
	})
}

func checkReadings(t *testing.T, a portaldb.SeedAccount, today domain.Date) {
	t.Helper()
	last := today.Period().AddMonths(-1)
	active := 0
	for _, m := range a.Meters {
		if m.ZoneCount < 1 || m.ZoneCount > 3 || m.Serial == "" || m.Model == "" || m.InstalledOn.IsZero() {
			t.Errorf("account %s: meter %+v", a.Number, m.Meter)
		}
		if m.Active() {
			active++
			if got := m.Readings[len(m.Readings)-1].Period; got != last {
				t.Errorf("account %s, meter %s: last reading for %v, want %v", a.Number, m.Serial, got, last)
			}
		}
		span := domain.DecimalFromInt(1)
		for range m.Digits {
			span *= 10
		}
		step := domain.Decimal(1)
		for range 2 - m.FractionDigits {
			step *= 10
		}
		for i, r := range m.Readings {
			if r.Status != domain.StatusAccepted {
				t.Errorf("meter %s, %v: status %q", m.Serial, r.Period, r.Status)
			}
			if last.Before(r.Period) || r.TakenOn.Period() != r.Period || r.TakenOn.After(today) {
				t.Errorf("meter %s: reading for %v taken on %v (today %v)", m.Serial, r.Period, r.TakenOn, today)
			}
			if len(r.Values) != m.ZoneCount || len(r.Consumption) != m.ZoneCount {
				t.Errorf("meter %s, %v: %d values for %d zones", m.Serial, r.Period, len(r.Values), m.ZoneCount)
			}
			for _, z := range domain.ZonesFor(m.ZoneCount) {
				v, ok := r.Values[z]
				if !ok || v < 0 || v >= span || v%step != 0 {
					t.Errorf("meter %s, %v: value %v in zone %s does not fit a %d.%d register", m.Serial, r.Period, v, z, m.Digits, m.FractionDigits)
				}
			}
			if r.Source == domain.SourceInitial {
				if i != 0 || r.TakenOn != m.InstalledOn {
					t.Errorf("meter %s: initial reading %d on %v, installed %v", m.Serial, i, r.TakenOn, m.InstalledOn)
				}
				for z, c := range r.Consumption {
					if c != 0 {
						t.Errorf("meter %s: initial reading consumes %v in %s", m.Serial, c, z)
					}
				}
			}
			if i == 0 {
				continue
			}
			p := m.Readings[i-1]
			if r.Period != p.Period.AddMonths(1) {
				t.Errorf("meter %s: reading for %v follows %v; want one a month", m.Serial, r.Period, p.Period)
			}
			if r.TakenOn.Before(p.TakenOn) {
				t.Errorf("meter %s: reading of %v taken before the previous one", m.Serial, r.TakenOn)
			}
			for z, v := range r.Values {
				if v < p.Values[z] {
					t.Errorf("meter %s, %v: %s went down from %v to %v", m.Serial, r.Period, z, p.Values[z], v)
				}
				if r.Consumption[z] != v-p.Values[z] {
					t.Errorf("meter %s, %v: consumption %v in %s, difference %v", m.Serial, r.Period, r.Consumption[z], z, v-p.Values[z])
				}
			}
		}
		if !m.Active() && m.RemovedOn != m.Readings[len(m.Readings)-1].TakenOn {
			t.Errorf("meter %s removed on %v, last read on %v", m.Serial, m.RemovedOn, m.Readings[len(m.Readings)-1].TakenOn)
		}
	}
	if active != 1 {
		t.Errorf("account %s: %d active meters", a.Number, active)
	}
	// Every invoice line is the consumption of a reading of its month.
	for _, inv := range a.Invoices {
		for _, l := range inv.Lines {
			found := false
			for _, m := range a.Meters {
				for _, r := range m.Readings {
					if m.Serial == l.MeterSerial && r.Period == inv.Period && r.Values[l.Zone] == l.Current && r.Consumption[l.Zone] == l.Volume {
						found = true
					}
				}
			}
			if !found {
				t.Errorf("account %s, %v: line %+v matches no reading", a.Number, inv.Period, l)
			}
		}
	}
}

func TestIvanovaHistory(t *testing.T) {
	forEachMoment(t, func(t *testing.T, s *portaldb.Seed, today domain.Date) {
		c := customer(t, s, "100001")
		if len(c.Accounts) != 1 {
			t.Fatalf("100001 has %d accounts", len(c.Accounts))
		}
		a := c.Accounts[0]
		if a.Residents != 2 || a.Area != 4860 || a.TariffGroup != domain.GroupCity {
			t.Errorf("100001's flat: %+v", a.Account)
		}
		m := a.Meters[0]
		if len(a.Meters) != 1 || m.ZoneCount != 1 || m.Digits != 6 || m.FractionDigits != 1 || len(m.Readings) != 36 {
			t.Fatalf("100001's meter: %d meters, %d zones, %d.%d digits, %d readings", len(a.Meters), m.ZoneCount, m.Digits, m.FractionDigits, len(m.Readings))
		}
		sources := map[domain.ReadingSource]int{}
		for i, r := range m.Readings {
			sources[r.Source]++
			kwh := r.Consumption[domain.T1].Whole()
			// A reading after an estimated month makes up for the estimate.
			afterEstimate := i > 0 && m.Readings[i-1].Source == domain.SourceEstimated
			if r.Source == domain.SourceCustomer && !afterEstimate && (kwh < 130 || kwh > 280) {
				t.Errorf("%v: %d kWh, want about 150–260", r.Period, kwh)
			}
		}
		if sources[domain.SourceEstimated] < 1 || sources[domain.SourceInspector] < 1 || sources[domain.SourceCustomer] < 25 {
			t.Errorf("sources %v: want mostly the customer, some inspector and estimated readings", sources)
		}
		var penalties, recalcs, unpaid int
		for i, inv := range a.Invoices {
			if inv.Penalties > 0 {
				penalties++
				if inv.Penalties > domain.Rubles(100) || i == 0 || a.Invoices[i-1].TotalDue <= 0 {
					t.Errorf("%v: penalty %v after %v", inv.Period, inv.Penalties, a.Invoices[i-1].TotalDue)
				}
			}
			recalcs += len(inv.Recalculations)
			if i > 0 && inv.PaidInPeriod == 0 {
				unpaid++
			}
		}
		if penalties != 1 || recalcs != 1 || unpaid < 1 {
			t.Errorf("%d penalties, %d recalculations, %d unpaid months; want one of each", penalties, recalcs, unpaid)
		}
	})
}

func TestKuznetsovHasTwoZones(t *testing.T) {
	s := build(t, moments[0])
	c := customer(t, s, "100002")
	a := c.Accounts[0]
	if !a.Subscriptions.EmailBills || a.Residents != 3 || a.TariffGroup != domain.GroupCity {
		t.Errorf("100002: %+v, %+v", a.Account, a.Subscriptions)
	}
	m := a.Meters[0]
	if m.ZoneCount != 2 {
		t.Fatalf("100002's meter has %d zones", m.ZoneCount)
	}
	var night, total domain.Decimal
	for _, r := range m.Readings[1:] {
		night += r.Consumption[domain.T2]
		total += r.Consumption[domain.T1] + r.Consumption[domain.T2]
	}
	if share := night * 100 / total; share < 30 || share > 40 {
		t.Errorf("night is %d%% of consumption, want about 35%%", share)
	}
}

func TestPopovaVerificationIsDue(t *testing.T) {
	forEachMoment(t, func(t *testing.T, s *portaldb.Seed, today domain.Date) {
		c := customer(t, s, "100003")
		a := c.Accounts[0]
		if a.TariffGroup != domain.GroupElectricStove {
			t.Errorf("100003's group is %q", a.TariffGroup)
		}
		m := a.Meters[0]
		if m.ZoneCount != 3 || len(m.Readings) < 12 {
			t.Fatalf("100003's meter: %d zones, %d readings", m.ZoneCount, len(m.Readings))
		}
		next := m.NextVerificationDate()
		limit := domain.NewDate(today.Year, today.Month+3, today.Day)
		if !next.After(today) || next.After(limit) {
			t.Errorf("next verification %v, want within (%v, %v]", next, today, limit)
		}
	})
}

func TestLytkinHasAReplacedMeter(t *testing.T) {
	forEachMoment(t, func(t *testing.T, s *portaldb.Seed, today domain.Date) {
		c := customer(t, s, "100004")
		if len(c.Accounts) != 2 {
			t.Fatalf("100004 has %d accounts", len(c.Accounts))
		}
		flat, dacha := c.Accounts[0], c.Accounts[1]
		if flat.TariffGroup != domain.GroupCity || dacha.TariffGroup != domain.GroupRural || flat.Title != "Квартира" || dacha.Title != "Дача" {
			t.Errorf("accounts %q (%s) and %q (%s)", flat.Title, flat.TariffGroup, dacha.Title, dacha.TariffGroup)
		}
		if len(dacha.Meters) != 2 {
			t.Fatalf("dacha has %d meters", len(dacha.Meters))
		}
		old := dacha.Meters[0]
		if old.Active() || old.ReplacedBy != 1 {
			t.Fatalf("old meter: removed %v, replaced by %d", old.RemovedOn, old.ReplacedBy)
		}
		repl := dacha.Meters[old.ReplacedBy]
		if !repl.Active() || repl.InstalledOn != old.RemovedOn || repl.Readings[0].Source != domain.SourceInitial {
			t.Errorf("new meter installed %v (old removed %v), first reading %s", repl.InstalledOn, old.RemovedOn, repl.Readings[0].Source)
		}
		if months := old.RemovedOn.Period().MonthsUntil(today.Period()); months < 10 || months > 14 {
			t.Errorf("meter replaced %d months ago, want about a year", months)
		}
		if old.NextVerificationDate().After(old.RemovedOn) {
			t.Errorf("old meter's verification ran until %v, after its removal", old.NextVerificationDate())
		}
		// The dacha is used in summer.
		var summer, winter domain.Decimal
		for _, inv := range dacha.Invoices {
			for _, l := range inv.Lines {
				switch inv.Period.Month {
				case time.July:
					summer += l.Volume
				case time.January:
					winter += l.Volume
				}
			}
		}
		if summer < 5*winter {
			t.Errorf("dacha uses %v in July and %v in January", summer, winter)
		}
	})
}

func TestLegalEntity(t *testing.T) {
	forEachMoment(t, func(t *testing.T, s *portaldb.Seed, today domain.Date) {
		c := customer(t, s, "200001")
		if c.Kind != domain.LegalEntity || len(c.INN) != 10 || c.FullName != "ООО «Северный хлеб»" {
			t.Errorf("200001: %+v", c.Customer)
		}
		if len(c.Accounts) != 2 {
			t.Fatalf("200001 has %d accounts", len(c.Accounts))
		}
		for _, a := range c.Accounts {
			cv := a.ContractValues
			if a.ContractNumber == "" || a.PointOfSupply == "" || cv.MaxCapacityKW <= 0 || cv.VoltageLevel == "" || cv.PriceCategory == "" {
				t.Errorf("account %s: %+v, %+v", a.Number, a.Account, cv)
			}
			if len(cv.MonthlyVolumes) != 12 {
				t.Fatalf("account %s: %d monthly volumes", a.Number, len(cv.MonthlyVolumes))
			}
			for i, v := range cv.MonthlyVolumes {
				if v.Period != (domain.Period{Year: today.Year, Month: time.Month(i + 1)}) || v.Volume < domain.DecimalFromInt(1000) {
					t.Errorf("account %s: volume %+v", a.Number, v)
				}
			}
			m := a.Meters[0]
			if m.FractionDigits != 2 || m.Readings[len(m.Readings)-1].Consumption[domain.T1] < domain.DecimalFromInt(1000) {
				t.Errorf("account %s: meter %s with %d fraction digits", a.Number, m.Serial, m.FractionDigits)
			}
		}
	})
}

func TestTariffs(t *testing.T) {
	forEachMoment(t, func(t *testing.T, s *portaldb.Seed, today domain.Date) {
		ids := map[string]*domain.Tariff{}
		for i, tr := range s.Tariffs {
			ids[tr.ID] = &s.Tariffs[i]
			if len(tr.Rates) < 2 {
				t.Errorf("tariff %s has %d rates", tr.ID, len(tr.Rates))
			}
			for i := 1; i < len(tr.Rates); i++ {
				p, q := tr.Rates[i-1].Tiers[0].Prices[domain.T1], tr.Rates[i].Tiers[0].Prices[domain.T1]
				if rise := (q - p) * 1000 / p; rise < 75 || rise > 105 {
					t.Errorf("tariff %s: %v → %v on %v", tr.ID, p, q, tr.Rates[i].ValidFrom)
				}
			}
			if r, ok := tr.RateOn(today.Period().AddMonths(-36).Last()); !ok || len(r.Tiers) == 0 {
				t.Errorf("tariff %s has no price 36 months ago", tr.ID)
			}
			r, _ := tr.RateOn(today)
			if tr.Group != "" && r.ValidFrom.Year >= 2024 && (len(r.Tiers) != 3 || r.Tiers[0].UpTo != 3900 || r.Tiers[1].UpTo != 6000) {
				t.Errorf("household tariff %s has tiers %+v", tr.ID, r.Tiers)
			}
			for _, tier := range r.Tiers {
				if len(tier.Prices) != tr.Zones {
					t.Errorf("tariff %s: %d prices for %d zones", tr.ID, len(tier.Prices), tr.Zones)
				}
			}
		}
		for _, id := range []string{"city-1", "city-2", "city-3", "rural-1", "stove-3", "legal-1"} {
			if ids[id] == nil {
				t.Errorf("no tariff %s", id)
			}
		}
		for _, c := range s.Customers {
			for _, a := range c.Accounts {
				for _, svc := range a.Services {
					tr := ids[svc.TariffID]
					if tr == nil || tr.Zones != a.Meters[len(a.Meters)-1].ZoneCount || tr.Group != a.TariffGroup {
						t.Errorf("account %s is billed at %s", a.Number, svc.TariffID)
					}
				}
			}
		}
		city, _ := ids["city-1"].RateOn(today)
		if p := city.Tiers[0].Prices[domain.T1]; p < 450 || p > 800 {
			t.Errorf("city single rate is %v", p)
		}
	})
}

func TestPublicContent(t *testing.T) {
	forEachMoment(t, func(t *testing.T, s *portaldb.Seed, today domain.Date) {
		if n := len(s.News); n < 6 || n > 8 {
			t.Errorf("%d news", n)
		}
		for i, n := range s.News {
			if n.PublishedOn.After(today) || n.PublishedOn.Before(today.AddDays(-400)) {
				t.Errorf("news %q published on %v, today %v", n.Title, n.PublishedOn, today)
			}
			if i > 0 && n.PublishedOn.After(s.News[i-1].PublishedOn) {
				t.Errorf("news not newest first: %v after %v", n.PublishedOn, s.News[i-1].PublishedOn)
			}
		}
		if len(s.Offices) < 4 || len(s.FAQ) < 8 || len(s.About) < 2 {
			t.Errorf("%d offices, %d FAQ entries, %d about sections", len(s.Offices), len(s.FAQ), len(s.About))
		}
		var text strings.Builder
		for _, n := range s.News {
			text.WriteString(n.Title + " " + n.Body + " ")
		}
		for _, f := range s.FAQ {
			text.WriteString(f.Question + " " + f.Answer + " ")
		}
		all := strings.ToLower(text.String())
		for _, w := range []string{"показания", "показаний", "счётчик", "счётчика", "пароль", "оплата", "оплатить", "поверк", "«чужой компьютер»", "расчётн"} {
			if !strings.Contains(all, w) {
				t.Errorf("news and FAQ never say %q", w)
			}
		}
	})
}

func TestLoadsIntoTheDatabase(t *testing.T) {
	ctx := context.Background()
	now := moments[0]
	s := build(t, now)
	db, err := portaldb.Open(ctx, filepath.Join(t.TempDir(), "demo.db"), portaldb.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.LoadSeed(ctx, s); err != nil {
		t.Fatalf("LoadSeed: %v", err)
	}
	err = db.Read(ctx, func(tx *portaldb.Tx) error {
		for _, sc := range s.Customers {
			c, err := tx.CustomerByNumber(ctx, sc.Number)
			if err != nil {
				t.Errorf("customer %s: %v", sc.Number, err)
				continue
			}
			if c.PasswordHash != sc.PasswordHash {
				t.Errorf("customer %s: password hash %q", sc.Number, c.PasswordHash)
			}
			for _, sa := range sc.Accounts {
				ref, err := tx.AccountRef(ctx, c.ID, sa.Number)
				if err != nil {
					t.Errorf("account %s: %v", sa.Number, err)
					continue
				}
				doc, err := tx.Document(ctx, ref, 0, domain.AlwaysOpen)
				if err != nil {
					t.Errorf("account %s: %v", sa.Number, err)
					continue
				}
				checkDocument(t, sa, doc, now)
			}
		}
		news, err := tx.News(ctx)
		if err != nil || len(news) != len(s.News) {
			t.Errorf("news: %d, %v", len(news), err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func checkDocument(t *testing.T, sa portaldb.SeedAccount, doc *domain.AccountDocument, now time.Time) {
	t.Helper()
	if len(doc.Invoices) != len(sa.Invoices) || len(doc.Payments) != len(sa.Payments) || len(doc.Meters) != len(sa.Meters) {
		t.Errorf("account %s: %d invoices, %d payments, %d meters stored", sa.Number, len(doc.Invoices), len(doc.Payments), len(doc.Meters))
		return
	}
	last := sa.Invoices[len(sa.Invoices)-1]
	want := last.TotalDue
	for _, p := range sa.Payments {
		if !p.PaidOn.Before(last.IssuedOn) {
			want -= p.Amount
		}
	}
	if doc.Balance.Debt != want {
		t.Errorf("account %s: debt %v, want %v", sa.Number, doc.Balance.Debt, want)
	}
	for _, inv := range doc.Invoices {
		if inv.Total() != inv.TotalDue {
			t.Errorf("account %s, %v: stored invoice adds up to %v, total %v", sa.Number, inv.Period, inv.Total(), inv.TotalDue)
		}
	}
	// The visitor can send this month's reading: the meter's usual
	// consumption on top of the last one passes every rule.
	for _, m := range doc.Meters {
		if !m.Active() {
			continue
		}
		values := map[domain.Zone]string{}
		for _, z := range m.Zones {
			values[z.Code] = (z.LastValue + domain.DecimalFromInt(10)).String()
		}
		if _, err := domain.CheckReading(&m, domain.Submission{Values: values}, now, domain.AlwaysOpen); err != nil {
			t.Errorf("account %s, meter %s: a normal reading is refused: %v", sa.Number, m.Serial, err)
		}
		if m.AverageMonthly <= 0 {
			t.Errorf("account %s, meter %s: no average consumption", sa.Number, m.Serial)
		}
	}
}

func TestLongHistoryHasYearsOfMonths(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, domain.Moscow)
	s, err := demo.LongHistory(now, 10, fakeHash)
	if err != nil {
		t.Fatal(err)
	}
	a := s.Customers[0].Accounts[0]
	if n := len(a.Invoices); n != 120 {
		t.Errorf("%d invoices in 10 years", n)
	}
	checkInvoices(t, a, domain.DateOf(now, domain.Moscow))
	checkReadings(t, a, domain.DateOf(now, domain.Moscow))
	db, err := portaldb.Open(context.Background(), filepath.Join(t.TempDir(), "long.db"), portaldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.LoadSeed(context.Background(), s); err != nil {
		t.Fatal(err)
	}
}
