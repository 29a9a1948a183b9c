package demo

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"kabinet/internal/domain"
	"kabinet/internal/portal"
	"kabinet/internal/portaldb"
	"kabinet/internal/sms"
)

// Serve runs the demo portal in this process on a free port of 127.0.0.1,
// its database and SMS file in dir, for `kabinet -demo`. Stop shuts it down.
func Serve(ctx context.Context, dir string, log *slog.Logger) (url string, stop func(), err error) {
	db, err := portaldb.Open(ctx, filepath.Join(dir, "demo-portal.db"), portaldb.Options{})
	if err != nil {
		return "", nil, err
	}
	if _, err := Load(ctx, db, time.Now()); err != nil {
		db.Close()
		return "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		db.Close()
		return "", nil, err
	}
	url = "http://" + ln.Addr().String()
	// «Оплатить» goes to the local provider's checkout page.
	pay, stopPay, err := LocalPayments(url, log)
	if err != nil {
		ln.Close()
		db.Close()
		return "", nil, err
	}
	srv, err := portal.New(ctx, portal.Config{DB: db, SMS: sms.NewFileSender(filepath.Join(dir, "sms.txt"), log, true),
		Logger: log, Window: domain.AlwaysOpen, Payments: pay})
	if err != nil {
		stopPay()
		ln.Close()
		db.Close()
		return "", nil, err
	}
	sctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- portal.Serve(sctx, ln, srv) }()
	reconciled := make(chan struct{})
	go func() {
		defer close(reconciled)
		srv.RunPaymentReconciler(sctx, time.Minute)
	}()
	stop = func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("demo portal", "err", err)
		}
		<-reconciled
		stopPay()
		db.Close()
	}
	return url, stop, nil
}
