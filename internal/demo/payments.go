package demo

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/netip"

	"kabinet/internal/payments"
	"kabinet/internal/payments/localpay"
	"kabinet/internal/portal"
)

// LocalPayments starts the local payment provider on a free port of
// 127.0.0.1, sending its notifications to the hook of the portal at
// portalURL ("http://127.0.0.1:8080"), and returns the portal's payment
// configuration to go with it: the ЮKassa client pointed at the local
// provider, notifications taken from this computer only, the return page
// on the portal. Stop stops the provider.
func LocalPayments(portalURL string, log *slog.Logger) (cfg portal.PaymentConfig, stop func(), err error) {
	b := make([]byte, 16)
	rand.Read(b)
	shop, secret := "local", hex.EncodeToString(b)
	lp := localpay.New(localpay.Config{ShopID: shop, SecretKey: secret, NotifyURL: portalURL + "/api/v1/payments/notifications", Logger: log})
	url, stop, err := lp.Start("127.0.0.1:0")
	if err != nil {
		return cfg, nil, err
	}
	client, err := payments.NewYooKassa(payments.YooKassaConfig{BaseURL: url + "/v3/", ShopID: shop, SecretKey: secret, Logger: log})
	if err != nil {
		stop()
		return cfg, nil, err
	}
	log.Info("payments go to the local provider", "checkout", url)
	return portal.PaymentConfig{Provider: client, ReturnURL: portalURL + "/pay/return",
		Allowlist: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("::1/128")},
		VATCode:   1, TaxSystemCode: 1}, stop, nil
}
