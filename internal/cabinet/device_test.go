package cabinet_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"kabinet/internal/cabinet"
	"kabinet/internal/demo"
	"kabinet/internal/portalclient"
	"kabinet/internal/portaltest"
	"kabinet/internal/tokens"
)

// guessUntilRefused plays an attacker elsewhere guessing the customer's
// password until the portal makes everybody wait.
func guessUntilRefused(t *testing.T, p *portaltest.Server, customer string) {
	t.Helper()
	c, err := portalclient.New(p.URL, portalclient.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		_, err := c.Login(context.Background(), customer, "guess-guess")
		var rej *portalclient.RejectedError
		if !errors.As(err, &rej) {
			t.Fatalf("guess: %v", err)
		}
		if rej.Code == "too_many_attempts" {
			return
		}
	}
	t.Fatal("20 guesses and no wait")
}

func TestTheOwnersComputerLogsInDuringAnAttack(t *testing.T) {
	p := portaltest.Start(t)
	dir := t.TempDir()
	devices := tokens.NewDeviceFile(filepath.Join(dir, "device-tokens.json"))
	svc, err := cabinet.Open(cabinet.Config{Portal: p.URL, StorePath: filepath.Join(dir, "store.db"), Keeper: tokens.NewMemory(), Devices: devices})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := svc.Login(ctx, "100001", demo.Password); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Logout(ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
	guessUntilRefused(t, p, "100001")
	if _, err := svc.Login(ctx, "100001", demo.Password); err != nil {
		t.Fatalf("the owner's computer during the attack: %v", err)
	}
}

func TestAPublicComputerKeepsNoDeviceToken(t *testing.T) {
	p := portaltest.Start(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "device-tokens.json")
	svc, err := cabinet.Open(cabinet.Config{Portal: p.URL, Public: true, Keeper: tokens.NewMemory(), Devices: tokens.NewDeviceFile(path)})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := svc.Login(ctx, "100001", demo.Password); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("a public computer wrote a device token: %v", err)
	}
	svc.Logout(ctx, time.Now())
	guessUntilRefused(t, p, "100001")
	var rej *portalclient.RejectedError
	if _, err := svc.Login(ctx, "100001", demo.Password); !errors.As(err, &rej) || rej.Code != "too_many_attempts" {
		t.Errorf("a public computer during the attack: %v, want too_many_attempts", err)
	}
}
