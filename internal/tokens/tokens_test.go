package tokens

import (
	"errors"
	"testing"

	"github.com/zalando/go-keyring"
)

func TestKeyringKeepsTokensPerProfile(t *testing.T) {
	keyring.MockInit()
	k := New()
	if !k.Persistent() {
		t.Fatal("a working keyring is not used")
	}
	if _, err := k.Load("p1"); !errors.Is(err, ErrNone) {
		t.Errorf("empty keyring: %v", err)
	}
	k.Save("p1", "token-1")
	k.Save("p2", "token-2")
	if tok, _ := k.Load("p1"); tok != "token-1" {
		t.Errorf("p1: %q", tok)
	}
	if err := k.Delete("p1"); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Load("p1"); !errors.Is(err, ErrNone) {
		t.Errorf("after delete: %v", err)
	}
	if tok, _ := k.Load("p2"); tok != "token-2" {
		t.Errorf("p2 after deleting p1: %q", tok)
	}
	if err := k.Delete("never-saved"); err != nil {
		t.Errorf("deleting a missing token: %v", err)
	}
}

func TestNoKeyringFallsBackToMemory(t *testing.T) {
	keyring.MockInitWithError(errors.New("The name org.freedesktop.secrets was not provided by any .service files"))
	k := New()
	if k.Persistent() {
		t.Fatal("a failing keyring was chosen")
	}
	k.Save("p", "t")
	if tok, err := k.Load("p"); err != nil || tok != "t" {
		t.Errorf("memory keeper: %q %v", tok, err)
	}
}
