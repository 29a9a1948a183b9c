package cabinet_test

import (
	"context"
	"testing"

	"kabinet/internal/portaltest"
)

// TestFreshAtIsWhenTheDocumentCame: «Данные на …» names the download of
// the account's document (or a later "nothing changed"), and no time for an
// account with nothing stored.
func TestFreshAtIsWhenTheDocumentCame(t *testing.T) {
	p := portaltest.Start(t)
	svc := open(t, p, false)
	list, _ := svc.Accounts()
	account := list[0].Number
	doc, ok, err := svc.Document(account)
	if !ok || err != nil || doc.FetchedAt.IsZero() {
		t.Fatalf("the document after a sync: %v %v, fetched %v", ok, err, doc.FetchedAt)
	}
	if at := svc.FreshAt(account); at.Before(doc.FetchedAt) {
		t.Errorf("FreshAt %v is before the download %v", at, doc.FetchedAt)
	}
	// Offline, after the program restarted its session, nothing newer is
	// known than the stored download: FreshAt is exactly its time.
	p.Down.Store(true)
	if !svc.Resume(context.Background()) {
		t.Fatal("the session did not resume")
	}
	if at := svc.FreshAt(account); !at.Equal(doc.FetchedAt) {
		t.Errorf("offline FreshAt %v, want the download's %v", at, doc.FetchedAt)
	}
	if at := svc.FreshAt("0000000000"); !at.IsZero() {
		t.Errorf("an account with nothing stored is fresh at %v", at)
	}
}
