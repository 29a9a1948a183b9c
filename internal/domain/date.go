package domain

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Moscow is the time zone the supplier keeps its calendar in: the day a
// reading is due, the period an invoice is for. Komi is on Moscow time.
var Moscow = mustLoadMoscow()

func mustLoadMoscow() *time.Location {
	loc, err := time.LoadLocation("Europe/Moscow")
	if err != nil {
		// Machines without tzdata (a bare Windows install without Go's
		// embedded database) still get the right offset: Moscow has kept
		// UTC+3 since 2014.
		return time.FixedZone("MSK", 3*60*60)
	}
	return loc
}

// Date is a calendar day without a time of day or zone, the way a bill or a
// meter passport writes it. The zero Date means "not known".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the calendar day of t in loc.
func DateOf(t time.Time, loc *time.Location) Date {
	y, m, d := t.In(loc).Date()
	return Date{y, m, d}
}

// NewDate returns the date, normalised the way time.Date normalises.
func NewDate(y int, m time.Month, d int) Date {
	return DateOf(time.Date(y, m, d, 0, 0, 0, 0, time.UTC), time.UTC)
}

// ParseDate parses «2026-11-20».
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("date %q: %w", s, err)
	}
	return DateOf(t, time.UTC), nil
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// Time returns midnight of d in loc.
func (d Date) Time(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// String formats d as «2026-11-20», or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// Russian formats d as «20.11.2026».
func (d Date) Russian() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%02d.%02d.%04d", d.Day, d.Month, d.Year)
}

// DayMonth formats d as «05.12», for a date of this or last month.
func (d Date) DayMonth() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%02d.%02d", d.Day, d.Month)
}

// AddDays returns d moved by n days.
func (d Date) AddDays(n int) Date { return NewDate(d.Year, d.Month, d.Day+n) }

// AddYears returns d moved by n years (29 February becomes 1 March).
func (d Date) AddYears(n int) Date { return NewDate(d.Year+n, d.Month, d.Day) }

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is later than e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// Compare returns -1, 0 or +1.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return sign(d.Year - e.Year)
	case d.Month != e.Month:
		return sign(int(d.Month - e.Month))
	default:
		return sign(d.Day - e.Day)
	}
}

// DaysUntil returns the number of days from d to e (negative when e is
// earlier).
func (d Date) DaysUntil(e Date) int {
	return int(e.Time(time.UTC).Sub(d.Time(time.UTC)).Hours() / 24)
}

// Period returns the month d falls in.
func (d Date) Period() Period { return Period{d.Year, d.Month} }

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

// MarshalJSON writes «"2026-11-20"», or null for the zero Date.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return quoted(d.String()), nil
}

// UnmarshalJSON reads what MarshalJSON writes.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("date: %w", err)
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Period is a billing month («расчётный период»).
type Period struct {
	Year  int
	Month time.Month
}

// ParsePeriod parses «2026-11».
func ParsePeriod(s string) (Period, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return Period{}, fmt.Errorf("period %q: %w", s, err)
	}
	return Period{t.Year(), t.Month()}, nil
}

// String formats p as «2026-11».
func (p Period) String() string {
	if p.Year == 0 {
		return ""
	}
	return fmt.Sprintf("%04d-%02d", p.Year, p.Month)
}

var monthNames = [...]string{"", "январь", "февраль", "март", "апрель", "май", "июнь",
	"июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь"}

var monthGenitive = [...]string{"", "января", "февраля", "марта", "апреля", "мая", "июня",
	"июля", "августа", "сентября", "октября", "ноября", "декабря"}

// Russian formats p as «ноябрь 2026».
func (p Period) Russian() string {
	if p.Month < 1 || p.Month > 12 {
		return p.String()
	}
	return fmt.Sprintf("%s %d", monthNames[p.Month], p.Year)
}

// MonthGenitive returns the month's name as in «18 ноября».
func MonthGenitive(m time.Month) string {
	if m < 1 || m > 12 {
		return ""
	}
	return monthGenitive[m]
}

// AddMonths returns p moved by n months.
func (p Period) AddMonths(n int) Period {
	t := time.Date(p.Year, p.Month+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	return Period{t.Year(), t.Month()}
}

// First returns the first day of p.
func (p Period) First() Date { return Date{p.Year, p.Month, 1} }

// Last returns the last day of p.
func (p Period) Last() Date { return p.AddMonths(1).First().AddDays(-1) }

// Before reports whether p is earlier than q.
func (p Period) Before(q Period) bool {
	return p.Year < q.Year || (p.Year == q.Year && p.Month < q.Month)
}

// MonthsUntil returns how many months q is after p.
func (p Period) MonthsUntil(q Period) int {
	return (q.Year-p.Year)*12 + int(q.Month-p.Month)
}

// MarshalJSON writes «"2026-11"».
func (p Period) MarshalJSON() ([]byte, error) { return quoted(p.String()), nil }

// UnmarshalJSON reads what MarshalJSON writes.
func (p *Period) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("period: %w", err)
	}
	if s == "" { // the zero Period, which MarshalJSON writes as ""
		*p = Period{}
		return nil
	}
	v, err := ParsePeriod(s)
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// ParseTypedDate reads a date the way a person types it: «14.03.1948»,
// «14.3.1948», «4.3.1948», with spaces anywhere («14. 3. 1948»), with «/»
// «-» or «,» between the parts, only spaces («14 03 1948»), or as
// «1948-03-14». The year has four digits.
// A day that does not exist (31.02.1948) is an error.
func ParseTypedDate(s string) (Date, error) {
	bad := fmt.Errorf("date %q: not a date", s)
	if !strings.ContainsAny(s, "./-,") {
		// «14 03 1948»: the spaces are what separates the parts.
		s = strings.Join(strings.Fields(s), ".")
	}
	var parts [][]rune
	cur := []rune{}
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			cur = append(cur, r)
		case r == '.' || r == '/' || r == '-' || r == ',':
			parts = append(parts, cur)
			cur = []rune{}
		case r == ' ' || r == '\t' || r == '\u00a0':
		default:
			return Date{}, bad
		}
	}
	parts = append(parts, cur)
	if len(parts) != 3 {
		return Date{}, bad
	}
	num := func(p []rune, minLen, maxLen int) (int, bool) {
		if len(p) < minLen || len(p) > maxLen {
			return 0, false
		}
		n := 0
		for _, r := range p {
			n = n*10 + int(r-'0')
		}
		return n, true
	}
	var y, m, d int
	var ok1, ok2, ok3 bool
	if len(parts[0]) == 4 {
		y, ok1 = num(parts[0], 4, 4)
		m, ok2 = num(parts[1], 1, 2)
		d, ok3 = num(parts[2], 1, 2)
	} else {
		d, ok1 = num(parts[0], 1, 2)
		m, ok2 = num(parts[1], 1, 2)
		y, ok3 = num(parts[2], 4, 4)
	}
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 {
		return Date{}, bad
	}
	date := NewDate(y, time.Month(m), d)
	if date.Day != d || date.Month != time.Month(m) {
		return Date{}, bad
	}
	return date, nil
}
