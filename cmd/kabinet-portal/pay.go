package main

import (
	"flag"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"kabinet/internal/demo"
	"kabinet/internal/payments"
	"kabinet/internal/portal"
)

// payFlags are the settings of paying online.
type payFlags struct {
	provider, shopID, apiURL, hookAllow, returnURL, vatCode, taxSystem, commission *string
	reconcile                                                                      *time.Duration
}

func addPayFlags(fs *flag.FlagSet) *payFlags {
	every, err := time.ParseDuration(env("KABINET_PAY_RECONCILE", "1m"))
	if err != nil {
		every = time.Minute
	}
	return &payFlags{
		provider: fs.String("pay-provider", env("KABINET_PAY_PROVIDER", ""), "online payments: none, yookassa or local (the local test provider in this process); "+
			"default none, local with -demo (KABINET_PAY_PROVIDER)"),
		shopID: fs.String("pay-shop-id", env("KABINET_PAY_SHOP_ID", ""), "ЮKassa shop id (KABINET_PAY_SHOP_ID; the secret key only from KABINET_PAY_SECRET_KEY)"),
		apiURL: fs.String("pay-api-url", env("KABINET_PAY_API_URL", payments.DefaultYooKassaURL), "ЮKassa API base URL (KABINET_PAY_API_URL)"),
		hookAllow: fs.String("pay-hook-allow", env("KABINET_PAY_HOOK_ALLOW", ""), "addresses or networks the payment notifications may come from, "+
			"checked against the client address (see -trust-proxy); default ЮKassa's published list (KABINET_PAY_HOOK_ALLOW)"),
		returnURL: fs.String("pay-return-url", env("KABINET_PAY_RETURN_URL", ""), "where the payment page sends the payer back: https://<portal>/pay/return (KABINET_PAY_RETURN_URL)"),
		vatCode:   fs.String("pay-vat-code", env("KABINET_PAY_VAT_CODE", ""), "VAT code of the receipt's item, as ЮKassa numbers them: 1 без НДС, 11 22 % … (KABINET_PAY_VAT_CODE; required for yookassa)"),
		taxSystem: fs.String("pay-tax-system", env("KABINET_PAY_TAX_SYSTEM", ""), "tax system code of the receipt, 1–6; empty: not sent (KABINET_PAY_TAX_SYSTEM)"),
		commission: fs.String("pay-commission", env("KABINET_PAY_COMMISSION", "0"), "commission the payer pays on top, in percent, e.g. 0 or 1.5 "+
			"(KABINET_PAY_COMMISSION; at least one way to pay must be free of it)"),
		reconcile: fs.Duration("pay-reconcile", every, "how often open payments are checked with the provider, and after how long without news (KABINET_PAY_RECONCILE)"),
	}
}

// paymentConfig builds the portal's payment settings from the flags; stop
// stops what it started (the local provider). portalURL is the portal's
// own address, for the local provider's notifications and the return page.
func paymentConfig(f *payFlags, secret string, demoMode bool, portalURL string, log *slog.Logger) (portal.PaymentConfig, func(), error) {
	none := func() {}
	provider := *f.provider
	if provider == "" {
		provider = "none"
		if demoMode {
			provider = "local"
		}
	}
	var cfg portal.PaymentConfig
	switch provider {
	case "none":
		log.Info("online payments are off (-pay-provider)")
		return cfg, none, nil
	case "local":
		var stop func()
		var err error
		if cfg, stop, err = demo.LocalPayments(portalURL, log); err != nil {
			return cfg, nil, err
		}
		cfg.ReconcileAfter = *f.reconcile
		return cfg, stop, nil
	case "yookassa":
	default:
		return cfg, nil, fmt.Errorf("-pay-provider %q: write none, yookassa or local", provider)
	}
	client, err := payments.NewYooKassa(payments.YooKassaConfig{BaseURL: *f.apiURL, ShopID: *f.shopID, SecretKey: secret, Logger: log})
	if err != nil {
		return cfg, nil, fmt.Errorf("-pay-provider yookassa: %w (set -pay-shop-id and KABINET_PAY_SECRET_KEY)", err)
	}
	cfg = portal.PaymentConfig{Provider: client, ReturnURL: *f.returnURL, CommissionPercent: *f.commission, ReconcileAfter: *f.reconcile}
	if cfg.ReturnURL == "" {
		return cfg, nil, fmt.Errorf("-pay-return-url is required with -pay-provider yookassa, e.g. https://lk.example.ru/pay/return")
	}
	if cfg.VATCode, err = strconv.Atoi(*f.vatCode); err != nil || cfg.VATCode < 1 {
		return cfg, nil, fmt.Errorf("-pay-vat-code %q: write ЮKassa's VAT code as your accountant chose it (1 без НДС, 11 22 %%)", *f.vatCode)
	}
	if s := strings.TrimSpace(*f.taxSystem); s != "" {
		if cfg.TaxSystemCode, err = strconv.Atoi(s); err != nil || cfg.TaxSystemCode < 1 || cfg.TaxSystemCode > 6 {
			return cfg, nil, fmt.Errorf("-pay-tax-system %q: write a code from 1 to 6", s)
		}
	}
	if *f.hookAllow != "" {
		if cfg.Allowlist, err = portal.ParseTrustedProxies(*f.hookAllow); err != nil {
			return cfg, nil, fmt.Errorf("-pay-hook-allow: %w", err)
		}
	}
	if _, err := portal.ParseCommission(cfg.CommissionPercent); err != nil {
		return cfg, nil, fmt.Errorf("-pay-commission: %w", err)
	}
	log.Info("online payments go to ЮKassa", "api", *f.apiURL, "shop", *f.shopID)
	return cfg, none, nil
}
