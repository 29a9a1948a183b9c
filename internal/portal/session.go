package portal

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"kabinet/internal/auth"
	"kabinet/internal/domain"
	"kabinet/internal/portaldb"
	"kabinet/internal/sms"
)

type ctxKey int

const sessionKey ctxKey = 0

// session is the logged-in caller of a request.
type session struct {
	portaldb.Session
	tokenHash [32]byte
	// ref and refErr are the account of the path, read with the session
	// where the handler needs it (accountDocument), when prefetched.
	prefetched bool
	ref        portaldb.AccountRef
	refErr     error
}

// documentPattern is the route whose account is read with the session.
const documentPattern = "GET /api/v1/accounts/{account}"

func sessionOf(r *http.Request) session { return r.Context().Value(sessionKey).(session) }

var errUnauthorized = problem(http.StatusUnauthorized, codeUnauthorized, "Сеанс завершён или не начат. Войдите снова с номером клиента и паролем.")

// authed lets a request through only with a live session token. A session
// opened with a temporary password may do nothing but set a new password or
// log out.
func (s *Server) authed(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if !strings.EqualFold(scheme, "Bearer") || token == "" || len(token) > 100 {
			s.writeError(w, r, errUnauthorized)
			return
		}
		h := auth.HashToken(strings.TrimSpace(token))
		var sess portaldb.Session
		var err error
		c := session{tokenHash: h}
		if r.Pattern == documentPattern {
			// One statement instead of two.
			sess, c.ref, c.refErr, err = s.db.SessionAccount(r.Context(), h, r.PathValue("account"))
			c.prefetched = err == nil
		} else {
			sess, err = s.db.Session(r.Context(), h)
		}
		if errors.Is(err, portaldb.ErrNotFound) {
			s.writeError(w, r, errUnauthorized)
			return
		}
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if sess.MustChangePassword && r.Pattern != "PUT /api/v1/password" && r.Pattern != "DELETE /api/v1/session" {
			s.writeError(w, r, problem(http.StatusForbidden, codePasswordChange, "Вы вошли с временным паролем. Сначала придумайте свой новый пароль."))
			return
		}
		c.Session = sess
		next(w, r.WithContext(context.WithValue(r.Context(), sessionKey, c)))
	}
}

type loginRequest struct {
	Customer string `json:"customer"`
	Password string `json:"password"`
	// DeviceToken is what an earlier login from this computer returned.
	DeviceToken string `json:"device_token,omitempty"`
}

type loginResponse struct {
	Token              string    `json:"token"`
	ExpiresAt          time.Time `json:"expires_at"`
	MustChangePassword bool      `json:"must_change_password"`
	// DeviceToken is for the app to keep and send with its next logins;
	// empty after a login with a temporary password, which the password
	// change that follows would end anyway.
	DeviceToken string `json:"device_token,omitempty"`
}

// maxPasswordBytes bounds what is hashed: 128 characters of four bytes.
const maxPasswordBytes = 512

// deviceTTL is how long a device token lasts after the login that issued
// it; every login from the device issues a new one.
const deviceTTL = 180 * 24 * time.Hour

// normalizePassword returns the password as it is hashed and compared: in
// Unicode NFC, so «й» typed as one character or as «и» and a combining
// breve is the same password.
func normalizePassword(p string) string { return norm.NFC.String(p) }

// passwordMatches compares a password as typed with a stored hash: in NFC,
// and, for a hash stored before passwords were normalised, as typed.
func passwordMatches(hash, typed string) bool {
	p := normalizePassword(typed)
	if ok, _ := auth.VerifyPassword(hash, p); ok {
		return true
	}
	if p != typed {
		ok, _ := auth.VerifyPassword(hash, typed)
		return ok
	}
	return false
}

// gate is a throttle key a login attempt passes.
type gate struct {
	th  *portaldb.Throttle
	key string
}

// login checks the password under the throttles. A login bringing a live
// device token of the customer passes only that device's throttle: failures
// elsewhere do not keep the customer out of their own computer. Any other
// login passes the client address's and the customer's. While the
// customer's (or the device's) throttle makes it wait, the password is not
// checked at all, but a temporary password (by SMS or from the contact
// centre) still lets the customer in and clears the wait.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	var req loginRequest
	if err := decode(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	number := normalizeCustomerNumber(req.Customer)
	if number == "" || req.Password == "" {
		s.writeError(w, r, problem(http.StatusBadRequest, codeBadRequest, "Введите номер клиента и пароль."))
		return
	}
	a, err := s.loginSubject(r.Context(), number, req.DeviceToken)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if p := a.passGates(s, s.clientAddress(r)); p != nil {
		s.writeError(w, r, p)
		return
	}
	if err := s.withHashing(r.Context(), func() { a.checkPassword(req.Password) }); err != nil {
		a.release()
		s.writeError(w, r, err)
		return
	}
	if !a.ok {
		for _, g := range a.passed {
			g.th.Fail(g.key)
		}
		s.log.Info("login failed")
		if a.tempOnly {
			s.writeError(w, r, tooManyAttempts(a.accountWait))
			return
		}
		s.writeError(w, r, problem(http.StatusUnauthorized, codeWrongCredentials,
			"Неверный номер клиента или пароль. Номер клиента напечатан в квитанции. Если забыли пароль, нажмите «Не получили или забыли пароль?»."))
		return
	}
	a.admit(s)
	resp, err := s.openSession(r.Context(), a)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.log.Info("login", "temporary_password", a.usedTemp != nil, "device", a.device != nil)
	writeJSON(w, http.StatusCreated, resp)
}

// loginAttempt is one login on its way through the throttles and the
// password check.
type loginAttempt struct {
	number string
	cust   portaldb.CustomerRecord // ID 0: no such customer
	// usedTemp is the customer's live temporary password; after the
	// check, only when it is the one that let them in.
	usedTemp *portaldb.TempPassword
	// device is the hash of the customer's live device token brought.
	device *[32]byte

	passed      []gate
	tempOnly    bool // the account's gate is closed: only a temporary password may pass
	accountWait time.Duration

	ok, byTemp bool
	rehash     string // the password hashed anew, normalised
}

// loginSubject reads the customer, their temporary password and whether
// the device token brought is theirs and live.
func (s *Server) loginSubject(ctx context.Context, number, deviceToken string) (*loginAttempt, error) {
	a := &loginAttempt{number: number}
	err := s.db.Read(ctx, func(tx *portaldb.Tx) error {
		var err error
		a.cust, err = tx.CustomerByNumber(ctx, number)
		if errors.Is(err, portaldb.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		tp, has, err := tx.TempPassword(ctx, a.cust.ID)
		if err != nil {
			return err
		}
		if has && !tp.Used && s.now().Before(tp.ExpiresAt) {
			a.usedTemp = &tp
		}
		if deviceToken != "" && len(deviceToken) <= 100 {
			h := auth.HashToken(deviceToken)
			live, err := tx.Device(ctx, a.cust.ID, h)
			if live {
				a.device = &h
			}
			return err
		}
		return nil
	})
	return a, err
}

// passGates takes the attempt through the throttles in order, the
// account's last; a closed account gate still lets a temporary password
// be tried. The problem says how long to wait.
func (a *loginAttempt) passGates(s *Server, address string) *Problem {
	gates := []gate{{s.loginByAddress, address}, {s.loginByCustomer, a.number}}
	if a.device != nil {
		gates = []gate{{s.loginByDevice, hex.EncodeToString(a.device[:])}}
	}
	for i, g := range gates {
		wait, ok := g.th.Allow(g.key)
		if ok {
			a.passed = append(a.passed, g)
			continue
		}
		if i == len(gates)-1 && a.usedTemp != nil {
			a.tempOnly, a.accountWait = true, wait
			continue
		}
		a.release()
		return tooManyAttempts(wait)
	}
	return nil
}

// release lets go of the gates passed, counting nothing.
func (a *loginAttempt) release() {
	for _, g := range a.passed {
		g.th.Release(g.key)
	}
}

// checkPassword checks the password typed: exactly two argon2id
// computations whatever the customer's state (three for a password that
// NFC changes), so the time taken tells nobody whether the number exists.
func (a *loginAttempt) checkPassword(typed string) {
	raw := typed
	if len(raw) > maxPasswordBytes {
		raw = raw[:maxPasswordBytes]
	}
	password := normalizePassword(raw)
	known := a.cust.ID != 0 && !a.tempOnly
	if known {
		a.ok, _ = auth.VerifyPassword(a.cust.PasswordHash, password)
	} else {
		auth.BurnVerify(password)
	}
	if raw != password {
		// A hash stored before passwords were normalised holds the
		// password as it was typed then: accept it once and store the
		// normalised one.
		if known && !a.ok {
			if a.ok, _ = auth.VerifyPassword(a.cust.PasswordHash, raw); a.ok {
				a.rehash, _ = auth.HashPassword(password)
			}
		} else {
			auth.BurnVerify(raw)
		}
	}
	if a.usedTemp != nil {
		a.byTemp, _ = auth.VerifyPassword(a.usedTemp.Hash, password)
		a.byTemp = a.byTemp && !a.ok
		a.ok = a.ok || a.byTemp
	} else {
		auth.BurnVerify(password)
	}
	if len(typed) > maxPasswordBytes {
		a.ok = false
	}
	if !a.byTemp {
		a.usedTemp = nil
	}
}

// admit clears the gates of a good login: the account's; an address only
// by time, as a library's computers share one. A temporary password clears
// the customer's gate, whichever way it came in: the customer is back.
func (a *loginAttempt) admit(s *Server) {
	for _, g := range a.passed {
		if g.th == s.loginByAddress {
			g.th.Release(g.key)
		} else {
			g.th.Succeed(g.key)
		}
	}
	if a.usedTemp != nil {
		s.loginByCustomer.Succeed(a.number)
		if a.device != nil && a.tempOnly {
			s.loginByDevice.Succeed(hex.EncodeToString(a.device[:]))
		}
	}
}

// openSession creates the session of a good login (with a new device
// token unless a password change comes first), using up a single-use
// temporary password and storing a rehashed one, in one transaction.
func (s *Server) openSession(ctx context.Context, a *loginAttempt) (loginResponse, error) {
	token, hash, err := auth.NewToken()
	if err != nil {
		return loginResponse{}, err
	}
	resp := loginResponse{Token: token, ExpiresAt: s.now().Add(s.sessionTTL).UTC().Truncate(time.Second),
		MustChangePassword: a.cust.MustChange || a.usedTemp != nil}
	var deviceHash [32]byte
	if !resp.MustChangePassword {
		if resp.DeviceToken, deviceHash, err = auth.NewToken(); err != nil {
			return loginResponse{}, err
		}
	}
	err = s.db.Write(ctx, func(tx *portaldb.Tx) error {
		if a.usedTemp != nil && a.usedTemp.SingleUse {
			if err := tx.MarkTempPasswordUsed(ctx, a.cust.ID); err != nil {
				return err
			}
		}
		if a.rehash != "" {
			if err := tx.RehashPassword(ctx, a.cust.ID, a.rehash); err != nil {
				return err
			}
		}
		if resp.DeviceToken != "" {
			if err := tx.AddDevice(ctx, a.cust.ID, deviceHash, s.now().Add(deviceTTL), a.device); err != nil {
				return err
			}
		}
		return tx.CreateSession(ctx, hash, portaldb.Session{CustomerID: a.cust.ID, ExpiresAt: resp.ExpiresAt, MustChangePassword: resp.MustChangePassword})
	})
	return resp, err
}

func tooManyAttempts(wait time.Duration) *Problem {
	p := problem(http.StatusTooManyRequests, codeTooManyAttempts,
		fmt.Sprintf("Слишком много неудачных попыток входа. Подождите %s и попробуйте снова. Если забыли пароль, нажмите «Не получили или забыли пароль?».", humanDuration(wait)))
	p.retryAfter = wait
	return p
}

// humanDuration writes a wait the way a person says it: «1 минуту», «40 секунд».
func humanDuration(d time.Duration) string {
	if d < time.Minute {
		n := max(1, int((d+time.Second-1)/time.Second))
		return fmt.Sprintf("%d %s", n, domain.Plural(n, "секунду", "секунды", "секунд"))
	}
	n := int((d + time.Minute - 1) / time.Minute)
	return fmt.Sprintf("%d %s", n, domain.Plural(n, "минуту", "минуты", "минут"))
}

// normalizeCustomerNumber drops the spaces and dashes people copy from a bill.
func normalizeCustomerNumber(s string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '\u00a0':
		default:
			return s // not a number: it will simply not be found
		}
	}
	if b.Len() > 20 {
		return ""
	}
	return b.String()
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r)
	if err := s.db.Write(r.Context(), func(tx *portaldb.Tx) error { return tx.DeleteSession(r.Context(), sess.tokenHash) }); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type recoveryRequest struct {
	Customer  string `json:"customer"`
	FullName  string `json:"full_name"`
	BirthDate string `json:"birth_date"`
	Phone     string `json:"phone"`
}

// SMS limits of password recovery per customer.
const (
	smsInterval = 60 * time.Second
	smsPerDay   = 5
	// smsPasswordTTL is how long a password sent by SMS works: long enough
	// for an elderly person to find their glasses, short enough not to
	// linger.
	smsPasswordTTL = 24 * time.Hour
)

// recoverPassword answers every well-formed request the same way, so nobody
// learns whose data matched; only a full match sends a new password, and
// only to the phone on file.
func (s *Server) recoverPassword(w http.ResponseWriter, r *http.Request) {
	var req recoveryRequest
	if err := decode(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if req.Customer == "" || req.FullName == "" || req.BirthDate == "" || req.Phone == "" {
		s.writeError(w, r, problem(http.StatusBadRequest, codeBadRequest, "Заполните все поля: номер клиента, ФИО, дату рождения и номер сотового телефона."))
		return
	}
	// A number that is no mobile phone matches nobody: saying so tells
	// nothing about the customer, and the answer names the number's end.
	typedPhone, err := domain.NormalizePhone(req.Phone)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if wait, ok := s.recoveryByAddr.Allow(s.clientAddress(r)); !ok {
		p := problem(http.StatusTooManyRequests, codeTooManyRequests,
			fmt.Sprintf("С этого компьютера уже было много запросов пароля. Подождите %s или позвоните в контакт-центр: %s.", humanDuration(wait), s.contactPhone))
		p.Params = map[string]string{"contact_phone": s.contactPhone}
		p.retryAfter = wait
		s.writeError(w, r, p)
		return
	}
	var sendTo string
	var password string
	err = s.withHashing(r.Context(), func() {
		var err error
		password, err = auth.GenerateTemporaryPassword()
		if err != nil {
			return
		}
		// Hashed whether or not anything matches, for equal timing.
		var hash string
		hash, err = auth.HashPassword(password)
		if err != nil {
			return
		}
		err = s.db.Write(r.Context(), func(tx *portaldb.Tx) error {
			cust, err := tx.CustomerByNumber(r.Context(), normalizeCustomerNumber(req.Customer))
			if errors.Is(err, portaldb.ErrNotFound) || (err == nil && !recoveryMatches(cust, req)) {
				return nil
			}
			if err != nil {
				return err
			}
			now := s.now()
			if !cust.PhoneProven {
				// Recovery never sends to a phone nobody proved to be the
				// customer's: the contact centre helps instead.
				s.log.Warn("recovery: the phone on file is not proven")
				return nil
			}
			n, last, err := tx.SMSSent(r.Context(), cust.ID, smsRecovery, now.Add(-24*time.Hour))
			if err != nil {
				return err
			}
			if n >= smsPerDay || (!last.IsZero() && now.Sub(last) < smsInterval) {
				s.log.Warn("recovery sms limit reached")
				return nil
			}
			if err := tx.SetTempPassword(r.Context(), cust.ID, portaldb.TempPassword{Hash: hash, Kind: "sms", ExpiresAt: now.Add(smsPasswordTTL)}); err != nil {
				return err
			}
			if err := tx.LogSMS(r.Context(), cust.ID, smsRecovery); err != nil {
				return err
			}
			sendTo = cust.Phone
			return nil
		})
		if err != nil {
			s.log.Error("password recovery", "err", err)
		}
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if sendTo != "" {
		text := fmt.Sprintf("Коми энергосбыт. Пароль для входа в личный кабинет: %s . После входа придумайте свой пароль. Никому не сообщайте этот пароль.", password)
		// Sent in the background: a slow gateway must not make a match
		// take longer than a miss.
		s.goBackground(func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if err := s.sms.Send(ctx, sms.Message{Phone: sendTo, Text: text}); err != nil {
				s.log.Error("recovery sms not sent", "to", domain.MaskPhone(sendTo), "err", err)
			}
		})
	}
	// The answer cannot say a password was sent: that would tell a stranger
	// the details matched.
	writeJSON(w, http.StatusAccepted, map[string]string{
		"code": string(domain.CodeRecoveryRequested),
		"message": fmt.Sprintf("Если данные совпадают с договором, в течение нескольких минут на номер, оканчивающийся на …%s, придёт SMS с временным паролем. "+
			"Если SMS не пришло за 15 минут, позвоните в контакт-центр: %s — вам продиктуют одноразовый пароль.", domain.PhoneEnding(typedPhone), s.contactPhone),
	})
}

// recoveryMatches compares what a person typed with the customer on file,
// forgiving case, ё/е, extra spaces and the ways of writing a date or phone.
func recoveryMatches(c portaldb.CustomerRecord, req recoveryRequest) bool {
	phone, err := domain.NormalizePhone(req.Phone)
	if err != nil || phone != c.Phone {
		return false
	}
	birth, ok := parseBirthDate(req.BirthDate)
	if c.Kind == domain.Individual && (!ok || birth != c.BirthDate) {
		return false
	}
	return foldName(req.FullName) == foldName(c.FullName)
}

// parseBirthDate reads a birth date as people type it: «14.03.1948»,
// «14.3.1948», «4.3.1948», with spaces, or «1948-03-14».
func parseBirthDate(s string) (domain.Date, bool) {
	d, err := domain.ParseTypedDate(s)
	return d, err == nil
}

func foldName(s string) string {
	s = strings.ToLower(strings.ReplaceAll(strings.ReplaceAll(s, "ё", "е"), "Ё", "Е"))
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '.' || r == ',' }), " ")
}

type passwordRequest struct {
	Current string `json:"current"`
	New     string `json:"new"`
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r)
	var req passwordRequest
	if err := decode(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	var cust portaldb.CustomerRecord
	var temp portaldb.TempPassword
	var hasTemp bool
	err := s.db.Read(r.Context(), func(tx *portaldb.Tx) error {
		var err error
		if cust, err = tx.CustomerByID(r.Context(), sess.CustomerID); err != nil {
			return err
		}
		temp, hasTemp, err = tx.TempPassword(r.Context(), sess.CustomerID)
		return err
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	// Normalised as at login; checked before the throttle, so that a
	// refused new password costs no attempt.
	newPassword, rawCurrent := normalizePassword(req.New), req.Current
	current := normalizePassword(rawCurrent)
	if err := domain.CheckNewPassword(newPassword, cust.Number); err != nil {
		var de *domain.Error
		if errors.As(err, &de) {
			err = de.WithField("new")
		}
		s.writeError(w, r, err)
		return
	}
	if wait, ok := s.loginByCustomer.Allow(cust.Number); !ok {
		p := problem(http.StatusTooManyRequests, codeTooManyAttempts,
			fmt.Sprintf("Текущий пароль несколько раз введён неверно. Подождите %s и попробуйте снова.", humanDuration(wait)))
		p.Field, p.retryAfter = "current_password", wait
		s.writeError(w, r, p)
		return
	}
	var currentOK, sameAsCurrent bool
	var hash string
	var hashErr error
	err = s.withHashing(r.Context(), func() {
		if len(rawCurrent) > maxPasswordBytes {
			return
		}
		currentOK = passwordMatches(cust.PasswordHash, rawCurrent)
		// A temporary password counts while its session lasts, even after
		// its one login.
		if !currentOK && hasTemp && s.now().Before(temp.ExpiresAt) {
			currentOK, _ = auth.VerifyPassword(temp.Hash, current)
		}
		if !currentOK {
			return
		}
		if sameAsCurrent = newPassword == current; sameAsCurrent {
			return
		}
		hash, hashErr = auth.HashPassword(newPassword)
	})
	switch {
	case errors.Join(err, hashErr) != nil:
		s.loginByCustomer.Release(cust.Number)
		s.writeError(w, r, errors.Join(err, hashErr))
		return
	case !currentOK:
		s.loginByCustomer.Fail(cust.Number)
		p := problem(http.StatusUnprocessableEntity, codeWrongPassword, "Текущий пароль введён неверно. Введите пароль, с которым вы вошли в личный кабинет.")
		p.Field = "current"
		s.writeError(w, r, p)
		return
	case sameAsCurrent:
		s.loginByCustomer.Succeed(cust.Number)
		p := problem(http.StatusUnprocessableEntity, codeSamePassword, "Новый пароль совпадает с текущим. Придумайте другой.")
		p.Field = "new"
		s.writeError(w, r, p)
		return
	}
	err = s.db.Write(r.Context(), func(tx *portaldb.Tx) error {
		if err := tx.SetPassword(r.Context(), cust.ID, hash); err != nil {
			return err
		}
		// Every computer logs in afresh, and none keeps its standing as
		// a known device: whoever knew the old password is out.
		if err := tx.ForgetDevices(r.Context(), cust.ID); err != nil {
			return err
		}
		return tx.EndOtherSessions(r.Context(), cust.ID, sess.tokenHash)
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.loginByCustomer.Succeed(cust.Number)
	s.log.Info("password changed")
	writeJSON(w, http.StatusOK, map[string]any{"must_change_password": false,
		"message": "Пароль изменён. На других компьютерах, где был открыт личный кабинет, нужно будет войти заново."})
}
