package backoffice

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"kabinet/internal/domain"
	"kabinet/internal/portal"
	"kabinet/internal/portaldb"
	"kabinet/internal/sms"
)

// How an operator made sure the caller is the customer (decisions-wave2
// «One-time password by the contact centre»).
const (
	identifiedByCallback = "callback"
	identifiedByDocument = "document"
)

// identification reads the form's answer to «how did you identify the
// caller»: the audit log's detail, or a sentence saying what is missing.
func identification(r *http.Request) (detail, problem string) {
	switch r.PostFormValue("identified_by") {
	case identifiedByCallback:
		return "перезвонил(а) на телефон из договора", ""
	case identifiedByDocument:
		digits := strings.TrimSpace(r.PostFormValue("document_digits"))
		if len(digits) != 4 || strings.Trim(digits, "0123456789") != "" {
			return "", "Введите 4 последние цифры документа, которые назвал клиент и которые вы сверили."
		}
		return "сверил(а) последние цифры документа: " + digits, ""
	}
	return "", "Отметьте, как вы убедились, что звонит сам клиент: перезвонили на телефон из договора или сверили документ. Без этого пароль не выдаётся."
}

// issueOTP gives the customer a one-time password, shown on this page
// once: it is stored only hashed, and the audit log records who issued it
// and how the caller was identified, never the password. The phone on file
// gets a notice, so a customer who did not call learns of it.
func (s *Server) issueOTP(w http.ResponseWriter, r *http.Request) {
	number := r.PathValue("number")
	detail, problem := identification(r)
	if problem != "" {
		d, err := s.loadCustomer(r, number)
		if err != nil {
			s.customerFailed(w, r, err)
			return
		}
		s.render(w, r, http.StatusUnprocessableEntity, "customer", page{Title: "Клиент " + number, Error: problem, Data: d})
		return
	}
	otp, err := portal.NewOneTimePassword()
	if err != nil {
		s.failed(w, r, err)
		return
	}
	var cust portaldb.CustomerRecord
	err = s.db.Write(r.Context(), func(tx *portaldb.Tx) error {
		var err error
		if cust, err = tx.CustomerByNumber(r.Context(), number); err != nil {
			return err
		}
		if err := otp.Store(r.Context(), tx, cust.ID, s.now().Add(s.otpTTL)); err != nil {
			return err
		}
		if cust.Phone != "" {
			if err := tx.LogSMS(r.Context(), cust.ID, portal.SMSNoticePurpose); err != nil {
				return err
			}
		}
		return s.audit(r, tx, "otp_issued", number, "", detail)
	})
	if err != nil {
		s.customerFailed(w, r, err)
		return
	}
	s.log.Info("backoffice: one-time password issued", "staff_id", visitOf(r).staff.ID, "notice_sms", cust.Phone != "")
	if cust.Phone != "" {
		s.sendNotice(cust.Phone, fmt.Sprintf("По вашему звонку в контакт-центр выдан одноразовый пароль для входа в личный кабинет. "+
			"Если вы не звонили, позвоните нам: %s.", s.contactPhone))
	}
	d, err := s.loadCustomer(r, number)
	if err != nil {
		s.failed(w, r, err)
		return
	}
	d.OTP = otp.Password
	s.render(w, r, http.StatusOK, "customer", page{Title: "Клиент " + number,
		Flash: fmt.Sprintf("Одноразовый пароль выдан. Он действует для одного входа %s; после входа клиент придумает свой пароль.", ttlWords(s.otpTTL)),
		Data:  d})
}

func (s *Server) customerFailed(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, portaldb.ErrNotFound) {
		s.notFound(w, r, "Клиента с таким номером нет. Найдите его через «Поиск клиента».")
		return
	}
	s.failed(w, r, err)
}

// sendNotice sends an SMS in the background; a failure is logged with the
// phone masked.
func (s *Server) sendNotice(phone, text string) {
	s.background.Add(1)
	go func() {
		defer s.background.Done()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := s.sms.Send(ctx, sms.Message{Phone: phone, Text: text}); err != nil {
			s.log.Error("backoffice: notice sms not sent", "to", domain.MaskPhone(phone), "err", err)
		}
	}()
}

func ttlWords(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("в течение %d сут.", int(d/(24*time.Hour)))
	}
	return fmt.Sprintf("в течение %d ч", int(d.Hours()))
}
