package exchange

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"kabinet/internal/portaldb"
)

// The export gives the billing system what happened on the portal —
// readings accepted, questions asked and answered, profile changes — each
// record once, in commit order, from a cursor it keeps: it passes the
// cursor of its last export and stores the new one only after it has
// stored the records. Exporting from the same cursor again gives the same
// records (and maybe newer ones after them), so a billing system that
// crashed before storing the cursor loses and doubles nothing.

// ExportKind is what is exported.
type ExportKind string

// The kinds of export.
const (
	ExportReadings       ExportKind = "readings"
	ExportQuestions      ExportKind = "questions"
	ExportProfileChanges ExportKind = "profile-changes"
)

// ExportKinds are the kinds of export, as ParseExportKind reads them.
var ExportKinds = []ExportKind{ExportReadings, ExportQuestions, ExportProfileChanges}

// ParseExportKind reads an export kind as the command line and the service
// API name it.
func ParseExportKind(s string) (ExportKind, error) {
	switch k := ExportKind(s); k {
	case ExportReadings, ExportQuestions, ExportProfileChanges:
		return k, nil
	}
	return "", fmt.Errorf("нет такой выгрузки %q: выберите readings (показания), questions (вопросы) или profile-changes (изменения профиля)", s)
}

// ExportFormat is how the records are written.
type ExportFormat string

// The formats: JSON Lines (one object a line, the default) or CSV (UTF-8,
// separated by ';', with a header row).
const (
	ExportJSONL ExportFormat = "jsonl"
	ExportCSV   ExportFormat = "csv"
)

// ParseExportFormat reads a format; "" is JSON Lines.
func ParseExportFormat(s string) (ExportFormat, error) {
	switch f := ExportFormat(s); f {
	case "":
		return ExportJSONL, nil
	case ExportJSONL, ExportCSV:
		return f, nil
	}
	return "", fmt.Errorf("нет такого формата %q: выберите jsonl или csv", s)
}

// ExportResult is what an export wrote.
type ExportResult struct {
	// Records is how many records were written.
	Records int
	// Next is the cursor to pass next time: after the last record
	// written, or the cursor passed when there was none.
	Next string
	// More reports that the limit was reached and more records wait.
	More bool
}

// ErrBadCursor is a cursor that is malformed, of another kind of export or
// of another database (one created anew, restored from a backup of another
// server). The error Export returns wraps it with a Russian message.
var ErrBadCursor = errors.New("bad export cursor")

// cursorError is ErrBadCursor with the Russian message saying what to do.
type cursorError struct{ msg string }

func (e *cursorError) Error() string { return e.msg }
func (e *cursorError) Unwrap() error { return ErrBadCursor }

// exportPage is how many records one read transaction reads: a slow
// reader of the output holds a snapshot for one page, not the whole export;
// and a page's rows fit SQLite's page cache (2 MB), so it reads each
// database page once: 5 000 took twice as long as 1 000
// (BenchmarkExportMonthOfReadings).
const exportPage = 1000

// Export writes the records of kind after the cursor since ("" is the
// beginning) to w in format, at most limit of them (0: all there are). On
// an error the output is incomplete and its Next must not be stored.
func Export(ctx context.Context, db *portaldb.DB, kind ExportKind, since string, limit int, format ExportFormat, w io.Writer) (ExportResult, error) {
	if _, err := ParseExportKind(string(kind)); err != nil {
		return ExportResult{}, err
	}
	if format == "" {
		format = ExportJSONL
	}
	if _, err := ParseExportFormat(string(format)); err != nil {
		return ExportResult{}, err
	}
	if limit < 0 {
		return ExportResult{}, errors.New("предел числа записей не может быть отрицательным")
	}
	pos, err := parseCursor(db, kind, since)
	if err != nil {
		return ExportResult{}, err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	out := newRecordWriter(kind, format, bw)
	if err := out.header(); err != nil {
		return ExportResult{}, err
	}
	var res ExportResult
	for {
		want := exportPage
		if limit > 0 {
			// One more than is left tells whether more wait.
			want = min(want, limit-res.Records+1)
		}
		// take writes a record unless the limit is reached.
		take := func(p portaldb.ExportPosition, write func() error) error {
			if limit > 0 && res.Records == limit {
				res.More = true
				return nil
			}
			if err := write(); err != nil {
				return err
			}
			pos = p
			res.Records++
			return nil
		}
		var got int
		switch kind {
		case ExportReadings:
			got, err = db.ExportReadings(ctx, pos, want, func(e portaldb.ExportedReading) error {
				return take(e.Position, func() error { return out.reading(e) })
			})
		case ExportQuestions:
			got, err = db.ExportQuestions(ctx, pos, want, func(e portaldb.ExportedQuestion) error {
				return take(e.Position, func() error { return out.question(e) })
			})
		case ExportProfileChanges:
			got, err = db.ExportProfileChanges(ctx, pos, want, func(e portaldb.ExportedProfileChange) error {
				return take(e.Position, func() error { return out.profileChange(e) })
			})
		}
		if err != nil {
			return ExportResult{}, err
		}
		if got < want || res.More {
			break
		}
	}
	if err := out.flush(); err != nil {
		return ExportResult{}, err
	}
	if err := bw.Flush(); err != nil {
		return ExportResult{}, err
	}
	res.Next = formatCursor(db, kind, pos)
	return res, nil
}

// A cursor is «kind.epoch.xid.id»: the stream, the database it belongs to
// and the position of the last record given. The billing system treats it
// as opaque.
func formatCursor(db *portaldb.DB, kind ExportKind, p portaldb.ExportPosition) string {
	return string(kind) + "." + db.Epoch() + "." + strconv.FormatInt(p.Xid, 10) + "." + strconv.FormatInt(p.ID, 10)
}

// parseCursor reads a cursor of kind handed out by db; "" is the
// beginning.
func parseCursor(db *portaldb.DB, kind ExportKind, s string) (portaldb.ExportPosition, error) {
	var p portaldb.ExportPosition
	if s == "" {
		return p, nil
	}
	f := strings.Split(s, ".")
	bad := func(why string) error {
		return &cursorError{fmt.Sprintf("курсор %q %s", s, why)}
	}
	if len(f) != 4 {
		return p, bad("повреждён: передайте курсор, выданный прошлой выгрузкой, без изменений, или пустой, чтобы выгрузить всё с начала")
	}
	if ExportKind(f[0]) != kind {
		return p, bad(fmt.Sprintf("выдан выгрузкой %s, а не %s: у каждой выгрузки свой курсор", f[0], kind))
	}
	if f[1] != db.Epoch() {
		return p, bad("выдан другой базой данных портала (её пересоздали или подменили): сверьте данные с порталом и начните выгрузку заново с пустым курсором")
	}
	var err1, err2 error
	p.Xid, err1 = strconv.ParseInt(f[2], 10, 64)
	p.ID, err2 = strconv.ParseInt(f[3], 10, 64)
	if err1 != nil || err2 != nil || p.Xid < 0 || p.ID < 0 {
		return portaldb.ExportPosition{}, bad("повреждён: передайте курсор, выданный прошлой выгрузкой, без изменений, или пустой, чтобы выгрузить всё с начала")
	}
	return p, nil
}
