package backoffice

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"kabinet/internal/auth"
	"kabinet/internal/portal"
	"kabinet/internal/portaldb"
)

// visit is a request of a logged-in staff member.
type visit struct {
	staff portaldb.StaffSession
	token [32]byte
	addr  string
}

type ctxKey int

const visitKey ctxKey = 0

func visitOf(r *http.Request) *visit { return r.Context().Value(visitKey).(*visit) }

// cookieName is the session cookie's name. With Secure, the __Host-
// prefix makes the browser refuse it unless it is Secure, for this host
// only and for every path: a neighbour site cannot plant one.
func (s *Server) cookieName() string {
	if s.secure {
		return "__Host-kabinet-staff"
	}
	return "kabinet-staff"
}

func (s *Server) setCookie(w http.ResponseWriter, value string, remove bool) {
	c := &http.Cookie{Name: s.cookieName(), Value: value, Path: "/", HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteStrictMode}
	if remove {
		c.MaxAge = -1
	}
	http.SetCookie(w, c)
}

// staffOnly lets through the requests of a live session whose role is one
// of roles; for a POST also only with the session's CSRF token and from a
// page of this site. Anyone else goes to the login page or is refused.
func (s *Server) staffOnly(next http.HandlerFunc, roles ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(s.cookieName())
		if err != nil || c.Value == "" {
			s.toLogin(w, r, "")
			return
		}
		hash := auth.HashToken(c.Value)
		sess, err := s.db.TouchStaffSession(r.Context(), hash, s.now(), s.limits)
		switch {
		case errors.Is(err, portaldb.ErrSessionExpired):
			s.setCookie(w, "", true)
			s.toLogin(w, r, "expired")
			return
		case errors.Is(err, portaldb.ErrNotFound):
			s.setCookie(w, "", true)
			s.toLogin(w, r, "")
			return
		case err != nil:
			s.failed(w, r, err)
			return
		}
		v := &visit{staff: sess, token: hash, addr: portal.ClientAddress(r, s.proxies)}
		r = r.WithContext(context.WithValue(r.Context(), visitKey, v))
		if r.Method == http.MethodPost {
			if !sameOrigin(r) || !tokenMatches(r.PostFormValue("csrf"), sess.CSRF) {
				s.log.Warn("backoffice: a form without this session's token or from another site refused", "route", r.Pattern)
				s.render(w, r, http.StatusForbidden, "message", page{Title: "Форма устарела",
					Error: "Форма устарела или пришла не с этой страницы, поэтому ничего не изменено. Откройте страницу заново и повторите."})
				return
			}
		}
		if !slices.Contains(roles, sess.Role) {
			s.render(w, r, http.StatusForbidden, "message", page{Title: "Нет доступа",
				Error: "Этот раздел не для вашей роли (" + roleName(sess.Role) + "). Если он нужен вам для работы, обратитесь к администратору."})
			return
		}
		next(w, r)
	}
}

// toLogin sends a request without a session to the login page; a form
// sent meanwhile is not saved.
func (s *Server) toLogin(w http.ResponseWriter, r *http.Request, why string) {
	target := "/login"
	if why != "" {
		target += "?why=" + why
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// tokenMatches compares a form's CSRF token with the session's in
// constant time.
func tokenMatches(got, want string) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// sameOrigin reports whether a POST came from a page of this site: its
// Origin (every current browser sends one with a form) or, failing that,
// its Referer names this host. Neither: refused.
func sameOrigin(r *http.Request) bool {
	from := r.Header.Get("Origin")
	if from == "" {
		from = r.Header.Get("Referer")
	}
	if from == "" || from == "null" {
		return false
	}
	u, err := url.Parse(from)
	return err == nil && u.Host != "" && strings.EqualFold(u.Host, r.Host)
}

func newCSRFToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// audit writes the staff member's action to the audit log in tx.
func (s *Server) audit(r *http.Request, tx *portaldb.Tx, action, customer, record, detail string) error {
	v := visitOf(r)
	return tx.Audit(r.Context(), portaldb.AuditEntry{At: s.now(), Staff: v.staff.Login, Action: action,
		Customer: customer, Record: record, Detail: detail, Address: v.addr})
}

// home sends each role to the page it works on most.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	if visitOf(r).staff.Role == portaldb.RoleEditor {
		http.Redirect(w, r, "/content", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/questions", http.StatusSeeOther)
}
