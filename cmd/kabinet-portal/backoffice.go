package main

import (
	"context"
	"log/slog"
	"net"
	"net/netip"

	"kabinet/internal/backoffice"
	"kabinet/internal/payments"
	"kabinet/internal/portaldb"
	"kabinet/internal/sms"
)

// startBackoffice serves the contact centre's pages on addr (empty: not at
// all) until ctx is done; the function it returns waits for them to stop.
func startBackoffice(ctx context.Context, addr string, insecure bool, db *portaldb.DB, sender sms.Sender, provider payments.Provider,
	proxies []netip.Prefix, contactPhone string, log *slog.Logger) (wait func() error, err error) {
	if addr == "" {
		return func() error { return nil }, nil
	}
	bo, err := backoffice.New(backoffice.Config{DB: db, SMS: sender, Logger: log, InsecureCookie: insecure,
		TrustedProxies: proxies, ContactPhone: contactPhone, Payments: provider})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	log.Info("back office listening", "url", "http://"+ln.Addr().String(), "secure_cookie", !insecure)
	done := make(chan error, 1)
	go func() { done <- backoffice.Serve(ctx, ln, bo) }()
	return func() error { return <-done }, nil
}
