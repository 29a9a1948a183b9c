package portaldb

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// The billing system's imports (kabinet-portal import, the service API)
// write through a BillingImport: the exchange package parses and checks a
// file and hands its records here a chunk at a time, inside one write
// transaction, so a file is loaded all or not at all. Every method compares
// a record with what is stored before writing: a record that changes
// nothing rewrites no row and moves no change number, so importing the same
// file twice changes nothing and no app downloads anything anew.

// ImportOutcome is what became of one record of an import.
type ImportOutcome int

// Outcomes of a record.
const (
	// Unchanged: the database already had the record as it is.
	Unchanged ImportOutcome = iota
	// Created: the record is new.
	Created
	// Updated: the record changed something stored.
	Updated
)

// ImportResult is what became of one record. A record with a Problem was
// not applied: the import must fail and roll back.
type ImportResult struct {
	Outcome ImportOutcome
	// Problem says in Russian what is wrong with the record that only the
	// database can tell (an account that does not exist, a meter change
	// that would falsify readings); "" when none.
	Problem string
	// Flagged: the record left something for the contact centre to sort
	// out (a billing phone that differs from the phone the customer
	// proved).
	Flagged bool
}

// ImportChunk is how many records a chunk should hold at most: each chunk
// costs a few queries whatever its size.
const ImportChunk = 500

// BillingImport applies the records of one import file within tx. It
// caches what it looked up (tariffs, payees) for the rest of the file.
type BillingImport struct {
	tx *Tx
	// tariffs holds the ids of the tariffs known, loaded on first use.
	tariffs map[string]bool
	// payees holds the payees known by payeeKey, loaded on first use.
	payees map[payeeKey]payeeRow
}

// BillingImport starts an import in the write transaction tx.
func (tx *Tx) BillingImport() *BillingImport {
	return &BillingImport{tx: tx}
}

// inList returns "?, ?, …" with ImportChunk placeholders and args padded
// to that many by repeating the first: one statement text whatever the
// chunk's size, so a prepared statement serves every chunk.
func inList[T any](vals []T) (string, []any) {
	if len(vals) == 0 || len(vals) > ImportChunk {
		panic(fmt.Sprintf("inList: %d values", len(vals)))
	}
	args := make([]any, ImportChunk)
	for i := range args {
		if i < len(vals) {
			args[i] = vals[i]
		} else {
			args[i] = vals[0]
		}
	}
	return placeholders, args
}

var placeholders = strings.TrimSuffix(strings.Repeat("?, ", ImportChunk), ", ")

// lockAccounts locks the accounts ids in id order (see lockAccount), so
// two writers locking several accounts cannot deadlock over them.
func (b *BillingImport) lockAccounts(ctx context.Context, ids []int64) error {
	sorted := slices.Clone(ids)
	slices.Sort(sorted)
	for _, id := range sorted {
		if err := b.tx.lockAccount(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// accountIDs returns the ids of the accounts with the numbers that exist.
func (b *BillingImport) accountIDs(ctx context.Context, numbers []string) (map[string]int64, error) {
	out := map[string]int64{}
	for start := 0; start < len(numbers); start += ImportChunk {
		list, args := inList(numbers[start:min(len(numbers), start+ImportChunk)])
		rows, err := b.tx.QueryContext(ctx, `SELECT id, number FROM accounts WHERE number IN (`+list+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("accounts: %w", err)
		}
		for rows.Next() {
			var id int64
			var n string
			if err := rows.Scan(&id, &n); err != nil {
				rows.Close()
				return nil, err
			}
			out[n] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
