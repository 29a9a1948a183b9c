package store_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"kabinet/internal/demo"
	"kabinet/internal/domain"
	"kabinet/internal/portalclient"
	"kabinet/internal/portaldb"
	"kabinet/internal/portaltest"
	"kabinet/internal/store"
	"kabinet/internal/syncer"
)

// These tests damage values inside a real store — the bbolt structure stays
// intact, so only the store's own checks can notice — and then start the
// app's core again against a real portal on 127.0.0.1: the store must open,
// and every reading the journal holds must reach the portal exactly once,
// with the digits that were typed.

// rig is a demo portal and a logged-in client shared by the stores of one
// test (or one fuzzing worker).
type rig struct {
	portal  *portaltest.Server
	client  *portalclient.Client
	profile store.Profile
	account string
	meter   domain.Meter
	last    map[domain.Zone]domain.Decimal // the highest value typed so far
}

func newRig(t testing.TB) *rig {
	t.Helper()
	p := portaltest.Start(t)
	client, err := portalclient.New(p.URL, portalclient.Options{Retries: 1, MaxWait: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.Login(context.Background(), "100001", demo.Password); err != nil {
		t.Fatal(err)
	}
	r := &rig{portal: p, client: client, profile: store.Profile{Portal: client.BaseURL(), Customer: "100001"}}
	// Learn the account and meter once, in a throw-away store.
	st, err := store.Open(filepath.Join(t.TempDir(), "first.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	eng := r.engine(st)
	if err := eng.RefreshAccounts(context.Background()); err != nil {
		t.Fatal(err)
	}
	eng.SyncNow(context.Background())
	list, _, ok, err := st.Accounts(r.profile)
	if err != nil || !ok || len(list) == 0 {
		t.Fatalf("accounts: %v %v", ok, err)
	}
	doc, ok, err := st.Document(r.profile, list[0].Number)
	if err != nil || !ok {
		t.Fatalf("document: %v %v", ok, err)
	}
	for _, m := range doc.Doc.Meters {
		if m.Active() {
			r.account, r.meter = list[0].Number, m
			break
		}
	}
	if r.account == "" {
		t.Fatal("no active meter")
	}
	r.last = map[domain.Zone]domain.Decimal{}
	for _, z := range r.meter.Zones {
		r.last[z.Code] = z.LastValue
	}
	return r
}

func (r *rig) engine(st *store.Store) *syncer.Engine {
	return syncer.New(syncer.Config{Store: st, Portal: r.client, Profile: r.profile,
		BaseBackoff: time.Millisecond, MaxBackoff: time.Millisecond})
}

// typedReading is one reading as the person typed it.
type typedReading struct {
	key    string
	values map[domain.Zone]string
}

// nextValues is one kWh more on every zone, as a person types it (with a
// comma when the meter shows a fraction).
func (r *rig) nextValues() map[domain.Zone]string {
	out := map[domain.Zone]string{}
	for z, v := range r.last {
		v += domain.DecimalFromInt(1)
		r.last[z] = v
		s := strings.ReplaceAll(v.Format(r.meter.FractionDigits), "\u202f", "")
		out[z] = strings.ReplaceAll(s, ".", ",")
	}
	return out
}

// fill makes a store at path as a person's use leaves it: data synced from
// the portal, two readings already delivered, then three readings and a
// question queued and not yet sent. It returns every
// reading typed and the key of the question.
func (r *rig) fill(t testing.TB, path string) (readings []typedReading, question string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for k, v := range map[string]string{"portal": r.profile.Portal, "customer": r.profile.Customer} {
		if err := st.SetSetting(k, v); err != nil {
			t.Fatal(err)
		}
	}
	eng := r.engine(st)
	if err := eng.RefreshAccounts(ctx); err != nil {
		t.Fatal(err)
	}
	eng.SyncNow(ctx)
	queue := func() {
		values := r.nextValues()
		// confirm: many small steps in one month add up to a large
		// consumption, which the portal would otherwise hold for a check.
		q, err := eng.QueueReading(r.account, r.meter.ID, values, domain.Date{}, true)
		if err != nil {
			t.Fatalf("queue %v: %v", values, err)
		}
		readings = append(readings, typedReading{q.Item.IdempotencyKey, values})
	}
	queue()
	queue()
	if rep := eng.SyncNow(ctx); rep.Err != nil || rep.Waiting != 0 || rep.Sent != 2 {
		t.Fatalf("first sync: %+v", rep)
	}
	queue()
	queue()
	queue()
	it, err := eng.QueueQuestion(r.account, "Показания", "Проверьте, пожалуйста, мой счётчик.")
	if err != nil {
		t.Fatal(err)
	}
	return readings, it.IdempotencyKey
}

// journaled reads the journal as a support engineer would, by its
// documented format (doc.go): the items queued and not done, by key.
func journaled(t testing.TB, path string) map[string]store.OutboxItem {
	t.Helper()
	f, err := os.Open(path + ".journal")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	items := map[string]store.OutboxItem{}
	keyOf := map[uint64]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var e struct {
			Op   string            `json:"op"`
			Item *store.OutboxItem `json:"item"`
			ID   uint64            `json:"id"`
		}
		if json.Unmarshal(sc.Bytes(), &e) != nil {
			continue
		}
		switch {
		case e.Op == "queued" && e.Item != nil:
			items[e.Item.IdempotencyKey] = *e.Item
			keyOf[e.Item.ID] = e.Item.IdempotencyKey
		case e.Op == "done":
			delete(items, keyOf[e.ID])
		}
	}
	return items
}

// storedValue is one value of the file and its place in the bucket tree.
type storedValue struct {
	buckets [][]byte
	key     []byte
	value   []byte
}

// storedValues lists every value of every bucket, in bbolt's order: meta
// (schema, its checksum), outbox items by ID, profiles (accounts,
// documents), public pages, settings.
func storedValues(t testing.TB, path string) []storedValue {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out []storedValue
	var walk func(b *bolt.Bucket, where [][]byte) error
	walk = func(b *bolt.Bucket, where [][]byte) error {
		return b.ForEach(func(k, v []byte) error {
			if v == nil {
				return walk(b.Bucket(k), append(where[:len(where):len(where)], bytes.Clone(k)))
			}
			out = append(out, storedValue{where, bytes.Clone(k), bytes.Clone(v)})
			return nil
		})
	}
	err = db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error { return walk(b, [][]byte{bytes.Clone(name)}) })
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// rewrite stores a changed value in its place through bbolt, so the file's
// structure stays sound: only the value's bytes differ.
func rewrite(t testing.TB, path string, sv storedValue, value []byte) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(sv.buckets[0])
		for _, name := range sv.buckets[1:] {
			b = b.Bucket(name)
		}
		return b.Put(sv.key, value)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// restart is the app's next start: the checked open, then a login session
// that refreshes the accounts and sends what waits until nothing does.
func (r *rig) restart(t testing.TB, path string, verify func(string) error) store.Recovery {
	t.Helper()
	st, rec, err := store.OpenChecked(path, store.Options{}, verify)
	if err != nil {
		t.Fatalf("the app does not start: %v", err)
	}
	defer st.Close()
	eng := r.engine(st)
	ctx := context.Background()
	if err := eng.RefreshAccounts(ctx); err != nil {
		t.Fatalf("after the restart: %v", err)
	}
	for range 5 {
		if rep := eng.SyncNow(ctx); rep.Waiting == 0 && rep.Attention == 0 && rep.Err == nil {
			break
		}
	}
	if s := eng.Status(); s.Pending != 0 || s.Attention != 0 {
		t.Fatalf("after the restart and sync: %+v", s)
	}
	if _, err := st.Pending(r.profile); err != nil {
		t.Fatalf("the outbox cannot be read after the restart: %v", err)
	}
	return rec
}

// deliveredOnce checks that the portal holds every reading once, with the
// values typed, and the question once.
func (r *rig) deliveredOnce(t testing.TB, readings []typedReading, question string) {
	t.Helper()
	ctx := context.Background()
	for _, tr := range readings {
		var body []byte
		n := 0
		err := r.portal.DB.Read(ctx, func(tx *portaldb.Tx) error {
			rows, err := tx.QueryContext(ctx, `SELECT body FROM idempotency WHERE key = ?`, tr.key)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				n++
				if err := rows.Scan(&body); err != nil {
					return err
				}
			}
			return rows.Err()
		})
		if err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Fatalf("reading %v (%s) is on the portal %d times", tr.values, tr.key, n)
		}
		var res struct {
			Reading struct {
				ID string `json:"id"`
			} `json:"reading"`
		}
		if err := json.Unmarshal(body, &res); err != nil || res.Reading.ID == "" {
			t.Fatalf("portal's answer for %s: %s (%v)", tr.key, body, err)
		}
		id, _ := strconv.ParseInt(res.Reading.ID, 10, 64)
		for zone, typed := range tr.values {
			want, err := domain.ParseReading(typed, r.meter.Digits, r.meter.FractionDigits)
			if err != nil {
				t.Fatal(err)
			}
			var got int64
			err = r.portal.DB.Read(ctx, func(tx *portaldb.Tx) error {
				return tx.QueryRowContext(ctx, `SELECT value FROM reading_values WHERE reading_id = ? AND zone = ?`, id, string(zone)).Scan(&got)
			})
			if err != nil {
				t.Fatalf("reading %s zone %s on the portal: %v", tr.key, zone, err)
			}
			if domain.Decimal(got) != want {
				t.Fatalf("typed %s on %s, the portal holds %s", typed, zone, domain.Decimal(got).Format(r.meter.FractionDigits))
			}
		}
	}
	if n := r.portal.Count(t, `SELECT count(*) FROM idempotency WHERE key = ?`, question); n != 1 {
		t.Fatalf("the question is on the portal %d times", n)
	}
}

// damagedStoreComesBack is one run of the story: fill a store, check the
// journal holds what was typed, change one byte (xor) at offset at inside
// the value number pick, restart, and check the portal.
func (r *rig) damagedStoreComesBack(t testing.TB, pick uint16, at uint32, xor byte, verify func(string) error) {
	path := filepath.Join(t.TempDir(), "store.db")
	before := r.portal.CustomerReadings(t)
	readings, question := r.fill(t, path)

	// What the journal holds is what was typed, value by value.
	journal := journaled(t, path)
	for _, tr := range readings[2:] { // the three not yet sent
		it, ok := journal[tr.key]
		if !ok {
			t.Fatalf("reading %v is not in the journal", tr.values)
		}
		if fmt.Sprint(it.Values) != fmt.Sprint(tr.values) {
			t.Fatalf("journal holds %v, typed %v", it.Values, tr.values)
		}
	}
	if _, ok := journal[question]; !ok || len(journal) != 4 {
		t.Fatalf("journal holds %d items", len(journal))
	}

	values := storedValues(t, path)
	sv := values[int(pick)%len(values)]
	damaged := bytes.Clone(sv.value)
	if xor == 0 {
		xor = 1
	}
	damaged[int(at)%len(damaged)] ^= xor
	rewrite(t, path, sv, damaged)

	r.restart(t, path, verify)
	r.deliveredOnce(t, readings, question)
	// Nothing else arrived: a reading sent twice under a new key would.
	if n := r.portal.CustomerReadings(t) - before; n != len(readings) {
		t.Fatalf("%d readings arrived for %d typed", n, len(readings))
	}
}

// checkInChild runs the store check the way the app does: in a child
// process (this test binary, see TestHelperChild).
func checkInChild(t *testing.T) func(string) error {
	t.Setenv("KABINET_STORE_HELPER", "check")
	return func(path string) error {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		return store.CheckInChild(ctx, os.Args[0], []string{"-test.run=^TestHelperChild$"}, path)
	}
}

// TestChangedDigitInAQueuedReadingIsRecovered is the case found by trying:
// one digit of a queued reading changes on the disk. bbolt's check cannot
// see it; the app must not send the wrong number, nor stop: the file is set
// aside and the reading comes back from the journal as it was typed.
func TestChangedDigitInAQueuedReadingIsRecovered(t *testing.T) {
	r := newRig(t)
	path := filepath.Join(t.TempDir(), "store.db")
	readings, question := r.fill(t, path)

	waiting := readings[2]
	var sv storedValue
	for _, v := range storedValues(t, path) {
		if string(v.buckets[0]) == "outbox" && bytes.Contains(v.value, []byte(waiting.key)) {
			sv = v
		}
	}
	typed := []byte(`"` + waiting.values[domain.T1] + `"`)
	at := bytes.Index(sv.value, typed)
	if at < 0 {
		t.Fatalf("typed %s not found in the stored item", typed)
	}
	damaged := bytes.Clone(sv.value)
	at += len(typed) - 2 // the last digit
	damaged[at] = '0' + (damaged[at]-'0'+1)%10
	rewrite(t, path, sv, damaged)

	rec := r.restart(t, path, checkInChild(t))
	if rec.Quarantined == "" || len(rec.Recovered) != 4 {
		t.Errorf("recovery: set aside %q, %d items restored; want the file set aside and 4 items back", rec.Quarantined, len(rec.Recovered))
	}
	r.deliveredOnce(t, readings, question)
}

// FuzzDamagedValue changes one byte of one value of a store holding
// delivered and queued readings, and asserts the app always comes back and
// delivers every journaled reading exactly once, as typed. make fuzz-store
// runs it for 30 s; testdata/fuzz/FuzzDamagedValue holds seeds that hit
// the schema, a delivered and a queued reading, the question and the
// cached account data.
func FuzzDamagedValue(f *testing.F) {
	r := newRig(f)
	f.Fuzz(func(t *testing.T, pick uint16, at uint32, xor byte) {
		r.damagedStoreComesBack(t, pick, at, xor, store.Check)
	})
}
