package portal_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"kabinet/internal/domain"
)

// An accepted reading's answer carries its receipt number and the time the
// portal accepted it, and the account's document shows both with the
// meter's recent readings: the app prints them and the contact centre
// finds the reading by the number.
func TestAcceptedReadingCarriesItsReceipt(t *testing.T) {
	e := newEnv(t)
	tok := e.login(ivanova, password)
	m := meterOf(t, e, tok, ivanovaAcc)
	r := submit(e, tok, "key-receipt-1", map[string]any{"meter": m.ID, "values": map[string]string{"t1": "12605,5"}})
	if r.Status != http.StatusCreated {
		t.Fatalf("submit: %d %s", r.Status, r.Body)
	}
	var got struct{ Reading domain.Reading }
	if err := json.Unmarshal(r.Body, &got); err != nil {
		t.Fatal(err)
	}
	want := domain.ReceiptNumber(got.Reading.ID)
	if got.Reading.Receipt != want || len(want) < 5 {
		t.Errorf("receipt %q, want %q", got.Reading.Receipt, want)
	}
	if at := got.Reading.AcceptedAt(); !at.Equal(e.clock.Now().Truncate(time.Second)) {
		t.Errorf("accepted at %v, want %v", at, e.clock.Now())
	}

	doc, _ := e.document(tok, ivanovaAcc)
	var recent *domain.Reading
	for i, rd := range doc.Meters[0].Recent {
		if rd.ID == got.Reading.ID {
			recent = &doc.Meters[0].Recent[i]
		}
	}
	if recent == nil || recent.Receipt != want || recent.SubmittedAt != got.Reading.SubmittedAt {
		t.Errorf("recent readings %+v lack receipt %s at %s", doc.Meters[0].Recent, want, got.Reading.SubmittedAt)
	}
	for _, rd := range doc.Readings {
		if rd.Source != domain.SourceCustomer && rd.Receipt != "" {
			t.Errorf("a reading nobody sent (%s, %s) has receipt %s", rd.ID, rd.Source, rd.Receipt)
		}
	}
}
