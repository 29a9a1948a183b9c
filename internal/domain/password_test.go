package domain

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// pwTestCheck runs CheckNewPassword and returns the code ("" for nil),
// failing the test if an error is not a well-formed *Error.
func pwTestCheck(t *testing.T, password, customer string) Code {
	t.Helper()
	err := CheckNewPassword(password, customer)
	if err == nil {
		return ""
	}
	var de *Error
	if !errors.As(err, &de) {
		t.Fatalf("CheckNewPassword(%q) returned %T, want *domain.Error", password, err)
	}
	if de.Field != "password" {
		t.Errorf("CheckNewPassword(%q): Field = %q, want \"password\"", password, de.Field)
	}
	if de.Message == "" || !strings.HasSuffix(de.Message, ".") {
		t.Errorf("CheckNewPassword(%q): message %q should be a full Russian sentence", password, de.Message)
	}
	return de.Code
}

func TestCheckNewPassword(t *testing.T) {
	const customer = "3301234567"
	tests := []struct {
		name     string
		password string
		want     Code
	}{
		{"7 latin", "abcXyz7", CodePasswordTooShort},
		{"7 cyrillic", "жёлтыйс", CodePasswordTooShort},
		{"8 cyrillic (16 bytes)", "жёлтыйсл", ""},
		{"8 latin", "kv7Lm2qz", ""},
		{"empty", "", CodePasswordTooShort},
		{"7 emoji", strings.Repeat("🐈", 6) + "🐕", CodePasswordTooShort},
		{"8 different emoji", "🐈🐕🌻🍎🚂⛵🎻🍵", ""},
		{"128 cyrillic", strings.Repeat("ёжик в тумане ", 9) + "ки", ""},
		{"129 cyrillic", strings.Repeat("ёжик в тумане ", 9) + "кит", CodePasswordTooLong},
		{"passphrase with spaces", "три несвязанных слова", ""},
		{"leading and trailing spaces kept", "  кот бегемот  ", ""},
		{"blocklisted", "password", CodePasswordTooCommon},
		{"blocklisted upper case", "PASSWORD", CodePasswordTooCommon},
		{"blocklisted mixed case", "QwErTy123", CodePasswordTooCommon},
		{"blocklisted iloveyou", "ILoveYou", CodePasswordTooCommon},
		{"blocklisted with spaces", "i love you", CodePasswordTooCommon},
		{"blocklisted cyrillic", "ЙцукенГшщз", CodePasswordTooCommon},
		{"blocklisted пароль123", "Пароль123", CodePasswordTooCommon},
		{"blocklisted 1q2w3e4r", "1Q2W3E4R", CodePasswordTooCommon},
		{"blocklisted zaq12wsx", "zaq12wsx", CodePasswordTooCommon},
		{"blocklisted qwertyuiop", "QWERTYUIOP", CodePasswordTooCommon},
		{"пароль typed in latin layout", "gfhjkm123", CodePasswordTooCommon},
		{"password typed in russian layout", "зфыыцщкв", CodePasswordTooCommon},
		{"word plus year", "Наташа1985", CodePasswordTooCommon},
		{"word plus digits and mark", "dragon12!", CodePasswordTooCommon},
		{"repeated char", "ъъъъъъъъъ", CodePasswordTooCommon},
		{"repeated digit", "11111111", CodePasswordTooCommon},
		{"repeated spaces", "        ", CodePasswordTooCommon},
		{"repeated pair", "12121212", CodePasswordTooCommon},
		{"repeated word", "ВасяВася", CodePasswordTooCommon},
		{"ascending digits", "123456789", CodePasswordTooCommon},
		{"descending digits", "87654321", CodePasswordTooCommon},
		{"digits through zero", "4567890", CodePasswordTooShort},
		{"digits through zero 10", "1234567890", CodePasswordTooCommon},
		{"digits down through zero", "0987654321", CodePasswordTooCommon},
		{"long digit run", "23456789", CodePasswordTooCommon},
		{"alphabet run", "abcdefghij", CodePasswordTooCommon},
		{"cyrillic alphabet run", "абвгдежз", CodePasswordTooCommon},
		{"birthday with dots", "01.02.1950", CodePasswordTooCommon},
		{"birthday digits", "19500201", CodePasswordTooCommon},
		{"short birthday", "07.11.47", CodePasswordTooCommon},
		{"customer number", customer, CodePasswordSameAsLogin},
		{"customer number twice", customer + customer, CodePasswordSameAsLogin},
		{"customer number spaced", "33 0123 4567", CodePasswordSameAsLogin},
		{"customer number with dashes", "-" + customer + "-", CodePasswordSameAsLogin},
		{"customer number reversed", "7654321033", CodePasswordSameAsLogin},
		{"customer number inside words", "мой счёт " + customer, ""},
		{"random digits", "58203917", ""},
		{"sentence", "Моя дача у реки!", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := pwTestCheck(t, tt.password, customer); got != tt.want {
				t.Errorf("CheckNewPassword(%q) = %q, want %q (runes: %d)", tt.password, got, tt.want, utf8.RuneCountInString(tt.password))
			}
		})
	}
}

func TestCheckNewPasswordBoundaries(t *testing.T) {
	// Built from distinct letters so that no pattern rule fires.
	word := []rune("съешьжеещёэтихмягкихфранцузскихбулок")
	mk := func(n int) string {
		out := make([]rune, n)
		for i := range out {
			out[i] = word[(i*7)%len(word)]
		}
		return string(out)
	}
	for _, tc := range []struct {
		n    int
		want Code
	}{{7, CodePasswordTooShort}, {8, ""}, {64, ""}, {128, ""}, {129, CodePasswordTooLong}, {1000, CodePasswordTooLong}} {
		p := mk(tc.n)
		if got := pwTestCheck(t, p, "3301234567"); got != tc.want {
			t.Errorf("%d Cyrillic runes (%d bytes): got %q, want %q", tc.n, len(p), got, tc.want)
		}
	}

	err := CheckNewPassword("коротко", "")
	var de *Error
	if !errors.As(err, &de) || de.Params["min"] != "8" {
		t.Errorf("too short: want Params min=8, got %#v", err)
	}
	err = CheckNewPassword(mk(129), "")
	if !errors.As(err, &de) || de.Params["max"] != "128" {
		t.Errorf("too long: want Params max=128, got %#v", err)
	}
}

func TestCheckNewPasswordMessages(t *testing.T) {
	for _, tc := range []struct {
		password, want string
	}{
		{"abc", "Пароль слишком короткий: нужно не меньше 8 знаков."},
		{strings.Repeat("ж", 200), "Пароль слишком длинный: нужно не больше 128 знаков."},
		{"qwerty123", "Этот пароль слишком простой и известен взломщикам. Придумайте другой — например, три несвязанных слова."},
	} {
		err := CheckNewPassword(tc.password, "")
		var de *Error
		if !errors.As(err, &de) || de.Message != tc.want {
			t.Errorf("CheckNewPassword(%q) = %v, want message %q", tc.password, err, tc.want)
		}
	}
}

func TestCommonPasswordsFile(t *testing.T) {
	set := pwCommon()
	if len(set) < 1000 {
		t.Fatalf("blocklist holds %d passwords, want at least 1000", len(set))
	}
	for _, p := range []string{"123456", "password", "qwerty123", "12345678", "iloveyou", "йцукен", "йцукенгшщз", "qwertyuiop", "пароль", "1q2w3e4r", "zaq12wsx", "11111111"} {
		if _, ok := set[p]; !ok {
			t.Errorf("blocklist misses %q", p)
		}
	}
	for line := range strings.SplitSeq(pwCommonFile, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if line != strings.ToLower(strings.TrimSpace(line)) {
			t.Errorf("blocklist line %q should be lower case without surrounding spaces", line)
		}
	}
}

func TestNormalizePhone(t *testing.T) {
	valid := []string{
		"+7 (912) 345-67-89",
		"8 912 345 67 89",
		"89123456789",
		"9123456789",
		"+79123456789",
		"7 912 345-67-89",
		"8(912)345-67-89",
		"+7-912-345-67-89",
		"  8 912 345 67 89  ",
		"8 912 345\u00a067\u00a089",
		"8 912 345–67–89",
		"912.345.67.89",
	}
	for _, s := range valid {
		got, err := NormalizePhone(s)
		if err != nil || got != "+79123456789" {
			t.Errorf("NormalizePhone(%q) = %q, %v; want +79123456789", s, got, err)
		}
	}
	invalid := []string{
		"",
		"   ",
		"912345678",        // 9 digits
		"891234567890",     // 12 digits
		"+8 912 345 67 89", // wrong country code with plus
		"+89123456789",
		"+1 912 345 67 89",
		"8 495 123 45 67", // Moscow landline: SMS will not arrive
		"8 800 555 35 35",
		"4951234567",
		"79123456789+",
		"7+9123456789",
		"8 912 345 67 8Э",
		"8 912 345 67 89 доб. 1",
		"tel:+79123456789",
		"８９１２３４５６７８９", // full-width digits
		"٨٩١٢٣٤٥٦٧٨٩", // Arabic-Indic digits
		"0 912 345 67 89",
		strings.Repeat(" ", 30) + "89123456789" + strings.Repeat("-", 30),
	}
	for _, s := range invalid {
		got, err := NormalizePhone(s)
		if err == nil {
			t.Errorf("NormalizePhone(%q) = %q, want an error", s, got)
			continue
		}
		var de *Error
		if !errors.As(err, &de) || de.Code != CodeBadPhone || de.Field != "phone" ||
			de.Message != "Введите номер мобильного телефона из 11 цифр, например 8 912 345-67-89." {
			t.Errorf("NormalizePhone(%q) error = %#v", s, err)
		}
	}
}

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"+7 (912) 345-67-89", "8 912 345 67 89", "89123456789", "9123456789", "", "+", "++7", "8 495 123 45 67", "\u2012", "٨"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := NormalizePhone(s)
		if err != nil {
			if got != "" {
				t.Fatalf("NormalizePhone(%q) returned %q with an error", s, got)
			}
			return
		}
		if len(got) != 12 || !strings.HasPrefix(got, "+79") {
			t.Fatalf("NormalizePhone(%q) = %q, not canonical", s, got)
		}
		again, err := NormalizePhone(got)
		if err != nil || again != got {
			t.Fatalf("NormalizePhone(%q) = %q, %v; want it unchanged", got, again, err)
		}
		if m := MaskPhone(got); strings.Contains(m, got[5:10]) {
			t.Fatalf("MaskPhone(%q) = %q discloses the middle digits", got, m)
		}
	})
}

func TestMaskPhone(t *testing.T) {
	for in, want := range map[string]string{
		"+79123456789":       "+7 912 ***-**-89",
		"8 912 345-67-89":    "+7 912 ***-**-89",
		"+7 (999) 000-11-22": "+7 999 ***-**-22",
		"8 495 123 45 67":    "***-**-67",
		"79123456789":        "+7 912 ***-**-89",
		" +79123456789 ":     "+7 912 ***-**-89",
		"+7912345678":        "***-**-78",
		"+380501234567":      "***-**-67",
		"телефон":            "***",
		"+":                  "***",
		"12":                 "***",
		"":                   "***",
	} {
		if got := MaskPhone(in); got != want {
			t.Errorf("MaskPhone(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormalizeEmail(t *testing.T) {
	ok := map[string]string{
		"":                       "",
		"   ":                    "",
		"ivanova@mail.ru":        "ivanova@mail.ru",
		"  ivanova@mail.ru  ":    "ivanova@mail.ru",
		"Ivanova@Mail.RU":        "Ivanova@mail.ru",
		"ivan.petrov+kvt@ya.ru":  "ivan.petrov+kvt@ya.ru",
		"user_1@sub.example.com": "user_1@sub.example.com",
		"иванова@почта.рф":       "иванова@почта.рф",
		"a@b.co":                 "a@b.co",
	}
	for in, want := range ok {
		got, err := NormalizeEmail(in)
		if err != nil || got != want {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	bad := []string{
		"ivanova",
		"ivanova@",
		"@mail.ru",
		"ivanova@mailru",
		"ivanova@mail,ru",
		"ivanova@mail.ru.",
		"ivanova@.mail.ru",
		"ivanova@mail..ru",
		"ivanova.@mail.ru",
		"iva nova@mail.ru",
		"ivanova@mail.ru ivanov@mail.ru",
		"ivanova@@mail.ru",
		"a@b@mail.ru",
		"Иванова <ivanova@mail.ru>",
		"\"iva nova\"@mail.ru",
		"ivanova@[10.0.0.1]",
		"ivanova@-mail.ru",
		"ivanova@mail.r",
		"ivanova@mail.123",
		"ivanova(comment)@mail.ru",
		strings.Repeat("a", 65) + "@mail.ru",
		"a@" + strings.Repeat("b", 250) + ".ru",
	}
	for _, in := range bad {
		got, err := NormalizeEmail(in)
		if err == nil {
			t.Errorf("NormalizeEmail(%q) = %q, want an error", in, got)
			continue
		}
		var de *Error
		if !errors.As(err, &de) || de.Code != CodeBadEmail || de.Field != "email" ||
			de.Message != "Адрес электронной почты записан с ошибкой. Пример: ivanova@mail.ru" {
			t.Errorf("NormalizeEmail(%q) error = %#v", in, err)
		}
	}
}

func TestPhoneEnding(t *testing.T) {
	for in, want := range map[string]string{"+79121234567": "67", "8 (912) 123-45-01": "01", "7": "", "": ""} {
		if got := PhoneEnding(in); got != want {
			t.Errorf("PhoneEnding(%q) = %q, want %q", in, got, want)
		}
	}
}
