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

// readingAnswer is a decoded answer to a reading or its preview.
type readingAnswer struct {
	Reading  domain.Reading
	Charge   domain.Charge
	Replaces *struct {
		ID          string
		SubmittedOn domain.Date `json:"submitted_on"`
	}
	Message string
}

func decodeAnswer(t *testing.T, r response, status int) readingAnswer {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%d %s, want %d", r.Status, r.Body, status)
	}
	var a readingAnswer
	if err := json.Unmarshal(r.Body, &a); err != nil {
		t.Fatal(err)
	}
	return a
}

// A second reading of the month replaces the first: its preview, its charge
// and its message are the month's (15 kWh since October's 12 450), not the
// step from the first (10 kWh), and they say which reading is replaced.
func TestSecondReadingOfTheMonthIsChargedForTheMonth(t *testing.T) {
	e := newEnv(t)
	tok := e.login(ivanova, password)
	m := meterOf(t, e, tok, ivanovaAcc)
	first := decodeAnswer(t, submit(e, tok, "second-key-1", map[string]any{"meter": m.ID, "values": map[string]string{"t1": "12455"}}), http.StatusCreated)
	if first.Replaces != nil || !strings.Contains(first.Message, "Расход 5 кВт·ч") {
		t.Fatalf("the month's first: %+v", first)
	}
	e.clock.Advance(24 * time.Hour)
	tok = e.login(ivanova, password) // the session has ended overnight

	preview := decodeAnswer(t, e.do(req{method: "POST", path: "/api/v1/accounts/" + ivanovaAcc + "/readings/preview", token: tok,
		body: map[string]any{"meter": m.ID, "values": map[string]string{"t1": "12465"}}}), http.StatusOK)
	// 15 kWh × 5,83 ₽ = 87,45 ₽.
	if preview.Charge.Volume.String() != "15" || preview.Charge.Total != 8745 {
		t.Errorf("preview charge %s kWh, %d kopecks; want 15 kWh, 8745", preview.Charge.Volume, preview.Charge.Total)
	}
	for _, want := range []string{"Расход за месяц 15 кВт·ч", "87,45", "заменит показания, переданные 20.11"} {
		if !strings.Contains(preview.Message, want) {
			t.Errorf("preview message %q does not say %q", preview.Message, want)
		}
	}
	if preview.Replaces == nil || preview.Replaces.ID != first.Reading.ID || preview.Replaces.SubmittedOn.String() != "2026-11-20" {
		t.Errorf("preview replaces %+v, want reading %s of 2026-11-20", preview.Replaces, first.Reading.ID)
	}

	got := decodeAnswer(t, submit(e, tok, "second-key-2", map[string]any{"meter": m.ID, "values": map[string]string{"t1": "12465"}}), http.StatusCreated)
	if got.Charge.Volume.String() != "15" || got.Charge.Total != 8745 || got.Reading.Consumption[domain.T1].String() != "15" {
		t.Errorf("charged %s kWh, %d kopecks, stored %v; want the month's 15 kWh, 8745", got.Charge.Volume, got.Charge.Total, got.Reading.Consumption)
	}
	for _, want := range []string{"Расход за месяц 15 кВт·ч", "87,45", "заменили показания, переданные 20.11"} {
		if !strings.Contains(got.Message, want) {
			t.Errorf("message %q does not say %q", got.Message, want)
		}
	}
	if got.Replaces == nil || got.Replaces.ID != first.Reading.ID {
		t.Errorf("replaces %+v, want reading %s", got.Replaces, first.Reading.ID)
	}

	// Lower than the month's first, higher than October's: a correction.
	fixed := decodeAnswer(t, submit(e, tok, "second-key-3", map[string]any{"meter": m.ID, "values": map[string]string{"t1": "12452"}}), http.StatusCreated)
	if fixed.Reading.Consumption[domain.T1].String() != "2" || !strings.Contains(fixed.Message, "Расход за месяц 2 кВт·ч") {
		t.Errorf("a correction downwards: %+v", fixed)
	}
	// Lower than October's is still refused, and says October's.
	r := submit(e, tok, "second-key-4", map[string]any{"meter": m.ID, "values": map[string]string{"t1": "12449"}})
	if r.Status != http.StatusUnprocessableEntity || r.Code(t) != "reading_lower_than_previous" {
		t.Fatalf("below October's: %d %s", r.Status, r.Body)
	}
	if p := r.JSON(t)["params"].(map[string]any); p["previous"] != "12450" || p["previous_date"] != "2026-10-20" {
		t.Errorf("params %v, want October's 12450", p)
	}
	doc, _ := e.document(tok, ivanovaAcc)
	var accepted []domain.Reading
	for _, rd := range doc.Readings {
		if rd.Status == domain.StatusAccepted && rd.Period.String() == "2026-11" {
			accepted = append(accepted, rd)
		}
	}
	if len(accepted) != 1 || accepted[0].Consumption[domain.T1].String() != "2" {
		t.Errorf("November's accepted readings: %+v", accepted)
	}
}

// Five small steps in one month that together are more than three times
// the average (150 kWh) need the confirmation one big step needs.
func TestSmallStepsAddingUpToAJumpNeedConfirmation(t *testing.T) {
	big := newEnv(t)
	tok := big.login(ivanova, password)
	m := meterOf(t, big, tok, ivanovaAcc)
	r := submit(big, tok, "big-step-0001", map[string]any{"meter": m.ID, "values": map[string]string{"t1": "12950"}})
	if r.Status != http.StatusUnprocessableEntity || r.Code(t) != "needs_confirmation" {
		t.Fatalf("one step of 500 kWh: %d %s", r.Status, r.Body)
	}

	e := newEnv(t)
	tok = e.login(ivanova, password)
	for i, v := range []string{"12550", "12650", "12750", "12850"} {
		r := submit(e, tok, "small-step-"+string(rune('a'+i))+"-1", map[string]any{"meter": m.ID, "values": map[string]string{"t1": v}})
		if r.Status != http.StatusCreated {
			t.Fatalf("step %d to %s (the month's %d kWh): %d %s", i+1, v, (i+1)*100, r.Status, r.Body)
		}
		e.clock.Advance(time.Hour)
	}
	r = submit(e, tok, "small-step-e-1", map[string]any{"meter": m.ID, "values": map[string]string{"t1": "12950"}})
	if r.Status != http.StatusUnprocessableEntity || r.Code(t) != "needs_confirmation" {
		t.Fatalf("the fifth step, 500 kWh in the month: %d %s", r.Status, r.Body)
	}
	p := r.JSON(t)["params"].(map[string]any)
	if p["reason"] != "jump" || p["consumption"] != "500" || p["average_monthly"] != "150" {
		t.Errorf("params %v, want a jump of the month's 500 kWh against 150", p)
	}
	if detail := r.JSON(t)["detail"].(string); !strings.Contains(detail, "Расход за месяц получился 500 кВт·ч") {
		t.Errorf("detail %q does not name the month's consumption", detail)
	}
	got := decodeAnswer(t, submit(e, tok, "small-step-e-2", map[string]any{"meter": m.ID, "values": map[string]string{"t1": "12950"}, "confirm": true}), http.StatusCreated)
	if got.Reading.Consumption[domain.T1].String() != "500" {
		t.Errorf("confirmed: stored %v, want the month's 500", got.Reading.Consumption)
	}
}
