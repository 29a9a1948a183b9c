package domain_test

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"kabinet/internal/domain"
)

// kwh reads a value the way a test author writes it; the reference is
// math/big, not the code under test.
func kwh(t testing.TB, s string) domain.Decimal {
	t.Helper()
	return domain.Decimal(hundredths(t, s))
}

// The reference month: the last readings were taken on 20 October, today is
// 20 November, inside the 18th–25th window.
var (
	lastDate = date(2026, 10, 20)
	today    = msk(2026, 11, 20, 12, 0)
)

type zoneLast struct {
	code  domain.Zone
	value string
}

// newMeter returns an active five-digit meter with one fraction digit whose
// zones were last read on lastDate, using about 200 kWh a month.
func newMeter(t testing.TB, zones ...zoneLast) *domain.Meter {
	m := &domain.Meter{
		ID: "m-1", Serial: "0123456", Model: "Меркурий 201",
		Digits: 5, FractionDigits: 1,
		AverageMonthly: kwh(t, "200"),
	}
	for _, z := range zones {
		m.Zones = append(m.Zones, domain.MeterZone{
			Code: z.code, Name: domain.ZoneName(z.code, len(zones)),
			LastValue: kwh(t, z.value), LastDate: lastDate,
		})
	}
	return m
}

func TestCheckReading(t *testing.T) {
	type tc struct {
		name   string
		meter  func(*domain.Meter) // adjusts the meter, may be nil
		zones  []zoneLast
		sub    domain.Submission
		now    time.Time
		window domain.SubmissionWindow
		// An accepted reading:
		consumption map[domain.Zone]string
		rollover    map[domain.Zone]bool
		period      domain.Period
		takenOn     domain.Date
		// A refused one:
		code    domain.Code
		field   string
		params  map[string]string
		message []string // fragments the message must contain
	}
	one := []zoneLast{{domain.T1, "12345"}}
	two := []zoneLast{{domain.T1, "10000"}, {domain.T2, "5000,5"}}
	three := []zoneLast{{domain.T1, "3000"}, {domain.T2, "4000"}, {domain.T3, "5000"}}
	vals := func(kv ...string) map[domain.Zone]string {
		m := map[domain.Zone]string{}
		for i := 0; i < len(kv); i += 2 {
			m[domain.Zone(kv[i])] = kv[i+1]
		}
		return m
	}
	nov := domain.Period{Year: 2026, Month: 11}
	tests := []tc{
		{name: "single zone accepted", zones: one,
			sub: domain.Submission{Values: vals("t1", "12545,5")}, now: today, window: domain.DefaultWindow,
			consumption: map[domain.Zone]string{"t1": "200.5"}, period: nov, takenOn: date(2026, 11, 20)},
		{name: "dot separator and spaces around", zones: one,
			sub: domain.Submission{Values: vals("t1", " 12400.3 ")}, now: today, window: domain.DefaultWindow,
			consumption: map[domain.Zone]string{"t1": "55.3"}, period: nov, takenOn: date(2026, 11, 20)},
		{name: "same as previous: nothing used", zones: one,
			sub: domain.Submission{Values: vals("t1", "12345")}, now: today, window: domain.DefaultWindow,
			consumption: map[domain.Zone]string{"t1": "0"}, period: nov, takenOn: date(2026, 11, 20)},
		{name: "two zones accepted", zones: two,
			sub: domain.Submission{Values: vals("t1", "10150", "t2", "5080,7")}, now: today, window: domain.AlwaysOpen,
			consumption: map[domain.Zone]string{"t1": "150", "t2": "80.2"}, period: nov, takenOn: date(2026, 11, 20)},
		{name: "three zones accepted", zones: three,
			sub: domain.Submission{Values: vals("t1", "3100", "t2", "4050,5", "t3", "5049,9")}, now: today, window: domain.DefaultWindow,
			consumption: map[domain.Zone]string{"t1": "100", "t2": "50.5", "t3": "49.9"}, period: nov, takenOn: date(2026, 11, 20)},
		{name: "two zones, night missing", zones: two,
			sub: domain.Submission{Values: vals("t1", "10150")}, now: today, window: domain.DefaultWindow,
			code: domain.CodeEmpty, field: "t2", message: []string{"Ночь"}},
		{name: "three zones, peak missing", zones: three,
			sub: domain.Submission{Values: vals("t2", "4050", "t3", "5050")}, now: today, window: domain.DefaultWindow,
			code: domain.CodeEmpty, field: "t1", message: []string{"Пик"}},
		{name: "two zones, night left blank", zones: two,
			sub: domain.Submission{Values: vals("t1", "10150", "t2", "  ")}, now: today, window: domain.DefaultWindow,
			code: domain.CodeEmpty, field: "t2"},
		{name: "single zone, second value sent", zones: one,
			sub: domain.Submission{Values: vals("t1", "12400", "t2", "100")}, now: today, window: domain.DefaultWindow,
			code: domain.CodeZoneMismatch, field: "t2", message: []string{"0123456"}},
		{name: "two zones, third value sent", zones: two,
			sub: domain.Submission{Values: vals("t1", "10150", "t2", "5080", "t3", "1")}, now: today, window: domain.DefaultWindow,
			code: domain.CodeZoneMismatch, field: "t3"},
		{name: "a typo is reported with its zone", zones: two,
			sub: domain.Submission{Values: vals("t1", "10150", "t2", "5О80")}, now: today, window: domain.DefaultWindow,
			code: domain.CodeNotANumber, field: "t2"},
		{name: "too many digits for the register", zones: one,
			sub: domain.Submission{Values: vals("t1", "123456")}, now: today, window: domain.DefaultWindow,
			code: domain.CodeTooManyDigits, field: "t1", message: []string{"5 цифр"}},
		{name: "lower than previous", zones: one, meter: func(m *domain.Meter) { m.FractionDigits = 0 },
			sub: domain.Submission{Values: vals("t1", "12300")}, now: today, window: domain.DefaultWindow,
			code: domain.CodeLowerThanPrevious, field: "t1",
			params:  map[string]string{"previous": "12345", "previous_date": "2026-10-20"},
			message: []string{"12" + nnbsp + "345", "20.10.2026"}},
		{name: "lower than previous even with confirmation", zones: one,
			sub: domain.Submission{Values: vals("t1", "12300"), Confirm: true}, now: today, window: domain.DefaultWindow,
			code: domain.CodeLowerThanPrevious, field: "t1",
			params:  map[string]string{"previous": "12345", "previous_date": "2026-10-20"},
			message: []string{"12" + nnbsp + "345"}},
		{name: "lower than previous in the night zone", zones: two,
			sub: domain.Submission{Values: vals("t1", "10150", "t2", "5000")}, now: today, window: domain.DefaultWindow,
			code: domain.CodeLowerThanPrevious, field: "t2",
			params:  map[string]string{"previous": "5000.5", "previous_date": "2026-10-20"},
			message: []string{"5000,5"}},
		{name: "rollover needs confirmation", zones: []zoneLast{{domain.T1, "99950"}},
			sub: domain.Submission{Values: vals("t1", "12")}, now: today, window: domain.DefaultWindow,
			code: domain.CodeNeedsConfirmation, params: map[string]string{"reason": "rollover"}},
		{name: "rollover confirmed", zones: []zoneLast{{domain.T1, "99950"}},
			sub: domain.Submission{Values: vals("t1", "12"), Confirm: true}, now: today, window: domain.DefaultWindow,
			// 99 950 → 99 999.9 → 0 → 12: 100 000 − 99 950 + 12.
			consumption: map[domain.Zone]string{"t1": "62"}, rollover: map[domain.Zone]bool{"t1": true},
			period: nov, takenOn: date(2026, 11, 20)},
		{name: "rollover confirmed in the night zone only", zones: []zoneLast{{domain.T1, "50000"}, {domain.T2, "99990,5"}},
			sub: domain.Submission{Values: vals("t1", "50100", "t2", "9,5"), Confirm: true}, now: today, window: domain.DefaultWindow,
			consumption: map[domain.Zone]string{"t1": "100", "t2": "19"}, rollover: map[domain.Zone]bool{"t2": true},
			period: nov, takenOn: date(2026, 11, 20)},
		{name: "implausible rollover from the middle of the scale", zones: []zoneLast{{domain.T1, "50000"}},
			sub: domain.Submission{Values: vals("t1", "12"), Confirm: true}, now: today, window: domain.DefaultWindow,
			code: domain.CodeLowerThanPrevious, field: "t1", params: map[string]string{"previous": "50000"}},
		{name: "implausible rollover to the middle of the scale", zones: []zoneLast{{domain.T1, "99950"}},
			sub: domain.Submission{Values: vals("t1", "50000"), Confirm: true}, now: today, window: domain.DefaultWindow,
			code: domain.CodeLowerThanPrevious, field: "t1"},
		{name: "jump above three times the average", zones: one,
			sub: domain.Submission{Values: vals("t1", "12945,1")}, now: today, window: domain.DefaultWindow,
			code: domain.CodeNeedsConfirmation, params: map[string]string{"reason": "jump", "consumption": "600.1", "average_monthly": "200"}},
		{name: "jump confirmed", zones: one,
			sub: domain.Submission{Values: vals("t1", "12945,1"), Confirm: true}, now: today, window: domain.DefaultWindow,
			consumption: map[domain.Zone]string{"t1": "600.1"}, period: nov, takenOn: date(2026, 11, 20)},
		{name: "exactly three times the average", zones: one,
			sub: domain.Submission{Values: vals("t1", "12945")}, now: today, window: domain.DefaultWindow,
			consumption: map[domain.Zone]string{"t1": "600"}, period: nov, takenOn: date(2026, 11, 20)},
		{name: "jump counts all zones together", zones: two,
			sub: domain.Submission{Values: vals("t1", "10400", "t2", "5201")}, now: today, window: domain.DefaultWindow,
			code: domain.CodeNeedsConfirmation, params: map[string]string{"reason": "jump", "consumption": "600.5"}},
		{name: "three months since the last reading: twice the three-month limit of one month",
			zones: one, meter: func(m *domain.Meter) { m.Zones[0].LastDate = date(2026, 8, 20) },
			// 3 × 200 × 2 = 1200 kWh: too much for a month, normal for three.
			sub: domain.Submission{Values: vals("t1", "13545")}, now: today, window: domain.DefaultWindow,
			consumption: map[domain.Zone]string{"t1": "1200"}, period: nov, takenOn: date(2026, 11, 20)},
		{name: "three months since the last reading: exactly the limit",
			zones: one, meter: func(m *domain.Meter) { m.Zones[0].LastDate = date(2026, 8, 20) },
			sub: domain.Submission{Values: vals("t1", "14145")}, now: today, window: domain.DefaultWindow,
			consumption: map[domain.Zone]string{"t1": "1800"}, period: nov, takenOn: date(2026, 11, 20)},
		{name: "three months since the last reading: above the limit",
			zones: one, meter: func(m *domain.Meter) { m.Zones[0].LastDate = date(2026, 8, 20) },
			sub: domain.Submission{Values: vals("t1", "14145,1")}, now: today, window: domain.DefaultWindow,
			code: domain.CodeNeedsConfirmation, params: map[string]string{"reason": "jump"}},
		{name: "two and a half months count as three",
			zones: one, meter: func(m *domain.Meter) { m.Zones[0].LastDate = date(2026, 9, 3) },
			// 78 days ≈ 2.6 months: up to 3 × 200 × 3 = 1800 kWh.
			sub: domain.Submission{Values: vals("t1", "14045")}, now: today, window: domain.DefaultWindow,
			consumption: map[domain.Zone]string{"t1": "1700"}, period: nov, takenOn: date(2026, 11, 20)},
		{name: "a week since the last reading counts as a month",
			zones: one, meter: func(m *domain.Meter) { m.Zones[0].LastDate = date(2026, 11, 13) },
			sub: domain.Submission{Values: vals("t1", "12945")}, now: today, window: domain.DefaultWindow,
			consumption: map[domain.Zone]string{"t1": "600"}, period: nov, takenOn: date(2026, 11, 20)},
		{name: "no average yet: any consumption", zones: one, meter: func(m *domain.Meter) { m.AverageMonthly = 0 },
			sub: domain.Submission{Values: vals("t1", "20000")}, now: today, window: domain.DefaultWindow,
			consumption: map[domain.Zone]string{"t1": "7655"}, period: nov, takenOn: date(2026, 11, 20)},
		{name: "before the window", zones: one,
			sub: domain.Submission{Values: vals("t1", "12400")}, now: msk(2026, 11, 10, 12, 0), window: domain.DefaultWindow,
			code:   domain.CodeOutsideWindow,
			params: map[string]string{"window_start": "2026-11-18", "window_end": "2026-11-25"}},
		{name: "after the window", zones: one,
			sub: domain.Submission{Values: vals("t1", "12400")}, now: msk(2026, 11, 26, 12, 0), window: domain.DefaultWindow,
			code:   domain.CodeOutsideWindow,
			params: map[string]string{"window_start": "2026-12-18", "window_end": "2026-12-25"}},
		{name: "after December's window", zones: one,
			sub: domain.Submission{Values: vals("t1", "12400")}, now: msk(2026, 12, 26, 12, 0), window: domain.DefaultWindow,
			code:   domain.CodeOutsideWindow,
			params: map[string]string{"window_start": "2027-01-18", "window_end": "2027-01-25"}},
		{name: "23:30 UTC on the 17th is the 18th in Moscow", zones: one,
			sub: domain.Submission{Values: vals("t1", "12400")}, now: time.Date(2026, 11, 17, 23, 30, 0, 0, time.UTC), window: domain.DefaultWindow,
			consumption: map[domain.Zone]string{"t1": "55"}, period: nov, takenOn: date(2026, 11, 18)},
		{name: "21:30 UTC on the 25th is the 26th in Moscow", zones: one,
			sub: domain.Submission{Values: vals("t1", "12400")}, now: time.Date(2026, 11, 25, 21, 30, 0, 0, time.UTC), window: domain.DefaultWindow,
			code: domain.CodeOutsideWindow, params: map[string]string{"today": "2026-11-26"}},
		{name: "the period is Moscow's month", zones: one,
			sub: domain.Submission{Values: vals("t1", "12400")}, now: time.Date(2026, 11, 30, 22, 0, 0, 0, time.UTC), window: domain.AlwaysOpen,
			consumption: map[domain.Zone]string{"t1": "55"}, period: domain.Period{Year: 2026, Month: 12}, takenOn: date(2026, 12, 1)},
		{name: "taken today by Moscow's calendar", zones: one,
			sub: domain.Submission{Values: vals("t1", "12400"), TakenOn: date(2026, 11, 20)}, now: time.Date(2026, 11, 19, 22, 0, 0, 0, time.UTC), window: domain.DefaultWindow,
			consumption: map[domain.Zone]string{"t1": "55"}, period: nov, takenOn: date(2026, 11, 20)},
		{name: "taken tomorrow", zones: one,
			sub: domain.Submission{Values: vals("t1", "12400"), TakenOn: date(2026, 11, 21)}, now: today, window: domain.DefaultWindow,
			code: domain.CodeTakenInFuture, field: "taken_on", message: []string{"21.11.2026"}},
		{name: "taken yesterday", zones: one,
			sub: domain.Submission{Values: vals("t1", "12400"), TakenOn: date(2026, 11, 19)}, now: today, window: domain.DefaultWindow,
			consumption: map[domain.Zone]string{"t1": "55"}, period: nov, takenOn: date(2026, 11, 19)},
		{name: "taken before the last reading", zones: one, meter: func(m *domain.Meter) { m.Zones[0].LastDate = date(2026, 11, 15) },
			sub: domain.Submission{Values: vals("t1", "12400"), TakenOn: date(2026, 11, 14)}, now: today, window: domain.DefaultWindow,
			code: domain.CodeTakenTooEarly, field: "taken_on", params: map[string]string{"earliest": "2026-11-15"}},
		{name: "taken on the day of the last reading", zones: one, meter: func(m *domain.Meter) { m.Zones[0].LastDate = date(2026, 11, 15) },
			sub: domain.Submission{Values: vals("t1", "12400"), TakenOn: date(2026, 11, 15)}, now: today, window: domain.DefaultWindow,
			consumption: map[domain.Zone]string{"t1": "55"}, period: nov, takenOn: date(2026, 11, 15)},
		{name: "taken before the last reading of another zone", zones: two, meter: func(m *domain.Meter) { m.Zones[1].LastDate = date(2026, 11, 15) },
			sub: domain.Submission{Values: vals("t1", "10150", "t2", "5080"), TakenOn: date(2026, 11, 14)}, now: today, window: domain.DefaultWindow,
			code: domain.CodeTakenTooEarly, field: "taken_on"},
		{name: "taken 32 days ago", zones: one, meter: func(m *domain.Meter) { m.Zones[0].LastDate = date(2026, 8, 1) },
			sub: domain.Submission{Values: vals("t1", "12400"), TakenOn: date(2026, 10, 19)}, now: today, window: domain.DefaultWindow,
			code: domain.CodeTakenTooEarly, field: "taken_on", params: map[string]string{"earliest": "2026-10-20"}, message: []string{"19.10.2026"}},
		{name: "taken 31 days ago", zones: one, meter: func(m *domain.Meter) { m.Zones[0].LastDate = date(2026, 8, 1) },
			sub: domain.Submission{Values: vals("t1", "12400"), TakenOn: date(2026, 10, 20)}, now: today, window: domain.DefaultWindow,
			consumption: map[domain.Zone]string{"t1": "55"}, period: nov, takenOn: date(2026, 10, 20)},
		{name: "removed meter", zones: one, meter: func(m *domain.Meter) { m.RemovedOn = date(2026, 11, 2); m.ReplacedBy = "m-2" },
			sub: domain.Submission{Values: vals("t1", "12400")}, now: today, window: domain.DefaultWindow,
			code: domain.CodeMeterRemoved, params: map[string]string{"replaced_by": "m-2"}, message: []string{"0123456", "02.11.2026"}},
		{name: "removed meter, outside the window too", zones: one, meter: func(m *domain.Meter) { m.RemovedOn = date(2026, 11, 2); m.ReplacedBy = "m-2" },
			sub: domain.Submission{Values: vals("t1", "12400")}, now: msk(2026, 11, 5, 12, 0), window: domain.DefaultWindow,
			code: domain.CodeMeterRemoved, params: map[string]string{"replaced_by": "m-2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMeter(t, tt.zones...)
			if tt.meter != nil {
				tt.meter(m)
			}
			before := *m
			before.Zones = append([]domain.MeterZone(nil), m.Zones...)
			a, err := domain.CheckReading(m, tt.sub, tt.now, tt.window)
			if !slices.Equal(m.Zones, before.Zones) || m.AverageMonthly != before.AverageMonthly {
				t.Errorf("CheckReading changed the meter")
			}
			if tt.code != "" {
				if err == nil {
					t.Fatalf("accepted %+v, want %s", a, tt.code)
				}
				de := asDomainError(t, err)
				if de.Code != tt.code {
					t.Fatalf("code %s, want %s: %s", de.Code, tt.code, de.Message)
				}
				if de.Field != tt.field {
					t.Errorf("field %q, want %q", de.Field, tt.field)
				}
				for k, v := range tt.params {
					if got, ok := de.Params[k]; !ok || got != v {
						t.Errorf("Params[%s] = %q (present %v), want %q; all: %v", k, got, ok, v, de.Params)
					}
				}
				for _, s := range tt.message {
					if !strings.Contains(de.Message, s) {
						t.Errorf("message %q does not contain %q", de.Message, s)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			if a.Period != tt.period || a.TakenOn != tt.takenOn {
				t.Errorf("period %v taken %v, want %v and %v", a.Period, a.TakenOn, tt.period, tt.takenOn)
			}
			want := map[domain.Zone]domain.Decimal{}
			var total domain.Decimal
			for z, s := range tt.consumption {
				want[z] = kwh(t, s)
				total += want[z]
			}
			if !maps.Equal(a.Consumption, want) {
				t.Errorf("consumption %v, want %v", a.Consumption, want)
			}
			if a.Total != total {
				t.Errorf("total %v, want %v", a.Total, total)
			}
			if !maps.Equal(a.Rollover, tt.rollover) {
				t.Errorf("rollover %v, want %v", a.Rollover, tt.rollover)
			}
			// The values are what the person typed.
			for z, text := range tt.sub.Values {
				if v := kwh(t, strings.TrimSpace(text)); a.Values[z] != v {
					t.Errorf("value of %s = %v, want %v", z, a.Values[z], v)
				}
			}
			if len(a.Values) != len(m.Zones) {
				t.Errorf("%d values for %d zones", len(a.Values), len(m.Zones))
			}
		})
	}
}

// TestCheckReadingRemovedWithoutReplacement: a meter taken away without a
// new one has no replaced_by to point to.
func TestCheckReadingRemovedWithoutReplacement(t *testing.T) {
	m := newMeter(t, zoneLast{domain.T1, "12345"})
	m.RemovedOn = date(2026, 11, 2)
	_, err := domain.CheckReading(m, domain.Submission{Values: map[domain.Zone]string{domain.T1: "12400"}}, today, domain.DefaultWindow)
	de := asDomainError(t, err)
	if de.Code != domain.CodeMeterRemoved {
		t.Fatalf("code %s, want %s", de.Code, domain.CodeMeterRemoved)
	}
	if _, ok := de.Params["replaced_by"]; ok {
		t.Errorf("replaced_by %q present without a replacement", de.Params["replaced_by"])
	}
}

// TestCheckReadingRolloverMessageShowsBothValues: the person sees what was
// and what is, formatted the way their register shows it.
func TestCheckReadingRolloverMessageShowsBothValues(t *testing.T) {
	m := newMeter(t, zoneLast{domain.T1, "99950"})
	_, err := domain.CheckReading(m, domain.Submission{Values: map[domain.Zone]string{domain.T1: "12"}}, today, domain.DefaultWindow)
	de := asDomainError(t, err)
	for _, s := range []string{"99" + nnbsp + "950,0", "12,0"} {
		if !strings.Contains(de.Message, s) {
			t.Errorf("message %q does not contain %q", de.Message, s)
		}
	}
}

// TestCheckReadingConsumptionProperty: whenever a reading not below the
// previous one is accepted, the consumption is the difference, per zone.
func TestCheckReadingConsumptionProperty(t *testing.T) {
	for last := int64(0); last < 9_999_999; last += 123_457 {
		for _, used := range []int64{0, 1, 99, 1000, 59_999} {
			m := newMeter(t, zoneLast{domain.T1, "0"})
			m.FractionDigits = 2
			m.Zones[0].LastValue = domain.Decimal(last)
			if last+used >= 10_000_000 {
				continue
			}
			text := domain.Decimal(last + used).Format(2)
			text = strings.ReplaceAll(text, nnbsp, "")
			a, err := domain.CheckReading(m, domain.Submission{Values: map[domain.Zone]string{domain.T1: text}}, today, domain.DefaultWindow)
			if err != nil {
				t.Fatalf("last %d, typed %q: %v", last, text, err)
			}
			if int64(a.Consumption[domain.T1]) != used || int64(a.Total) != used {
				t.Fatalf("last %d, typed %q: consumption %v, want %d hundredths", last, text, a.Consumption, used)
			}
		}
	}
}

// TestCheckReadingSecondOfTheMonth: a reading that replaces the month's
// first is counted, compared and checked as the month's only one, from the
// last accepted reading of an earlier month (12 345 on 20 October), never
// as the step from the reading it replaces.
func TestCheckReadingSecondOfTheMonth(t *testing.T) {
	nov, oct := domain.Period{Year: 2026, Month: 11}, domain.Period{Year: 2026, Month: 10}
	reading := func(p domain.Period, status domain.ReadingStatus, taken domain.Date, submitted, value, used string) domain.Reading {
		r := domain.Reading{ID: value, Period: p, Status: status, TakenOn: taken, SubmittedAt: submitted, Source: domain.SourceCustomer,
			Values: map[domain.Zone]domain.Decimal{domain.T1: kwh(t, value)}}
		if used != "" {
			r.Consumption = map[domain.Zone]domain.Decimal{domain.T1: kwh(t, used)}
		}
		return r
	}
	october := reading(oct, domain.StatusAccepted, lastDate, "2026-10-20T09:00:00Z", "12345", "200")
	// The month's first, sent at 23:30 Moscow time on the 19th (20:30 UTC).
	first := func(value, used string) domain.Reading {
		return reading(nov, domain.StatusAccepted, date(2026, 11, 19), "2026-11-19T20:30:00Z", value, used)
	}
	queued := func(value string) domain.Reading {
		return reading(domain.Period{}, domain.StatusQueued, date(2026, 11, 20), "", value, "")
	}
	tests := []struct {
		name   string
		recent []domain.Reading // newest first
		typed  string
		// Accepted:
		used     string
		from     string
		fromDate domain.Date
		replaces string // the replaced reading's ID; "" for none
		on       domain.Date
		// Refused:
		code   domain.Code
		params map[string]string
	}{
		{name: "second of the month: the month's consumption", recent: []domain.Reading{first("12350", "5"), october},
			typed: "12360", used: "15", from: "12345", fromDate: lastDate, replaces: "12350", on: date(2026, 11, 19)},
		{name: "lower than the month's first, higher than October's: a correction", recent: []domain.Reading{first("12350", "5"), october},
			typed: "12348", used: "3", from: "12345", fromDate: lastDate, replaces: "12350", on: date(2026, 11, 19)},
		{name: "lower than October's", recent: []domain.Reading{first("12350", "5"), october}, typed: "12340",
			code: domain.CodeLowerThanPrevious, params: map[string]string{"previous": "12345", "previous_date": "2026-10-20"}},
		{name: "small steps that add up to a jump", recent: []domain.Reading{first("12845", "500"), october}, typed: "12995",
			code: domain.CodeNeedsConfirmation, params: map[string]string{"reason": "jump", "consumption": "650", "replaces_date": "2026-11-19"}},
		{name: "a step back from a jump is no jump", recent: []domain.Reading{first("12995", "650"), october},
			typed: "12545", used: "200", from: "12345", fromDate: lastDate, replaces: "12995", on: date(2026, 11, 19)},
		{name: "replaces a reading still queued", recent: []domain.Reading{queued("12350"), october},
			typed: "12360", used: "15", from: "12345", fromDate: lastDate, replaces: "12350", on: date(2026, 11, 20)},
		{name: "replaces a queued one that replaces the month's first", recent: []domain.Reading{queued("12355"), first("12350", "5"), october},
			typed: "12352", used: "7", from: "12345", fromDate: lastDate, replaces: "12355", on: date(2026, 11, 20)},
		{name: "the month's first alone: counted from what it was counted from", recent: []domain.Reading{first("12350", "5")},
			typed: "12360", used: "15", from: "12345", replaces: "12350", on: date(2026, 11, 19)},
		{name: "first of the month", recent: []domain.Reading{october},
			typed: "12360", used: "15", from: "12345", fromDate: lastDate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMeter(t, zoneLast{domain.T1, "12345"})
			m.FractionDigits = 0
			m.Recent = tt.recent
			if r := tt.recent[0]; r.Status == domain.StatusAccepted {
				// As the portal fills it: the last accepted reading.
				m.Zones[0].LastValue, m.Zones[0].LastDate = r.Values[domain.T1], r.TakenOn
			}
			a, err := domain.CheckReading(m, domain.Submission{Values: map[domain.Zone]string{domain.T1: tt.typed}}, today, domain.DefaultWindow)
			if tt.code != "" {
				de := asDomainError(t, err)
				if de.Code != tt.code {
					t.Fatalf("code %s, want %s: %s", de.Code, tt.code, de.Message)
				}
				for k, v := range tt.params {
					if de.Params[k] != v {
						t.Errorf("Params[%s] = %q, want %q; all: %v", k, de.Params[k], v, de.Params)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			if a.Total != kwh(t, tt.used) || a.Consumption[domain.T1] != kwh(t, tt.used) {
				t.Errorf("consumption %v (total %v), want %s", a.Consumption, a.Total, tt.used)
			}
			if a.From[domain.T1] != kwh(t, tt.from) || a.FromDate != tt.fromDate {
				t.Errorf("counted from %v of %v, want %s of %v", a.From, a.FromDate, tt.from, tt.fromDate)
			}
			got := ""
			if a.Replaces != nil {
				got = a.Replaces.ID
			}
			if got != tt.replaces || a.ReplacesOn() != tt.on {
				t.Errorf("replaces %q sent %v, want %q sent %v", got, a.ReplacesOn(), tt.replaces, tt.on)
			}
		})
	}
}

// TestCheckReadingJumpMessageNamesTheReplacedReading: the question about a
// jump of the month says it is the month's and which reading it replaces.
func TestCheckReadingJumpMessageNamesTheReplacedReading(t *testing.T) {
	m := newMeter(t, zoneLast{domain.T1, "12845"})
	m.Zones[0].LastDate = date(2026, 11, 19)
	m.Recent = []domain.Reading{
		{Period: domain.Period{Year: 2026, Month: 11}, Status: domain.StatusAccepted, TakenOn: date(2026, 11, 19), SubmittedAt: "2026-11-19T09:00:00Z",
			Values: map[domain.Zone]domain.Decimal{domain.T1: kwh(t, "12845")}, Consumption: map[domain.Zone]domain.Decimal{domain.T1: kwh(t, "500")}},
		{Period: domain.Period{Year: 2026, Month: 10}, Status: domain.StatusAccepted, TakenOn: lastDate,
			Values: map[domain.Zone]domain.Decimal{domain.T1: kwh(t, "12345")}},
	}
	_, err := domain.CheckReading(m, domain.Submission{Values: map[domain.Zone]string{domain.T1: "12995,5"}}, today, domain.DefaultWindow)
	de := asDomainError(t, err)
	for _, s := range []string{"Расход за месяц получился 650,5 кВт·ч", "заменит показания, переданные 19.11", "около 200 кВт·ч"} {
		if !strings.Contains(de.Message, s) {
			t.Errorf("message %q does not contain %q", de.Message, s)
		}
	}
}

func TestFormatKWh(t *testing.T) {
	for _, tt := range []struct {
		v        string
		fraction int
		want     string
	}{
		{"15", 1, "15"}, {"15.5", 1, "15,5"}, {"15.5", 0, "15,5"}, {"15.25", 2, "15,25"}, {"15.2", 2, "15,20"}, {"12345", 2, "12" + nnbsp + "345"},
	} {
		if got := domain.FormatKWh(kwh(t, tt.v), tt.fraction); got != tt.want {
			t.Errorf("FormatKWh(%s, %d) = %q, want %q", tt.v, tt.fraction, got, tt.want)
		}
	}
}
