package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The journal is a second copy of the outbox outside the bbolt file: one
// JSON line per change, appended and fsynced after the change commits. It
// exists for one case — the database fails its check and is set aside — so
// it only needs to tell which items were queued and are not yet done.
//
// Crash states it is built to survive:
//   - Enqueue committed, crash before its line: the store has the item, the
//     journal lacks it; reconcileJournal rewrites the journal at the next
//     OpenChecked.
//   - MarkSent committed, crash before "done": the journal still lists the
//     item; a restore would send it again with the same idempotency key and
//     the portal answers with the stored result, so nothing is doubled.
//   - Resolve: "done" is written before the commit, so a discarded item is
//     never brought back.
//   - A torn last line (crash mid-append): readers skip lines that do not
//     parse, and the next append starts on a new line.
//   - Quarantine done, crash before the new store has the items back: the
//     journal is untouched until the restore commits, so the next start
//     restores them.

const (
	journalFormat = 1
	opQueued      = "queued"
	opDone        = "done"
)

type journalEntry struct {
	V    int         `json:"v"`
	Op   string      `json:"op"`
	Item *OutboxItem `json:"item,omitempty"`
	ID   uint64      `json:"id,omitempty"`
}

// journalAfterCommitLocked brings the journal up to date after an outbox
// commit; the caller holds outboxMu. A journal failure does not undo the
// commit — the item is safe in the database, which is what the person was
// told — but leaves the journal marked stale, to be rewritten whole at the
// next outbox change.
func (s *Store) journalAfterCommitLocked(e journalEntry, anyUnsent bool) {
	var err error
	switch {
	case !anyUnsent:
		err = truncateJournal(s.journal)
	case s.journalStale:
		err = s.rewriteJournalLocked()
	case e.Op != "":
		err = appendJournal(s.journal, e)
	}
	s.journalStale = err != nil
}

// rewriteJournalLocked replaces the journal with one "queued" line per unsent
// item in the store.
func (s *Store) rewriteJournalLocked() error {
	items, err := s.scan(func(it *OutboxItem) bool { return it.unsent() })
	if err != nil {
		return err
	}
	return writeJournal(s.journal, items)
}

// appendJournal appends entries to the journal, creating it (0600), and
// fsyncs before returning.
func appendJournal(path string, entries ...journalEntry) error {
	var buf []byte
	for _, e := range entries {
		e.V = journalFormat
		b, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("store: journal: %w", err)
		}
		buf = append(append(buf, b...), '\n')
	}
	_, statErr := os.Stat(path)
	created := errors.Is(statErr, fs.ErrNotExist)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("store: journal: %w", err)
	}
	// A crash during an earlier append can leave a line without its
	// newline; start on a fresh line so this entry is not glued to it.
	if fi, err := f.Stat(); err == nil && fi.Size() > 0 {
		last := []byte{0}
		if _, err := f.ReadAt(last, fi.Size()-1); err == nil && last[0] != '\n' {
			buf = append([]byte{'\n'}, buf...)
		}
	}
	_, err = f.Write(buf)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("store: journal: %w", err)
	}
	if created {
		syncDir(filepath.Dir(path))
	}
	return nil
}

// writeJournal replaces the journal with "queued" lines for items, through
// a temporary file and a rename so a crash leaves the old or the new one.
func writeJournal(path string, items []OutboxItem) error {
	if len(items) == 0 {
		return truncateJournal(path)
	}
	tmp := path + ".tmp"
	_ = os.Remove(tmp)
	entries := make([]journalEntry, len(items))
	for i := range items {
		entries[i] = journalEntry{Op: opQueued, Item: &items[i]}
	}
	if err := appendJournal(tmp, entries...); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("store: journal: %w", err)
	}
	syncDir(filepath.Dir(path))
	return nil
}

// truncateJournal empties the journal, if there is one.
func truncateJournal(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: journal: %w", err)
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("store: journal: %w", err)
	}
	return nil
}

// readJournal returns the items the journal lists as queued and not done,
// by ID. Lines that do not parse (a torn last line) are skipped.
func readJournal(path string) ([]OutboxItem, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: journal: %w", err)
	}
	queued := map[uint64]OutboxItem{}
	for line := range bytes.SplitSeq(data, []byte{'\n'}) {
		var e journalEntry
		if len(bytes.TrimSpace(line)) == 0 || json.Unmarshal(line, &e) != nil {
			continue
		}
		switch e.Op {
		case opQueued:
			if e.Item == nil || e.Item.ID == 0 || e.Item.IdempotencyKey == "" {
				continue
			}
			if e.Item.Kind != KindReading && e.Item.Kind != KindQuestion {
				continue
			}
			queued[e.Item.ID] = *e.Item
		case opDone:
			delete(queued, e.ID)
		}
	}
	items := make([]OutboxItem, 0, len(queued))
	for _, it := range queued {
		items = append(items, it)
	}
	slices.SortFunc(items, func(a, b OutboxItem) int {
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
	return items, nil
}

// reconcileJournalLocked puts back every item the journal lists as unsent
// but the store lacks — with its ID when free and always with its
// idempotency key, as pending — in one Update, then rewrites the journal if
// it no longer matches the store's unsent items. It returns the items put
// back. The caller holds outboxMu.
func (s *Store) reconcileJournalLocked() ([]OutboxItem, error) {
	journaled, err := readJournal(s.journal)
	if err != nil {
		return nil, err
	}
	var restored []OutboxItem
	if len(journaled) > 0 {
		err = s.db.Update(func(tx *bolt.Tx) error {
			restored = nil
			b, err := tx.CreateBucketIfNotExists(bucketOutbox)
			if err != nil {
				return err
			}
			// IDs are never reused: move the sequence past every ID the
			// journal knows before handing out new ones.
			if last := journaled[len(journaled)-1].ID; last > b.Sequence() {
				if err := b.SetSequence(last); err != nil {
					return err
				}
			}
			for _, it := range journaled {
				if v := b.Get(itemKey(it.ID)); v != nil {
					old, err := decodeItem(v)
					if err == nil && old.IdempotencyKey == it.IdempotencyKey {
						continue // still here
					}
					// The ID now belongs to another item: this one gets
					// a new ID but keeps its key.
					if it.ID, err = b.NextSequence(); err != nil {
						return err
					}
				}
				it.State = StatePending
				it.Attempts = 0
				it.NextAttemptAt = time.Time{}
				it.LastError = ""
				it.Problem = nil
				it.SentAt = time.Time{}
				it.Response = nil
				v, err := encodeValue(it)
				if err != nil {
					return err
				}
				if err := b.Put(itemKey(it.ID), v); err != nil {
					return err
				}
				restored = append(restored, it)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("store: restore from journal: %w", err)
		}
	}
	unsent, err := s.scan(func(it *OutboxItem) bool { return it.unsent() })
	if err != nil {
		return restored, err
	}
	if !sameItems(unsent, journaled) {
		s.journalStale = writeJournal(s.journal, unsent) != nil
	}
	return restored, nil
}

// sameItems reports whether a and b list the same IDs with the same keys.
func sameItems(a, b []OutboxItem) bool {
	return slices.EqualFunc(a, b, func(x, y OutboxItem) bool {
		return x.ID == y.ID && x.IdempotencyKey == y.IdempotencyKey
	})
}

// syncDir fsyncs a folder so a new or renamed entry in it survives a power
// cut. Windows cannot open a folder for syncing; there the rename is
// already durable enough, so errors are ignored.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}
