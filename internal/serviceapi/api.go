package serviceapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"kabinet/internal/auth"
	"kabinet/internal/domain"
	"kabinet/internal/exchange"
	"kabinet/internal/portaldb"
)

// Config is what the API needs.
type Config struct {
	DB     *portaldb.DB
	Logger *slog.Logger
	// MaxImportBytes bounds an import's body (0: 512 MiB, room for a
	// few hundred thousand customers).
	MaxImportBytes int64
}

// API serves /api/v1/service/….
type API struct {
	db        *portaldb.DB
	log       *slog.Logger
	maxImport int64
}

// New returns the API.
func New(cfg Config) *API {
	a := &API{db: cfg.DB, log: cfg.Logger, maxImport: cfg.MaxImportBytes}
	if a.log == nil {
		a.log = slog.Default()
	}
	if a.maxImport <= 0 {
		a.maxImport = 512 << 20
	}
	return a
}

// importTimeout bounds the time to receive and load one import.
const importTimeout = 15 * time.Minute

// Export limits: records per answer by default and at most. An answer is
// built in memory before it is sent (the cursor goes in a header), so the
// most is bounded.
const (
	defaultExportLimit = 5000
	maxExportLimit     = 50000
)

// Routes are the API's handlers by mux pattern, for the portal's mux.
func (a *API) Routes() map[string]http.Handler {
	return map[string]http.Handler{
		"POST /api/v1/service/imports/{kind}": http.HandlerFunc(a.importData),
		"GET /api/v1/service/readings":        a.export(exchange.ExportReadings),
		"GET /api/v1/service/questions":       a.export(exchange.ExportQuestions),
		"GET /api/v1/service/profile-changes": a.export(exchange.ExportProfileChanges),
	}
}

// Codes of this API's own problems (the rest are the customers' API's).
const (
	codeImportRejected = "import_rejected"
	codeBadCursor      = "bad_cursor"
)

// problem is an error answer in the shape of the customers' API's
// (RFC 9457 with a code and a Russian detail); Problems lists an import's
// bad lines.
type problem struct {
	Type     string        `json:"type"`
	Title    string        `json:"title"`
	Status   int           `json:"status"`
	Code     string        `json:"code"`
	Detail   string        `json:"detail"`
	Problems []lineProblem `json:"problems,omitempty"`
}

// lineProblem is a bad line of an import.
type lineProblem struct {
	Line int    `json:"line"`
	Text string `json:"text"`
}

func (p *problem) Error() string { return p.Code + ": " + p.Detail }

func newProblem(status int, code, detail string) *problem {
	return &problem{Type: "urn:kabinet:problem:" + code, Title: http.StatusText(status), Status: status, Code: code, Detail: detail}
}

func (a *API) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var p *problem
	if !errors.As(err, &p) {
		a.log.ErrorContext(r.Context(), "service request failed", "route", r.Pattern, "err", err)
		p = newProblem(http.StatusInternalServerError, string(domain.CodeInternal), "На сервере произошла ошибка; ничего не изменено. Повторите запрос позже.")
	}
	if p.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="kabinet-service"`)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	json.NewEncoder(w).Encode(p)
}

// authorize finds the request's service token. A customer's session token
// is not a service token: 401 as for none.
func (a *API) authorize(r *http.Request) (portaldb.ServiceToken, error) {
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	token = strings.TrimSpace(token)
	if !strings.EqualFold(scheme, "Bearer") || !strings.HasPrefix(token, tokenPrefix) || len(token) > 100 {
		return portaldb.ServiceToken{}, newProblem(http.StatusUnauthorized, string(domain.CodeSessionEnded),
			"Нужен служебный токен (Authorization: Bearer kbs_…); его выдаёт администратор портала командой kabinet-portal service-token add.")
	}
	t, err := a.db.ServiceTokenByHash(r.Context(), auth.HashToken(token))
	if errors.Is(err, portaldb.ErrNotFound) {
		return t, newProblem(http.StatusUnauthorized, string(domain.CodeSessionEnded),
			"Служебный токен не действует: он отозван или набран неверно. Попросите администратора портала выдать новый.")
	}
	return t, err
}

// permit refuses a token without scope.
func (a *API) permit(t portaldb.ServiceToken, scope string) error {
	if !t.Has(scope) {
		return newProblem(http.StatusForbidden, string(domain.CodeForbidden),
			fmt.Sprintf("У токена %q нет права %s. Попросите администратора портала выдать токен с этим правом.", t.Name, scope))
	}
	return nil
}

// importFormat reads the format of an import from its Content-Type.
func importFormat(r *http.Request) (exchange.Format, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case err != nil:
	case mt == "text/csv":
		return exchange.FormatCSV, nil
	case mt == "application/jsonl" || mt == "application/x-ndjson" || mt == "application/jsonlines":
		return exchange.FormatJSONL, nil
	}
	return "", newProblem(http.StatusUnsupportedMediaType, string(domain.CodeUnsupportedMedia),
		"Пришлите файл как text/csv (UTF-8 или Windows-1251, разделитель «;») или application/jsonl (JSON Lines).")
}

// importReport is the answer to an import that loaded.
type importReport struct {
	Kind      string `json:"kind"`
	Records   int    `json:"records"`
	Created   int    `json:"created"`
	Updated   int    `json:"updated"`
	Unchanged int    `json:"unchanged"`
	Flagged   int    `json:"flagged"`
	Letters   int    `json:"letters"`
}

func (a *API) importData(w http.ResponseWriter, r *http.Request) {
	// Who asks comes first: a stranger learns nothing, not even the kinds.
	tok, err := a.authorize(r)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	kind, err := exchange.ParseKind(r.PathValue("kind"))
	if err != nil {
		a.writeError(w, r, newProblem(http.StatusNotFound, string(domain.CodeNotFound), err.Error()))
		return
	}
	if err := a.permit(tok, "import:"+string(kind)); err != nil {
		a.writeError(w, r, err)
		return
	}
	format, err := importFormat(r)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	// A file of a few hundred thousand customers takes longer to send and
	// to load than the server's timeouts for the customers' small requests.
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Now().Add(importTimeout))
	rc.SetWriteDeadline(time.Now().Add(importTimeout))
	body := http.MaxBytesReader(w, r.Body, a.maxImport)
	rep, err := exchange.Import(r.Context(), a.db, kind, body, exchange.ImportOptions{Format: format, Name: "запрос", Logger: a.log})
	var lines *exchange.LineErrors
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		a.writeError(w, r, newProblem(http.StatusRequestEntityTooLarge, string(domain.CodeBodyTooLarge),
			fmt.Sprintf("Файл больше %d МБ; ничего не загружено. Разделите его на части.", a.maxImport>>20)))
		return
	case errors.As(err, &lines):
		p := newProblem(http.StatusUnprocessableEntity, codeImportRejected, lines.Error())
		for _, lp := range lines.Problems {
			p.Problems = append(p.Problems, lineProblem{Line: lp.Line, Text: lp.Text})
		}
		a.log.InfoContext(r.Context(), "service import rejected", "token", tok.Name, "kind", kind, "problems", len(lines.Problems))
		a.writeError(w, r, p)
		return
	case err != nil:
		a.writeError(w, r, err)
		return
	}
	a.log.InfoContext(r.Context(), "service import", "token", tok.Name, "kind", kind, "records", rep.Records,
		"created", rep.Created, "updated", rep.Updated, "flagged", rep.Flagged)
	writeJSON(w, importReport{Kind: string(rep.Kind), Records: rep.Records, Created: rep.Created, Updated: rep.Updated,
		Unchanged: rep.Unchanged, Flagged: rep.Flagged, Letters: rep.Letters})
}

func writeJSON(w http.ResponseWriter, v any) {
	body, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(body)
}

// Headers of an export's answer: the cursor to ask with next time, and
// whether more records wait beyond the limit.
const (
	headerNext = "Kabinet-Next-Cursor"
	headerMore = "Kabinet-More"
)

func (a *API) export(kind exchange.ExportKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, err := a.authorize(r)
		if err == nil {
			err = a.permit(tok, "export:"+string(kind))
		}
		if err != nil {
			a.writeError(w, r, err)
			return
		}
		q := r.URL.Query()
		limit := defaultExportLimit
		if s := q.Get("limit"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 || n > maxExportLimit {
				a.writeError(w, r, newProblem(http.StatusBadRequest, string(domain.CodeBadRequest),
					fmt.Sprintf("limit — число записей от 1 до %d.", maxExportLimit)))
				return
			}
			limit = n
		}
		format, err := exchange.ParseExportFormat(q.Get("format"))
		if err != nil {
			a.writeError(w, r, newProblem(http.StatusBadRequest, string(domain.CodeBadRequest), err.Error()))
			return
		}
		ctype := "application/jsonl; charset=utf-8"
		if format == exchange.ExportCSV {
			ctype = "text/csv; charset=utf-8"
		}
		var buf bytes.Buffer
		res, err := exchange.Export(r.Context(), a.db, kind, q.Get("since"), limit, format, &buf)
		if errors.Is(err, exchange.ErrBadCursor) {
			a.writeError(w, r, newProblem(http.StatusBadRequest, codeBadCursor, err.Error()))
			return
		}
		if err != nil {
			a.writeError(w, r, err)
			return
		}
		a.log.InfoContext(r.Context(), "service export", "token", tok.Name, "kind", kind, "records", res.Records, "more", res.More)
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set(headerNext, res.Next)
		w.Header().Set(headerMore, strconv.FormatBool(res.More))
		w.Write(buf.Bytes())
	}
}
