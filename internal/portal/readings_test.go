package portal_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"kabinet/internal/domain"
)

// meterOf returns the id of the account's first meter.
func meterOf(t *testing.T, e *env, tok, account string) domain.Meter {
	t.Helper()
	doc, r := e.document(tok, account)
	if r.Status != http.StatusOK || len(doc.Meters) == 0 {
		t.Fatalf("document: %d %s", r.Status, r.Body)
	}
	return doc.Meters[0]
}

func submit(e *env, tok, key string, body any) response {
	h := map[string]string{}
	if key != "" {
		h["Idempotency-Key"] = key
	}
	return e.do(req{method: "POST", path: "/api/v1/accounts/" + ivanovaAcc + "/readings", token: tok, body: body, headers: h})
}

func TestSubmitReadingStoresItWithAChargePreview(t *testing.T) {
	e := newEnv(t)
	tok := e.login(ivanova, password)
	m := meterOf(t, e, tok, ivanovaAcc)
	if m.Zones[0].Code != domain.T1 || m.Zones[0].LastValue.String() != "12450" {
		t.Fatalf("meter zones %+v", m.Zones)
	}
	r := submit(e, tok, "key-0000001", map[string]any{"meter": m.ID, "values": map[string]string{"t1": "12605,5"}})
	if r.Status != http.StatusCreated {
		t.Fatalf("submit: %d %s", r.Status, r.Body)
	}
	var got struct {
		Reading domain.Reading
		Charge  domain.Charge
		Message string
	}
	json.Unmarshal(r.Body, &got)
	if got.Reading.Values[domain.T1].String() != "12605.5" || got.Reading.Consumption[domain.T1].String() != "155.5" {
		t.Errorf("stored %+v", got.Reading)
	}
	// 155,5 kWh × 5,83 ₽ = 906,565 ₽ → 906,57 ₽.
	if got.Charge.Total != 90657 {
		t.Errorf("charge %d kopecks, want 90657", got.Charge.Total)
	}
	if got.Reading.TakenOn != domain.DateOf(e.clock.Now(), domain.Moscow) || got.Reading.Source != domain.SourceCustomer {
		t.Errorf("taken on %v from %v", got.Reading.TakenOn, got.Reading.Source)
	}
	if !strings.Contains(got.Message, "приняты") {
		t.Errorf("message %q", got.Message)
	}
	after := meterOf(t, e, tok, ivanovaAcc)
	if after.Zones[0].LastValue.String() != "12605.5" {
		t.Errorf("the meter's last value is %v after the reading", after.Zones[0].LastValue)
	}
}

func TestSameKeyTwiceStoresOnce(t *testing.T) {
	e := newEnv(t)
	tok := e.login(ivanova, password)
	m := meterOf(t, e, tok, ivanovaAcc)
	before := e.countReadings(tok, ivanovaAcc)
	body := map[string]any{"meter": m.ID, "values": map[string]string{"t1": "12600"}}
	first := submit(e, tok, `"5b0e2a7c-0f3d-4a55-9d1b-1c2d3e4f5a6b"`, body)
	second := submit(e, tok, `"5b0e2a7c-0f3d-4a55-9d1b-1c2d3e4f5a6b"`, body)
	if first.Status != http.StatusCreated || second.Status != http.StatusCreated {
		t.Fatalf("statuses %d, %d", first.Status, second.Status)
	}
	if !bytes.Equal(first.Body, second.Body) {
		t.Errorf("the replay differs:\n%s\n%s", first.Body, second.Body)
	}
	if second.Header.Get("Idempotent-Replayed") != "true" {
		t.Error("the replay is not marked")
	}
	if n := e.countReadings(tok, ivanovaAcc); n != before+1 {
		t.Errorf("%d readings after two sends with one key, want %d", n, before+1)
	}
}

func TestSameKeyWithAnotherBodyIsRefused(t *testing.T) {
	e := newEnv(t)
	tok := e.login(ivanova, password)
	m := meterOf(t, e, tok, ivanovaAcc)
	submit(e, tok, "key-0000002", map[string]any{"meter": m.ID, "values": map[string]string{"t1": "12600"}})
	r := submit(e, tok, "key-0000002", map[string]any{"meter": m.ID, "values": map[string]string{"t1": "12700"}})
	if r.Status != http.StatusUnprocessableEntity || r.Code(t) != "idempotency_key_reused" {
		t.Errorf("another body with the key: %d %s", r.Status, r.Body)
	}
	if after := meterOf(t, e, tok, ivanovaAcc); after.Zones[0].LastValue.String() != "12600" {
		t.Errorf("the refused body changed the meter to %v", after.Zones[0].LastValue)
	}
}

func TestSubmitWithoutKeyIsRefused(t *testing.T) {
	e := newEnv(t)
	tok := e.login(ivanova, password)
	m := meterOf(t, e, tok, ivanovaAcc)
	for _, key := range []string{"", "short", `"with space inside"`} {
		r := submit(e, tok, key, map[string]any{"meter": m.ID, "values": map[string]string{"t1": "12600"}})
		if r.Status != http.StatusBadRequest {
			t.Errorf("key %q: %d, want 400", key, r.Status)
		}
	}
	if n := e.countReadings(tok, ivanovaAcc); n != 4 {
		t.Errorf("%d readings, want the 4 of the fixture", n)
	}
}

func TestConcurrentRequestsWithOneKeyStoreOneReading(t *testing.T) {
	e := newEnv(t)
	tok := e.login(ivanova, password)
	m := meterOf(t, e, tok, ivanovaAcc)
	body := map[string]any{"meter": m.ID, "values": map[string]string{"t1": "12610"}}
	var wg sync.WaitGroup
	results := make([]response, 8)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = submit(e, tok, "key-concurrent-1", body)
		}()
	}
	wg.Wait()
	for i, r := range results {
		if r.Status != http.StatusCreated || !bytes.Equal(r.Body, results[0].Body) {
			t.Errorf("request %d: %d %s", i, r.Status, r.Body)
		}
	}
	if n := e.countReadings(tok, ivanovaAcc); n != 5 {
		t.Errorf("%d readings, want 5", n)
	}
}

func TestReadingRulesAreEnforcedByTheServer(t *testing.T) {
	e := newEnv(t)
	tok := e.login(ivanova, password)
	m := meterOf(t, e, tok, ivanovaAcc)
	cases := []struct {
		name   string
		body   map[string]any
		code   string
		params map[string]string
	}{
		{"lower", map[string]any{"meter": m.ID, "values": map[string]string{"t1": "12345"}}, "reading_lower_than_previous",
			map[string]string{"previous": "12450", "previous_date": "2026-10-20"}},
		{"letters", map[string]any{"meter": m.ID, "values": map[string]string{"t1": "12 6OO"}}, "not_a_number", nil},
		{"exponent", map[string]any{"meter": m.ID, "values": map[string]string{"t1": "1e5"}}, "not_a_number", nil},
		{"too many digits", map[string]any{"meter": m.ID, "values": map[string]string{"t1": "1234567"}}, "too_many_digits", nil},
		{"unknown meter", map[string]any{"meter": "999999", "values": map[string]string{"t1": "12600"}}, "unknown_meter", nil},
		{"another customer's meter", map[string]any{"meter": "2", "values": map[string]string{"t1": "12600"}}, "unknown_meter", nil},
		{"zone the meter lacks", map[string]any{"meter": m.ID, "values": map[string]string{"t1": "12600", "t2": "1"}}, "zone_mismatch", nil},
		{"future date", map[string]any{"meter": m.ID, "values": map[string]string{"t1": "12600"}, "taken_on": "2026-12-01"}, "taken_in_future", nil},
		{"jump", map[string]any{"meter": m.ID, "values": map[string]string{"t1": "14000"}}, "needs_confirmation", map[string]string{"reason": "jump"}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := submit(e, tok, "rule-key-"+string(rune('a'+i))+"-000", c.body)
			if r.Status != http.StatusUnprocessableEntity || r.Code(t) != c.code {
				t.Fatalf("%d %s, want 422 %s", r.Status, r.Body, c.code)
			}
			params, _ := r.JSON(t)["params"].(map[string]any)
			for k, want := range c.params {
				if params[k] != want {
					t.Errorf("param %s = %v, want %s", k, params[k], want)
				}
			}
		})
	}
	if n := e.countReadings(tok, ivanovaAcc); n != 4 {
		t.Errorf("%d readings after refused ones, want 4", n)
	}
	// The jump goes through once the person confirms it.
	r := submit(e, tok, "jump-confirmed", map[string]any{"meter": m.ID, "values": map[string]string{"t1": "14000"}, "confirm": true})
	if r.Status != http.StatusCreated {
		t.Errorf("confirmed jump: %d %s", r.Status, r.Body)
	}
}

func TestReadingOutsideTheWindowNamesTheNextWindow(t *testing.T) {
	e := newEnv(t, withWindow(domain.DefaultWindow))
	e.clock.Advance(6 * 24 * time.Hour) // 26 November
	tok := e.login(ivanova, password)
	m := meterOf(t, e, tok, ivanovaAcc)
	if m.Window.Open || m.Window.Start.String() != "2026-12-18" {
		t.Errorf("window state %+v", m.Window)
	}
	r := submit(e, tok, "window-key-1", map[string]any{"meter": m.ID, "values": map[string]string{"t1": "12600"}})
	if r.Status != http.StatusUnprocessableEntity || r.Code(t) != "outside_submission_window" {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	p := r.JSON(t)["params"].(map[string]any)
	if p["window_start"] != "2026-12-18" || p["window_end"] != "2026-12-25" {
		t.Errorf("params %v", p)
	}
	if !strings.Contains(r.JSON(t)["detail"].(string), "18.12.2026") {
		t.Errorf("detail does not name the next window: %s", r.JSON(t)["detail"])
	}
}

func TestTwoZoneMeterNeedsBothZones(t *testing.T) {
	e := newEnv(t)
	tok := e.login(petrov, password)
	doc, _ := e.document(tok, petrovAcc)
	m := doc.Meters[0]
	if len(m.Zones) != 2 || m.Zones[1].Code != domain.T2 || m.Zones[1].Name != "Ночь" {
		t.Fatalf("zones %+v", m.Zones)
	}
	r := e.do(req{method: "POST", path: "/api/v1/accounts/" + petrovAcc + "/readings", token: tok, headers: map[string]string{"Idempotency-Key": "petrov-key-1"},
		body: map[string]any{"meter": m.ID, "values": map[string]string{"t1": "5300"}}})
	if r.Status != http.StatusUnprocessableEntity || r.Code(t) != "empty_value" || r.JSON(t)["field"] != "t2" {
		t.Errorf("one zone of two: %d %s", r.Status, r.Body)
	}
	r = e.do(req{method: "POST", path: "/api/v1/accounts/" + petrovAcc + "/readings", token: tok, headers: map[string]string{"Idempotency-Key": "petrov-key-2"},
		body: map[string]any{"meter": m.ID, "values": map[string]string{"t1": "5300", "t2": "2150,5"}}})
	if r.Status != http.StatusCreated {
		t.Fatalf("both zones: %d %s", r.Status, r.Body)
	}
	var got struct{ Charge domain.Charge }
	json.Unmarshal(r.Body, &got)
	// 100 kWh × 6,71 ₽ + 50,5 kWh × 3,50 ₽ = 671,00 + 176,75.
	if got.Charge.Total != 67100+17675 {
		t.Errorf("charge %d", got.Charge.Total)
	}
}

func TestResubmissionInTheSameMonthReplacesTheReading(t *testing.T) {
	e := newEnv(t)
	tok := e.login(ivanova, password)
	m := meterOf(t, e, tok, ivanovaAcc)
	submit(e, tok, "month-key-1", map[string]any{"meter": m.ID, "values": map[string]string{"t1": "12600"}})
	r := submit(e, tok, "month-key-2", map[string]any{"meter": m.ID, "values": map[string]string{"t1": "12610"}})
	if r.Status != http.StatusCreated {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	doc, _ := e.document(tok, ivanovaAcc)
	var accepted []domain.Reading
	for _, rd := range doc.Readings {
		if rd.Status == domain.StatusAccepted && rd.Period.String() == "2026-11" {
			accepted = append(accepted, rd)
		}
	}
	if len(accepted) != 1 || accepted[0].Values[domain.T1].String() != "12610" || accepted[0].Consumption[domain.T1].String() != "160" {
		t.Errorf("November's accepted readings: %+v", accepted)
	}
}

func TestPreviewStoresNothing(t *testing.T) {
	e := newEnv(t)
	tok := e.login(ivanova, password)
	m := meterOf(t, e, tok, ivanovaAcc)
	r := e.do(req{method: "POST", path: "/api/v1/accounts/" + ivanovaAcc + "/readings/preview", token: tok,
		body: map[string]any{"meter": m.ID, "values": map[string]string{"t1": "12550"}}})
	if r.Status != http.StatusOK {
		t.Fatalf("preview: %d %s", r.Status, r.Body)
	}
	var got struct{ Charge domain.Charge }
	json.Unmarshal(r.Body, &got)
	if got.Charge.Total != 58300 || got.Charge.Volume.String() != "100" {
		t.Errorf("preview charge %+v", got.Charge)
	}
	r = e.do(req{method: "POST", path: "/api/v1/accounts/" + ivanovaAcc + "/readings/preview", token: tok,
		body: map[string]any{"meter": m.ID, "values": map[string]string{"t1": "100"}}})
	if r.Status != http.StatusUnprocessableEntity || r.Code(t) != "reading_lower_than_previous" {
		t.Errorf("preview of a lower value: %d %s", r.Status, r.Body)
	}
	if n := e.countReadings(tok, ivanovaAcc); n != 4 {
		t.Errorf("%d readings after previews, want 4", n)
	}
}
