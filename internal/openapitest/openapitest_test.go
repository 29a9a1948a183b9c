package openapitest

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// notes is a small API in the shape of the portal's: a token, an
// Idempotency-Key, problem+json errors, a 503 with Retry-After and a hook
// that answers 200 without a body.
const notes = `
openapi: 3.1.0
info: {title: notes, version: "1"}
security: [{bearer: []}]
paths:
  /notes/{id}:
    get:
      parameters:
        - {name: id, in: path, required: true, schema: {type: string, pattern: '^n[0-9]+$'}}
      responses:
        "200":
          description: a note
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Note"}
              example: {id: n1, text: Купить хлеб}
        "404": {$ref: "#/components/responses/Problem"}
        "503":
          description: busy
          headers:
            Retry-After: {required: true, schema: {type: integer, minimum: 1}}
          content:
            application/problem+json:
              schema: {$ref: "#/components/schemas/Problem"}
  /notes:
    post:
      parameters:
        - {name: Idempotency-Key, in: header, required: true, schema: {type: string, minLength: 8}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              additionalProperties: false
              required: [text]
              properties: {text: {type: string, minLength: 1}}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Note"}
        "401": {$ref: "#/components/responses/Problem"}
  /hook:
    post:
      security: []
      responses:
        "200": {description: taken}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
  responses:
    Problem:
      description: an error
      content:
        application/problem+json:
          schema: {$ref: "#/components/schemas/Problem"}
  schemas:
    Note:
      type: object
      additionalProperties: false
      required: [id, text]
      properties:
        id: {type: string}
        text: {type: string}
    Problem:
      type: object
      required: [code, detail]
      properties:
        code: {type: string}
        detail: {type: string}
`

// answer is a handler that answers as told, whatever it is asked.
func answer(status int, contentType, body string, headers ...string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	})
}

func get(path string, token bool) *http.Request {
	r := httptest.NewRequest("GET", path, nil)
	if token {
		r.Header.Set("Authorization", "Bearer t0k3n")
	}
	return r
}

func post(path, key, body string) *http.Request {
	r := httptest.NewRequest("POST", path, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Authorization", "Bearer t0k3n")
	if key != "" {
		r.Header.Set("Idempotency-Key", key)
	}
	return r
}

// mismatches runs h on req and returns what the document does not allow.
func mismatches(d *Document, h http.Handler, req *http.Request, checkRequest bool) []string {
	body, _ := readBody(req)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req.Clone(req.Context()))
	req.Body = io.NopCloser(strings.NewReader(string(body)))
	return d.Mismatches(req, rec.Result(), checkRequest)
}

func TestOpenAPIAnswersTheDocumentAllowsPass(t *testing.T) {
	d := Parse(t, "notes", []byte(notes))
	cases := []struct {
		name string
		req  *http.Request
		h    http.Handler
	}{
		{"a note", get("/notes/n1", true), answer(200, "application/json; charset=utf-8", `{"id":"n1","text":"Купить хлеб"}`)},
		{"a problem", get("/notes/n2", true), answer(404, "application/problem+json", `{"code":"not_found","detail":"Нет такой записки."}`)},
		{"busy with Retry-After", get("/notes/n1", true), answer(503, "application/problem+json", `{"code":"busy","detail":"Подождите."}`, "Retry-After", "30")},
		{"created", post("/notes", "key-12345", `{"text":"Позвонить"}`), answer(201, "application/json", `{"id":"n3","text":"Позвонить"}`)},
		{"a hook without a body", httptest.NewRequest("POST", "/hook", nil), answer(200, "", "")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if m := mismatches(d, c.h, c.req, true); len(m) > 0 {
				t.Errorf("an allowed exchange was refused:\n%s", strings.Join(m, "\n"))
			}
		})
	}
}

// The harness is worth something only if it fails: each of these answers
// breaks the document in one way a handler could.
func TestOpenAPIAnswersTheDocumentDoesNotAllowFail(t *testing.T) {
	d := Parse(t, "notes", []byte(notes))
	cases := []struct {
		name, want string // want: a word of the mismatch
		req        *http.Request
		h          http.Handler
	}{
		{"an undocumented status", "409", get("/notes/n1", true), answer(409, "application/problem+json", `{"code":"x","detail":"y"}`)},
		{"a problem sent as plain JSON", "application/json", get("/notes/n1", true), answer(404, "application/json", `{"code":"not_found","detail":"Нет."}`)},
		{"a required field missing", "text", get("/notes/n1", true), answer(200, "application/json", `{"id":"n1"}`)},
		{"a field the document does not have", "colour", get("/notes/n1", true), answer(200, "application/json", `{"id":"n1","text":"a","colour":"red"}`)},
		{"a field of the wrong type", "id", get("/notes/n1", true), answer(200, "application/json", `{"id":1,"text":"a"}`)},
		{"not JSON", "decode", get("/notes/n1", true), answer(200, "application/json", `<html>`)},
		{"a 503 without Retry-After", "Retry-After", get("/notes/n1", true), answer(503, "application/problem+json", `{"code":"busy","detail":"Подождите."}`)},
		{"a body where none is documented", "no body", httptest.NewRequest("POST", "/hook", nil), answer(200, "application/json", `{"ok":true}`)},
		{"an undocumented path", "no operation", get("/other", true), answer(200, "application/json", `{}`)},
		{"an undocumented method", "no operation", httptest.NewRequest("DELETE", "/notes/n1", nil), answer(204, "", "")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := mismatches(d, c.h, c.req, false)
			if len(m) == 0 {
				t.Fatal("the harness let it pass")
			}
			if !strings.Contains(strings.ToLower(strings.Join(m, "\n")), strings.ToLower(c.want)) {
				t.Errorf("the mismatch does not name %q:\n%s", c.want, strings.Join(m, "\n"))
			}
		})
	}
}

func TestOpenAPIRequestsTheDocumentDoesNotDescribeFailOnlyWhenChecked(t *testing.T) {
	d := Parse(t, "notes", []byte(notes))
	ok := answer(201, "application/json", `{"id":"n3","text":"a"}`)
	cases := []struct {
		name string
		req  *http.Request
	}{
		{"no Idempotency-Key", post("/notes", "", `{"text":"a"}`)},
		{"a body with a field too many", post("/notes", "key-12345", `{"text":"a","when":"now"}`)},
		{"an empty body", post("/notes", "key-12345", ``)},
		{"a path parameter out of its pattern", get("/notes/x1", true)},
		{"no token", get("/notes/n1", false)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := ok
			if c.req.Method == "GET" {
				h = answer(200, "application/json", `{"id":"n1","text":"a"}`)
			}
			body, _ := readBody(c.req)
			if m := mismatches(d, h, c.req, true); len(m) == 0 {
				t.Error("a request outside the document passed")
			}
			c.req.Body = io.NopCloser(strings.NewReader(string(body)))
			if m := mismatches(d, h, c.req, false); len(m) > 0 {
				t.Errorf("with the request left unchecked, the answer was refused:\n%s", strings.Join(m, "\n"))
			}
		})
	}
}

// fakeT records what Check reports instead of failing the real test.
type fakeT struct {
	testing.TB
	errors []string
}

func (f *fakeT) Helper()                   { _ = 0 }
func (f *fakeT) Error(args ...any)         { f.errors = append(f.errors, fmt.Sprint(args...)) }
func (f *fakeT) Errorf(s string, a ...any) { f.errors = append(f.errors, fmt.Sprintf(s, a...)) }
func (f *fakeT) Fatal(args ...any)         { f.Error(args...); panic("fatal") }

// Check, on a request a client really sent over the network, reads the
// request body again through GetBody and fails the test on a wrong answer;
// the caller can still read the answer's body.
func TestOpenAPICheckOverTheNetwork(t *testing.T) {
	d := Parse(t, "notes", []byte(notes))
	good := httptest.NewServer(answer(201, "application/json", `{"id":"n3","text":"a"}`))
	defer good.Close()
	bad := httptest.NewServer(answer(201, "application/json", `{"id":"n3"}`))
	defer bad.Close()
	for _, c := range []struct {
		srv      *httptest.Server
		wantFail bool
	}{{good, false}, {bad, true}} {
		req, _ := http.NewRequest("POST", c.srv.URL+"/notes", strings.NewReader(`{"text":"a"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer t")
		req.Header.Set("Idempotency-Key", "key-12345")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		ft := &fakeT{TB: t}
		d.Check(ft, req, resp)
		if failed := len(ft.errors) > 0; failed != c.wantFail {
			t.Errorf("%s: Check failed=%v, want %v: %v", c.srv.URL, failed, c.wantFail, ft.errors)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.HasPrefix(string(body), `{"id":"n3"`) {
			t.Errorf("after Check the body reads %q", body)
		}
	}
}

func TestOpenAPIServeFailsTheTestOnAWrongAnswer(t *testing.T) {
	d := Parse(t, "notes", []byte(notes))
	ft := &fakeT{TB: t}
	resp := d.Serve(ft, answer(200, "application/json", `{"id":"n1","text":"a","extra":1}`), get("/notes/n1", true))
	if len(ft.errors) == 0 {
		t.Error("Serve let an undocumented field pass")
	}
	if body, _ := io.ReadAll(resp.Body); !strings.Contains(string(body), "extra") {
		t.Errorf("Serve returned the body %q", body)
	}
	ft = &fakeT{TB: t}
	d.ServeOutside(ft, answer(404, "application/problem+json", `{"code":"not_found","detail":"Нет."}`), get("/notes/n1", false))
	if len(ft.errors) > 0 {
		t.Errorf("ServeOutside refused an allowed answer to a request without a token: %v", ft.errors)
	}
}

func TestOpenAPIUnseenNamesTheAnswersNoTestProduced(t *testing.T) {
	d := Parse(t, "notes", []byte(notes))
	mismatches(d, answer(200, "application/json", `{"id":"n1","text":"a"}`), get("/notes/n1", true), true)
	// A refused exchange covers nothing.
	mismatches(d, answer(404, "application/json", `{}`), get("/notes/n1", true), true)
	got := d.Unseen()
	want := []string{"GET /notes/{id} 404", "GET /notes/{id} 503", "POST /notes 201", "POST /notes 401", "POST /hook 200"}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("Unseen = %v, want %v", got, want)
	}
}

func TestOpenAPIOperationsAreMuxPatterns(t *testing.T) {
	d := Parse(t, "notes", []byte(notes))
	var got []string
	for _, o := range d.Operations() {
		got = append(got, o.Pattern())
	}
	want := []string{"GET /notes/{id}", "POST /notes", "POST /hook"}
	if !slices.Equal(got, want) {
		t.Errorf("Operations = %v, want %v", got, want)
	}
}

func TestOpenAPIDocumentProblems(t *testing.T) {
	if p := Parse(t, "notes", []byte(notes)).Problems(); len(p) > 0 {
		t.Errorf("a valid document has problems:\n%s", strings.Join(p, "\n"))
	}
	badExample := strings.Replace(notes, "example: {id: n1, text: Купить хлеб}", "example: {id: n1}", 1)
	if p := Parse(t, "bad example", []byte(badExample)).Problems(); len(p) == 0 {
		t.Error("an example without a required field passed")
	}
	noDescription := strings.Replace(notes, `"200": {description: taken}`, `"200": {summary: taken}`, 1)
	if p := Parse(t, "no description", []byte(noDescription)).Problems(); len(p) == 0 {
		t.Error("a response without its required description passed")
	}
	if _, err := parse("3.0", []byte(strings.Replace(notes, "openapi: 3.1.0", "openapi: 3.0.3", 1))); err == nil {
		t.Error("a 3.0 document was taken for 3.1")
	}
}
