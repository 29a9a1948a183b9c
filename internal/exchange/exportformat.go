package exchange

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"strconv"

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
// (email, phone, email_bills, sms_reminders, email_reminders) of the customer, or of the
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
	line []byte
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
	if rw.csv == nil {
		// Written by hand, in the field order of ExportedReading: a month
		// of readings through encoding/json spends more time on reflection
		// and sorting map keys than the database takes to read them.
		rw.line = appendReadingJSON(rw.line[:0], e)
		_, err := rw.bw.Write(rw.line)
		return err
	}
	row := append(rw.row[:0], e.Account, e.MeterID, e.Serial, e.ID, e.Period.String(), e.TakenOn.String())
	for _, m := range []map[domain.Zone]domain.Decimal{e.Values, e.Consumption} {
		for _, z := range zones {
			v, ok := m[z]
			if !ok {
				row = append(row, "")
				continue
			}
			row = append(row, v.String())
		}
	}
	row = append(row, string(e.Source), string(e.Status), e.Supersedes, e.SubmittedAt)
	rw.row = row
	return rw.csv.Write(row)
}

// appendReadingJSON appends e as json.Marshal writes ExportedReading, and a
// newline.
func appendReadingJSON(b []byte, e portaldb.ExportedReading) []byte {
	field := func(name, value string) {
		b = append(b, ',', '"')
		b = append(b, name...)
		b = append(b, '"', ':')
		b = appendJSONString(b, value)
	}
	b = append(b, `{"account":`...)
	b = appendJSONString(b, e.Account)
	field("meter_id", e.MeterID)
	field("serial", e.Serial)
	field("id", e.ID)
	field("period", e.Period.String())
	field("taken_on", e.TakenOn.String())
	decimals := func(name string, m map[domain.Zone]domain.Decimal) {
		b = append(b, ',', '"')
		b = append(b, name...)
		b = append(b, `":{`...)
		first := true
		for _, z := range zones {
			if v, ok := m[z]; ok {
				if !first {
					b = append(b, ',')
				}
				first = false
				b = append(b, '"')
				b = append(b, z...)
				b = append(b, `":"`...)
				b = appendDecimal(b, v)
				b = append(b, '"')
			}
		}
		b = append(b, '}')
	}
	decimals("values", e.Values)
	decimals("consumption", e.Consumption)
	if len(e.Rollover) > 0 {
		b = append(b, `,"rollover":{`...)
		first := true
		for _, z := range zones {
			if on, ok := e.Rollover[z]; ok {
				if !first {
					b = append(b, ',')
				}
				first = false
				b = append(b, '"')
				b = append(b, z...)
				b = append(b, `":`...)
				b = strconv.AppendBool(b, on)
			}
		}
		b = append(b, '}')
	}
	field("source", string(e.Source))
	field("status", string(e.Status))
	if e.Supersedes != "" {
		field("supersedes", e.Supersedes)
	}
	field("submitted_at", e.SubmittedAt)
	return append(b, '}', '\n')
}

// appendDecimal appends d as d.String() writes it («12345», «12345.5»,
// «0.25»), without its allocations.
func appendDecimal(b []byte, d domain.Decimal) []byte {
	v := int64(d)
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	b = strconv.AppendInt(b, v/domain.DecimalScale, 10)
	if f := v % domain.DecimalScale; f != 0 {
		b = append(b, '.', byte('0'+f/10))
		if f%10 != 0 {
			b = append(b, byte('0'+f%10))
		}
	}
	return b
}

// appendJSONString appends s as a JSON string; like encoding/json without
// HTML escaping, it leaves other characters as they are.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c == '\t':
			b = append(b, '\\', 't')
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
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
