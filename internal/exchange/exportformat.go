package exchange

import (
	"bufio"
	"encoding/csv"
	"encoding/json"

	"kabinet/internal/domain"
	"kabinet/internal/portaldb"
)

// ExportedReading is a line of the readings export in JSON Lines:
//
//	{"account":"1100011111","meter_id":"17","serial":"0912345","id":"5021","period":"2026-11",
//	 "taken_on":"2026-11-20","values":{"t1":"12345.6"},"consumption":{"t1":"150.2"},
//	 "source":"customer","status":"accepted","supersedes":"4980","submitted_at":"2026-11-20T08:15:00Z"}
//
// Values and consumption are decimals written as strings, as the API
// writes them. A reading that replaced an earlier one of the same meter
// and month names it in supersedes: that one no longer counts.
type ExportedReading struct {
	Account     string                         `json:"account"`
	MeterID     string                         `json:"meter_id"`
	Serial      string                         `json:"serial"`
	ID          string                         `json:"id"`
	Period      domain.Period                  `json:"period"`
	TakenOn     domain.Date                    `json:"taken_on"`
	Values      map[domain.Zone]domain.Decimal `json:"values"`
	Consumption map[domain.Zone]domain.Decimal `json:"consumption"`
	Rollover    map[domain.Zone]bool           `json:"rollover,omitempty"`
	Source      domain.ReadingSource           `json:"source"`
	Status      domain.ReadingStatus           `json:"status"`
	Supersedes  string                         `json:"supersedes,omitempty"`
	SubmittedAt string                         `json:"submitted_at"`
}

// ExportedQuestion is a line of the questions export: a question asked
// (event "asked") or the answer given to it ("answered", with answer and
// answered_at).
type ExportedQuestion struct {
	Event      string `json:"event"`
	ID         string `json:"id"`
	Customer   string `json:"customer"`
	Account    string `json:"account"`
	Topic      string `json:"topic"`
	Text       string `json:"text"`
	AskedAt    string `json:"asked_at"`
	Answer     string `json:"answer,omitempty"`
	AnsweredAt string `json:"answered_at,omitempty"`
}

// ExportedProfileChange is a line of the profile-changes export: field
// (email, phone, email_bills, sms_reminders) of the customer, or of the
// account for the subscriptions, became value.
type ExportedProfileChange struct {
	Customer  string `json:"customer"`
	Account   string `json:"account,omitempty"`
	Field     string `json:"field"`
	Value     string `json:"value"`
	ChangedAt string `json:"changed_at"`
}

// zones are the columns of values in CSV.
var zones = []domain.Zone{domain.T1, domain.T2, domain.T3}

// CSV headers, in the order of the JSON fields.
var (
	readingsHeader = []string{"account", "meter_id", "serial", "id", "period", "taken_on",
		"value_t1", "value_t2", "value_t3", "consumption_t1", "consumption_t2", "consumption_t3",
		"source", "status", "supersedes", "submitted_at"}
	questionsHeader = []string{"event", "id", "customer", "account", "topic", "text", "asked_at", "answer", "answered_at"}
	profileHeader   = []string{"customer", "account", "field", "value", "changed_at"}
)

// recordWriter writes records in one format.
type recordWriter struct {
	kind ExportKind
	bw   *bufio.Writer
	enc  *json.Encoder
	csv  *csv.Writer
	row  []string
}

func newRecordWriter(kind ExportKind, format ExportFormat, bw *bufio.Writer) *recordWriter {
	rw := &recordWriter{kind: kind, bw: bw}
	if format == ExportCSV {
		rw.csv = csv.NewWriter(bw)
		rw.csv.Comma = ';'
	} else {
		rw.enc = json.NewEncoder(bw)
		rw.enc.SetEscapeHTML(false)
	}
	return rw
}

// header writes CSV's header row.
func (rw *recordWriter) header() error {
	if rw.csv == nil {
		return nil
	}
	switch rw.kind {
	case ExportReadings:
		return rw.csv.Write(readingsHeader)
	case ExportQuestions:
		return rw.csv.Write(questionsHeader)
	default:
		return rw.csv.Write(profileHeader)
	}
}

func (rw *recordWriter) reading(e portaldb.ExportedReading) error {
	r := ExportedReading{Account: e.Account, MeterID: e.MeterID, Serial: e.Serial, ID: e.ID, Period: e.Period, TakenOn: e.TakenOn,
		Values: e.Values, Consumption: e.Consumption, Rollover: e.Rollover, Source: e.Source, Status: e.Status,
		Supersedes: e.Supersedes, SubmittedAt: e.SubmittedAt}
	if rw.csv == nil {
		return rw.enc.Encode(r)
	}
	row := append(rw.row[:0], r.Account, r.MeterID, r.Serial, r.ID, r.Period.String(), r.TakenOn.String())
	for _, m := range []map[domain.Zone]domain.Decimal{r.Values, r.Consumption} {
		for _, z := range zones {
			v, ok := m[z]
			if !ok {
				row = append(row, "")
				continue
			}
			row = append(row, v.String())
		}
	}
	row = append(row, string(r.Source), string(r.Status), r.Supersedes, r.SubmittedAt)
	rw.row = row
	return rw.csv.Write(row)
}

func (rw *recordWriter) question(e portaldb.ExportedQuestion) error {
	q := ExportedQuestion{Event: e.Event, ID: e.ID, Customer: e.Customer, Account: e.Account, Topic: e.Topic, Text: e.Text,
		AskedAt: e.AskedAt, Answer: e.Answer, AnsweredAt: e.AnsweredAt}
	if rw.csv == nil {
		return rw.enc.Encode(q)
	}
	return rw.csv.Write([]string{q.Event, q.ID, q.Customer, q.Account, q.Topic, q.Text, q.AskedAt, q.Answer, q.AnsweredAt})
}

func (rw *recordWriter) profileChange(e portaldb.ExportedProfileChange) error {
	p := ExportedProfileChange{Customer: e.Customer, Account: e.Account, Field: e.Field, Value: e.Value, ChangedAt: e.ChangedAt}
	if rw.csv == nil {
		return rw.enc.Encode(p)
	}
	return rw.csv.Write([]string{p.Customer, p.Account, p.Field, p.Value, p.ChangedAt})
}

// flush ends CSV's last row.
func (rw *recordWriter) flush() error {
	if rw.csv == nil {
		return nil
	}
	rw.csv.Flush()
	return rw.csv.Error()
}
