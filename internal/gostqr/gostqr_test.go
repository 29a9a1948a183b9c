package gostqr

import (
	"strings"
	"testing"
	"time"

	"kabinet/internal/domain"
)

func testPayee() domain.Payee {
	return domain.Payee{
		Name:        "ОАО «Коми энергосбытовая компания»",
		INN:         "1101301856",
		KPP:         "110101001",
		Account:     "40702810728000100563",
		BankName:    "Коми отделение № 8617 ПАО Сбербанк",
		BIC:         "048702640",
		CorrAccount: "30101810400000000640",
	}
}

func TestPayload(t *testing.T) {
	slip := Slip{Account: "1100012345", Period: domain.Period{Year: 2026, Month: time.October}, Sum: 127254}
	const purpose = "Оплата по счёту за октябрь 2026, лицевой счёт 1100012345"
	full := "ST00012|Name=ОАО «Коми энергосбытовая компания»|PersonalAcc=40702810728000100563" +
		"|BankName=Коми отделение № 8617 ПАО Сбербанк|BIC=048702640|CorrespAcc=30101810400000000640" +
		"|PayeeINN=1101301856|KPP=110101001|PersAcc=1100012345|PaymPeriod=102026|Sum=127254" +
		"|Purpose=" + purpose + "|TechCode=02"

	tests := []struct {
		name    string
		payee   func(*domain.Payee)
		slip    func(*Slip)
		purpose string
		want    string // the whole payload, when set
		has     []string
		lacks   []string
		err     []string // parts of the error
	}{
		{name: "every field in the standard's order", purpose: purpose, want: full},
		{name: "kopecks, not rubles", slip: func(i *Slip) { i.Sum = 5 }, purpose: "x", has: []string{"|Sum=5|"}},
		{name: "a whole ruble amount", slip: func(i *Slip) { i.Sum = domain.Rubles(1000) }, purpose: "x", has: []string{"|Sum=100000|"}},
		{name: "nothing to pay: no Sum", slip: func(i *Slip) { i.Sum = 0 }, purpose: "x", lacks: []string{"Sum="}},
		{name: "a credit: no Sum", slip: func(i *Slip) { i.Sum = -4510 }, purpose: "x", lacks: []string{"Sum="}},
		{name: "a one-digit month", slip: func(i *Slip) { i.Period = domain.Period{Year: 2027, Month: time.March} }, purpose: "x",
			has: []string{"|PaymPeriod=032027|"}},
		{name: "a value with «|» takes «#»", purpose: "счёт 1|2",
			has: []string{"ST00012#Name=", "#Purpose=счёт 1|2#TechCode=02"}, lacks: []string{"ST00012|"}},
		{name: "«|» and «#» take «;»", payee: func(p *domain.Payee) { p.Name = "ООО «А#Б»" }, purpose: "1|2",
			has: []string{"ST00012;Name=ООО «А#Б»;PersonalAcc="}},
		{name: "lines become spaces", purpose: "за октябрь\n2026\t ", has: []string{"|Purpose=за октябрь 2026|"}},
		{name: "optional fields left out", payee: func(p *domain.Payee) { p.INN, p.KPP = "", "" }, purpose: "",
			lacks: []string{"PayeeINN", "KPP", "Purpose"}},
		{name: "every separator taken", purpose: "|#;:^_~", err: []string{"разделител"}},
		{name: "no payee name", payee: func(p *domain.Payee) { p.Name = " " }, err: []string{"не указано наименование получателя"}},
		{name: "a short account", payee: func(p *domain.Payee) { p.Account = "4070281072800010056" },
			err: []string{"расчётный счёт получателя должен состоять из 20 цифр"}},
		{name: "a BIC with a letter", payee: func(p *domain.Payee) { p.BIC = "04870264O" }, err: []string{"БИК банка должен состоять из 9 цифр"}},
		{name: "no correspondent account", payee: func(p *domain.Payee) { p.CorrAccount = "" },
			err: []string{"корреспондентский счёт банка должен состоять из 20 цифр"}},
		{name: "no bank", payee: func(p *domain.Payee) { p.BankName = "" }, err: []string{"не указан банк получателя"}},
		{name: "all problems at once", payee: func(p *domain.Payee) { *p = domain.Payee{} },
			err: []string{"QR-код для оплаты не сформирован", "наименование", "расчётный счёт", "банк", "БИК", "корреспондентский"}},
		{name: "a bad INN", payee: func(p *domain.Payee) { p.INN = "12345" }, err: []string{"ИНН"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := slip
			in.Payee, in.Purpose = testPayee(), tc.purpose
			if tc.payee != nil {
				tc.payee(&in.Payee)
			}
			if tc.slip != nil {
				tc.slip(&in)
			}
			got, err := Payload(in)
			if len(tc.err) > 0 {
				if err == nil {
					t.Fatalf("no error; payload %q", got)
				}
				for _, e := range tc.err {
					if !strings.Contains(err.Error(), e) {
						t.Errorf("error %q lacks %q", err, e)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.want != "" && got != tc.want {
				t.Errorf("payload\n got %q\nwant %q", got, tc.want)
			}
			for _, h := range tc.has {
				if !strings.Contains(got, h) {
					t.Errorf("payload %q lacks %q", got, h)
				}
			}
			for _, l := range tc.lacks {
				if strings.Contains(got, l) {
					t.Errorf("payload %q has %q", got, l)
				}
			}
			checkOrder(t, got)
		})
	}
}

// checkOrder checks that the payload's keys come in the standard's order.
func checkOrder(t *testing.T, payload string) {
	t.Helper()
	order := []string{"Name", "PersonalAcc", "BankName", "BIC", "CorrespAcc", "PayeeINN", "KPP", "PersAcc", "PaymPeriod", "Sum", "Purpose", "TechCode"}
	if !strings.HasPrefix(payload, "ST00012") || len(payload) < 8 {
		t.Fatalf("payload %q does not start with ST00012 and a separator", payload)
	}
	sep := payload[7:8]
	last := -1
	for _, field := range strings.Split(payload, sep)[1:] {
		key, _, _ := strings.Cut(field, "=")
		i := indexOf(order, key)
		if i < 0 {
			// A value holding the separator would split here; the
			// chosen separator is never in a value.
			t.Fatalf("unknown field %q in %q", key, payload)
		}
		if i <= last {
			t.Errorf("field %s out of order in %q", key, payload)
		}
		last = i
	}
	for _, key := range order[:5] {
		if !strings.Contains(payload, sep+key+"=") {
			t.Errorf("mandatory field %s missing in %q", key, payload)
		}
	}
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

// TestEncodeQuietZone: the code carries its light border of four modules,
// and its image is black on white at whole pixels a module.
func TestEncodeQuietZone(t *testing.T) {
	code, err := Encode("ST00012|Name=x|PersonalAcc=40702810728000100563|BankName=y|BIC=048702640|CorrespAcc=30101810400000000640")
	if err != nil {
		t.Fatal(err)
	}
	n := code.Size()
	for i := range n {
		for q := range QuietZone {
			if code.Dark(i, q) || code.Dark(q, i) || code.Dark(i, n-1-q) || code.Dark(n-1-q, i) {
				t.Fatalf("a dark module in the quiet zone at %d/%d", i, q)
			}
		}
	}
	// The finder pattern's corner starts right after the quiet zone.
	if !code.Dark(QuietZone, QuietZone) {
		t.Error("no finder pattern at the top left")
	}
	img := code.Image(3)
	if img.Bounds().Dx() != 3*n || img.Bounds().Dy() != 3*n {
		t.Errorf("image %v, want %d px square", img.Bounds(), 3*n)
	}
	if r, g, b, _ := img.At(0, 0).RGBA(); r != 0xffff || g != 0xffff || b != 0xffff {
		t.Error("the border is not white")
	}
	x := 3*QuietZone + 1
	if r, g, b, _ := img.At(x, x).RGBA(); r|g|b != 0 {
		t.Error("a dark module is not black")
	}
}
