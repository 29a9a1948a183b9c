package exchange_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"kabinet/internal/domain"
	"kabinet/internal/exchange"
	"kabinet/internal/portaldb"
	"kabinet/internal/portaldb/dbtest"
)

// loadExamples loads the sample files of the kinds before payments.
func loadExamples(t *testing.T, db *portaldb.DB) {
	t.Helper()
	for _, e := range examples[:4] {
		loadFile(t, db, e.kind, filepath.Join("..", "..", "docs", "examples", e.file))
	}
}

// onlinePayment stores a payment of amount that customer 200001 started
// online on 2200011111, the provider's id set; credited online if asked.
func onlinePayment(t *testing.T, db *portaldb.DB, id, providerID string, amount domain.Kopecks, credit bool) {
	t.Helper()
	ctx := context.Background()
	err := db.Write(ctx, func(tx *portaldb.Tx) error {
		c, err := tx.CustomerByNumber(ctx, "200001")
		if err != nil {
			return err
		}
		ref, err := tx.AccountRef(ctx, c.ID, "2200011111")
		if err != nil {
			return err
		}
		now := db.Now()
		p := portaldb.OnlinePayment{ID: id, CustomerID: c.ID, AccountID: ref.ID, IdempotencyKey: id, RequestHash: []byte{1}, Amount: amount,
			Status: portaldb.PayPending, ProviderRequest: []byte("{}"), CreatedAt: now, ExpiresAt: now.Add(3600e9), UpdatedAt: now}
		if err := tx.InsertOnlinePayment(ctx, p); err != nil {
			return err
		}
		p.ProviderID = providerID
		if err := tx.SaveOnlinePayment(ctx, &p); err != nil {
			return err
		}
		if credit {
			locked, err := tx.LockOnlinePayment(ctx, id)
			if err != nil {
				return err
			}
			_, err = tx.CreditOnlinePayment(ctx, &locked, domain.DateOf(now, domain.Moscow))
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

const (
	paidOnline  = "pay_00000000000000000000000a" // credited by the provider's notification
	lostOnline  = "pay_00000000000000000000000b" // its notification never came
	registerHdr = "account;paid_on;amount;channel;reference;provider_payment_id;purpose\n"
)

// The bank's register lists payments made online too: money the portal
// credited already is not credited again, whether the register names the
// provider's payment or only ours in the purpose; a payment whose
// notification was lost is credited once, and the notification coming
// late then credits nothing.
func TestRegisterNeverCreditsTheSameMoneyTwice(t *testing.T) {
	ctx := context.Background()
	db := dbtest.Open(t, portaldb.Options{})
	loadExamples(t, db)
	onlinePayment(t, db, paidOnline, "prov-a", 500_00, true)
	onlinePayment(t, db, lostOnline, "prov-b", 700_00, false)
	register := registerHdr +
		"2200011111;2026-11-08;500,00;ЮKassa;YK-1;prov-a;\n" +
		"2200011111;2026-11-09;700,00;ЮKassa;YK-2;;Оплата по заказу " + lostOnline + "\n" +
		"2200011111;2026-11-10;100,00;Касса;K-1;;\n"
	for round := range 2 {
		rep, err := importText(db, exchange.KindPayments, "register.csv", register)
		if err != nil {
			t.Fatal(err)
		}
		if want := map[int]int{0: 2, 1: 0}[round]; rep.Created != want {
			t.Errorf("round %d: %s", round+1, rep.Summary())
		}
	}
	doc, _ := document(t, db, "200001", "2200011111")
	var total domain.Kopecks
	for _, p := range doc.Payments {
		total += p.Amount
	}
	if len(doc.Payments) != 3 || total != 1300_00 {
		t.Errorf("payments %+v: %d credited, %v in all; want 3 and 1 300,00 ₽", doc.Payments, len(doc.Payments), total)
	}
	err := db.Write(ctx, func(tx *portaldb.Tx) error {
		p, err := tx.LockOnlinePayment(ctx, lostOnline)
		if err != nil {
			return err
		}
		if p.Status != portaldb.PaySucceeded {
			t.Errorf("the payment the register credited is %s", p.Status)
		}
		again, err := tx.CreditOnlinePayment(ctx, &p, domain.NewDate(2026, 11, 9))
		if again {
			t.Error("the late notification credited the payment again")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	// A register that contradicts what was credited is refused whole.
	_, err = importText(db, exchange.KindPayments, "register.csv", registerHdr+
		"2200011111;2026-11-12;50,00;Касса;K-2;;\n"+
		"2200011111;2026-11-10;150,00;Касса;K-1;;\n"+
		"2200011111;2026-11-08;600,00;ЮKassa;YK-3;prov-a;\n")
	var le *exchange.LineErrors
	if !errors.As(err, &le) || le.Total != 2 || le.Problems[0].Line != 3 || le.Problems[1].Line != 4 ||
		!strings.Contains(le.Problems[0].Text, "K-1") || !strings.Contains(le.Problems[1].Text, "онлайн-оплата") {
		t.Fatalf("contradicting register: %v", err)
	}
	if doc, _ := document(t, db, "200001", "2200011111"); len(doc.Payments) != 3 {
		t.Errorf("a refused register credited %d payments", len(doc.Payments)-3)
	}
}

// A meter with readings keeps its digits and zones: those readings were
// taken on it; a changed model is just a change, seen at the next sync.
func TestMeterWithReadingsKeepsItsDigits(t *testing.T) {
	ctx := context.Background()
	db := dbtest.Open(t, portaldb.Options{})
	loadExamples(t, db)
	doc, before := document(t, db, "200001", "2200011111")
	meterID, _ := portaldb.MeterID(doc.Meters[0].ID)
	err := db.Write(ctx, func(tx *portaldb.Tx) error {
		_, err := tx.InsertReading(ctx, before.ID, portaldb.NewReading{MeterID: meterID, Period: domain.NewDate(2026, 11, 20).Period(),
			TakenOn: domain.NewDate(2026, 11, 20), Source: domain.SourceCustomer, Values: map[domain.Zone]domain.Decimal{domain.T1: 12150_0}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	const hdr = "account;serial;model;place;installed_on;digits;fraction_digits;zones;verified_on;verification_years;removed_on;replaces\n"
	_, err = importText(db, exchange.KindMeters, "m.csv", hdr+"2200011111;01234567;Меркурий 201.5;Прихожая;15.03.2019;7;1;1;15.03.2019;16;;\n")
	var le *exchange.LineErrors
	if !errors.As(err, &le) || !strings.Contains(le.Problems[0].Text, "replaces") {
		t.Fatalf("digits of a meter with readings: %v", err)
	}
	_, mid := document(t, db, "200001", "2200011111")
	rep, err := importText(db, exchange.KindMeters, "m.csv", hdr+"2200011111;01234567;Меркурий 201.7;Прихожая;15.03.2019;6;1;1;15.03.2019;16;;\n")
	if err != nil || rep.Updated != 1 {
		t.Fatalf("%v %+v", err, rep)
	}
	doc, after := document(t, db, "200001", "2200011111")
	if doc.Meters[0].Model != "Меркурий 201.7" || after.Seq <= mid.Seq {
		t.Errorf("model %q, change numbers %+v then %+v", doc.Meters[0].Model, mid, after)
	}
}

// A new price of a tariff reaches the accounts billed at it at their next
// sync; the others do not download anything.
func TestTariffChangeReachesItsAccounts(t *testing.T) {
	db := dbtest.Open(t, portaldb.Options{})
	loadExamples(t, db)
	_, city := document(t, db, "200001", "2200011111")
	_, legal := document(t, db, "200003", "2200033333")
	const hdr = "id;name;zones;group;valid_from;tier;up_to_kwh;zone;price\n"
	rep, err := importText(db, exchange.KindTariffs, "t.csv", hdr+
		"city-1;Население городское, одноставочный;1;city;2026-01-01;;;t1;6,12\n"+
		"city-1;Население городское, одноставочный;1;city;2026-07-01;;;t1;6,58\n"+
		"city-1;Население городское, одноставочный;1;city;01.01.2027;;;t1;7,01\n")
	if err != nil || rep.Updated != 1 || rep.Records != 1 {
		t.Fatalf("%v %+v", err, rep)
	}
	doc, cityAfter := document(t, db, "200001", "2200011111")
	if _, legalAfter := document(t, db, "200003", "2200033333"); legalAfter != legal || cityAfter.MainSeq <= city.MainSeq {
		t.Errorf("change numbers: city %+v → %+v, legal %+v → %+v", city, cityAfter, legal, legalAfter)
	}
	rates := doc.Services[0].Tariff.Rates
	if len(rates) != 3 || rates[2].Tiers[0].Prices[domain.T1] != 701 {
		t.Errorf("rates: %+v", rates)
	}
	_, err = importText(db, exchange.KindTariffs, "t.csv", hdr+
		"two;Две зоны;2;city;2026-01-01;;;t1;6,12\n"+
		"two;Две зоны;2;;2026-02-01;;;t1;6,12\n")
	var le *exchange.LineErrors
	if !errors.As(err, &le) || le.Total != 2 || le.Problems[0].Line != 2 || le.Problems[1].Line != 3 {
		t.Errorf("a tariff without its night price and with two groups: %v", err)
	}
}
