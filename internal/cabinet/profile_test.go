package cabinet_test

import (
	"context"
	"errors"
	"regexp"
	"testing"
	"time"

	"kabinet/internal/demo"
	"kabinet/internal/domain"
	"kabinet/internal/portalclient"
	"kabinet/internal/portaltest"
)

// TestNewPhoneReachesTheStoredDataOnlyAfterItsCode: the use case asks for
// the current password, and the stored document shows a new phone only
// once the code sent to it was confirmed (issue #11.1).
func TestNewPhoneReachesTheStoredDataOnlyAfterItsCode(t *testing.T) {
	p := portaltest.Start(t)
	svc := open(t, p, false)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	list, _ := svc.Accounts()
	account := list[0].Number
	storedPhone := func() string {
		doc, _, _ := svc.Document(account)
		return doc.Doc.Customer.Phone
	}
	before := storedPhone()

	_, err := svc.UpdateProfile(ctx, "", "8 912 765-43-21", "")
	var rej *portalclient.RejectedError
	if !errors.As(err, &rej) || rej.Code != string(domain.CodeCurrentPasswordRequired) {
		t.Fatalf("without the password: %v", err)
	}
	res, err := svc.UpdateProfile(ctx, "", "8 912 765-43-21", demo.Password)
	if err != nil || res.PendingPhone == "" || res.Code != string(domain.CodePhoneCodeSent) {
		t.Fatalf("new phone: %+v, %v", res, err)
	}
	if got := storedPhone(); got != before {
		t.Errorf("the stored phone is %s before the code", got)
	}
	if _, err := svc.ConfirmPhone(ctx, " "); domain.ErrorCode(err) != domain.CodePhoneCodeWrong {
		t.Errorf("an empty code: %v", err)
	}
	var code string
	for _, m := range p.SMS() {
		if m.Phone == "+79127654321" {
			code = regexp.MustCompile(`\d{6}`).FindString(m.Text)
		}
	}
	if _, err := svc.ConfirmPhone(ctx, code); err != nil {
		t.Fatalf("confirm: %v", err)
	}
	if got := storedPhone(); got != "+79127654321" {
		t.Errorf("the stored phone after the code: %s", got)
	}
}
