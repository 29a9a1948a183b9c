package exchange

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"strings"

	"kabinet/internal/portaldb"
)

// kindSpec is how one kind of file is read and loaded.
type kindSpec struct {
	// columns are the fields a record may have (JSON names and CSV
	// columns alike), in the order the documentation lists them.
	columns []string
	// csv: the kind may come as CSV (a kind with nested data may not).
	csv bool
	// parse reads a record into its value, leaving problems in it.
	parse func(*record) any
	// key identifies a record within a file: two records with one key
	// are a mistake. dup says so in Russian, given the earlier line.
	key func(any) string
	dup string
	// whole, when set, makes the records of the file one list before
	// loading (tariffs: a tariff's prices come a line each): it returns
	// the units to load, each at the line of its first record.
	whole func([]*item) ([]*item, []LineProblem)
	// apply loads a chunk of values.
	apply func(ctx context.Context, imp *portaldb.BillingImport, vals []any, rep *ImportReport) ([]portaldb.ImportResult, error)
	// finish runs after the last chunk.
	finish func(ctx context.Context, r *run) error
}

// item is a record read into its value.
type item struct {
	line  int
	value any
}

// run is one reading of a file: to check it, or to load it.
type run struct {
	spec     *kindSpec
	file     *source
	problems *LineErrors
	// keys holds the line of each record by its key's hash, filled while
	// checking: 8 bytes a record however long the key, so that a file of
	// a million records does not hold a million strings. Two keys with one
	// 64-bit hash in one file are not to be expected.
	keys    map[uint64]int
	seed    maphash.Seed
	records int
	// items are the file's values, kept while checking a whole kind.
	items []*item
	// imp and report are set when loading.
	imp    *portaldb.BillingImport
	report *ImportReport
}

// each reads the file's records and hands the good ones to fn. Problems
// go to r.problems; an error is a file that could not be read.
func (r *run) each(fn func(*item) error) error {
	rr, header, err := r.file.newRecordReader(r.spec.columns)
	if err != nil {
		return fmt.Errorf("%s: %w", r.file.name, err)
	}
	for _, p := range header {
		r.problems.add(1, p)
	}
	checking := r.imp == nil
	for {
		rec, err := rr.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil && !errors.Is(err, errStop) {
			return fmt.Errorf("%s: файл не читается: %w", r.file.name, err)
		}
		r.records++
		var v any
		if len(rec.problems) == 0 {
			v = r.spec.parse(rec)
		}
		if checking && len(rec.problems) == 0 && r.spec.key != nil {
			k := maphash.String(r.seed, r.spec.key(v))
			if first, dup := r.keys[k]; dup {
				rec.problems = append(rec.problems, fmt.Sprintf(r.spec.dup, first))
			} else {
				r.keys[k] = rec.line
			}
		}
		if len(rec.problems) > 0 {
			r.problems.add(rec.line, strings.Join(rec.problems, "; "))
		} else {
			it := &item{rec.line, v}
			if checking && r.spec.whole != nil {
				r.items = append(r.items, it)
			}
			if err := fn(it); err != nil {
				return err
			}
		}
		if errors.Is(err, errStop) {
			return nil
		}
	}
}

// seen reports whether the file had a record with the key.
func (r *run) seen(key string) bool {
	_, ok := r.keys[maphash.String(r.seed, key)]
	return ok
}

// load reads the file again and loads it a chunk at a time; problems
// found on the way fail it as a *LineErrors, rolling everything back.
func (r *run) load(ctx context.Context) error {
	var chunk []*item
	flush := func() error {
		if len(chunk) == 0 {
			return nil
		}
		vals := make([]any, len(chunk))
		for i, it := range chunk {
			vals[i] = it.value
		}
		results, err := r.spec.apply(ctx, r.imp, vals, r.report)
		if err != nil {
			return err
		}
		for i, res := range results {
			r.tally(chunk[i].line, res)
		}
		chunk = chunk[:0]
		return nil
	}
	var all []*item
	err := r.each(func(it *item) error {
		if r.spec.whole != nil {
			all = append(all, it)
			return nil
		}
		chunk = append(chunk, it)
		if len(chunk) == portaldb.ImportChunk {
			return flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	if r.spec.whole != nil {
		units, problems := r.spec.whole(all)
		for _, p := range problems {
			r.problems.add(p.Line, p.Text)
		}
		chunk = units
	}
	if err := flush(); err != nil {
		return err
	}
	if r.problems.Total > 0 {
		return r.problems
	}
	if r.spec.finish != nil {
		if err := r.spec.finish(ctx, r); err != nil {
			return err
		}
	}
	return nil
}

func (r *run) tally(line int, res portaldb.ImportResult) {
	rep := r.report
	rep.Records++
	if res.Problem != "" {
		r.problems.add(line, res.Problem)
		return
	}
	switch res.Outcome {
	case portaldb.Created:
		rep.Created++
	case portaldb.Updated:
		rep.Updated++
	default:
		rep.Unchanged++
	}
	if res.Flagged {
		rep.PhonesFlagged++
	}
}
