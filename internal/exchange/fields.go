package exchange

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"kabinet/internal/domain"
)

// The readers of a record's fields: each returns the field's value and,
// when the text is not one, leaves a problem in the record that names
// the field as the file does, so the billing side finds it.

// text returns the field's text, or "".
func (r *record) text(name string) string { return r.values[name] }

// fail records a problem with the record.
func (r *record) fail(format string, args ...any) {
	r.problems = append(r.problems, fmt.Sprintf(format, args...))
}

// need returns the field's text, recording a problem when it is empty.
func (r *record) need(name, what string) string {
	v := r.values[name]
	if v == "" {
		r.fail("не указано поле %s (%s)", name, what)
	}
	return v
}

// number returns a number made of digits (a customer's or account's).
func (r *record) number(name, what string) string {
	v := r.need(name, what)
	if v != "" && !domain.IsDigits(v) {
		r.fail("%s: %q — здесь должны быть только цифры (%s)", name, v, what)
	}
	return v
}

// date reads «2026-11-05» or «05.11.2026»; an empty field is the zero Date,
// a problem when required.
func (r *record) date(name, what string, required bool) domain.Date {
	v := r.values[name]
	if v == "" {
		if required {
			r.fail("не указано поле %s (%s)", name, what)
		}
		return domain.Date{}
	}
	d, err := parseDate(v)
	if err != nil {
		r.fail("%s: дата %q не читается — пишите 2026-11-05 или 05.11.2026", name, v)
	}
	return d
}

func parseDate(s string) (domain.Date, error) {
	layout := time.DateOnly
	if len(s) > 2 && s[2] == '.' {
		layout = "02.01.2006"
	}
	t, err := time.Parse(layout, s)
	if err != nil {
		return domain.Date{}, fmt.Errorf("date %q", s)
	}
	return domain.DateOf(t, time.UTC), nil
}

// integer reads a whole number in [lo, hi]; def when the field is empty.
func (r *record) integer(name, what string, lo, hi, def int) int {
	v := r.values[name]
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		r.fail("%s: %q — нужно целое число от %d до %d (%s)", name, v, lo, hi, what)
	}
	return n
}

// decimal reads a number with up to two fraction digits after a comma or
// a dot («1234,5», «1 234.56»); 0 when the field is empty. It must not be
// negative.
func (r *record) decimal(name, what string) domain.Decimal {
	v := r.values[name]
	if v == "" {
		return 0
	}
	d, err := domain.ParseDecimal(stripSpaces(v))
	if err != nil || d < 0 {
		r.fail("%s: %q — нужно число не меньше нуля, не больше двух знаков после запятой (%s)", name, v, what)
	}
	return d
}

// money reads rubles and kopecks («1234,56», «1 234.56», «1234») as
// kopecks; a problem when the field is empty or not above zero.
func (r *record) money(name, what string) domain.Kopecks {
	v := r.values[name]
	if v == "" {
		r.fail("не указано поле %s (%s)", name, what)
		return 0
	}
	d, err := domain.ParseDecimal(stripSpaces(v))
	if err != nil || d <= 0 {
		r.fail("%s: %q — нужна сумма в рублях больше нуля, например 1234,56 (%s)", name, v, what)
	}
	return domain.Kopecks(d)
}

// stripSpaces drops the spaces that group thousands: «1 234,56».
func stripSpaces(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u00a0' || r == '\u202f' {
			return -1
		}
		return r
	}, s)
}

// oneOf reads one of the values; def when the field is empty.
func (r *record) oneOf(name, what, def string, values ...string) string {
	v := strings.ToLower(r.values[name])
	if v == "" {
		return def
	}
	for _, ok := range values {
		if v == ok {
			return v
		}
	}
	r.fail("%s: %q — допустимо: %s (%s)", name, r.values[name], strings.Join(values, ", "), what)
	return v
}
