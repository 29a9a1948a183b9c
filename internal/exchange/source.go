package exchange

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// source is a billing file: where it is, its format and encoding.
type source struct {
	rs     io.ReadSeeker
	name   string
	format Format
	// cp1251: the file is not UTF-8, so it is read as Windows-1251, the
	// encoding Russian billing systems and Excel write CSV in.
	cp1251 bool
}

// openSource looks the file through once: is it UTF-8, and what format.
func openSource(rs io.ReadSeeker, opts ImportOptions) (*source, error) {
	s := &source{rs: rs, name: opts.Name, format: opts.Format}
	if s.name == "" {
		s.name = "файл"
	}
	switch s.format {
	case "", FormatCSV, FormatJSONL:
	default:
		return nil, fmt.Errorf("неизвестный формат %q — укажите csv или jsonl", opts.Format)
	}
	if _, err := rs.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	valid, first, err := scanUTF8(rs)
	if err != nil {
		return nil, fmt.Errorf("%s: файл не читается: %w", s.name, err)
	}
	s.cp1251 = !valid
	if s.format == "" {
		s.format = guessFormat(opts.Name, first)
	}
	return s, nil
}

// scanUTF8 reads r to its end and reports whether it is valid UTF-8, and
// its first byte that is not a space or a byte-order mark.
func scanUTF8(r io.Reader) (valid bool, first byte, err error) {
	buf := make([]byte, 64<<10)
	carry := 0
	valid = true
	for {
		n, err := r.Read(buf[carry:])
		data := buf[:carry+n]
		if first == 0 {
			if t := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\ufeff")), " \t\r\n"); len(t) > 0 {
				first = t[0]
			}
		}
		end := len(data)
		if err == nil {
			// A character cut by the end of the buffer waits for the rest.
			for i := 1; i <= 3 && i <= len(data); i++ {
				if utf8.RuneStart(data[len(data)-i]) {
					if !utf8.FullRune(data[len(data)-i:]) {
						end = len(data) - i
					}
					break
				}
			}
		}
		if valid && !utf8.Valid(data[:end]) {
			valid = false
		}
		carry = copy(buf, data[end:])
		if errors.Is(err, io.EOF) {
			return valid, first, nil
		}
		if err != nil {
			return false, 0, err
		}
	}
}

// open returns the file's text from its start, as UTF-8 without a
// byte-order mark.
func (s *source) open() (io.Reader, error) {
	if _, err := s.rs.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	var r io.Reader = s.rs
	if s.cp1251 {
		r = charmap.Windows1251.NewDecoder().Reader(r)
	}
	br := bufio.NewReaderSize(r, 64<<10)
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		br.Discard(3)
	}
	return br, nil
}

// record is one record of a file: its fields by name, as text.
type record struct {
	line   int
	values map[string]string
	// problems are what is wrong with it, in Russian.
	problems []string
}

// recordReader reads a file's records one at a time; io.EOF at the end.
// A record that cannot be read at all comes with its problems; an error
// ends the reading.
type recordReader interface {
	next() (*record, error)
}

// newRecordReader reads s's records; columns are the names a record may
// have. Problems of the file as a whole (a CSV header naming unknown
// columns) come in header.
func (s *source) newRecordReader(columns []string) (rr recordReader, header []string, err error) {
	r, err := s.open()
	if err != nil {
		return nil, nil, err
	}
	known := map[string]bool{}
	for _, c := range columns {
		known[c] = true
	}
	if s.format == FormatJSONL {
		return &jsonlReader{r: bufio.NewReaderSize(r, 64<<10), known: known}, nil, nil
	}
	cr := csv.NewReader(r)
	cr.Comma = ';'
	cr.FieldsPerRecord = -1
	// Strict quotes: a lenient reader would run an unclosed quote on
	// into the lines after it and load them as one name.
	cr.ReuseRecord = true
	names, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return &csvReader{}, nil, nil
	}
	if err != nil {
		return nil, []string{"заголовок не читается: " + csvProblem(err)}, nil
	}
	c := &csvReader{r: cr, names: make([]string, len(names))}
	for i, n := range names {
		n = strings.ToLower(strings.TrimSpace(n))
		c.names[i] = n
		switch {
		case n == "" && i == len(names)-1:
			// a ; at the end of every line, as some programs write
		case n == "":
			header = append(header, fmt.Sprintf("в заголовке столбец %d без имени", i+1))
		case !known[n]:
			header = append(header, fmt.Sprintf("в заголовке неизвестный столбец %q — допустимы: %s", n, strings.Join(columns, ", ")))
		}
	}
	return c, header, nil
}

type csvReader struct {
	r      *csv.Reader
	names  []string
	values map[string]string
}

func (c *csvReader) next() (*record, error) {
	if c.r == nil {
		return nil, io.EOF
	}
	fields, err := c.r.Read()
	if errors.Is(err, io.EOF) {
		return nil, io.EOF
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		// What follows a broken quote cannot be told apart reliably.
		return &record{line: pe.StartLine, problems: []string{csvProblem(err) + "; дальше файл не проверялся"}}, errStop
	}
	if err != nil {
		return nil, err
	}
	line, _ := c.r.FieldPos(0)
	// A record is read into its value before the next is asked for, so
	// one map serves them all.
	if c.values == nil {
		c.values = make(map[string]string, len(c.names))
	}
	clear(c.values)
	rec := &record{line: line, values: c.values}
	if len(fields) != len(c.names) && !(len(fields) == len(c.names)-1 && c.names[len(c.names)-1] == "") {
		rec.problems = append(rec.problems, fmt.Sprintf("полей %d, а столбцов в заголовке %d — проверьте разделители «;» и кавычки", len(fields), len(c.names)))
		return rec, nil
	}
	for i, v := range fields {
		if c.names[i] != "" {
			rec.values[c.names[i]] = strings.TrimSpace(v)
		}
	}
	return rec, nil
}

// errStop ends the reading of a file after the record it comes with.
var errStop = errors.New("stop")

func csvProblem(err error) string {
	var pe *csv.ParseError
	switch {
	case errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrQuote):
		return "непарная кавычка"
	case errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrBareQuote):
		return `кавычка внутри поля: возьмите всё поле в кавычки, а кавычки внутри удвойте — "ООО ""Ромашка"""`
	}
	return "строка не читается как CSV"
}

type jsonlReader struct {
	r     *bufio.Reader
	known map[string]bool
	line  int
}

func (j *jsonlReader) next() (*record, error) {
	for {
		b, err := j.r.ReadBytes('\n')
		if len(b) == 0 && errors.Is(err, io.EOF) {
			return nil, io.EOF
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
		j.line++
		b = bytes.TrimSpace(b)
		if len(b) == 0 {
			continue
		}
		return j.parse(b), nil
	}
}

func (j *jsonlReader) parse(b []byte) *record {
	rec := &record{line: j.line, values: map[string]string{}}
	if b[0] == '[' {
		rec.problems = append(rec.problems, "это JSON-массив, а нужна одна запись {…} в строке (JSON Lines)")
		return rec
	}
	var fields map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&fields); err != nil || dec.More() {
		rec.problems = append(rec.problems, "строка не читается как запись JSON {\"поле\": значение, …}")
		return rec
	}
	for k, raw := range fields {
		if !j.known[k] {
			rec.problems = append(rec.problems, fmt.Sprintf("неизвестное поле %q", k))
			continue
		}
		switch raw[0] {
		case '"':
			var s string
			json.Unmarshal(raw, &s)
			rec.values[k] = strings.TrimSpace(s)
		case 'n':
			rec.values[k] = ""
		default:
			// numbers, true/false, and objects that a field holds as JSON
			rec.values[k] = string(raw)
		}
	}
	return rec
}
