package portal_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"kabinet/internal/portal"
)

func TestPublicContentNeedsNoLogin(t *testing.T) {
	e := newEnv(t)
	for path, key := range map[string]string{"/api/v1/news": "news", "/api/v1/about": "sections", "/api/v1/contacts": "offices", "/api/v1/faq": "faq"} {
		r := e.do(req{method: "GET", path: path})
		if r.Status != http.StatusOK {
			t.Errorf("%s: %d", path, r.Status)
			continue
		}
		if list, _ := r.JSON(t)[key].([]any); len(list) == 0 {
			t.Errorf("%s: no %s in %s", path, key, r.Body)
		}
	}
	r := e.do(req{method: "GET", path: "/api/v1/news"})
	if etag := r.Header.Get("ETag"); etag == "" || e.do(req{method: "GET", path: "/api/v1/news", headers: map[string]string{"If-None-Match": etag}}).Status != http.StatusNotModified {
		t.Error("news has no working ETag")
	}
}

func TestSearchMatchesRussianWordForms(t *testing.T) {
	e := newEnv(t)
	r := e.do(req{method: "GET", path: "/api/v1/search?q=" + "показание"})
	var got struct{ Results []portal.SearchHit }
	json.Unmarshal(r.Body, &got)
	found := map[string]bool{}
	for _, h := range got.Results {
		found[h.Kind+"/"+h.ID] = true
	}
	// The news says «показания счётчика», the FAQ «показание меньше прошлого».
	if !found["news/1"] || !found["faq/lower"] {
		t.Errorf("«показание» found %v", got.Results)
	}
	r = e.do(req{method: "GET", path: "/api/v1/search?q=" + "тарифы"})
	got.Results = nil
	json.Unmarshal(r.Body, &got)
	if len(got.Results) == 0 || got.Results[0].Kind != "service" {
		t.Errorf("«тарифы» found %v", got.Results)
	}
	if r := e.do(req{method: "GET", path: "/api/v1/search?q=%20"}); r.Status != http.StatusUnprocessableEntity || r.Code(t) != "empty_query" {
		t.Errorf("empty query: %d", r.Status)
	}
}

func TestQuestionsAreStoredOncePerKey(t *testing.T) {
	e := newEnv(t)
	tok := e.login(ivanova, password)
	ask := func(key string, body any) response {
		h := map[string]string{}
		if key != "" {
			h["Idempotency-Key"] = key
		}
		return e.do(req{method: "POST", path: "/api/v1/questions", token: tok, body: body, headers: h})
	}
	q := map[string]string{"topic": "Счёт", "text": "Почему в октябре счёт больше?", "account": ivanovaAcc}
	if r := ask("", q); r.Status != http.StatusBadRequest || r.Code(t) != "idempotency_key_required" {
		t.Errorf("without a key: %d", r.Status)
	}
	first, second := ask("question-key-1", q), ask("question-key-1", q)
	if first.Status != http.StatusCreated || string(first.Body) != string(second.Body) {
		t.Fatalf("ask twice: %d %s / %s", first.Status, first.Body, second.Body)
	}
	if r := ask("question-key-2", map[string]string{"text": "  "}); r.Status != http.StatusUnprocessableEntity || r.Code(t) != "bad_question" {
		t.Errorf("empty question: %d", r.Status)
	}
	if r := ask("question-key-3", map[string]string{"text": strings.Repeat("а", 4001)}); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("too long a question: %d", r.Status)
	}
	r := e.do(req{method: "GET", path: "/api/v1/questions", token: tok})
	var got struct{ Questions []map[string]any }
	json.Unmarshal(r.Body, &got)
	if len(got.Questions) != 1 || got.Questions[0]["text"] != q["text"] {
		t.Errorf("questions %s", r.Body)
	}
}

func TestBadRequestsGetProblemsAndChangeNothing(t *testing.T) {
	e := newEnv(t)
	tok := e.login(ivanova, password)
	huge := `{"customer":"` + strings.Repeat("1", 2<<20) + `","password":"x"}`
	cases := []struct {
		name   string
		r      req
		status int
		code   string
	}{
		{"body over 1 MiB", req{method: "POST", path: "/api/v1/session", body: huge}, http.StatusRequestEntityTooLarge, "body_too_large"},
		{"not JSON", req{method: "POST", path: "/api/v1/session", body: "customer=1"}, http.StatusBadRequest, "bad_request"},
		{"unknown field", req{method: "POST", path: "/api/v1/session", body: `{"customer":"1","password":"x","admin":true}`}, http.StatusBadRequest, "bad_request"},
		{"trailing data", req{method: "POST", path: "/api/v1/session", body: `{"customer":"1","password":"x"} {}`}, http.StatusBadRequest, "bad_request"},
		{"wrong type", req{method: "PUT", path: "/api/v1/accounts/" + ivanovaAcc + "/subscriptions", token: tok, body: `{"email_bills":"yes"}`}, http.StatusBadRequest, "bad_request"},
		{"empty body", req{method: "PUT", path: "/api/v1/profile", token: tok, body: ``}, http.StatusBadRequest, "bad_request"},
		{"unknown route", req{method: "GET", path: "/api/v1/nothing"}, http.StatusNotFound, "not_found"},
		{"bad token", req{method: "GET", path: "/api/v1/accounts", token: "forged"}, http.StatusUnauthorized, "unauthorized"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.do(c.r)
			if r.Status != c.status || r.Code(t) != c.code {
				t.Errorf("%d %s, want %d %s", r.Status, r.Body, c.status, c.code)
			}
		})
	}
}

func TestHealthz(t *testing.T) {
	e := newEnv(t)
	if r := e.do(req{method: "GET", path: "/healthz"}); r.Status != http.StatusOK || r.JSON(t)["status"] != "ok" {
		t.Errorf("healthz: %d %s", r.Status, r.Body)
	}
}

func TestHTTPServerHasTimeouts(t *testing.T) {
	hs := portal.NewHTTPServer(http.NotFoundHandler())
	if hs.ReadHeaderTimeout <= 0 || hs.ReadHeaderTimeout > 10*time.Second || hs.ReadTimeout <= 0 || hs.WriteTimeout <= 0 || hs.IdleTimeout <= 0 {
		t.Errorf("timeouts %v %v %v %v", hs.ReadHeaderTimeout, hs.ReadTimeout, hs.WriteTimeout, hs.IdleTimeout)
	}
}
