// Package openapitest holds HTTP handlers to an OpenAPI 3.1 document in
// tests: a request the document does not describe, or an answer whose
// status, content type, headers or body it does not allow, fails the test.
//
//	doc := openapitest.Load(t, "../../docs/openapi/payments.yaml")
//	resp := doc.Serve(t, handler, req) // the request and the answer are checked
//
// It also says which documented answers the tests never produced
// (Unseen), so a test can hold itself to covering the document.
package openapitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
	verrors "github.com/pb33f/libopenapi-validator/errors"
	"github.com/pb33f/libopenapi-validator/schema_validation"
	"github.com/pb33f/libopenapi/datamodel/high/base"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
	"github.com/pb33f/libopenapi/orderedmap"
)

// Document is a loaded OpenAPI document. Its methods may be called from
// parallel tests.
type Document struct {
	name      string
	doc       libopenapi.Document
	model     *v3.Document
	validator validator.Validator
	ops       []Operation

	mu   sync.Mutex // guards seen, and the validator (not documented as safe for concurrent use)
	seen map[string]bool
}

// Operation is one method of one path of the document.
type Operation struct {
	Method string // "POST"
	Path   string // the template, "/api/v1/payments/{id}"
	// Statuses are the documented response codes ("201", "4XX",
	// "default"), in the document's order.
	Statuses []string

	re *regexp.Regexp
}

// Pattern is the operation as a net/http ServeMux pattern,
// "GET /api/v1/payments/{id}".
func (o Operation) Pattern() string { return o.Method + " " + o.Path }

// Load reads and parses the document at path; the test fails at once when
// it cannot be read or is not an OpenAPI 3.1 document.
func Load(t testing.TB, path string) *Document {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return Parse(t, path, data)
}

// Parse is Load of a document held in memory; name is used in messages.
func Parse(t testing.TB, name string, data []byte) *Document {
	t.Helper()
	d, err := parse(name, data)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func parse(name string, data []byte) (*Document, error) {
	doc, err := libopenapi.NewDocument(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if v := doc.GetSpecInfo().Version; !strings.HasPrefix(v, "3.1.") {
		return nil, fmt.Errorf("%s: openapi %q, want 3.1.x", name, v)
	}
	m, err := doc.BuildV3Model()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	v, errs := validator.NewValidator(doc, config.WithFormatAssertions())
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s: %v", name, errs)
	}
	d := &Document{name: name, doc: doc, model: &m.Model, validator: v, seen: map[string]bool{}}
	if m.Model.Paths != nil {
		for path, item := range m.Model.Paths.PathItems.FromOldest() {
			for method, op := range item.GetOperations().FromOldest() {
				o := Operation{Method: strings.ToUpper(method), Path: path, re: templateRegexp(path)}
				if op.Responses != nil {
					o.Statuses = slices.Collect(op.Responses.Codes.KeysFromOldest())
					if op.Responses.Default != nil {
						o.Statuses = append(o.Statuses, "default")
					}
				}
				d.ops = append(d.ops, o)
			}
		}
	}
	return d, nil
}

var paramRe = regexp.MustCompile(`\{[^/{}]+\}`)

func templateRegexp(path string) *regexp.Regexp {
	parts := paramRe.Split(path, -1)
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile("^" + strings.Join(parts, "[^/]+") + "$")
}

// Operations returns the document's operations in its order.
func (d *Document) Operations() []Operation { return slices.Clone(d.ops) }

// Problems returns what is wrong with the document itself: it is checked
// against the OpenAPI 3.1 schema, and every example of a request or
// response body against the body's schema (an example is what integrators
// copy).
func (d *Document) Problems() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []string
	if ok, errs := d.validator.ValidateDocument(); !ok {
		for _, e := range errs {
			out = append(out, d.name+": "+describe(e))
		}
	}
	sv := schema_validation.NewSchemaValidator(config.WithFormatAssertions())
	checkContent := func(where string, content *orderedmap.Map[string, *v3.MediaType]) {
		for ct, mt := range content.FromOldest() {
			if mt.Schema == nil {
				continue
			}
			schema := mt.Schema.Schema()
			examples := map[string]*base.Example{}
			if mt.Example != nil {
				examples["example"] = &base.Example{Value: mt.Example}
			}
			for name, ex := range mt.Examples.FromOldest() {
				examples["examples/"+name] = ex
			}
			for name, ex := range examples {
				if ex.Value == nil {
					continue
				}
				var v any
				if err := ex.Value.Decode(&v); err != nil {
					out = append(out, fmt.Sprintf("%s %s %s: %v", where, ct, name, err))
					continue
				}
				if !strings.Contains(ct, "json") {
					continue
				}
				if ok, errs := sv.ValidateSchemaObject(schema, jsonValue(v)); !ok {
					for _, e := range errs {
						out = append(out, fmt.Sprintf("%s %s %s: %s", where, ct, name, describe(e)))
					}
				}
			}
		}
	}
	for _, o := range d.ops {
		op := d.operation(o)
		if op.RequestBody != nil {
			checkContent(o.Pattern()+" request", op.RequestBody.Content)
		}
		if op.Responses != nil {
			for code, r := range op.Responses.Codes.FromOldest() {
				checkContent(o.Pattern()+" "+code, r.Content)
			}
		}
	}
	slices.Sort(out)
	return out
}

// jsonValue gives a decoded YAML value the types encoding/json would have
// (float64 numbers, map[string]any), as the validator expects of a body.
func jsonValue(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	if json.Unmarshal(b, &out) != nil {
		return v
	}
	return out
}

func (d *Document) operation(o Operation) *v3.Operation {
	item := d.model.Paths.PathItems.GetOrZero(o.Path)
	op, _ := item.GetOperations().Get(strings.ToLower(o.Method))
	return op
}

// find returns the operation a request is for: the templates are matched
// against the path, a template without parameters first (as OpenAPI says).
func (d *Document) find(method, path string) (Operation, bool) {
	var best Operation
	found := false
	for _, o := range d.ops {
		if o.Method != method || !o.re.MatchString(path) {
			continue
		}
		if !found || strings.Count(o.Path, "{") < strings.Count(best.Path, "{") {
			best, found = o, true
		}
	}
	return best, found
}

// Check fails the test unless req is a request the document describes and
// resp an answer it allows to it. req's body is read through GetBody when
// the request has one (a client's request that was sent), else from Body;
// resp's body can still be read afterwards.
func (d *Document) Check(t testing.TB, req *http.Request, resp *http.Response) {
	t.Helper()
	for _, p := range d.Mismatches(req, resp, true) {
		t.Error(p)
	}
}

// CheckResponse is Check of the answer only, for a request a test makes
// outside the document on purpose (no token, a malformed key): the answer
// must still be one the document allows.
func (d *Document) CheckResponse(t testing.TB, req *http.Request, resp *http.Response) {
	t.Helper()
	for _, p := range d.Mismatches(req, resp, false) {
		t.Error(p)
	}
}

// Serve runs h on req, checks the request and the answer as Check does,
// and returns the answer with its body readable.
func (d *Document) Serve(t testing.TB, h http.Handler, req *http.Request) *http.Response {
	t.Helper()
	return d.serve(t, h, req, true)
}

// ServeOutside is Serve of a request made outside the document on
// purpose: only the answer is checked.
func (d *Document) ServeOutside(t testing.TB, h http.Handler, req *http.Request) *http.Response {
	t.Helper()
	return d.serve(t, h, req, false)
}

func (d *Document) serve(t testing.TB, h http.Handler, req *http.Request, checkRequest bool) *http.Response {
	t.Helper()
	body, err := readBody(req)
	if err != nil {
		t.Fatal(err)
	}
	sent := req.Clone(req.Context())
	sent.Body = io.NopCloser(bytes.NewReader(body))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, sent)
	resp := rec.Result()
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	for _, p := range d.Mismatches(req, resp, checkRequest) {
		t.Error(p)
	}
	return resp
}

// readBody reads a request's body and leaves it readable again.
func readBody(req *http.Request) ([]byte, error) {
	var rc io.ReadCloser
	switch {
	case req.GetBody != nil:
		var err error
		if rc, err = req.GetBody(); err != nil {
			return nil, err
		}
	case req.Body != nil && req.Body != http.NoBody:
		rc = req.Body
	default:
		return nil, nil
	}
	defer rc.Close()
	body, err := io.ReadAll(rc)
	if err != nil {
		return nil, err
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	return body, nil
}

// Mismatches returns what in the exchange the document does not allow,
// checking the request too when checkRequest. An empty result means the
// exchange is one the document describes; the answer is then counted as
// seen (see Unseen).
func (d *Document) Mismatches(req *http.Request, resp *http.Response, checkRequest bool) []string {
	body, err := readBody(req)
	if err != nil {
		return []string{fmt.Sprintf("reading the request body: %v", err)}
	}
	respBody, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(respBody))
	if err != nil {
		return []string{fmt.Sprintf("reading the response body: %v", err)}
	}
	what := fmt.Sprintf("%s %s → %d", req.Method, req.URL.Path, resp.StatusCode)
	op, ok := d.find(req.Method, req.URL.Path)
	if !ok {
		return []string{fmt.Sprintf("%s: %s documents no operation %s %s", what, d.name, req.Method, req.URL.Path)}
	}

	d.mu.Lock()
	defer d.mu.Unlock()
	var out []string
	if checkRequest {
		for _, line := range jsonLines(req.Header.Get("Content-Type"), body) {
			r := req.Clone(req.Context())
			r.Body = io.NopCloser(bytes.NewReader(line))
			r.ContentLength = int64(len(line))
			if ok, errs := d.validator.ValidateHttpRequestSync(r); !ok {
				for _, e := range errs {
					out = append(out, fmt.Sprintf("%s: the request is not what %s describes: %s", what, d.name, describe(e)))
				}
			}
		}
	}
	for _, line := range jsonLines(resp.Header.Get("Content-Type"), respBody) {
		rs := *resp
		rs.Body = io.NopCloser(bytes.NewReader(line))
		if ok, errs := d.validator.ValidateHttpResponse(req, &rs); !ok {
			for _, e := range errs {
				out = append(out, fmt.Sprintf("%s: the answer is not what %s allows: %s; body: %.300s", what, d.name, describe(e), line))
			}
		}
	}
	status := d.status(op, resp.StatusCode)
	if p := d.emptyWhenNoContent(op, status, resp, respBody); p != "" {
		out = append(out, what+": "+p)
	}
	if len(out) == 0 && status != "" {
		d.seen[op.Pattern()+" "+status] = true
	}
	return out
}

// jsonLines splits a JSON Lines body (application/jsonl,
// application/x-ndjson) into its lines, each of which the document's
// schema describes; an empty one has no line to check but the headers and
// the content type, checked with an empty object in its place. Any other
// body is one piece.
func jsonLines(contentType string, body []byte) [][]byte {
	mt, _, _ := strings.Cut(contentType, ";")
	switch strings.TrimSpace(strings.ToLower(mt)) {
	case "application/jsonl", "application/x-ndjson", "application/jsonlines":
	default:
		return [][]byte{body}
	}
	var lines [][]byte
	for _, l := range bytes.Split(body, []byte("\n")) {
		if len(bytes.TrimSpace(l)) > 0 {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return [][]byte{nil}
	}
	return lines
}

// status is the documented response code an answer falls under: its own,
// its range ("4XX"), or "default"; "" when none.
func (d *Document) status(op Operation, code int) string {
	for _, s := range []string{strconv.Itoa(code), fmt.Sprintf("%dXX", code/100), "default"} {
		if slices.Contains(op.Statuses, s) {
			return s
		}
	}
	return ""
}

// emptyWhenNoContent: a response the document declares without content
// must come without a body (the validator checks only declared content).
func (d *Document) emptyWhenNoContent(op Operation, status string, resp *http.Response, body []byte) string {
	if status == "" {
		return ""
	}
	r := d.response(op, status)
	if r == nil || orderedmap.Len(r.Content) > 0 || len(body) == 0 {
		return ""
	}
	return fmt.Sprintf("%s documents no body for %s, the answer has %d bytes (%s): %.200s",
		d.name, status, len(body), resp.Header.Get("Content-Type"), body)
}

func (d *Document) response(op Operation, status string) *v3.Response {
	o := d.operation(op)
	if o == nil || o.Responses == nil {
		return nil
	}
	if status == "default" {
		return o.Responses.Default
	}
	return o.Responses.Codes.GetOrZero(status)
}

// Unseen returns the documented answers ("POST /api/v1/x 201") that no
// exchange checked so far produced without a mismatch.
func (d *Document) Unseen() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []string
	for _, o := range d.ops {
		for _, s := range o.Statuses {
			if k := o.Pattern() + " " + s; !d.seen[k] {
				out = append(out, k)
			}
		}
	}
	return out
}

func describe(e *verrors.ValidationError) string {
	var b strings.Builder
	b.WriteString(e.Message)
	if e.Reason != "" && e.Reason != e.Message {
		b.WriteString(" (" + e.Reason + ")")
	}
	for _, f := range e.SchemaValidationErrors {
		b.WriteString("; " + f.Reason)
		if f.FieldPath != "" {
			b.WriteString(" at " + f.FieldPath)
		}
	}
	if e.SpecLine > 0 {
		fmt.Fprintf(&b, " [document line %d]", e.SpecLine)
	}
	return b.String()
}
