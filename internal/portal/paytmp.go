package portal

// Until h-pay is merged: copies of payments.ParseNotification and
// payments.DefaultAllowlist. TODO(merge): delete.

import (
	"encoding/json"
	"errors"
	"net/netip"

	"kabinet/internal/payments"
)

func parseNotificationTmp(body []byte) (payments.Notification, error) {
	var w struct {
		Type   string `json:"type"`
		Event  string `json:"event"`
		Object struct {
			ID string `json:"id"`
		} `json:"object"`
	}
	if err := json.Unmarshal(body, &w); err != nil {
		return payments.Notification{}, err
	}
	if w.Type != "notification" || w.Event == "" || w.Object.ID == "" {
		return payments.Notification{}, errors.New("notification without type, event or object id")
	}
	return payments.Notification{Event: w.Event, ObjectID: w.Object.ID}, nil
}

func defaultAllowlistTmp() []netip.Prefix {
	var out []netip.Prefix
	for _, n := range []string{"185.71.76.0/27", "185.71.77.0/27", "77.75.153.0/25", "77.75.156.11/32", "77.75.156.35/32", "77.75.154.128/25", "2a02:5180::/32"} {
		out = append(out, netip.MustParsePrefix(n))
	}
	return out
}
