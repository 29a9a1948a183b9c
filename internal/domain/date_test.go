package domain_test

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"kabinet/internal/domain"
)

func TestDateOfUsesTheGivenZone(t *testing.T) {
	// 21:30 UTC on 19 November is already the 20th in Moscow (UTC+3).
	now := time.Date(2026, 11, 19, 21, 30, 0, 0, time.UTC)
	if got, want := domain.DateOf(now, domain.Moscow), (domain.Date{Year: 2026, Month: 11, Day: 20}); got != want {
		t.Errorf("DateOf(Moscow) = %v, want %v", got, want)
	}
	if got, want := domain.DateOf(now, time.UTC), (domain.Date{Year: 2026, Month: 11, Day: 19}); got != want {
		t.Errorf("DateOf(UTC) = %v, want %v", got, want)
	}
	// New Year comes three hours earlier in Moscow.
	ny := time.Date(2026, 12, 31, 21, 0, 0, 0, time.UTC)
	if got := domain.DateOf(ny, domain.Moscow); got != (domain.Date{Year: 2027, Month: 1, Day: 1}) {
		t.Errorf("DateOf(%v, Moscow) = %v, want 2027-01-01", ny, got)
	}
}

func TestNewDateNormalises(t *testing.T) {
	tests := []struct {
		y    int
		m    time.Month
		d    int
		want domain.Date
	}{
		{2026, 1, 32, domain.Date{Year: 2026, Month: 2, Day: 1}},
		{2026, 3, 0, domain.Date{Year: 2026, Month: 2, Day: 28}},
		{2024, 3, 0, domain.Date{Year: 2024, Month: 2, Day: 29}},
		{2026, 13, 1, domain.Date{Year: 2027, Month: 1, Day: 1}},
		{2026, 11, 20, domain.Date{Year: 2026, Month: 11, Day: 20}},
	}
	for _, tt := range tests {
		if got := domain.NewDate(tt.y, tt.m, tt.d); got != tt.want {
			t.Errorf("NewDate(%d, %d, %d) = %v, want %v", tt.y, tt.m, tt.d, got, tt.want)
		}
	}
}

func TestParseDate(t *testing.T) {
	got, err := domain.ParseDate("2026-11-20")
	if err != nil || got != (domain.Date{Year: 2026, Month: 11, Day: 20}) {
		t.Errorf("ParseDate = %v, %v", got, err)
	}
	for _, in := range []string{"", "20.11.2026", "2026-02-30", "2026-13-01", "2026-11-20T00:00:00Z", "2026-1-5"} {
		if d, err := domain.ParseDate(in); err == nil {
			t.Errorf("ParseDate(%q) = %v, want an error", in, d)
		}
	}
}

func TestDateFormats(t *testing.T) {
	d := domain.Date{Year: 2026, Month: 1, Day: 5}
	if got := d.String(); got != "2026-01-05" {
		t.Errorf("String = %q", got)
	}
	if got := d.Russian(); got != "05.01.2026" {
		t.Errorf("Russian = %q, want 05.01.2026", got)
	}
	if got := (domain.Date{Year: 2026, Month: 11, Day: 20}).Russian(); got != "20.11.2026" {
		t.Errorf("Russian = %q, want 20.11.2026", got)
	}
	var zero domain.Date
	if !zero.IsZero() || zero.String() != "" || zero.Russian() != "" {
		t.Errorf("zero Date: IsZero %v, String %q, Russian %q", zero.IsZero(), zero.String(), zero.Russian())
	}
	if d.IsZero() {
		t.Error("a real date is zero")
	}
}

func TestPeriodRussian(t *testing.T) {
	tests := []struct {
		p    domain.Period
		want string
	}{
		{domain.Period{Year: 2026, Month: 11}, "ноябрь 2026"},
		{domain.Period{Year: 2027, Month: 1}, "январь 2027"},
		{domain.Period{Year: 2026, Month: 5}, "май 2026"},
	}
	for _, tt := range tests {
		if got := tt.p.Russian(); got != tt.want {
			t.Errorf("%v.Russian() = %q, want %q", tt.p, got, tt.want)
		}
	}
	for m, want := range map[time.Month]string{1: "января", 3: "марта", 5: "мая", 8: "августа", 11: "ноября", 12: "декабря", 0: "", 13: ""} {
		if got := domain.MonthGenitive(m); got != want {
			t.Errorf("MonthGenitive(%d) = %q, want %q", m, got, want)
		}
	}
}

func TestDateJSON(t *testing.T) {
	type doc struct {
		D domain.Date  `json:"d"`
		O domain.Date  `json:"o,omitzero"`
		P *domain.Date `json:"p"`
	}
	b, err := json.Marshal(doc{D: domain.Date{Year: 2026, Month: 11, Day: 20}})
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"d":"2026-11-20","p":null}` {
		t.Errorf("Marshal = %s", b)
	}
	b, _ = json.Marshal(doc{})
	if string(b) != `{"d":null,"p":null}` {
		t.Errorf("Marshal of zero dates = %s, want null", b)
	}

	var d doc
	if err := json.Unmarshal([]byte(`{"d":"2026-11-20","o":null}`), &d); err != nil {
		t.Fatal(err)
	}
	if d.D != (domain.Date{Year: 2026, Month: 11, Day: 20}) || !d.O.IsZero() {
		t.Errorf("Unmarshal = %+v", d)
	}
	d = doc{D: domain.Date{Year: 2020, Month: 1, Day: 1}}
	if err := json.Unmarshal([]byte(`{"d":null}`), &d); err != nil || !d.D.IsZero() {
		t.Errorf("null → %v, %v; want the zero Date", d.D, err)
	}
	for _, in := range []string{`{"d":"20.11.2026"}`, `{"d":20261120}`, `{"d":"2026-02-30"}`, `{"d":""}`} {
		if err := json.Unmarshal([]byte(in), &d); err == nil {
			t.Errorf("Unmarshal(%s) = %v, want an error", in, d.D)
		}
	}

	rng := rand.New(rand.NewPCG(11, 12))
	start := domain.Date{Year: 1990, Month: 1, Day: 1}
	for range 1000 {
		want := start.AddDays(rng.IntN(40000))
		b, err := json.Marshal(want)
		if err != nil {
			t.Fatal(err)
		}
		var got domain.Date
		if err := json.Unmarshal(b, &got); err != nil || got != want {
			t.Fatalf("round trip of %v via %s = %v, %v", want, b, got, err)
		}
	}
}

func TestPeriodJSON(t *testing.T) {
	for _, p := range []domain.Period{
		{Year: 2026, Month: 11},
		{Year: 2027, Month: 1},
		{}, // «not known» must survive a trip through the API too
	} {
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("Marshal(%v): %v", p, err)
		}
		var got domain.Period
		if err := json.Unmarshal(b, &got); err != nil || got != p {
			t.Errorf("round trip of %#v via %s = %#v, %v", p, b, got, err)
		}
	}
	b, _ := json.Marshal(domain.Period{Year: 2026, Month: 3})
	if string(b) != `"2026-03"` {
		t.Errorf("Marshal = %s, want \"2026-03\"", b)
	}
	var p domain.Period
	for _, in := range []string{`"2026-13"`, `"2026-3"`, `"03.2026"`, `202603`, `"2026-03-01"`} {
		if err := json.Unmarshal([]byte(in), &p); err == nil {
			t.Errorf("Unmarshal(%s) = %v, want an error", in, p)
		}
	}
	if got, err := domain.ParsePeriod("2026-11"); err != nil || got != (domain.Period{Year: 2026, Month: 11}) {
		t.Errorf("ParsePeriod = %v, %v", got, err)
	}
}

func TestPeriodAddMonths(t *testing.T) {
	tests := []struct {
		p    domain.Period
		n    int
		want domain.Period
	}{
		{domain.Period{Year: 2026, Month: 11}, 0, domain.Period{Year: 2026, Month: 11}},
		{domain.Period{Year: 2026, Month: 11}, 1, domain.Period{Year: 2026, Month: 12}},
		{domain.Period{Year: 2026, Month: 12}, 1, domain.Period{Year: 2027, Month: 1}},
		{domain.Period{Year: 2026, Month: 11}, 3, domain.Period{Year: 2027, Month: 2}},
		{domain.Period{Year: 2026, Month: 1}, -1, domain.Period{Year: 2025, Month: 12}},
		{domain.Period{Year: 2026, Month: 6}, 12, domain.Period{Year: 2027, Month: 6}},
		{domain.Period{Year: 2026, Month: 6}, -25, domain.Period{Year: 2024, Month: 5}},
		{domain.Period{Year: 2026, Month: 6}, 30, domain.Period{Year: 2028, Month: 12}},
	}
	for _, tt := range tests {
		got := tt.p.AddMonths(tt.n)
		if got != tt.want {
			t.Errorf("%v.AddMonths(%d) = %v, want %v", tt.p, tt.n, got, tt.want)
		}
		if m := tt.p.MonthsUntil(got); m != tt.n {
			t.Errorf("%v.MonthsUntil(%v) = %d, want %d", tt.p, got, m, tt.n)
		}
		if (tt.n > 0) != tt.p.Before(got) {
			t.Errorf("%v.Before(%v) = %v", tt.p, got, tt.p.Before(got))
		}
	}
}

func TestPeriodFirstLast(t *testing.T) {
	tests := []struct {
		p    domain.Period
		last int
	}{
		{domain.Period{Year: 2024, Month: 2}, 29}, // leap year
		{domain.Period{Year: 2026, Month: 2}, 28},
		{domain.Period{Year: 2000, Month: 2}, 29}, // divisible by 400
		{domain.Period{Year: 2100, Month: 2}, 28}, // divisible by 100 only
		{domain.Period{Year: 2026, Month: 4}, 30},
		{domain.Period{Year: 2026, Month: 11}, 30},
		{domain.Period{Year: 2026, Month: 12}, 31},
		{domain.Period{Year: 2026, Month: 1}, 31},
	}
	for _, tt := range tests {
		if got, want := tt.p.Last(), (domain.Date{Year: tt.p.Year, Month: tt.p.Month, Day: tt.last}); got != want {
			t.Errorf("%v.Last() = %v, want %v", tt.p, got, want)
		}
		if got, want := tt.p.First(), (domain.Date{Year: tt.p.Year, Month: tt.p.Month, Day: 1}); got != want {
			t.Errorf("%v.First() = %v, want %v", tt.p, got, want)
		}
		if got := tt.p.Last().Period(); got != tt.p {
			t.Errorf("%v.Last().Period() = %v", tt.p, got)
		}
	}
}

func TestDateDaysUntil(t *testing.T) {
	tests := []struct {
		from, to domain.Date
		want     int
	}{
		{domain.Date{Year: 2026, Month: 11, Day: 20}, domain.Date{Year: 2026, Month: 11, Day: 20}, 0},
		{domain.Date{Year: 2026, Month: 11, Day: 20}, domain.Date{Year: 2026, Month: 11, Day: 25}, 5},
		{domain.Date{Year: 2026, Month: 11, Day: 25}, domain.Date{Year: 2026, Month: 11, Day: 20}, -5},
		{domain.Date{Year: 2026, Month: 1, Day: 1}, domain.Date{Year: 2026, Month: 12, Day: 31}, 364},
		{domain.Date{Year: 2024, Month: 1, Day: 1}, domain.Date{Year: 2024, Month: 12, Day: 31}, 365},
		{domain.Date{Year: 2024, Month: 2, Day: 28}, domain.Date{Year: 2024, Month: 3, Day: 1}, 2},
		{domain.Date{Year: 2026, Month: 2, Day: 28}, domain.Date{Year: 2026, Month: 3, Day: 1}, 1},
		{domain.Date{Year: 2026, Month: 12, Day: 31}, domain.Date{Year: 2027, Month: 1, Day: 1}, 1},
		// Across the last Sunday of March, when much of the world moves
		// its clocks.
		{domain.Date{Year: 2026, Month: 3, Day: 28}, domain.Date{Year: 2026, Month: 3, Day: 30}, 2},
	}
	for _, tt := range tests {
		if got := tt.from.DaysUntil(tt.to); got != tt.want {
			t.Errorf("%v.DaysUntil(%v) = %d, want %d", tt.from, tt.to, got, tt.want)
		}
	}
	rng := rand.New(rand.NewPCG(13, 14))
	base := domain.Date{Year: 2000, Month: 1, Day: 1}
	for range 2000 {
		d := base.AddDays(rng.IntN(20000))
		n := rng.IntN(4000) - 2000
		if got := d.DaysUntil(d.AddDays(n)); got != n {
			t.Fatalf("%v.DaysUntil(%v.AddDays(%d)) = %d", d, d, n, got)
		}
	}
}

func TestDateCompare(t *testing.T) {
	a := domain.Date{Year: 2026, Month: 11, Day: 20}
	later := []domain.Date{
		{Year: 2026, Month: 11, Day: 21},
		{Year: 2026, Month: 12, Day: 1},
		{Year: 2027, Month: 1, Day: 1},
	}
	for _, b := range later {
		if !a.Before(b) || a.After(b) || a.Compare(b) != -1 || b.Compare(a) != 1 || !b.After(a) {
			t.Errorf("%v vs %v: Before %v After %v Compare %d", a, b, a.Before(b), a.After(b), a.Compare(b))
		}
	}
	if a.Compare(a) != 0 || a.Before(a) || a.After(a) {
		t.Errorf("a date compared with itself")
	}
}

func TestDateAddYears(t *testing.T) {
	// A meter verified on 29 February is due again on 1 March.
	if got := (domain.Date{Year: 2024, Month: 2, Day: 29}).AddYears(1); got != (domain.Date{Year: 2025, Month: 3, Day: 1}) {
		t.Errorf("29.02.2024 + 1 year = %v", got)
	}
	if got := (domain.Date{Year: 2024, Month: 2, Day: 29}).AddYears(4); got != (domain.Date{Year: 2028, Month: 2, Day: 29}) {
		t.Errorf("29.02.2024 + 4 years = %v", got)
	}
	m := domain.Meter{VerifiedOn: domain.Date{Year: 2020, Month: 6, Day: 15}, VerificationYears: 16}
	if got := m.NextVerificationDate(); got != (domain.Date{Year: 2036, Month: 6, Day: 15}) {
		t.Errorf("NextVerificationDate = %v", got)
	}
	if got := (&domain.Meter{VerificationYears: 16}).NextVerificationDate(); !got.IsZero() {
		t.Errorf("NextVerificationDate without a verification date = %v, want zero", got)
	}
}

func TestDateTimeIsMidnightInZone(t *testing.T) {
	d := domain.Date{Year: 2026, Month: 11, Day: 20}
	tm := d.Time(domain.Moscow)
	if tm.Hour() != 0 || tm.Minute() != 0 || domain.DateOf(tm, domain.Moscow) != d {
		t.Errorf("Time(Moscow) = %v", tm)
	}
	if want := time.Date(2026, 11, 19, 21, 0, 0, 0, time.UTC); !tm.Equal(want) {
		t.Errorf("Time(Moscow) = %v, want %v", tm.UTC(), want)
	}
}

func TestParseTypedDateBySpacesOrCommas(t *testing.T) {
	for _, in := range []string{"14 03 1948", " 14  3 1948 ", "14,03,1948", "14. 3. 1948"} {
		if d, err := domain.ParseTypedDate(in); err != nil || d.String() != "1948-03-14" {
			t.Errorf("ParseTypedDate(%q) = %v, %v", in, d, err)
		}
	}
	if _, err := domain.ParseTypedDate("14031948"); err == nil {
		t.Error("digits without separators were read as a date")
	}
}
