package syncer_test

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"kabinet/internal/demo"
	"kabinet/internal/domain"
	"kabinet/internal/portalclient"
	"kabinet/internal/portaltest"
	"kabinet/internal/store"
	"kabinet/internal/syncer"
)

// startPortal runs the demo portal for a test.
func startPortal(t testing.TB) *portaltest.Server { return portaltest.Start(t) }

// app is the offline core as the app wires it.
type app struct {
	store   *store.Store
	client  *portalclient.Client
	engine  *syncer.Engine
	profile store.Profile
	events  *eventLog
}

type eventLog struct {
	mu     sync.Mutex
	events []syncer.Event
}

func (l *eventLog) add(e syncer.Event) { l.mu.Lock(); l.events = append(l.events, e); l.mu.Unlock() }
func (l *eventLog) kinds() []syncer.EventKind {
	l.mu.Lock()
	defer l.mu.Unlock()
	var k []syncer.EventKind
	for _, e := range l.events {
		k = append(k, e.Kind)
	}
	return k
}

func newApp(t testing.TB, p *portaltest.Server, storePath string, opts portalclient.Options) *app {
	t.Helper()
	st, err := store.Open(storePath, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if opts.Retries == 0 {
		opts.Retries = 1
	}
	if opts.MaxWait == 0 {
		opts.MaxWait = 50 * time.Millisecond
	}
	client, err := portalclient.New(p.URL, opts)
	if err != nil {
		t.Fatal(err)
	}
	a := &app{store: st, client: client, profile: store.Profile{Portal: client.BaseURL(), Customer: "100001"}, events: &eventLog{}}
	a.engine = syncer.New(syncer.Config{Store: st, Portal: client, Profile: a.profile, OnEvent: a.events.add,
		BaseBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond})
	return a
}

func (a *app) login(t testing.TB) {
	t.Helper()
	if _, err := a.client.Login(context.Background(), a.profile.Customer, demo.Password); err != nil {
		t.Fatal(err)
	}
	if err := a.engine.RefreshAccounts(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// account returns the first account's number and its active meter.
func (a *app) account(t testing.TB) (string, domain.Meter) {
	t.Helper()
	list, _, ok, err := a.store.Accounts(a.profile)
	if err != nil || !ok || len(list) == 0 {
		t.Fatalf("accounts: %v %v", ok, err)
	}
	doc, ok, err := a.store.Document(a.profile, list[0].Number)
	if err != nil || !ok {
		t.Fatalf("document: %v %v", ok, err)
	}
	for _, m := range doc.Doc.Meters {
		if m.Active() {
			return list[0].Number, m
		}
	}
	t.Fatal("no active meter")
	return "", domain.Meter{}
}

// plus returns the meter's last T1 value plus n kWh, as a person types it.
func plus(m domain.Meter, n int64) map[domain.Zone]string {
	v := m.Zones[0].LastValue + domain.DecimalFromInt(n)
	return map[domain.Zone]string{domain.T1: strings.ReplaceAll(v.Format(m.FractionDigits), "\u202f", "")}
}

// synced is a logged-in app that has synced once, with the first account
// and its meter.
func synced(t testing.TB, opts portalclient.Options) (*portaltest.Server, *app, string, domain.Meter) {
	t.Helper()
	p := startPortal(t)
	a := newApp(t, p, filepath.Join(t.TempDir(), "store.db"), opts)
	a.login(t)
	a.engine.SyncNow(context.Background())
	account, meter := a.account(t)
	return p, a, account, meter
}
