package portal_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"kabinet/internal/portaldb"
	"kabinet/internal/sms"
)

// Issue #11.1: whoever holds a session must not be able to own the account.

const (
	strangerPhone = "+79990001122" // the attacker's phone
	petrovPhone   = "+79127654321"
	newPhone      = "+79121112233" // Ivanova's new phone
)

var smsCode = regexp.MustCompile(`\b(\d{6})\b`)

// putProfile sends PUT /profile.
func putProfile(e *env, tok, email, phone, current string) response {
	e.t.Helper()
	body := map[string]string{"email": email, "phone": phone}
	if current != "" {
		body["current_password"] = current
	}
	return e.do(req{method: "PUT", path: "/api/v1/profile", token: tok, body: body})
}

func confirmPhone(e *env, tok, code string) response {
	e.t.Helper()
	return e.do(req{method: "POST", path: "/api/v1/profile/phone/confirm", token: tok, body: map[string]string{"code": code}})
}

// smsTo returns the SMS sent to phone so far.
func smsTo(e *env, phone string) []sms.Message {
	e.srv.Wait()
	var out []sms.Message
	for _, m := range e.sms.Messages() {
		if m.Phone == phone {
			out = append(out, m)
		}
	}
	return out
}

// sentCode is the code in the last SMS to phone.
func sentCode(t *testing.T, e *env, phone string) string {
	t.Helper()
	msgs := smsTo(e, phone)
	if len(msgs) == 0 {
		t.Fatalf("no SMS to %s", phone)
	}
	m := smsCode.FindStringSubmatch(msgs[len(msgs)-1].Text)
	if m == nil {
		t.Fatalf("no code in %q", msgs[len(msgs)-1].Text)
	}
	return m[1]
}

// profileOf is the customer's phone and e-mail as GET /profile has them.
func profileOf(e *env, tok string) (phone, email string) {
	e.t.Helper()
	r := e.do(req{method: "GET", path: "/api/v1/profile", token: tok})
	if r.Status != http.StatusOK {
		e.t.Fatalf("profile: %d %s", r.Status, r.Body)
	}
	m := r.JSON(e.t)
	email, _ = m["email"].(string)
	return m["phone"].(string), email
}

func TestStolenSessionCannotTakeTheAccountOver(t *testing.T) {
	e := newEnv(t)
	stolen := e.login(ivanova, password)

	// The attack of today's main: change the phone, then recover to it.
	for _, current := range []string{"", "угадываю-пароль"} {
		r := putProfile(e, stolen, "thief@example.ru", strangerPhone, current)
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("profile change with current password %q: %d %s", current, r.Status, r.Body)
		}
		want := map[string]string{"": "current_password_required", "угадываю-пароль": "wrong_current_password"}[current]
		if code := r.Code(t); code != want || r.JSON(t)["field"] != "current_password" {
			t.Errorf("code %q field %v, want %s on current_password", code, r.JSON(t)["field"], want)
		}
	}
	if phone, email := profileOf(e, stolen); phone != ivanovaPhone || email != "" {
		t.Errorf("after refused changes the profile is %s %s", phone, email)
	}
	e.clock.Advance(2 * time.Minute)
	r := recovery(e, strangerPhone)
	if r.Status != http.StatusAccepted {
		t.Fatalf("recovery: %d %s", r.Status, r.Body)
	}
	if msgs := smsTo(e, strangerPhone); len(msgs) != 0 {
		t.Errorf("the stranger's phone got SMS: %+v", msgs)
	}
	// The owner logs in as before.
	e.login(ivanova, password)
}

func TestUnprovenNewPhoneNeverGetsARecoverySMS(t *testing.T) {
	e := newEnv(t)
	tok := e.login(ivanova, password)
	// Even with the password, the new phone is only pending.
	r := putProfile(e, tok, "", strangerPhone, password)
	if r.Status != http.StatusOK || r.JSON(t)["code"] != "phone_code_sent" {
		t.Fatalf("phone change: %d %s", r.Status, r.Body)
	}
	if m := r.JSON(t); m["phone"] != ivanovaPhone || m["pending_phone"] != "+7 999 ***-**-22" {
		t.Errorf("answer: phone %v pending %v", m["phone"], m["pending_phone"])
	}
	if phone, _ := profileOf(e, tok); phone != ivanovaPhone {
		t.Fatalf("the phone changed before its code was typed: %s", phone)
	}
	for _, typed := range []string{strangerPhone, ivanovaPhone} {
		e.clock.Advance(2 * time.Minute)
		recovery(e, typed)
	}
	if msgs := smsTo(e, strangerPhone); len(msgs) != 1 || smsPassword.MatchString(strings.ToLower(msgs[0].Text)) {
		t.Errorf("the unproven phone got %d SMS (want only its code): %+v", len(msgs), msgs)
	}
	if msgs := smsTo(e, ivanovaPhone); len(msgs) != 1 || !smsPassword.MatchString(strings.ToLower(msgs[0].Text)) {
		t.Errorf("the proven phone on file got %+v, want the recovery SMS", msgs)
	}
}

func TestRecoveryNeverSendsToAnUnprovenPhone(t *testing.T) {
	e := newEnv(t)
	// A phone from billing that replaced one the customer had proved.
	ctx := context.Background()
	err := e.db.Write(ctx, func(tx *portaldb.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE customers SET phone_proven = FALSE WHERE number = ?`, ivanova)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if r := recovery(e, ivanovaPhone); r.Status != http.StatusAccepted {
		t.Fatalf("recovery: %d %s", r.Status, r.Body)
	}
	if msgs := smsTo(e, ivanovaPhone); len(msgs) != 0 {
		t.Errorf("an unproven phone got %+v", msgs)
	}
}

func TestNewPhoneIsProvenByTheCodeAndTheOldPhoneIsTold(t *testing.T) {
	e := newEnv(t)
	tok := e.login(ivanova, password)
	before, resp := e.document(tok, ivanovaAcc)
	if r := putProfile(e, tok, "", "8 (912) 111-22-33", password); r.Status != http.StatusOK {
		t.Fatalf("phone change: %d %s", r.Status, r.Body)
	} else if msg := r.JSON(t)["message"].(string); !strings.Contains(msg, "…33") || strings.Contains(msg, "1112233") {
		t.Errorf("message %q should name the number by its last two digits only", msg)
	}
	code := sentCode(t, e, newPhone)
	if len(smsTo(e, ivanovaPhone)) != 0 {
		t.Errorf("the old phone was told before the change happened")
	}
	r := confirmPhone(e, tok, code[:3]+" "+code[3:])
	if r.Status != http.StatusOK {
		t.Fatalf("confirm: %d %s", r.Status, r.Body)
	}
	if phone, _ := profileOf(e, tok); phone != newPhone {
		t.Errorf("phone after the code: %s", phone)
	}
	after, resp2 := e.document(tok, ivanovaAcc)
	if after.Customer.Phone != newPhone || resp2.Header.Get("ETag") == resp.Header.Get("ETag") || before.Customer.Phone != ivanovaPhone {
		t.Errorf("the document does not show the new phone: %+v", after.Customer)
	}
	notice := smsTo(e, ivanovaPhone)
	if len(notice) != 1 {
		t.Fatalf("the old phone got %d SMS, want one notice", len(notice))
	}
	want := "Коми энергосбыт. Номер телефона в личном кабинете изменён на …33. Если это были не вы, позвоните: 8 800 200-83-05"
	if notice[0].Text != want {
		t.Errorf("notice %q, want %q", notice[0].Text, want)
	}
	// The code is spent.
	if r := confirmPhone(e, tok, code); r.Status != http.StatusUnprocessableEntity || r.Code(t) != "phone_change_not_requested" {
		t.Errorf("the code a second time: %d %s", r.Status, r.Body)
	}
	// The proven new phone is where recovery goes now.
	e.do(req{method: "POST", path: "/api/v1/password-recovery", body: map[string]string{
		"customer": ivanova, "full_name": "Иванова Мария Петровна", "birth_date": "15.03.1948", "phone": newPhone}})
	if msgs := smsTo(e, newPhone); len(msgs) != 2 || !smsPassword.MatchString(strings.ToLower(msgs[1].Text)) {
		t.Errorf("recovery after the change: %+v", msgs)
	}
	for _, p := range []string{ivanovaPhone, newPhone, "1234567", "1112233", code} {
		if strings.Contains(e.logs.String(), p) {
			t.Errorf("the log holds %q", p)
		}
	}
}

func TestWrongPhoneCodesVoidTheCode(t *testing.T) {
	e := newEnv(t)
	tok := e.login(ivanova, password)
	putProfile(e, tok, "", newPhone, password)
	code := sentCode(t, e, newPhone)
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	if r := confirmPhone(e, tok, "12345"); r.Status != http.StatusUnprocessableEntity || r.Code(t) != "phone_code_wrong" {
		t.Errorf("five digits: %d %s", r.Status, r.Body)
	}
	for i := 1; i <= 4; i++ {
		r := confirmPhone(e, tok, wrong)
		if r.Status != http.StatusUnprocessableEntity || r.Code(t) != "phone_code_wrong" {
			t.Fatalf("wrong code %d: %d %s", i, r.Status, r.Body)
		}
		if left := r.JSON(t)["params"].(map[string]any)["tries_left"]; left != string(rune('0'+5-i)) {
			t.Errorf("after %d wrong codes %v tries left", i, left)
		}
	}
	if r := confirmPhone(e, tok, wrong); r.Status != http.StatusUnprocessableEntity || r.Code(t) != "phone_code_expired" {
		t.Fatalf("fifth wrong code: %d %s", r.Status, r.Body)
	}
	// Now even the right code does nothing.
	if r := confirmPhone(e, tok, code); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("the right code after five wrong ones: %d %s", r.Status, r.Body)
	}
	if phone, _ := profileOf(e, tok); phone != ivanovaPhone {
		t.Errorf("phone %s after a voided code", phone)
	}
}

func TestPhoneCodeExpires(t *testing.T) {
	e := newEnv(t)
	tok := e.login(ivanova, password)
	putProfile(e, tok, "", newPhone, password)
	code := sentCode(t, e, newPhone)
	e.clock.Advance(16 * time.Minute)
	if r := confirmPhone(e, tok, code); r.Status != http.StatusUnprocessableEntity || r.Code(t) != "phone_code_expired" {
		t.Errorf("a 16-minute-old code: %d %s", r.Status, r.Body)
	}
	if phone, _ := profileOf(e, tok); phone != ivanovaPhone {
		t.Errorf("phone %s after an expired code", phone)
	}
}

func TestPhoneCodesHaveADailyBudget(t *testing.T) {
	e := newEnv(t)
	tok := e.login(ivanova, password)
	for i := range 3 {
		if r := putProfile(e, tok, "", newPhone, password); r.Status != http.StatusOK {
			t.Fatalf("code %d: %d %s", i+1, r.Status, r.Body)
		}
	}
	r := putProfile(e, tok, "ivanova@mail.ru", newPhone, password)
	if r.Status != http.StatusTooManyRequests || r.Code(t) != "too_many_phone_codes" {
		t.Fatalf("fourth code in a day: %d %s", r.Status, r.Body)
	}
	if n := len(smsTo(e, newPhone)); n != 3 {
		t.Errorf("%d codes sent in a day, want 3", n)
	}
	if _, email := profileOf(e, tok); email != "" {
		t.Errorf("the refused request changed the e-mail to %q", email)
	}
	// The codes did not use up the recovery's budget.
	recovery(e, ivanovaPhone)
	if msgs := smsTo(e, ivanovaPhone); len(msgs) != 1 {
		t.Errorf("recovery after three codes: %d SMS", len(msgs))
	}

	// Per number: another customer cannot send a fourth code to it either.
	other := e.login(petrov, password)
	if r := putProfile(e, other, "petrov@example.ru", newPhone, password); r.Status != http.StatusTooManyRequests {
		t.Errorf("a fourth code to the same number from another customer: %d %s", r.Status, r.Body)
	}
	if r := putProfile(e, other, "petrov@example.ru", "+79125550000", password); r.Status != http.StatusOK {
		t.Errorf("another number: %d %s", r.Status, r.Body)
	}

	e.clock.Advance(24*time.Hour + time.Second)
	tok = e.login(ivanova, password)
	if r := putProfile(e, tok, "", newPhone, password); r.Status != http.StatusOK {
		t.Errorf("the next day: %d %s", r.Status, r.Body)
	}
}

func TestEmailChangeTellsTheOldAddressAndPhone(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	tok := e.login(petrov, password)
	r := putProfile(e, tok, "Petrov.New@Mail.RU", petrovPhone, password)
	if r.Status != http.StatusOK {
		t.Fatalf("e-mail change: %d %s", r.Status, r.Body)
	}
	if _, email := profileOf(e, tok); email != "Petrov.New@mail.ru" {
		t.Errorf("e-mail %q", email)
	}
	jobs, err := e.db.ClaimMailJobs(ctx, e.clock.Now(), time.Minute, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 1 || jobs[0].Kind != portaldb.MailEmailChanged || jobs[0].To != "petrov@example.ru" || jobs[0].Note != "P***@mail.ru" {
		t.Errorf("mail jobs: %+v, want one notice to the old address", jobs)
	}
	notice := smsTo(e, petrovPhone)
	if len(notice) != 1 || !strings.Contains(notice[0].Text, "Адрес электронной почты в личном кабинете изменён") ||
		!strings.Contains(notice[0].Text, "8 800 200-83-05") || strings.Contains(notice[0].Text, "Petrov") {
		t.Errorf("SMS to the phone: %+v", notice)
	}
	if strings.Contains(e.logs.String(), "petrov@example.ru") || strings.Contains(e.logs.String(), "Petrov.New") {
		t.Errorf("the log holds an address")
	}

	// No old address: no letter, but the phone is still told.
	tok = e.login(ivanova, password)
	if r := putProfile(e, tok, "ivanova@mail.ru", ivanovaPhone, password); r.Status != http.StatusOK {
		t.Fatalf("first e-mail: %d %s", r.Status, r.Body)
	}
	if jobs, _ := e.db.ClaimMailJobs(ctx, e.clock.Now(), time.Minute, 10); len(jobs) != 0 {
		t.Errorf("a letter to no address: %+v", jobs)
	}
	if n := len(smsTo(e, ivanovaPhone)); n != 1 {
		t.Errorf("Ivanova's phone got %d SMS, want one notice", n)
	}
}

func TestWrongCurrentPasswordsOfTheProfileCountOnTheLoginThrottle(t *testing.T) {
	e := newEnv(t)
	tok := e.login(ivanova, password)
	for range 6 {
		putProfile(e, tok, "x@example.ru", ivanovaPhone, "угадываю-пароль")
	}
	r := putProfile(e, tok, "x@example.ru", ivanovaPhone, password)
	if r.Status != http.StatusTooManyRequests || r.Code(t) != "too_many_attempts" {
		t.Errorf("after six wrong passwords: %d %s", r.Status, r.Body)
	}
}

// Issue #11.7: dates as people type them, and an answer that claims nothing.

func TestRecoveryAcceptsBirthDatesAsTyped(t *testing.T) {
	for _, typed := range []string{"15.3.1948", "15.03.1948", " 15 . 3 . 1948 ", "15/3/1948", "1948-03-15"} {
		// A subtest each, so each portal and its database connections
		// are closed before the next (PostgreSQL has 100 connections).
		t.Run(typed, func(t *testing.T) {
			e := newEnv(t)
			e.do(req{method: "POST", path: "/api/v1/password-recovery", body: map[string]string{
				"customer": ivanova, "full_name": "Иванова Мария Петровна", "birth_date": typed, "phone": ivanovaPhone}})
			if n := len(smsTo(e, ivanovaPhone)); n != 1 {
				t.Errorf("birth date %q: %d SMS", typed, n)
			}
		})
	}
}

func TestRecoveryAnswerDoesNotClaimASMSWasSent(t *testing.T) {
	e := newEnv(t)
	miss := recovery(e, "+79990001167")
	m := miss.JSON(t)
	msg, _ := m["message"].(string)
	if m["code"] != "recovery_requested" {
		t.Errorf("code %v", m["code"])
	}
	for _, want := range []string{"Если данные совпадают с договором", "…67", "8 800 200-83-05", "одноразовый пароль"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	if strings.Contains(strings.ToLower(msg), "пароль отправлен") || strings.Contains(msg, "1167") {
		t.Errorf("message %q", msg)
	}
	seen := map[string]bool{}
	for _, s := range strings.Split(msg, ". ") {
		if seen[s] {
			t.Errorf("sentence %q twice", s)
		}
		seen[s] = true
	}
	if r := recovery(e, "12345"); r.Status != http.StatusUnprocessableEntity || r.Code(t) != "bad_phone" {
		t.Errorf("a phone that is no phone: %d %s", r.Status, r.Body)
	}
}
