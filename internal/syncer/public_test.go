package syncer_test

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"kabinet/internal/portalclient"
	"kabinet/internal/store"
	"kabinet/internal/syncer"
)

// TestPublicComputerLeavesNothingBehind: a visitor of a library logs in,
// sees the account, queues a reading and logs out; afterwards no file under
// the temporary, cache or config folders holds the customer's number, name
// or address.
func TestPublicComputerLeavesNothingBehind(t *testing.T) {
	root := t.TempDir()
	for _, v := range []string{"TMPDIR", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "HOME"} {
		t.Setenv(v, filepath.Join(root, v))
		os.MkdirAll(filepath.Join(root, v), 0o700)
	}
	p := startPortal(t)
	st, err := store.OpenTemporary(store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	client, _ := portalclient.New(p.URL, portalclient.Options{})
	profile := store.Profile{Portal: client.BaseURL(), Customer: "100001"}
	eng := syncer.New(syncer.Config{Store: st, Portal: client, Profile: profile})
	a := &app{store: st, client: client, engine: eng, profile: profile}
	a.login(t)
	eng.SyncNow(context.Background())
	account, meter := a.account(t)
	doc, _, _ := st.Document(profile, account)
	secrets := [][]byte{[]byte("100001"), []byte(doc.Doc.Customer.FullName), []byte(doc.Doc.Account.Address), []byte(account)}
	if _, err := eng.QueueReading(account, meter.ID, plus(meter, 10), doc.Doc.Balance.AsOf, false); err != nil {
		t.Fatal(err)
	}
	eng.SyncNow(context.Background())
	found := func() []string {
		var hits []string
		filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			b, _ := os.ReadFile(path)
			for _, s := range secrets {
				if bytes.Contains(b, s) {
					hits = append(hits, path+": "+string(s))
				}
			}
			return nil
		})
		return hits
	}
	if len(found()) == 0 {
		t.Fatal("the test looks in the wrong folders: nothing of the customer was found while logged in")
	}
	client.Logout(context.Background())
	if err := st.Wipe(); err != nil {
		t.Fatal(err)
	}
	if hits := found(); len(hits) > 0 {
		t.Errorf("after logout the disk still holds: %v", hits)
	}
}
