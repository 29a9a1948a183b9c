package loadtest

import (
	"testing"
	"time"

	"kabinet/internal/domain"
)

func TestCustomerNumbersRoundTrip(t *testing.T) {
	for _, i := range []int{0, 1, 299_999, MaxAccounts - 1} {
		if got, ok := customerIndex(customerNumber(i)); !ok || got != i {
			t.Errorf("customerIndex(customerNumber(%d)) = %d, %v", i, got, ok)
		}
	}
	for _, other := range []string{"100001", "300001", "200001", "8000000", "07000001", "7000001 ", ""} {
		if i, ok := customerIndex(other); ok {
			t.Errorf("customerIndex(%q) = %d: a customer who is not a load customer", other, i)
		}
	}
	if a := accountNumber(299_999); a != "7700299999" {
		t.Errorf("accountNumber(299999) = %s", a)
	}
}

// TestSeedCustomerEndsWithSeededLast: the run never asks the database for
// the last reading, so the seed must end exactly where seededLast says.
func TestSeedCustomerEndsWithSeededLast(t *testing.T) {
	w, err := newWorld(time.Date(2026, 11, 20, 9, 0, 0, 0, domain.Moscow), "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$a2V5")
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, 7, 299_999} {
		c := w.customer(i)
		m := c.Accounts[0].Meters[0]
		rs := m.Readings
		if len(rs) != 2 || rs[1].Values[domain.T1] != seededLast(i) || rs[1].Period.String() != "2026-10" || rs[0].Period.String() != "2026-09" {
			t.Fatalf("customer %d: readings %+v, want 2026-09 and 2026-10 ending at %v", i, rs, seededLast(i))
		}
		for _, r := range rs {
			if r.Source == domain.SourceCustomer {
				t.Errorf("customer %d: a seeded reading sent by the customer; reset would delete it", i)
			}
		}
		if _, err := domain.ParseReading(seededLast(i).String(), m.Digits, m.FractionDigits); err != nil {
			t.Errorf("customer %d: last reading %v does not fit the register: %v", i, seededLast(i), err)
		}
		if c.Number != customerNumber(i) || c.Accounts[0].Number != accountNumber(i) || c.PasswordHash == "" {
			t.Errorf("customer %d: %s / %s", i, c.Number, c.Accounts[0].Number)
		}
	}
	first, later := w.batch([]int{0, 1}, true), w.batch([]int{2}, false)
	if len(first.Tariffs) == 0 || len(first.Customers) != 2 || len(later.Tariffs) != 0 || len(later.Customers) != 1 || later.Payee.Name == "" {
		t.Errorf("batches: first %d tariffs %d customers; later %d tariffs %d customers", len(first.Tariffs), len(first.Customers), len(later.Tariffs), len(later.Customers))
	}
}

func TestSessionTokensLookLikeRealOnes(t *testing.T) {
	a, b := sessionToken("e1", 0), sessionToken("e1", 1)
	if len(a) != 43 || a == b || a != sessionToken("e1", 0) || a == sessionToken("e2", 0) {
		t.Errorf("tokens %q, %q", a, b)
	}
}
