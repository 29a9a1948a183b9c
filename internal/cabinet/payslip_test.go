package cabinet_test

import (
	"strconv"
	"strings"
	"testing"

	"kabinet/internal/portaltest"
)

// The QR slip is read from the store alone: with the portal unreachable it
// still has the payee, the account and a code asking for what is due now.
func TestPaymentSlipOffline(t *testing.T) {
	p := portaltest.Start(t)
	svc := open(t, p, false)
	list, _ := svc.Accounts()
	account := list[0].Number
	p.Down.Store(true)

	slip, ok, err := svc.PaymentSlip(account)
	if err != nil || !ok {
		t.Fatalf("slip offline: ok %v, %v", ok, err)
	}
	doc, _, _ := svc.Document(account)
	if slip.DueNow != max(doc.Doc.Balance.Due, 0) {
		t.Errorf("due now %v, the balance's due %v", slip.DueNow, doc.Doc.Balance.Due)
	}
	if slip.Payload == "" || slip.Problem != "" {
		t.Fatalf("no code: %s", slip.Problem)
	}
	for _, part := range []string{"ST00012|Name=" + slip.Payee.Name, "|PersAcc=" + account + "|"} {
		if !strings.Contains(slip.Payload, part) {
			t.Errorf("payload %q lacks %q", slip.Payload, part)
		}
	}
	hasSum := strings.Contains(slip.Payload, "|Sum="+strconv.FormatInt(int64(slip.DueNow), 10)+"|")
	if hasSum != (slip.DueNow > 0) || (slip.DueNow == 0 && strings.Contains(slip.Payload, "Sum=")) {
		t.Errorf("payload %q for due now %v", slip.Payload, slip.DueNow)
	}

	if _, ok, err := svc.PaymentSlip("no-such-account"); ok || err != nil {
		t.Errorf("an account not stored: ok %v, %v", ok, err)
	}
}
