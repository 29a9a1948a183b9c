package domain

import (
	_ "embed"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Password length limits, counted in characters (runes), not bytes: a
// Cyrillic letter takes two bytes and an emoji four, and a person counts what
// they see.
const (
	PasswordMinLength = 8
	PasswordMaxLength = 128
)

// Messages of the password rules. They are shown to the customer as they are,
// so each one says what to do next.
const (
	msgPasswordTooShort    = "Пароль слишком короткий: нужно не меньше 8 знаков."
	msgPasswordTooLong     = "Пароль слишком длинный: нужно не больше 128 знаков."
	msgPasswordTooCommon   = "Этот пароль слишком простой и известен взломщикам. Придумайте другой — например, три несвязанных слова."
	msgPasswordSameAsLogin = "Пароль не должен совпадать с номером клиента. Придумайте другой — например, три несвязанных слова."
	msgBadPhone            = "Введите номер мобильного телефона из 11 цифр, например 8 912 345-67-89."
	msgBadEmail            = "Адрес электронной почты записан с ошибкой. Пример: ivanova@mail.ru"
)

// CheckNewPassword tells whether password may become the password of the
// account customerNumber. It returns nil or a *Error with Field "password".
//
// The policy follows NIST SP 800-63B and OWASP ASVS level 1: 8 to 128
// characters of any kind (Cyrillic, spaces, emoji), no composition rules,
// and a refusal of passwords that are known to attackers or trivially
// guessed. The password is checked exactly as typed: nothing here trims it
// or changes its case; only the comparisons are made case-insensitively.
func CheckNewPassword(password, customerNumber string) error {
	n := utf8.RuneCountInString(password)
	if n < PasswordMinLength {
		return &Error{
			Code:    CodePasswordTooShort,
			Message: msgPasswordTooShort,
			Field:   "password",
			Params:  map[string]string{"min": strconv.Itoa(PasswordMinLength), "length": strconv.Itoa(n)},
		}
	}
	if n > PasswordMaxLength {
		return &Error{
			Code:    CodePasswordTooLong,
			Message: msgPasswordTooLong,
			Field:   "password",
			Params:  map[string]string{"max": strconv.Itoa(PasswordMaxLength), "length": strconv.Itoa(n)},
		}
	}
	key := pwCompareKey(password)
	if pwIsCustomerNumber(key, customerNumber) {
		return &Error{Code: CodePasswordSameAsLogin, Message: msgPasswordSameAsLogin, Field: "password"}
	}
	if pwIsCommon(key) {
		return &Error{Code: CodePasswordTooCommon, Message: msgPasswordTooCommon, Field: "password"}
	}
	return nil
}

//go:embed common_passwords.txt
var pwCommonFile string

var (
	pwCommonOnce sync.Once
	pwCommonSet  map[string]struct{}
)

// pwCommon parses the blocklist on first use, so programs that never check a
// password (the desktop app's reading screens) do not pay for the map.
func pwCommon() map[string]struct{} {
	pwCommonOnce.Do(func() {
		set := make(map[string]struct{}, 1500)
		for line := range strings.SplitSeq(pwCommonFile, "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			set[pwCompareKey(line)] = struct{}{}
		}
		pwCommonSet = set
	})
	return pwCommonSet
}

// pwCompareKey is the form in which passwords are compared with the
// blocklist and the customer number: lower case and without any white space,
// because "Qwerty 123" is no harder to guess than "qwerty123".
func pwCompareKey(s string) string {
	s = strings.ToLower(s)
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// pwIsCommon reports whether key (see pwCompareKey) is blocklisted or follows
// a pattern that guessing tools try first.
func pwIsCommon(key string) bool {
	if key == "" {
		// Only white space: as guessable as it gets.
		return true
	}
	for _, k := range []string{key, pwSwapLayout(key, pwLatinToCyrillic), pwSwapLayout(key, pwCyrillicToLatin)} {
		if pwIsBlocklisted(k) {
			return true
		}
	}
	return pwIsPeriodic(key) || pwIsRun(key) || pwIsDate(key)
}

// pwIsBlocklisted looks k up in the list as it is and without a short tail of
// digits or punctuation: «наташа1985» and "dragon12!" are what people make of
// a refused word, and guessing tools try exactly that.
func pwIsBlocklisted(k string) bool {
	set := pwCommon()
	if _, ok := set[k]; ok {
		return true
	}
	base := strings.TrimRightFunc(k, func(r rune) bool {
		return ('0' <= r && r <= '9') || unicode.IsPunct(r) || unicode.IsSymbol(r)
	})
	if base == k || base == "" || utf8.RuneCountInString(k)-utf8.RuneCountInString(base) > 4 {
		return false
	}
	_, ok := set[base]
	return ok
}

// Keyboard layouts: a Russian speaker who forgets to switch the layout types
// «пароль» as "gfhjkm", and the blocklist must catch both spellings.
var pwLatinToCyrillic, pwCyrillicToLatin = pwLayoutTables()

func pwLayoutTables() (latToCyr, cyrToLat map[rune]rune) {
	const latin = "`qwertyuiop[]asdfghjkl;'zxcvbnm,."
	const cyrillic = "ёйцукенгшщзхъфывапролджэячсмитьбю"
	lr, cr := []rune(latin), []rune(cyrillic)
	latToCyr = make(map[rune]rune, len(lr))
	cyrToLat = make(map[rune]rune, len(cr))
	for i := range lr {
		latToCyr[lr[i]] = cr[i]
		cyrToLat[cr[i]] = lr[i]
	}
	return latToCyr, cyrToLat
}

func pwSwapLayout(s string, table map[rune]rune) string {
	return strings.Map(func(r rune) rune {
		if t, ok := table[r]; ok {
			return t
		}
		return r
	}, s)
}

// pwIsPeriodic reports a repetition of a unit of at most four characters:
// "aaaaaaaa", "12121212", "abcabcab", «мамамама».
func pwIsPeriodic(key string) bool {
	rs := []rune(key)
	for unit := 1; unit <= 4; unit++ {
		if len(rs) < 2*unit && unit > 1 {
			break
		}
		periodic := true
		for i := unit; i < len(rs); i++ {
			if rs[i] != rs[i-unit] {
				periodic = false
				break
			}
		}
		if periodic {
			return true
		}
	}
	return false
}

// pwIsRun reports consecutive digits or letters going up or down:
// "12345678", "87654321", "1234567890", "abcdefgh", «абвгдежз».
func pwIsRun(key string) bool {
	rs := []rune(key)
	if len(rs) < 2 {
		return false
	}
	class := pwRunClass(rs[0])
	if class == 0 {
		return false
	}
	for _, r := range rs[1:] {
		if pwRunClass(r) != class {
			return false
		}
	}
	for _, step := range []rune{1, -1} {
		ok := true
		for i := 1; i < len(rs); i++ {
			prev, cur := rs[i-1], rs[i]
			if cur == prev+step {
				continue
			}
			// On the keyboard 0 follows 9, so "1234567890" and "0987654321"
			// are runs too.
			if class == 'd' && ((step == 1 && prev == '9' && cur == '0') || (step == -1 && prev == '0' && cur == '9')) {
				continue
			}
			ok = false
			break
		}
		if ok {
			return true
		}
	}
	return false
}

func pwRunClass(r rune) byte {
	switch {
	case '0' <= r && r <= '9':
		return 'd'
	case 'a' <= r && r <= 'z':
		return 'l'
	case 'а' <= r && r <= 'я':
		return 'c'
	}
	return 0
}

// pwIsDate reports a calendar date written with digits, optionally with
// dots, dashes or slashes: a birthday ("01.02.1950", "19500201", "010250")
// is among the first guesses of anyone who knows the customer.
func pwIsDate(key string) bool {
	var digits []byte
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case '0' <= c && c <= '9':
			digits = append(digits, c)
		case c == '.' || c == '-' || c == '/':
		default:
			return false
		}
	}
	num := func(s []byte) int {
		n, _ := strconv.Atoi(string(s))
		return n
	}
	valid := func(y, m, d int) bool {
		return 1 <= m && m <= 12 && 1 <= d && d <= 31 && y >= 0
	}
	switch len(digits) {
	case 6: // ddmmyy
		return valid(num(digits[4:6]), num(digits[2:4]), num(digits[0:2]))
	case 8: // ddmmyyyy or yyyymmdd
		if y := num(digits[4:8]); 1900 <= y && y <= 2099 && valid(y, num(digits[2:4]), num(digits[0:2])) {
			return true
		}
		if y := num(digits[0:4]); 1900 <= y && y <= 2099 && valid(y, num(digits[4:6]), num(digits[6:8])) {
			return true
		}
	}
	return false
}

// pwIsCustomerNumber reports a password that is nothing but the customer
// number: as typed, repeated, reversed or with separators around it. The
// customer number is printed on every bill, so it is the first thing an
// intruder holding a bill would try.
func pwIsCustomerNumber(key, customerNumber string) bool {
	num := pwAlnumOnly(pwCompareKey(customerNumber))
	if num == "" {
		return false
	}
	k := pwAlnumOnly(key)
	if k == "" {
		return false
	}
	if len([]rune(num)) < 3 {
		// A one- or two-character number (test data, odd legacy accounts)
		// would make "11111111" look like the login; compare it as a whole.
		return k == num
	}
	rest := strings.ReplaceAll(k, num, "")
	if rest == "" {
		return true
	}
	rev := []rune(num)
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	return strings.ReplaceAll(k, string(rev), "") == ""
}

func pwAlnumOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return -1
	}, s)
}

// NormalizePhone accepts a Russian mobile number the way people type it —
// "+7 (912) 345-67-89", "8 912 345 67 89", "89123456789", "9123456789" — and
// returns it as "+79123456789". Anything else is a *Error with Code
// CodeBadPhone and Field "phone".
//
// Only mobile numbers (the national number starts with 9) are accepted,
// because the number is used for SMS.
func NormalizePhone(s string) (string, error) {
	bad := &Error{Code: CodeBadPhone, Message: msgBadPhone, Field: "phone"}
	s = strings.TrimSpace(s)
	// Longer input is not a phone number, and the bound keeps the work small.
	if s == "" || len(s) > 40 {
		return "", bad
	}
	var digits []byte
	plus := false
	for i, r := range s {
		switch {
		case '0' <= r && r <= '9':
			digits = append(digits, byte(r))
		case r == '+':
			if i != 0 {
				return "", bad
			}
			plus = true
		case r == '(' || r == ')' || r == '.' || r == '-' || unicode.IsSpace(r) ||
			('\u2010' <= r && r <= '\u2015'): // dashes that phones put in by themselves
		default:
			return "", bad
		}
	}
	var national []byte
	switch {
	case plus:
		if len(digits) != 11 || digits[0] != '7' {
			return "", bad
		}
		national = digits[1:]
	case len(digits) == 11 && (digits[0] == '8' || digits[0] == '7'):
		national = digits[1:]
	case len(digits) == 10:
		national = digits
	default:
		return "", bad
	}
	if national[0] != '9' {
		return "", bad
	}
	return "+7" + string(national), nil
}

// PhoneEnding is the last two digits of a phone number, all that a
// message names of it («на номер, оканчивающийся на …67»).
func PhoneEnding(phone string) string {
	digits := digitsOf(phone)
	if len(digits) < 2 {
		return ""
	}
	return string(digits[len(digits)-2:])
}

// MaskPhone hides the middle of a phone number so that it can be written to
// logs and shown on screen («пароль отправлен на номер +7 912 ***-**-89»)
// without disclosing it. Input that is not a valid number is masked
// completely except for its last two digits.
func MaskPhone(phone string) string {
	if p, err := NormalizePhone(phone); err == nil {
		return "+7 " + p[2:5] + " ***-**-" + p[10:12]
	}
	digits := digitsOf(phone)
	if len(digits) < 4 {
		return "***"
	}
	return "***-**-" + string(digits[len(digits)-2:])
}

// digitsOf is the ASCII digits of s, in order.
func digitsOf(s string) []byte {
	var digits []byte
	for i := 0; i < len(s); i++ {
		if '0' <= s[i] && s[i] <= '9' {
			digits = append(digits, s[i])
		}
	}
	return digits
}

// NormalizeEmail checks an e-mail address typed by a customer. Spaces around
// it are dropped; an empty address is allowed and means "no e-mail" (it
// returns "", nil). The domain is returned in lower case, because mail
// servers ignore its case while people type it in any.
//
// The check is pragmatic, not RFC 5322 in full: one "@", a non-empty local
// part, a domain with a dot, no spaces, at most 254 characters, and an
// address that net/mail parses back to itself (so display names and quoted
// forms are refused: customers never mean them). A failure is a *Error with
// Code CodeBadEmail and Field "email".
func NormalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	bad := &Error{Code: CodeBadEmail, Message: msgBadEmail, Field: "email"}
	if len(s) > 254 || strings.Count(s, "@") != 1 || strings.IndexFunc(s, unicode.IsSpace) >= 0 {
		return "", bad
	}
	local, domain, _ := strings.Cut(s, "@")
	if local == "" || len(local) > 64 || !emailDomainOK(domain) {
		return "", bad
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s {
		return "", bad
	}
	return local + "@" + strings.ToLower(domain), nil
}

// emailDomainOK wants dot-separated labels that do not start or end with a
// hyphen and a top-level label that is not a number, which rules out address
// literals like [1.2.3.4] and typos like "mail.ru." or "mail,ru".
func emailDomainOK(domain string) bool {
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			return false
		}
		for _, r := range l {
			if !(r == '-' || unicode.IsLetter(r) || unicode.IsDigit(r)) {
				return false
			}
		}
	}
	tld := labels[len(labels)-1]
	if utf8.RuneCountInString(tld) < 2 {
		return false
	}
	return strings.IndexFunc(tld, unicode.IsLetter) >= 0
}
