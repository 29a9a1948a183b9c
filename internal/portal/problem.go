package portal

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"

	"kabinet/internal/domain"
)

// Problem is an error answer in the shape of RFC 9457 (problem+json), with
// a stable Code for programs and a Russian Detail for people.
type Problem struct {
	Type   string            `json:"type"`
	Title  string            `json:"title"`
	Status int               `json:"status"`
	Code   string            `json:"code"`
	Detail string            `json:"detail"`
	Field  string            `json:"field,omitempty"`
	Params map[string]string `json:"params,omitempty"`
	// retryAfter, when set, goes out as the Retry-After header.
	retryAfter time.Duration
}

func (p *Problem) Error() string { return p.Code + ": " + p.Detail }

// Codes of problems that are not domain rules; the strings are declared in
// domain, where the clients find every code they must have a sentence for.
const (
	codeBadRequest       = string(domain.CodeBadRequest)
	codeBodyTooLarge     = string(domain.CodeBodyTooLarge)
	codeUnauthorized     = string(domain.CodeSessionEnded)
	codeWrongCredentials = string(domain.CodeWrongCredentials)
	codeTooManyAttempts  = string(domain.CodeTooManyAttempts)
	codeTooManyRequests  = string(domain.CodeTooManyRequests)
	codePasswordChange   = string(domain.CodePasswordChangeRequired)
	codeWrongPassword    = string(domain.CodeWrongCurrentPassword)
	codeSamePassword     = string(domain.CodePasswordNotChanged)
	codeNotFound         = string(domain.CodeNotFound)
	codeKeyRequired      = string(domain.CodeKeyRequired)
	codeBadKey           = string(domain.CodeBadKey)
	codeKeyReused        = string(domain.CodeKeyReused)
	codeCursorExpired    = string(domain.CodeCursorExpired)
	codeEmailRequired    = string(domain.CodeEmailRequired)
	codeBadQuestion      = string(domain.CodeBadQuestion)
	codeEmptyQuery       = string(domain.CodeEmptyQuery)
	codeInternal         = string(domain.CodeInternal)
	codeUnsupportedMedia = string(domain.CodeUnsupportedMedia)
	codeServiceBusy      = string(domain.CodeServiceBusy)
	codeForbidden        = string(domain.CodeForbidden)
)

func problem(status int, code, detail string) *Problem {
	return &Problem{Type: "urn:kabinet:problem:" + code, Title: http.StatusText(status), Status: status, Code: code, Detail: detail}
}

// ruleProblem turns a broken domain rule into a 422.
func ruleProblem(e *domain.Error) *Problem {
	p := problem(http.StatusUnprocessableEntity, string(e.Code), e.Message)
	p.Field, p.Params = e.Field, e.Params
	return p
}

var errInternal = problem(http.StatusInternalServerError, codeInternal,
	"На сервере произошла ошибка. Ваши данные не потеряны. Попробуйте ещё раз через несколько минут.")

// writeError answers with err as a problem. A *Problem or *domain.Error is
// shown as it is; anything else is logged (without personal data: errors
// from our code carry none) and answered with one generic sentence.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var p *Problem
	var de *domain.Error
	switch {
	case errors.As(err, &p):
	case errors.As(err, &de):
		p = ruleProblem(de)
	default:
		s.log.ErrorContext(r.Context(), "request failed", "route", r.Pattern, "err", err)
		p = errInternal
	}
	if p.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((p.retryAfter+time.Second-1)/time.Second)))
	}
	if p.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="kabinet"`)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	json.NewEncoder(w).Encode(p)
}

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		slog.Error("encode response", "err", err)
		status, body = http.StatusInternalServerError, []byte(`{"code":"internal_error"}`)
	}
	writeBody(w, status, body)
}

func writeBody(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(body)
}

// maxBody is the largest request body accepted: no request of this API needs
// more than a few kilobytes.
const maxBody = 1 << 20

// decode reads exactly one JSON object into v: unknown fields, trailing
// data, a wrong type and a name given twice are refused, so a typo in a
// client is found, not ignored. Names are compared ignoring case, as
// encoding/json matches them: of {"t1": …, "T1": …} it would keep either.
func decode(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !isJSON(ct) {
		return problem(http.StatusUnsupportedMediaType, codeUnsupportedMedia, "Запрос должен быть в формате JSON (Content-Type: application/json).")
	}
	body, err := io.ReadAll(r.Body)
	if err == nil {
		if name, dup := duplicateName(body); dup {
			return problem(http.StatusBadRequest, codeBadRequest,
				fmt.Sprintf("Запрос составлен неверно: поле «%s» указано дважды. Обновите программу или сообщите в контакт-центр.", name))
		}
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		err = dec.Decode(v)
		if err == nil {
			if dec.Decode(&struct{}{}) != io.EOF {
				err = errors.New("data after the JSON object")
			}
		}
	}
	if err == nil {
		return nil
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return problem(http.StatusRequestEntityTooLarge, codeBodyTooLarge, "Запрос слишком большой. Сократите текст и отправьте снова.")
	}
	return problem(http.StatusBadRequest, codeBadRequest, fmt.Sprintf("Запрос составлен неверно: %s. Обновите программу или сообщите в контакт-центр.", jsonReason(err)))
}

// duplicateName finds a name given twice in one object of the JSON body,
// ignoring case, and returns its second spelling. A body that is not JSON
// has none: decoding it reports what is wrong.
func duplicateName(body []byte) (string, bool) {
	type object struct {
		names   map[string]bool
		wantKey bool
	}
	var stack []*object // nil entries are arrays
	dec := json.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", false
		}
		var top *object
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if name, ok := tok.(string); ok && top != nil && top.wantKey {
			f := foldCase(name)
			if top.names[f] {
				return name, true
			}
			top.names[f], top.wantKey = true, false
			continue
		}
		switch tok {
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				return "", false
			}
			continue
		}
		// A value: the next string of the object is a name again.
		if top != nil {
			top.wantKey = true
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &object{names: map[string]bool{}, wantKey: true})
		case json.Delim('['):
			stack = append(stack, nil)
		}
		if len(stack) == 0 {
			return "", false
		}
	}
}

// foldCase maps each letter of s to the smallest of its case variants, so
// names that differ only in case (as strings.EqualFold sees them) are one.
func foldCase(s string) string {
	var b strings.Builder
	for _, r := range s {
		m := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			m = min(m, f)
		}
		b.WriteRune(m)
	}
	return b.String()
}

func isJSON(ct string) bool {
	for i := 0; i < len(ct); i++ {
		if ct[i] == ';' {
			ct = ct[:i]
			break
		}
	}
	return ct == "application/json" || ct == "application/problem+json"
}

// jsonReason says in Russian what was wrong with a JSON body.
func jsonReason(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return "пустое тело запроса"
	case errors.As(err, &syn), errors.Is(err, io.ErrUnexpectedEOF):
		return "это не JSON"
	case errors.As(err, &typ):
		return fmt.Sprintf("у поля «%s» неверный тип", typ.Field)
	}
	if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return "лишнее поле " + f
	}
	return "неверная структура"
}
