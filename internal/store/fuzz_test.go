package store

import (
	"encoding/json"
	"testing"
	"time"

	"kabinet/internal/domain"
)

// FuzzDecodeItem feeds the outbox item decoder damaged values: it must
// return an error, never panic.
func FuzzDecodeItem(f *testing.F) {
	good, err := encodeValue(OutboxItem{
		ID: 7, Kind: KindReading, Profile: testProfile, Account: testAccount, Meter: "7",
		Values: map[domain.Zone]string{domain.T1: "12345,6"}, TakenOn: domain.NewDate(2026, 11, 20),
		IdempotencyKey: newIdempotencyKey(), State: StateAttention,
		Problem:   &Problem{Status: 422, Code: "reading_lower_than_previous", Params: map[string]string{"previous": "1"}},
		CreatedAt: time.Date(2026, 11, 27, 15, 4, 5, 0, time.UTC), Response: json.RawMessage(`{"ok":true}`),
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte{})
	f.Add([]byte{1})
	f.Add([]byte{2, '{', '}'})
	f.Add([]byte("\x01{\"kind\":\"reading\",\"state\":\"sent\",\"taken_on\":\"2026-02-30\"}"))
	f.Add([]byte("\x01{\"kind\":\"reading\",\"state\":\"pending\",\"values\":{\"t1\":1}}"))
	f.Add([]byte("\x01null"))
	f.Fuzz(func(t *testing.T, v []byte) {
		it, err := decodeItem(v)
		if err != nil {
			return
		}
		// Whatever decodes is an item the store can write back.
		if _, err := encodeValue(it); err != nil {
			t.Fatalf("decoded item does not encode: %v", err)
		}
	})
}
