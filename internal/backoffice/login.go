package backoffice

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"kabinet/internal/auth"
	"kabinet/internal/portal"
	"kabinet/internal/portaldb"
)

type loginData struct{ Login string }

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	p := page{Title: "Вход для сотрудников"}
	if r.URL.Query().Get("why") == "expired" {
		p.Error = "Сеанс закончился: 30 минут без действий или 12 часов после входа. Войдите снова."
	}
	if r.URL.Query().Get("why") == "out" {
		p.Flash = "Вы вышли. Чтобы продолжить работу, войдите снова."
	}
	s.render(w, r, http.StatusOK, "login", p)
}

// login checks a staff member's password. Attempts are counted per login
// and per client address before the password is checked, so guessing is
// slow whatever the answer; an unknown login costs as much time as a known
// one.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	login := strings.ToLower(strings.TrimSpace(r.PostFormValue("login")))
	password := r.PostFormValue("password")
	addr := portal.ClientAddress(r, s.proxies)
	again := func(status int, msg string) {
		s.render(w, r, status, "login", page{Title: "Вход для сотрудников", Error: msg, Data: loginData{Login: login}})
	}
	if !sameOrigin(r) {
		again(http.StatusForbidden, "Форма входа пришла не с этой страницы. Откройте страницу входа заново.")
		return
	}
	if login == "" || password == "" || len(login) > 64 || len(password) > 256 {
		again(http.StatusUnprocessableEntity, "Введите логин и пароль, которые вам выдал администратор.")
		return
	}
	if wait, ok := s.loginByAddr.Allow(addr); !ok {
		again(http.StatusTooManyRequests, tooMany(wait))
		return
	}
	if wait, ok := s.loginByName.Allow(login); !ok {
		s.auditLogin(r, login, addr, "login_blocked")
		again(http.StatusTooManyRequests, tooMany(wait))
		return
	}
	var m portaldb.StaffMember
	err := s.db.Read(r.Context(), func(tx *portaldb.Tx) error {
		var err error
		m, err = tx.StaffByLogin(r.Context(), login)
		return err
	})
	if err != nil && !errors.Is(err, portaldb.ErrNotFound) {
		s.failed(w, r, err)
		return
	}
	ok := false
	if err == nil {
		ok, _ = auth.VerifyPassword(m.PasswordHash, password)
	} else {
		auth.BurnVerify(password)
	}
	if !ok || m.Disabled {
		s.auditLogin(r, login, addr, "login_failed")
		again(http.StatusUnauthorized, "Логин или пароль не подходят (или вход отключён). Проверьте раскладку и Caps Lock. Забытый пароль меняет администратор.")
		return
	}
	token, hash, err := auth.NewToken()
	if err != nil {
		s.failed(w, r, err)
		return
	}
	err = s.db.Write(r.Context(), func(tx *portaldb.Tx) error {
		if err := tx.StartStaffSession(r.Context(), hash, m.ID, newCSRFToken(), s.now()); err != nil {
			return err
		}
		return tx.Audit(r.Context(), portaldb.AuditEntry{At: s.now(), Staff: m.Login, Action: "login", Address: addr})
	})
	if err != nil {
		s.failed(w, r, err)
		return
	}
	s.log.Info("backoffice: staff logged in", "staff_id", m.ID, "role", m.Role)
	s.setCookie(w, token, false)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// auditLogin records a refused login; what was typed as the login is kept
// (never the password).
func (s *Server) auditLogin(r *http.Request, login, addr, action string) {
	err := s.db.Write(r.Context(), func(tx *portaldb.Tx) error {
		return tx.Audit(r.Context(), portaldb.AuditEntry{At: s.now(), Staff: login, Action: action, Address: addr})
	})
	if err != nil {
		s.log.Error("backoffice: audit", "err", err)
	}
}

func tooMany(wait time.Duration) string {
	minutes := int(wait.Minutes()) + 1
	return fmt.Sprintf("Слишком много попыток входа. Подождите %d мин. и попробуйте снова; если забыли пароль, обратитесь к администратору.", minutes)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	err := s.db.Write(r.Context(), func(tx *portaldb.Tx) error {
		return s.audit(r, tx, "logout", "", "", "")
	})
	if err == nil {
		err = s.db.EndStaffSession(r.Context(), v.token)
	}
	if err != nil {
		s.failed(w, r, err)
		return
	}
	s.setCookie(w, "", true)
	http.Redirect(w, r, "/login?why=out", http.StatusSeeOther)
}
