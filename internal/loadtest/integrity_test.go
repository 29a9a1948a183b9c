package loadtest

import "testing"

func TestJudge(t *testing.T) {
	ids := []string{"11", "12", "13"}
	tests := []struct {
		name              string
		acks              []string
		db                stored
		replays, identcal int
		ok                bool
		lost, unacked     int
	}{
		{name: "every answer stored once", acks: ids, db: stored{ids: ids, valueRows: 3, idempotencyRows: 3}, replays: 2, identcal: 2, ok: true},
		{name: "nothing sent", ok: true},
		{name: "an acknowledged reading is missing", acks: ids, db: stored{ids: ids[:2], valueRows: 2, idempotencyRows: 3},
			lost: 1},
		{name: "a reading nobody was told about", acks: ids[:2], db: stored{ids: ids, valueRows: 3, idempotencyRows: 2},
			unacked: 1},
		{name: "two answers name one reading", acks: []string{"11", "11", "12"}, db: stored{ids: ids[:2], valueRows: 2, idempotencyRows: 3}},
		{name: "a retry stored a second record", acks: ids, db: stored{ids: ids, valueRows: 3, idempotencyRows: 4}},
		{name: "a reading without its value", acks: ids, db: stored{ids: ids, valueRows: 2, idempotencyRows: 3}},
		{name: "a retry got another answer", acks: ids, db: stored{ids: ids, valueRows: 3, idempotencyRows: 3}, replays: 2, identcal: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := judge(tc.acks, tc.db, tc.replays, tc.identcal)
			if in.OK != tc.ok || in.Lost != tc.lost || in.Unacknowledged != tc.unacked {
				t.Errorf("judge = ok %v, lost %d, unacknowledged %d (%v); want ok %v, lost %d, unacknowledged %d",
					in.OK, in.Lost, in.Unacknowledged, in.Problems, tc.ok, tc.lost, tc.unacked)
			}
			if in.OK == (len(in.Problems) > 0) {
				t.Errorf("ok %v with problems %v", in.OK, in.Problems)
			}
		})
	}
}
