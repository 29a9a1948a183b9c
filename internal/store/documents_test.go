package store

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"kabinet/internal/domain"
)

func TestDocumentRoundTrip(t *testing.T) {
	s := openTestStore(t)
	if _, ok, err := s.Document(testProfile, testAccount); ok || err != nil {
		t.Fatalf("before saving: ok=%v err=%v", ok, err)
	}
	fetched := time.Date(2026, 11, 20, 12, 0, 0, 0, domain.Moscow)
	want := CachedDocument{Doc: tenYearDocument(24), ETag: `"v1"`, Cursor: "c-24", FetchedAt: fetched}
	if err := s.SaveDocument(testProfile, testAccount, want); err != nil {
		t.Fatal(err)
	}

	got, ok, err := s.Document(testProfile, testAccount)
	if err != nil || !ok {
		t.Fatalf("Document: ok=%v err=%v", ok, err)
	}
	if !got.FetchedAt.Equal(fetched) || got.ETag != want.ETag || got.Cursor != want.Cursor {
		t.Errorf("got etag %q cursor %q fetched %v", got.ETag, got.Cursor, got.FetchedAt)
	}
	if at, ok, err := s.FetchedAt(testProfile, testAccount); !ok || err != nil || !at.Equal(fetched) {
		t.Errorf("FetchedAt: %v %v %v, want %v", at, ok, err, fetched)
	}
	if !got.Doc.GeneratedAt.Equal(want.Doc.GeneratedAt) {
		t.Errorf("generated at %v", got.Doc.GeneratedAt)
	}
	got.Doc.GeneratedAt = want.Doc.GeneratedAt
	if !reflect.DeepEqual(got.Doc, want.Doc) {
		t.Errorf("the document changed on the way through the store")
	}

	// Another person on the same computer sees nothing of it.
	if _, ok, _ := s.Document(otherPerson, testAccount); ok {
		t.Error("another profile sees the document")
	}
}

func TestApplyDeltaMerges(t *testing.T) {
	s := openTestStore(t)
	base := tenYearDocument(3) // readings 1000..1002, invoices and payments 1002..1000
	if err := s.SaveDocument(testProfile, testAccount, CachedDocument{Doc: base, ETag: `"v1"`, Cursor: "c-3"}); err != nil {
		t.Fatal(err)
	}

	changedReading := base.Readings[1]
	changedReading.Status = domain.StatusSuperseded
	newReading := domain.Reading{ID: "1003", MeterID: "7", Period: domain.Period{Year: 2017, Month: 3},
		TakenOn: domain.NewDate(2017, 3, 20), Source: domain.SourceInspector, Status: domain.StatusAccepted}
	sameDayReading := domain.Reading{ID: "999", MeterID: "7", Period: base.Readings[0].Period,
		TakenOn: base.Readings[0].TakenOn, Source: domain.SourceEstimated, Status: domain.StatusAccepted}
	newInvoice := domain.Invoice{ID: "1003", Number: "С-1003", Period: domain.Period{Year: 2017, Month: 3}, TotalDue: 500}
	changedInvoice := base.Invoices[2]
	changedInvoice.TotalDue = 1
	newPayment := domain.Payment{ID: "1010", PaidOn: base.Payments[0].PaidOn, Amount: 100, Status: domain.PaymentPending}
	subs := domain.Subscriptions{EmailBills: true, Email: "maria@example.ru"}

	delta := &domain.AccountDocument{
		Delta:         true,
		Cursor:        "c-4",
		GeneratedAt:   time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC),
		Subscriptions: &subs,
		Balance:       domain.Balance{Debt: -500, AsOf: domain.NewDate(2026, 11, 21)},
		Meters:        []domain.Meter{{ID: "8", Serial: "NEW-1"}},
		Readings:      []domain.Reading{newReading, changedReading, sameDayReading},
		Invoices:      []domain.Invoice{changedInvoice, newInvoice},
		Payments:      []domain.Payment{newPayment},
	}
	at := time.Date(2026, 11, 21, 9, 0, 1, 0, time.UTC)
	if err := s.ApplyDelta(testProfile, testAccount, delta, `"v2"`, at); err != nil {
		t.Fatal(err)
	}

	got, _, err := s.Document(testProfile, testAccount)
	if err != nil {
		t.Fatal(err)
	}
	if got.ETag != `"v2"` || got.Cursor != "c-4" || got.Doc.Cursor != "c-4" || !got.FetchedAt.Equal(at) ||
		!got.Doc.GeneratedAt.Equal(delta.GeneratedAt) || got.Doc.Delta {
		t.Errorf("etag %q cursor %q/%q fetched %v generated %v delta %v",
			got.ETag, got.Cursor, got.Doc.Cursor, got.FetchedAt, got.Doc.GeneratedAt, got.Doc.Delta)
	}
	if fetched, _, _ := s.FetchedAt(testProfile, testAccount); !fetched.Equal(at) {
		t.Errorf("FetchedAt after the delta: %v, want %v", fetched, at)
	}
	// Sections the delta left nil keep the old values.
	if !reflect.DeepEqual(got.Doc.Account, base.Account) || !reflect.DeepEqual(got.Doc.Customer, base.Customer) ||
		!reflect.DeepEqual(got.Doc.Services, base.Services) {
		t.Error("nil sections of the delta replaced the cached ones")
	}
	if got.Doc.Subscriptions == nil || *got.Doc.Subscriptions != subs {
		t.Errorf("subscriptions %+v", got.Doc.Subscriptions)
	}
	// Meters and balance are whole in every delta.
	if len(got.Doc.Meters) != 1 || got.Doc.Meters[0].Serial != "NEW-1" || got.Doc.Balance != delta.Balance {
		t.Errorf("meters %+v balance %+v", got.Doc.Meters, got.Doc.Balance)
	}

	ids := func(n int, id func(int) string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = id(i)
		}
		return out
	}
	// Readings by taken_on, then ID as a number: 999 before 1000 on the same day.
	if r := ids(len(got.Doc.Readings), func(i int) string { return got.Doc.Readings[i].ID }); !slices.Equal(r, []string{"999", "1000", "1001", "1002", "1003"}) {
		t.Errorf("readings %v", r)
	}
	if got.Doc.Readings[2].Status != domain.StatusSuperseded {
		t.Error("the changed reading was not replaced")
	}
	// Invoices by period, newest first.
	if inv := ids(len(got.Doc.Invoices), func(i int) string { return got.Doc.Invoices[i].ID }); !slices.Equal(inv, []string{"1003", "1002", "1001", "1000"}) {
		t.Errorf("invoices %v", inv)
	}
	if got.Doc.Invoices[3].TotalDue != 1 {
		t.Error("the changed invoice was not replaced")
	}
	// Payments by paid_on, newest first, then ID descending.
	if p := ids(len(got.Doc.Payments), func(i int) string { return got.Doc.Payments[i].ID }); !slices.Equal(p, []string{"1010", "1002", "1001", "1000"}) {
		t.Errorf("payments %v", p)
	}
}

func TestApplyDeltaNeedsABaseDocument(t *testing.T) {
	s := openTestStore(t)
	err := s.ApplyDelta(testProfile, testAccount, &domain.AccountDocument{Delta: true, Cursor: "c"}, `"v"`, time.Now())
	if err == nil {
		t.Fatal("a delta with nothing to merge into was accepted")
	}
	if _, ok, _ := s.Document(testProfile, testAccount); ok {
		t.Error("the failed delta left a document behind")
	}
}

func TestCompareIDs(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"9", "10", -1}, {"10", "9", 1}, {"10", "10", 0}, {"010", "10", 0},
		{"a", "b", -1}, {"9", "a", -1}, {"", "1", -1},
	} {
		if got := compareIDs(c.a, c.b); got != c.want {
			t.Errorf("compareIDs(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestAccountsAndPublic(t *testing.T) {
	s := openTestStore(t)
	if _, _, ok, err := s.Accounts(testProfile); ok || err != nil {
		t.Fatalf("before saving: ok=%v err=%v", ok, err)
	}
	at := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	list := []domain.AccountSummary{
		{Number: testAccount, Title: "Квартира", Address: "ул. Коммунистическая, 1", Debt: 12345},
		{Number: "1100223355", Title: "Дача", Address: "СНТ «Рассвет»", Debt: -100},
	}
	if err := s.SaveAccounts(testProfile, list, at); err != nil {
		t.Fatal(err)
	}
	got, gotAt, ok, err := s.Accounts(testProfile)
	if err != nil || !ok || !slices.Equal(got, list) || !gotAt.Equal(at) {
		t.Errorf("Accounts = %v, %v, %v, %v", got, gotAt, ok, err)
	}

	if _, _, _, ok, err := s.Public("https://lk.example.ru", "news"); ok || err != nil {
		t.Fatalf("before saving: ok=%v err=%v", ok, err)
	}
	body := []byte(`[{"id":"1","title":"Отключение 5 декабря"}]`)
	if err := s.SavePublic("https://lk.example.ru", "news", body, `W/"n1"`, at); err != nil {
		t.Fatal(err)
	}
	gotBody, etag, gotAt, ok, err := s.Public("https://lk.example.ru", "news")
	if err != nil || !ok || string(gotBody) != string(body) || etag != `W/"n1"` || !gotAt.Equal(at) {
		t.Errorf("Public = %s, %q, %v, %v, %v", gotBody, etag, gotAt, ok, err)
	}
	if _, _, _, ok, _ := s.Public("https://other.example.ru", "news"); ok {
		t.Error("another portal sees the news")
	}
}
