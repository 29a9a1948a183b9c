package backoffice_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"kabinet/internal/exchange"
	"kabinet/internal/portalclient"
)

var shownPassword = regexp.MustCompile(`class="password">([a-z0-9]+)<`)

// An operator finds a caller by phone, notes how the caller was
// identified and reads out the one-time password shown once; the customer
// logs in with it and must set their own. The phone on file gets a
// notice; the audit log records who, whom and how, never the password.
func TestOperatorIssuesAOneTimePassword(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.login("oper")
	b.get("/customers?q=" + url.QueryEscape("8 (912) 123-45-01"))
	if !strings.Contains(b.page, "Иванова Мария Петровна") || !strings.Contains(b.page, "подтверждён") {
		t.Fatalf("search by phone: %s", text(b.page))
	}
	b.post("/customers/"+ivanova+"/otp", url.Values{})
	if b.status != http.StatusUnprocessableEntity || e.count(`SELECT count(*) FROM temp_passwords`) != 0 {
		t.Fatalf("without saying how the caller was identified: %d", b.status)
	}
	b.post("/customers/"+ivanova+"/otp", url.Values{"identified_by": {"document"}, "document_digits": {"12"}})
	if b.status != http.StatusUnprocessableEntity || e.count(`SELECT count(*) FROM temp_passwords`) != 0 {
		t.Fatalf("with 2 digits of a document: %d", b.status)
	}
	b.post("/customers/"+ivanova+"/otp", url.Values{"identified_by": {"callback"}})
	m := shownPassword.FindStringSubmatch(b.page)
	if b.status != http.StatusOK || m == nil {
		t.Fatalf("no password shown: %d %s", b.status, text(b.page))
	}
	otp := m[1]
	if b.get("/customers/" + ivanova); strings.Contains(b.page, otp) {
		t.Error("the password is shown again")
	}

	c, err := portalclient.New(e.portal.URL, portalclient.Options{Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	sess, err := c.Login(context.Background(), ivanova, otp)
	if err != nil || !sess.MustChangePassword {
		t.Errorf("login with the one-time password: %v, must change %v", err, sess.MustChangePassword)
	}
	e.bo.Wait()
	msgs := e.sms.Messages()
	if len(msgs) != 1 || msgs[0].Phone != ivanovaPhone || !strings.Contains(msgs[0].Text, "одноразовый пароль") || strings.Contains(msgs[0].Text, otp) {
		t.Errorf("notice SMS: %+v", msgs)
	}
	if n := e.count(`SELECT count(*) FROM audit_log WHERE action = 'otp_issued' AND staff = 'oper' AND customer = ? AND detail LIKE '%перезвонил%'`, ivanova); n != 1 {
		t.Errorf("%d audit entries of the password, want 1", n)
	}
	if n := e.count(`SELECT count(*) FROM audit_log WHERE detail LIKE ? OR record LIKE ?`, "%"+otp+"%", "%"+otp+"%"); n != 0 {
		t.Error("the one-time password is in the audit log")
	}
	if n := e.count(`SELECT count(*) FROM sms_log WHERE purpose = 'notice'`); n != 1 {
		t.Errorf("%d notices counted, want 1", n)
	}
}

// The operator finds a customer by account number too, and is told what
// to type when nothing matches.
func TestFindCustomerByAccountOrNothing(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.login("oper")
	if b.get("/customers?q=1100012345"); !strings.Contains(b.page, "Иванова Мария Петровна") || !strings.Contains(b.page, "1100012345") {
		t.Errorf("by account: %s", text(b.page))
	}
	if b.get("/customers?q=999999"); !strings.Contains(b.page, "Никого не нашли") {
		t.Errorf("nothing: %s", text(b.page))
	}
}

// A customer missing from the billing system's latest customers file is
// not deleted, and the operator who opens the card is told so.
func TestOperatorSeesACustomerMissingFromBilling(t *testing.T) {
	e := newEnv(t)
	file := "number;kind;full_name;birth_date;inn;phone;email\n300001;individual;Орлов Пётр Ильич;01.02.1970;;+79120000001;\n"
	rep, err := exchange.Import(context.Background(), e.db, exchange.KindCustomers, strings.NewReader(file), exchange.ImportOptions{Name: "customers.csv"})
	if err != nil || rep.Flagged == 0 {
		t.Fatalf("import: %+v %v", rep, err)
	}
	b := e.browser()
	b.login("oper")
	b.get("/customers/100001")
	if !strings.Contains(text(b.page), "Клиента нет в выгрузке биллинга") || !strings.Contains(b.page, "Иванова Мария Петровна") {
		t.Errorf("the card of a customer missing from billing: %s", text(b.page))
	}
	b.get("/customers/300001")
	if strings.Contains(text(b.page), "нет в выгрузке") {
		t.Errorf("the card of a customer in the file: %s", text(b.page))
	}
}
