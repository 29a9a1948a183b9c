// Package serviceapi is the portal's API for the supplier's own systems
// (/api/v1/service/…): the billing system pushes master data in (imports)
// and takes accepted readings, questions and profile changes out
// (exports). Its callers hold service tokens, each with scopes, made on
// the portal's host with `kabinet-portal service-token add`; a customer's
// session token is never valid here, nor a service token on the customers'
// API (they live in different tables). The document is
// docs/openapi/service.yaml.
package serviceapi

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"kabinet/internal/auth"
	"kabinet/internal/exchange"
	"kabinet/internal/portaldb"
)

// tokenPrefix marks a service token, so that whoever finds one in a
// configuration file knows what it opens.
const tokenPrefix = "kbs_"

// Scopes are every scope a token may carry: import:KIND for each kind of
// master data, export:KIND for each export.
func Scopes() []string {
	var s []string
	for _, k := range exchange.Kinds {
		s = append(s, "import:"+string(k))
	}
	for _, k := range exchange.ExportKinds {
		s = append(s, "export:"+string(k))
	}
	return s
}

// ParseScopes reads scopes separated by commas or spaces; "import:*" and
// "export:*" stand for every scope of that direction. The error is a
// Russian sentence listing the scopes there are.
func ParseScopes(s string) ([]string, error) {
	all := Scopes()
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		switch {
		case f == "import:*" || f == "export:*":
			for _, a := range all {
				if strings.HasPrefix(a, strings.TrimSuffix(f, "*")) && !slices.Contains(out, a) {
					out = append(out, a)
				}
			}
		case slices.Contains(all, f):
			if !slices.Contains(out, f) {
				out = append(out, f)
			}
		default:
			return nil, fmt.Errorf("нет такого права %q; есть: %s (или import:*, export:*)", f, strings.Join(all, ", "))
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("укажите права токена, например -scopes import:customers,export:readings; есть: %s", strings.Join(all, ", "))
	}
	return out, nil
}

// NewToken makes a token named name with scopes and returns its secret,
// which is shown once and never stored.
func NewToken(ctx context.Context, db *portaldb.DB, name string, scopes []string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 64 || strings.ContainsAny(name, " \t\r\n") {
		return "", errors.New("имя токена — одно слово до 64 знаков, например billing или export-cron")
	}
	secret, _, err := auth.NewToken()
	if err != nil {
		return "", err
	}
	token := tokenPrefix + secret
	err = db.AddServiceToken(ctx, name, scopes, auth.HashToken(token))
	if errors.Is(err, portaldb.ErrNameTaken) {
		return "", fmt.Errorf("токен с именем %q уже есть; отзовите его (service-token revoke) или выберите другое имя", name)
	}
	return token, err
}
