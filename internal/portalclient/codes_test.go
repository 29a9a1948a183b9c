package portalclient_test

import (
	"errors"
	"fmt"
	"net/http"
	"syscall"
	"testing"
	"testing/synctest"

	"kabinet/internal/domain"
	"kabinet/internal/portalclient"
)

// TestErrorsCarryDomainCodes: whatever went wrong talking to the portal,
// errors.As finds a domain code (and the params the window words a wait
// with), so the window can say it in its own language; errors.Is keeps
// working for the callers that branch on the sentinels.
func TestErrorsCarryDomainCodes(t *testing.T) {
	for _, tc := range []struct {
		name    string
		respond func(r *http.Request) (*http.Response, error)
		code    domain.Code
		params  map[string]string
		is      error
	}{
		{"no connection", func(*http.Request) (*http.Response, error) { return nil, syscall.ECONNRESET },
			domain.CodeNoConnection, nil, portalclient.ErrOffline},
		{"service busy", func(r *http.Request) (*http.Response, error) { return unavailable(r, "120"), nil },
			domain.CodeServiceBusy, map[string]string{"retry_after": "120"}, nil},
		{"server failure without a problem", func(r *http.Request) (*http.Response, error) {
			return answer(r, http.StatusBadGateway, http.Header{"Content-Type": {"text/html"}}, "<h1>Bad gateway</h1>"), nil
		}, domain.CodePortalUnavailable, nil, nil},
		{"not the API's answer", func(r *http.Request) (*http.Response, error) {
			return answer(r, http.StatusOK, http.Header{"Content-Type": {"application/json"}}, "<html>"), nil
		}, domain.CodeBadAnswer, nil, nil},
		{"rate limited", func(r *http.Request) (*http.Response, error) {
			return problemAnswer(r, http.StatusTooManyRequests, "too_many_attempts", "Подождите 15 минут.", http.Header{"Retry-After": {"900"}}), nil
		}, domain.CodeTooManyAttempts, map[string]string{"retry_after": "900"}, nil},
		{"session ended", func(r *http.Request) (*http.Response, error) {
			return answer(r, http.StatusUnauthorized, nil, ""), nil
		}, domain.CodeSessionEnded, nil, portalclient.ErrUnauthorized},
		{"rule", func(r *http.Request) (*http.Response, error) {
			return problemAnswer(r, http.StatusUnprocessableEntity, "reading_lower_than_previous", "Показание меньше прошлого.", nil), nil
		}, domain.CodeLowerThanPrevious, map[string]string{"previous": "12450"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				rt := &fakeRT{respond: func(_ int, r *http.Request) (*http.Response, error) { return tc.respond(r) }}
				c := fakeClient(t, rt, portalclient.Options{Retries: -1})
				_, err := c.Accounts(t.Context())
				var de *domain.Error
				if !errors.As(fmt.Errorf("sync: %w", err), &de) || de.Code != tc.code {
					t.Fatalf("err %v: code %v, want %s", err, de, tc.code)
				}
				// The Russian sentence for the command line: the portal's
				// own for a server failure it explained, else Message's.
				want := portalclient.Message(err)
				if tc.code == domain.CodeServiceBusy {
					want = "Портал перегружен."
				}
				if de.Message != want {
					t.Errorf("Message %q, want %q", de.Message, want)
				}
				for k, v := range tc.params {
					if de.Params[k] != v {
						t.Errorf("param %s = %q, want %q (all %v)", k, de.Params[k], v, de.Params)
					}
				}
				if tc.is != nil && !errors.Is(err, tc.is) {
					t.Errorf("errors.Is(%v, %v) is false", err, tc.is)
				}
			})
		})
	}
	for sentinel, code := range map[error]domain.Code{
		portalclient.ErrOffline: domain.CodeNoConnection, portalclient.ErrUnauthorized: domain.CodeSessionEnded,
		portalclient.ErrPasswordChangeRequired: domain.CodePasswordChangeRequired, portalclient.ErrCursorExpired: domain.CodeCursorExpired,
		portalclient.ErrClock: domain.CodeComputerClock, portalclient.ErrCertificate: domain.CodeCertificate,
	} {
		if got := domain.ErrorCode(fmt.Errorf("x: %w", sentinel)); got != code {
			t.Errorf("%v has code %q, want %q", sentinel, got, code)
		}
	}
}
