package domain

import (
	"fmt"
	"strings"
	"time"
)

// ReceiptNumber is the number of the portal's receipt for an accepted
// reading («№ 00412»): the reading's id, at least five digits, so the
// customer can quote it to the contact centre and it finds the reading at
// once. The same reading always has the same number, however often it is
// shown, printed or echoed.
func ReceiptNumber(readingID string) string {
	id := strings.TrimSpace(readingID)
	if len(id) >= 5 {
		return id
	}
	return strings.Repeat("0", 5-len(id)) + id
}

// ReceiptText is the echo of an accepted reading by SMS or e-mail: the
// meter's last digits, the day and minute in Moscow and the receipt
// number; no amounts and no account number, as the text may be read by
// anyone who sees the phone.
// «Показания по счётчику …96 приняты 19.12 в 10:32, № 00412».
func ReceiptText(meterSerial string, acceptedAt time.Time, readingID string) string {
	t := acceptedAt.In(Moscow)
	return fmt.Sprintf("Показания по счётчику %s приняты %s в %s, № %s", MaskedSerial(meterSerial), t.Format("02.01"), t.Format("15:04"), ReceiptNumber(readingID))
}

// MaskedSerial is a meter's serial number as a message names it to
// someone who may not be its owner: its last two characters («…96»).
func MaskedSerial(serial string) string {
	r := []rune(strings.TrimSpace(serial))
	if len(r) <= 2 {
		return "…" + string(r)
	}
	return "…" + string(r[len(r)-2:])
}
