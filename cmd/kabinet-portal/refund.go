package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"kabinet/internal/domain"
	"kabinet/internal/payments"
	"kabinet/internal/portal"
	"kabinet/internal/portaldb"
)

// payments runs `kabinet-portal payments refund -db … [-amount 123,45]
// pay_…`: the supplier's staff return money of an online payment through
// ЮKassa (the -pay-shop-id and -pay-api-url of the server, the secret key
// from KABINET_PAY_SECRET_KEY), and the account is debited with it once.
func paymentsCmd(ctx context.Context, args []string, out io.Writer) error {
	const usage = "payments: write kabinet-portal payments refund -db kabinet-portal.db [-amount 123,45] pay_…"
	if len(args) == 0 || args[0] != "refund" {
		return errors.New(usage)
	}
	fs := flag.NewFlagSet("kabinet-portal payments refund", flag.ContinueOnError)
	dbPath := fs.String("db", env("KABINET_PORTAL_DB", "kabinet-portal.db"), dbUsage)
	amountText := fs.String("amount", "", "how much to return, in rubles (123,45); default: all that is not returned yet")
	shopID := fs.String("pay-shop-id", env("KABINET_PAY_SHOP_ID", ""), "ЮKassa shop id (KABINET_PAY_SHOP_ID; the secret key only from KABINET_PAY_SECRET_KEY)")
	apiURL := fs.String("pay-api-url", env("KABINET_PAY_API_URL", payments.DefaultYooKassaURL), "ЮKassa API base URL (KABINET_PAY_API_URL)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 || !strings.HasPrefix(fs.Arg(0), "pay_") {
		return errors.New(usage)
	}
	var amount domain.Kopecks
	if *amountText != "" {
		var err error
		if amount, err = payments.ParseAmount(strings.ReplaceAll(strings.TrimSpace(*amountText), ",", ".")); err != nil || amount <= 0 {
			return fmt.Errorf("payments refund: -amount %q: write rubles and kopecks, e.g. 123,45", *amountText)
		}
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	client, err := payments.NewYooKassa(payments.YooKassaConfig{BaseURL: *apiURL, ShopID: *shopID, SecretKey: os.Getenv("KABINET_PAY_SECRET_KEY"), Logger: log})
	if err != nil {
		return fmt.Errorf("payments refund: %w (set -pay-shop-id and KABINET_PAY_SECRET_KEY)", err)
	}
	if err := mustExist(*dbPath); err != nil {
		return fmt.Errorf("payments refund: %w", err)
	}
	db, err := portaldb.Open(ctx, *dbPath, portaldb.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := portal.RefundOnlinePayment(ctx, db, client, portal.RefundRequest{Payment: fs.Arg(0), Amount: amount}, log, time.Now())
	if err != nil {
		return fmt.Errorf("payments refund: %w", err)
	}
	if res.Status == payments.Succeeded {
		// Debited now, or by the provider's notification that came first:
		// once either way.
		fmt.Fprintf(out, "Возвращено %s по платежу %s (возврат %s); на лицевом счёте %s это списано один раз.\n", res.Amount, fs.Arg(0), res.RefundID, res.Account)
	} else {
		fmt.Fprintf(out, "Платёжная система приняла возврат %s (%s, состояние %s); лицевой счёт изменится, когда придёт её уведомление.\n", res.Amount, res.RefundID, res.Status)
	}
	return nil
}
