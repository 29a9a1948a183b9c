package exchange

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"kabinet/internal/portaldb"
)

// Kind is what a billing file holds.
type Kind string

// Kinds of billing files, in the order a fresh database loads them: each
// names what the ones before it hold.
const (
	KindCustomers Kind = "customers"
	KindTariffs   Kind = "tariffs"
	KindAccounts  Kind = "accounts"
	KindMeters    Kind = "meters"
	KindPayments  Kind = "payments"
	KindInvoices  Kind = "invoices"
)

// Kinds lists every kind in the order a fresh database loads them.
var Kinds = []Kind{KindCustomers, KindTariffs, KindAccounts, KindMeters, KindPayments, KindInvoices}

// ParseKind reads a kind's name as the command line and the service API
// give it.
func ParseKind(s string) (Kind, error) {
	k := Kind(strings.ToLower(strings.TrimSpace(s)))
	if _, ok := specs[k]; ok {
		return k, nil
	}
	names := make([]string, len(Kinds))
	for i, k := range Kinds {
		names[i] = string(k)
	}
	return "", fmt.Errorf("неизвестный вид данных %q — укажите один из: %s", s, strings.Join(names, ", "))
}

// Format is a file's format.
type Format string

// Formats; the empty Format is guessed from the file's name and content.
const (
	FormatJSONL Format = "jsonl"
	FormatCSV   Format = "csv"
)

// ImportOptions tune Import.
type ImportOptions struct {
	// Format is the file's format; "" guesses it from Name's extension
	// (.csv; .jsonl, .ndjson, .json) or else from the content.
	Format Format
	// Name is the file's name, for messages and the guess.
	Name string
	// Logger, when set, gets one line per import with its counts: no
	// numbers, names or phones (the operator's summary has the numbers).
	Logger *slog.Logger
}

// ImportReport is what an import did. Records counts the file's records
// (for tariffs: the tariffs, whatever the number of their price lines).
type ImportReport struct {
	Kind                                 Kind
	Records, Created, Updated, Unchanged int
	// Flagged counts the customers missing from a customers file that were
	// marked so now (Missing lists their numbers, for the operator), and
	// PhonesFlagged those whose billing phone differs from the phone they
	// proved with a code: both are for the contact centre to look at.
	Flagged       int
	Missing       []string
	PhonesFlagged int
	// Letters counts the letters with a bill queued (invoices).
	Letters int
}

// LineProblem is what is wrong with one line of a file.
type LineProblem struct {
	Line int
	Text string
}

// LineErrors is a file refused for the mistakes in its lines: nothing of
// it was loaded. Problems holds the first maxImportErrors of them, Total
// counts them all.
type LineErrors struct {
	Name     string
	Problems []LineProblem
	Total    int
}

// Error lists the problems in Russian, one a line.
func (e *LineErrors) Error() string {
	var b strings.Builder
	name := e.Name
	if name == "" {
		name = "файл"
	}
	fmt.Fprintf(&b, "%s: ошибок: %d, ничего не загружено. Исправьте файл и загрузите его снова целиком.", name, e.Total)
	for _, p := range e.Problems {
		if p.Line > 0 {
			fmt.Fprintf(&b, "\nстрока %d: %s", p.Line, p.Text)
		} else {
			fmt.Fprintf(&b, "\n%s", p.Text)
		}
	}
	if more := e.Total - len(e.Problems); more > 0 {
		fmt.Fprintf(&b, "\n… и ещё %d", more)
	}
	return b.String()
}

// add records a problem, keeping the first maxImportErrors.
func (e *LineErrors) add(line int, text string) {
	e.Total++
	if len(e.Problems) < maxImportErrors {
		e.Problems = append(e.Problems, LineProblem{line, text})
	}
}

// Import loads a billing file of the kind into db: all of it in one
// transaction, or — on any mistake — nothing, the error then being a
// *LineErrors that lists the mistakes with their line numbers. The whole
// file is checked first without the database; what only the database can
// tell (an account of a customer not loaded) is found while loading.
// Records that match what is stored change nothing, so loading a file
// twice is harmless. The file is read a record at a time, twice (and
// again if PostgreSQL makes the transaction run again): r is read once
// into a temporary file unless it can seek.
func Import(ctx context.Context, db *portaldb.DB, kind Kind, r io.Reader, opts ImportOptions) (_ ImportReport, err error) {
	if opts.Logger != nil {
		defer func() {
			// The problems quote the file's lines: the log gets their count.
			if le := (*LineErrors)(nil); errors.As(err, &le) {
				opts.Logger.Warn("billing import refused", "kind", string(kind), "problems", le.Total)
			} else if err != nil {
				opts.Logger.Error("billing import failed", "kind", string(kind))
			}
		}()
	}
	spec, ok := specs[kind]
	if !ok {
		_, err := ParseKind(string(kind))
		return ImportReport{}, err
	}
	src, done, err := seekable(r)
	if err != nil {
		return ImportReport{}, err
	}
	defer done()
	f, err := openSource(src, opts)
	if err != nil {
		return ImportReport{}, err
	}
	if f.format == FormatCSV && !spec.csv {
		return ImportReport{}, fmt.Errorf("%s: %s принимаются только в формате JSON Lines (одна запись JSON в строке)", f.name, kind)
	}
	// First the file alone, so that a file with mistakes never opens a
	// write transaction.
	check := &run{spec: spec, file: f, problems: &LineErrors{Name: f.name}, keys: map[uint64]int{}, seed: maphash.MakeSeed()}
	if err := check.each(func(*item) error { return nil }); err != nil {
		return ImportReport{}, err
	}
	if check.problems.Total > 0 {
		return ImportReport{}, check.problems
	}
	if check.records == 0 {
		return ImportReport{}, fmt.Errorf("%s: в файле нет ни одной записи", f.name)
	}
	if spec.whole != nil {
		if _, problems := spec.whole(check.items); len(problems) > 0 {
			for _, p := range problems {
				check.problems.add(p.Line, p.Text)
			}
			return ImportReport{}, check.problems
		}
	}
	var rep ImportReport
	err = db.Write(ctx, func(tx *portaldb.Tx) error {
		load := &run{spec: spec, file: f, problems: &LineErrors{Name: f.name}, keys: check.keys, seed: check.seed, imp: tx.BillingImport(),
			report: &ImportReport{Kind: kind}}
		if err := load.load(ctx); err != nil {
			return err
		}
		rep = *load.report
		return nil
	})
	if err != nil {
		var le *LineErrors
		if errors.As(err, &le) {
			return ImportReport{}, le
		}
		return ImportReport{}, fmt.Errorf("%s: ничего не загружено: %w", f.name, err)
	}
	if opts.Logger != nil {
		opts.Logger.Info("billing import", "kind", string(kind), "records", rep.Records, "created", rep.Created, "updated", rep.Updated,
			"unchanged", rep.Unchanged, "missing_flagged", rep.Flagged, "phones_flagged", rep.PhonesFlagged, "letters", rep.Letters)
	}
	return rep, nil
}

// seekable returns r as a ReadSeeker positioned at the file's start: r
// itself when it can seek, else a temporary file (0600: it holds personal
// data) removed by done.
func seekable(r io.Reader) (io.ReadSeeker, func(), error) {
	if rs, ok := r.(io.ReadSeeker); ok {
		start, err := rs.Seek(0, io.SeekCurrent)
		if err == nil {
			return &offsetSeeker{rs, start}, func() {}, nil
		}
	}
	tmp, err := os.CreateTemp("", "kabinet-import-*")
	if err != nil {
		return nil, nil, fmt.Errorf("временный файл для загрузки: %w", err)
	}
	done := func() {
		tmp.Close()
		os.Remove(tmp.Name())
	}
	if _, err := io.Copy(tmp, r); err != nil {
		done()
		return nil, nil, fmt.Errorf("файл не прочитан до конца: %w", err)
	}
	return tmp, done, nil
}

// offsetSeeker is a ReadSeeker whose start is start of the one below.
type offsetSeeker struct {
	io.ReadSeeker
	start int64
}

func (o *offsetSeeker) Seek(off int64, whence int) (int64, error) {
	if whence == io.SeekStart {
		off += o.start
	}
	n, err := o.ReadSeeker.Seek(off, whence)
	return n - o.start, err
}

// guessFormat reads the format from the name's extension, else from the
// first byte that is not a space: a JSON object starts a JSON Lines file.
func guessFormat(name string, first byte) Format {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv", ".txt":
		return FormatCSV
	case ".jsonl", ".ndjson", ".json":
		return FormatJSONL
	}
	if first == '{' {
		return FormatJSONL
	}
	return FormatCSV
}

// Summary says in Russian what the import did, for the operator:
// «Клиентов: 120, новых 3, изменено 2, без изменений 115; нет в файле — отмечены: 1 (200007)».
func (r ImportReport) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d, новых %d, изменено %d, без изменений %d", r.Kind.describe(), r.Records, r.Created, r.Updated, r.Unchanged)
	if r.Kind == KindCustomers {
		fmt.Fprintf(&b, "; нет в файле — отмечены: %d", r.Flagged)
		if len(r.Missing) > 0 {
			shown := r.Missing[:min(len(r.Missing), 50)]
			fmt.Fprintf(&b, " (%s", strings.Join(shown, ", "))
			if len(r.Missing) > len(shown) {
				fmt.Fprintf(&b, " и ещё %d", len(r.Missing)-len(shown))
			}
			b.WriteString(")")
		}
		if r.PhonesFlagged > 0 {
			fmt.Fprintf(&b, "; телефон в файле не совпал с подтверждённым клиентом — оставлен подтверждённый, передано в контакт-центр: %d", r.PhonesFlagged)
		}
	}
	if r.Kind == KindInvoices {
		fmt.Fprintf(&b, "; писем со счётом поставлено в очередь: %d", r.Letters)
	}
	b.WriteString(".")
	return b.String()
}
