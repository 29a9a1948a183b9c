package backoffice

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"kabinet/internal/domain"
	"kabinet/internal/payments"
	"kabinet/internal/portal"
	"kabinet/internal/portaldb"
)

// refund returns money of a customer's online payment (admins only,
// decisions-wave2 «Refunds»): through the provider, debited from the
// account once (portal.RefundOnlinePayment). The payment must be this
// customer's: the form's payment id is not trusted.
func (s *Server) refund(w http.ResponseWriter, r *http.Request) {
	number, id := r.PathValue("number"), r.PathValue("id")
	if s.provider == nil {
		s.refundAnswer(w, r, number, http.StatusConflict, "", "Онлайн-оплата на этом портале не включена: возвращать нечего.")
		return
	}
	var amount domain.Kopecks
	if text := strings.TrimSpace(r.PostFormValue("amount")); text != "" {
		var err error
		amount, err = payments.ParseAmount(strings.ReplaceAll(text, ",", "."))
		if err != nil || amount <= 0 {
			s.refundAnswer(w, r, number, http.StatusUnprocessableEntity, "", "Сумму возврата напишите в рублях, например 123,45; пустое поле — вернуть всё.")
			return
		}
	}
	var cust portaldb.CustomerRecord
	err := s.db.Read(r.Context(), func(tx *portaldb.Tx) error {
		var err error
		cust, err = tx.CustomerByNumber(r.Context(), number)
		return err
	})
	if err != nil {
		s.customerFailed(w, r, err)
		return
	}
	p, err := s.db.OnlinePayment(r.Context(), id)
	if errors.Is(err, portaldb.ErrNotFound) || (err == nil && p.CustomerID != cust.ID) {
		s.notFound(w, r, "У этого клиента нет такого платежа. Откройте карточку клиента заново.")
		return
	}
	if err != nil {
		s.failed(w, r, err)
		return
	}
	res, err := portal.RefundOnlinePayment(r.Context(), s.db, s.provider, portal.RefundRequest{Payment: id, Amount: amount}, s.log, s.now())
	detail := fmt.Sprintf("платёж %s, возврат %s", id, amount)
	if amount == 0 {
		detail = fmt.Sprintf("платёж %s, возврат всего остатка", id)
	}
	action := "refund"
	if err != nil {
		action = "refund_failed"
	} else {
		detail += ", состояние " + string(res.Status)
	}
	if aerr := s.db.Write(r.Context(), func(tx *portaldb.Tx) error { return s.audit(r, tx, action, number, "платёж "+id, detail) }); aerr != nil {
		s.log.Error("backoffice: audit", "err", aerr)
	}
	switch {
	case err == nil && res.Status == payments.Succeeded:
		s.refundAnswer(w, r, number, http.StatusOK, fmt.Sprintf("Возвращено %s; с лицевого счёта %s это списано один раз.", res.Amount, res.Account), "")
	case err == nil:
		s.refundAnswer(w, r, number, http.StatusOK, fmt.Sprintf("Платёжная система приняла возврат %s; лицевой счёт изменится, когда она его проведёт.", res.Amount), "")
	case errors.Is(err, portal.ErrRefundNotPaid), errors.Is(err, portal.ErrRefundedAll), errors.Is(err, portal.ErrRefundTooLarge):
		s.refundAnswer(w, r, number, http.StatusUnprocessableEntity, "", "Возврат не сделан: "+errors.Unwrap(err).Error()+".")
	default:
		s.log.Error("backoffice: refund", "err", err)
		s.refundAnswer(w, r, number, http.StatusBadGateway, "",
			"Платёжная система не ответила, сделан ли возврат. Нажмите «Вернуть» ещё раз с той же суммой: второго возврата не будет.")
	}
}

// refundAnswer shows the customer's card with what became of a refund.
func (s *Server) refundAnswer(w http.ResponseWriter, r *http.Request, number string, status int, flash, problem string) {
	d, err := s.loadCustomer(r, number)
	if err != nil {
		s.customerFailed(w, r, err)
		return
	}
	s.render(w, r, status, "customer", page{Title: "Клиент " + number, Flash: flash, Error: problem, Data: d})
}
