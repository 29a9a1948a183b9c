package portal_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"kabinet/internal/domain"
)

func TestAccountsListsOnlyTheCustomersOwn(t *testing.T) {
	e := newEnv(t)
	tok := e.login(ivanova, password)
	r := e.do(req{method: "GET", path: "/api/v1/accounts", token: tok})
	var got struct{ Accounts []domain.AccountSummary }
	json.Unmarshal(r.Body, &got)
	if len(got.Accounts) != 1 || got.Accounts[0].Number != ivanovaAcc {
		t.Fatalf("accounts %+v", got.Accounts)
	}
	// 874,50 ₽ billed, 500,00 ₽ paid since.
	if got.Accounts[0].Debt != 37450 {
		t.Errorf("debt %d", got.Accounts[0].Debt)
	}
	// Another customer's account is indistinguishable from a missing one.
	other := e.do(req{method: "GET", path: "/api/v1/accounts/" + petrovAcc, token: tok})
	missing := e.do(req{method: "GET", path: "/api/v1/accounts/0000000000", token: tok})
	if other.Status != http.StatusNotFound || missing.Status != http.StatusNotFound || string(other.Body) != string(missing.Body) {
		t.Errorf("someone else's account: %d %s / missing: %d %s", other.Status, other.Body, missing.Status, missing.Body)
	}
	if r := e.do(req{method: "GET", path: "/api/v1/accounts"}); r.Status != http.StatusUnauthorized || r.Code(t) != "unauthorized" {
		t.Errorf("without a token: %d", r.Status)
	}
}

func TestAccountDocumentHasEverythingOfTheAccount(t *testing.T) {
	e := newEnv(t)
	tok := e.login(ivanova, password)
	r := e.do(req{method: "GET", path: "/api/v1/accounts/" + ivanovaAcc, token: tok})
	if r.Status != http.StatusOK {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	// The wire shape the app relies on: meters[].id and zones[].code/last_value as a string.
	var raw struct {
		Meters []struct {
			ID    string
			Zones []struct {
				Code      string
				LastValue json.RawMessage `json:"last_value"`
			}
		}
	}
	json.Unmarshal(r.Body, &raw)
	if len(raw.Meters) != 1 || raw.Meters[0].ID == "" || raw.Meters[0].Zones[0].Code != "t1" || string(raw.Meters[0].Zones[0].LastValue) != `"12450"` {
		t.Errorf("meters on the wire: %+v", raw.Meters)
	}
	var doc domain.AccountDocument
	json.Unmarshal(r.Body, &doc)
	switch {
	case doc.Account == nil || doc.Account.Number != ivanovaAcc || doc.Account.Address == "":
		t.Errorf("main data %+v", doc.Account)
	case doc.Customer == nil || doc.Customer.FullName != "Иванова Мария Петровна":
		t.Errorf("customer %+v", doc.Customer)
	case len(doc.Services) != 1 || doc.Services[0].Tariff == nil || len(doc.Services[0].Tariff.Rates) == 0:
		t.Errorf("services %+v", doc.Services)
	case len(doc.Invoices) != 1 || len(doc.Invoices[0].Lines) != 1 || doc.Invoices[0].Payee.BIC != "048702640":
		t.Errorf("invoices %+v", doc.Invoices)
	case len(doc.Payments) != 1 || doc.Payments[0].Amount != 50000:
		t.Errorf("payments %+v", doc.Payments)
	case len(doc.Readings) != 4:
		t.Errorf("readings %d", len(doc.Readings))
	case doc.ContractValues == nil || doc.ContractValues.Residents != 2:
		t.Errorf("contract values %+v", doc.ContractValues)
	case doc.Subscriptions == nil:
		t.Error("no subscriptions")
	case doc.Balance.Debt != 37450 || doc.Balance.DueOn.String() != "2026-11-10":
		t.Errorf("balance %+v", doc.Balance)
	case doc.Cursor == "" || doc.Delta:
		t.Errorf("cursor %q delta %v", doc.Cursor, doc.Delta)
	}
	m := doc.Meters[0]
	if m.NextVerification.String() != "2031-05-05" || !m.Window.Open || len(m.Recent) != 3 || m.AverageMonthly.String() != "150" {
		t.Errorf("meter %+v", m)
	}
}

func TestAccountDocumentETagAndDelta(t *testing.T) {
	e := newEnv(t)
	tok := e.login(ivanova, password)
	doc, r := e.document(tok, ivanovaAcc)
	etag := r.Header.Get("ETag")
	if !strings.HasPrefix(etag, `"`) {
		t.Fatalf("ETag %q is not a strong ETag", etag)
	}
	nm := e.do(req{method: "GET", path: "/api/v1/accounts/" + ivanovaAcc, token: tok, headers: map[string]string{"If-None-Match": etag}})
	if nm.Status != http.StatusNotModified || len(nm.Body) != 0 {
		t.Fatalf("If-None-Match with the current ETag: %d", nm.Status)
	}
	// Nothing changed: a delta is empty.
	delta := e.do(req{method: "GET", path: "/api/v1/accounts/" + ivanovaAcc + "?since=" + doc.Cursor, token: tok})
	var d domain.AccountDocument
	json.Unmarshal(delta.Body, &d)
	if delta.Status != http.StatusOK || !d.Delta || d.Account != nil || len(d.Readings)+len(d.Invoices)+len(d.Payments) != 0 || len(d.Meters) != 1 {
		t.Errorf("empty delta: %d %s", delta.Status, delta.Body)
	}
	submit(e, tok, "delta-key-1", map[string]any{"meter": doc.Meters[0].ID, "values": map[string]string{"t1": "12600"}})
	nm = e.do(req{method: "GET", path: "/api/v1/accounts/" + ivanovaAcc, token: tok, headers: map[string]string{"If-None-Match": etag}})
	if nm.Status != http.StatusOK || nm.Header.Get("ETag") == etag {
		t.Errorf("after a reading the old ETag still matches: %d", nm.Status)
	}
	delta = e.do(req{method: "GET", path: "/api/v1/accounts/" + ivanovaAcc + "?since=" + doc.Cursor, token: tok})
	d = domain.AccountDocument{}
	json.Unmarshal(delta.Body, &d)
	if len(d.Readings) != 1 || d.Readings[0].Values[domain.T1].String() != "12600" || len(d.Meters) != 1 || len(d.Invoices) != 0 || d.Account != nil {
		t.Errorf("delta after a reading: %s", delta.Body)
	}
	if d.Cursor == doc.Cursor {
		t.Error("the cursor did not move")
	}
	// The next day the window state may differ: the ETag changes.
	e.clock.Advance(24 * time.Hour)
	tok = e.login(ivanova, password)
	if r := e.do(req{method: "GET", path: "/api/v1/accounts/" + ivanovaAcc, token: tok, headers: map[string]string{"If-None-Match": nm.Header.Get("ETag")}}); r.Status != http.StatusOK {
		t.Errorf("a day later the ETag still matches: %d", r.Status)
	}
	for _, c := range []string{"garbage", "000000000000.5", doc.Cursor + "9"} {
		r := e.do(req{method: "GET", path: "/api/v1/accounts/" + ivanovaAcc + "?since=" + c, token: tok})
		if r.Status != http.StatusGone || r.Code(t) != "cursor_expired" {
			t.Errorf("cursor %q: %d", c, r.Status)
		}
	}
}

func TestSubscriptionsNeedAnEmailForBills(t *testing.T) {
	e := newEnv(t)
	tok := e.login(ivanova, password)
	path := "/api/v1/accounts/" + ivanovaAcc + "/subscriptions"
	r := e.do(req{method: "PUT", path: path, token: tok, body: map[string]bool{"email_bills": true, "sms_reminders": true}})
	if r.Status != http.StatusUnprocessableEntity || r.Code(t) != "email_required" {
		t.Fatalf("bills by e-mail without an e-mail: %d %s", r.Status, r.Body)
	}
	e.do(req{method: "PUT", path: "/api/v1/profile", token: tok, body: map[string]string{"email": "ivanova@mail.ru", "phone": ivanovaPhone, "current_password": password}})
	r = e.do(req{method: "PUT", path: path, token: tok, body: map[string]bool{"email_bills": true, "sms_reminders": true}})
	if r.Status != http.StatusOK {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	doc, _ := e.document(tok, ivanovaAcc)
	if s := doc.Subscriptions; !s.EmailBills || !s.SMSReminders || s.Email != "ivanova@mail.ru" {
		t.Errorf("subscriptions %+v", s)
	}
	if r := e.do(req{method: "PUT", path: "/api/v1/accounts/" + petrovAcc + "/subscriptions", token: tok, body: map[string]bool{}}); r.Status != http.StatusNotFound {
		t.Errorf("someone else's subscriptions: %d", r.Status)
	}
	// Clearing the e-mail address stops the e-mailed bills: there is nowhere to send them.
	e.do(req{method: "PUT", path: "/api/v1/profile", token: tok, body: map[string]string{"email": "", "phone": ivanovaPhone, "current_password": password}})
	doc, _ = e.document(tok, ivanovaAcc)
	if s := doc.Subscriptions; s.EmailBills || !s.SMSReminders {
		t.Errorf("after clearing the e-mail: %+v", s)
	}
}

func TestEmailRemindersNeedAnEmailAndEndWithIt(t *testing.T) {
	e := newEnv(t)
	tok := e.login(ivanova, password)
	path := "/api/v1/accounts/" + ivanovaAcc + "/subscriptions"
	r := e.do(req{method: "PUT", path: path, token: tok, body: map[string]bool{"email_reminders": true}})
	if r.Status != http.StatusUnprocessableEntity || r.Code(t) != "email_required" || !strings.Contains(string(r.Body), "email_reminders") {
		t.Fatalf("reminders by e-mail without an e-mail: %d %s", r.Status, r.Body)
	}
	e.do(req{method: "PUT", path: "/api/v1/profile", token: tok, body: map[string]string{"email": "ivanova@mail.ru", "phone": ivanovaPhone, "current_password": password}})
	r = e.do(req{method: "PUT", path: path, token: tok, body: map[string]bool{"email_reminders": true, "sms_reminders": true}})
	if r.Status != http.StatusOK || !strings.Contains(string(r.Body), `"email_reminders":true`) {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	doc, _ := e.document(tok, ivanovaAcc)
	if s := doc.Subscriptions; !s.EmailReminders || !s.SMSReminders || s.EmailBills {
		t.Errorf("subscriptions %+v", s)
	}
	e.do(req{method: "PUT", path: "/api/v1/profile", token: tok, body: map[string]string{"email": "", "phone": ivanovaPhone, "current_password": password}})
	doc, _ = e.document(tok, ivanovaAcc)
	if s := doc.Subscriptions; s.EmailReminders || !s.SMSReminders {
		t.Errorf("after clearing the e-mail: %+v", s)
	}
}

func TestBearerSchemeIsCaseInsensitive(t *testing.T) {
	e := newEnv(t)
	tok := e.login(ivanova, password)
	r := e.do(req{method: "GET", path: "/api/v1/accounts", headers: map[string]string{"Authorization": "bearer " + tok}})
	if r.Status != http.StatusOK {
		t.Errorf("lower-case bearer: %d", r.Status)
	}
}
