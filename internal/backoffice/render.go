package backoffice

import (
	"bytes"
	"html/template"
	"net/http"
	"slices"
	"time"

	"kabinet/internal/domain"
	"kabinet/internal/portaldb"
)

// page is what every template gets: the layout reads Title, Staff (nil on
// the login page), CSRF, Flash and Error; the page itself Data.
type page struct {
	Title string
	Staff *portaldb.StaffSession
	CSRF  string
	// Flash says what just succeeded; Error what went wrong and what to do.
	Flash, Error string
	Data         any
}

var funcs = template.FuncMap{
	// can reports whether the staff member has one of the roles.
	"can": func(s *portaldb.StaffSession, roles ...string) bool {
		return s != nil && slices.Contains(roles, s.Role)
	},
	// moscow formats an RFC 3339 time or a time.Time as Moscow time.
	"moscow": func(v any) string {
		var t time.Time
		switch v := v.(type) {
		case string:
			var err error
			if t, err = time.Parse(time.RFC3339, v); err != nil {
				return v
			}
		case time.Time:
			t = v
		}
		if t.IsZero() {
			return "—"
		}
		return t.In(domain.Moscow).Format("02.01.2006 15:04")
	},
	"roleName": roleName,
	"source":   sourceName,
	"payStatus": func(status string) string {
		return map[string]string{portaldb.PayCreating: "создаётся", portaldb.PayPending: "ждёт оплаты",
			portaldb.PaySucceeded: "оплачен", portaldb.PayCanceled: "отменён", portaldb.PayExpired: "истёк"}[status]
	},
	// debt says a balance in words: a negative debt is money paid ahead.
	"debt": func(k domain.Kopecks) string {
		switch {
		case k == 0:
			return "нет"
		case k < 0:
			return "переплата " + (-k).String()
		}
		return k.String()
	},
	"action": actionName,
}

// roleName is a role in Russian.
func roleName(role string) string {
	switch role {
	case portaldb.RoleOperator:
		return "оператор"
	case portaldb.RoleEditor:
		return "редактор"
	case portaldb.RoleAdmin:
		return "администратор"
	}
	return role
}

// sourceName says where a reading came from.
func sourceName(s domain.ReadingSource) string {
	switch s {
	case domain.SourceCustomer:
		return "от клиента"
	case domain.SourceInspector:
		return "контролёр"
	case domain.SourceAutomatic:
		return "автоматически"
	case domain.SourceEstimated:
		return "расчётные"
	case domain.SourceInitial:
		return "при установке"
	}
	return string(s)
}

// render writes a page. The page is executed into a buffer first, so a
// template error is an error page, not half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	if v, ok := r.Context().Value(visitKey).(*visit); ok {
		p.Staff, p.CSRF = &v.staff, v.staff.CSRF
	}
	var buf bytes.Buffer
	if err := s.pages[name].Execute(&buf, p); err != nil {
		s.log.Error("backoffice template", "page", name, "err", err)
		http.Error(w, "Страница не показана из-за ошибки программы. Обновите страницу; если не поможет, сообщите администратору.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// failed answers a request whose work failed for a reason of ours: the
// error goes to the log (no personal data in it), the person gets a
// sentence.
func (s *Server) failed(w http.ResponseWriter, r *http.Request, err error) {
	if err != nil {
		s.log.Error("backoffice", "route", r.Pattern, "err", err)
	}
	s.render(w, r, http.StatusInternalServerError, "message", page{Title: "Ошибка",
		Error: "Не получилось: ошибка на сервере. Ничего не изменено. Попробуйте ещё раз через минуту; если не поможет, сообщите администратору."})
}

// notFound answers a page about something that does not exist.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request, what string) {
	s.render(w, r, http.StatusNotFound, "message", page{Title: "Не найдено", Error: what})
}
