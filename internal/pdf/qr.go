package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/boombuler/barcode/qr"

	"kabinet/internal/domain"
)

// qrHeader is the service block of a ГОСТ Р 56042-2014 payload: format
// version 0001 and encoding 2 (UTF-8); the separator follows it.
const qrHeader = "ST00012"

// qrSeparators are the separators a payload may use, the usual one first:
// the standard lets another one stand in when a value contains «|».
const qrSeparators = "|#;:^_~"

// PaymentQR returns the payment QR code's text for a bill, as ГОСТ Р
// 56042-2014 writes it for bank apps:
//
//	ST00012|Name=…|PersonalAcc=…|BankName=…|BIC=…|CorrespAcc=…|PayeeINN=…|KPP=…|PersAcc=<лицевой счёт>|PaymPeriod=<MMYYYY>|Sum=<kopecks>|Purpose=…|TechCode=02
//
// The first five fields are mandatory and checked: an error (in Russian,
// for the person) names what is wrong. Optional fields that are empty are
// left out; Sum is left out when the bill asks for nothing (a credit), so
// the payer enters an amount. When a value contains «|», the separator is
// the first of «#;:^_~» that no value contains.
func PaymentQR(p domain.Payee, inv domain.Invoice, account domain.Account, purpose string) (string, error) {
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
		{"PersAcc", oneLine(account.Number)},
	}
	if inv.Period.Month >= 1 && inv.Period.Month <= 12 && inv.Period.Year > 0 {
		fields = append(fields, [2]string{"PaymPeriod", fmt.Sprintf("%02d%04d", int(inv.Period.Month), inv.Period.Year)})
	}
	if inv.TotalDue > 0 {
		fields = append(fields, [2]string{"Sum", strconv.FormatInt(int64(inv.TotalDue), 10)})
	}
	fields = append(fields, [2]string{"Purpose", truncate(oneLine(purpose), 210)}, [2]string{"TechCode", "02"})

	sep := byte(0)
	for i := 0; i < len(qrSeparators) && sep == 0; i++ {
		c := qrSeparators[i]
		free := true
		for _, f := range fields {
			if strings.IndexByte(f[1], c) >= 0 {
				free = false
				break
			}
		}
		if free {
			sep = c
		}
	}
	if sep == 0 {
		return "", errors.New("QR-код для оплаты не сформирован: в реквизитах встречаются все допустимые разделители («" + qrSeparators + "»)")
	}
	var b strings.Builder
	b.WriteString(qrHeader)
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

// qrModulePx is how many pixels one module of the QR image has: enough
// that a viewer or printer scaling the image keeps the edges sharp.
const qrModulePx = 6

// qrPNG draws payload as a QR code (error correction M, UTF-8 bytes in byte
// mode) with the 4-module quiet zone, as a greyscale PNG. It returns the
// PNG and the number of modules across, quiet zone included.
func qrPNG(payload string) ([]byte, int, error) {
	code, err := qr.Encode(payload, qr.M, qr.Unicode)
	if err != nil {
		return nil, 0, fmt.Errorf("QR-код: %w", err)
	}
	n := code.Bounds().Dx()
	const quiet = 4
	size := (n + 2*quiet) * qrModulePx
	// Two colours: the PNG has one bit a pixel, small and quick to pack.
	img := image.NewPaletted(image.Rect(0, 0, size, size), color.Palette{color.White, color.Black})
	for my := range n {
		for mx := range n {
			if isDark(code.At(mx, my)) {
				x0, y0 := (mx+quiet)*qrModulePx, (my+quiet)*qrModulePx
				for y := y0; y < y0+qrModulePx; y++ {
					row := img.Pix[y*img.Stride+x0 : y*img.Stride+x0+qrModulePx]
					for i := range row {
						row[i] = 1
					}
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, 0, fmt.Errorf("QR-код: %w", err)
	}
	return buf.Bytes(), n + 2*quiet, nil
}

func isDark(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return r+g+b < 3*0x8000
}
