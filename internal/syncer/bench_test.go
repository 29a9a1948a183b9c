package syncer_test

import (
	"context"
	"net"
	"net/http"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"kabinet/internal/auth"
	"kabinet/internal/demo"
	"kabinet/internal/portalclient"
	"kabinet/internal/portaltest"
	"kabinet/internal/store"
	"kabinet/internal/syncer"
)

// wire counts the bytes that cross the loopback connections of a client.
type wire struct{ read, written atomic.Int64 }

type countingConn struct {
	net.Conn
	w *wire
}

func (c countingConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	c.w.read.Add(int64(n))
	return n, err
}

func (c countingConn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	c.w.written.Add(int64(n))
	return n, err
}

func (w *wire) transport() http.RoundTripper {
	d := &net.Dialer{}
	return &http.Transport{DisableCompression: true, DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return countingConn{c, w}, nil
	}}
}

// longPortal is a portal holding ten years of one account.
func longPortal(tb testing.TB) *portaltest.Server {
	auth.UseFastParamsForTests()
	seed, err := demo.LongHistory(time.Now(), 10, auth.HashPassword)
	if err != nil {
		tb.Fatal(err)
	}
	return portaltest.StartSeed(tb, seed)
}

func loggedIn(tb testing.TB, p *portaltest.Server, w *wire) *portalclient.Client {
	client, err := portalclient.New(p.URL, portalclient.Options{Transport: w.transport()})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := client.Login(context.Background(), demo.LongCustomer, demo.Password); err != nil {
		tb.Fatal(err)
	}
	return client
}

// BenchmarkFirstSync: a new computer downloads ten years of an account
// (the list of accounts, the document, the public pages) into an empty store.
func BenchmarkFirstSync(b *testing.B) {
	p := longPortal(b)
	w := &wire{}
	client := loggedIn(b, p, w)
	profile := store.Profile{Portal: client.BaseURL(), Customer: demo.LongCustomer}
	dir := b.TempDir()
	i := 0
	for b.Loop() {
		b.StopTimer()
		i++
		st, err := store.Open(filepath.Join(dir, "store", string(rune('a'+i%26))+time.Now().Format("150405.000000000")+".db"), store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		eng := syncer.New(syncer.Config{Store: st, Portal: client, Profile: profile})
		b.StartTimer()
		if err := eng.RefreshAccounts(context.Background()); err != nil {
			b.Fatal(err)
		}
		if r := eng.SyncNow(context.Background()); r.Err != nil || len(r.Refreshed) != 1 {
			b.Fatalf("%+v", r)
		}
		b.StopTimer()
		st.Close()
		b.StartTimer()
	}
}

// BenchmarkSyncNothingNew: the routine sync of an unchanged account; it
// reports the requests and the bytes on the wire per sync.
func BenchmarkSyncNothingNew(b *testing.B) {
	p := longPortal(b)
	w := &wire{}
	client := loggedIn(b, p, w)
	profile := store.Profile{Portal: client.BaseURL(), Customer: demo.LongCustomer}
	st, err := store.Open(filepath.Join(b.TempDir(), "store.db"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	eng := syncer.New(syncer.Config{Store: st, Portal: client, Profile: profile})
	eng.RefreshAccounts(context.Background())
	eng.SyncNow(context.Background())
	requests := p.Requests.Load()
	w.read.Store(0)
	w.written.Store(0)
	for b.Loop() {
		if r := eng.SyncNow(context.Background()); r.Err != nil || len(r.Unchanged) != 1 {
			b.Fatalf("%+v", r)
		}
	}
	b.ReportMetric(float64(p.Requests.Load()-requests)/float64(b.N), "requests/op")
	b.ReportMetric(float64(w.read.Load()+w.written.Load())/float64(b.N), "wire-B/op")
}

// TestSyncWithNothingNewIsOneSmallRequest: the budget of a library's slow
// line: one request per account, at most 2 KB both ways.
func TestSyncWithNothingNewIsOneSmallRequest(t *testing.T) {
	p := longPortal(t)
	w := &wire{}
	client := loggedIn(t, p, w)
	profile := store.Profile{Portal: client.BaseURL(), Customer: demo.LongCustomer}
	st, err := store.Open(filepath.Join(t.TempDir(), "store.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	eng := syncer.New(syncer.Config{Store: st, Portal: client, Profile: profile})
	eng.RefreshAccounts(context.Background())
	start := time.Now()
	eng.SyncNow(context.Background())
	t.Logf("first sync of ten years: %v, %d bytes", time.Since(start), w.read.Load()+w.written.Load())
	requests := p.Requests.Load()
	w.read.Store(0)
	w.written.Store(0)
	if r := eng.SyncNow(context.Background()); r.Err != nil || len(r.Unchanged) != 1 {
		t.Fatalf("%+v", r)
	}
	if n := p.Requests.Load() - requests; n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
	if n := w.read.Load() + w.written.Load(); n > 2048 {
		t.Errorf("%d bytes on the wire, want at most 2048", n)
	}
}
