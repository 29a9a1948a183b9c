package portalclient

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/go-resty/resty/v2"

	"kabinet/internal/domain"
)

// Errors to test with errors.Is. Each also carries a domain code: errors.As
// to a *domain.Error finds it (with Message, the sentence for a person).
var (
	// ErrOffline: the portal could not be reached or did not answer in
	// time (DNS failure, connection refused or reset, timeout, an answer
	// cut off). Whatever was sent may or may not have arrived.
	ErrOffline error = &codedError{"portalclient: no connection to the portal", domain.CodeNoConnection}
	// ErrUnauthorized: the session token is missing, expired or ended
	// (401). Log in again; queued work stays queued.
	ErrUnauthorized error = &codedError{"portalclient: the session has ended", domain.CodeSessionEnded}
	// ErrPasswordChangeRequired: the session was opened with a temporary
	// password, and only ChangePassword and Logout work (403).
	ErrPasswordChangeRequired error = &codedError{"portalclient: a new password must be set first", domain.CodePasswordChangeRequired}
	// ErrCursorExpired: the stored delta cursor cannot be used (410);
	// drop the stored document and fetch it in full.
	ErrCursorExpired error = &codedError{"portalclient: the sync cursor has expired", domain.CodeCursorExpired}
	// ErrClock: the portal's certificate is expired or not yet valid at
	// the computer's time, which on a home or library PC almost always
	// means the computer's date is wrong.
	ErrClock error = &codedError{"portalclient: the portal's certificate is not valid at this computer's time", domain.CodeComputerClock}
	// ErrCertificate: the portal's certificate failed verification for
	// another reason (unknown authority, wrong host name): possibly an
	// interception. Never retried.
	ErrCertificate error = &codedError{"portalclient: the portal's certificate failed verification", domain.CodeCertificate}
)

// codedError is a sentinel with a domain code.
type codedError struct {
	text string
	code domain.Code
}

func (e *codedError) Error() string { return e.text }

// As gives the sentinel's code to errors.As(err, **domain.Error).
func (e *codedError) As(target any) bool {
	return asDomain(target, func() *domain.Error {
		return &domain.Error{Code: e.code, Message: Message(e)}
	})
}

// asDomain sets target, when it is a **domain.Error, to what build returns.
func asDomain(target any, build func() *domain.Error) bool {
	de, ok := target.(**domain.Error)
	if ok {
		*de = build()
	}
	return ok
}

// retryParams is params with the server's Retry-After as "retry_after",
// in whole seconds rounded up, when it sent one.
func retryParams(params map[string]string, wait time.Duration) map[string]string {
	if wait <= 0 {
		return params
	}
	out := make(map[string]string, len(params)+1)
	for k, v := range params {
		out[k] = v
	}
	out["retry_after"] = strconv.Itoa(int((wait + time.Second - 1) / time.Second))
	return out
}

// RejectedError is a 4xx answer with the API's problem body: the request was
// understood and refused. It is not retried (a 429 only after the retries
// ran out). Branch on Code; show Detail, which is a Russian sentence.
type RejectedError struct {
	Status int
	Code   string
	Detail string
	Field  string
	Params map[string]string

	retryAfter time.Duration
}

// Error returns Detail, the sentence for the person.
func (e *RejectedError) Error() string {
	if e.Detail != "" {
		return e.Detail
	}
	return fmt.Sprintf("portalclient: the portal refused the request: %d %s", e.Status, e.Code)
}

// As gives the problem's code, field and params (with "retry_after") to
// errors.As(err, **domain.Error); its Message is the portal's Detail.
func (e *RejectedError) As(target any) bool {
	return asDomain(target, func() *domain.Error {
		return &domain.Error{Code: domain.Code(e.Code), Message: Message(e), Field: e.Field, Params: retryParams(e.Params, e.retryAfter)}
	})
}

// Is makes errors.Is(err, ErrUnauthorized), ErrPasswordChangeRequired and
// ErrCursorExpired true for the matching answers. A wrong password at login
// (401 wrong_credentials) is not ErrUnauthorized: no session ended.
func (e *RejectedError) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.Status == http.StatusUnauthorized && e.Code != "wrong_credentials"
	case ErrPasswordChangeRequired:
		return e.Code == "password_change_required"
	case ErrCursorExpired:
		return e.Code == "cursor_expired" || e.Status == http.StatusGone
	}
	return false
}

// ServerError is a 5xx answer (after the retries ran out), or an answer that
// is not the API's: a proxy's page, a body that is not the expected JSON.
type ServerError struct {
	Status int
	// Code and Detail are the problem+json of a 5xx answer, when it had
	// one (service_busy, internal_error).
	Code   string
	Detail string
	// RetryAfter is the server's Retry-After, 0 when it sent none.
	RetryAfter time.Duration

	cause error
}

func (e *ServerError) Error() string {
	if e.cause != nil {
		return fmt.Sprintf("portalclient: unexpected answer from the portal (HTTP %d): %v", e.Status, e.cause)
	}
	return fmt.Sprintf("portalclient: the portal answered HTTP %d", e.Status)
}

func (e *ServerError) Unwrap() error { return e.cause }

// As gives errors.As(err, **domain.Error) the problem's code, or
// domain.CodePortalUnavailable for a server failure without one, or
// domain.CodeBadAnswer for an answer that is not the API's.
func (e *ServerError) As(target any) bool {
	return asDomain(target, func() *domain.Error {
		code, msg := domain.Code(e.Code), e.Detail
		switch {
		case code != "":
		case e.cause != nil || e.Status < 500:
			code = domain.CodeBadAnswer
		default:
			code = domain.CodePortalUnavailable
		}
		if msg == "" {
			msg = Message(e)
		}
		return &domain.Error{Code: code, Message: msg, Params: retryParams(nil, e.RetryAfter)}
	})
}

// netError is a failure below HTTP: kind is ErrOffline, ErrClock or
// ErrCertificate, err what the transport said.
type netError struct {
	kind error
	err  error
}

func (e *netError) Error() string   { return e.kind.Error() + ": " + e.err.Error() }
func (e *netError) Unwrap() []error { return []error{e.kind, e.err} }

// transportError classifies an error of the HTTP transport.
func transportError(err error) error {
	var invalid x509.CertificateInvalidError
	if errors.As(err, &invalid) && invalid.Reason == x509.Expired {
		return &netError{kind: ErrClock, err: err}
	}
	if isCertificateError(err) {
		return &netError{kind: ErrCertificate, err: err}
	}
	return &netError{kind: ErrOffline, err: err}
}

func isCertificateError(err error) bool {
	var (
		verify    *tls.CertificateVerificationError
		invalid   x509.CertificateInvalidError
		authority x509.UnknownAuthorityError
		hostname  x509.HostnameError
		roots     x509.SystemRootsError
	)
	return errors.As(err, &verify) || errors.As(err, &invalid) || errors.As(err, &authority) ||
		errors.As(err, &hostname) || errors.As(err, &roots)
}

// retryableTransport reports whether a transport error is worth another
// attempt: a broken connection or a timeout is, a certificate that failed
// verification or an oversized answer is not.
func retryableTransport(err error) bool {
	return !isCertificateError(err) && !errors.Is(err, resty.ErrResponseBodyTooLarge)
}

// contextError is what a call returns when the caller's context ended: a
// cancellation as it is, a deadline as ErrOffline (the portal did not answer
// in the time the caller allowed) that is also context.DeadlineExceeded.
func contextError(ctxErr error) error {
	if errors.Is(ctxErr, context.DeadlineExceeded) {
		return &netError{kind: ErrOffline, err: ctxErr}
	}
	return ctxErr
}

// Sentences for people. The GUI may shorten them.
const (
	msgOffline        = "Нет связи с порталом. Проверьте интернет — введённые данные сохранены и будут отправлены автоматически."
	msgUnauthorized   = "Сеанс завершён. Войдите снова с номером клиента и паролем."
	msgPasswordChange = "Вы вошли с временным паролем. Сначала придумайте свой новый пароль."
	msgCursorExpired  = "Сохранённые данные устарели. Программа загрузит их заново."
	msgClock          = "Не удаётся установить защищённое соединение с порталом: на компьютере, похоже, неверные дата и время. Проверьте дату и время на компьютере и попробуйте снова."
	msgCertificate    = "Не удаётся проверить подлинность портала: его сертификат безопасности не прошёл проверку. Не вводите пароль на этом компьютере и сообщите об ошибке в контакт-центр."
	msgRejected       = "Портал не принял запрос. Проверьте введённые данные и попробуйте снова."
	msgServer         = "Портал временно не отвечает. Попробуйте ещё раз через несколько минут — введённые данные не потеряны."
	msgCancelled      = "Действие отменено."
	msgGeneric        = "Не удалось выполнить действие. Попробуйте ещё раз; если ошибка повторится, позвоните в контакт-центр."
)

// Message returns the Russian sentence to show for err; "" for nil.
func Message(err error) string {
	var rejected *RejectedError
	var server *ServerError
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrClock):
		return msgClock
	case errors.Is(err, ErrCertificate):
		return msgCertificate
	case errors.Is(err, ErrOffline):
		return msgOffline
	case errors.Is(err, ErrUnauthorized):
		return msgUnauthorized
	case errors.As(err, &rejected) && rejected.Detail != "":
		return rejected.Detail
	case errors.Is(err, ErrPasswordChangeRequired):
		return msgPasswordChange
	case errors.Is(err, ErrCursorExpired):
		return msgCursorExpired
	case errors.As(err, &rejected):
		return msgRejected
	case errors.As(err, &server):
		return msgServer
	case errors.Is(err, context.Canceled):
		return msgCancelled
	case errors.Is(err, context.DeadlineExceeded):
		return msgOffline
	}
	return msgGeneric
}

// RetryAfter returns the wait the server asked for with Retry-After on a
// 429 or a 5xx, when it did.
func RetryAfter(err error) (time.Duration, bool) {
	var rejected *RejectedError
	if errors.As(err, &rejected) && rejected.retryAfter > 0 {
		return rejected.retryAfter, true
	}
	var server *ServerError
	if errors.As(err, &server) && server.RetryAfter > 0 {
		return server.RetryAfter, true
	}
	return 0, false
}

// Temporary reports whether the same request is worth sending again later
// unchanged: no connection, a server failure, a 429. It is false for
// rejections, an ended session, certificate problems and cancellation.
func Temporary(err error) bool {
	if err == nil || errors.Is(err, ErrClock) || errors.Is(err, ErrCertificate) {
		return false
	}
	if errors.Is(err, ErrOffline) {
		return true
	}
	var rejected *RejectedError
	if errors.As(err, &rejected) {
		return rejected.Status == http.StatusTooManyRequests
	}
	var server *ServerError
	return errors.As(err, &server)
}
