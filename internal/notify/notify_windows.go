//go:build windows

package notify

import (
	"bytes"
	"encoding/xml"
	"sync"

	"fyne.io/fyne/v2"
	"git.sr.ht/~jackmordaunt/go-toast/wintoast"
)

// AppID names the app to Windows' notification centre (the toast's
// sender); the uninstaller removes its key
// HKCU\Software\Classes\AppUserModelId\Kabinet.
const AppID = "Kabinet"

// New returns the notifier of Windows: a toast through the Windows Runtime
// over COM, never PowerShell (see the package doc). a is not used.
func New(fyne.App) Notifier { return &toastNotifier{} }

type toastNotifier struct {
	once   sync.Once
	regErr error // registering the app with Windows failed
}

func (n *toastNotifier) Notify(title, body string) error {
	n.once.Do(func() { n.regErr = wintoast.SetAppData(wintoast.AppData{AppID: AppID}) })
	if n.regErr != nil {
		return n.regErr
	}
	// No option: wintoast.PowershellFallback is never asked for.
	return wintoast.Push(toastXML(title, body))
}

// toastXML is the toast's content, its texts escaped.
func toastXML(title, body string) string {
	var b bytes.Buffer
	b.WriteString(`<toast><visual><binding template="ToastGeneric"><text>`)
	xml.EscapeText(&b, []byte(title))
	b.WriteString(`</text><text>`)
	xml.EscapeText(&b, []byte(body))
	b.WriteString(`</text></binding></visual></toast>`)
	return b.String()
}
