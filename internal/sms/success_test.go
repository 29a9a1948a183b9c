package sms

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
)

// echoOf is what a gateway that repeats the request says, with a status the
// success check looks at.
func echoOf(status string) string {
	return `{"status":"` + status + `","to":"` + testPhone + `","text":` + mustJSON(testText) + `}`
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func TestHTTPSenderSuccessMatch(t *testing.T) {
	g := newGateway(t, http.StatusOK)
	g.answers = []string{echoOf("ERROR"), echoOf("OK")}
	s, sl, logs := newTestSender(t, HTTPConfig{URL: g.srv.URL, SuccessMatch: `"status"\s*:\s*"OK"`})

	err := s.Send(context.Background(), Message{testPhone, testText})
	if !errors.Is(err, ErrRejected) {
		t.Fatalf("err = %v, want ErrRejected", err)
	}
	var se *StatusError
	if errors.As(err, &se) {
		t.Errorf("a rejection in the body is not a status error: %v", err)
	}
	// Final: the gateway has the message and said no.
	if n := len(g.got()); n != 1 || len(sl.d) != 0 {
		t.Errorf("%d attempts, waits %v; want 1 attempt", n, sl.d)
	}
	assertNoPersonalData(t, "error", err.Error())
	checkLog(t, logs.String())
	if !strings.Contains(logs.String(), "success pattern") {
		t.Errorf("the log does not say why: %s", logs.String())
	}

	if err := s.Send(context.Background(), Message{testPhone, testText}); err != nil {
		t.Errorf("OK answer: %v", err)
	}
}

func TestHTTPSenderSuccessField(t *testing.T) {
	tests := []struct {
		name, field, value, body string
		ok                       bool
	}{
		{"string", "status", "OK", echoOf("OK"), true},
		{"other string", "status", "OK", echoOf("ERROR"), false},
		{"case matters", "status", "OK", echoOf("ok"), false},
		{"nested number", "result.code", "0", `{"result":{"code":0,"to":"` + testPhone + `"}}`, true},
		{"nested number, other", "result.code", "0", `{"result":{"code":201}}`, false},
		{"number as written", "status_code", "100", `{"status_code":100}`, true},
		{"number vs string", "status_code", "100", `{"status_code":"100"}`, true},
		{"array index", "messages.0.status", "queued", `{"messages":[{"status":"queued"},{"status":"failed"}]}`, true},
		{"array index out of range", "messages.2.status", "queued", `{"messages":[{"status":"queued"}]}`, false},
		{"array index not a number", "messages.first.status", "queued", `{"messages":[{"status":"queued"}]}`, false},
		{"boolean", "success", "true", `{"success":true}`, true},
		{"boolean false", "success", "true", `{"success":false}`, false},
		{"null", "error", "null", `{"error":null}`, true},
		{"absent", "status", "OK", `{"state":"OK"}`, false},
		{"object, not a value", "status", "OK", `{"status":{"OK":true}}`, false},
		{"through a string", "status.code", "OK", echoOf("OK"), false},
		{"not JSON", "status", "OK", "OK " + testPhone, false},
		{"empty", "status", "OK", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGateway(t, http.StatusOK)
			g.answers = []string{tt.body}
			s, _, logs := newTestSender(t, HTTPConfig{URL: g.srv.URL, SuccessField: tt.field, SuccessValue: tt.value})
			err := s.Send(context.Background(), Message{testPhone, testText})
			if tt.ok {
				if err != nil {
					t.Errorf("err = %v, want success", err)
				}
				return
			}
			if !errors.Is(err, ErrRejected) {
				t.Fatalf("err = %v, want ErrRejected", err)
			}
			if n := len(g.got()); n != 1 {
				t.Errorf("%d attempts, want 1", n)
			}
			assertNoPersonalData(t, "error", err.Error())
			checkLog(t, logs.String())
		})
	}
}

// Both checks configured: both must pass.
func TestHTTPSenderSuccessMatchAndField(t *testing.T) {
	g := newGateway(t, http.StatusOK)
	g.answers = []string{`{"status":"OK","balance":"0"}`, `{"status":"OK","balance":"12"}`}
	s, _, _ := newTestSender(t, HTTPConfig{URL: g.srv.URL, SuccessField: "status", SuccessValue: "OK", SuccessMatch: `"balance":"[1-9]`})
	if err := s.Send(context.Background(), Message{testPhone, testText}); !errors.Is(err, ErrRejected) {
		t.Errorf("err = %v, want ErrRejected", err)
	}
	if err := s.Send(context.Background(), Message{testPhone, testText}); err != nil {
		t.Errorf("err = %v", err)
	}
}

// Without a success check the body of a 2xx answer is not looked at.
func TestHTTPSenderNoSuccessCheck(t *testing.T) {
	g := newGateway(t, http.StatusOK)
	g.answers = []string{`{"status":"ERROR"}`}
	s, _, _ := newTestSender(t, HTTPConfig{URL: g.srv.URL})
	if err := s.Send(context.Background(), Message{testPhone, testText}); err != nil {
		t.Errorf("err = %v", err)
	}
}
