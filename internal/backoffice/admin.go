package backoffice

import (
	"net/http"
	"strings"

	"kabinet/internal/portaldb"
)

// staffList shows the staff accounts; they are made and changed with
// `kabinet-portal staff` on the server.
func (s *Server) staffList(w http.ResponseWriter, r *http.Request) {
	var list []portaldb.StaffMember
	err := s.db.Read(r.Context(), func(tx *portaldb.Tx) error {
		var err error
		list, err = tx.StaffList(r.Context())
		return err
	})
	if err != nil {
		s.failed(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "staff", page{Title: "Сотрудники", Data: list})
}

type auditData struct {
	Customer string
	Entries  []portaldb.AuditEntry
}

// auditLog shows the last actions, or those about one customer.
func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) {
	d := auditData{Customer: strings.TrimSpace(r.URL.Query().Get("customer"))}
	err := s.db.Read(r.Context(), func(tx *portaldb.Tx) error {
		var err error
		d.Entries, err = tx.AuditLog(r.Context(), d.Customer, 200)
		return err
	})
	if err != nil {
		s.failed(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "audit", page{Title: "Журнал действий", Data: d})
}

// actionName is an audit log action in Russian.
func actionName(action string) string {
	if n, ok := actionNames[action]; ok {
		return n
	}
	return action
}

var actionNames = map[string]string{
	"login":             "вход",
	"login_failed":      "неудачный вход",
	"login_blocked":     "вход заблокирован: много попыток",
	"logout":            "выход",
	"search":            "поиск клиента",
	"customer_viewed":   "просмотр карточки клиента",
	"otp_issued":        "выдан одноразовый пароль",
	"question_answered": "ответ на вопрос",
	"news_saved":        "новость сохранена",
	"news_deleted":      "новость удалена",
	"about_saved":       "раздел «О сервисе» сохранён",
	"about_deleted":     "раздел «О сервисе» удалён",
	"faq_saved":         "вопрос-ответ сохранён",
	"faq_deleted":       "вопрос-ответ удалён",
	"refund":            "возврат онлайн-оплаты",
	"refund_failed":     "возврат онлайн-оплаты не удался",
}
