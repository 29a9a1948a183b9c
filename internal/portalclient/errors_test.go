package portalclient_test

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"kabinet/internal/portalclient"
)

func TestMessage(t *testing.T) {
	rejected := &portalclient.RejectedError{Status: 422, Code: "reading_lower_than_previous", Detail: "Показание меньше прошлого."}
	for _, tc := range []struct {
		name string
		err  error
		want string // a part of the sentence
	}{
		{"offline", fmt.Errorf("sync: %w", portalclient.ErrOffline), "Нет связи с порталом. Проверьте интернет — введённые данные сохранены и будут отправлены автоматически."},
		{"unauthorized", portalclient.ErrUnauthorized, "Войдите снова"},
		{"unauthorized 401", &portalclient.RejectedError{Status: 401, Code: "unauthorized", Detail: "Сеанс завершён или не начат."}, "Войдите снова"},
		{"password change", portalclient.ErrPasswordChangeRequired, "новый пароль"},
		{"cursor", portalclient.ErrCursorExpired, "загрузит их заново"},
		{"password change 403", &portalclient.RejectedError{Status: 403, Code: "password_change_required"}, "новый пароль"},
		{"cursor 410", &portalclient.RejectedError{Status: 410, Code: "cursor_expired"}, "загрузит их заново"},
		{"clock", portalclient.ErrClock, "дату и время"},
		{"certificate", portalclient.ErrCertificate, "сертификат"},
		{"rejected", fmt.Errorf("outbox: %w", rejected), "Показание меньше прошлого."},
		{"rejected without detail", &portalclient.RejectedError{Status: 400, Code: "bad_request"}, "Портал не принял"},
		{"server", &portalclient.ServerError{Status: 503}, "Портал временно не отвечает"},
		{"cancelled", context.Canceled, "отменено"},
		{"deadline", context.DeadlineExceeded, "Нет связи"},
		{"other", errors.New("boom"), "Попробуйте ещё раз"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := portalclient.Message(tc.err)
			if !hasCyrillic(m) || !strings.Contains(m, tc.want) {
				t.Errorf("Message = %q, want it to contain %q", m, tc.want)
			}
		})
	}
	if m := portalclient.Message(nil); m != "" {
		t.Errorf("Message(nil) = %q", m)
	}
}

func TestErrorClasses(t *testing.T) {
	rej := func(status int, code string) error {
		return &portalclient.RejectedError{Status: status, Code: code, Detail: "Текст."}
	}
	for _, tc := range []struct {
		err                                     error
		unauthorized, change, cursor, temporary bool
	}{
		{rej(401, "unauthorized"), true, false, false, false},
		{rej(401, "wrong_credentials"), false, false, false, false},
		{rej(403, "password_change_required"), false, true, false, false},
		{rej(410, "cursor_expired"), false, false, true, false},
		{rej(422, "reading_lower_than_previous"), false, false, false, false},
		{rej(429, "too_many_attempts"), false, false, false, true},
		{&portalclient.ServerError{Status: 500}, false, false, false, true},
		{portalclient.ErrOffline, false, false, false, true},
		{portalclient.ErrClock, false, false, false, false},
		{portalclient.ErrCertificate, false, false, false, false},
		{context.Canceled, false, false, false, false},
		{nil, false, false, false, false},
	} {
		name := "nil"
		if tc.err != nil {
			name = tc.err.Error()
		}
		if got := errors.Is(tc.err, portalclient.ErrUnauthorized); got != tc.unauthorized {
			t.Errorf("%s: unauthorized %v", name, got)
		}
		if got := errors.Is(tc.err, portalclient.ErrPasswordChangeRequired); got != tc.change {
			t.Errorf("%s: password change %v", name, got)
		}
		if got := errors.Is(tc.err, portalclient.ErrCursorExpired); got != tc.cursor {
			t.Errorf("%s: cursor %v", name, got)
		}
		if got := portalclient.Temporary(tc.err); got != tc.temporary {
			t.Errorf("%s: temporary %v", name, got)
		}
	}
	if got := rej(422, "x").Error(); got != "Текст." {
		t.Errorf("Error() = %q, want the detail", got)
	}
	var inv x509.CertificateInvalidError
	if errors.As(portalclient.ErrClock, &inv) {
		t.Error("the sentinel is not an x509 error")
	}
}

func TestNew(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://lk.example.ru", "https://lk.example.ru"},
		{"https://lk.example.ru/", "https://lk.example.ru"},
		{" HTTPS://lk.example.ru:8443/portal/ ", "https://lk.example.ru:8443/portal"},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080"},
	} {
		c, err := portalclient.New(tc.in, portalclient.Options{})
		if err != nil || c.BaseURL() != tc.want {
			t.Errorf("New(%q): %v, %v", tc.in, c, err)
		}
	}
	for _, bad := range []string{"", "lk.example.ru", "ftp://lk.example.ru", "https://", "https:///x",
		"https://user:pw@lk.example.ru", "https://lk.example.ru/?a=1", "https://lk.example.ru/#x", "://x", "file:///etc/passwd"} {
		if _, err := portalclient.New(bad, portalclient.Options{}); err == nil {
			t.Errorf("New(%q) accepted", bad)
		}
	}
}

func TestHeaders(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var got []http.Header
		rt := &fakeRT{respond: func(n int, r *http.Request) (*http.Response, error) {
			got = append(got, r.Header.Clone())
			if r.URL.Path == "/portal/api/v1/session" {
				return answer(r, http.StatusCreated, nil, `{"token":"new-token","expires_at":"2026-11-20T21:00:00Z","must_change_password":true}`), nil
			}
			if r.URL.Path == "/portal/api/v1/search" && r.URL.Query().Get("q") != "тариф & цены" {
				t.Errorf("query %q", r.URL.RawQuery)
			}
			return answer(r, http.StatusOK, nil, `{"results":[{"kind":"faq","id":"1","title":"Т","snippet":"С","score":1.5,"extra":true}]}`), nil
		}}
		c := newClient(t, "https://portal.example/portal/", portalclient.Options{Transport: rt})
		if _, err := c.Search(t.Context(), "тариф & цены"); err != nil {
			t.Fatal(err)
		}
		s, err := c.Login(t.Context(), "100001", "pw")
		if err != nil || s.Token != "new-token" || !s.MustChangePassword || c.Token() != "new-token" ||
			!s.ExpiresAt.Equal(time.Date(2026, 11, 20, 21, 0, 0, 0, time.UTC)) {
			t.Fatalf("%+v, %v", s, err)
		}
		hits, err := c.Search(t.Context(), "тариф & цены")
		if err != nil || len(hits) != 1 || hits[0].Score != 1.5 || hits[0].Kind != "faq" {
			t.Fatalf("%+v, %v", hits, err)
		}
		if got[0].Get("Authorization") != "" || got[2].Get("Authorization") != "Bearer new-token" {
			t.Errorf("authorization: %q, %q", got[0].Get("Authorization"), got[2].Get("Authorization"))
		}
		if ua := got[0].Get("User-Agent"); !strings.HasPrefix(ua, "Kabinet/") {
			t.Errorf("User-Agent %q", ua)
		}
		if got[1].Get("Content-Type") != "application/json" || got[0].Get("Content-Type") != "" || got[0].Get("Accept") != "application/json" {
			t.Errorf("content headers %v / %v", got[0], got[1])
		}
		c.SetToken("")
		if c.Token() != "" {
			t.Error("SetToken(\"\") kept the token")
		}
	})
}
