package store

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"kabinet/internal/domain"
)

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func reading(p Profile, t1, t2 string) OutboxItem {
	return OutboxItem{
		Kind: KindReading, Profile: p, Account: testAccount, Meter: "7",
		Values:  map[domain.Zone]string{domain.T1: t1, domain.T2: t2},
		TakenOn: domain.NewDate(2026, 11, 20),
	}
}

func question(p Profile, text string) OutboxItem {
	return OutboxItem{Kind: KindQuestion, Profile: p, Account: testAccount, Topic: "Счёт", Text: text}
}

// journalLines returns the journal's lines as maps.
func journalLines(t *testing.T, s *Store) []map[string]any {
	t.Helper()
	data, err := os.ReadFile(s.journal)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("journal line %q: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

func ops(lines []map[string]any) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l["op"].(string))
		b.WriteByte(' ')
	}
	return strings.TrimSpace(b.String())
}

func TestEnqueueAssignsIDKeyAndState(t *testing.T) {
	s := openTestStore(t)
	typed := reading(testProfile, "12345,6", "07890")
	typed.ID, typed.State, typed.IdempotencyKey, typed.Attempts = 99, StateSent, "mine", 5

	first, err := s.Enqueue(typed)
	if err != nil {
		t.Fatal(err)
	}
	second, err := s.Enqueue(question(testProfile, "Почему счёт больше обычного?"))
	if err != nil {
		t.Fatal(err)
	}
	typed.Values[domain.T1] = "changed after saving"

	if first.ID == 0 || second.ID <= first.ID {
		t.Errorf("IDs %d, %d: want increasing from 1", first.ID, second.ID)
	}
	for _, it := range []OutboxItem{first, second} {
		if !uuidV4.MatchString(it.IdempotencyKey) {
			t.Errorf("key %q is not a UUIDv4", it.IdempotencyKey)
		}
		if it.State != StatePending || it.Attempts != 0 || !it.CreatedAt.Equal(fixedClock()()) {
			t.Errorf("item %d: state %s attempts %d created %v", it.ID, it.State, it.Attempts, it.CreatedAt)
		}
	}
	if first.IdempotencyKey == second.IdempotencyKey {
		t.Error("two items share a key")
	}

	stored, ok, err := s.Item(first.ID)
	if err != nil || !ok {
		t.Fatalf("Item: %v %v", ok, err)
	}
	if stored.IdempotencyKey != first.IdempotencyKey || stored.Values[domain.T1] != "12345,6" || stored.Values[domain.T2] != "07890" ||
		stored.TakenOn != domain.NewDate(2026, 11, 20) || stored.Meter != "7" {
		t.Errorf("stored %+v", stored)
	}
	if _, ok, err := s.Item(12345); ok || err != nil {
		t.Errorf("missing item: ok=%v err=%v", ok, err)
	}

	if _, err := s.Enqueue(OutboxItem{Kind: "payment", Profile: testProfile}); err == nil {
		t.Error("an unknown kind was accepted")
	}
}

func TestEnqueueKeysAreDistinct(t *testing.T) {
	s := openTestStore(t)
	seen := map[string]bool{}
	for range 50 {
		it, err := s.Enqueue(question(testProfile, "?"))
		if err != nil {
			t.Fatal(err)
		}
		if seen[it.IdempotencyKey] {
			t.Fatalf("key %s handed out twice", it.IdempotencyKey)
		}
		seen[it.IdempotencyKey] = true
	}
}

func TestOutboxLife(t *testing.T) {
	s := openTestStore(t)
	a, _ := s.Enqueue(reading(testProfile, "100", "50"))
	b, _ := s.Enqueue(question(testProfile, "Вопрос"))
	c, _ := s.Enqueue(reading(testProfile, "110", "55"))
	other, _ := s.Enqueue(reading(otherPerson, "1", "1"))

	pending, err := s.Pending(testProfile)
	if err != nil {
		t.Fatal(err)
	}
	if got := idsOf(pending); !equalIDs(got, a.ID, b.ID, c.ID) {
		t.Fatalf("Pending = %v", got)
	}

	// A network failure: try again later, the sentence shown meanwhile.
	next := time.Date(2026, 11, 27, 15, 5, 0, 0, time.UTC)
	if err := s.MarkRetry(a.ID, 1, next, "Нет связи с сервером."); err != nil {
		t.Fatal(err)
	}
	got, _, _ := s.Item(a.ID)
	if got.State != StatePending || got.Attempts != 1 || !got.NextAttemptAt.Equal(next) || got.LastError != "Нет связи с сервером." {
		t.Errorf("after MarkRetry: %+v", got)
	}

	// The portal rejects c: it needs the person.
	problem := Problem{Status: 422, Code: "reading_lower_than_previous", Detail: "Показание меньше предыдущего.",
		Field: "t1", Params: map[string]string{"previous": "120"}}
	if err := s.MarkAttention(c.ID, problem); err != nil {
		t.Fatal(err)
	}
	problem.Params["previous"] = "changed by the caller"
	got, _, _ = s.Item(c.ID)
	if got.State != StateAttention || got.Problem == nil || got.Problem.Code != "reading_lower_than_previous" || got.Problem.Params["previous"] != "120" {
		t.Errorf("after MarkAttention: %+v %+v", got, got.Problem)
	}

	// The portal accepts a.
	sentAt := time.Date(2026, 11, 27, 15, 6, 0, 0, time.UTC)
	if err := s.MarkSent(a.ID, json.RawMessage(`{"id":"r-1","status":"accepted"}`), sentAt); err != nil {
		t.Fatal(err)
	}
	got, _, _ = s.Item(a.ID)
	if got.State != StateSent || !got.SentAt.Equal(sentAt) || string(got.Response) != `{"id":"r-1","status":"accepted"}` || got.LastError != "" {
		t.Errorf("after MarkSent: %+v", got)
	}
	if err := s.MarkRetry(a.ID, 2, next, "x"); err == nil {
		t.Error("MarkRetry on a sent item was accepted")
	}

	pending, _ = s.Pending(testProfile)
	if got := idsOf(pending); !equalIDs(got, b.ID, c.ID) {
		t.Errorf("Pending after sending a = %v", got)
	}
	sent, err := s.Sent(testProfile, sentAt.Add(-time.Hour))
	if err != nil || !equalIDs(idsOf(sent), a.ID) {
		t.Errorf("Sent = %v, %v", idsOf(sent), err)
	}
	if sent, _ := s.Sent(testProfile, sentAt.Add(time.Second)); len(sent) != 0 {
		t.Errorf("Sent since after sending = %v", idsOf(sent))
	}
	if sent, _ := s.Sent(otherPerson, time.Time{}); len(sent) != 0 {
		t.Errorf("another person's Sent = %v", idsOf(sent))
	}

	// Only an item that needs attention can be discarded.
	if err := s.Resolve(b.ID); err == nil {
		t.Error("Resolve of a pending item was accepted")
	}
	if err := s.Resolve(c.ID); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.Item(c.ID); ok {
		t.Error("the resolved item is still there")
	}
	pending, _ = s.Pending(testProfile)
	if got := idsOf(pending); !equalIDs(got, b.ID) {
		t.Errorf("Pending after Resolve = %v", got)
	}
	if pending, _ := s.Pending(otherPerson); !equalIDs(idsOf(pending), other.ID) {
		t.Errorf("another person's Pending = %v", idsOf(pending))
	}
	if err := s.MarkSent(12345, nil, sentAt); err == nil {
		t.Error("MarkSent of a missing item was accepted")
	}
}

func TestMarkSentKeepsANonJSONResponse(t *testing.T) {
	s := openTestStore(t)
	a, _ := s.Enqueue(question(testProfile, "?"))
	if err := s.MarkSent(a.ID, json.RawMessage("<html>OK</html>"), time.Now()); err != nil {
		t.Fatal(err)
	}
	got, _, _ := s.Item(a.ID)
	if string(got.Response) != `"\u003chtml\u003eOK\u003c/html\u003e"` {
		t.Errorf("response %s", got.Response)
	}
}

func TestJournalFollowsTheOutboxAndIsCompacted(t *testing.T) {
	s := openTestStore(t)
	a, _ := s.Enqueue(reading(testProfile, "100", "50"))
	b, _ := s.Enqueue(question(testProfile, "Вопрос"))

	lines := journalLines(t, s)
	if ops(lines) != "queued queued" {
		t.Fatalf("journal ops %q", ops(lines))
	}
	item := lines[0]["item"].(map[string]any)
	if item["idempotency_key"] != a.IdempotencyKey || item["id"].(float64) != float64(a.ID) || lines[0]["v"].(float64) != 1 {
		t.Errorf("first line %v", lines[0])
	}

	if err := s.MarkAttention(b.ID, Problem{Status: 422, Code: "x"}); err != nil {
		t.Fatal(err)
	}
	if ops(journalLines(t, s)) != "queued queued" {
		t.Error("MarkAttention wrote to the journal: the item is still unsent")
	}
	if err := s.MarkSent(a.ID, nil, time.Now()); err != nil {
		t.Fatal(err)
	}
	lines = journalLines(t, s)
	if ops(lines) != "queued queued done" || lines[2]["id"].(float64) != float64(a.ID) {
		t.Fatalf("journal after MarkSent: %v", lines)
	}

	// Discarding the last unsent item leaves nothing to protect.
	if err := s.Resolve(b.ID); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(s.journal); err != nil || fi.Size() != 0 {
		t.Errorf("journal not truncated: %v %v", fi, err)
	}

	c, _ := s.Enqueue(question(testProfile, "Ещё вопрос"))
	if lines := journalLines(t, s); ops(lines) != "queued" || lines[0]["item"].(map[string]any)["idempotency_key"] != c.IdempotencyKey {
		t.Errorf("journal after compaction: %v", lines)
	}
	if err := s.MarkSent(c.ID, nil, time.Now()); err != nil {
		t.Fatal(err)
	}
	if lines := journalLines(t, s); len(lines) != 0 {
		t.Errorf("journal after the last MarkSent: %v", lines)
	}
}

func TestReadJournalSkipsATornLine(t *testing.T) {
	s := openTestStore(t)
	a, _ := s.Enqueue(question(testProfile, "первый"))
	// A crash in the middle of the next append left half a line.
	f, err := os.OpenFile(s.journal, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"v":1,"op":"queued","item":{"id":2,"kind":"ques`)
	f.Close()
	b, _ := s.Enqueue(question(testProfile, "второй"))

	items, err := readJournal(s.journal)
	if err != nil {
		t.Fatal(err)
	}
	if !equalIDs(idsOf(items), a.ID, b.ID) || items[1].IdempotencyKey != b.IdempotencyKey {
		t.Errorf("journal items %v", idsOf(items))
	}
}

func TestJournalWriteFailureDoesNotUndoTheCommit(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir+"/store.db", Options{JournalPath: dir + "/no-such-folder/journal"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	a, err := s.Enqueue(question(testProfile, "?"))
	if err != nil {
		t.Fatalf("Enqueue: %v: the item is saved, the journal is only a second copy", err)
	}
	if !s.journalStale {
		t.Error("the failed journal write went unnoticed")
	}
	// The folder appears; the next change rewrites the journal whole.
	if err := os.Mkdir(dir+"/no-such-folder", 0o700); err != nil {
		t.Fatal(err)
	}
	b, _ := s.Enqueue(question(testProfile, "??"))
	items, err := readJournal(s.journal)
	if err != nil || !equalIDs(idsOf(items), a.ID, b.ID) || s.journalStale {
		t.Errorf("journal items %v, %v, stale %v", idsOf(items), err, s.journalStale)
	}
}

func idsOf(items []OutboxItem) []uint64 {
	out := make([]uint64, len(items))
	for i, it := range items {
		out[i] = it.ID
	}
	return out
}

func equalIDs(got []uint64, want ...uint64) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}
