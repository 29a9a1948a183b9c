// Package gostqr makes the payment QR code of ГОСТ Р 56042-2014, the one
// Russian bank apps read to fill in a payment: its text from the payee's
// bank details, the account and the sum, and its modules to draw. The
// printed bill (internal/pdf) and the window's «Оплатить по QR-коду» draw
// the same code from the same text.
package gostqr

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/boombuler/barcode/qr"

	"kabinet/internal/domain"
)

// header is the service block of a payload: format version 0001 and
// encoding 2 (UTF-8); the separator follows it.
const header = "ST00012"

// separators are the separators a payload may use, the usual one first:
// the standard lets another one stand in when a value contains «|».
const separators = "|#;:^_~"

// Slip is what the bank app fills in from the code.
type Slip struct {
	Payee domain.Payee
	// Account is the лицевой счёт (PersAcc).
	Account string
	// Period is the month paid for (PaymPeriod); zero leaves it out.
	Period domain.Period
	// Sum is what is due now; zero or less leaves Sum out, so the payer
	// enters an amount (a paid bill must not ask for its sum again).
	Sum     domain.Kopecks
	Purpose string
}

// Payload returns the code's text, as ГОСТ Р 56042-2014 writes it for bank
// apps:
//
//	ST00012|Name=…|PersonalAcc=…|BankName=…|BIC=…|CorrespAcc=…|PayeeINN=…|KPP=…|PersAcc=<лицевой счёт>|PaymPeriod=<MMYYYY>|Sum=<kopecks>|Purpose=…|TechCode=02
//
// The first five fields are mandatory and checked: an error (in Russian,
// for the person) names what is wrong. Optional fields that are empty are
// left out. When a value contains «|», the separator is the first of
// «#;:^_~» that no value contains.
func Payload(s Slip) (string, error) {
	p := s.Payee
	var problems []string
	check := func(ok bool, msg string) {
		if !ok {
			problems = append(problems, msg)
		}
	}
	name, bank := oneLine(p.Name), oneLine(p.BankName)
	acc, bic, corr := strings.TrimSpace(p.Account), strings.TrimSpace(p.BIC), strings.TrimSpace(p.CorrAccount)
	inn, kpp := strings.TrimSpace(p.INN), strings.TrimSpace(p.KPP)
	check(name != "", "не указано наименование получателя")
	check(utf8.RuneCountInString(name) <= 160, "наименование получателя длиннее 160 знаков")
	check(len(acc) == 20 && domain.IsDigits(acc), "расчётный счёт получателя должен состоять из 20 цифр")
	check(bank != "", "не указан банк получателя")
	check(utf8.RuneCountInString(bank) <= 45, "название банка длиннее 45 знаков")
	check(len(bic) == 9 && domain.IsDigits(bic), "БИК банка должен состоять из 9 цифр")
	check(len(corr) == 20 && domain.IsDigits(corr), "корреспондентский счёт банка должен состоять из 20 цифр")
	check(inn == "" || (len(inn) == 10 && domain.IsDigits(inn)) || (len(inn) == 12 && domain.IsDigits(inn)), "ИНН получателя должен состоять из 10 или 12 цифр")
	check(kpp == "" || len(kpp) == 9 && alnum(kpp), "КПП получателя должен состоять из 9 знаков")
	if len(problems) > 0 {
		return "", errors.New("QR-код для оплаты не сформирован: " + strings.Join(problems, "; "))
	}

	fields := [][2]string{
		{"Name", name},
		{"PersonalAcc", acc},
		{"BankName", bank},
		{"BIC", bic},
		{"CorrespAcc", corr},
		{"PayeeINN", inn},
		{"KPP", kpp},
		{"PersAcc", oneLine(s.Account)},
	}
	if s.Period.Month >= 1 && s.Period.Month <= 12 && s.Period.Year > 0 {
		fields = append(fields, [2]string{"PaymPeriod", fmt.Sprintf("%02d%04d", int(s.Period.Month), s.Period.Year)})
	}
	if s.Sum > 0 {
		fields = append(fields, [2]string{"Sum", strconv.FormatInt(int64(s.Sum), 10)})
	}
	fields = append(fields, [2]string{"Purpose", truncate(oneLine(s.Purpose), 210)}, [2]string{"TechCode", "02"})

	sep := separator(fields)
	if sep == 0 {
		return "", errors.New("QR-код для оплаты не сформирован: в реквизитах встречаются все допустимые разделители («" + separators + "»)")
	}
	var b strings.Builder
	b.WriteString(header)
	for _, f := range fields {
		if f[1] == "" {
			continue
		}
		b.WriteByte(sep)
		b.WriteString(f[0])
		b.WriteByte('=')
		b.WriteString(f[1])
	}
	return b.String(), nil
}

// separator is the first separator no value contains, or 0.
func separator(fields [][2]string) byte {
	for i := 0; i < len(separators); i++ {
		c := separators[i]
		free := true
		for _, f := range fields {
			if strings.IndexByte(f[1], c) >= 0 {
				free = false
				break
			}
		}
		if free {
			return c
		}
	}
	return 0
}

// Purpose is a bill's payment purpose in the code and on the slip:
// «Оплата по счёту № … за октябрь 2026, лицевой счёт …».
func Purpose(inv *domain.Invoice, account string) string {
	s := "Оплата по счёту"
	if inv.Number != "" {
		s += " № " + inv.Number
	}
	return s + " за " + inv.Period.Russian() + ", лицевой счёт " + account
}

func alnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// oneLine trims s and joins its lines with spaces: a payload is one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// truncate cuts s to at most n characters.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// QuietZone is the light border around the code, in modules: scanners need
// at least four.
const QuietZone = 4

// Code is a QR code's modules, the quiet zone included.
type Code struct {
	n    int
	dark []bool
}

// Encode makes the QR code of payload: error correction M (a screen's
// glare or a crease may hide part of it), UTF-8 bytes in byte mode.
func Encode(payload string) (*Code, error) {
	bc, err := qr.Encode(payload, qr.M, qr.Unicode)
	if err != nil {
		return nil, fmt.Errorf("QR-код: %w", err)
	}
	m := bc.Bounds().Dx()
	c := &Code{n: m + 2*QuietZone}
	c.dark = make([]bool, c.n*c.n)
	for y := range m {
		for x := range m {
			r, g, b, _ := bc.At(x, y).RGBA()
			c.dark[(y+QuietZone)*c.n+x+QuietZone] = r+g+b < 3*0x8000
		}
	}
	return c, nil
}

// Size is the number of modules across, the quiet zone included.
func (c *Code) Size() int { return c.n }

// Dark reports whether the module at column x, row y is dark.
func (c *Code) Dark(x, y int) bool { return c.dark[y*c.n+x] }

// Image draws the code with modulePx pixels a module: black modules on
// white, whatever the theme around it, two colours (a PNG of one bit a
// pixel).
func (c *Code) Image(modulePx int) *image.Paletted {
	modulePx = max(modulePx, 1)
	size := c.n * modulePx
	img := image.NewPaletted(image.Rect(0, 0, size, size), color.Palette{color.White, color.Black})
	for my := range c.n {
		for mx := range c.n {
			if !c.Dark(mx, my) {
				continue
			}
			x0, y0 := mx*modulePx, my*modulePx
			for y := y0; y < y0+modulePx; y++ {
				row := img.Pix[y*img.Stride+x0 : y*img.Stride+x0+modulePx]
				for i := range row {
					row[i] = 1
				}
			}
		}
	}
	return img
}
