package domain

import (
	"fmt"
	"strings"
)

// maxInput bounds what the parser looks at; a register has at most a dozen
// digits, so anything longer is a mistake, not a reading.
const maxInput = 32

// ParseReading parses a meter register value exactly as a person typed it:
// ASCII digits with at most one decimal separator, a comma or a dot. Spaces
// around the value are forgiven; anything else — a sign, an exponent, «NaN»,
// a space inside, full-width or other non-ASCII digits — is refused with a
// Russian message. digits is how many whole digits the register shows and
// fraction how many after the separator (0–2); leading zeros, which a
// register displays, do not count.
func ParseReading(s string, digits, fraction int) (Decimal, error) {
	s = strings.Trim(s, " \t\u00a0")
	if s == "" {
		return 0, Errorf(CodeEmpty, "Введите показание счётчика — цифры с его табло.")
	}
	if len(s) > maxInput {
		if strings.Trim(s, "0123456789.,") != "" {
			return 0, notANumber()
		}
		return 0, tooManyDigits(digits)
	}
	whole, frac, hasSep := s, "", false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
		case (c == ',' || c == '.') && !hasSep:
			hasSep = true
			whole, frac = s[:i], s[i+1:]
		default:
			return 0, notANumber()
		}
	}
	if whole == "" || (hasSep && frac == "") {
		return 0, notANumber()
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > digits || len(whole) > 15 {
		return 0, tooManyDigits(digits)
	}
	if len(frac) > fraction {
		if fraction == 0 {
			return 0, (&Error{Code: CodeTooManyDecimals,
				Message: "На этом счётчике нет цифр после запятой. Запишите только целую часть — цифры до запятой.",
				Params:  map[string]string{"fraction_digits": "0"}})
		}
		return 0, &Error{Code: CodeTooManyDecimals,
			Message: fmt.Sprintf("После запятой на этом счётчике %s. Лишние цифры уберите.", countDigits(fraction)),
			Params:  map[string]string{"fraction_digits": fmt.Sprint(fraction)}}
	}
	var v int64
	for i := 0; i < len(whole); i++ {
		v = v*10 + int64(whole[i]-'0')
	}
	v *= DecimalScale
	f := frac + "00"
	v += int64(f[0]-'0')*10 + int64(f[1]-'0')
	return Decimal(v), nil
}

// FormatKWh formats an amount of energy measured by a meter with fraction
// digits after the comma: whole when it is whole («15»), otherwise with the
// meter's digits («15,5»). It is the one rounding of kWh: the app's review
// and the portal's answer both use it, so they show the same figure.
func FormatKWh(d Decimal, fraction int) string {
	if d%DecimalScale == 0 {
		return d.Format(0)
	}
	return d.Format(max(1, fraction))
}

func notANumber() *Error {
	return Errorf(CodeNotANumber, "Показание записывается только цифрами, например 12345 или 12345,6. Уберите буквы, пробелы внутри числа и другие знаки.")
}

func tooManyDigits(digits int) *Error {
	return &Error{Code: CodeTooManyDigits,
		Message: fmt.Sprintf("Слишком много цифр: на табло этого счётчика %s до запятой. Проверьте показание.", countDigits(digits)),
		Params:  map[string]string{"digits": fmt.Sprint(digits)}}
}

// countDigits writes «1 цифра», «3 цифры», «6 цифр».
func countDigits(n int) string {
	return fmt.Sprintf("%d %s", n, Plural(n, "цифра", "цифры", "цифр"))
}

// Plural chooses the Russian word form for n: one («1 день»), few («3 дня»),
// many («5 дней»).
func Plural(n int, one, few, many string) string {
	if n < 0 {
		n = -n
	}
	switch {
	case n%100 >= 11 && n%100 <= 14:
		return many
	case n%10 == 1:
		return one
	case n%10 >= 2 && n%10 <= 4:
		return few
	}
	return many
}
