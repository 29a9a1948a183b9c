package portal

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"kabinet/internal/domain"
	"kabinet/internal/portaldb"
	"kabinet/internal/search"
)

func (s *Server) news(w http.ResponseWriter, r *http.Request) {
	s.readList(w, r, "news", func(tx *portaldb.Tx) (any, error) { return tx.News(r.Context()) })
}

func (s *Server) about(w http.ResponseWriter, r *http.Request) {
	s.readList(w, r, "sections", func(tx *portaldb.Tx) (any, error) { return tx.About(r.Context()) })
}

func (s *Server) faq(w http.ResponseWriter, r *http.Request) {
	s.readList(w, r, "faq", func(tx *portaldb.Tx) (any, error) { return tx.FAQ(r.Context()) })
}

func (s *Server) contacts(w http.ResponseWriter, r *http.Request) {
	s.readList(w, r, "offices", func(tx *portaldb.Tx) (any, error) { return tx.Offices(r.Context()) })
}

// readList answers with one list under name; public content changes rarely,
// so it carries an ETag and a 304 saves a library's slow line.
func (s *Server) readList(w http.ResponseWriter, r *http.Request, name string, load func(*portaldb.Tx) (any, error)) {
	var v any
	err := s.db.Read(r.Context(), func(tx *portaldb.Tx) error {
		var err error
		v, err = load(tx)
		return err
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	page := map[string]any{name: v}
	if name == "offices" {
		page["phone"] = s.contactPhone
	}
	body, err := json.Marshal(page)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	etag := contentETag(body)
	w.Header().Set("ETag", etag)
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatches(inm, etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	writeBody(w, http.StatusOK, body)
}

func contentETag(body []byte) string {
	sum := sha256.Sum256(body)
	return fmt.Sprintf(`"%x"`, sum[:12])
}

// searchCheckEvery is how often a search asks the database whether the
// public content changed since the index was built: an edit made through
// another instance (the back office) is found here within about this long,
// and the question costs one small query a second at most.
const searchCheckEvery = time.Second

// freshenSearch rebuilds the index when the content version in the
// database moved past the index's, checking at most once per
// searchCheckEvery; one request checks while the others search the index
// they have.
func (s *Server) freshenSearch(ctx context.Context) {
	now := time.Now().UnixNano()
	last := s.searchChecked.Load()
	if now-last < int64(searchCheckEvery) || !s.searchChecked.CompareAndSwap(last, now) {
		return
	}
	v, err := s.db.ContentVersion(ctx)
	if err != nil {
		s.log.Error("search: content version", "err", err)
		return
	}
	s.searchMu.RLock()
	built := s.indexVersion
	s.searchMu.RUnlock()
	if v == built {
		return
	}
	if err := s.RefreshSearch(ctx); err != nil {
		s.log.Error("search: rebuilding the index", "err", err)
	}
}

// RefreshSearch rebuilds the search index from the public content.
func (s *Server) RefreshSearch(ctx context.Context) error {
	var docs []search.Document
	var version int64
	err := s.db.Read(ctx, func(tx *portaldb.Tx) error {
		var err error
		// Read in the content's snapshot: the index is of this version.
		if version, err = tx.ContentVersion(ctx); err != nil {
			return err
		}
		news, err := tx.News(ctx)
		if err != nil {
			return err
		}
		for _, n := range news {
			docs = append(docs, search.Document{Kind: "news", ID: n.ID, Title: n.Title, Text: n.Body})
		}
		faq, err := tx.FAQ(ctx)
		if err != nil {
			return err
		}
		for _, f := range faq {
			docs = append(docs, search.Document{Kind: "faq", ID: f.ID, Title: f.Question, Text: f.Answer})
		}
		offices, err := tx.Offices(ctx)
		if err != nil {
			return err
		}
		for _, o := range offices {
			docs = append(docs, search.Document{Kind: "office", ID: o.ID, Title: o.Name,
				Text: o.Address + ". " + strings.Join(o.Hours, ". ") + ". Телефоны: " + strings.Join(o.Phones, ", ")})
		}
		tariffs, err := tx.AllServices(ctx)
		if err != nil {
			return err
		}
		for _, t := range tariffs {
			docs = append(docs, search.Document{Kind: "service", ID: t.ID, Title: "Электроснабжение: " + t.Name, Text: tariffText(t)})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	ix := search.NewIndex(docs)
	s.searchMu.Lock()
	// Two rebuilds running at once: the later content wins.
	if s.index == nil || version >= s.indexVersion {
		s.index, s.indexVersion = ix, version
	}
	s.searchMu.Unlock()
	return nil
}

// tariffText describes a tariff's current prices in words, for search.
func tariffText(t domain.Tariff) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Тариф на электрическую энергию. %s.", t.Name)
	if t.Group != "" {
		fmt.Fprintf(&b, " Для групп потребителей: %s.", t.Group.Russian())
	}
	if n := len(t.Rates); n > 0 {
		r := t.Rates[n-1]
		fmt.Fprintf(&b, " Цены с %s:", r.ValidFrom.Russian())
		for _, z := range domain.ZonesFor(t.Zones) {
			fmt.Fprintf(&b, " %s — %s за кВт·ч;", domain.ZoneName(z, t.Zones), r.Tiers[0].Prices[z])
		}
	}
	return b.String()
}

// SearchHit is one search result.
type SearchHit struct {
	Kind    string  `json:"kind"`
	ID      string  `json:"id"`
	Title   string  `json:"title"`
	Snippet string  `json:"snippet"`
	Score   float64 `json:"score"`
}

func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if q == "" {
		s.writeError(w, r, problem(http.StatusUnprocessableEntity, codeEmptyQuery, "Введите, что вы ищете, например «показания» или «тариф»."))
		return
	}
	if utf8.RuneCountInString(q) > 200 || !utf8.ValidString(q) {
		s.writeError(w, r, problem(http.StatusBadRequest, codeBadRequest, "Слишком длинный запрос. Напишите одно-два слова."))
		return
	}
	s.freshenSearch(r.Context())
	s.searchMu.RLock()
	ix := s.index
	s.searchMu.RUnlock()
	hits := []SearchHit{}
	for _, h := range ix.Search(q, 20) {
		hits = append(hits, SearchHit{Kind: h.Document.Kind, ID: h.Document.ID, Title: h.Document.Title, Snippet: h.Snippet, Score: h.Score})
	}
	writeJSON(w, http.StatusOK, map[string]any{"query": q, "results": hits})
}

type questionRequest struct {
	Account string `json:"account,omitempty"`
	Topic   string `json:"topic"`
	Text    string `json:"text"`
}

func (s *Server) askQuestion(w http.ResponseWriter, r *http.Request) {
	key, err := idempotencyKey(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req questionRequest
	if err := decode(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	req.Topic, req.Text = strings.TrimSpace(req.Topic), strings.TrimSpace(req.Text)
	if req.Topic == "" {
		req.Topic = "Вопрос"
	}
	if err := domain.CheckQuestion(req.Topic, req.Text); err != nil {
		s.writeError(w, r, err)
		return
	}
	sess := sessionOf(r)
	op := newOnce(r, sess.CustomerID, key, req)
	err = s.db.Write(r.Context(), func(tx *portaldb.Tx) error {
		prev, found, err := tx.IdempotentResponse(r.Context(), sess.CustomerID, key)
		if err != nil {
			return err
		}
		if found {
			return op.replay(prev)
		}
		if req.Account != "" {
			if _, err := tx.AccountRef(r.Context(), sess.CustomerID, req.Account); errors.Is(err, portaldb.ErrNotFound) {
				return errNoAccount
			} else if err != nil {
				return err
			}
		}
		q, err := tx.InsertQuestion(r.Context(), sess.CustomerID, domain.Question{Account: req.Account, Topic: req.Topic, Text: req.Text})
		if err != nil {
			return err
		}
		return op.record(r.Context(), tx, http.StatusCreated, map[string]any{"question": q,
			"message": "Вопрос отправлен. Ответ появится в разделе «Задать вопрос» обычно в течение 3 рабочих дней."})
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	op.write(w)
}

func (s *Server) questions(w http.ResponseWriter, r *http.Request) {
	var list []domain.Question
	err := s.db.Read(r.Context(), func(tx *portaldb.Tx) error {
		var err error
		list, err = tx.Questions(r.Context(), sessionOf(r).CustomerID)
		return err
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"questions": list})
}
