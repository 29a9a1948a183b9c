package app

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"kabinet/internal/appconfig"
	"kabinet/internal/cabinet"
	"kabinet/internal/demo"
	"kabinet/internal/portaltest"
	"kabinet/internal/tokens"
)

// uiQueue stands in for Fyne's event loop in tests: background goroutines
// queue their UI work (see do) and the test goroutine runs it in pump, so
// every widget is touched by one goroutine, as in the real app.
var uiQueue struct {
	mu  sync.Mutex
	fns []func()
}

func init() {
	// The window speaks Russian; the tests read what a person reads,
	// whatever the machine's locale (CI often has C.UTF-8).
	os.Setenv("LC_ALL", "ru_RU.UTF-8")
	os.Setenv("LANGUAGE", "ru")
	do = func(f func()) {
		uiQueue.mu.Lock()
		uiQueue.fns = append(uiQueue.fns, f)
		uiQueue.mu.Unlock()
	}
}

// pump runs the queued UI work on the calling (test) goroutine.
func pump() {
	for {
		uiQueue.mu.Lock()
		fns := uiQueue.fns
		uiQueue.fns = nil
		uiQueue.mu.Unlock()
		if len(fns) == 0 {
			return
		}
		for _, f := range fns {
			f()
		}
	}
}

// testUI is the app on the real demo portal, in Fyne's headless test
// driver, with its store in a temporary folder.
type testUI struct {
	*UI
	t      *testing.T
	portal *portaltest.Server
	svc    *cabinet.Service
	// storePath and keeper are the service's store file and token keeper,
	// for a test that opens the service again as after a restart.
	storePath string
	keeper    tokens.Keeper
}

// newTestUI starts the app on a fresh demo portal; public chooses the
// public-computer mode.
func newTestUI(t *testing.T, public bool) *testUI {
	t.Helper()
	// Printed documents go to the person's documents folder: in a test,
	// a temporary home.
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	p := portaltest.Start(t)
	tu := newTestUIAt(t, p.URL, public)
	tu.portal = p
	return tu
}

// newTestUIAt is newTestUI on the portal at url.
func newTestUIAt(t *testing.T, url string, public bool) *testUI {
	t.Helper()
	a := test.NewTempApp(t)
	LoadTranslations(false)
	storePath := filepath.Join(t.TempDir(), "store.db")
	tu := &testUI{t: t, storePath: storePath, keeper: tokens.NewMemory()}
	opts := Options{
		Settings:     appconfig.Settings{Portal: url, Public: public, Chosen: true},
		Demo:         []DemoCustomer{{Number: "100001", Description: "Иванова"}},
		DemoPassword: demo.Password,
		OpenService: func(portal string, public bool, onEvent func(cabinet.Event)) (Service, error) {
			svc, err := cabinet.Open(cabinet.Config{Portal: portal, Public: public, StorePath: storePath,
				Keeper: tu.keeper, OnEvent: onEvent, PaymentPoll: 50 * time.Millisecond})
			tu.svc = svc
			return svc, err
		},
	}
	tu.UI = New(a, opts)
	tu.Start()
	t.Cleanup(func() {
		if tu.UI.idle != nil {
			tu.UI.idle.close()
		}
		if tu.svc != nil {
			tu.svc.Close()
		}
	})
	return tu
}

// loginAs types the customer and password and presses «Войти», then waits
// until the first data arrived.
func (tu *testUI) loginAs(customer string) {
	tu.t.Helper()
	f := tu.UI.login
	f.customer.SetText("")
	test.Type(f.customer, customer)
	test.Type(f.password, demo.Password)
	test.Tap(f.submit)
	tu.waitFor(func() bool { return tu.UI.shell != nil }, "the main screen after login")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tu.svc.SyncNow(ctx)
	tu.waitFor(func() bool { list, _ := tu.svc.Accounts(); return len(list) > 0 && tu.UI.account != "" }, "the accounts")
}

// waitFor polls cond on the UI goroutine until it holds.
func (tu *testUI) waitFor(cond func() bool, what string) {
	tu.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		pump()
		if cond() {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	tu.t.Fatalf("timed out waiting for %s", what)
}

// texts returns every text shown in the window, for assertions on what a
// person reads.
func (tu *testUI) texts() []string {
	var out []string
	fyne.DoAndWait(func() { out = tu.textsNow() })
	return out
}

// textsNow is texts for use inside waitFor (already on the UI goroutine).
func (tu *testUI) textsNow() []string { return objectTexts(tu.t, tu.UI.win.Content()) }

// objectTexts is every text shown inside o.
func objectTexts(t *testing.T, o fyne.CanvasObject) []string {
	var out []string
	walkWidgets(t, o, func(w fyne.Widget) { out = append(out, widgetText(w)...) })
	return out
}

// walkWidgets calls f for every visible widget inside o, depth first.
func walkWidgets(t *testing.T, o fyne.CanvasObject, f func(fyne.Widget)) {
	if !o.Visible() {
		return
	}
	if c, ok := o.(*fyne.Container); ok {
		for _, ch := range c.Objects {
			walkWidgets(t, ch, f)
		}
		return
	}
	if w, ok := o.(fyne.Widget); ok {
		f(w)
		for _, ch := range test.TempWidgetRenderer(t, w).Objects() {
			walkWidgets(t, ch, f)
		}
	}
}

// entries returns the window's entries in order.
func (tu *testUI) entries() []*widget.Entry {
	var out []*widget.Entry
	tu.eachWidget(func(w fyne.Widget) {
		if e, ok := w.(*widget.Entry); ok {
			out = append(out, e)
		}
	})
	return out
}

// tapButton taps the visible button with the text.
func (tu *testUI) tapButton(text string) {
	tu.t.Helper()
	var found *widget.Button
	tu.eachWidget(func(w fyne.Widget) {
		if b, ok := w.(*widget.Button); ok && b.Text == text && found == nil {
			found = b
		}
	})
	if found == nil {
		tu.t.Fatalf("no button %q", text)
	}
	test.Tap(found)
}

func (tu *testUI) eachWidget(f func(fyne.Widget)) {
	fyne.DoAndWait(func() { walkWidgets(tu.t, tu.UI.win.Content(), f) })
}
