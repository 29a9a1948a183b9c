// Package app is the desktop window of Kabinet (Fyne): the screens of the
// personal account, drawn from what internal/cabinet knows. Each screen is
// built from a small deps struct (screens.go): the window around it and the
// few service methods it declares, over cabinet's and domain's view models.
// Screens never talk HTTP or bbolt, slow service calls run off the UI
// goroutine with their button disabled, and every change that comes from a
// background goroutine goes through fyne.Do.
package app

import (
	"context"
	"io"
	"io/fs"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"

	"kabinet/assets"
	"kabinet/internal/appconfig"
	"kabinet/internal/cabinet"
	"kabinet/internal/domain"
	"kabinet/internal/notify"
	"kabinet/internal/portalclient"
)

// ID is the app's stable id: Fyne keeps its files under it.
const ID = "ru.komiesc.kabinet"

// Service is what the window opens: everything its screens ask for, each
// screen through the part it declares (newsService, questionService, …);
// *cabinet.Service has it.
type Service interface {
	Public() bool
	Portal() string
	Customer() string
	LastCustomer() string
	Resume(ctx context.Context) bool
	Login(ctx context.Context, customer, password string) (bool, error)
	Logout(ctx context.Context, since time.Time) (cabinet.LogoutReport, error)
	RecoverPassword(ctx context.Context, r portalclient.Recovery) (string, error)
	ChangePassword(ctx context.Context, current, newPassword string) error
	UpdateProfile(ctx context.Context, email, phone, currentPassword string) (portalclient.ProfileResult, error)
	ConfirmPhone(ctx context.Context, code string) (portalclient.ProfileResult, error)
	SyncNow(ctx context.Context) (cabinet.SyncReport, error)
	Status() cabinet.SyncStatus
	Accounts() ([]domain.AccountSummary, error)
	Document(account string) (cabinet.Document, bool, error)
	FreshAt(account string) time.Time
	Preview(account, meterID string, values map[domain.Zone]string, confirm bool) (domain.Assessment, *domain.Charge, error)
	QueueReading(account, meterID string, values map[domain.Zone]string, confirm bool) (cabinet.QueuedReading, error)
	AskQuestion(account, topic, text string) (cabinet.Item, error)
	Outbox() ([]cabinet.Item, error)
	ReadingsDue() (cabinet.ReadingsDue, error)
	SentSince(t time.Time) ([]cabinet.Item, error)
	Discard(id uint64) error
	PreviewCorrection(id uint64, values map[domain.Zone]string, confirm bool) (domain.Assessment, *domain.Charge, error)
	CorrectReading(id uint64, values map[domain.Zone]string, confirm bool) (cabinet.QueuedReading, error)
	WithdrawReading(id uint64) error
	Questions(ctx context.Context) ([]domain.Question, error)
	SetSubscriptions(ctx context.Context, account string, s domain.Subscriptions) error
	News() ([]domain.News, time.Time, error)
	About() ([]domain.AboutSection, time.Time, error)
	Contacts() (string, []domain.Office, time.Time, error)
	FAQ() ([]domain.FAQ, time.Time, error)
	RefreshPublic(ctx context.Context) error
	Search(q string) []cabinet.SearchResult
	InvoicePDF(w io.Writer, account string, period domain.Period) error
	PaymentSlip(account string) (cabinet.PaymentSlip, bool, error)
	StatementPDF(w io.Writer, account string, from, to domain.Period) error
	ReceiptPDF(w io.Writer, r cabinet.ReadingReceipt) error
	SavePDF(name string, write func(io.Writer) error) (string, error)
	DueNow(account string) (domain.Kopecks, error)
	PaymentOptions(ctx context.Context) (cabinet.PaymentOptions, error)
	StartPayment(ctx context.Context, account string, amount domain.Kopecks) (cabinet.PaymentView, error)
	Close() error
}

// DemoCustomer is listed on the login screen of the demo.
type DemoCustomer struct{ Number, Description string }

// Options are what the window starts from.
type Options struct {
	Settings     appconfig.Settings
	SettingsPath string // "" keeps the settings in memory (tests)
	Demo         []DemoCustomer
	DemoPassword string
	// OpenService opens the personal account for a portal and computer
	// kind; onEvent receives the sync engine's events on its goroutine.
	OpenService func(portal string, public bool, onEvent func(cabinet.Event)) (Service, error)
	// IdleWarning and IdleLogout time a public session out; 0 → 4 and 5 min.
	IdleWarning, IdleLogout time.Duration
	// Notifier shows desktop notifications; nil → the system's
	// (notify.New).
	Notifier notify.Notifier
}

// UI is the app's window and its state.
type UI struct {
	app   fyne.App
	win   fyne.Window
	opts  Options
	theme *kabinetTheme
	svc   Service

	account      string // the account the screens show
	screenID     string
	screen       Screen
	screenFor    string // the account the screen was built for
	shell        *shell
	idle         *idleWatch
	sessionStart time.Time
	syncing      bool
	online       bool
	login        *loginForm
	dialogs      []dialog.Dialog  // open dialogs, the top one last
	notice       *deliveredNotice // the open notice of readings accepted, if any

	loggingOut    bool
	afterLogout   []func()         // what waits for the running logout
	loggedOut     *loggedOutPage   // the page after a public logout, while shown
	ended         chan struct{}    // closed when the close button's end is done
	logoutMu      sync.Mutex       // held by a running logout; Finish waits for it
	notifier      notify.Notifier  // desktop notifications
	reminder      *notify.Reminder // the reading reminder of a home session
	stopReminders func()           // stops its clock
	// after runs f once d has passed and returns a stop; tests fire the
	// timers by hand instead of waiting.
	after func(d time.Duration, f func()) (stop func())
}

// englishUI is set when the window speaks English (`kabinet -lang en`).
var englishUI atomic.Bool

// LoadTranslations registers the app's strings. The window speaks Russian
// on every computer — a library PC with English regional settings must not
// greet an elderly visitor in English — and English only when asked for
// (`kabinet -lang en`), which loads the English files as the system's
// language.
func LoadTranslations(english bool) {
	englishUI.Store(english)
	entries, err := fs.ReadDir(assets.Translations, "translations")
	if err != nil {
		fyne.LogError("translations", err)
		return
	}
	for _, e := range entries {
		name := e.Name()
		locale := fyne.Locale("ru")
		switch {
		case strings.HasSuffix(name, ".ru.json"):
			if english {
				continue
			}
		case strings.HasSuffix(name, ".en.json"):
			if !english {
				continue
			}
			locale = lang.SystemLocale()
		default:
			continue
		}
		data, err := fs.ReadFile(assets.Translations, "translations/"+name)
		if err == nil {
			err = lang.AddTranslationsForLocale(data, locale)
		}
		if err != nil {
			fyne.LogError("translations "+name, err)
		}
	}
}

// New builds the window; Start shows its first screen.
func New(a fyne.App, opts Options) *UI {
	if opts.IdleWarning == 0 {
		opts.IdleWarning = 4 * time.Minute
	}
	if opts.IdleLogout == 0 {
		opts.IdleLogout = 5 * time.Minute
	}
	u := &UI{app: a, opts: opts, online: true, after: afterFunc, notifier: opts.Notifier}
	if u.notifier == nil {
		u.notifier = notify.New(a)
	}
	u.theme = &kabinetTheme{size: opts.Settings.TextSize, contrast: opts.Settings.HighContrast}
	a.Settings().SetTheme(u.theme)
	u.win = a.NewWindow(lang.L("Личный кабинет — Коми энергосбытовая компания"))
	u.win.Resize(u.initialSize())
	a.Lifecycle().SetOnStarted(u.started)
	u.win.SetMaster()
	u.win.SetCloseIntercept(u.closeWindow)
	u.win.Canvas().SetOnTypedKey(u.typedKey)
	u.win.Canvas().SetOnTypedRune(u.typedRune)
	return u
}

// Window returns the main window.
func (u *UI) Window() fyne.Window { return u.win }

// Start shows the first-start questions or the login screen.
func (u *UI) Start() {
	if !u.opts.Settings.Chosen || u.opts.Settings.Portal == "" {
		u.showFirstStart()
		return
	}
	if err := u.openService(); err != nil {
		u.showFatal(err)
		return
	}
	if !u.svc.Public() && u.svc.Resume(context.Background()) {
		u.startSession()
		return
	}
	u.showLogin()
}

// openService opens the personal account for the chosen portal and kind.
func (u *UI) openService() error {
	if u.svc != nil {
		return nil
	}
	svc, err := u.opts.OpenService(u.opts.Settings.Portal, u.opts.Settings.Public, func(e cabinet.Event) {
		do(func() { u.onEvent(e) })
	})
	if err != nil {
		return err
	}
	u.svc = svc
	return nil
}

// saveSettings remembers this computer's choices.
func (u *UI) saveSettings() {
	if u.opts.SettingsPath == "" {
		return
	}
	if err := appconfig.Save(u.opts.SettingsPath, u.opts.Settings); err != nil {
		fyne.LogError("save settings", err)
	}
}

// SetTextSize switches the text size (0–2) and remembers it.
func (u *UI) SetTextSize(size int) {
	if size >= 1 && u.theme.size == 0 {
		// Large text wants the room of the whole screen.
		u.fillScreen()
	}
	u.theme.size = max(0, min(size, len(textScales)-1))
	u.opts.Settings.TextSize = u.theme.size
	u.applyTheme()
}

// SetHighContrast switches high contrast and remembers it.
func (u *UI) SetHighContrast(on bool) {
	u.theme.contrast = on
	u.opts.Settings.HighContrast = on
	u.applyTheme()
}

func (u *UI) applyTheme() {
	// A new value makes Fyne repaint everything with the new sizes.
	t := *u.theme
	u.theme = &t
	u.app.Settings().SetTheme(u.theme)
	if u.shell != nil {
		u.shell.themeChanged()
	}
	u.saveSettings()
}

// startSession opens the main screens after a login.
func (u *UI) startSession() {
	u.sessionStart = time.Now()
	u.account = ""
	if list, _ := u.svc.Accounts(); len(list) > 0 {
		u.account = list[0].Number
	}
	u.shell = newShell(u)
	u.win.SetContent(u.shell.root)
	u.navigate("home")
	if u.svc.Public() {
		u.idle = newIdleWatch(u, u.opts.IdleWarning, u.opts.IdleLogout)
		u.idle.start()
	} else {
		u.startReminders()
	}
}

// onEvent repaints what a sync changed; it runs on the UI goroutine.
func (u *UI) onEvent(e cabinet.Event) {
	if u.shell == nil {
		return
	}
	shown := false
	if s, ok := u.screen.(eventScreen); ok {
		shown = s.OnEvent(e)
	}
	if e.Kind == cabinet.ItemDelivered && !shown && e.Item != nil && u.waitedLong(*e.Item) {
		u.noticeDelivered(*e.Item)
	}
	switch e.Kind {
	case cabinet.SyncStarted:
		u.syncing = true
	case cabinet.SyncFinished:
		defer u.remind()
		u.syncing = false
		u.online = e.Err == nil || !portalclient.Temporary(e.Err)
		if u.account == "" {
			if list, _ := u.svc.Accounts(); len(list) > 0 {
				u.account = list[0].Number
				u.shell.refreshAccounts()
			}
		}
		u.refreshScreen()
	case cabinet.ItemDelivered, cabinet.ItemRefused, cabinet.DataRefreshed:
		u.shell.refreshAccounts()
		u.refreshScreen()
	case cabinet.PausedForLogin:
		u.online = true
	}
	u.shell.updateStatus()
}

// closeWindow ends a public session before the window closes; on a home
// computer it says first that readings still waiting go at the next start.
func (u *UI) closeWindow() {
	u.rememberSize()
	closeNow := func() { u.endSession(45*time.Second, func() { u.app.Quit() }) }
	if u.svc != nil && !u.svc.Public() && u.ended == nil {
		if n := u.waitingReadings(); n > 0 {
			u.askClose(n, closeNow)
			return
		}
	}
	closeNow()
}
