package portal

// The profile: the customer's e-mail and phone (issue #11.1).
//
// Whoever holds a session must not be able to own the account for good, so
// changing either needs the current password (failures count on the login
// throttle of the customer), and a new phone is only a pending change until
// the code sent to it is typed back: recovery SMS go to the phone on file,
// which is always one the customer proved. The old phone and the old e-mail
// are told of every change, so the owner learns of a takeover and can call.

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kabinet/internal/auth"
	"kabinet/internal/domain"
	"kabinet/internal/portaldb"
	"kabinet/internal/sms"
)

// Phone proof by a code sent to the new phone.
const (
	phoneCodeTTL      = 15 * time.Minute
	phoneCodeTries    = 5
	phoneCodesPerDay  = 3 // per customer, and per new number
	phoneCodeSaltSize = 16
)

// Purposes in sms_log; each has its own budget (decisions-wave2 «SMS
// budgets»): recovery 5 a day, phone codes 3 a day per customer and per
// number, security notices always sent and counted apart.
const (
	smsRecovery  = "recovery"
	smsPhoneCode = "phone_code"
	smsNotice    = "notice"
)

type profileRequest struct {
	Email           string `json:"email"`
	Phone           string `json:"phone"`
	CurrentPassword string `json:"current_password"`
}

// profileResponse is the customer as stored, the new phone waiting for its
// code (masked), and what happened in a sentence.
type profileResponse struct {
	domain.Customer
	PendingPhone string `json:"pending_phone,omitempty"`
	Code         string `json:"code,omitempty"`
	Message      string `json:"message,omitempty"`
}

// normalized is the request's e-mail and phone as stored, or the rule
// they break.
func (req profileRequest) normalized() (email, phone string, err error) {
	if email, err = domain.NormalizeEmail(req.Email); err != nil {
		return "", "", err
	}
	if phone, err = domain.NormalizePhone(req.Phone); err != nil {
		return "", "", err
	}
	if utf8.RuneCountInString(email) > 254 {
		return "", "", domain.Errorf(domain.CodeBadEmail, "Адрес электронной почты слишком длинный.").WithField("email")
	}
	return email, phone, nil
}

// savePhoneChange keeps a new phone waiting for its code and counts the
// code's SMS. The pending change is written first: on PostgreSQL its row
// makes a second request of the customer wait for this one, so the count
// sees every code sent before. Over the day's budget the error rolls the
// transaction back and nothing changes, the e-mail neither.
func (s *Server) savePhoneChange(ctx context.Context, tx *portaldb.Tx, customer int64, change portaldb.PhoneChange) error {
	if err := tx.SetPhoneChange(ctx, customer, change); err != nil {
		return err
	}
	if err := tx.LogSMSTo(ctx, customer, smsPhoneCode, change.Phone); err != nil {
		return err
	}
	dayAgo := change.CreatedAt.Add(-24 * time.Hour)
	mine, _, err := tx.SMSSent(ctx, customer, smsPhoneCode, dayAgo)
	if err != nil {
		return err
	}
	theirs, err := tx.SMSSentTo(ctx, change.Phone, smsPhoneCode, dayAgo)
	if err != nil {
		return err
	}
	if mine > phoneCodesPerDay || theirs > phoneCodesPerDay {
		return tooManyPhoneCodes(s.contactPhone)
	}
	return nil
}

// saveEmail stores a new e-mail and queues the notices of the change: a
// letter to the old address, an SMS (counted here) to the phone on file.
func saveEmail(ctx context.Context, tx *portaldb.Tx, cust portaldb.CustomerRecord, email string) error {
	if err := tx.SetEmail(ctx, cust.ID, email); err != nil {
		return err
	}
	if cust.Email != "" {
		if err := tx.QueueEmailChangedNotice(ctx, cust.Email, maskEmail(email)); err != nil {
			return err
		}
	}
	if cust.Phone != "" {
		return tx.LogSMS(ctx, cust.ID, smsNotice)
	}
	return nil
}

func (s *Server) updateProfile(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r)
	var req profileRequest
	if err := decode(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	email, phone, err := req.normalized()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var cust portaldb.CustomerRecord
	var hasPending bool
	err = s.db.Read(r.Context(), func(tx *portaldb.Tx) error {
		var err error
		if cust, err = tx.CustomerByID(r.Context(), sess.CustomerID); err != nil {
			return err
		}
		_, hasPending, err = tx.PhoneChange(r.Context(), sess.CustomerID)
		return err
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	emailChanged, phoneChanged := email != cust.Email, phone != cust.Phone
	if !emailChanged && !phoneChanged {
		// Saving the phone on file again gives up a change waiting for its code.
		if hasPending {
			err := s.db.Write(r.Context(), func(tx *portaldb.Tx) error { return tx.DeletePhoneChange(r.Context(), cust.ID) })
			if err != nil {
				s.writeError(w, r, err)
				return
			}
		}
		writeJSON(w, http.StatusOK, profileResponse{Customer: cust.Customer, Message: "Сохранено: ничего не изменилось."})
		return
	}
	if err := s.checkCurrentPassword(r, cust, req.CurrentPassword); err != nil {
		s.writeError(w, r, err)
		return
	}

	var code string
	var codeHash []byte
	if phoneChanged {
		if code, codeHash, err = newPhoneCode(); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	now := s.now()
	err = s.db.Write(r.Context(), func(tx *portaldb.Tx) error {
		if phoneChanged {
			change := portaldb.PhoneChange{Phone: phone, CodeHash: codeHash, CreatedAt: now, ExpiresAt: now.Add(phoneCodeTTL)}
			if err := s.savePhoneChange(r.Context(), tx, cust.ID, change); err != nil {
				return err
			}
		} else if hasPending {
			// The phone on file kept: a change waiting for its code is given up.
			if err := tx.DeletePhoneChange(r.Context(), cust.ID); err != nil {
				return err
			}
		}
		if emailChanged {
			return saveEmail(r.Context(), tx, cust, email)
		}
		return nil
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	resp := profileResponse{Customer: cust.Customer, Code: "profile_saved"}
	resp.Email = email
	if emailChanged {
		s.log.Info("profile: e-mail changed", "notice_letter", cust.Email != "")
		if cust.Phone != "" {
			s.sendSMS(cust.Phone, "e-mail change notice", fmt.Sprintf(
				"Коми энергосбыт. Адрес электронной почты в личном кабинете изменён. Если это были не вы, позвоните: %s", s.contactPhone))
		}
	}
	if !phoneChanged {
		resp.Message = "Сохранено."
		writeJSON(w, http.StatusOK, resp)
		return
	}
	s.log.Info("profile: phone code sent", "to", domain.MaskPhone(phone))
	s.sendSMS(phone, "phone code", fmt.Sprintf(
		"Коми энергосбыт. Код для подтверждения номера в личном кабинете: %s. Код действует 15 минут. Никому не сообщайте его.", code))
	resp.PendingPhone = domain.MaskPhone(phone)
	resp.Code = string(domain.CodePhoneCodeSent)
	resp.Message = fmt.Sprintf("На номер, оканчивающийся на …%s, отправлен код из 6 цифр. Введите его в течение 15 минут — тогда номер телефона изменится. До этого остаётся прежний номер.", domain.PhoneEnding(phone))
	if emailChanged {
		resp.Message = "Адрес почты сохранён. " + resp.Message
	}
	writeJSON(w, http.StatusOK, resp)
}

// checkCurrentPassword verifies the password a profile change carries, on
// the same per-customer throttle as logins and password changes.
func (s *Server) checkCurrentPassword(r *http.Request, cust portaldb.CustomerRecord, password string) error {
	if password == "" {
		return domain.Errorf(domain.CodeCurrentPasswordRequired,
			"Чтобы изменить почту или телефон, введите текущий пароль — тот, с которым вы вошли.").WithField("current_password")
	}
	if wait, ok := s.loginByCustomer.Allow(cust.Number); !ok {
		p := problem(http.StatusTooManyRequests, codeTooManyAttempts,
			fmt.Sprintf("Текущий пароль несколько раз введён неверно. Подождите %s и попробуйте снова.", humanDuration(wait)))
		p.Field, p.retryAfter = "current_password", wait
		return p
	}
	var ok bool
	err := s.withHashing(r.Context(), func() {
		if len(password) > maxPasswordBytes {
			auth.BurnVerify(password[:maxPasswordBytes])
			return
		}
		ok = passwordMatches(cust.PasswordHash, password)
	})
	if err != nil {
		// Not checked (the queue is full, or the client went away): the
		// attempt counts neither way.
		s.loginByCustomer.Release(cust.Number)
		return err
	}
	if !ok {
		s.loginByCustomer.Fail(cust.Number)
		s.log.Info("profile: wrong current password")
		p := problem(http.StatusUnprocessableEntity, string(domain.CodeWrongCurrentPassword),
			"Текущий пароль введён неверно. Введите пароль, с которым вы вошли в личный кабинет. Почта и телефон не изменены.")
		p.Field = "current_password"
		return p
	}
	s.loginByCustomer.Succeed(cust.Number)
	return nil
}

func tooManyPhoneCodes(contactPhone string) *Problem {
	p := problem(http.StatusTooManyRequests, string(domain.CodeTooManyPhoneCodes),
		fmt.Sprintf("Сегодня коды для смены номера уже отправлялись %d раза. Попробуйте завтра или позвоните в контакт-центр: %s. Почта и телефон не изменены.", phoneCodesPerDay, contactPhone))
	p.Params = map[string]string{"per_day": strconv.Itoa(phoneCodesPerDay), "contact_phone": contactPhone}
	p.retryAfter = time.Hour
	return p
}

type phoneConfirmRequest struct {
	Code string `json:"code"`
}

// confirmPhone makes the pending phone the customer's when the code sent to
// it is typed back. Each try is counted before the code is compared; the
// fifth wrong one voids the code.
func (s *Server) confirmPhone(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r)
	var req phoneConfirmRequest
	if err := decode(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	code := strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\u00a0' {
			return -1
		}
		return r
	}, req.Code)
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
		s.writeError(w, r, domain.Errorf(domain.CodePhoneCodeWrong, "Код — это 6 цифр из SMS. Введите их без букв.").WithField("code"))
		return
	}
	type outcome int
	const (
		none outcome = iota
		void
		wrong
		right
	)
	var result outcome
	var left int
	var cust portaldb.CustomerRecord
	var newPhone string
	now := s.now()
	err := s.db.Write(r.Context(), func(tx *portaldb.Tx) error {
		result, left, newPhone = none, 0, ""
		var err error
		if cust, err = tx.CustomerByID(r.Context(), sess.CustomerID); err != nil {
			return err
		}
		pc, ok, err := tx.SpendPhoneCodeTry(r.Context(), cust.ID, phoneCodeTries, now)
		if err != nil {
			return err
		}
		if !ok {
			// No change, or one out of time or tries: void it for good.
			_, exists, err := tx.PhoneChange(r.Context(), cust.ID)
			if err != nil || !exists {
				return err
			}
			result = void
			return tx.DeletePhoneChange(r.Context(), cust.ID)
		}
		if !phoneCodeMatches(pc.CodeHash, code) {
			result, left = wrong, phoneCodeTries-pc.Failures
			if left <= 0 {
				result = void
				return tx.DeletePhoneChange(r.Context(), cust.ID)
			}
			return nil
		}
		result, newPhone = right, pc.Phone
		if err := tx.SetProvenPhone(r.Context(), cust.ID, pc.Phone); err != nil {
			return err
		}
		if cust.Phone != "" && cust.Phone != pc.Phone {
			return tx.LogSMS(r.Context(), cust.ID, smsNotice)
		}
		return nil
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	switch result {
	case none:
		s.writeError(w, r, domain.Errorf(domain.CodeNoPhoneChange,
			"Новый номер не ожидает подтверждения. Введите новый номер телефона и текущий пароль и нажмите «Сохранить» — придёт SMS с кодом.").WithField("code"))
		return
	case void:
		s.log.Info("profile: phone code void")
		s.writeError(w, r, domain.Errorf(domain.CodePhoneCodeExpired,
			"Код больше не действует: прошло 15 минут или он 5 раз введён неверно. Номер не изменён. Нажмите «Сохранить» ещё раз — придёт новый код.").WithField("code"))
		return
	case wrong:
		s.log.Info("profile: wrong phone code")
		s.writeError(w, r, domain.Errorf(domain.CodePhoneCodeWrong,
			"Код неверный. Проверьте цифры в последнем SMS и введите их снова. Осталось попыток: %d.", left).WithField("code").WithParam("tries_left", fmt.Sprint(left)))
		return
	}
	s.log.Info("profile: phone changed")
	if cust.Phone != "" && cust.Phone != newPhone {
		s.sendSMS(cust.Phone, "phone change notice", fmt.Sprintf(
			"Коми энергосбыт. Номер телефона в личном кабинете изменён на …%s. Если это были не вы, позвоните: %s", domain.PhoneEnding(newPhone), s.contactPhone))
	}
	c := cust.Customer
	c.Phone = newPhone
	writeJSON(w, http.StatusOK, profileResponse{Customer: c, Code: "phone_changed", Message: "Номер телефона изменён. Теперь SMS будут приходить на него."})
}

func (s *Server) profile(w http.ResponseWriter, r *http.Request) {
	var cust portaldb.CustomerRecord
	var pending portaldb.PhoneChange
	var hasPending bool
	err := s.db.Read(r.Context(), func(tx *portaldb.Tx) error {
		var err error
		if cust, err = tx.CustomerByID(r.Context(), sessionOf(r).CustomerID); err != nil {
			return err
		}
		pending, hasPending, err = tx.PhoneChange(r.Context(), cust.ID)
		return err
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	resp := profileResponse{Customer: cust.Customer}
	if hasPending && s.now().Before(pending.ExpiresAt) && pending.Failures < phoneCodeTries {
		resp.PendingPhone = domain.MaskPhone(pending.Phone)
	}
	writeJSON(w, http.StatusOK, resp)
}

// sendSMS sends text to phone in the background; what is logged names the
// phone masked and the message by what, never its text.
func (s *Server) sendSMS(phone, what, text string) {
	s.goBackground(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := s.sms.Send(ctx, sms.Message{Phone: phone, Text: text}); err != nil {
			s.log.Error("sms not sent", "what", what, "to", domain.MaskPhone(phone), "err", err)
		}
	})
}

// newPhoneCode returns a random 6-digit code and its salted hash.
func newPhoneCode() (string, []byte, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", nil, err
	}
	salt := make([]byte, phoneCodeSaltSize)
	if _, err := rand.Read(salt); err != nil {
		return "", nil, err
	}
	code := fmt.Sprintf("%06d", n.Int64())
	return code, hashPhoneCode(salt, code), nil
}

func hashPhoneCode(salt []byte, code string) []byte {
	sum := sha256.Sum256(append(append([]byte(nil), salt...), code...))
	return append(append([]byte(nil), salt...), sum[:]...)
}

func phoneCodeMatches(stored []byte, code string) bool {
	if len(stored) != phoneCodeSaltSize+sha256.Size {
		return false
	}
	return subtle.ConstantTimeCompare(hashPhoneCode(stored[:phoneCodeSaltSize], code), stored) == 1
}

// maskEmail hides most of an address: «m***@mail.ru».
func maskEmail(email string) string {
	local, host, ok := strings.Cut(email, "@")
	if !ok || local == "" {
		return ""
	}
	first, _ := utf8.DecodeRuneInString(local)
	return string(first) + "***@" + host
}
