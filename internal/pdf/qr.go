package pdf

import (
	"bytes"
	"fmt"
	"image/png"

	"kabinet/internal/gostqr"
)

// qrModulePx is how many pixels one module of the QR image has: enough
// that a viewer or printer scaling the image keeps the edges sharp.
const qrModulePx = 6

// qrPNG draws payload as the payment QR code (gostqr.Encode: the quiet zone
// included) as a two-colour PNG. It returns the PNG and the number of
// modules across.
func qrPNG(payload string) ([]byte, int, error) {
	code, err := gostqr.Encode(payload)
	if err != nil {
		return nil, 0, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, code.Image(qrModulePx)); err != nil {
		return nil, 0, fmt.Errorf("QR-код: %w", err)
	}
	return buf.Bytes(), code.Size(), nil
}
